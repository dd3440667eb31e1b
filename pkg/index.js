'use strict';
// Node, CommonJS: `require('appsflyer-s2s')`. The module is compiled and
// instantiated synchronously on first require.
const raw = require('./node/appsflyer_s2s_wasm.js');
const { createApi } = require('./node/api.cjs');

module.exports = createApi(raw);
