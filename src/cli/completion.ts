import type { CliCommand } from './command';
import { GLOBAL_OPTIONS, type CliOption } from './global-options';

// Shell completion: each script asks `users-cli __complete SHELL WORDS...`
// for candidates, which come from the same flag tables that yargs parses, so
// they cannot drift. Descriptions follow a tab, for zsh and fish.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Printed instead of candidates when the shell should complete file names. */
export const COMPLETE_FILES = '__files__';

/** The commands completion offers besides the registry's. */
const BUILTIN_COMMANDS: Array<[string, string]> = [['help', 'show help for a command']];

/**
 * Candidates for the last word, given the words typed after `users-cli`.
 * One per line, `value\tdescription` unless the shell is bash.
 */
export function complete(commands: readonly CliCommand[], shell: string, words: string[]): string {
  const candidates = candidatesFor(commands, words.length === 0 ? [''] : words);
  if (candidates === COMPLETE_FILES) return `${COMPLETE_FILES}\n`;
  return candidates.map(([value, describe]) => (shell === 'bash' || !describe ? value : `${value}\t${describe}`)).map((line) => `${line}\n`).join('');
}

type Candidate = [value: string, describe: string];

function candidatesFor(commands: readonly CliCommand[], words: string[]): Candidate[] | typeof COMPLETE_FILES {
  const current = words[words.length - 1];
  const before = words.slice(0, -1);
  // The command is the first word that is neither a flag nor a flag's value.
  let command: CliCommand | 'help' | undefined;
  let options: Record<string, CliOption> = GLOBAL_OPTIONS;
  let positionals = 0;
  for (let index = 0; index < before.length; index += 1) {
    const word = before[index];
    if (word.startsWith('-')) {
      if (!word.includes('=') && takesValue(findOption(options, word))) index += 1;
    } else if (command === undefined) {
      command = word === 'help' ? 'help' : commands.find((candidate) => candidate.name === word);
      if (command && command !== 'help') options = { ...command.options, ...GLOBAL_OPTIONS };
    } else {
      positionals += 1;
    }
  }
  const previous = before[before.length - 1];
  const previousOption = previous?.startsWith('-') && !previous.includes('=') ? findOption(options, previous) : undefined;
  if (previousOption && takesValue(previousOption)) return valuesOf(previousOption, current, '');
  if (current.startsWith('--') && current.includes('=')) {
    const [flag, prefix] = [current.slice(0, current.indexOf('=')), current.slice(current.indexOf('=') + 1)];
    const option = findOption(options, flag);
    return option && takesValue(option) ? valuesOf(option, prefix, `${flag}=`) : [];
  }
  // A short flag with its value attached, kubectl style: -ojs, -o=js.
  const attached = /^-([A-Za-z])(=?)(.*)$/.exec(current);
  const shortOption = attached && (attached[2] !== '' || attached[3] !== '') ? findOption(options, `-${attached[1]}`) : undefined;
  if (attached && shortOption && takesValue(shortOption)) return valuesOf(shortOption, attached[3], `-${attached[1]}${attached[2]}`);
  if (current.startsWith('-')) return flagsOf(options).filter(([flag]) => flag.startsWith(current));
  if (command === undefined) {
    const all: Candidate[] = [...commands.map((c): Candidate => [c.name, c.describe]), ...BUILTIN_COMMANDS];
    return all.filter(([name]) => name.startsWith(current));
  }
  if (command === 'help' && positionals === 0) return commands.map((c): Candidate => [c.name, c.describe]).filter(([name]) => name.startsWith(current));
  if (command !== 'help' && command.name === 'completion' && positionals === 0) return SHELLS.map((s): Candidate => [s, `${s} script`]).filter(([s]) => s.startsWith(current));
  return [];
}

function findOption(options: Record<string, CliOption>, word: string): CliOption | undefined {
  const name = word.replace(/^--?/, '');
  return options[name] ?? Object.values(options).find((option) => option.alias === name);
}

function takesValue(option: CliOption | undefined): option is CliOption {
  return option !== undefined && option.type !== 'boolean';
}

function valuesOf(option: CliOption, prefix: string, flag: string): Candidate[] | typeof COMPLETE_FILES {
  if (option.completeFiles) return COMPLETE_FILES;
  const choices = (option.choices ?? []) as string[];
  return choices.filter((choice) => choice.startsWith(prefix)).map((choice) => [`${flag}${choice}`, '']);
}

/** Long flags only (`--output`, never yargs' `--o`), and --no-headers for the negatable one. */
function flagsOf(options: Record<string, CliOption>): Candidate[] {
  return Object.entries(options).flatMap(([name, option]): Candidate[] => {
    const describe = String(option.describe ?? '').replace(/ \(env [A-Z_]+\)$/, '');
    if (name === 'headers') return [['--no-headers', 'no header row in -o table']];
    return [[`--${name}`, describe]];
  }).concat([['--help', 'show help']]);
}

/** The script that `users-cli completion SHELL` prints. */
export function completionScript(shell: Shell): string {
  return SCRIPTS[shell];
}

const SCRIPTS: Record<Shell, string> = {
  bash: `# users-cli completion for bash. Install:
#   users-cli completion bash > ~/.local/share/bash-completion/completions/users-cli
# or add to ~/.bashrc:  source <(users-cli completion bash)
_users_cli_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur out
  local -a words
  read -ra words <<<"$line"
  [[ "$line" =~ [[:space:]]$ ]] && words+=("")
  cur="\${words[\${#words[@]}-1]}"
  out=$(users-cli __complete bash "\${words[@]:1}" 2>/dev/null) || return 0
  if [[ "$out" == ${COMPLETE_FILES} ]]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "\${cur#*=}")
    return 0
  fi
  mapfile -t COMPREPLY <<<"$out"
  [[ -z "$out" ]] && COMPREPLY=()
  # bash splits words at '=': complete the part after it.
  if [[ "$cur" == *=* && "$COMP_WORDBREAKS" == *=* ]]; then COMPREPLY=("\${COMPREPLY[@]#*=}"); fi
  return 0
}
complete -F _users_cli_complete users-cli
`,
  zsh: `#compdef users-cli
# users-cli completion for zsh. Install:
#   users-cli completion zsh > "\${fpath[1]}/_users-cli"
# or add to ~/.zshrc (after compinit):  source <(users-cli completion zsh)
_users_cli() {
  local -a lines described plain
  local line
  lines=("\${(@f)$(users-cli __complete zsh "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ "\${lines[1]}" == ${COMPLETE_FILES} ]]; then
    _files
    return
  fi
  for line in $lines; do
    [[ -z "$line" ]] && continue
    if [[ "$line" == *$'\\t'* ]]; then
      described+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
    else
      plain+=("$line")
    fi
  done
  (( \${#described} )) && _describe -t users-cli 'users-cli' described
  (( \${#plain} )) && compadd -- $plain
}
compdef _users_cli users-cli
`,
  fish: `# users-cli completion for fish. Install:
#   users-cli completion fish > ~/.config/fish/completions/users-cli.fish
function __users_cli_complete
    set -l tokens (commandline -opc) (commandline -ct)
    set -l out (users-cli __complete fish $tokens[2..-1] 2>/dev/null)
    if test "$out[1]" = ${COMPLETE_FILES}
        __fish_complete_path (string replace -r '^--[^=]*=' '' -- (commandline -ct))
        return
    end
    printf '%s\\n' $out
end
complete -c users-cli -f -a '(__users_cli_complete)'
`,
};
