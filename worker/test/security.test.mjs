// Nothing raw leaves and the S2S key stays secret: PII under any name,
// redirects, tampered queue messages, the endpoint's scheme, bounded upstream
// bodies and log lines, scoped callers, per-caller rate limits and
// idempotency keys per caller. Each test drives the built Worker in
// Miniflare against the fake AppsFlyer on 127.0.0.1.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startFakeAppsFlyer } from "../../scripts/fake-appsflyer.mjs";
import { KEYS, TOKENS, call as request, eventLogs, sleep, workers } from "./harness.mjs";

const APP = "com.example.app";
const sha256 = (s) => createHash("sha256").update(s, "utf8").digest("hex");
const tokenId = (token) => `t-${sha256(token).slice(0, 8)}`;

const event = (extra = {}) => ({
  appsflyer_id: "1415211453000-6513894",
  eventName: "af_purchase",
  eventValue: { af_revenue: "19.99" },
  ...extra,
});

/** Every Miniflare this file starts, with everything it ever logged and answered. */
const pool = workers();
const { started, worker } = pool;
const answers = [];


async function call(w, path, options = {}) {
  const res = await request(w, path, options);
  answers.push(res.text);
  return res;
}

/** Waits until workerd's output has caught up (it arrives a moment after answers). */
async function settleLogs(w, check, ms = 3000) {
  for (let waited = 0; !check() && waited < ms; waited += 25) await sleep(25);
}

let w; // the default Worker of this file
before(async () => {
  w = await worker();
});

after(() => pool.stopAll());

describe("raw PII under any name", () => {
  const SEEN = {
    appsflyer_id: "1415211453000-6513894",
    eventName: "af_purchase",
    Email: "John.Smith@gmail.com",
    firstName: "Mary",
    phone: "+16505551212",
  };
  const RAW = ["John.Smith", "john.smith", "Mary", "16505551212", "6505551212"];

  test("the reviewed body is refused field by field and nothing is sent", async () => {
    w.fake.reset();
    const res = await call(w, `/inappevent/${APP}`, { json: SEEN });
    assert.equal(res.status, 400);
    const found = res.body.errors.map((e) => `${e.field}:${e.code}`).sort();
    assert.deepEqual(found, ["Email:raw_pii", "firstName:raw_pii", "phone:raw_pii"]);
    assert.match(res.body.errors.find((e) => e.field === "Email").message, /send it as email/);
    assert.equal(w.fake.requests.length, 0);
    for (const raw of RAW) assert.ok(!res.text.includes(raw), `${raw} in the answer`);
  });

  test("even when unknown fields are forwarded, PII is refused; other unknown fields go with a warning", async () => {
    const fw = await worker({ bindings: { UNKNOWN_FIELDS: "forward" } });
    const pii = await call(fw, `/inappevent/${APP}`, { json: SEEN });
    assert.equal(pii.status, 400);
    assert.deepEqual(new Set(pii.body.errors.map((e) => e.code)), new Set(["raw_pii"]));
    const inside = await call(fw, `/inappevent/${APP}`, {
      json: event({ eventValue: { customer_email: "x@example.com" }, custom_data: JSON.stringify({ note: "mail me: a@b.co" }) }),
    });
    assert.equal(inside.status, 400);
    assert.deepEqual(inside.body.errors.map((e) => e.field).sort(), ["custom_data.note", "eventValue.customer_email"]);
    assert.equal(fw.fake.requests.length, 0);
    const ok = await call(fw, `/inappevent/${APP}`, { json: event({ af_new_field: "x" }) });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, "delivered");
    assert.deepEqual(ok.body.warnings.map((w) => `${w.field}:${w.code}`), ["af_new_field:unknown_field"]);
    assert.equal(JSON.parse(fw.fake.requests[0].body).af_new_field, "x");
  });

  test("by default an unknown field is an error with a did-you-mean", async () => {
    w.fake.reset();
    const res = await call(w, `/inappevent/${APP}`, { json: event({ event_name: "af_login" }) });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors.map((e) => `${e.field}:${e.code}`), ["event_name:unknown_field"]);
    assert.match(res.body.errors[0].message, /did you mean eventName/);
    assert.equal(w.fake.requests.length, 0);
  });

  test("answers of /inappevent and /batch carry the warnings there are", async () => {
    w.fake.reset();
    const res = await call(w, `/inappevent/${APP}`, { json: event({ eventCurrency: "usd" }) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.warnings.map((x) => `${x.field}:${x.code}`), ["eventCurrency:currency_uppercased"]);
    const plain = await call(w, `/inappevent/${APP}`, { json: event() });
    assert.deepEqual(plain.body, { status: "delivered" }, "no warnings: no warnings member");
    const batch = await call(w, `/batch/${APP}`, { json: [event({ eventCurrency: "eur" })] });
    assert.equal(batch.body.results[0].warnings[0].code, "currency_uppercased");
  });
});

