import type { CliCommand } from '../command';
import { completionCommand } from './completion';
import { createCommand } from './create';
import { getCommand } from './get';
import { healthCommand } from './health';
import { listCommand } from './list';
import { searchCommand } from './search';
import { versionCommand } from './version';

/** Every users-cli command, in the order help lists them. */
export const COMMANDS = [listCommand, getCommand, searchCommand, createCommand, healthCommand, versionCommand, completionCommand] as CliCommand[];
