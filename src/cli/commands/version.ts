import { buildInfo } from '../../shared/build-info';
import type { LocalCommand } from '../command';

export const versionCommand: LocalCommand<void> = {
  kind: 'local',
  name: 'version',
  describe: 'print the version, git commit and build date (also --version, -V)',
  examples: [['$0 version -o json', 'as JSON']],
  input: () => undefined,
  run(output) {
    const { version, commit, date } = buildInfo;
    output.result(`users-cli ${version} (commit ${commit}, built ${date})`, { version, commit, date });
  },
};
