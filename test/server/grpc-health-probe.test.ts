import { requireServerBundle, requireTool } from '../support/prerequisites';
import { run, startServerProcess, type ServerProcess } from '../support/processes';

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
