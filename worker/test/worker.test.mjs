// The Worker, built and run in Miniflare (real workerd), against the fake
// AppsFlyer on 127.0.0.1. Every route and answer of the contract in
// worker/README.md; the exact outgoing request; retry, dead letter,
// idempotency, CORS, FILL_IP; and that no key, token or raw PII shows up in
// any answer or log line.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { KEYS, ORIGIN, TOKENS, call as request, eventLogs, sleep, start } from "./harness.mjs";

const sha256 = (s) => createHash("sha256").update(s, "utf8").digest("hex");

// The contract's published vectors (the root README lists the rules; tests/data the vectors).
const VECTORS = {
  email: "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f", // John_Smith@gmail.com
  phoneDigits: "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176", // (650)555-1212, US
  phoneE164: "9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd", // (+1)2133734253
  mary: "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec",
  valery: "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c",
};

const RAW_PII = ["John_Smith", "john_smith@gmail.com", "555-1212", "6505551212", "2133734253", "Mary", "Valéry", "valéry"];

/** An event with raw PII, as an app would post it. */
const event = (overrides = {}) => ({
  appsflyer_id: "1415211453000-6513894",
  eventName: "af_purchase",
  eventValue: { af_revenue: "19.99" },
  eventCurrency: "USD",
  eventTime: "2024-05-15 12:17:01.123",
  ip: "192.0.2.1",
  email: "John_Smith@gmail.com",
  phone_number: "(650)555-1212",
  first_name: "Mary",
  last_name: "Valéry",
  ...overrides,
});

/** Exactly the body AppsFlyer must get for `event()`. */
const EXPECTED_BODY =
  '{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase",' +
  '"eventValue":"{\\"af_revenue\\":\\"19.99\\"}","eventCurrency":"USD",' +
  '"eventTime":"2024-05-15 12:17:01.123","ip":"192.0.2.1",' +
  `"email_hashed":"${VECTORS.email}","phone_number_hashed":"${VECTORS.phoneDigits}",` +
  `"phone_number_e164_hashed":"${sha256("+16505551212")}",` +
  `"first_name_hashed":"${VECTORS.mary}","last_name_hashed":"${VECTORS.valery}"}`;

let mf, fake, output, directUrl;
const answers = []; // every answer body, checked for leaks at the end

/** A request to this file's Worker; every answer is kept for the leak scan. */
async function call(path, options = {}) {
  const res = await request({ mf, directUrl }, path, options);
  answers.push(res.text);
  return res;
}

const requestsFor = (appId) => fake.requests.filter((r) => r.appId === appId);

before(async () => {
  ({ mf, fake, output, directUrl } = await start({ direct: true }));
});

after(async () => {
  await mf?.dispose();
  await fake?.close();
});

describe("routes", () => {
  test("GET /health answers 200", async () => {
    const res = await call("/health", { method: "GET", token: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: "ok" });
  });

  test("unknown routes are 404, wrong methods 405", async () => {
    for (const path of ["/", "/inappevent", "/inappevent/", "/inappevent/a/b", "/events/com.example.app"]) {
      const res = await call(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, { error: "not_found" });
    }
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await call("/inappevent/com.example.app", { method });
      assert.equal(res.status, 405, method);
      assert.deepEqual(res.body, { error: "method_not_allowed" });
      assert.equal(res.headers.get("allow"), "POST, OPTIONS");
    }
    assert.equal((await call("/health", { method: "POST" })).status, 405);
  });

  test("callers need a configured bearer token", async () => {
    for (const token of [null, "", "tok-caller-one", "tok-caller-one-7f3a9c-extra", "x".repeat(200)]) {
      const res = await call("/inappevent/com.example.app", { json: event(), token });
      assert.equal(res.status, 401, String(token));
      assert.deepEqual(res.body, { error: "unauthorized" });
    }
    const basic = await call("/inappevent/com.example.app", {
      json: event(),
      token: null,
      headers: { authorization: `Basic ${TOKENS[0]}` },
    });
    assert.equal(basic.status, 401);
    assert.equal(requestsFor("com.example.app").length, 0, "nothing may be sent for refused callers");
    const second = await call("/validate/com.example.app", { json: event(), token: TOKENS[1] });
    assert.equal(second.status, 200, "every configured token is accepted");
  });

  test("an app without a key is 404", async () => {
    const res = await call("/inappevent/com.unknown.app", { json: event() });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: "unknown_app" });
  });

  test("a body over 64 KB is 413, refused before parsing", async () => {
    const big = "x".repeat(64 * 1024 + 1); // not even JSON: it must not be parsed
    const res = await call("/inappevent/com.example.app", { body: big });
    assert.equal(res.status, 413);
    assert.equal(res.body.error, "payload_too_large");
    // Exactly 64 KB is read and parsed (and is then invalid JSON).
    const edge = await call("/inappevent/com.example.app", { body: "x".repeat(64 * 1024) });
    assert.equal(edge.status, 400);
    assert.equal(requestsFor("com.example.app").length, 0);
  });
});

