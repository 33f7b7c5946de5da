// The image's entrypoint. Distroless has no shell, so this picks the program:
//   docker run IMAGE [users-server flags]      starts users-server
//   docker run IMAGE users-server [flags]      the same
//   docker run IMAGE users-cli [args]          runs users-cli
// It loads the chosen bundle into this very process rather than spawning it,
// so node stays PID 1 and receives SIGTERM itself (users-server handles it).
const path = require('node:path');

const PROGRAMS = ['users-server', 'users-cli'];

const given = process.argv.slice(2);
let program = 'users-server';
let args = given;
if (given.length > 0 && !given[0].startsWith('-')) {
  if (!PROGRAMS.includes(given[0])) {
    process.stderr.write(`entrypoint: unknown command "${given[0]}": expected users-server, users-cli, or users-server flags\n`);
    process.exit(2);
  }
  [program, ...args] = given;
}

const bundle = path.join(__dirname, `${program}.js`);
process.argv = [process.argv[0], bundle, ...args];
require(bundle);
