// The suite through `import` (the package's ES module entry for Node).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as api from 'appsflyer-s2s';
import defaultApi from 'appsflyer-s2s';

const require = createRequire(import.meta.url);
const suite = require('./suite.cjs');

test('esm: named and default exports are the same instance as require', () => {
  assert.match(import.meta.resolve('appsflyer-s2s'), /\/appsflyer-s2s\/index\.mjs$/);
  assert.equal(api.buildEvent, defaultApi.buildEvent);
  assert.equal(api.S2SError, require('appsflyer-s2s').S2SError);
});

suite(api, 'esm');
