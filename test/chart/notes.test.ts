import { ALL_FEATURES_VALUES, renderNotes } from './helm-chart';

describe('NOTES.txt', () => {
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

  test('metrics off: no metrics lines', () => {
    expect(renderNotes({ values: { metrics: { enabled: false } } })).not.toContain('metrics');
  });
});
