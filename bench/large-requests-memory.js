// The crash test's attack, measured: users-server under --max-old-space-size=96
// gets 20 parallel SearchName queries of U+FDFA just under the 4 MiB message
// limit (all refused INVALID_QUERY), then one GetByEmail. Prints its RSS before,
// after, and its peak (VmHWM), from /proc. Runs each way, interleaved:
//   launcher   dist/users-server.js by its #! line, as the users-server command runs
//   bare node  `node dist/users-server.js`, without the allocator setting the launcher adds
// Usage: node bench/large-requests-memory.js [rounds=3]
const { readFileSync } = require('node:fs');
const grpc = require('@grpc/grpc-js');
const { spawnServer } = require('./spawn-server');

const rounds = Number(process.argv[2] || 3);
const MiB = 1024 * 1024;

const status = (pid, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** A protobuf message of one string field, number 1 (SearchNameReq.query, GetByEmailReq.email). */
function stringField(text) {
  const bytes = Buffer.from(text, 'utf8');
  const length = [];
  for (let n = bytes.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...length]), bytes]);
}

async function attack(launcher) {
  const { child, port } = await spawnServer([], { launcher, env: { NODE_OPTIONS: '--max-old-space-size=96' } });
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method, message) =>
    new Promise((resolve, reject) => client.makeUnaryRequest(`/user.UserService/${method}`, (x) => x, (x) => x, message, (error, answer) => (error ? reject(error) : resolve(answer))));
  try {
    await call('GetByEmail', stringField('mael.valadier@example.com'));
    const before = status(child.pid, 'VmRSS');
    const query = stringField('\uFDFA'.repeat(Math.floor((4 * MiB - 5) / 3)));
    const answers = await Promise.all(Array.from({ length: 20 }, () => call('SearchName', query)));
    const refused = answers.filter((answer) => answer.includes('name query must be at most 100 characters')).length;
    const found = (await call('GetByEmail', stringField('mael.valadier@example.com'))).includes('Valadier');
    const after = status(child.pid, 'VmRSS');
    const peak = status(child.pid, 'VmHWM');
    return { before, growth: after - before, peakGrowth: peak - before, refused, found };
  } finally {
    client.close();
    child.kill('SIGTERM');
  }
}

(async () => {
  const results = { launcher: [], 'bare node': [] };
  for (let round = 0; round < rounds; round++) {
    for (const [name, launcher] of [['launcher', true], ['bare node', false]]) {
      const result = await attack(launcher);
      if (result.refused !== 20 || !result.found) throw new Error(`${name}: ${result.refused}/20 refused, GetByEmail ${result.found ? 'answered' : 'missed'}`);
      results[name].push(result);
    }
  }
  for (const [name, runs] of Object.entries(results)) {
    const list = (key) => runs.map((r) => r[key].toFixed(1)).join(', ');
    console.log(`${name.padEnd(9)}  RSS before (MiB): ${list('before')}  growth after: ${list('growth')}  peak growth: ${list('peakGrowth')}`);
  }
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
