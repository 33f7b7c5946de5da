// users-cli start-up, measured side by side with `node -e 0` in one run: the
// commands are interleaved round by round, so that a busy machine slows all
// of them alike. Against a local users-server (sample users) on 127.0.0.1,
// with an empty HOME (no config file) and NODE_EXTRA_CA_CERTS unset.
//   node bench/cli-startup.js [rounds]     (make bench runs it; target: get <= 2.5x node -e 0)
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { root, runBench } = require('./local-server');

const rounds = Number(process.argv[2] || 20);
const cli = path.join(root, 'dist', 'users-cli.js');

function time(args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

runBench('users-cli-bench-', async ({ address, env }) => {
  const commands = [
    ['node -e 0', ['-e', '0']],
    ['users-cli --version', [cli, '--version']],
    ['users-cli get EMAIL', [cli, 'get', 'mael.valadier@example.com', `--address=${address}`]],
    ['users-cli list', [cli, 'list', `--address=${address}`]],
  ];
  for (const [, args] of commands) time(args, env); // warm the file cache (and Node's compile cache, where there is one)
  const samples = commands.map(() => []);
  for (let round = 0; round < rounds; round += 1) commands.forEach(([, args], i) => samples[i].push(time(args, env)));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const reference = median(samples[0]);
  console.log(`== users-cli start-up: median of ${rounds} interleaved runs, Node ${process.version}, NODE_EXTRA_CA_CERTS unset`);
  commands.forEach(([name], i) => {
    const m = median(samples[i]);
    console.log(`${name.padEnd(22)} ${m.toFixed(1).padStart(6)} ms  ${(m / reference).toFixed(2)}x node -e 0`);
  });
});
