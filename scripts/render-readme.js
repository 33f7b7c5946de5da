#!/usr/bin/env node
// Rewrites the generated parts of README.md (`make readme`): today the
// users-server configuration table, rendered from the settings table in
// src/server/config.ts. test/unit/readme.test.ts fails when README.md differs.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

// Bundles the TypeScript renderer in memory (dependencies stay in node_modules) and runs it.
function loadRenderer() {
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [path.join(root, 'scripts/readme-sections.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    outfile: path.join(root, 'readme-sections.js'),
  });
  const loaded = new Module(path.join(root, 'readme-sections.js'));
  loaded.paths = Module._nodeModulePaths(root);
  loaded._compile(outputFiles[0].text, loaded.id);
  return loaded.exports;
}

const readmePath = path.join(root, 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const updated = loadRenderer().renderReadme(readme);
if (updated !== readme) {
  fs.writeFileSync(readmePath, updated);
  console.log('README.md: generated sections updated');
} else {
  console.log('README.md: generated sections up to date');
}
