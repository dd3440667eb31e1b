// Types of `appsflyer-s2s`. The shapes the WebAssembly core reads and returns
// (EventInput, FieldError, Outcome, …) are written next to the Rust code that
// handles them (bindings/wasm/src/typescript.rs) and generated into
// web/appsflyer_s2s_wasm.d.ts; this file adds the functions and S2SClient.
// The PII helpers and S2SError are declared in hash.d.ts (they are also the
// `appsflyer-s2s/hash` entry).

import type {
  AppSetId,
  BuiltEvent,
  ConsentData,
  ErrorCode,
  EventInput,
  FieldError,
  Outcome,
  S2sRequest,
  ValidationReport,
  Warning,
} from "./web/appsflyer_s2s_wasm.js";

export type {
  AppSetId,
  BuiltEvent,
  ConsentData,
  ErrorCode,
  EventInput,
  FieldError,
  Outcome,
  S2sRequest,
  ValidationReport,
  Warning,
};

/** Options of `buildEvent` and `validateEvent`. */
export interface BuildOptions {
  /**
   * ISO 3166-1 alpha-2 region (`"US"`) for phone numbers written in national
   * form, such as `(650) 555-1212`. Without it only international numbers
   * (`+1 650 555 1212`) parse.
   */
  defaultRegion?: string | null;
  /**
   * What to do with a top-level field the contract does not name:
   * `"refuse"` (the default) makes it an `unknown_field` error, with a "did
   * you mean" for near-misses; `"forward"` sends it unchanged with an
   * `unknown_field` warning (for fields AppsFlyer added after this version).
   * Personal data is refused either way (`raw_pii`): a PII field spelled
   * differently (`Email`, `phoneNumber`), a PII-like name (`customer_email`,
   * `mobile`, `surname`), also inside `eventValue` and `custom_data`, and any
   * email address in a value other than `email`.
   */
  unknownFields?: "refuse" | "forward";
}

/** What `prepareRequest` needs. */
export interface RequestInput {
  /** The app id as the AppsFlyer dashboard shows it: `id123456789` (iOS, with `id`), `com.example.app` (Android). */
  appId: string;
  /** The app's S2S key. It only ever leaves in the `authentication` header; never log it. */
  s2sKey: string;
  /** The event: an `EventInput`, or its JSON text. It is validated and built here. */
  event: EventInput | string;
  /** Base URL; default `https://api3.appsflyer.com`. It must be `https://`; `http://` only to a loopback host (127.0.0.1, localhost, [::1]) for local test servers. */
  endpoint?: string | null;
  /** Region for national phone numbers, as in `BuildOptions`. */
  defaultRegion?: string | null;
  /** Unknown fields, as in `BuildOptions`. */
  unknownFields?: "refuse" | "forward";
}

/** Options of `S2SClient`. */
export interface S2SClientOptions {
  /** The app's S2S key (required). Kept in a private field, never in an error or log. */
  s2sKey: string;
  /** Default app id for `send`; `send(event, { appId })` overrides it. */
  appId?: string | null;
  /** Base URL; default `https://api3.appsflyer.com`; https only, except `http://` to a loopback host. Redirects are never followed (the S2S key must not go elsewhere). */
  endpoint?: string | null;
  /** Region for national phone numbers, as in `BuildOptions`. */
  defaultRegion?: string | null;
  /** Unknown fields, as in `BuildOptions`. */
  unknownFields?: "refuse" | "forward";
  /** Time allowed for one attempt (answer and body), in milliseconds; default 10000. */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (429, 5xx, network errors, timeouts); default 3, 0 never retries. Rejections (400, 401, 403, …) are never retried. */
  maxRetries?: number;
  /** First backoff step in milliseconds (default 2000, doubling each retry, with jitter); a `Retry-After` is always honoured up to 15 minutes. */
  baseDelayMs?: number;
  /** The `fetch` to use; default the global `fetch` (Node 18+, browsers). */
  fetch?: (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{
    status: number;
    headers: { get(name: string): string | null };
    text(): Promise<string>;
  }>;
}

/** What `S2SClient.send` resolves with: the last attempt's outcome and how many attempts were made. */
export type SendResult = Outcome & {
  /** Attempts made, the first included. */
  attempts: number;
};

export {
  S2SError,
  sha256Hex,
  normalizeEmail,
  hashEmail,
  normalizeName,
  hashName,
  toE164,
  phoneDigits,
  hashPhone,
  hashPhoneE164,
} from "./hash.js";

/**
 * Validates, normalizes and hashes an event: `body` is the exact JSON to
 * send. Throws an `S2SError` listing every problem.
 */
export declare function buildEvent(input: EventInput | string, options?: BuildOptions | null): BuiltEvent;
/** Everything `buildEvent` would find, without throwing for the event. */
export declare function validateEvent(input: Partial<EventInput> | string, options?: BuildOptions | null): ValidationReport;
/**
 * Builds the event and the Send Event request for it, ready for
 * `fetch(url, { method, headers, body })`. Throws an `S2SError` listing the
 * problems of the app id, key, endpoint and event together.
 */
export declare function prepareRequest(request: RequestInput): S2sRequest;
/**
 * Reads AppsFlyer's answer: `delivered` (2xx), `rejected` (400, 401, 403, …:
 * never retry) or `retry` (408, 425, 429, 5xx). `retryAfter` is the
 * `Retry-After` header, if any.
 */
export declare function classifyResponse(status: number, body: string, retryAfter?: string | null): Outcome;

/**
 * Sends events with `fetch`: a timeout per attempt, transient failures
 * retried on exponential backoff with jitter (honouring `Retry-After`),
 * rejections never retried.
 */
export declare class S2SClient {
  constructor(options: S2SClientOptions);
  /**
   * Validates, builds and sends one event. Resolves with the outcome (after
   * the last attempt for transient failures); rejects with an `S2SError`
   * when the event, app id or key is invalid, before anything is sent.
   */
  send(event: EventInput | string, options?: { appId?: string | null } | null): Promise<SendResult>;
}
