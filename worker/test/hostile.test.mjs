// Hostile inputs against the built Worker in Miniflare: a table of named,
// countable cases. Each one is a request (method, path, headers, raw body
// bytes) and the answer it must get: a 4xx with a JSON body that names the
// problem (`error`, and for invalid events `errors[].field` / `code`), never
// a 5xx, never a request reaching the fake AppsFlyer, never a key, a token
// or raw PII echoed in the answer or in workerd's output.
//
// Every case runs three ways, which must answer and log identically:
// 1. on the Worker's own socket, as raw bytes with a Content-Length (what a
//    real client sends: the path exactly as written, never normalized by a
//    URL parser of this process);
// 2. the same raw bytes, the body chunked (no Content-Length: the body
//    reader's streaming way);
// 3. through Miniflare's entry worker (`dispatchFetch`).
// The expectations are checked on the first way.
//
// Every case that carries an event carries a *valid* one around the hostile
// part, so a check that let it through would forward it and fail the case.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { KEYS, TOKENS, eventLogs, sleep, start } from "./harness.mjs";

const APP = "com.example.app";
const KB = 1024;
const MAX_EVENT = 64 * KB;
const MAX_BATCH = 256 * KB;

// Raw PII markers: they must never come back in an answer or a log line.
const PII = ["Hostile.Marker@example.org", "hostile.marker@example.org", "Quentinella", "Zbyszkowska", "4155550199"];

