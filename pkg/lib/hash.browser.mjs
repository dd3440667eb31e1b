// Browsers and bundlers: `appsflyer-s2s/hash`, the PII helpers alone, from
// the hashing-only build. `make pkg` bundles this file, lib/hashing.mjs and
// the wasm-bindgen glue into one minified module, web/hash.mjs (what the
// package exports), so that a page fetches two files: it and the .wasm next
// to it. Call the default export `init()` once (it fetches and compiles the
// .wasm) before any other function:
//
//   import init, { hashEmail } from 'appsflyer-s2s/hash';
//   await init();
import * as raw from '../web/appsflyer_s2s_hash.js';
import { S2SError, createHashing } from './hashing.mjs';

export { default, default as init, initSync } from '../web/appsflyer_s2s_hash.js';
export { S2SError };

export const {
  sha256Hex,
  normalizeEmail,
  hashEmail,
  normalizeName,
  hashName,
  toE164,
  phoneDigits,
  hashPhone,
  hashPhoneE164,
} = createHashing(raw);
