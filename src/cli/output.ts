import { createColors } from 'picocolors';
import stringWidth from 'string-width';
import type { User } from '../../gen/user/user';
import { formatUserLine, userToJson, type Colors } from './format-user';
import type { OutputConfig } from './settings';

/** Where output goes: process.stdout, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/** yaml's stringify, loaded by program.ts only for -o yaml. */
export type YamlStringify = (value: unknown) => string;

const TABLE_COLUMNS: Array<[string, (user: User) => string]> = [
  ['EMAIL', (user) => user.email],
  ['NAME', (user) => `${user.name?.first ?? ''} ${user.name?.last ?? ''}`.trim()],
  ['AGE', (user) => String(user.age)],
  ['PHONE', (user) => user.phone],
  ['ADDRESS', (user) => user.address],
];

/**
 * Prints results in the chosen format: text lines (as the Go CLI), json (one
 * value), jsonl (one object a line), yaml, or a table that fits the terminal.
 * Nothing at all under --quiet.
 */
export class Output {
  private readonly colors: Colors;
  /** -o table's column widths so far. */
  private tableWidths: number[] = [];

  constructor(
    private readonly config: OutputConfig,
    private readonly stdout: TextSink,
    private readonly yaml?: YamlStringify,
  ) {
    this.colors = createColors(config.color);
  }

  /** Whether results are printed at all (not under --quiet). */
  get printing(): boolean {
    return !this.config.quiet;
  }

  /** A list of users: a JSON array (`[]` when none), a YAML sequence, table rows, or lines. */
  users(users: User[]): void {
    if (this.config.quiet) return;
    switch (this.config.format) {
      case 'json':
        return this.write(`${JSON.stringify(users.map(userToJson), null, 2)}\n`);
      case 'yaml':
        return this.write(users.length === 0 ? '[]\n' : this.yaml!(users.map(userToJson)));
      case 'table':
        return this.write(this.table(users));
      default:
        return this.lines(users);
    }
  }

  /**
   * Users arriving a page at a time (list, search), each page printed as it
   * arrives and then dropped. -o json is still one JSON array (the text users()
   * prints), and -o yaml one sequence, written item by item; -o table writes
   * the header once, and a column never narrows from one page to the next.
   */
  async pagedUsers(pages: AsyncIterable<User[]>): Promise<void> {
    let printed = 0;
    for await (const page of pages) {
      if (this.config.quiet || page.length === 0) continue;
      if (this.config.format === 'json') {
        this.write(page.map((user, i) => `${printed + i === 0 ? '[\n' : ',\n'}${JSON.stringify(userToJson(user), null, 2).replace(/^/gm, '  ')}`).join(''));
      } else if (this.config.format === 'table') {
        this.write(this.table(page, this.config.headers && printed === 0));
      } else {
        this.users(page);
      }
      printed += page.length;
    }
    if (this.config.quiet) return;
    if (this.config.format === 'json') this.write(printed === 0 ? '[]\n' : '\n]\n');
    else if (printed === 0) this.users([]);
  }

  /** One user: a JSON or YAML object, a table with one row, or one line. */
  user(user: User): void {
    if (this.config.quiet) return;
    if (this.config.format === 'json') return this.write(`${JSON.stringify(userToJson(user), null, 2)}\n`);
    if (this.config.format === 'yaml') return this.write(this.yaml!(userToJson(user)));
    this.users([user]);
  }

  /** A line of text, or its JSON / YAML counterpart. */
  result(text: string, json: unknown): void {
    if (this.config.quiet) return;
    if (this.config.format === 'json') return this.write(`${JSON.stringify(json, null, 2)}\n`);
    if (this.config.format === 'jsonl') return this.write(`${JSON.stringify(json)}\n`);
    if (this.config.format === 'yaml') return this.write(this.yaml!(json));
    this.write(`${text}\n`);
  }

  /** Text as it is (a completion script). */
  raw(text: string): void {
    if (!this.config.quiet) this.write(text);
  }

  private lines(users: User[]): void {
    if (this.config.format === 'jsonl') return this.write(users.map((user) => `${JSON.stringify(userToJson(user))}\n`).join(''));
    this.write(users.map((user) => `${formatUserLine(user, this.colors)}\n`).join(''));
  }

  /**
   * Columns padded to their widest cell. With a width to fit (a terminal, or
   * COLUMNS), the widest columns are narrowed, their cells cut with …, until
   * the line fits; without one (a pipe), nothing is ever cut.
   */
  private table(users: User[], headers = this.config.headers): string {
    const rows = users.map((user) => TABLE_COLUMNS.map(([, cell]) => oneLine(cell(user))));
    if (headers) rows.unshift(TABLE_COLUMNS.map(([header]) => header));
    if (rows.length === 0) return '';
    // Widths kept from the pages before: later pages line up with the first.
    const natural = TABLE_COLUMNS.map((_, column) => Math.max(this.tableWidths[column] ?? 0, ...rows.map((row) => stringWidth(row[column]))));
    this.tableWidths = natural;
    const widths = this.config.columns === undefined ? natural : fitWidths(natural, this.config.columns - TABLE_GAP * (natural.length - 1));
    return rows
      .map((row) => row.map((cell, column) => pad(truncate(cell, widths[column]), widths[column] + TABLE_GAP)).join('').trimEnd())
      .map((line) => `${line}\n`)
      .join('');
  }

  private write(text: string): void {
    if (text) this.stdout.write(text);
  }
}

const TABLE_GAP = 3;
/** How far ADDRESS, the free text, is cut before any other column is. */
const ADDRESS_FIRST_FLOOR = 10;

/**
 * Makes the columns' widths fit in room, in three steps, each narrowing the
 * widest column left above its floor (the rightmost on ties), one character
 * at a time: ADDRESS down to 10; then every column but EMAIL down to its
 * header; then EMAIL, the key people copy into `get`, down to its header.
 * Headers are never cut; a table whose headers alone do not fit overflows.
 */
function fitWidths(natural: number[], room: number): number[] {
  const headers = TABLE_COLUMNS.map(([header]) => header.length);
  const widths = [...natural];
  const address = TABLE_COLUMNS.length - 1;
  const steps = [
    natural.map((width, column) => (column === address ? Math.min(width, Math.max(ADDRESS_FIRST_FLOOR, headers[column])) : width)),
    natural.map((width, column) => (column === 0 ? width : headers[column])),
    headers,
  ];
  let excess = widths.reduce((sum, width) => sum + width, 0) - room;
  for (const floors of steps) {
    while (excess > 0) {
      const narrowable = widths.map((width, column) => (width > floors[column] ? width : -1));
      const widest = Math.max(...narrowable);
      if (widest < 0) break;
      widths[narrowable.lastIndexOf(widest)] -= 1;
      excess -= 1;
    }
  }
  return widths;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(width - stringWidth(text), 0));
}

function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let cut = '';
  for (const character of text) {
    if (stringWidth(`${cut}${character}…`) > width) break;
    cut += character;
  }
  return `${cut}…`;
}

/** A table cell stays on its row, whatever a stored value holds. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}
