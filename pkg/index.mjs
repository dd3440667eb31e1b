// Node, ES module: `import { buildEvent } from 'appsflyer-s2s'`. The same
// instance as `require` (one wasm module, one S2SError class).
import api from './index.js';

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
} = api;
export default api;
