#!/usr/bin/env node
// Bundles each binary into one file in dist/ that runs with plain `node`.
// PGlite (pglite: storage) loads its WASM files from beside its own module,
// so it stays a package: its runtime files are copied to dist/node_modules/,
// and dist/ as a whole is what ships (the Dockerfile copies it). Version, commit and date come from the
// environment (VERSION, COMMIT, BUILD_DATE, as the Dockerfile passes them),
// else from package.json, git and the clock.
const { execSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const pkg = require('../package.json');

function gitCommit() {
  try {
    return execSync('git rev-parse --short=12 HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const info = {
  version: process.env.VERSION || pkg.version,
  commit: process.env.COMMIT || gitCommit(),
  date: process.env.BUILD_DATE || new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
};

// `import yargs from 'yargs'` would make esbuild take yargs' ESM build, whose
// help text wraps in the middle of words (its cliui has no wrap-ansi). Resolve
// yargs as Node's require does, which is what runs from source and in jest.
// @bufbuild/protobuf too: gen/ imports it, nice-grpc-server-health requires
// it, and one copy of its BinaryReader class must serve both (instanceof).
const requireResolvedYargs = {
  name: 'require-resolved-yargs',
  setup(build) {
    build.onResolve({ filter: /^(yargs|@bufbuild\/protobuf)(\/.*)?$/ }, (args) => ({ path: require.resolve(args.path, { paths: [args.resolveDir] }) }));
  },
};

// The CLI is three files, so that each command loads only what it needs:
// users-cli.js turns the compile cache on and loads users-cli-main.js
// (arguments, help, completion, settings), which loads users-cli-remote.js
// (gRPC, TLS, the generated stubs) only for the commands that call the server.
// users-cli-yaml.js holds the YAML library, loaded for a config file or -o yaml.
const cliApart = {
  name: 'cli-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/remote$/ }, () => ({ path: './users-cli-remote.js', external: true }));
    build.onResolve({ filter: /^\.\/yaml$/ }, () => ({ path: './users-cli-yaml.js', external: true }));
  },
};

// The OpenTelemetry SDK is a bundle of its own, which the binaries require
// only when OTEL_* variables turn tracing on (src/shared/tracing.ts): off, it
// costs no start-up time. The Dockerfile ships it beside them.
const tracingSdkApart = {
  name: 'tracing-sdk-apart',
  setup(build) {
    build.onResolve({ filter: /\/tracing-sdk$/ }, () => ({ path: './users-grpc-tracing.js', external: true }));
  },
};

// What PGlite needs at run time (its CommonJS build, its Node file system, pg_trgm, the WASM and data files), not its 27 MB package.
const PGLITE_FILES = ['package.json', 'LICENSE', 'dist/index.cjs', 'dist/fs/nodefs.cjs', 'dist/contrib/pg_trgm.cjs', 'dist/pglite.wasm', 'dist/pglite.data', 'dist/initdb.wasm', 'dist/pg_trgm.tar.gz'];

function copyPglite() {
  // The package root: its "exports" hide package.json, so go up from the CommonJS entry (dist/index.cjs).
  const from = path.resolve(path.dirname(require.resolve('@electric-sql/pglite')), '..');
  const to = path.join('dist', 'node_modules', '@electric-sql', 'pglite');
  fs.rmSync(to, { recursive: true, force: true });
  for (const file of PGLITE_FILES) {
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
}

// users-server gives back the memory of large requests once they are over
// (src/server/transport/large-request-release.ts), and glibc returns freed
// memory to the system only for blocks it mmap()ed. Its threshold for those
// rises to 4 MiB after the first such request frees one; fixed at 32 KiB, the
// 64 KiB HTTP/2 read buffers and the messages they are joined into stay mmap()ed.
// Set in the launcher's #! line, and the same in the Dockerfile (whose image runs node directly).
const SERVER_ENV = 'MALLOC_MMAP_THRESHOLD_=32768';

const bundles = [
  { name: 'users-server', entry: 'src/server/main.ts', executable: true, env: SERVER_ENV, plugins: [tracingSdkApart] },
  { name: 'users-cli', entry: 'src/cli/bin.ts', executable: true },
  { name: 'users-cli-main', entry: 'src/cli/main.ts', plugins: [cliApart] },
  // grpc-js loads @grpc/proto-loader (and protobufjs) only to serve channelz, which a client never does.
  { name: 'users-cli-remote', entry: 'src/cli/remote.ts', plugins: [cliApart, tracingSdkApart], external: ['@grpc/proto-loader'] },
  { name: 'users-cli-yaml', entry: 'src/cli/yaml.ts' },
  // import() (the OTLP exporter loads node:http so) becomes require(): code that
  // users-cli compiles through its code cache (src/cli/compile-cache.ts) cannot import().
  { name: 'users-grpc-tracing', entry: 'src/shared/tracing-sdk.ts', supported: { 'dynamic-import': false } },
];

Promise.all(
  bundles.map(({ name, entry, executable, env, plugins = [], external = [], supported }) =>
    esbuild.build({
      supported,
      entryPoints: [entry],
      outfile: `dist/${name}.js`,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      keepNames: true,
      sourcemap: false,
      legalComments: 'none',
      // Non-ASCII characters escaped (esbuild's default, relied on): users-cli reads its bundles as latin1.
      charset: 'ascii',
      banner: executable ? { js: env ? `#!/usr/bin/env -S ${env} node` : '#!/usr/bin/env node' } : undefined,
      define: {
        __USERS_GRPC_VERSION__: JSON.stringify(info.version),
        __USERS_GRPC_COMMIT__: JSON.stringify(info.commit),
        __USERS_GRPC_DATE__: JSON.stringify(info.date),
      },
      plugins: [requireResolvedYargs, ...plugins],
      // The database migrations (src/repository/sql/migrations/*.sql) are embedded as text.
      loader: { '.sql': 'text' },
      // pg-native is pg's optional libpq binding, never used here.
      external: ['pg-native', '@electric-sql/pglite', '@electric-sql/pglite/*', ...external],
      logLevel: 'warning',
    }),
  ),
).then(
  () => {
    // What users-cli loads it reads as latin1 (esbuild leaves a non-ASCII character in a regular expression as it is).
    const notAscii = bundles.find(({ name }) => name !== 'users-server' && fs.readFileSync(`dist/${name}.js`).some((byte) => byte > 0x7f));
    if (notAscii) {
      console.error(`dist/${notAscii.name}.js holds non-ASCII bytes: users-cli reads it as latin1 (src/cli/compile-cache.ts); escape them (\\u...)`);
      process.exit(1);
    }
    // users-cli keys its code cache by this line (src/cli/compile-cache.ts): two builds of one size and
    // file time (npm gives every file the same) must not share compiled code.
    for (const { name } of bundles.filter(({ name }) => name !== 'users-server' && name !== 'users-cli')) {
      const file = `dist/${name}.js`;
      const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
      fs.appendFileSync(file, `//# bundleHash=${hash}\n`);
    }
    copyPglite();
    // The bundles' own package.json: Node's loader looks for the nearest one for
    // each file it loads, and yargs for one to take a version from (users-cli
    // prints its own): without it they read the project's, or search up to / in
    // an installed copy, where yargs then builds and drops an assertion error.
    fs.writeFileSync(path.join('dist', 'package.json'), `${JSON.stringify({ private: true, type: 'commonjs' })}\n`);
    console.log(`built ${bundles.map(({ name }) => `dist/${name}.js`).join(', ')} (${info.version}, ${info.commit}, ${info.date})`);
  },
  () => process.exit(1),
);
