import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The TCP addresses a process listens on, `host:port` as the kernel has them
 * (/proc/net/tcp and tcp6, matched to the process's socket descriptors): a
 * probe that cannot be fooled by another process holding a port.
 */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode): inode is string => inode !== undefined),
  );
  const listening: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const row of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      // st 0A is LISTEN; field 9 is the inode.
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9])) continue;
      const [hexHost, hexPort] = fields[1].split(':');
      listening.push(`${decodeHost(hexHost)}:${parseInt(hexPort, 16)}`);
    }
  }
  return listening.sort();
}

function decodeHost(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  if (/^0{24}[0-9A-F]{8}$/.test(hex) && hex.slice(16, 24) === '0000FFFF') return decodeHost(hex.slice(24));
  return hex === '0'.repeat(32) ? '::' : `[${hex}]`;
}
