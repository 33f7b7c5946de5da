// Measures how long dist/users-server.js takes from spawn to its listening
// line, and its resident memory once idle with the sample users loaded.
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const runs = Number(process.argv[2] || 10);
const server = path.join(__dirname, '..', 'dist', 'users-server.js');

function once() {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [server, '--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('users-server started')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
      child.kill('SIGTERM');
      child.once('exit', () => resolve({ ms, rss }));
    });
    child.once('error', reject);
  });
}

(async () => {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const rss = results.map((r) => r.rss).sort((a, b) => a - b);
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  console.log(`start-up     median ${median(ms).toFixed(0)} ms  (min ${ms[0].toFixed(0)}, max ${ms[ms.length - 1].toFixed(0)})`);
  console.log(`idle memory  median ${median(rss).toFixed(1)} MiB RSS`);
})();