describe("the S2S key goes nowhere else", () => {
  test("a redirect from the endpoint is never followed: the other host gets nothing", async () => {
    const elsewhere = await startFakeAppsFlyer();
    try {
      w.fake.reset();
      const location = `${elsewhere.url}/inappevent/${APP}`;
      w.fake.plan(APP, [{ status: 307, headers: { location } }]);
      const res = await call(w, `/inappevent/${APP}`, { json: event() });
      assert.equal(res.status, 502);
      assert.equal(res.body.status, "rejected");
      assert.equal(res.body.upstream.status, 307);
      // On a retry too: a 503, then a 308 to the other host.
      w.fake.plan(APP, [{ status: 503 }, { status: 308, headers: { location } }]);
      assert.equal((await call(w, `/inappevent/${APP}`, { json: event({ eventName: "af_login" }) })).status, 202);
      await w.fake.waitFor(() => w.fake.deadLetters.length >= 1, 10_000, "the dead letter");
      assert.equal(w.fake.deadLetters[0].dead_letter_reason, "rejected");
      await sleep(300);
      assert.equal(elsewhere.requests.length, 0, "the redirect target received a request");
    } finally {
      await elsewhere.close();
    }
  });

  test("tampered queue messages are dead-lettered as unusable, never sent", async () => {
    const elsewhere = await startFakeAppsFlyer();
    try {
      w.fake.reset();
      const good = JSON.parse(
        (await call(w, `/validate/${APP}`, { json: event({ email: "a@b.co" }) })).body.body,
      );
      const body = JSON.stringify(good);
      const base = { app_id: APP, eventName: "af_purchase", body, attempts: 1, first_attempt_ms: Date.now(), last_status: 503, last_reason: "x" };
      const tampered = {
        "another host": { ...base, url: `${elsewhere.url}/inappevent/${APP}` },
        "app id ..": { ...base, app_id: ".." },
        "app id .": { ...base, app_id: "." },
        "numeric app id": { ...base, app_id: "123456789" },
        "no body": { ...base, body: undefined },
        "no app id": { ...base, app_id: undefined },
        "a body over 1 KB": { ...base, body: body.replace("}", `,"custom_dimension":"${"x".repeat(1100)}"}`) },
        "raw PII in the body": { ...base, body: body.replace(/"email_hashed":"[0-9a-f]+"/, '"email":"a@b.co"') },
        "not an object": "hello",
      };
      const queue = await w.mf.getQueueProducer("RETRY_QUEUE", "appsflyer-s2s");
      for (const message of Object.values(tampered)) await queue.send(message);
      // And one message of the kind the Worker writes, which must be sent with the current key.
      await queue.send({ ...base, eventName: "af_good" });
      const count = Object.keys(tampered).length;
      await w.fake.waitFor(() => w.fake.deadLetters.length >= count, 15_000, "the unusable letters");
      await w.fake.waitFor(() => w.fake.requests.length >= 1, 5_000, "the good message");
      await sleep(300);
      assert.equal(elsewhere.requests.length, 0, "a tampered message reached another host");
      assert.equal(w.fake.requests.length, 1, "only the good message was sent");
      assert.equal(w.fake.requests[0].body, body);
      assert.equal(w.fake.requests[0].headers.authentication, KEYS[APP]);
      assert.equal(w.fake.deadLetters.length, count);
      for (const letter of w.fake.deadLetters) assert.equal(letter.dead_letter_reason, "unusable", JSON.stringify(letter).slice(0, 300));
    } finally {
      await elsewhere.close();
    }
  });

  test("AF_ENDPOINT must be https unless the host is loopback", async () => {
    for (const endpoint of ["http://api3.appsflyer.com", "http://10.0.0.7:8080", "ftp://127.0.0.1"]) {
      const bad = await worker({ bindings: { AF_ENDPOINT: endpoint } });
      const res = await call(bad, `/inappevent/${APP}`, { json: event() });
      assert.equal(res.status, 500, endpoint);
      assert.equal(res.body.error, "misconfigured");
      assert.match(res.body.message, /^AF_ENDPOINT must be an https:\/\//);
      assert.ok(!res.text.includes(endpoint), "the setting's value is not echoed");
    }
  });

  test("AppsFlyer's error bodies are read up to 4 KB and reasons stay bounded", async () => {
    w.fake.reset();
    const huge = "E".repeat(2 * 1024 * 1024);
    w.fake.plan(APP, [{ status: 400, body: huge }]);
    const since = w.output.text.length;
    const res = await call(w, `/inappevent/${APP}`, { json: event({ eventName: "af_huge" }) });
    assert.equal(res.status, 502);
    assert.equal(res.body.upstream.body.length, 4096);
    await settleLogs(w, () => eventLogs(w.output, since).length > 0);
    const [line] = eventLogs(w.output, since);
    assert.ok(line.reason.length <= 260, `a ${line.reason.length}-byte reason in the log`);
  });

  test("caller-supplied strings in log lines are cut to 128 characters", async () => {
    const since = w.output.text.length;
    const name = `af_${"n".repeat(5000)}`;
    const res = await call(w, `/inappevent/${APP}`, { json: event({ eventName: name, ip: "bad" }) });
    assert.equal(res.status, 400);
    const longApp = `com.${"a".repeat(300)}`;
    await call(w, `/validate/${encodeURIComponent(longApp)}`, { json: event() });
    await settleLogs(w, () => eventLogs(w.output, since).length >= 2);
    const lines = eventLogs(w.output, since);
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.ok(line.app_id.length <= 129 && (line.eventName ?? "").length <= 129, JSON.stringify(line).slice(0, 300));
    }
    assert.ok(!w.output.text.includes("n".repeat(200)), "a long eventName reached the log whole");
  });
});

