// Browsers and bundlers: `appsflyer-s2s/hash`, the PII helpers alone, from
// the hashing-only build. `make pkg` bundles this file, lib/hashing.mjs and
// the wasm-bindgen glue into one minified module, web/hash.mjs (what the
// package exports), so that a page fetches two files: it and the .wasm next
// to it. Call the default export `init()` once (it fetches and compiles the
// .wasm) before any other function:
//
//   import init, { hashEmail } from 'appsflyer-s2s/hash';
//   await init();
import init, * as raw from '../web/appsflyer_s2s_hash.js';
import { S2SError, createHashing } from './hashing.mjs';

export { init as default, init, S2SError };
export { initSync } from '../web/appsflyer_s2s_hash.js';

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
} = createHashing({
  // Named, not the namespace object: esbuild then inlines no module record.
  sha256Hex: raw.sha256Hex,
  normalizeEmail: raw.normalizeEmail,
  hashEmail: raw.hashEmail,
  normalizeName: raw.normalizeName,
  hashName: raw.hashName,
  toE164: raw.toE164,
  phoneDigits: raw.phoneDigits,
  hashPhone: raw.hashPhone,
  hashPhoneE164: raw.hashPhoneE164,
});
