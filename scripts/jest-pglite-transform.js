// jest only: PGlite's CommonJS build loads Node built-ins with import("fs") and
// the like, which jest's module sandbox refuses without --experimental-vm-modules.
// This rewrites those calls (string literals naming built-ins only) to the
// module's require (saved first: PGlite's WASM glue declares a `var require` of its own).
// Outside jest (users-server, the bundles) PGlite runs unchanged.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

const SELF = readFileSync(__filename);

module.exports = {
  process(source) {
    const code = source.replace(/\bimport\((["'])((?:node:)?[a-z_/]+)\1\)/g, 'Promise.resolve().then(() => __jestRequire($1$2$1))');
    return { code: `const __jestRequire = require;\n${code}` };
  },
  getCacheKey: (source) => createHash('sha1').update(SELF).update(source).digest('hex'),
};
