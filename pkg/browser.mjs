// Browsers and bundlers, ES module. Call the default export `init()` once
// (it fetches and compiles the .wasm) before any other function:
//
//   import init, { hashEmail } from 'appsflyer-s2s';
//   await init();
import init, * as raw from './web/appsflyer_s2s_wasm.js';
import { createApi } from './lib/api.mjs';

export { initSync } from './web/appsflyer_s2s_wasm.js';
export default init;

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
  buildEvent,
  validateEvent,
  prepareRequest,
  classifyResponse,
  S2SClient,
  S2SError,
} = createApi(raw);
