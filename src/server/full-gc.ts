import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection on demand, that also frees the memory of the
 * ArrayBuffers (Node Buffers) it finds dead before it returns: V8 frees those
 * on a background thread by default, some milliseconds later. The collector
 * is V8's `gc`, which --expose-gc puts in new contexts; the flag is set only
 * while one such context is made, so the program's own globals stay as they are.
 */
export function fullGarbageCollector(): () => void {
  setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  setFlagsFromString('--expose-gc');
  try {
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') throw new Error('V8 gave no gc function under --expose-gc');
    return () => (gc as () => void)();
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
