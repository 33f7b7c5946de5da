import { SERVER_SETTINGS } from '../../src/server/config';
import { findObject, renderObjects } from './helm-chart';

// The chart's default memory limit must hold an idle server plus --max-users
// users at their worst, with headroom: past the limit the pod is OOM-killed and
// every user is lost. The two measured numbers, and how to measure them again:
/**
 * Worst-case bytes of RSS per stored user, name search index included: `make bench-memory`
 * (node bench/memory-per-user.js 10000, the default --max-users), the worst of its three
 * kinds of names ("mixed"), Node 20.
 */
const WORST_CASE_BYTES_PER_USER = 22_367;
/** Idle RSS of users-server with the chart's arguments: `make bench` ("idle memory", README Performance), Node 20. */
const IDLE_RSS_BYTES = 66 * 1024 * 1024;
/**
 * RSS of one open streaming call (health Watch, reflection), at most: README Bounds,
 * `node bench/health-watches.js` (28 to 43 KiB; 42.8 KiB in the last `make bench`). --max-streaming-calls bounds how many.
 */
const STREAMING_CALL_BYTES = 43 * 1024;
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
  const maxUsers = Number(args.find((arg) => arg.startsWith('--max-users='))!.split('=')[1]);
  // The chart leaves it at the server's default.
  expect(args.some((arg) => arg.startsWith('--max-streaming-calls'))).toBe(false);
  const maxStreamingCalls = Number(SERVER_SETTINGS.maxStreamingCalls.default);
  const limit = quantityBytes(container.resources.limits.memory);
  const needed = Math.ceil((IDLE_RSS_BYTES + maxUsers * WORST_CASE_BYTES_PER_USER + maxStreamingCalls * STREAMING_CALL_BYTES) * HEADROOM);
  return { maxUsers, maxStreamingCalls, limit, needed };
}

test('the default memory limit holds idle memory, --max-users worst-case users and --max-streaming-calls open streams, with 25% headroom', () => {
  const { maxUsers, maxStreamingCalls, limit, needed } = budget();
  expect({ maxUsers, maxStreamingCalls, limitMiB: limit / MIB }).toEqual({ maxUsers: 10_000, maxStreamingCalls: 1000, limitMiB: 448 });
  // (66 MiB + 10,000 × 22,367 B + 1,000 × 43 KiB) × 1.25 = 401.6 MiB, within 448 MiB.
  expect(Math.round((needed / MIB) * 10) / 10).toBe(401.6);
  expect(needed).toBeLessThanOrEqual(limit);
});

test('the arithmetic can fail: 20,000 users do not fit 448 MiB', () => {
  const { limit, needed } = budget({ storage: { memory: { maxUsers: 20_000 } } });
  expect(needed).toBeGreaterThan(limit);
});

test('--max-users is passed only to the in-memory store', () => {
  const args = (values: object) => findObject(renderObjects({ values }), 'Deployment').spec.template.spec.containers[0].args as string[];
  expect(args({}).filter((arg) => arg.startsWith('--max-users'))).toEqual(['--max-users=10000']);
  expect(args({ storage: { type: 'pglite' }, persistence: { enabled: true }, resources: { limits: { memory: '768Mi' } } }).filter((arg) => arg.startsWith('--max-users'))).toEqual([]);
});
