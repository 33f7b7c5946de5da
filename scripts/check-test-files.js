#!/usr/bin/env node
// After `make jest`: every file under test/ named *.test.ts ran (a jest
// setting must not drop one silently), and no file under test/ looks like a
// test under another name (foo.spec.ts, foo.tests.ts, foo.test.js), which
// jest would never run.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const resultsFile = process.argv[2] ?? path.join(root, '.jest-results.json');
const results = require(path.resolve(resultsFile));
const ran = new Set(results.testResults.map((result) => path.relative(root, result.name)));
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'test'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

const problems = [];
for (const file of files) {
  const base = path.basename(file);
  if (base.endsWith('.test.ts')) {
    if (!ran.has(file)) problems.push(`${file}: a test file that jest did not run`);
  } else if (/\.(test|tests|spec|specs)\.[cm]?[jt]sx?$|[._-]tests?\.ts$/.test(base)) {
    problems.push(`${file}: looks like a test, but jest runs only files named *.test.ts`);
  }
}
if (problems.length > 0) {
  for (const problem of problems) console.error(`check-test-files: ${problem}`);
  process.exit(1);
}
console.log(`check-test-files: all ${ran.size} test files under test/ ran`);
