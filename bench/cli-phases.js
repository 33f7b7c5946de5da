// Where the time of one `users-cli get` goes: each run is loaded with
// bench/cli-phases-hook.js, which records when each phase ends; this prints
// each phase's duration (median and minimum of the rounds) and, beside it,
// `node -e 0` run the same way in the same rounds. Same set-up as
// bench/cli-startup.js: local users-server, empty HOME, the compile cache as
// that leaves it, NODE_EXTRA_CA_CERTS unset.
//   node bench/cli-phases.js [rounds]      (make bench-cli-phases)
const { spawnSync } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { root, runBench } = require('./local-server');

const rounds = Number(process.argv[2] || 20);
const cli = path.join(root, 'dist', 'users-cli.js');
const hook = path.join(__dirname, 'cli-phases-hook.js');
const now = () => performance.timeOrigin + performance.now();

/** Runs node with the hook; the durations of its phases, from the spawn to the end of the child as its parent sees it. */
function phases(args, env, home) {
  const out = path.join(home, 'phases.jsonl');
  rmSync(out, { force: true });
  const started = now();
  const result = spawnSync(process.execPath, ['--require', hook, ...args], { env: { ...env, PHASES_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ended = now();
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const { origin, ...marks } = JSON.parse(readFileSync(out, 'utf8'));
  const durations = { 'spawn (until Node starts)': origin - started };
  let previous = 0;
  for (const [name, at] of Object.entries(marks)) {
    durations[name] = at - previous;
    previous = at;
  }
  durations['exit (until the parent sees it)'] = ended - (origin + previous);
  durations.total = ended - started;
  return durations;
}

runBench('users-cli-phases-', async ({ address, env, home }) => {
  const get = [cli, 'get', 'mael.valadier@example.com', `--address=${address}`];
  // The compile cache as bench/cli-startup.js leaves it: written by --version, then by get.
  spawnSync(process.execPath, [cli, '--version'], { env });
  spawnSync(process.execPath, get, { env });
  const samples = { node: [], get: [] };
  for (let round = 0; round < rounds; round += 1) {
    samples.node.push(phases(['-e', '0'], env, home));
    samples.get.push(phases(get, env, home));
  }
  const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
  const cell = (runs, name) => {
    const values = runs.map((run) => run[name]).filter((value) => value !== undefined);
    return values.length ? `${quantile(values, 0.5).toFixed(1).padStart(6)} (${quantile(values, 0).toFixed(1).padStart(5)})` : '';
  };
  console.log(`== users-cli get, phase by phase: median (minimum) in ms of ${rounds} runs, Node ${process.version}, NODE_EXTRA_CA_CERTS unset`);
  console.log(`${'phase (each ends with what it names)'.padEnd(54)} ${'get'.padStart(14)}   ${'node -e 0'.padStart(14)}`);
  for (const name of Object.keys(samples.get[0])) console.log(`${name.padEnd(54)} ${cell(samples.get, name).padStart(14)}   ${cell(samples.node, name).padStart(14)}`);
});
