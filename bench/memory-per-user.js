#!/usr/bin/env node
// Bundles bench/memory-per-user.ts with esbuild (the sources are TypeScript)
// and runs it with --expose-gc, so that it measures what stays, not garbage.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');

const dir = mkdtempSync(path.join(os.tmpdir(), 'users-grpc-bench-'));
const out = path.join(dir, 'memory-per-user.js');
esbuild.buildSync({ entryPoints: [path.join(__dirname, 'memory-per-user.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
const result = spawnSync(process.execPath, ['--expose-gc', out, ...process.argv.slice(2)], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
