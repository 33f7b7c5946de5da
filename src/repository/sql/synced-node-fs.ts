import { fsyncSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

type EmscriptenOptions = Awaited<ReturnType<NodeFS['init']>>['emscriptenOpts'];
interface NodeFsStream {
  nfd: number;
}
interface EmscriptenModule {
  NODEFS: { stream_ops: { fsync?: (stream: NodeFsStream) => number } };
  FS: { ErrnoError: new (errno: number) => Error };
}

// WASI's EIO: PostgreSQL then does what it does when fsync fails (PANIC), as on any disk.
const EIO = 29;

/**
 * PGlite's Node file system (a directory mounted in its WASM), with fsync.
 * PGlite starts PostgreSQL with fsync off (-F), and Emscripten's NODEFS has no
 * fsync anyway: a committed transaction reached only the OS page cache, lost
 * on an OS crash or power loss. Here fsync(2) reaches the file's real
 * descriptor, and PostgreSQL is started with fsync on and wal_sync_method=fsync
 * (its fdatasync is a no-op in Emscripten): the WAL is on disk before a commit
 * returns, and checkpoints sync the data files before recycling WAL.
 */
export class SyncedNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Partial<EmscriptenOptions>): Promise<{ emscriptenOpts: EmscriptenOptions }> {
    const { emscriptenOpts } = await super.init(pg, options);
    const addFsync = (module: EmscriptenModule) => {
      module.NODEFS.stream_ops.fsync = (stream) => {
        try {
          fsyncSync(stream.nfd);
          return 0;
        } catch {
          throw new module.FS.ErrnoError(EIO);
        }
      };
    };
    const preRun = [emscriptenOpts.preRun ?? []].flat();
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...preRun, addFsync as (module: unknown) => void] } };
  }
}

/** PGlite's start parameters, less -F (fsync off), with the WAL synced through fsync(). */
export const SYNCED_START_PARAMS = [...PGlite.defaultStartParams.filter((param) => param !== '-F'), '-c', 'wal_sync_method=fsync'];
