import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requireServerBundle } from '../support/prerequisites';

const ROOT = path.join(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

// The allocator setting that lets the memory of large requests go back to the
// system (scripts/build.js) is set wherever users-server runs: its launcher,
// the image, and `make run` (which runs the launcher).
test('users-server runs with MALLOC_MMAP_THRESHOLD_=32768: its #! line, the image, make run', () => {
  const firstLine = read(path.relative(ROOT, requireServerBundle())).split('\n')[0];
  expect(firstLine).toBe('#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=32768 node');
  expect(read('Dockerfile').match(/^ENV MALLOC_MMAP_THRESHOLD_=.*$/gm)).toEqual(['ENV MALLOC_MMAP_THRESHOLD_=32768']);
  expect(read('Makefile')).toMatch(/^run: build .*\n\tdist\/users-server\.js --address=\$\(ADDRESS\)\n/m);
});