describe("POST /inappevent/{app_id}", () => {
  test("delivers the exact request: URL, headers, hashed body", async () => {
    fake.reset();
    const res = await call("/inappevent/com.example.app", { json: event() });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: "delivered" });
    const sent = requestsFor("com.example.app");
    assert.equal(sent.length, 1);
    assert.equal(sent[0].path, "/inappevent/com.example.app");
    assert.equal(sent[0].headers.authentication, KEYS["com.example.app"]);
    assert.equal(sent[0].headers["content-type"], "application/json");
    assert.equal(sent[0].body, EXPECTED_BODY);
    for (const raw of RAW_PII) assert.ok(!sent[0].body.includes(raw), `raw ${raw} left the Worker`);
  });

  test("E.164 phone vector, and AppsFlyer's own body passes through", async () => {
    fake.reset();
    const res = await call("/inappevent/id123456789", {
      json: {
        appsflyer_id: "1415211453000-6513894",
        eventName: "af_login",
        eventValue: "",
        phone_number: "(+1)2133734253",
        af_events_api: "true",
      },
    });
    assert.equal(res.status, 200);
    const [sent] = requestsFor("id123456789");
    assert.equal(sent.headers.authentication, KEYS["id123456789"]);
    const body = JSON.parse(sent.body);
    assert.equal(body.phone_number_e164_hashed, VECTORS.phoneE164);
    assert.equal(body.phone_number_hashed, sha256("12133734253"));
    assert.equal(body.af_events_api, "true");
    assert.equal(body.phone_number, undefined);
  });

  test("the app id is percent-encoded in the outgoing URL", async () => {
    fake.reset();
    const res = await call("/inappevent/com.example%2Fapp", { json: event() });
    assert.equal(res.status, 200);
    const [sent] = fake.requests;
    assert.equal(sent.path, "/inappevent/com.example%2Fapp");
    assert.equal(sent.headers.authentication, KEYS["com.example/app"]);
  });

  test("invalid events are 400 with every field error; nothing is sent", async () => {
    fake.reset();
    const res = await call("/inappevent/com.example.app", {
      json: event({ appsflyer_id: undefined, eventTime: "2024-01-02T03:04:05", ip: "2001:db8::1", email: "no-at-sign" }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "invalid_event");
    const codes = res.body.errors.map((e) => `${e.field}:${e.code}`);
    for (const expected of ["appsflyer_id:missing_field", "eventTime:invalid_event_time", "ip:invalid_ip", "email:invalid_email"]) {
      assert.ok(codes.includes(expected), `${expected} in ${codes}`);
    }
    for (const e of res.body.errors) assert.deepEqual(Object.keys(e).sort(), ["code", "field", "message"]);
    assert.ok(!res.text.includes("no-at-sign"), "error messages must not echo raw PII");

    const malformed = await call("/inappevent/com.example.app", { body: '{"eventName": ' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.errors[0].code, "invalid_json");
    assert.equal(fake.requests.length, 0);
  });

  test("a numeric iOS app id without `id` is one of the 400's errors", async () => {
    const res = await call("/inappevent/123456789", { json: event({ eventName: "" }) });
    assert.equal(res.status, 400);
    const fields = res.body.errors.map((e) => `${e.field}:${e.code}`);
    assert.ok(fields.includes("app_id:invalid_app_id"), String(fields));
    assert.ok(fields.includes("eventName:missing_field"), String(fields));
    assert.match(res.body.errors.find((e) => e.field === "app_id").message, /id123456789/);
  });

  test("AppsFlyer's 4xx is 502 rejected, with its answer, and never retried", async () => {
    fake.reset();
    fake.plan("com.example.app", [{ status: 400, body: "appsflyer_id is a mandatory field" }]);
    const res = await call("/inappevent/com.example.app", { json: event() });
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, {
      status: "rejected",
      upstream: { status: 400, body: "appsflyer_id is a mandatory field" },
    });
    await sleep(1500); // a retry, if any, would have come by now
    assert.equal(requestsFor("com.example.app").length, 1);
  });
});

