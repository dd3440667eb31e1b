// The PII helpers of `appsflyer-s2s` and the error class every function
// throws, over the raw wasm-bindgen exports of either build: the full one
// (lib/api.mjs adds events, requests and S2SClient on top) or the
// hashing-only one behind `appsflyer-s2s/hash`. A web page that only hashes
// loads this file and the small wasm, never lib/api.mjs.
//
// Like lib/api.mjs, this file is the single source: browsers import it as an
// ES module, and `make pkg` bundles it into node/api.cjs for Node, where both
// entries then share one S2SError class.

/**
 * An event or request that cannot be sent, with every reason found.
 * `code` is the code of the first problem; `errors` lists them all as
 * `{ field, code, message }`. Messages never contain raw PII or the S2S key.
 */
export class S2SError extends Error {
  /**
   * @param {{ field: string, code: string, message: string }[]} errors at least one
   */
  constructor(errors) {
    const list = Array.from(errors, (e) => ({
      field: String(e.field),
      code: String(e.code),
      message: String(e.message),
    }));
    if (list.length === 0) {
      throw new TypeError('S2SError needs at least one { field, code, message }');
    }
    // Messages name their field, so each problem reads `message [code]`.
    super(list.map((e) => `${e.message} [${e.code}]`).join('; '));
    this.name = 'S2SError';
    /** The code of the first problem, e.g. `"invalid_phone"`. */
    this.code = list[0].code;
    /** Every problem, in field order. */
    this.errors = list;
  }
}

/** The JSON type of a value for messages: never the value itself (it may be PII). */
function kind(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' || t === 'undefined' ? t : `a ${t}`;
}

export function wrongType(field, want, value) {
  return new S2SError([
    { field, code: 'wrong_type', message: `${field} must be ${want}, not ${kind(value)}` },
  ]);
}

export function text(value, field) {
  if (typeof value !== 'string') throw wrongType(field, 'a string', value);
  return value;
}

/** An optional string: `undefined` for `null` / `undefined`. */
export function optionalText(value, field) {
  return value === undefined || value === null ? undefined : text(value, field);
}

/**
 * Calls a raw export, turning what it throws for a refused value into an
 * S2SError: `{ errors }` (events, requests) or, from the hashing helpers,
 * one problem as `field \u001f code \u001f message`.
 */
export function call(fn, ...args) {
  try {
    return fn(...args);
  } catch (e) {
    if (typeof e === 'string') {
      const [field, code, message] = e.split('\u001f');
      throw new S2SError([{ field, code, message }]);
    }
    if (e !== null && typeof e === 'object' && Array.isArray(e.errors)) {
      throw new S2SError(e.errors);
    }
    throw e;
  }
}

/** The hashing helpers over one set of raw wasm-bindgen exports. */
export function createHashing(raw) {
  const phoneFn = (fn) => (phone, defaultRegion) =>
    call(fn, text(phone, 'phone'), optionalText(defaultRegion, 'defaultRegion'));
  return {
    sha256Hex: (value) => raw.sha256Hex(text(value, 'text')),
    normalizeEmail: (email) => call(raw.normalizeEmail, text(email, 'email')),
    hashEmail: (email) => call(raw.hashEmail, text(email, 'email')),
    normalizeName: (name) => call(raw.normalizeName, text(name, 'name')),
    hashName: (name) => call(raw.hashName, text(name, 'name')),
    toE164: phoneFn(raw.toE164),
    phoneDigits: phoneFn(raw.phoneDigits),
    hashPhone: phoneFn(raw.hashPhone),
    hashPhoneE164: phoneFn(raw.hashPhoneE164),
  };
}
