{{/*
The scrape endpoint that ServiceMonitor and PodMonitor share. Call with
(dict "root" $ "monitor" .Values.serviceMonitor).
*/}}
{{- define "users-grpc.scrapeEndpoint" -}}
- port: metrics
  path: /metrics
  scheme: http
  interval: {{ .monitor.interval }}
  scrapeTimeout: {{ .monitor.scrapeTimeout }}
  {{- with .monitor.relabelings }}
  relabelings:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .monitor.metricRelabelings }}
  metricRelabelings:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* metadata shared by both monitors; same call. */}}
{{- define "users-grpc.monitorMetadata" -}}
name: {{ include "users-grpc.fullname" .root }}
namespace: {{ .monitor.namespace | default .root.Release.Namespace }}
labels:
  {{- include "users-grpc.labels" .root | nindent 2 }}
  {{- with .monitor.labels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