/** A valid event with raw PII; `overrides` set fields (`undefined` deletes). */
const event = (overrides = {}) => {
  const e = {
    appsflyer_id: "1415211453000-6513894",
    eventName: "af_purchase",
    eventValue: { af_revenue: "19.99" },
    eventCurrency: "USD",
    email: PII[0],
    first_name: PII[2],
    last_name: PII[3],
    phone_number: `+1 ${PII[4]}`,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
};
const VALID = JSON.stringify(event());
/** `VALID` with `"key":value` (raw JSON text) spliced in before the closing brace. */
const withRaw = (raw) => `${VALID.slice(0, -1)},${raw}}`;
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

/** The table. */
const cases = [];
const names = new Set();
/**
 * @param {string} name
 * @param {{method?: string, path?: string, headers?: object, body?: string|Buffer|(() => any), auth?: string|null}} req
 *   `auth` is the whole Authorization header (default: a valid bearer token; null: none).
 * @param {{status: number, error: string, field?: string, code?: string, json?: object}} expect
 */
function add(name, req, expect) {
  assert.ok(!names.has(name), `duplicate case name: ${name}`);
  names.add(name);
  cases.push({ name, req, expect });
}
const invalid = (field, code) => ({ status: 400, error: "invalid_event", field, code });
const invalidJson = invalid("", "invalid_json");
const NOT_FOUND = { status: 404, error: "not_found" };
const UNKNOWN_APP = { status: 404, error: "unknown_app" };
const UNAUTHORIZED = { status: 401, error: "unauthorized" };
const METHOD = { status: 405, error: "method_not_allowed" };
const TOO_LARGE = { status: 413, error: "payload_too_large" };
const inapp = (body, extra = {}) => ({ path: `/inappevent/${APP}`, body, ...extra });

// --- malformed and truncated JSON -------------------------------------------
{
  const points = new Set([0, 1, 2, 10, 17, 18, 40, 41, 60, 75, 90, 110, 130, 160, 190, 220, VALID.length - 2, VALID.length - 1]);
  for (const n of [...points].filter((n) => n < VALID.length).sort((a, b) => a - b)) {
    add(`truncated JSON: first ${n} of ${VALID.length} bytes`, inapp(VALID.slice(0, n)), invalidJson);
  }
  const malformed = {
    "trailing comma": VALID.slice(0, -1) + ",}",
    "single-quoted strings": VALID.replaceAll('"', "'"),
    "unquoted keys": VALID.replace('"eventName"', "eventName"),
    "a comment": `/* hi */${VALID}`,
    "NaN as a value": withRaw('"att":NaN'),
    "Infinity as a value": withRaw('"att":Infinity'),
    "hex number": withRaw('"att":0x1'),
    "leading zero": withRaw('"att":01'),
    "leading plus": withRaw('"att":+1'),
    "bare decimal point": withRaw('"att":.5'),
    "raw line break inside a string": VALID.replace("af_purchase", "af_\npurchase"),
    "raw NUL inside a string": VALID.replace("af_purchase", "af_\u0000purchase"),
    "invalid escape \\x": VALID.replace("af_purchase", "af_\\x41purchase"),
    "short \\u escape": VALID.replace("af_purchase", "af_\\u12"),
    "garbage after the object": `${VALID}x`,
    "two objects in one body": `${VALID}${VALID}`,
    "NDJSON on /inappevent": `${VALID}\n${VALID}\n`,
    "form-urlencoded body": "appsflyer_id=1415211453000-6513894&eventName=af_purchase",
    "just null": "null",
    "just true": "true",
    "just a number": "42",
    "just a string": '"af_purchase"',
    "whitespace only": " \n\t\r ",
    "lone surrogate escape \\ud800": VALID.replace("af_purchase", "af_\\ud800purchase"),
    "lone low surrogate escape \\udc00": VALID.replace("af_purchase", "af_\\udc00"),
  };
  for (const [what, body] of Object.entries(malformed)) add(`malformed JSON: ${what}`, inapp(body), invalidJson);
  add("JSON array of one event on /inappevent", inapp(`[${VALID}]`), invalidJson);
  add("empty JSON array on /inappevent", inapp("[]"), invalidJson);
  add("JSON array of one event on /validate", { path: `/validate/${APP}`, body: `[${VALID}]` }, invalidJson);
}

// --- wrong types for every contract field ------------------------------------
{
  const stringFields = [
    "appsflyer_id", "eventName", "eventCurrency", "ip", "advertising_id", "oaid", "amazon_aid", "imei", "idfa",
    "idfv", "customer_user_id", "email_hashed", "phone_number_hashed", "phone_number_e164_hashed",
    "first_name_hashed", "last_name_hashed", "fb_login_id", "app_version_name", "app_store", "bundleIdentifier",
    "custom_dimension", "app_type", "os", "ua", "email", "phone_number", "first_name", "last_name",
  ];
  const wrong = [12345, true, { a: 1 }, ["x"], 1.5];
  stringFields.forEach((field, n) => {
    const value = wrong[n % wrong.length];
    add(`wrong type: ${field} as ${JSON.stringify(value)}`, inapp(JSON.stringify(event({ [field]: value }))), invalid(field, "wrong_type"));
  });
  const others = [
    ["eventValue", 42, "wrong_type"],
    ["eventValue", ["af_revenue", "1"], "wrong_type"],
    ["eventValue", true, "wrong_type"],
    ["custom_data", 7, "wrong_type"],
    ["eventTime", true, "wrong_type"],
    ["eventTime", { at: 1 }, "wrong_type"],
    ["sharing_filter", 42, "invalid_sharing_filter"],
    ["aie", "false", "wrong_type"],
    ["att", "3", "wrong_type"],
    ["att", [3], "wrong_type"],
    ["consent_data", "granted", "invalid_consent_data"],
    ["app_set_id", ["scope", 1], "invalid_app_set_id"],
    ["af_events_api", { on: true }, "wrong_type"],
    ["idempotency_key", 42, "wrong_type"],
  ];
  for (const [field, value, code] of others) {
    const f = field === "idempotency_key" ? "idempotency_key" : field;
    add(`wrong type: ${field} as ${JSON.stringify(value)}`, inapp(JSON.stringify(event({ [field]: value }))), invalid(f, code));
  }
}

// --- huge strings and numbers ------------------------------------------------
{
  add("huge string: 60 KB eventName", inapp(JSON.stringify(event({ eventName: "a".repeat(60 * KB) }))), invalid("", "body_too_large"));
  add("huge string: 60 KB customer_user_id", inapp(JSON.stringify(event({ customer_user_id: "u".repeat(60 * KB) }))), invalid("", "body_too_large"));
  add("huge string: 60 KB phone_number", inapp(JSON.stringify(event({ phone_number: "5".repeat(60 * KB) }))), invalid("phone_number", "invalid_phone"));
  add("huge string: appsflyer_id with 10,000 digits after the dash", inapp(JSON.stringify(event({ appsflyer_id: `1415211453000-${"7".repeat(10_000)}` }))), invalid("", "body_too_large"));
  // Numbers are kept as written, of any size: a huge one is refused by the
  // field that cannot take it, by name.
  add("huge number: att 1e309", inapp(withRaw('"att":1e309')), invalid("att", "invalid_att"));
  add("huge number: eventTime 1e309", inapp(withRaw('"eventTime":1e309')), invalid("eventTime", "invalid_event_time"));
  add("huge number: af_revenue 1e309", inapp(VALID.replace('"19.99"', "1e309")), invalid("eventValue.af_revenue", "invalid_revenue"));
  add("huge number: att with 10,000 digits", inapp(withRaw(`"att":${"9".repeat(10_000)}`)), invalid("att", "invalid_att"));
  add("huge number: af_revenue with 10,000 digits", inapp(VALID.replace('"19.99"', "9".repeat(10_000))), invalid("", "body_too_large"));
  add("number: att -0", inapp(withRaw('"att":-0')), invalid("att", "invalid_att"));
  add("number: att 2^53+1", inapp(withRaw('"att":9007199254740993')), invalid("att", "invalid_att"));
  add("number: att 2^64", inapp(withRaw('"att":18446744073709551616')), invalid("att", "invalid_att"));
  add("number: att -2^63-1", inapp(withRaw('"att":-9223372036854775809')), invalid("att", "invalid_att"));
  add("number: eventTime -0", inapp(withRaw('"eventTime":-0')), invalid("eventTime", "invalid_event_time"));
  add("number: eventTime 2^53+1 ms", inapp(withRaw('"eventTime":9007199254740993')), invalid("eventTime", "invalid_event_time"));
  add("number: eventTime 1.5e3", inapp(withRaw('"eventTime":1.5e3')), invalid("eventTime", "invalid_event_time"));
  add("number: af_revenue as \"1e309\"", inapp(VALID.replace('"19.99"', '"1e309"')), invalid("eventValue.af_revenue", "invalid_revenue"));
  add("number: af_revenue as \"-0x10\"", inapp(VALID.replace('"19.99"', '"-0x10"')), invalid("eventValue.af_revenue", "invalid_revenue"));
  add("number: consent tcf policy_version 2^64", inapp(withRaw('"consent_data":{"tcf":{"policy_version":18446744073709551616,"gdpr_applies":1,"cmp_sdk_id":1,"cmp_sdk_version":1,"tcstring":"x"}}')), invalid("consent_data.tcf.policy_version", "invalid_consent_data"));
}

// --- deep nesting ------------------------------------------------------------
{
  const deepArray = (n) => "[".repeat(n) + "]".repeat(n);
  const deepObject = (n) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
  add("deep nesting: 10,000 arrays as the body", inapp(deepArray(10_000)), invalidJson);
  add("deep nesting: 10,000 objects as the body", inapp(deepObject(10_000)), invalidJson);
  add("deep nesting: 10,000 arrays in eventValue", inapp(VALID.replace('{"af_revenue":"19.99"}', deepArray(10_000))), invalidJson);
  add("deep nesting: 10,000 objects in custom_data", inapp(withRaw(`"custom_data":${deepObject(10_000)}`)), invalidJson);
  add("deep nesting: 10,000 unclosed arrays", inapp("[".repeat(10_000)), invalidJson);
  add("deep nesting: 10,000 arrays in a stringified eventValue", inapp(JSON.stringify(event({ eventValue: deepArray(10_000) }))), invalid("eventValue", "invalid_json_object"));
  add("deep nesting: 10,000 arrays on /batch", { path: `/batch/${APP}`, body: deepArray(10_000) }, invalidJson);
  add("deep nesting: 10,000 objects on /validate", { path: `/validate/${APP}`, body: deepObject(10_000) }, invalidJson);
}

// --- body size around 64 KB --------------------------------------------------
{
  const padded = (size) => {
    const base = JSON.stringify(event({ custom_dimension: "" }));
    const body = base.replace('"custom_dimension":""', `"custom_dimension":"${"p".repeat(size - base.length)}"`);
    assert.equal(Buffer.byteLength(body), size);
    return body;
  };
  add("size: 65,535-byte event (just under 64 KB)", inapp(padded(MAX_EVENT - 1)), invalid("", "body_too_large"));
  add("size: 65,536-byte event (exactly 64 KB)", inapp(padded(MAX_EVENT)), invalid("", "body_too_large"));
  add("size: 65,537-byte event (just over 64 KB)", inapp(padded(MAX_EVENT + 1)), TOO_LARGE);
  add("size: valid event plus 64 KB of white space", inapp(VALID + " ".repeat(MAX_EVENT)), TOO_LARGE);
  // Much bigger bodies get the same 413, but workerd answers before reading
  // them and closes the connection, so fetch may see a reset instead of it.
  add("size: 100 KB body", inapp("x".repeat(100 * KB)), TOO_LARGE);
  add("size: 65,537 bytes on /validate", { path: `/validate/${APP}`, body: padded(MAX_EVENT + 1) }, TOO_LARGE);
  add("size: 256 KB + 1 on /batch", { path: `/batch/${APP}`, body: `[${VALID}]`.padEnd(MAX_BATCH + 1, " ") }, TOO_LARGE);
}

// --- invalid UTF-8 and byte order marks -------------------------------------
{
  const [head, tail] = VALID.split("af_purchase");
  const utf8 = {
    "a 0xFF byte": [0xff],
    "a 0xFE byte": [0xfe],
    "an overlong '/' (C0 AF)": [0xc0, 0xaf],
    "an overlong NUL (C0 80)": [0xc0, 0x80],
    "a UTF-8-encoded lone surrogate (ED A0 80)": [0xed, 0xa0, 0x80],
    "a truncated 3-byte sequence (E2 82)": [0xe2, 0x82],
    "a lone continuation byte (80)": [0x80],
    "a 5-byte sequence (F8 88 80 80 80)": [0xf8, 0x88, 0x80, 0x80, 0x80],
  };
  for (const [what, raw] of Object.entries(utf8)) {
    add(`invalid UTF-8: ${what} in eventName`, inapp(bytes(head, "af_", raw, "purchase", tail)), invalidJson);
  }
  add("invalid UTF-8: Latin-1 é in first_name", inapp(bytes(VALID.split(PII[2])[0], [0x51, 0xe9], VALID.split(PII[2])[1])), invalidJson);
  add("invalid UTF-8: 0xFF on /batch", { path: `/batch/${APP}`, body: bytes("[", head, [0xff], tail, "]") }, invalidJson);
  add("BOM: UTF-8 byte order mark before the event", inapp(bytes([0xef, 0xbb, 0xbf], VALID)), invalidJson);
  add("BOM: UTF-16LE byte order mark and UTF-16 text", inapp(bytes([0xff, 0xfe], Buffer.from(VALID, "utf16le"))), invalidJson);
}

// --- duplicate keys and prototype keys ---------------------------------------
{
  add("duplicate key: eventName twice", inapp(withRaw('"eventName":"af_login"')), invalidJson);
  add("duplicate key: appsflyer_id twice", inapp(withRaw('"appsflyer_id":"1415211453000-0000001"')), invalidJson);
  add("duplicate key: email twice", inapp(withRaw('"email":"other@example.org"')), invalidJson);
  add("duplicate key: af_revenue twice in eventValue", inapp(VALID.replace('"af_revenue":"19.99"', '"af_revenue":"19.99","af_revenue":"1999"')), invalidJson);
  add("duplicate key: twice in a stringified eventValue", inapp(JSON.stringify(event({ eventValue: '{"af_revenue":"1","af_revenue":"2"}' }))), invalid("eventValue", "invalid_json_object"));
  add("duplicate key: in an event of /batch", { path: `/batch/${APP}`, body: `[${withRaw('"eventName":"af_login"')}]` }, invalidJson);
  add("duplicate key: in a /batch NDJSON line", { path: `/batch/${APP}`, body: `${withRaw('"eventName":"af_login"')}\n` }, invalidJson);
  add("prototype key: __proto__ at the top", inapp(withRaw('"__proto__":{"eventName":"af_login"}')), invalidJson);
  add("prototype key: constructor at the top", inapp(withRaw('"constructor":{"prototype":{"x":1}}')), invalidJson);
  add("prototype key: prototype at the top", inapp(withRaw('"prototype":"x"')), invalidJson);
  add("prototype key: __proto__ in eventValue", inapp(VALID.replace('"af_revenue":"19.99"', '"af_revenue":"19.99","__proto__":{"isAdmin":true}')), invalidJson);
  add("prototype key: constructor in custom_data", inapp(withRaw('"custom_data":{"constructor":"x"}')), invalidJson);
  add("prototype key: __proto__ in a stringified eventValue", inapp(JSON.stringify(event({ eventValue: '{"__proto__":{"a":1}}' }))), invalid("eventValue", "invalid_json_object"));
  add("prototype key: __proto__ in a /batch event", { path: `/batch/${APP}`, body: `[${withRaw('"__proto__":{}')}]` }, invalidJson);
  add("prototype key: escaped \\u005f\\u005fproto\\u005f\\u005f", inapp(withRaw('"\\u005f\\u005fproto\\u005f\\u005f":{}')), invalidJson);
}

// --- control characters, CRLF ------------------------------------------------
{
  add("control chars: CRLF header injection in eventName", inapp(JSON.stringify(event({ eventName: "af_purchase\r\nX-Injected: 1" }))), invalid("eventName", "invalid_event_name"));
  add("control chars: NUL in eventName", inapp(JSON.stringify(event({ eventName: "af_purchase\u0000" }))), invalid("eventName", "invalid_event_name"));
  add("control chars: DEL and C1 in eventName", inapp(JSON.stringify(event({ eventName: "af_\u007f\u0085purchase" }))), invalid("eventName", "invalid_event_name"));
  add("control chars: CRLF in appsflyer_id", inapp(JSON.stringify(event({ appsflyer_id: "1415211453000-6513894\r\n" }))), invalid("appsflyer_id", "invalid_appsflyer_id"));
  add("control chars: LF in eventCurrency", inapp(JSON.stringify(event({ eventCurrency: "US\nD" }))), invalid("eventCurrency", "invalid_currency"));
  add("control chars: CRLF after ip", inapp(JSON.stringify(event({ ip: "192.0.2.1\r\n" }))), invalid("ip", "invalid_ip"));
  add("control chars: NUL in eventTime", inapp(JSON.stringify(event({ eventTime: "2024-05-15 12:17:01.123\u0000" }))), invalid("eventTime", "invalid_event_time"));
  add("control chars: tab in idfa", inapp(JSON.stringify(event({ idfa: "\t6D92078A-8246-4BA4-AE5B-76104861E7DC" }))), invalid("idfa", "invalid_uuid"));
  add("control chars: literal %0d%0a in appsflyer_id", inapp(JSON.stringify(event({ appsflyer_id: "1415211453000-65%0d%0a" }))), invalid("appsflyer_id", "invalid_appsflyer_id"));
  add("control chars: %0d%0a in the app id", { path: `/inappevent/${APP}%0d%0aX-Injected:%201`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("control chars: %00 at the end of the app id", { path: `/inappevent/${APP}%00`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("control chars: %00 inside the app id", { path: "/inappevent/com.example%00.app", body: VALID }, invalid("app_id", "invalid_app_id"));
  add("control chars: %09 before the app id", { path: `/inappevent/%09${APP}`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("control chars: %7F in the app id on /validate", { path: `/validate/${APP}%7F`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("control chars: %0a in the app id on /batch", { path: `/batch/${APP}%0a`, body: `[${VALID}]` }, invalid("app_id", "invalid_app_id"));
  add("control chars: literal %0d%0a in the bearer token", inapp(VALID, { auth: `Bearer ${TOKENS[0]}%0d%0a` }), UNAUTHORIZED);
  add("control chars: NUL in the idempotency_key field", inapp(JSON.stringify(event({ idempotency_key: "a\u0000b" }))), invalid("idempotency_key", "wrong_type"));
  add("header: 256-character Idempotency-Key", inapp(VALID, { headers: { "idempotency-key": "k".repeat(256) } }), invalid("idempotency_key", "wrong_type"));
  add("header: Latin-1 é in Idempotency-Key", inapp(VALID, { headers: { "idempotency-key": "caf\u00e9" } }), invalid("idempotency_key", "wrong_type"));
}

// --- paths: ../, %2F, %00, % at the end, double encoding ----------------------
{
  add("path: ..%2F..%2Fhealth as the app id", { path: "/inappevent/..%2F..%2Fhealth", body: VALID }, UNKNOWN_APP);
  add("path: %2e%2e%2fvalidate as the app id", { path: "/inappevent/%2e%2e%2fvalidate", body: VALID }, UNKNOWN_APP);
  add("path: app id/../ resolved by the URL to /health", { path: `/inappevent/${APP}/../../health`, body: VALID }, METHOD);
  // Sent as raw bytes, the path reaches the Worker as written: `..` is no
  // app id (in a URL it would be resolved away).
  add("path: %2e%2e as the app id (a dot segment)", { path: "/inappevent/%2e%2e", body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: .. as the app id", { path: "/inappevent/..", body: VALID }, NOT_FOUND);
  add("path: %2E as the app id", { path: "/validate/%2E", body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: com.example.app%2F..%2Fother", { path: `/inappevent/${APP}%2F..%2Fother`, body: VALID }, UNKNOWN_APP);
  add("path: %2F at the start of the app id", { path: `/inappevent/%2F${APP}`, body: VALID }, UNKNOWN_APP);
  add("path: % at the end of the app id", { path: `/inappevent/${APP}%`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: %4 (one hex digit) at the end", { path: `/inappevent/${APP}%4`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: %zz in the app id", { path: "/inappevent/com.example%zzapp", body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: %FF in the app id", { path: `/inappevent/${APP}%FF`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: overlong %C0%AF in the app id", { path: "/inappevent/com.example%C0%AFapp", body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: encoded surrogate %ED%A0%80 in the app id", { path: `/inappevent/${APP}%ED%A0%80`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: double-encoded dot com%252Eexample.app", { path: "/inappevent/com%252Eexample.app", body: VALID }, UNKNOWN_APP);
  add("path: double-encoded slash com.example%252Fapp", { path: "/inappevent/com.example%252Fapp", body: VALID }, UNKNOWN_APP);
  add("path: double-encoded NUL %2500", { path: `/inappevent/${APP}%2500`, body: VALID }, UNKNOWN_APP);
  add("path: 300-byte app id", { path: `/inappevent/${"a".repeat(300)}`, body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: numeric iOS app id without id", { path: "/inappevent/123456789", body: VALID }, invalid("app_id", "invalid_app_id"));
  add("path: %20 around the app id", { path: `/inappevent/%20${APP}%20`, body: VALID }, invalid("app_id", "invalid_app_id"));
}

// --- confusable Unicode ------------------------------------------------------
{
  add("confusable: Cyrillic а at the start of af_purchase", inapp(JSON.stringify(event({ eventName: "\u0430f_purchase" }))), invalid("eventName", "invalid_event_name"));
  add("confusable: Cyrillic а and е inside af_purchase", inapp(JSON.stringify(event({ eventName: "af_purch\u0430s\u0435" }))), invalid("eventName", "invalid_event_name"));
  add("confusable: Greek ο in af_login", inapp(JSON.stringify(event({ eventName: "af_l\u03bfgin" }))), invalid("eventName", "invalid_event_name"));
  add("confusable: fullwidth af_purchase", inapp(JSON.stringify(event({ eventName: "\uff41\uff46\uff3fpurchase" }))), invalid("eventName", "invalid_event_name"));
  add("confusable: RTL override in eventName", inapp(JSON.stringify(event({ eventName: "af_\u202eesahcrup" }))), invalid("eventName", "invalid_event_name"));
  add("confusable: zero-width space in eventName", inapp(JSON.stringify(event({ eventName: "af_\u200bpurchase" }))), invalid("eventName", "invalid_event_name"));
  add("confusable: fullwidth digits in appsflyer_id", inapp(JSON.stringify(event({ appsflyer_id: "\uff11\uff14\uff11\uff15\uff12\uff11\uff11\uff14\uff15\uff13\uff10\uff10\uff10-6513894" }))), invalid("appsflyer_id", "invalid_appsflyer_id"));
  add("confusable: Arabic-Indic digits in appsflyer_id", inapp(JSON.stringify(event({ appsflyer_id: "1415211453000-\u0666\u0665\u0661" }))), invalid("appsflyer_id", "invalid_appsflyer_id"));
  add("confusable: fullwidth USD", inapp(JSON.stringify(event({ eventCurrency: "\uff35\uff33\uff24" }))), invalid("eventCurrency", "invalid_currency"));
  add("confusable: fullwidth digits in ip", inapp(JSON.stringify(event({ ip: "\uff11\uff19\uff12.0.2.1" }))), invalid("ip", "invalid_ip"));
  add("confusable: RTL override in the app id", { path: `/inappevent/${encodeURIComponent("com.\u202eppa.elpmaxe")}`, body: VALID }, UNKNOWN_APP);
  add("confusable: Cyrillic е in the app id", { path: `/inappevent/${encodeURIComponent("com.\u0435xample.app")}`, body: VALID }, UNKNOWN_APP);
  add("confusable: fullwidth ｉｄ in an iOS app id", { path: `/inappevent/${encodeURIComponent("\uff49\uff44123456789")}`, body: VALID }, UNKNOWN_APP);
}

// --- every wrong method on every route ----------------------------------------
{
  for (const route of ["inappevent", "validate", "batch"]) {
    for (const method of ["GET", "HEAD", "PUT", "PATCH", "DELETE"]) {
      const body = method === "GET" || method === "HEAD" ? undefined : VALID;
      add(`method: ${method} /${route}`, { method, path: `/${route}/${APP}`, body }, METHOD);
    }
    add(`method: OPTIONS /${route} without Origin`, { method: "OPTIONS", path: `/${route}/${APP}`, auth: null }, { status: 403, error: "origin_not_allowed" });
    add(`method: OPTIONS /${route} from another origin`, { method: "OPTIONS", path: `/${route}/${APP}`, auth: null, headers: { origin: "https://evil.example", "access-control-request-method": "POST" } }, { status: 403, error: "origin_not_allowed" });
  }
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    add(`method: ${method} /health`, { method, path: "/health", body: VALID }, METHOD);
  }
  add("method: OPTIONS /health without Origin", { method: "OPTIONS", path: "/health", auth: null }, { status: 403, error: "origin_not_allowed" });
  add("method: custom PROPFIND /health", { method: "PROPFIND", path: "/health" }, METHOD);
}

// --- Authorization -------------------------------------------------------------
{
  const auths = {
    missing: null,
    "empty value": "",
    "Bearer without a token": "Bearer",
    garbage: "\u00ff\u00fe garbage !!",
    "Basic with the token": `Basic ${Buffer.from(`${TOKENS[0]}:`).toString("base64")}`,
    "Token scheme": `Token ${TOKENS[0]}`,
    "the token without a scheme": TOKENS[0],
    "a prefix of the token": `Bearer ${TOKENS[0].slice(0, -1)}`,
    "the token with a suffix": `Bearer ${TOKENS[0]}0`,
    "the token in upper case": `Bearer ${TOKENS[0].toUpperCase()}`,
    "the token quoted": `Bearer "${TOKENS[0]}"`,
    "a tab between scheme and token": `Bearer\t${TOKENS[0]}`,
    "two credentials": `Bearer nope, Bearer ${TOKENS[0]}`,
    "the token followed by another word": `Bearer ${TOKENS[0]} ${TOKENS[1]}`,
    "both tokens concatenated": `Bearer ${TOKENS[0]}${TOKENS[1]}`,
    "Latin-1 é after the token": `Bearer ${TOKENS[0]}\u00e9`,
    "an S2S key as the token": `Bearer ${KEYS[APP]}`,
    "16 KB token": `Bearer ${"t".repeat(16 * KB)}`,
    "32 KB token starting with the real one": `Bearer ${TOKENS[0]}${"t".repeat(32 * KB)}`,
  };
  for (const [what, auth] of Object.entries(auths)) {
    add(`auth: ${what}`, inapp(VALID, { auth }), UNAUTHORIZED);
  }
  add("auth: missing on /validate", { path: `/validate/${APP}`, body: VALID, auth: null }, UNAUTHORIZED);
  add("auth: missing on /batch", { path: `/batch/${APP}`, body: `[${VALID}]`, auth: null }, UNAUTHORIZED);
  add("auth: token in the query string only", { path: `/inappevent/${APP}?token=${TOKENS[0]}&access_token=${TOKENS[0]}`, body: VALID, auth: null }, UNAUTHORIZED);
  add("auth: token in a cookie only", inapp(VALID, { auth: null, headers: { cookie: `token=${TOKENS[0]}` } }), UNAUTHORIZED);
  add("auth: AppsFlyer's authentication header instead", inapp(VALID, { auth: null, headers: { authentication: KEYS[APP] } }), UNAUTHORIZED);
}

// --- /batch --------------------------------------------------------------------
{
  const batch = (body, extra = {}) => ({ path: `/batch/${APP}`, body, ...extra });
  const TOO_MANY = { status: 413, error: "too_many_events" };
  add("batch: 101 valid events", batch(JSON.stringify(Array.from({ length: 101 }, () => event()))), TOO_MANY);
  add("batch: 1,000 empty objects", batch(JSON.stringify(Array.from({ length: 1000 }, () => ({})))), TOO_MANY);
  add("batch: 101 NDJSON lines", batch(`${VALID}\n`.repeat(101)), TOO_MANY);
  add("batch: empty body", batch(""), invalid("", "missing_field"));
  add("batch: empty array", batch("[]"), invalid("", "missing_field"));
  add("batch: blank lines only", batch("\n\n \r\n\t\n"), invalid("", "missing_field"));
  add("batch: unterminated array", batch(`[${VALID}`), invalidJson);
  add("batch: array with a trailing comma", batch(`[${VALID},]`), invalidJson);
  add("batch: array followed by garbage", batch(`[${VALID}]x`), invalidJson);
  add("batch: a number", batch("42"), invalidJson);
  add("batch: a string", batch('"events"'), invalidJson);
  add("batch: null", batch("null"), invalidJson);
  add("batch: true", batch("true"), invalidJson);
  add("batch: NDJSON of broken lines only", batch('{"eventName":\n{"appsflyer_id"\n}\n'), invalidJson);
  add("batch: NDJSON of truncated events", batch(`${VALID.slice(0, 50)}\n${VALID.slice(0, 120)}\n`), invalidJson);
  add("batch: plain text", batch("hello world\nsecond line"), invalidJson);
  add("batch: 101 events without authorization", batch(JSON.stringify(Array.from({ length: 101 }, () => event())), { auth: null }), UNAUTHORIZED);
  add("batch: unknown app", { path: "/batch/com.unknown.app", body: `[${VALID}]` }, UNKNOWN_APP);
}

// --- unknown routes, trailing slashes, query strings -----------------------------
{
  const paths = [
    "/", "/inappevent", "/inappevent/", `/inappevent/${APP}/`, "/health/", "/health/x", `/INAPPEVENT/${APP}`,
    `/inappevents/${APP}`, `//inappevent/${APP}`, `/inappevent//${APP}`, `/%69nappevent/${APP}`,
    `/api3/inappevent/${APP}`, `/inappevent/${APP}/extra`, "/batch/", "/validate", "/.env", "/favicon.ico",
    `/inappevent%2F${APP}`,
  ];
  for (const path of paths) add(`route: POST ${path}`, { path, body: VALID }, NOT_FOUND);
  add("route: GET /health/ (trailing slash)", { method: "GET", path: "/health/" }, NOT_FOUND);
  add("query: ?app_id= naming a known app on an unknown one", { path: `/inappevent/com.unknown.app?app_id=${APP}`, body: VALID }, UNKNOWN_APP);
  add("query: ?/inappevent/ after /health", { path: `/health?/inappevent/${APP}`, body: VALID }, METHOD);
  add("query: a query string on an invalid event", { path: `/inappevent/${APP}?eventName=af_purchase`, body: JSON.stringify(event({ eventName: undefined })) }, invalid("eventName", "missing_field"));
  add("query: %0d%0a in the query of a numeric app id", { path: "/validate/123456789?x=%0d%0a", body: VALID }, invalid("app_id", "invalid_app_id"));
  add("query: a fragment-like ?#", { path: `/inappevent/${APP}/?#x`, body: VALID }, NOT_FOUND);
}

// --- the run -------------------------------------------------------------------

/** The case's body as bytes. */
const bodyBytes = (req) => (req.body === undefined ? Buffer.alloc(0) : bytes(req.body));

/**
 * One request as raw bytes on a socket of its own: the request line holds
 * `path` exactly as written. `chunked` sends the body in 8 KB chunks with no
 * Content-Length. Resolves with the status, headers and body text.
 */
function rawRequest(url, { method, path, headers, body, chunked }) {
  const { hostname, port } = new URL(url);
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, "connection: close"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const hasBody = body.length > 0 || !["GET", "HEAD", "OPTIONS"].includes(method);
  let payload = Buffer.alloc(0);
  if (hasBody && chunked) {
    lines.push("transfer-encoding: chunked");
    const parts = [];
    for (let at = 0; at < body.length; at += 8 * KB) {
      const chunk = body.subarray(at, at + 8 * KB);
      parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
    }
    parts.push(Buffer.from("0\r\n\r\n"));
    payload = Buffer.concat(parts);
  } else if (hasBody) {
    lines.push(`content-length: ${body.length}`);
    payload = body;
  }
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer within 10 s to ${method} ${path}${chunked ? " (chunked)" : ""}`)));
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (answer) => {
      done = true;
      socket.destroy();
      resolve(answer);
    };
    socket.on("data", (d) => {
      received = Buffer.concat([received, d]);
      const answer = parseResponse(received, method);
      if (answer) finish(answer);
    });
    // workerd may answer a too-large body before reading it and close: a
    // write error then is expected; the answer is what counts.
    socket.on("error", (e) => {
      if (!done) reject(e);
    });
    socket.on("close", () => {
      if (!done) reject(new Error(`the connection closed without a whole answer to ${method} ${path}`));
    });
    socket.write(Buffer.concat([head, payload]));
  });
}

/** The answer in `data`, or `undefined` while it is incomplete. */
function parseResponse(data, method) {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...headerLines] = data.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = {};
  for (const line of headerLines) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (method === "HEAD" || status === 204) body = Buffer.alloc(0);
  else if (headers["transfer-encoding"] === "chunked") {
    const out = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
      if (size === 0) break;
      if (body.length < lineEnd + 2 + size + 2) return undefined;
      out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(out);
  } else {
    const length = Number(headers["content-length"] ?? 0);
    if (body.length < length) return undefined;
    body = body.subarray(0, length);
  }
  return { status, contentType: headers["content-type"] ?? "", text: body.toString("utf8") };
}

/**
 * Each way sends the cases with a token of its own, so the log lines of the
 * ways (which name the caller) can be told apart. Cases whose path a URL
 * parser would change (see `asWritten`) use tokens of their own too: the
 * entry worker's way cannot send them as written.
 */
const WAY_TOKENS = {
  sized: "hostile-way-sized-0001",
  chunked: "hostile-way-chunked-0002",
  entry: "hostile-way-entry-000003",
  sizedRaw: "hostile-way-sized-raw-04",
  chunkedRaw: "hostile-way-chunked-raw5",
};
const callerId = (token) => `t-${createHash("sha256").update(token).digest("hex").slice(0, 8)}`;

/** Whether a URL parser (dispatchFetch's) keeps the case's path as written. */
const asWritten = (req) => {
  const url = new URL(`http://127.0.0.1${req.path}`);
  return url.pathname + url.search === req.path;
};

const SECRETS = [...Object.values(KEYS), ...TOKENS, ...Object.values(WAY_TOKENS)];
let mf, fake, output, directUrl;
let answered = 0;
let perEventCases = 0;
/** Each way's answers and log lines, in case order. */
const ways = { sized: [], chunked: [], entry: [] };
const logStart = {};

before(async () => {
  // FILL_IP off: Miniflare's entry worker adds a CF-Connecting-IP the
  // Worker's own socket does not, which would make the bodies differ.
  const tokens = [...TOKENS, ...Object.values(WAY_TOKENS)].join(",");
  ({ mf, fake, output, directUrl } = await start({ direct: true, bindings: { FILL_IP: "false", CLIENT_TOKENS: tokens } }));
});

after(async () => {
  await mf?.dispose();
  await fake?.close();
});

/** Sends `req` the three ways; the first way's answer is returned. */
async function threeWays(req) {
  const method = req.method ?? "POST";
  const written = asWritten(req);
  const headersFor = (way) => {
    const headers = { ...(req.headers ?? {}) };
    const auth = "auth" in req ? req.auth : `Bearer ${WAY_TOKENS[way]}`;
    if (auth !== null) headers.authorization = auth;
    return headers;
  };
  const body = bodyBytes(req);
  const raw = (way, chunked) => rawRequest(directUrl, { method, path: req.path, headers: headersFor(way), body, chunked });
  const sized = await raw(written ? "sized" : "sizedRaw", false);
  const chunked = await raw(written ? "chunked" : "chunkedRaw", true);
  ways.sized.push(sized);
  ways.chunked.push(chunked);
  if (written) {
    const hasBody = body.length > 0 || !["GET", "HEAD", "OPTIONS"].includes(method);
    const res = await mf.dispatchFetch(`http://127.0.0.1${req.path}`, {
      method,
      headers: headersFor("entry"),
      body: hasBody ? body : undefined,
    });
    ways.entry.push({ status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() });
  } else {
    ways.entry.push(undefined);
  }
  return sized;
}

describe("hostile inputs", () => {
  test("(start)", () => {
    logStart.at = output.text.length;
  });

  for (const { name, req, expect } of cases) {
    test(name, async () => {
      const method = req.method ?? "POST";
      const sentBefore = fake.requests.length;
      const res = await threeWays(req);
      const text = res.text;
      answered++;
      assert.equal(res.status, expect.status, `status (body: ${text.slice(0, 300)})`);
      assert.ok(res.status >= 400 && res.status < 500, "a 4xx");
      assert.match(res.contentType, /^application\/json/);
      assert.equal(fake.requests.length, sentBefore, "nothing may reach AppsFlyer");
      for (const secret of [...SECRETS, ...PII]) {
        assert.ok(!text.includes(secret), `the answer echoes ${secret.slice(0, 12)}…`);
      }
      if (method === "HEAD") {
        assert.equal(text, "", "a HEAD answer has no body");
        return;
      }
      const json = JSON.parse(text);
      assert.equal(json.error, expect.error, text.slice(0, 300));
      if (expect.error === "invalid_event") {
        assert.ok(Array.isArray(json.errors) && json.errors.length > 0, "errors[]");
        for (const e of json.errors) {
          assert.deepEqual(Object.keys(e).sort(), ["code", "field", "message"]);
          assert.ok(e.message.length > 0);
        }
        const found = json.errors.some((e) => e.field === expect.field && e.code === expect.code);
        assert.ok(found, `expected ${expect.field}:${expect.code}, got ${json.errors.map((e) => `${e.field}:${e.code}`)}`);
      }
      if (expect.status === 413 && expect.error === "payload_too_large") {
        assert.equal(json.max_bytes, req.path.startsWith("/batch/") ? MAX_BATCH : MAX_EVENT);
      }
      if (expect.error === "too_many_events") assert.equal(json.max_events, 100);
    });
  }

  // /batch answers per event (200, worker/README.md) once its body is an
  // array or NDJSON holding an event object: hostile events inside are each
  // "invalid", and none is sent.
  // Each event's expected `field:code` list.
  const perEvent = {
    "array of non-objects": ["[1, \"event\", null, [], true]", Array(5).fill([":invalid_json"])],
    "NDJSON of broken lines and an empty object": [
      `{"eventName":\n{}\n${VALID.slice(0, 80)}\n`,
      [[":invalid_json"], ["appsflyer_id:missing_field", "eventName:missing_field"], [":invalid_json"]],
    ],
    "array of hostile events": [
      JSON.stringify([
        event({ eventName: "\u0430f_purchase" }),
        event({ eventName: "af_purchase\r\nX: 1" }),
        event({ appsflyer_id: "\uff11415211453000-1" }),
        event({ att: "3" }),
        event({ eventValue: '{"__proto__":{}}' }),
        event({ eventTime: 9007199254740993 }),
      ]),
      [
        ["eventName:invalid_event_name"],
        ["eventName:invalid_event_name"],
        ["appsflyer_id:invalid_appsflyer_id"],
        ["att:wrong_type"],
        ["eventValue:invalid_json_object"],
        ["eventTime:invalid_event_time"],
      ],
    ],
  };
  for (const [what, [body, expected]] of Object.entries(perEvent)) {
    test(`batch per event: ${what}`, async () => {
      const sentBefore = fake.requests.length;
      const res = await mf.dispatchFetch(`http://127.0.0.1/batch/${APP}`, {
        method: "POST",
        body,
        headers: { authorization: `Bearer ${TOKENS[0]}` },
      });
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 300));
      const { results } = JSON.parse(text);
      assert.equal(results.length, expected.length);
      for (const [n, r] of results.entries()) {
        assert.equal(r.index, n);
        assert.equal(r.status, "invalid", JSON.stringify(r));
        assert.deepEqual(r.errors.map((e) => `${e.field}:${e.code}`), expected[n], `event ${n}`);
      }
      assert.equal(fake.requests.length, sentBefore, "nothing may reach AppsFlyer");
      for (const secret of [...SECRETS, ...PII]) assert.ok(!text.includes(secret));
      perEventCases++;
    });
  }

  test("the three ways answered and logged identically", async () => {
    await sleep(500);
    let normalized = 0;
    ways.sized.forEach((answer, n) => {
      assert.deepEqual(ways.chunked[n], answer, `${cases[n].name}: the chunked way answered otherwise`);
      if (ways.entry[n]) assert.deepEqual(ways.entry[n], answer, `${cases[n].name}: the entry worker's way answered otherwise`);
      else normalized++;
    });
    // Each way's log lines, in case order, told apart by the caller's id.
    const lines = eventLogs(output, logStart.at);
    const of = (way) => lines.filter((l) => l.caller === callerId(WAY_TOKENS[way])).map(({ latency_ms, caller, ...l }) => l);
    assert.ok(of("sized").length > 100, `only ${of("sized").length} log lines`);
    assert.deepEqual(of("chunked"), of("sized"), "the chunked way logged otherwise");
    assert.deepEqual(of("entry"), of("sized"), "the entry worker's way logged otherwise");
    assert.deepEqual(of("chunkedRaw"), of("sizedRaw"), "the chunked way logged otherwise (paths as written)");
    console.log(
      `hostile inputs: ${of("sized").length + of("sizedRaw").length} log lines per way; ` +
        `${normalized} paths a URL parser would change compared on the two raw ways only`,
    );
  });

  test("nothing reached AppsFlyer, and no key, token or raw PII was logged", async () => {
    assert.equal(fake.requests.length, 0, "requests forwarded");
    assert.ok(output.text.length > 0, "workerd output was captured");
    for (const secret of [...SECRETS, ...PII]) {
      assert.ok(!output.text.includes(secret), `workerd output holds ${secret.slice(0, 12)}…`);
    }
    assert.equal(answered, cases.length, "every case answered");
    console.log(
      `hostile inputs: ${cases.length} cases, each sent 3 ways, all 4xx JSON, ${fake.requests.length} forwarded` +
        ` (+ ${perEventCases} /batch cases answered per event, every event invalid, 0 forwarded)`,
    );
  });
});
