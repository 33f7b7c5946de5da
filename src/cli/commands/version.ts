import { buildInfo } from '../../shared/build-info';
import type { LocalCommand } from '../command';

export const versionCommand: LocalCommand<void> = {
  kind: 'local',
  command: 'version',
  describe: 'print the version, git commit and build date',
  input: () => undefined,
  run(output) {
    const { version, commit, date } = buildInfo;
    output.result(`users-cli ${version} (commit ${commit}, built ${date})`, { version, commit, date });
  },
};
