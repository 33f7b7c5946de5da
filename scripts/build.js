#!/usr/bin/env node
// Bundles each binary into one file in dist/ that runs with plain `node`, with
// no node_modules beside it. Version, commit and date come from the
// environment (VERSION, COMMIT, BUILD_DATE, as the Dockerfile passes them),
// else from package.json, git and the clock.
const { execSync } = require('node:child_process');
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
const requireResolvedYargs = {
  name: 'require-resolved-yargs',
  setup(build) {
    build.onResolve({ filter: /^yargs(\/.*)?$/ }, (args) => ({ path: require.resolve(args.path, { paths: [args.resolveDir] }) }));
  },
};

const entryPoints = {
  'users-server': 'src/server/main.ts',
  'users-cli': 'src/cli/main.ts',
};

Promise.all(
  Object.entries(entryPoints).map(([name, entry]) =>
    esbuild.build({
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
      banner: { js: '#!/usr/bin/env node' },
      define: {
        __USERS_GRPC_VERSION__: JSON.stringify(info.version),
        __USERS_GRPC_COMMIT__: JSON.stringify(info.commit),
        __USERS_GRPC_DATE__: JSON.stringify(info.date),
      },
      plugins: [requireResolvedYargs],
      logLevel: 'warning',
    }),
  ),
).then(
  () => console.log(`built dist/users-server.js and dist/users-cli.js (${info.version}, ${info.commit}, ${info.date})`),
  () => process.exit(1),
);
