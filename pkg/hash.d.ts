// Types of `appsflyer-s2s/hash`: the PII helpers alone, from the
// hashing-only build, and the error class every function of the package
// throws. `FieldError` and `ErrorCode` are written next to the Rust code that
// reports them (bindings/wasm/src/typescript.rs); `InitInput`, `InitOutput`
// and `SyncInitInput` are wasm-bindgen's. The root entry's typings
// (index.d.ts) re-export the helpers and `S2SError` from here.

import type {
  ErrorCode,
  FieldError,
  InitInput,
  InitOutput,
  SyncInitInput,
} from "./web/appsflyer_s2s_hash.js";

export type { ErrorCode, FieldError, InitInput, InitOutput, SyncInitInput };

/**
 * An event or request that cannot be sent, with every reason found. Thrown by
 * every function of this package for invalid input; messages never contain
 * raw PII or the S2S key.
 */
export declare class S2SError extends Error {
  /** Always `"S2SError"`. */
  readonly name: "S2SError";
  /** The code of the first problem (`"invalid_phone"`, `"missing_field"`, `"wrong_type"` for an argument of the wrong type, …). */
  readonly code: ErrorCode;
  /** Every problem, in field order; never empty. */
  readonly errors: FieldError[];
  constructor(errors: Iterable<FieldError>);
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text` (64 characters). */
export declare function sha256Hex(text: string): string;
/** The `email_hashed` input: trimmed and lowercased. Throws `invalid_email` for an empty value or one without `@`. */
export declare function normalizeEmail(email: string): string;
/** `email_hashed`: SHA-256 hex of `normalizeEmail(email)`. */
export declare function hashEmail(email: string): string;
/** The `first_name_hashed` / `last_name_hashed` input: Unicode NFC, trimmed, lowercased. Throws `invalid_name` for a blank name. */
export declare function normalizeName(name: string): string;
/** `first_name_hashed` / `last_name_hashed`: SHA-256 hex of `normalizeName(name)`. */
export declare function hashName(name: string): string;
/** The number in E.164 (`"+12133734253"`), parsed exactly as libphonenumber-js parses it. Throws `invalid_phone`, or `invalid_region` for an unknown `defaultRegion`. */
export declare function toE164(phone: string, defaultRegion?: string | null): string;
/** The `phone_number_hashed` input: E.164 without the `+` (`"12133734253"`). */
export declare function phoneDigits(phone: string, defaultRegion?: string | null): string;
/** `phone_number_hashed`: SHA-256 hex of `phoneDigits(phone, defaultRegion)`. */
export declare function hashPhone(phone: string, defaultRegion?: string | null): string;
/** `phone_number_e164_hashed`: SHA-256 hex of `toE164(phone, defaultRegion)`. */
export declare function hashPhoneE164(phone: string, defaultRegion?: string | null): string;

/**
 * Fetches and compiles the hashing .wasm (in browsers: next to the module,
 * or from `module_or_path`); call it once, before any other function. In
 * Node the module is ready on import and this resolves at once.
 */
export declare function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<InitOutput>;
/** `init` from bytes or a compiled `WebAssembly.Module`, synchronously. */
export declare function initSync(module: { module: SyncInitInput }): InitOutput;
export default init;