// One path for every request; the body reader has two ways in: a body
// with a Content-Length (what real clients send; kept on the Worker's own
// socket) is read at once, one without it (Miniflare's entry worker strips
// it) as a stream. Both must answer, send and log alike.
describe("bodies with and without Content-Length", () => {
  const cases = [
    ["delivered", event(), null],
    ["refused by AppsFlyer", event(), { status: 400, body: "appsflyer_id is a mandatory field" }],
    ["queued after a 503", event(), { status: 503, body: "busy" }],
    ["invalid", event({ email: "not an email", eventName: "" }), null],
  ];
  for (const [name, json, fault] of cases) {
    test(`${name}: the same answer, request and log line`, async () => {
      const runs = [];
      for (const direct of [true, false]) {
        fake.reset();
        const since = output.text.length;
        if (fault) fake.plan("com.example.app", [fault]);
        const res = await call("/inappevent/com.example.app", { json, direct });
        // A queued event is retried from the queue: let that happen now, and
        // compare the first attempt's request and log line.
        if (res.status === 202) await sleep(1500);
        const [sent] = requestsFor("com.example.app");
        // workerd's stdout reaches this process a moment after the answer.
        const firstAttempt = () => eventLogs(output, since).filter((line) => line.attempt === 1);
        for (let waited = 0; firstAttempt().length === 0 && waited < 2000; waited += 20) await sleep(20);
        const [log] = firstAttempt().map(({ latency_ms, ...rest }) => rest);
        runs.push({ status: res.status, body: res.body, sent: sent && { path: sent.path, headers: sent.headers, body: sent.body }, log });
      }
      assert.ok(runs[0].log, "the event was logged");
      if (runs[0].sent) {
        // Only the connection-level headers may differ.
        for (const run of runs) for (const h of ["host", "content-length", "connection", "cf-ray"]) delete run.sent.headers[h];
      }
      assert.deepEqual(runs[0], runs[1]);
    });
  }

  test("bodies over 64 KB, with or without Content-Length, are 413", async () => {
    const big = JSON.stringify(event({ custom_dimension: "x".repeat(70 * 1024) }));
    const stream = () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      });
    fake.reset();
    const sized = await call("/inappevent/com.example.app", { body: big, direct: true });
    const streamed = await call("/inappevent/com.example.app", { body: stream(), direct: true });
    assert.equal(sized.status, 413);
    assert.equal(streamed.status, 413);
    assert.equal(fake.requests.length, 0);
  });
});

