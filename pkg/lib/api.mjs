// The public JavaScript API of `appsflyer-s2s`, over the raw wasm-bindgen
// exports of bindings/wasm. It only adapts: argument checks, `Date`s,
// `S2SError`s, and `S2SClient`, which sends with `fetch` on the core's retry
// schedule. Every rule about events lives in the Rust core.
//
// This file is the single source: the browser build imports it as ES module,
// and `make pkg` bundles it with lib/hashing.mjs (the helpers and S2SError it
// shares with `appsflyer-s2s/hash`) into CommonJS (node/api.cjs) for Node.

import { S2SError, call, createHashing, optionalText, text, wrongType } from './hashing.mjs';

export { S2SError, createHashing };

function optionsObject(options, field = 'options') {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw wrongType(field, 'an object', options);
  }
  return options;
}

const UNSERIALIZABLE = Object.freeze({
  field: '',
  code: 'invalid_json',
  message: 'the event cannot be turned into JSON (does it hold a BigInt or a circular reference?)',
});

/**
 * A `Date` as AppsFlyer's UTC `yyyy-mm-dd hh:mm:ss.sss`: a Date is an exact
 * instant, so this is no conversion worth a warning. Years outside
 * 0000–9999 go on as epoch milliseconds, and an invalid Date as text, for
 * the core to refuse with its own message.
 */
function eventTime(date) {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return 'Invalid Date';
  const iso = date.toISOString(); // 2024-05-15T12:17:01.123Z
  return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : ms;
}

/**
 * The event as JSON text for the core: a string is taken as JSON already;
 * a `Date` in `eventTime` becomes AppsFlyer's form. `null` when the value
 * cannot be serialized.
 */
