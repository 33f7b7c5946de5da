/** A log line's own fields, without winston's symbol-keyed internals. */
export function fieldsOf(line: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(line));
}

/** The `call` lines the server logged for one method path, e.g. `/user.UserService/List`. */
export function callLines(lines: Array<Record<string, unknown>>, method: string): Array<Record<string, unknown>> {
  return lines.filter((l) => l.message === 'call' && l.method === method).map(fieldsOf);
}