describe("durability", () => {
  for (const [name, fault] of [
    ["a 503", { status: 503, body: "Service Unavailable" }],
    ["a 429", { status: 429, body: "Too Many Requests", headers: { "retry-after": "0" } }],
    ["a timeout", { hang: true }],
    ["a network error", { drop: true }],
  ]) {
    test(`${name} is 202 queued, then retried from the queue and delivered`, async () => {
      fake.reset();
      fake.plan("com.example.app", [fault]);
      const retried = (l) => l.route === "queue" && l.outcome === "delivered" && l.attempt === 2;
      const before = eventLogs(output).filter(retried).length;
      const res = await call("/inappevent/com.example.app", { json: event() });
      assert.equal(res.status, 202);
      assert.deepEqual(res.body, { status: "queued" });
      await fake.waitFor(() => requestsFor("com.example.app").length >= 2, 15_000, "the retry");
      const [first, retry] = requestsFor("com.example.app");
      assert.equal(retry.body, EXPECTED_BODY);
      assert.equal(retry.body, first.body);
      assert.equal(retry.path, first.path);
      assert.equal(retry.headers.authentication, KEYS["com.example.app"]);
      await fake.waitFor(
        () => eventLogs(output).filter(retried).length > before,
        5_000,
        "the delivery log line",
      );
      await sleep(300);
      assert.equal(requestsFor("com.example.app").length, 2, "no send after delivery");
    });
  }

  test("after the last attempt the event lands in the dead-letter queue", async () => {
    fake.reset();
    const failing = { status: 500, body: "Internal Server Error" };
    fake.plan("id123456789", [failing, failing, failing, failing]);
    const res = await call("/inappevent/id123456789", { json: event() });
    assert.equal(res.status, 202);
    await fake.waitFor(() => fake.deadLetters.length >= 1, 20_000, "the dead letter");
    assert.equal(requestsFor("id123456789").length, 3, "RETRY_MAX_ATTEMPTS=3 sends");
    const [letter] = fake.deadLetters;
    assert.equal(letter.app_id, "id123456789");
    assert.equal(letter.eventName, "af_purchase");
    assert.equal(letter.url, undefined, "no URL rests in a queue: it is built again from AF_ENDPOINT");
    assert.equal(letter.body, EXPECTED_BODY);
    assert.equal(letter.attempts, 3);
    assert.equal(letter.last_status, 500);
    assert.equal(letter.ambiguous, false, "every attempt had an answer");
    assert.equal(letter.dead_letter_reason, "retries_exhausted");
    const text = JSON.stringify(letter);
    for (const secret of Object.values(KEYS)) assert.ok(!text.includes(secret), "no key in a dead letter");
    await sleep(500);
    assert.equal(requestsFor("id123456789").length, 3);
    assert.equal(fake.deadLetters.length, 1);
  });

  test("a refusal on retry is dead-lettered, not retried", async () => {
    fake.reset();
    fake.plan("com.example.app", [{ status: 503 }, { status: 403, body: "Forbidden" }]);
    assert.equal((await call("/inappevent/com.example.app", { json: event() })).status, 202);
    await fake.waitFor(() => fake.deadLetters.length >= 1, 15_000, "the dead letter");
    assert.equal(fake.deadLetters[0].dead_letter_reason, "rejected");
    assert.equal(fake.deadLetters[0].last_status, 403);
    assert.equal(requestsFor("com.example.app").length, 2);
  });
});

describe("idempotency", () => {
  test("Idempotency-Key: a repeat gets the first answer and nothing is sent again", async () => {
    fake.reset();
    const headers = { "idempotency-key": "order-1001" };
    const first = await call("/inappevent/com.example.app", { json: event(), headers });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("idempotent-replayed"), null);
    const again = await call("/inappevent/com.example.app", { json: event(), headers });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { status: "delivered" });
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(fake.requests.length, 1);
    // Another key, or the same key for another app, is another event.
    await call("/inappevent/com.example.app", { json: event(), headers: { "idempotency-key": "order-1002" } });
    await call("/inappevent/id123456789", { json: event(), headers });
    assert.equal(fake.requests.length, 3);
  });

  test("the same key for another event is 422, and nothing is sent for it", async () => {
    fake.reset();
    const headers = { "idempotency-key": "order-1501" };
    assert.equal((await call("/inappevent/com.example.app", { json: event(), headers })).status, 200);
    const other = await call("/inappevent/com.example.app", { json: event({ eventName: "af_refund" }), headers });
    assert.equal(other.status, 422);
    assert.equal(other.body.error, "idempotency_key_reused");
    assert.match(other.body.message, /another event/);
    assert.equal(fake.requests.length, 1);
    // The first event with its key still gets its first answer.
    const again = await call("/inappevent/com.example.app", { json: event(), headers });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(fake.requests.length, 1);
  });

  test("the same event written differently is the same event for its key", async () => {
    fake.reset();
    const headers = { "idempotency-key": "order-1601" };
    assert.equal((await call("/inappevent/com.example.app", { json: event(), headers })).status, 200);
    // Hashed instead of raw, other letter case and spacing, fields in another order.
    const { email, ...rest } = event({ eventCurrency: "usd" });
    const same = { email_hashed: VECTORS.email.toUpperCase(), ...rest };
    const again = await call("/inappevent/com.example.app", { json: same, headers });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(fake.requests.length, 1);
    // With FILL_IP, an ip taken from the connection does not make another event.
    const noIp = event({ ip: undefined });
    const key = { "idempotency-key": "order-1602" };
    const a = await call("/inappevent/com.example.app", { json: noIp, headers: { ...key, "cf-connecting-ip": "203.0.113.7" } });
    const b = await call("/inappevent/com.example.app", { json: noIp, headers: { ...key, "cf-connecting-ip": "198.51.100.9" } });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(b.headers.get("idempotent-replayed"), "true");
    assert.equal(fake.requests.length, 2);
    assert.match(fake.requests[1].body, /"ip":"203\.0\.113\.7"/, "the first caller's ip was filled in");
  });

  test("an idempotency_key field works the same and is stripped before sending", async () => {
    fake.reset();
    fake.plan("com.example.app", [{ status: 400, body: "Bad request" }]);
    const body = event({ idempotency_key: "order-2001" });
    const first = await call("/inappevent/com.example.app", { json: body });
    assert.equal(first.status, 502);
    const again = await call("/inappevent/com.example.app", { json: body });
    assert.equal(again.status, 502, "the first answer, even a rejection");
    assert.deepEqual(again.body, first.body);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].body, EXPECTED_BODY, "idempotency_key is not sent");
  });

  test("a queued first answer is replayed without queueing again", async () => {
    fake.reset();
    fake.plan("com.example.app", [{ status: 503 }]);
    const headers = { "idempotency-key": "order-3001" };
    assert.equal((await call("/inappevent/com.example.app", { json: event(), headers })).status, 202);
    await fake.waitFor(() => fake.requests.length >= 2, 15_000, "the retry");
    const again = await call("/inappevent/com.example.app", { json: event(), headers });
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, { status: "queued" });
    await sleep(500);
    assert.equal(fake.requests.length, 2);
  });

  test("a repeat while the first is in flight is 409", async () => {
    fake.reset();
    fake.plan("com.example.app", [{ hang: true }]);
    const headers = { "idempotency-key": "order-4001" };
    const first = call("/inappevent/com.example.app", { json: event(), headers });
    await fake.waitFor(() => fake.requests.length >= 1, 5_000, "the first send");
    const concurrent = await call("/inappevent/com.example.app", { json: event(), headers });
    assert.equal(concurrent.status, 409);
    assert.deepEqual(concurrent.body, { error: "in_progress" });
    assert.equal((await first).status, 202, "the hung first attempt times out and is queued");
    await fake.waitFor(() => fake.requests.length >= 2, 15_000, "the retry");
  });

  test("a malformed key is a field error", async () => {
    const res = await call("/inappevent/com.example.app", { json: event({ idempotency_key: 42 }) });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors.map((e) => `${e.field}:${e.code}`), ["idempotency_key:wrong_type"]);
  });
});

