// The YAML library, the largest module users-cli uses, behind one module that
// the bundle builds into a file of its own (dist/users-cli-yaml.js), loaded
// through load-yaml.ts for a config file or -o yaml only.
import { Document, Scalar, Schema, visit } from 'yaml';

export { parse } from 'yaml';

/**
 * Every plain scalar that a YAML 1.1 reader (PyYAML, Go yaml.v2) or a 1.2 one
 * (yaml.v3, this library) resolves to something other than a string: `yes`,
 * `off`, `y`, `0777`, `12:30`, `2001-12-14`, `<<`, `0o7`... as the library's own
 * schemas define them, and PyYAML's `=`, in any case (`yEs` too: quoting more costs nothing).
 */
const NOT_A_STRING = (['yaml-1.1', 'core'] as const)
  .flatMap((schema) => new Schema({ schema }).tags.flatMap((tag) => ('test' in tag && tag.test && tag.default ? [new RegExp(tag.test.source, 'i')] : [])))
  // PyYAML also resolves a lone `=` (YAML 1.1's "value" type, which this library's schemas lack) and refuses to load it.
  .concat(/^=$/);

/** YAML that every reader, 1.1 or 1.2, reads back with each string a string. */
export function stringify(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && NOT_A_STRING.some((test) => test.test(node.value as string))) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return document.toString();
}
