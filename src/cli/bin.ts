import path from 'node:path';
import { enableCompileCache } from './compile-cache';

// dist/users-cli.js: turns the compile cache on, then loads the CLI
// (dist/users-cli-main.js), which loads dist/users-cli-remote.js for the
// commands that call the server.
enableCompileCache(__dirname);
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(__dirname, 'users-cli-main.js'));