describe("POST /validate/{app_id}", () => {
  test("answers the exact body with warnings and never forwards", async () => {
    fake.reset();
    const res = await call("/validate/com.example.app", { json: event({ eventCurrency: "usd" }) });
    assert.equal(res.status, 200);
    assert.equal(res.body.ok, true);
    assert.equal(res.body.body, EXPECTED_BODY);
    assert.equal(res.body.bytes, Buffer.byteLength(EXPECTED_BODY));
    assert.deepEqual(res.body.warnings.map((w) => w.code), ["currency_uppercased"]);
    const bad = await call("/validate/123", { json: event() });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].code, "invalid_app_id");
    assert.equal(fake.requests.length, 0);
  });
});

describe("POST /batch/{app_id}", () => {
  test("a JSON array: each event validated and forwarded on its own", async () => {
    fake.reset();
    fake.plan("com.example.app", [{ status: 200 }, { status: 503 }]);
    const res = await call("/batch/com.example.app", {
      json: [event(), event({ appsflyer_id: "nope" }), event({ eventName: "af_login" })],
    });
    assert.equal(res.status, 200);
    const results = res.body.results;
    assert.deepEqual(results.map((r) => r.index), [0, 1, 2]);
    assert.equal(results[1].status, "invalid");
    assert.equal(results[1].errors[0].code, "invalid_appsflyer_id");
    assert.deepEqual(results.map((r) => r.status).sort(), ["delivered", "invalid", "queued"]);
    await fake.waitFor(() => fake.requests.length >= 3, 15_000, "the batch retry");
  });

  test("NDJSON, with a malformed line reported at its index", async () => {
    fake.reset();
    const body = `${JSON.stringify(event())}\n{"eventName":\n${JSON.stringify(event({ eventName: "af_login" }))}\n`;
    const res = await call("/batch/com.example.app", { body, headers: { "content-type": "application/x-ndjson" } });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r) => [r.index, r.status]),
      [[0, "delivered"], [1, "invalid"], [2, "delivered"]],
    );
    assert.equal(res.body.results[1].errors[0].code, "invalid_json");
    assert.equal(fake.requests.length, 2);
  });

  test("more than 100 events is 413; a body that is no array is 400", async () => {
    fake.reset();
    const tooMany = await call("/batch/com.example.app", { json: Array.from({ length: 101 }, () => ({})) });
    assert.equal(tooMany.status, 413);
    assert.deepEqual(tooMany.body, { error: "too_many_events", max_events: 100 });
    const notArray = await call("/batch/com.example.app", { body: "[1, 2" });
    assert.equal(notArray.status, 400);
    assert.equal(notArray.body.error, "invalid_event");
    assert.equal(fake.requests.length, 0);
  });
});

