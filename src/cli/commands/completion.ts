import path from 'node:path';
import { ConfigError } from '../../shared/config-error';
import { quote } from '../../shared/quote';
import { stringArg } from '../args';
import type { LocalCommand } from '../command';
import { completionScript, SHELLS, type Shell } from '../completion';

export const completionCommand: LocalCommand<{ shell: Shell }> = {
  kind: 'local',
  name: 'completion',
  positionals: '[shell]',
  describe: 'print the completion script for bash, zsh or fish (default: the shell of $SHELL)',
  configure: (yargs) => yargs.positional('shell', { type: 'string', choices: SHELLS, describe: 'bash, zsh or fish' }),
  examples: [
    ['source <($0 completion bash)', 'in ~/.bashrc'],
    // No description: an example wider than its column would wrap, and break copy and paste.
    ['$0 completion zsh > "${fpath[1]}/_users-cli"', ''],
    ['$0 completion fish > ~/.config/fish/completions/users-cli.fish', ''],
  ],
  input(args, context) {
    const given = stringArg(args, 'shell');
    if (given !== undefined) return { shell: given as Shell };
    const fromEnv = path.basename(context.env.SHELL ?? '');
    if ((SHELLS as readonly string[]).includes(fromEnv)) return { shell: fromEnv as Shell };
    throw new ConfigError(`completion needs a shell: bash, zsh or fish (SHELL is ${quote(context.env.SHELL ?? '')})`);
  },
  run(output, { shell }) {
    output.raw(completionScript(shell));
  },
};
