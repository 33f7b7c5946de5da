import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
const makefile = readFileSync(path.join(ROOT, 'Makefile'), 'utf8');

test('npm scripts are the make targets of the same job, so `npm test` gives `make test`\'s result', () => {
  expect(pkg.scripts).toEqual({
    build: 'make build',
    test: 'make test',
    start: 'make run',
    gen: 'make gen',
    lint: 'make lint',
    bench: 'make bench',
    typecheck: 'make typecheck',
  });
  for (const script of Object.values(pkg.scripts)) {
    const target = script.replace(/^make /, '');
    expect([target, new RegExp(`^${target}:`, 'm').test(makefile)]).toEqual([target, true]);
  }
});

test("@grpc/grpc-js is declared with nice-grpc's own range, and resolves to nice-grpc's copy (credentials of a second copy are refused)", () => {
  const niceGrpc = path.dirname(require.resolve('nice-grpc/package.json'));
  const niceGrpcPkg = JSON.parse(readFileSync(path.join(niceGrpc, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  expect(pkg.dependencies['@grpc/grpc-js']).toBe(niceGrpcPkg.dependencies['@grpc/grpc-js']);
  expect(require.resolve('@grpc/grpc-js', { paths: [niceGrpc] })).toBe(require.resolve('@grpc/grpc-js', { paths: [ROOT] }));
});
