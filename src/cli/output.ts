import { createColors } from 'picocolors';
import type { User } from '../../gen/user/user';
import type { OutputConfig } from './config';
import { formatUserLine, userToJson, type Colors } from './format-user';

/** Where output goes: process.stdout, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/** Prints results as text lines or as JSON (`-o json`), per the output config. */
export class Output {
  private readonly colors: Colors;

  constructor(
    private readonly config: OutputConfig,
    private readonly stdout: TextSink,
  ) {
    this.colors = createColors(config.color);
  }

  /** One line per user; a JSON array (`[]` when none) under -o json. */
  users(users: User[]): void {
    if (this.config.format === 'json') return this.json(users.map(userToJson));
    for (const user of users) this.stdout.write(`${formatUserLine(user, this.colors)}\n`);
  }

  /** One line; a JSON object under -o json. */
  user(user: User): void {
    if (this.config.format === 'json') return this.json(userToJson(user));
    this.stdout.write(`${formatUserLine(user, this.colors)}\n`);
  }

  /** A line of text, or its JSON counterpart under -o json. */
  result(text: string, json: unknown): void {
    if (this.config.format === 'json') return this.json(json);
    this.stdout.write(`${text}\n`);
  }

  private json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
