// Memory of answers a client never reads: users-server (by its #! line) gets
// 1,600 users of about 2.3 KB (4-byte characters), so that a List with
// page_size 0 is cut at --max-response-bytes (3.5 MiB); then CONNECTIONS
// connections send CALLS List calls each and read none of the answers. Prints
// RSS before and once no more calls are answered, and how many were (the others wait).
// Extra arguments go to users-server (e.g. --max-buffered-answer-bytes=1024MiB).
// Usage: node bench/unread-answers.js [connections=1] [calls=100] [server flags...]
const http2 = require('node:http2');
const { readFileSync } = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');
const { spawnServer } = require('./spawn-server');

const [connections = 1, calls = 100] = process.argv.slice(2, 4).map(Number);
const serverFlags = process.argv.slice(4);
const rssMB = (pid) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1000;

/** A protobuf field: tag, length, bytes. */
const field = (number, bytes) => Buffer.concat([Buffer.from([(number << 3) | 2]), varint(bytes.length), bytes]);
const text = (number, value) => field(number, Buffer.from(value, 'utf8'));
function varint(n) {
  const bytes = [];
  for (; n >= 0x80; n >>>= 7) bytes.push((n & 0x7f) | 0x80);
  return Buffer.from([...bytes, n]);
}
function frame(message) {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function call(session, path, message, { read = true } = {}) {
  return new Promise((resolve) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    if (!read) stream.pause();
    stream.on('error', () => {});
    stream.on('response', () => resolve('answered'));
    stream.on('close', () => resolve('closed'));
    stream.end(frame(message));
  });
}

async function main() {
  const { child, port } = await spawnServer(['--samples=false', ...serverFlags]);
  try {
    const wide = (length) => '\u{1D518}'.repeat(length);
    const filler = http2.connect(`http://127.0.0.1:${port}`);
    for (let i = 0; i < 1600; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => {
          // CreateReq { user (1): User { age 2 (varint), name 3 { first 1, last 2 }, email 4, phone 5, address 6 } }
          const name = Buffer.concat([text(1, wide(100)), text(2, wide(100))]);
          const user = Buffer.concat([Buffer.from([2 << 3, 30]), field(3, name), text(4, `big${i + j}@b.io`), text(5, wide(50)), text(6, wide(300))]);
          return call(filler, '/user.UserService/Create', field(1, user));
        }),
      );
    }
    filler.close();
    await sleep(500);
    const before = rssMB(child.pid);
    const sessions = Array.from({ length: connections }, () => http2.connect(`http://127.0.0.1:${port}`).on('error', () => {}));
    let answered = 0;
    for (const session of sessions) {
      for (let i = 0; i < calls; i++) void call(session, '/user.UserService/List', Buffer.alloc(0), { read: false }).then((how) => how === 'answered' && answered++);
    }
    // Until some are answered and the count has not moved for 2 s (the server builds the answers it lets in), at most 30 s.
    for (let last = -1, still = 0, waited = 0; (answered === 0 || still < 4) && waited < 60; waited++) {
      await sleep(500);
      still = answered === last ? still + 1 : 0;
      last = answered;
    }
    console.log(`${connections} connection(s) x ${calls} unread List calls: RSS ${before.toFixed(0)} -> ${rssMB(child.pid).toFixed(0)} MB; ${answered} answered, ${connections * calls - answered} waiting`);
    for (const session of sessions) session.destroy();
  } finally {
    child.kill('SIGKILL');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
