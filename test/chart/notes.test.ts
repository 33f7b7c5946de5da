import { ALL_FEATURES_VALUES, renderNotes } from './helm-chart';

const PLAINTEXT_NOTES = `users-grpc 0.1.0 is deployed as rel-users-grpc in namespace directory
(plaintext gRPC, storage: memory).

1. Reach it from your machine:

  kubectl --namespace directory port-forward service/rel-users-grpc 8000:8000

  users-cli --address=localhost:8000 health
  users-cli --address=localhost:8000 list
  users-cli --address=localhost:8000 search --name=mael

2. Or from inside the cluster, with users-cli from the same image:

  kubectl --namespace directory run users-cli --rm -it --restart=Never --image=users-grpc:0.1.0 \\
    --labels=rel-users-grpc-client=true -- \\
    users-cli --address=rel-users-grpc:8000 list

Prometheus metrics: kubectl --namespace directory port-forward service/rel-users-grpc-metrics 9402:9402, then
  curl -s localhost:9402/metrics

Check the release: helm test rel --namespace directory
`;

describe('NOTES.txt', () => {
  test('plaintext, the default values: the whole text', () => {
    expect(renderNotes()).toBe(PLAINTEXT_NOTES);
  });

  test('plaintext: port-forward, users-cli commands, in-cluster run, metrics and helm test', () => {
    const notes = renderNotes();
    expect(notes).toContain('users-grpc 0.1.0 is deployed as rel-users-grpc in namespace directory\n(plaintext gRPC, storage: memory).');
    expect(notes).toContain('kubectl --namespace directory port-forward service/rel-users-grpc 8000:8000\n');
    expect(notes).toContain('  users-cli --address=localhost:8000 health\n  users-cli --address=localhost:8000 list\n');
    expect(notes).toContain(
      'kubectl --namespace directory run users-cli --rm -it --restart=Never --image=users-grpc:0.1.0 \\\n' +
        '    --labels=rel-users-grpc-client=true -- \\\n    users-cli --address=rel-users-grpc:8000 list',
    );
    expect(notes).toContain('port-forward service/rel-users-grpc-metrics 9402:9402, then\n  curl -s localhost:9402/metrics');
    expect(notes).toContain('helm test rel --namespace directory');
    expect(notes).not.toContain('--tls');
    expect(notes).not.toContain('Ingress');
  });

  test('mTLS: how to fetch the CA and a client certificate, and the matching users-cli flags', () => {
    const notes = renderNotes({ valuesFiles: [ALL_FEATURES_VALUES] });
    expect(notes).toContain('(gRPC over mTLS, storage: memory)');
    expect(notes).toContain("kubectl --namespace directory get secret users-grpc-tls -o jsonpath='{.data.ca\\.crt}' | base64 -d > ca.crt");
    expect(notes).toContain("get secret users-grpc-probe-client-tls -o jsonpath='{.data.tls\\.key}' | base64 -d > client.key");
    expect(notes).toContain(
      'users-cli --address=localhost:8000 --tls --servername=users-grpc.example.internal --cacert=ca.crt --cert=client.crt --key=client.key list',
    );
    expect(notes).toContain('users-cli --address=users.example.com:443 --tls list');
    expect(notes).toContain('the ServiceMonitor rel-users-grpc has the Prometheus operator scrape it every 15s');
    expect(notes).toContain('4. Through the Gateway (GRPCRoute rel-users-grpc, TLS to the pods by BackendTLSPolicy):\n  users-cli --address=users.example.com:443 --tls list');
    expect(notes).toContain('dns:///rel-users-grpc-headless.directory.svc:8000, loadBalancingConfig [{round_robin: {}}]');
  });

  test('PodMonitor: says it scrapes', () => {
    expect(renderNotes({ values: { podMonitor: { enabled: true, interval: '20s' } } })).toContain(
      'the PodMonitor rel-users-grpc has the Prometheus operator scrape it every 20s',
    );
  });

  test('metrics off: the same text without its metrics lines', () => {
    const metricsLines = 'Prometheus metrics: kubectl --namespace directory port-forward service/rel-users-grpc-metrics 9402:9402, then\n  curl -s localhost:9402/metrics\n\n';
    expect(PLAINTEXT_NOTES).toContain(metricsLines);
    expect(renderNotes({ values: { metrics: { enabled: false } } })).toBe(PLAINTEXT_NOTES.replace(metricsLines, ''));
  });
});
