'use strict';
// `require('appsflyer-s2s/hash')`: the hashing-only entry, in Node. The
// hashing part of the suite, then what is particular to it: exactly its API,
// the root entry's S2SError, the small .wasm (never the full one), and the
// same results and errors as the root entry on the same inputs.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const test = require('node:test');
const random = require('./random.cjs');
const { hashingSuite, CORPUS } = require('./suite.cjs');
const hash = require('appsflyer-s2s/hash');

const SEED = Number(process.env.S2S_SEED || Date.now() % 1e9);
const API = [
  'sha256Hex', 'normalizeEmail', 'hashEmail', 'normalizeName', 'hashName', 'toE164',
  'phoneDigits', 'hashPhone', 'hashPhoneE164', 'S2SError', 'init', 'initSync', 'default',
];

test('cjs hash: resolves to hash.js and exports exactly the hashing API', () => {
  assert.match(require.resolve('appsflyer-s2s/hash'), /[\\/]appsflyer-s2s[\\/]hash\.js$/);
  assert.deepEqual(Object.keys(hash).sort(), [...API].sort());
  assert.equal(hash.default, hash.init);
});

test('cjs hash: S2SError is the root entry\'s class', () => {
  assert.equal(hash.S2SError, require('appsflyer-s2s').S2SError);
});

test('cjs hash: init and initSync resolve at once in Node, to one instance', async () => {
  const exports = await hash.init();
  assert.ok(exports.memory instanceof WebAssembly.Memory);
  assert.equal(hash.initSync(), exports);
  assert.equal(await hash.default(), exports);
});

test('cjs hash: loads the hashing .wasm only, and none of the full build', () => {
  // A fresh process: what requiring the entry alone reads and loads.
  const out = execFileSync(process.execPath, ['-e', `
    const fs = require('node:fs');
    const read = [];
    const readFileSync = fs.readFileSync;
    fs.readFileSync = (f, ...rest) => (read.push(String(f)), readFileSync(f, ...rest));
    require('appsflyer-s2s/hash');
    console.log(JSON.stringify({ read, modules: Object.keys(require.cache) }));
  `], { encoding: 'utf8' });
  const { read, modules } = JSON.parse(out);
  const wasm = read.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, String(wasm));
  assert.match(wasm[0], /appsflyer_s2s_hash_bg\.wasm$/);
  assert.ok(!modules.some((m) => /appsflyer_s2s_wasm/.test(m)), String(modules));
});

test(`cjs hash: the same results and errors as the root entry (seed ${SEED})`, () => {
  const full = require('appsflyer-s2s');
  const outcome = (fn) => {
    try {
      return { value: fn() };
    } catch (e) {
      return { error: e instanceof full.S2SError ? { code: e.code, errors: e.errors, message: e.message } : String(e) };
    }
  };
  const next = random(SEED ^ 0x4a54);
  const texts = ['', ' ', 'a@b', ' John_Smith@Gmail.com ', 'no-at', 'Valéry', 'Vale\u0301ry', 'ΟΔΥΣΣΕΥΣ', 'İstanbul', 42, null, undefined];
  for (let i = 0; i < 200; i++) {
    texts.push(Array.from({ length: Math.floor(next() * 24) }, () => String.fromCodePoint(Math.floor(next() * 0x3000) + 1)).join(''));
  }
  for (const t of texts) {
    for (const name of ['sha256Hex', 'normalizeEmail', 'hashEmail', 'normalizeName', 'hashName']) {
      assert.deepEqual(outcome(() => hash[name](t)), outcome(() => full[name](t)), `${name}(${JSON.stringify(t)})`);
    }
  }
  const regions = [undefined, null, 'US', 'GB', 'ZZ', 7];
  for (let i = 0; i < 300; i++) {
    const c = CORPUS[Math.floor(next() * CORPUS.length)];
    const region = i % 10 === 0 ? regions[i % regions.length] : c.region ?? undefined;
    for (const name of ['toE164', 'phoneDigits', 'hashPhone', 'hashPhoneE164']) {
      assert.deepEqual(outcome(() => hash[name](c.input, region)), outcome(() => full[name](c.input, region)), `${name}(${JSON.stringify(c.input)}, ${region})`);
    }
  }
});

hashingSuite(hash, 'cjs hash');
