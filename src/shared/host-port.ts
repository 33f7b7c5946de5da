// An IPv6 literal may name its zone (RFC 4007), the interface a link-local address is on: `[fe80::1%eth0]`.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+(?:%([\w.~-]+))?\]|[^\s:[\]]+):(\d+)$/;
const MAX_PORT = 65535;

/**
 * Splits `host:port` (IPv6 as `[::1]:8000`, with a zone as `[fe80::1%eth0]:8000`)
 * without judging the port's digits; undefined when it is not that shape.
 */
export function splitHostPort(address: string): { host: string; port: string; zone?: string } | undefined {
  const match = HOST_PORT.exec(address.trim());
  if (!match) return undefined;
  return { host: match[1], port: match[3], ...(match[2] !== undefined && { zone: match[2] }) };
}

/** `port 99999 is out of range (0 to 65535)`, or undefined when `digits` is a port from `min` up. */
export function portRangeProblem(digits: string, min: number): string | undefined {
  const port = Number(digits);
  return digits.length > 5 || port < min || port > MAX_PORT ? `port ${digits} is out of range (${min} to ${MAX_PORT})` : undefined;
}

/** Splits `host:port` (IPv6 as `[::1]:8000`, zone included); undefined when it is not one, or its port is not 0 to 65535. */
export function parseHostPort(address: string): { host: string; port: number } | undefined {
  const split = splitHostPort(address);
  if (!split || portRangeProblem(split.port, 0)) return undefined;
  return { host: split.host, port: Number(split.port) };
}
