#!/usr/bin/env node
// Single-row inserts on a pglite: directory, one commit each (the store's part of
// a Create): PGlite as it comes (fsync off) beside PGlite as users-server runs it
// (src/repository/sql/synced-node-fs.ts: fsync on), alternating, three rounds each.
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { PGlite } = require('@electric-sql/pglite');

const built = esbuild.buildSync({
  entryPoints: [path.join(__dirname, '../src/repository/sql/synced-node-fs.ts')],
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, external: ['@electric-sql/pglite', '@electric-sql/pglite/*'],
});
const synced = { exports: {} };
new Function('module', 'exports', 'require', built.outputFiles[0].text)(synced, synced.exports, require);
const { SyncedNodeFS, SYNCED_START_PARAMS } = synced.exports;

const N = Number(process.argv[2] ?? 500);
const root = mkdtempSync(path.join(os.tmpdir(), 'users-grpc-bench-'));

async function insertsPerSecond(fsync, round) {
  const dir = path.join(root, `${fsync ? 'fsync' : 'nofsync'}-${round}`);
  const options = fsync ? { fs: new SyncedNodeFS(dir), startParams: SYNCED_START_PARAMS } : { dataDir: dir };
  const db = await PGlite.create({ ...options, relaxedDurability: false });
  await db.exec('create table t (id serial primary key, email text unique, v text)');
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await db.query('insert into t (email, v) values ($1, $2)', [`u${i}@x.io`, 'x'.repeat(100)]);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await db.close();
  return (N / ms) * 1000;
}

(async () => {
  const runs = { off: [], on: [] };
  for (let round = 0; round < 3; round++) {
    runs.off.push(await insertsPerSecond(false, round));
    runs.on.push(await insertsPerSecond(true, round));
  }
  const median = (values) => [...values].sort((a, b) => a - b)[1];
  const show = (values) => values.map((v) => v.toFixed(0)).join(', ');
  console.log(`${N} single-row commits on ${root}`);
  console.log(`fsync off (PGlite as it comes): ${show(runs.off)} a second, median ${median(runs.off).toFixed(0)}`);
  console.log(`fsync on (users-server):        ${show(runs.on)} a second, median ${median(runs.on).toFixed(0)}`);
  console.log(`ratio on/off: ${(median(runs.on) / median(runs.off)).toFixed(3)}`);
  rmSync(root, { recursive: true, force: true });
})();
