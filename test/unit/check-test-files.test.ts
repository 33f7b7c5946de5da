import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir, type TempDir } from '../support/temp-dir';

const ROOT = path.join(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/check-test-files.js');
const testFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'test'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file.endsWith('.test.ts'));

let dir: TempDir;
beforeAll(() => (dir = makeTempDir()));
afterAll(() => dir.cleanup());

function check(ran: string[]) {
  const results = dir.write('results.json', JSON.stringify({ testResults: ran.map((file) => ({ name: path.join(ROOT, file) })) }));
  return spawnSync(process.execPath, [SCRIPT, results], { cwd: ROOT, encoding: 'utf8' });
}

test('every test file ran: passes, saying how many', () => {
  const result = check(testFiles);
  expect([result.status, result.stdout, result.stderr]).toEqual([0, `check-test-files: all ${testFiles.length} test files under test/ ran\n`, '']);
});

test('a test file that jest left out fails the check, by name', () => {
  const result = check(testFiles.filter((file) => file !== 'test/unit/readme.test.ts'));
  expect([result.status, result.stderr]).toEqual([1, 'check-test-files: test/unit/readme.test.ts: a test file that jest did not run\n']);
});

test('a test under another name (.spec.ts, .tests.ts, .test.js) fails the check', () => {
  const misnamed = path.join(ROOT, 'test/unit/zz-misnamed.spec.ts');
  writeFileSync(misnamed, '');
  try {
    const result = check(testFiles);
    expect([result.status, result.stderr]).toEqual([1, 'check-test-files: test/unit/zz-misnamed.spec.ts: looks like a test, but jest runs only files named *.test.ts\n']);
  } finally {
    rmSync(misnamed);
  }
});