describe("CORS and FILL_IP", () => {
  test("preflight is answered only for ALLOWED_ORIGINS", async () => {
    const ok = await call("/inappevent/com.example.app", {
      method: "OPTIONS",
      token: null,
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
    assert.match(ok.headers.get("access-control-allow-headers"), /authorization/);
    assert.match(ok.headers.get("access-control-allow-methods"), /POST/);
    const other = await call("/inappevent/com.example.app", {
      method: "OPTIONS",
      token: null,
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });

  test("answers carry Access-Control-Allow-Origin for allowed origins only", async () => {
    const ok = await call("/validate/com.example.app", { json: event(), headers: { origin: ORIGIN } });
    assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
    const other = await call("/validate/com.example.app", { json: event(), headers: { origin: "https://evil.example" } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });

  test("FILL_IP fills a missing ip from CF-Connecting-IP, IPv4 only", async () => {
    const noIp = event({ ip: undefined });
    const v4 = await call("/validate/com.example.app", { json: noIp, headers: { "cf-connecting-ip": "203.0.113.7" } });
    assert.equal(JSON.parse(v4.body.body).ip, "203.0.113.7");
    const v6 = await call("/validate/com.example.app", { json: noIp, headers: { "cf-connecting-ip": "2001:db8::7" } });
    assert.equal(JSON.parse(v6.body.body).ip, undefined);
    const own = await call("/validate/com.example.app", { json: event(), headers: { "cf-connecting-ip": "203.0.113.7" } });
    assert.equal(JSON.parse(own.body.body).ip, "192.0.2.1", "the event's own ip wins");
  });
});

describe("logs and leaks", () => {
  test("one structured line per event, never a key, token or raw PII", async () => {
    await sleep(200);
    const lines = eventLogs(output);
    assert.ok(lines.length >= 20, `${lines.length} event log lines`);
    for (const line of lines) {
      for (const field of ["route", "app_id", "eventName", "outcome", "upstream_status", "attempt", "latency_ms"]) {
        assert.ok(field in line, `${field} in ${JSON.stringify(line)}`);
      }
    }
    assert.ok(lines.some((l) => l.outcome === "delivered" && l.upstream_status === 200 && l.attempt === 1));
    assert.ok(lines.some((l) => l.outcome === "queued" && l.upstream_status === 503));
    assert.ok(lines.some((l) => l.outcome === "dead_lettered" && l.attempt === 3));
    assert.ok(lines.some((l) => l.outcome === "invalid" && l.errors.includes("missing_field")));
    const everything = output.text + answers.join("\n");
    for (const secret of [...Object.values(KEYS), ...TOKENS, ...RAW_PII]) {
      assert.ok(!everything.includes(secret), `"${secret}" appeared in a log or an answer`);
    }
  });
});

describe("dead-letter replay", () => {
  test("with the Worker consuming the dead-letter queue, dead letters are retried", async () => {
    const replay = await start({ consumeDeadLetters: true });
    try {
      const queue = await replay.mf.getQueueProducer("DEAD_LETTER_QUEUE", "appsflyer-s2s");
      await queue.send({
        app_id: "com.example.app",
        eventName: "af_purchase",
        url: `${replay.fake.url}/inappevent/com.example.app`,
        body: EXPECTED_BODY,
        attempts: 3,
        first_attempt_ms: Date.now() - 60_000,
        last_status: 500,
        last_reason: "Internal Server Error",
        dead_letter_reason: "attempts_exhausted",
      });
      await replay.fake.waitFor(() => replay.fake.requests.length >= 1, 15_000, "the replayed event");
      const [sent] = replay.fake.requests;
      assert.equal(sent.body, EXPECTED_BODY);
      assert.equal(sent.headers.authentication, KEYS["com.example.app"]);
      assert.ok(eventLogs(replay.output).some((l) => l.outcome === "requeued"));
    } finally {
      await replay.mf.dispose();
      await replay.fake.close();
    }
  });
});

