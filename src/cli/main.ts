import { homedir } from 'node:os';
import { EXIT, runCli } from './program';
import { readStreamUpTo } from '../shared/bounded-read';

// Loaded by dist/users-cli.js (bin.ts), which turns the compile cache on first.

// grpc-js sets the TLS server name (SNI) to the target host even when it is an
// IP address, which makes Node print DEP0123 on stderr: harmless, and it would
// break the one-line errors. Every other warning still shows.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

// A reader that stops early (`users-cli list | head`) is no error of ours; any
// other failed write (a full disk, /dev/full) is, and must not end in exit 0.
function outputFailed(error: NodeJS.ErrnoException): never {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  // Node's "ENOSPC: no space left on device, write": the reason alone.
  const reason = error.message.replace(/^[A-Z0-9_]+: /, '').replace(/, write$/, '');
  process.stderr.write(`users-cli: cannot write the output: ${reason}\n`);
  process.exit(EXIT.failure);
}
process.stdout.on('error', outputFailed);
let wroteOutput = false;

async function readStdin(maxBytes: number): Promise<string> {
  return (await readStreamUpTo(process.stdin, maxBytes)).toString('utf8');
}

void runCli({
  argv: process.argv.slice(2),
  env: process.env,
  homeDir: homedir(),
  stdoutIsTTY: process.stdout.isTTY === true,
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  stdout: {
    write: (text: string) => {
      wroteOutput ||= text.length > 0;
      return process.stdout.write(text);
    },
  },
  stderr: process.stderr,
  readStdin,
}).then((code) => {
  // Exit once the output is flushed rather than when the event loop drains: a
  // TLS handshake that outlived the deadline would hold the process for
  // grpc-js's 20 s connect timeout.
  // (An empty write fails on /dev/full too: only a run that wrote something has output to lose.)
  process.stdout.write('', (error) => (error && wroteOutput ? outputFailed(error) : process.stderr.write('', () => process.exit(code))));
});
