// Memory of idle connections, which --max-connections bounds: users-server
// (by its #! line) with --max-connections=N gets N HTTP/2 connections that
// send nothing after their SETTINGS; prints its RSS before, with them open,
// per connection, then how many more were closed as they arrived.
// Usage: node bench/idle-connections.js [connections=1000]
const { readFileSync } = require('node:fs');
const http2 = require('node:http2');
const { spawnServer } = require('./spawn-server');

const connections = Number(process.argv[2] || 1000);
const MiB = 1024 * 1024;
const rssMiB = (pid) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** An HTTP/2 connection: true once the server's SETTINGS arrive, false if the server closes it first. */
function open(port, sessions) {
  return new Promise((resolve) => {
    const session = http2.connect(`http://127.0.0.1:${port}`).on('error', () => {});
    sessions.push(session);
    session.once('remoteSettings', () => resolve(true));
    session.once('close', () => resolve(false));
  });
}

async function main() {
  const { child, port } = await spawnServer(['--samples=false', `--max-connections=${connections}`]);
  const sessions = [];
  try {
    const before = rssMiB(child.pid);
    // In batches of 100: a burst of thousands at once overflows the listen backlog.
    let served = 0;
    for (let i = 0; i < connections; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, connections - i) }, () => open(port, sessions)));
      served += batch.filter(Boolean).length;
    }
    const after = rssMiB(child.pid);
    const extra = await Promise.all(Array.from({ length: 100 }, () => open(port, sessions)));
    console.log(
      `${served} idle connections open: RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MiB, ${(((after - before) * MiB) / served / 1024).toFixed(1)} KiB each; ` +
        `100 more: ${extra.filter((ok) => !ok).length} closed as they arrived`,
    );
  } finally {
    for (const session of sessions) session.destroy();
    child.kill('SIGKILL');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
