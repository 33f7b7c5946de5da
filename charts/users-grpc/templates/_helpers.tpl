{{/* The chart's name, truncated to the 63 characters of a DNS label. */}}
{{- define "users-grpc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the release name, with the chart name unless it already has it. */}}
{{- define "users-grpc.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "users-grpc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "users-grpc.labels" -}}
helm.sh/chart: {{ include "users-grpc.chart" . }}
{{ include "users-grpc.selectorLabels" . }}
app.kubernetes.io/version: {{ include "users-grpc.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The label that lets a pod through the NetworkPolicy to the gRPC port when grpc.from is set. */}}
{{- define "users-grpc.clientLabel" -}}
{{ include "users-grpc.fullname" . | trunc 56 | trimSuffix "-" }}-client
{{- end }}

{{- define "users-grpc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "users-grpc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of the helm test pod; the NetworkPolicy lets it in. */}}
{{- define "users-grpc.testLabels" -}}
app.kubernetes.io/name: {{ include "users-grpc.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
{{- end }}

{{- define "users-grpc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "users-grpc.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image tag as a string: a numeric tag (`--set image.tag=123`) is fine. */}}
{{- define "users-grpc.imageTag" -}}
{{- if kindIs "float64" .Values.image.tag }}{{ .Values.image.tag | toString }}{{ else }}{{ .Values.image.tag | toString | default .Chart.AppVersion }}{{ end }}
{{- end }}

{{/* registry/repository:tag, or registry/repository@digest; global.imageRegistry wins. */}}
{{- define "users-grpc.image" -}}
{{- $registry := .Values.image.registry }}
{{- with .Values.global }}{{ with .imageRegistry }}{{ $registry = . }}{{ end }}{{ end }}
{{- $repository := ternary (printf "%s/%s" $registry .Values.image.repository) .Values.image.repository (ne $registry "") }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (include "users-grpc.imageTag" .) }}
{{- end }}
{{- end }}

{{/* imagePullSecrets: global ones, then the chart's, without repeats. */}}
{{- define "users-grpc.imagePullSecrets" -}}
{{- $secrets := list }}
{{- with .Values.global }}{{ range .imagePullSecrets }}{{ $secrets = append $secrets . }}{{ end }}{{ end }}
{{- range .Values.image.pullSecrets }}{{ $secrets = append $secrets . }}{{ end }}
{{- with $secrets | uniq }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The gRPC port's appProtocol: the value given, else grpc (cleartext gRPC);
kubernetes.io/h2c for Gateway API; https under TLS, which meshes and gateways
must not take for cleartext.
*/}}
{{- define "users-grpc.appProtocol" -}}
{{- if .Values.service.appProtocol }}{{ .Values.service.appProtocol }}
{{- else if .Values.tls.enabled }}https
{{- else if .Values.grpcRoute.enabled }}kubernetes.io/h2c
{{- else }}grpc
{{- end }}
{{- end }}

{{/* Where the pglite: data directory is mounted in the pod. */}}
{{- define "users-grpc.dataDir" -}}/var/lib/users-grpc{{- end }}

{{/* The Secret and key that hold DATABASE_URL (storage.type=postgres). */}}
{{- define "users-grpc.databaseSecret" -}}
{{- .Values.database.existingSecret | default (printf "%s-database" (include "users-grpc.fullname" .)) }}
{{- end }}
{{- define "users-grpc.databaseSecretKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.secretKey }}{{ else }}url{{ end }}
{{- end }}

{{/*
A memory quantity in whole MiB, capped at 2^40 MiB. Read by Kubernetes' grammar,
which the schema checks (768Mi, 1Gi, 800M, 1e9, 0.5Gi, .5Gi, 1073741824, a YAML
number), so that every quantity Kubernetes takes compares by its value.
*/}}
{{- define "users-grpc.memoryMiB" -}}
{{- $quantity := include "users-grpc.quantityText" . }}
{{- $number := regexFind "^[+]?([0-9]+([.][0-9]*)?|[.][0-9]+)" $quantity }}
{{- $suffix := trimPrefix $number $quantity }}
{{- $bytes := float64 (trimPrefix "+" $number) }}
{{- if regexMatch "^[eE][+-]?[0-9]+$" $suffix }}
{{- $exponent := regexFind "[0-9]+$" $suffix | int }}
{{- /* Past 10^40 bytes the cap decides anyway. */}}
{{- range until (min $exponent 40 | int) }}
{{- $bytes = ternary (divf $bytes 10.0) (mulf $bytes 10.0) (contains "-" $suffix) }}
{{- end }}
{{- else }}
{{- $factors := dict "" 1.0 "n" 0.000000001 "u" 0.000001 "m" 0.001 "k" 1000.0 "M" 1000000.0 "G" 1000000000.0 "T" 1000000000000.0 "P" 1000000000000000.0 "E" 1000000000000000000.0 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 }}
{{- $bytes = mulf $bytes (get $factors $suffix | default 0.0) }}
{{- end }}
{{- minf (divf $bytes 1048576.0) 1099511627776.0 | floor | int }}
{{- end }}

{{/* A quantity as written: a YAML number in plain digits (805306368, not 8.05306368e+08). */}}
{{- define "users-grpc.quantityText" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ regexReplaceAll "[.]?0+$" (printf "%f" (float64 .)) "" }}{{ end }}
{{- end }}

{{/* More than one pod may run at once. */}}
{{- define "users-grpc.multiplePods" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{/*
Checks across values that the schema cannot express; each fails with one line
saying what is wrong and what to do.
*/}}
{{- define "users-grpc.validate" -}}
{{- $storage := .Values.storage.type }}
{{- $what := ternary "autoscaling.enabled is true" (printf "replicaCount is %d" (int .Values.replicaCount)) .Values.autoscaling.enabled }}
{{- if and (eq $storage "memory") (include "users-grpc.multiplePods" .) (not .Values.storage.memory.allowMultipleReplicas) }}
{{- fail (printf "users-grpc: %s, but storage.type is memory: each pod would keep its own users. Set storage.type=postgres (with database.url or database.existingSecret) to run several pods, or storage.memory.allowMultipleReplicas=true if clients only read the sample users." $what) }}
{{- end }}
{{- if and (eq $storage "pglite") (include "users-grpc.multiplePods" .) }}
{{- fail (printf "users-grpc: %s, but storage.type is pglite: its data directory belongs to one pod. Set storage.type=postgres to run several pods." $what) }}
{{- end }}
{{- if and (eq $storage "pglite") (not .Values.persistence.enabled) }}
{{- fail "users-grpc: storage.type is pglite, but persistence.enabled is false: without a volume the users go with the pod. Set persistence.enabled=true." }}
{{- end }}
{{- if and .Values.persistence.enabled (ne $storage "pglite") }}
{{- fail (printf "users-grpc: persistence.enabled is for storage.type=pglite; storage.type is %s." $storage) }}
{{- end }}
{{- $memoryLimit := dig "limits" "memory" "" (.Values.resources | default dict) }}
{{- if and (eq $storage "pglite") $memoryLimit (lt (int (include "users-grpc.memoryMiB" $memoryLimit)) 768) }}
{{- fail (printf "users-grpc: storage.type is pglite, but resources.limits.memory is %s: PGlite (PostgreSQL in WebAssembly) takes about 300 MiB idle and 500 MiB under load. Set resources.limits.memory to 768Mi or more." (include "users-grpc.quantityText" $memoryLimit)) }}
{{- end }}
{{- $database := or .Values.database.url .Values.database.existingSecret }}
{{- if and (eq $storage "postgres") (not $database) }}
{{- fail "users-grpc: storage.type is postgres: set database.existingSecret (a Secret with the URL under database.secretKey) or database.url." }}
{{- end }}
{{- if and .Values.database.url .Values.database.existingSecret }}
{{- fail "users-grpc: set database.url or database.existingSecret, not both." }}
{{- end }}
{{- if and $database (ne $storage "postgres") }}
{{- fail (printf "users-grpc: database.url and database.existingSecret are for storage.type=postgres; storage.type is %s." $storage) }}
{{- end }}
{{- if and .Values.database.url (not (regexMatch "^(?i)postgres(ql)?://" .Values.database.url)) }}
{{- fail "users-grpc: database.url must start with postgres:// or postgresql://." }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail (printf "users-grpc: autoscaling.minReplicas (%d) is above autoscaling.maxReplicas (%d)." (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.secretName) }}
{{- fail "users-grpc: tls.enabled needs tls.secretName, the kubernetes.io/tls Secret with tls.crt and tls.key." }}
{{- end }}
{{- if and .Values.tls.mtls.enabled (not .Values.tls.enabled) }}
{{- fail "users-grpc: tls.mtls.enabled needs tls.enabled." }}
{{- end }}
{{- if and .Values.tls.mtls.enabled (not .Values.tls.caFromSecret) }}
{{- fail "users-grpc: tls.mtls.enabled needs tls.caFromSecret: the server verifies client certificates with the Secret's ca.crt." }}
{{- end }}
{{- if and .Values.serviceMonitor.enabled (not .Values.metrics.enabled) }}
{{- fail "users-grpc: serviceMonitor.enabled needs metrics.enabled." }}
{{- end }}
{{- if and .Values.podMonitor.enabled (not .Values.metrics.enabled) }}
{{- fail "users-grpc: podMonitor.enabled needs metrics.enabled." }}
{{- end }}
{{- if and .Values.serviceMonitor.enabled .Values.podMonitor.enabled }}
{{- fail "users-grpc: serviceMonitor.enabled and podMonitor.enabled would scrape every pod twice: choose one." }}
{{- end }}
{{- if and .Values.tls.enabled (has .Values.service.appProtocol (list "grpc" "kubernetes.io/h2c" "h2c" "http")) }}
{{- fail (printf "users-grpc: service.appProtocol %s says cleartext, but tls.enabled serves TLS: leave it empty (https) or name a TLS protocol." .Values.service.appProtocol) }}
{{- end }}
{{- if and .Values.grpcRoute.enabled (not .Values.grpcRoute.parentRefs) }}
{{- fail "users-grpc: grpcRoute.enabled needs grpcRoute.parentRefs, the Gateway(s) to attach the route to." }}
{{- end }}
{{- if .Values.networkPolicy.enabled }}
{{- $monitor := ternary "serviceMonitor" "podMonitor" .Values.serviceMonitor.enabled }}
{{- if and (or .Values.serviceMonitor.enabled .Values.podMonitor.enabled) (not .Values.networkPolicy.metrics.from) }}
{{- fail (printf "users-grpc: %s.enabled with networkPolicy.enabled needs networkPolicy.metrics.from (your Prometheus' namespace or pods): the NetworkPolicy would block every scrape." $monitor) }}
{{- end }}
{{- if and .Values.networkPolicy.grpc.from (not .Values.networkPolicy.ingressController.from) }}
{{- if .Values.ingress.enabled }}
{{- fail "users-grpc: ingress.enabled with networkPolicy.grpc.from set needs networkPolicy.ingressController.from (your ingress controller's namespace or pods): the NetworkPolicy would block it." }}
{{- end }}
{{- if .Values.grpcRoute.enabled }}
{{- fail "users-grpc: grpcRoute.enabled with networkPolicy.grpc.from set needs networkPolicy.ingressController.from (your Gateway's namespace or pods): the NetworkPolicy would block it." }}
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- $requests := (.Values.resources | default dict).requests | default dict }}
{{- if and (not (kindIs "invalid" .Values.autoscaling.targetCPUUtilizationPercentage)) (not $requests.cpu) }}
{{- fail "users-grpc: autoscaling.targetCPUUtilizationPercentage needs resources.requests.cpu: the HPA measures utilization against the request." }}
{{- end }}
{{- if and (not (kindIs "invalid" .Values.autoscaling.targetMemoryUtilizationPercentage)) (not $requests.memory) }}
{{- fail "users-grpc: autoscaling.targetMemoryUtilizationPercentage needs resources.requests.memory: the HPA measures utilization against the request." }}
{{- end }}
{{- if and (kindIs "invalid" .Values.autoscaling.targetCPUUtilizationPercentage) (kindIs "invalid" .Values.autoscaling.targetMemoryUtilizationPercentage) }}
{{- fail "users-grpc: autoscaling.enabled needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage." }}
{{- end }}
{{- end }}
{{- end }}

{{/* The plaintext health-only port (--health-address) that the probes use under TLS. */}}
{{- define "users-grpc.healthPort" -}}8081{{- end }}

{{/* Where the server's TLS Secret is mounted, and the client certificate's for the helm test. */}}
{{- define "users-grpc.tlsDir" -}}/etc/users-grpc/tls{{- end }}
{{- define "users-grpc.clientTlsDir" -}}/etc/users-grpc/client-tls{{- end }}

{{/* The name clients verify in the server certificate. */}}
{{- define "users-grpc.tlsServerName" -}}
{{- .Values.tls.serverName | default (printf "%s.%s.svc" (include "users-grpc.fullname" .) .Release.Namespace) }}
{{- end }}

{{/* The Secret whose certificate the helm test presents under mTLS. */}}
{{- define "users-grpc.clientTlsSecret" -}}
{{- .Values.tls.mtls.clientSecretName | default .Values.tls.secretName }}
{{- end }}

{{/* users-cli's TLS flags for a client inside the cluster (the helm test), as YAML list items. */}}
{{- define "users-grpc.cliTlsArgs" -}}
{{- if .Values.tls.enabled }}
- --tls
- --servername={{ include "users-grpc.tlsServerName" . }}
{{- if .Values.tls.caFromSecret }}
- --cacert={{ include "users-grpc.tlsDir" . }}/ca.crt
{{- end }}
{{- if .Values.tls.mtls.enabled }}
{{- $dir := ternary (include "users-grpc.clientTlsDir" .) (include "users-grpc.tlsDir" .) (eq (include "users-grpc.separateClientSecret" .) "true") }}
- --cert={{ $dir }}/tls.crt
- --key={{ $dir }}/tls.key
{{- end }}
{{- end }}
{{- end }}

{{/* The client certificate lives in its own Secret (not the server's). */}}
{{- define "users-grpc.separateClientSecret" -}}
{{- if and .Values.tls.mtls.enabled (ne (include "users-grpc.clientTlsSecret" .) .Values.tls.secretName) }}true{{ end }}
{{- end }}

{{/*
Volumes with the TLS Secrets. Call with (dict "root" $ "client" BOOL): the server
pod (client false) mounts the whole server Secret, and nothing else (its probes
use the plaintext health port); the helm test pod (client true) gets only what a
client needs from it: ca.crt, and the key pair only when mTLS reuses the server's
certificate, else the client Secret. Files are readable by the pod's group (fsGroup).
*/}}
{{- define "users-grpc.tlsVolumes" -}}
{{- $v := .root.Values }}
{{- if $v.tls.enabled }}
{{- $separate := include "users-grpc.separateClientSecret" .root }}
{{- $wholeSecret := or (not .client) (and $v.tls.mtls.enabled (not $separate)) }}
{{- if or $wholeSecret $v.tls.caFromSecret }}
- name: tls
  secret:
    secretName: {{ $v.tls.secretName }}
    defaultMode: 288 # 0440 in octal: read by owner and group (fsGroup)
    {{- if not $wholeSecret }}
    items:
      - key: ca.crt
        path: ca.crt
    {{- end }}
{{- end }}
{{- if and $separate .client }}
- name: client-tls
  secret:
    secretName: {{ include "users-grpc.clientTlsSecret" .root }}
    defaultMode: 288 # 0440 in octal: read by owner and group (fsGroup)
{{- end }}
{{- end }}
{{- end }}

{{/* Mounts of the volumes above; same call. */}}
{{- define "users-grpc.tlsVolumeMounts" -}}
{{- $v := .root.Values }}
{{- if $v.tls.enabled }}
{{- $separate := include "users-grpc.separateClientSecret" .root }}
{{- if or (not .client) (and $v.tls.mtls.enabled (not $separate)) $v.tls.caFromSecret }}
- name: tls
  mountPath: {{ include "users-grpc.tlsDir" .root }}
  readOnly: true
{{- end }}
{{- if and $separate .client }}
- name: client-tls
  mountPath: {{ include "users-grpc.clientTlsDir" .root }}
  readOnly: true
{{- end }}
{{- end }}
{{- end }}
