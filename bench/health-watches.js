// Memory of open streaming calls (health Watch, reflection), and their teardown: users-server (by its
// #! line) with --max-streaming-calls=N gets N Watches of "" over N/100
// connections (100 streams each, the default --max-concurrent-streams); prints
// its RSS before, with them open, per stream; then every connection is destroyed
// at once and the time until a health Check on a new connection answers.
// With `reflection`, reflection streams instead (bidirectional: one list_services, the stream left open).
// Usage: node bench/health-watches.js [watches=10000] [reflection]
const { readFileSync } = require('node:fs');
const http2 = require('node:http2');
const grpc = require('@grpc/grpc-js');
const { spawnServer } = require('./spawn-server');

const watches = Number(process.argv[2] || 10000);
const reflection = process.argv[3] === 'reflection';
const path = reflection ? '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo' : '/grpc.health.v1.Health/Watch';
const kind = reflection ? 'reflection streams' : 'Watches';
const MiB = 1024 * 1024;
const rssMiB = (pid) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function main() {
  const { child, port } = await spawnServer(['--samples=false', `--max-streaming-calls=${watches}`]);
  try {
    const before = rssMiB(child.pid);
    const sessions = Array.from({ length: Math.ceil(watches / 100) }, () => http2.connect(`http://127.0.0.1:${port}`).on('error', () => {}));
    const opened = await Promise.all(
      Array.from({ length: watches }, (_, i) =>
        new Promise((resolve) => {
          const stream = sessions[Math.floor(i / 100)].request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
          stream.on('error', () => {});
          stream.once('data', () => resolve(true));
          stream.once('close', () => resolve(false));
          // A Watch of "" (an empty message); a reflection list_services (field 7, empty), the stream left open.
          if (reflection) stream.write(Buffer.from([0, 0, 0, 0, 2, 0x3a, 0]));
          else stream.end(Buffer.alloc(5));
        }),
      ),
    );
    const open = rssMiB(child.pid);
    const watching = opened.filter(Boolean).length;
    console.log(`${watching} ${kind} open: RSS ${before.toFixed(1)} -> ${open.toFixed(1)} MiB, ${(((open - before) * MiB) / watching / 1024).toFixed(1)} KiB each`);
    const start = process.hrtime.bigint();
    for (const session of sessions) session.destroy();
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    await new Promise((resolve, reject) =>
      client.makeUnaryRequest('/grpc.health.v1.Health/Check', (x) => x, (x) => x, Buffer.alloc(0), (error) => (error ? reject(error) : resolve())),
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    client.close();
    console.log(`all torn down at once: Check answered after ${ms.toFixed(0)} ms; RSS then ${rssMiB(child.pid).toFixed(1)} MiB`);
  } finally {
    child.kill('SIGKILL');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
