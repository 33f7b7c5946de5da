// Memory of requests that never finish arriving, which --max-arriving-requests
// bounds: users-server (by its #! line) gets CONNECTIONS connections of 100
// GetByEmail calls each, every request announcing 60,000 bytes and sending
// 59,000 of them, never the rest; prints its RSS before, its peak while they
// are held, how many calls the server cancelled, and how long a normal call took meanwhile.
// Extra arguments go to users-server (e.g. --max-arriving-requests=1024).
// Usage: node bench/arriving-requests.js [connections=80] [server flags...]
const http2 = require('node:http2');
const { readFileSync } = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');
const { spawnServer } = require('./spawn-server');

const connections = Number(process.argv[2] || 80);
const serverFlags = process.argv.slice(3);
const status = (pid, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1000;

function halfSent(session) {
  return new Promise((resolve) => {
    const stream = session.request({ ':method': 'POST', ':path': '/user.UserService/GetByEmail', 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    stream.on('close', () => resolve(stream.rstCode === http2.constants.NGHTTP2_CANCEL));
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(60_000, 1);
    stream.write(Buffer.concat([prefix, Buffer.alloc(59_000, 0x41)]));
  });
}

function getByEmail(port) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const session = http2.connect(`http://127.0.0.1:${port}`).on('error', () => {});
    const email = Buffer.from('mael.valadier@example.com');
    const message = Buffer.concat([Buffer.from([0x0a, email.length]), email]);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(message.length, 1);
    const stream = session.request({ ':method': 'POST', ':path': '/user.UserService/GetByEmail', 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    stream.on('trailers', (trailers) => resolve({ status: trailers['grpc-status'], ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    stream.on('close', () => session.close());
    stream.resume();
    stream.end(Buffer.concat([prefix, message]));
  });
}

async function main() {
  const { child, port } = await spawnServer(['--samples=true', ...serverFlags]);
  const sessions = [];
  try {
    const before = status(child.pid, 'VmRSS');
    const cancelled = [];
    for (let i = 0; i < connections; i++) {
      const session = http2.connect(`http://127.0.0.1:${port}`).on('error', () => {});
      sessions.push(session);
      for (let j = 0; j < 100; j++) cancelled.push(halfSent(session));
    }
    await sleep(4000);
    const normal = await getByEmail(port);
    const peak = status(child.pid, 'VmHWM');
    for (const session of sessions) session.destroy();
    const counted = (await Promise.all(cancelled)).filter(Boolean).length;
    console.log(
      `${connections} connection(s) x 100 half-sent requests: RSS ${before.toFixed(0)} -> peak ${peak.toFixed(0)} MB; ` +
        `${counted} cancelled by the server; a normal GetByEmail meanwhile: status ${normal.status} in ${normal.ms.toFixed(0)} ms`,
    );
  } finally {
    child.kill('SIGKILL');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
