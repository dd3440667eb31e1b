'use strict';
// The suite through `require('appsflyer-s2s')` (the package's CommonJS entry).
const api = require('appsflyer-s2s');
const assert = require('node:assert/strict');
const test = require('node:test');

test('cjs: require resolves to the CommonJS entry', () => {
  assert.match(require.resolve('appsflyer-s2s'), /[\\/]appsflyer-s2s[\\/]index\.js$/);
});

require('./suite.cjs')(api, 'cjs');
