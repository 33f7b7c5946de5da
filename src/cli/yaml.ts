// The YAML library, the largest module users-cli uses, behind one module that
// the bundle builds into a file of its own (dist/users-cli-yaml.js), loaded
// through load-yaml.ts for a config file or -o yaml only.
export { parse, stringify } from 'yaml';
