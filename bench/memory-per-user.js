#!/usr/bin/env node
// Bundles bench/memory-per-user.ts with esbuild (the sources are TypeScript)
// and runs it with --expose-gc, so that it measures what stays, not garbage:
// once per kind of worst-case names, each in its own process.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');

const dir = mkdtempSync(path.join(os.tmpdir(), 'users-grpc-bench-'));
const out = path.join(dir, 'memory-per-user.js');
esbuild.buildSync({ entryPoints: [path.join(__dirname, 'memory-per-user.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
let status = 0;
for (const names of ['folded', 'grams', 'mixed']) {
  const result = spawnSync(process.execPath, ['--expose-gc', out, process.argv[2] ?? '20000', names], { stdio: 'inherit' });
  status ||= result.status ?? 1;
}
rmSync(dir, { recursive: true, force: true });
process.exit(status);
