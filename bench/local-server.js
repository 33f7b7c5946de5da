// What the users-cli benchmarks share: a users-server (sample users) on
// 127.0.0.1, port chosen by the OS, and an empty HOME (no config file).
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

function startServer(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'users-server.js'), '--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('users-server started'));
      if (line) resolve({ child, address: `127.0.0.1:${JSON.parse(line).port}` });
    });
    child.once('exit', () => reject(new Error(`users-server exited: ${out}`)));
  });
}

/**
 * Runs `bench({ address, env, home })` against a local users-server, with an
 * empty HOME and only PATH and LANG from this environment, then stops both; an
 * error is one line on stderr and exit code 1.
 */
async function runBench(homePrefix, bench) {
  const home = mkdtempSync(path.join(tmpdir(), homePrefix));
  const env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8' };
  let server;
  try {
    server = await startServer(env);
    await bench({ address: server.address, env, home });
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    server?.child.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

module.exports = { root, runBench };
