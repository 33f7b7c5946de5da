// Starts dist/users-server.js for a benchmark, on 127.0.0.1:0 with JSON logs
// and no metrics listener, `args` added; by its #! line as the users-server
// command runs (launcher) or under this node. Resolves with the process and
// its bound port, from its start-up line.
const { spawn } = require('node:child_process');
const path = require('node:path');

const SERVER = path.join(__dirname, '..', 'dist', 'users-server.js');

async function spawnServer(args, { launcher = true, env = {} } = {}) {
  const fullEnv = { ...process.env, ...env };
  // It makes every node start slower on some machines: not ours to measure.
  delete fullEnv.NODE_EXTRA_CA_CERTS;
  const allArgs = ['--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json', ...args];
  const options = { env: fullEnv, stdio: ['ignore', 'pipe', 'inherit'] };
  const child = launcher ? spawn(SERVER, allArgs, options) : spawn(process.execPath, [SERVER, ...allArgs], options);
  let out = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /"port":(\d+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`users-server exited (${code}) before starting`)));
  });
  return { child, port };
}

module.exports = { spawnServer };
