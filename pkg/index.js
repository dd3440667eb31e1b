'use strict';
// Node, CommonJS: `require('appsflyer-s2s')`. The module is compiled and
// instantiated synchronously on first require, from the same .wasm file
// browsers fetch (web/), so the package ships it once.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const raw = require('./node/appsflyer_s2s_wasm.cjs');
const { createApi } = require('./node/api.cjs');

raw.initSync({ module: readFileSync(join(__dirname, 'web/appsflyer_s2s_wasm_bg.wasm')) });

module.exports = createApi(raw);