function eventJson(input) {
  if (typeof input === 'string') return input;
  if (input !== null && typeof input === 'object' && input.eventTime instanceof Date) {
    input = { ...input, eventTime: eventTime(input.eventTime) };
  }
  try {
    const json = JSON.stringify(input);
    return json === undefined ? 'null' : json;
  } catch {
    return null;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The public API over one set of raw wasm-bindgen exports (Node's or the
 * browser's build).
 */
export function createApi(raw) {
  const hashing = createHashing(raw);

  function region(options) {
    return optionalText(optionsObject(options).defaultRegion, 'defaultRegion');
  }

  function buildEvent(input, options) {
    const defaultRegion = region(options);
    const forward = forwardUnknownFields(options);
    const json = eventJson(input);
    if (json === null) throw new S2SError([UNSERIALIZABLE]);
    return call(raw.buildEvent, json, defaultRegion, forward);
  }

  function validateEvent(input, options) {
    const defaultRegion = region(options);
    const forward = forwardUnknownFields(options);
    const json = eventJson(input);
    if (json === null) return { ok: false, errors: [{ ...UNSERIALIZABLE }], warnings: [] };
    return raw.validateEvent(json, defaultRegion, forward);
  }

  function prepareRequest(request) {
    const r = optionsObject(request, 'request');
    const json = eventJson(r.event);
    if (json === null) throw new S2SError([UNSERIALIZABLE]);
    return call(
      raw.prepareRequest,
      optionalText(r.appId, 'appId') ?? '',
      optionalText(r.s2sKey, 's2sKey') ?? '',
      json,
      optionalText(r.endpoint, 'endpoint'),
      optionalText(r.defaultRegion, 'defaultRegion'),
      forwardUnknownFields(r),
    );
  }

  function classifyResponse(status, body, retryAfter) {
    if (typeof status !== 'number') throw wrongType('status', 'a number', status);
    return raw.classifyResponse(
      status,
      optionalText(body, 'body') ?? '',
      optionalText(retryAfter, 'retryAfter'),
      Date.now(),
    );
  }

  /**
   * Sends events to AppsFlyer with `fetch`: a timeout per attempt, retries of
   * transient failures (429, 5xx, network errors, timeouts) on the core's
   * backoff schedule, never a retry of a rejection.
   */
  class S2SClient {
    #s2sKey;
    #appId;
    #endpoint;
    #defaultRegion;
    #unknownFields;
    #timeoutMs;
    #maxAttempts;
    #baseDelayMs;
    #fetch;

    constructor(options) {
      const o = optionsObject(options);
      if (typeof o.s2sKey !== 'string') throw wrongType('s2sKey', 'a string', o.s2sKey);
      if (o.s2sKey.trim() === '') {
        throw new S2SError([{ field: 's2sKey', code: 'missing_s2s_key', message: 'the S2S key is empty' }]);
      }
      this.#s2sKey = o.s2sKey;
      this.#appId = optionalText(o.appId, 'appId');
      this.#endpoint = optionalText(o.endpoint, 'endpoint');
      this.#defaultRegion = optionalText(o.defaultRegion, 'defaultRegion');
      this.#unknownFields = forwardUnknownFields(o) ? 'forward' : 'refuse';
      this.#timeoutMs = count(o.timeoutMs, 'timeoutMs', 10_000, 1);
      this.#maxAttempts = count(o.maxRetries, 'maxRetries', 3, 0) + 1;
      this.#baseDelayMs = o.baseDelayMs === undefined ? undefined : count(o.baseDelayMs, 'baseDelayMs', 0, 0);
      const f = o.fetch ?? globalThis.fetch;
      if (typeof f !== 'function') {
        throw wrongType('fetch', 'a function (Node 18 and browsers have a global fetch)', f);
      }
      this.#fetch = f;
    }

    /**
     * Validates and sends one event. Resolves with the outcome and the number
     * of attempts; rejects with an S2SError when the event, app id or key is
     * invalid (nothing is sent then).
     */
    async send(event, options) {
      const o = optionsObject(options);
      const request = prepareRequest({
        appId: optionalText(o.appId, 'appId') ?? this.#appId,
        s2sKey: this.#s2sKey,
        event,
        endpoint: this.#endpoint,
        defaultRegion: this.#defaultRegion,
        unknownFields: this.#unknownFields,
      });
      for (let attempt = 1; ; attempt += 1) {
        const outcome = await this.#attempt(request);
        if (outcome.outcome === 'retry') {
          const delay = raw.nextDelayMs(
            attempt,
            this.#maxAttempts,
            outcome.retryAfterMs,
            Math.random(),
            this.#baseDelayMs,
          );
          if (delay !== undefined) {
            await sleep(delay);
            continue;
          }
        }
        return { ...outcome, attempts: attempt };
      }
    }

    async #attempt({ url, method, headers, body }) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
      try {
        // `redirect: 'manual'`: the request carries the S2S key, which must
        // never follow a redirect to another host. The 3xx is the answer (in
        // browsers an opaque one, with status 0), refused by the core.
        const response = await this.#fetch(url, {
          method,
          headers,
          body,
          signal: controller.signal,
          redirect: 'manual',
        });
        const status = response.type === 'opaqueredirect' ? 307 : response.status;
        // Reading the body is part of the attempt: a stalled body times out too.
        const answer = await readCapped(response, MAX_ANSWER_BYTES);
        return raw.classifyResponse(status, answer, response.headers.get('retry-after') ?? undefined, Date.now());
      } catch (e) {
        if (controller.signal.aborted) {
          return raw.transportFailure(`no answer within ${this.#timeoutMs} ms (timed out)`);
        }
        // The error's code or name only: messages of HTTP clients can carry URLs and headers.
        const code = e?.cause?.code ?? e?.code ?? e?.name ?? 'unknown';
        return raw.transportFailure(`network error (${code})`);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  return {
    ...hashing,
    buildEvent,
    validateEvent,
    prepareRequest,
    classifyResponse,
    S2SClient,
    S2SError,
  };
}

/**
 * `unknownFields: 'forward'` sends fields the contract does not name on
 * unchanged (with an `unknown_field` warning) instead of refusing them, the
 * default (`'refuse'`). Personal data is refused either way (`raw_pii`).
 */
function forwardUnknownFields(options) {
  const value = optionsObject(options).unknownFields;
  if (value === undefined || value === null || value === 'refuse') return false;
  if (value === 'forward') return true;
  throw new S2SError([
    { field: 'unknownFields', code: 'wrong_type', message: "unknownFields must be 'refuse' or 'forward'" },
  ]);
}

/** Most of AppsFlyer's answer read, in bytes: an error page of any size costs no more. */
const MAX_ANSWER_BYTES = 4096;

/** The answer's first `limit` bytes as text; the rest is cancelled unread. */
async function readCapped(response, limit) {
  if (!response.body || typeof response.body.getReader !== 'function') {
    return (await response.text()).slice(0, limit);
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value.subarray(0, limit - size));
    size += Math.min(value.byteLength, limit - size);
    if (size >= limit) {
      reader.cancel().catch(() => {});
      break;
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  // A character cut by the limit is dropped, not mangled.
  return new TextDecoder().decode(bytes, { stream: true });
}

/** A whole number option of at least `min`; `fallback` when absent. */
function count(value, field, fallback, min) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new S2SError([
      { field, code: 'wrong_type', message: `${field} must be a whole number of at least ${min}` },
    ]);
  }
  return value;
}
