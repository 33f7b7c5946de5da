import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import pgpass from 'pgpass';
import { fileErrorReason } from '../../shared/file-error-reason';
import { quote } from '../../shared/quote';

/** The connection a password is for: what the file's lines are matched against. */
interface Connection {
  host: string;
  port: number;
  database?: string;
  user?: string;
}

/**
 * The password from libpq's password file (PGPASSFILE, else ~/.pgpass), asked
 * for only when the server wants one. node-postgres reads it itself, but then
 * logs a DeprecationWarning at every start, and for a file others can read
 * prints a raw WARNING and goes on without a password (the server then says
 * only "empty password returned by client"): here each case is one line.
 */
export function passwordFromFile(env: NodeJS.ProcessEnv, connection: Connection): () => Promise<string> {
  // pgpass's own choice of file (it reads process.env, which `env` is outside tests).
  const file = env.PGPASSFILE || path.join(env.HOME || './', '.pgpass');
  return async () => {
    let stats: Stats | undefined;
    try {
      stats = statSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`password file ${quote(file)}: ${fileErrorReason(error)}`);
    }
    if (stats !== undefined && !stats.isFile()) throw new Error(`password file ${quote(file)} is not a plain file`);
    // libpq ignores such a file; saying so beats a password that is silently missing.
    if (stats !== undefined && (stats.mode & 0o077) !== 0) throw new Error(`password file ${quote(file)} has group or world access: make it u=rw (chmod 600) or less`);
    const password = stats === undefined ? undefined : await new Promise<string | undefined>((resolve) => pgpass(connection, resolve));
    if (password !== undefined) return password;
    const who = `${connection.user}@${connection.host}:${connection.port}/${connection.database}`;
    throw new Error(`the server asks for a password for ${quote(who)} and none is given: put it in the URL, PGPASSWORD or ${file}${stats === undefined ? ' (there is no such file)' : ' (no line matches)'}`);
  };
}
