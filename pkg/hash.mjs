// Node, ES module: `import init, { hashEmail } from 'appsflyer-s2s/hash'`.
// The same instance as `require('appsflyer-s2s/hash')`.
import hashing from './hash.js';

export const {
  init,
  initSync,
  sha256Hex,
  normalizeEmail,
  hashEmail,
  normalizeName,
  hashName,
  toE164,
  phoneDigits,
  hashPhone,
  hashPhoneE164,
  S2SError,
} = hashing;
export default init;