describe("callers", () => {
  const SHOP = "tok-web-shop-3c9f2a71d0";
  const ADMIN = "tok-admin-8e21b7c5f4aa";
  let scoped;
  before(async () => {
    scoped = await worker({
      bindings: {
        CLIENT_TOKENS: JSON.stringify([
          { token: SHOP, id: "web-shop", apps: [APP], routes: ["inappevent", "validate"] },
          { token: ADMIN },
        ]),
      },
    });
  });

  test("a token is scoped to its apps and routes", async () => {
    assert.equal((await call(scoped, `/inappevent/${APP}`, { json: event(), token: SHOP })).status, 200);
    const otherApp = await call(scoped, "/inappevent/id123456789", { json: event(), token: SHOP });
    assert.equal(otherApp.status, 403);
    assert.equal(otherApp.body.error, "forbidden");
    assert.equal((await call(scoped, `/batch/${APP}`, { json: [event()], token: SHOP })).status, 403);
    assert.equal((await call(scoped, "/inappevent/id123456789", { json: event(), token: ADMIN })).status, 200);
    assert.equal((await call(scoped, `/batch/${APP}`, { json: [event()], token: ADMIN })).status, 200);
    assert.equal(scoped.fake.requests.length, 3, "nothing was sent for a refused scope");
  });

  test("logs name a caller by its id, never by its token", async () => {
    await settleLogs(scoped, () => eventLogs(scoped.output).length >= 3);
    const callers = new Set(eventLogs(scoped.output).map((l) => l.caller));
    assert.ok(callers.has("web-shop"), [...callers].join());
    assert.ok(callers.has(tokenId(ADMIN)), [...callers].join());
    for (const token of [SHOP, ADMIN]) assert.ok(!scoped.output.text.includes(token));
  });

  test("tokens shorter than 16 characters are a configuration error", async () => {
    const weak = await worker({ bindings: { CLIENT_TOKENS: "dev-token" } });
    const res = await call(weak, `/inappevent/${APP}`, { json: event(), token: "dev-token" });
    assert.equal(res.status, 500);
    assert.match(res.body.message, /^CLIENT_TOKENS: every token must be at least 16 characters/);
    assert.equal(weak.fake.requests.length, 0);
  });

  test("each caller has a rate limit of its own: 429 with Retry-After, nothing read or sent", async () => {
    const limited = await worker({ rateLimit: 3 });
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(limited, `/inappevent/${APP}`, { json: event() })).status, 200, `request ${i}`);
    }
    const over = await call(limited, `/inappevent/${APP}`, { json: event() });
    assert.equal(over.status, 429);
    assert.deepEqual(over.body, { error: "rate_limited" });
    assert.equal(over.headers.get("retry-after"), "10");
    assert.equal(limited.fake.requests.length, 3);
    // Another caller is not affected; a /batch spends one unit per event.
    assert.equal((await call(limited, `/inappevent/${APP}`, { json: event(), token: TOKENS[1] })).status, 200);
    const batch = await call(limited, `/batch/${APP}`, { json: [event(), event(), event()], token: TOKENS[1] });
    assert.equal(batch.status, 429);
    assert.equal(limited.fake.requests.length, 4);
    await settleLogs(limited, () => eventLogs(limited.output).some((l) => l.outcome === "rate_limited"));
    assert.ok(eventLogs(limited.output).some((l) => l.outcome === "rate_limited" && l.caller === tokenId(TOKENS[0])));
  });

  test("idempotency keys are per caller: one caller cannot squat or probe another's key", async () => {
    w.fake.reset();
    const headers = { "idempotency-key": "order-7001" };
    const mine = await call(w, `/inappevent/${APP}`, { json: event(), headers });
    assert.equal(mine.status, 200);
    // Another caller, the same key, another event: its own event, sent.
    const theirs = await call(w, `/inappevent/${APP}`, { json: event({ eventName: "af_refund" }), headers, token: TOKENS[1] });
    assert.equal(theirs.status, 200);
    assert.equal(theirs.headers.get("idempotent-replayed"), null);
    assert.equal(w.fake.requests.length, 2);
    // Each caller's repeat replays its own answer.
    const again = await call(w, `/inappevent/${APP}`, { json: event({ eventName: "af_refund" }), headers, token: TOKENS[1] });
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(w.fake.requests.length, 2);
  });
});

describe("leaks", () => {
  test("no key, token or raw PII in any answer or log line of this file", async () => {
    await sleep(300);
    const everything = started.map((s) => s.output.text).join("\n") + answers.join("\n");
    const secrets = [
      ...Object.values(KEYS),
      ...TOKENS,
      "tok-web-shop-3c9f2a71d0",
      "tok-admin-8e21b7c5f4aa",
      "John.Smith",
      "john.smith",
      "x@example.com",
      "mail me",
      "16505551212",
    ];
    for (const secret of secrets) assert.ok(!everything.includes(secret), `"${secret}" appeared`);
  });
});
