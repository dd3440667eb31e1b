'use strict';
// Node, CommonJS: `require('appsflyer-s2s/hash')`, the PII helpers alone from
// the small hashing-only build. Like the root entry, the module is compiled
// and instantiated synchronously on first require, from the same .wasm file
// browsers fetch; `init()` and `initSync()` are there for code shared with
// browsers and return the instance at once. The S2SError class is the root
// entry's: both come from node/api.cjs.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const raw = require('./node/appsflyer_s2s_hash.cjs');
const { S2SError, createHashing } = require('./node/api.cjs');

raw.initSync({ module: readFileSync(join(__dirname, 'web/appsflyer_s2s_hash_bg.wasm')) });

module.exports = {
  ...createHashing(raw),
  S2SError,
  init: raw.default,
  initSync: raw.initSync,
  default: raw.default,
};
