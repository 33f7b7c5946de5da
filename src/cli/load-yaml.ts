import type * as Yaml from './yaml';

/** The YAML library, loaded on first use (see yaml.ts). */
export function loadYaml(): typeof Yaml {
  // require, not import(): the bundles run as CommonJS through the compile cache.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./yaml') as typeof Yaml;
}
