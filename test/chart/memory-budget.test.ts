import { SERVER_SETTINGS } from '../../src/server/config';
import { findObject, renderObjects } from './helm-chart';

// The chart's default memory limit must hold an idle server plus --max-users
// users at their worst, and every other thing a client can make it hold up to
// its bound, with headroom: past the limit the pod is OOM-killed and every user
// of the in-memory store is lost. The measured numbers, and how to measure them again:
/**
 * Worst-case bytes of RSS per stored user, name search index included: `make bench-memory`
 * (node bench/memory-per-user.js 10000, the default --max-users), the worst of its three
 * kinds of names ("mixed"), Node 20: 22,367 and 22,596 in two runs, so 23,000.
 */
const WORST_CASE_BYTES_PER_USER = 23_000;
/** Idle RSS of users-server with the chart's arguments: `make bench` ("idle memory", README Performance), Node 20. */
const IDLE_RSS_BYTES = 66 * 1024 * 1024;
/**
 * RSS of one open streaming call (health Watch, reflection), at most: README Bounds,
 * `node bench/health-watches.js` (28 to 43 KiB; 42.8 KiB in the last `make bench`). --max-streaming-calls bounds how many.
 */
const STREAMING_CALL_BYTES = 43 * 1024;
/**
 * RSS of one idle connection, at most: README Bounds, `node bench/idle-connections.js` (21.9 to 24.8 KiB),
 * and 70 KiB over TLS (the same with --tls-cert-file). --max-connections bounds how many on each port.
 */
const CONNECTION_BYTES = 25 * 1024;
const TLS_CONNECTION_BYTES = 70 * 1024;
/**
 * RSS above idle while clients hold requests that never finish arriving, at the default
 * --max-arriving-requests: `node bench/arriving-requests.js 80` (part of `make bench`), 106 MB.
 */
const ARRIVING_REQUESTS_BYTES = 106_000_000;
/** What is left for garbage, buffers of calls in flight and measurement noise. */
const HEADROOM = 1.25;

const MIB = 1024 * 1024;

function quantityBytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 * MIB : MIB);
}

function budget(values?: object) {
  const deployment = findObject(renderObjects({ values }), 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const args = container.args as string[];
  const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const maxUsers = Number(flag('max-users'));
  const maxConnections = Number(flag('max-connections'));
  // The chart leaves these at the server's defaults.
  for (const name of ['max-streaming-calls', 'max-total-buffered-answer-bytes', 'max-arriving-requests']) expect(flag(name)).toBeUndefined();
  const maxStreamingCalls = Number(SERVER_SETTINGS.maxStreamingCalls.default);
  const bufferedAnswersMiB = Number(/^(\d+)MiB$/.exec(SERVER_SETTINGS.maxTotalBufferedAnswerBytes.default)![1]);
  // Under TLS the gRPC port's connections are TLS ones, and the health port (plaintext) has as many again.
  const tls = args.some((arg) => arg.startsWith('--tls-cert-file='));
  const connectionBytes = tls ? maxConnections * (TLS_CONNECTION_BYTES + CONNECTION_BYTES) : maxConnections * CONNECTION_BYTES;
  const limit = quantityBytes(container.resources.limits.memory);
  const needed = Math.ceil(
    (IDLE_RSS_BYTES + maxUsers * WORST_CASE_BYTES_PER_USER + maxStreamingCalls * STREAMING_CALL_BYTES + connectionBytes + bufferedAnswersMiB * MIB + ARRIVING_REQUESTS_BYTES) *
      HEADROOM,
  );
  return { maxUsers, maxStreamingCalls, maxConnections, bufferedAnswersMiB, limit, needed };
}

test('the default memory limit holds idle memory, --max-users worst-case users, --max-streaming-calls open streams, --max-connections idle connections, --max-total-buffered-answer-bytes and --max-arriving-requests, with 25% headroom', () => {
  const { maxUsers, maxStreamingCalls, maxConnections, bufferedAnswersMiB, limit, needed } = budget();
  expect({ maxUsers, maxStreamingCalls, maxConnections, bufferedAnswersMiB, limitMiB: limit / MIB }).toEqual({
    maxUsers: 10_000,
    maxStreamingCalls: 1000,
    maxConnections: 500,
    bufferedAnswersMiB: 32,
    limitMiB: 640,
  });
  // (66 MiB + 10,000 × 23,000 B + 1,000 × 43 KiB + 500 × 25 KiB + 32 MiB + 106 MB) × 1.25 = 590.8 MiB, within 640 MiB.
  expect(Math.round((needed / MIB) * 10) / 10).toBe(590.8);
  expect(needed).toBeLessThanOrEqual(limit);
});

test('with TLS: 500 TLS connections on the gRPC port and 500 on the health port fit too', () => {
  const { limit, needed } = budget({ tls: { enabled: true, secretName: 'users-grpc-tls' } });
  // (66 MiB + 10,000 × 23,000 B + 1,000 × 43 KiB + 500 × (70 + 25) KiB + 32 MiB + 106 MB) × 1.25 = 633.5 MiB.
  expect(Math.round((needed / MIB) * 10) / 10).toBe(633.5);
  expect(needed).toBeLessThanOrEqual(limit);
});

test('the arithmetic can fail: 20,000 users do not fit 640 MiB, nor do 2,000 TLS connections', () => {
  expect(budget({ storage: { memory: { maxUsers: 20_000 } } }).needed).toBeGreaterThan(quantityBytes('640Mi'));
  const { limit, needed } = budget({ tls: { enabled: true, secretName: 'users-grpc-tls' }, server: { maxConnections: 2000 } });
  expect(needed).toBeGreaterThan(limit);
});
test('--max-users is passed only to the in-memory store', () => {
  const args = (values: object) => findObject(renderObjects({ values }), 'Deployment').spec.template.spec.containers[0].args as string[];
  expect(args({}).filter((arg) => arg.startsWith('--max-users'))).toEqual(['--max-users=10000']);
  expect(args({ storage: { type: 'pglite' }, persistence: { enabled: true }, resources: { limits: { memory: '768Mi' } } }).filter((arg) => arg.startsWith('--max-users'))).toEqual([]);
});
