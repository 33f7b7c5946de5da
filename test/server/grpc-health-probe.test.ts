import { connect } from 'node:net';
import { requireServerBundle, requireTool } from '../support/prerequisites';
import { run, startServerProcess, type ServerProcess } from '../support/processes';
import { sampleValue, scrape } from '../support/prometheus';

// grpc-health-probe is what the Go chart ran; Kubernetes' native gRPC probe asks the same question.
let probe: string;
let server: ServerProcess;
beforeAll(async () => {
  requireServerBundle();
  probe = requireTool('grpc-health-probe');
  server = await startServerProcess();
});
afterAll(() => server.stop());

test('the whole server: SERVING, exit 0', async () => {
  expect(await run(probe, [`-addr=${server.address}`])).toEqual({ code: 0, stdout: '', stderr: 'status: SERVING\n' });
});

test('-service=user.UserService: SERVING, exit 0', async () => {
  expect(await run(probe, [`-addr=${server.address}`, '-service=user.UserService'])).toEqual({ code: 0, stdout: '', stderr: 'status: SERVING\n' });
});

test('an unknown service: exit 3 (RPC failure) with NotFound', async () => {
  expect(await run(probe, [`-addr=${server.address}`, '-service=nope'])).toEqual({
    code: 3,
    stdout: '',
    stderr: "error: health rpc failed: rpc error: code = NotFound desc = Unknown service: 'nope'\n",
  });
});

test('a probe is not a refused request: grpc-go closes with a GOAWAY that nghttp2 calls a protocol error, and http2_protocol_error stays at 0; an HTTP/1.1 request still counts', async () => {
  const probed = await startServerProcess(['--metrics-address=127.0.0.1:0']);
  try {
    const started = JSON.parse(await probed.waitForLine(/users-server started/)) as { metrics: string };
    const metricsPort = Number(started.metrics.split(':').pop());
    for (let i = 0; i < 3; i++) expect((await run(probe, [`-addr=${probed.address}`])).code).toBe(0);
    expect(sampleValue(await scrape(metricsPort), 'grpc_server_rejected_total', { reason: 'http2_protocol_error' })).toBe(0);
    const [host, port] = probed.address.split(':');
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), host, () => socket.end('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('error', () => {});
      socket.on('data', () => {});
      socket.on('close', () => resolve());
    });
    let counted = 0;
    for (let attempt = 0; counted === 0 && attempt < 50; attempt++) counted = sampleValue(await scrape(metricsPort), 'grpc_server_rejected_total', { reason: 'http2_protocol_error' });
    expect(counted).toBe(1);
  } finally {
    await probed.stop();
  }
});
