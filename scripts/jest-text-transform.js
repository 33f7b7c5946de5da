// jest: imports a file as its text (the .sql migrations), as esbuild's text loader does in the bundle.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

const SELF = readFileSync(__filename);

module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)};` };
  },
  getCacheKey: (source) => createHash('sha1').update(SELF).update(source).digest('hex'),
};
