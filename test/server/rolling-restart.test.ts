import { createChannel, createClient, type Channel } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { requireServerBundle } from '../support/prerequisites';
import { startServerProcess, type ServerProcess } from '../support/processes';
import { untilReady } from '../support/subchannels';

// A rolling restart as a Deployment does it, without Kubernetes: two server
// processes behind one client that balances calls over both addresses
// (round_robin), replaced one after the other on the same addresses, while the
// client makes 2,000 calls. Not one call may fail.

const CALLS = 2000;
const WORKERS = 4;
const SERVER_ARGS = ['--drain-delay=200ms', '--grace-period=10s', '--samples=true'];

/** Calls may start up to `limit`; the test raises it as the restart goes on, so the calls span it. */
class CallBudget {
  started = 0;
  finished = 0;
  private limit: number;
  private readonly waiting: Array<() => void> = [];
  private readonly watchers: Array<{ n: number; resolve: () => void }> = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  async take(): Promise<boolean> {
    while (this.started >= this.limit && this.started < CALLS) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.started >= CALLS) return false;
    this.started += 1;
    return true;
  }

  raise(limit: number): void {
    this.limit = limit;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  finish(): void {
    this.finished += 1;
    for (const watcher of this.watchers.filter((w) => this.finished >= w.n)) {
      this.watchers.splice(this.watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  }

  finishedAt(n: number): Promise<void> {
    return this.finished >= n ? Promise.resolve() : new Promise((resolve) => this.watchers.push({ n, resolve }));
  }
}

const servedCalls = (server: ServerProcess) => server.output().split('\n').filter((line) => line.includes('"message":"call"')).length;

let servers: ServerProcess[] = [];
let channel: Channel | undefined;
afterAll(async () => {
  channel?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

test(`a rolling restart of two servers loses none of ${CALLS} round_robin calls`, async () => {
  requireServerBundle();
  const first = [await startServerProcess(SERVER_ARGS), await startServerProcess(SERVER_ARGS)];
  servers = [...first];
  const addresses = first.map((s) => s.address);
  channel = createChannel(`ipv4:${addresses.join(',')}`, undefined, {
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    // Reconnect soon to a replaced server (grpc-js waits 1 s, then longer, by default).
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 500,
  });
  const client = createClient(UserServiceDefinition, channel);
  channel.getConnectivityState(true); // connect now, not at the first call
  for (const address of addresses) await untilReady(channel, address);

  const budget = new CallBudget(300);
  const errors: string[] = [];
  const worker = async () => {
    while (await budget.take()) {
      try {
        const response = await client.list({});
        if (response.status?.code !== Status_StatusCode.SUCCESS) errors.push(`status ${response.status?.code}`);
      } catch (error) {
        errors.push(String(error));
      } finally {
        budget.finish();
      }
    }
  };

  /** SIGTERM the server at `index`, wait for its clean exit, start its successor on the same address, and wait until the client uses it. */
  const replace = async (index: number) => {
    const old = servers[index];
    old.child.kill('SIGTERM');
    expect(await old.exited).toEqual({ code: 0, signal: null });
    const successor = await startServerProcess([...SERVER_ARGS, `--address=${addresses[index]}`]);
    servers.push(successor);
    await untilReady(channel!, addresses[index]);
    return successor;
  };

  const restart = (async () => {
    await budget.finishedAt(200);
    budget.raise(900); // calls while the first server drains, stops and comes back
    const second = await replace(0);
    budget.raise(1200);
    await budget.finishedAt(1100);
    budget.raise(1800); // calls while the second server drains, stops and comes back
    const third = await replace(1);
    budget.raise(CALLS);
    return [second, third];
  })();

  await Promise.all([...Array.from({ length: WORKERS }, worker), restart]);
  const successors = await restart;

  expect(errors).toEqual([]);
  expect(budget.finished).toBe(CALLS);
  // A server logs a call once it has answered it, so the last lines of the
  // running successors may still be in their pipes: stop them, and read their
  // output to the end, before counting.
  for (const server of successors) expect(await server.stop()).toEqual({ code: 0, signal: null });
  // Every server took part: the old ones before their restart, the new ones after.
  for (const server of [...first, ...successors]) expect(servedCalls(server)).toBeGreaterThan(0);
  expect(first.concat(successors).reduce((sum, s) => sum + servedCalls(s), 0)).toBe(CALLS);
}, 30_000);
