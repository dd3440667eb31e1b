// `import … from 'appsflyer-s2s/hash'` in Node: the ES module entry is the
// same instance as `require`, with `init` as default export.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import init, * as hash from 'appsflyer-s2s/hash';

const require = createRequire(import.meta.url);
const { hashingSuite } = require('./suite.cjs');

test('esm hash: resolves to hash.mjs; default and named exports are require\'s', async () => {
  assert.match(import.meta.resolve('appsflyer-s2s/hash'), /\/appsflyer-s2s\/hash\.mjs$/);
  const cjs = require('appsflyer-s2s/hash');
  assert.equal(init, cjs.init);
  assert.equal(hash.hashEmail, cjs.hashEmail);
  assert.equal(hash.S2SError, (await import('appsflyer-s2s')).S2SError);
  assert.equal(await init(), cjs.initSync());
  assert.equal(hash.buildEvent, undefined);
});

hashingSuite(hash, 'esm hash');
