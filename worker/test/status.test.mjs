// The status page (GET /status, GET /status.json) against the built Worker
// in Miniflare: counts and samples exact under concurrency (every kind of
// outcome at once, counted in the isolate and flushed to the StatusStore
// Durable Object), the last 100 samples per app and kind, a flush sent twice
// counted once, 30-day pruning by the alarm, tokens (a caller token never
// opens it), no key, token or raw PII on it, and the page in headless
// Chromium: no console error, no request elsewhere, plots that show the
// counts, a screenshot for a laptop and a phone in target/status-page/.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { after, describe, test } from "node:test";
import { launchChromium } from "../../pkg/test/browser/chromium.mjs";
import { KEYS, STATUS_TOKENS, TOKENS, call, sleep, workers } from "./harness.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ARTIFACTS = resolve(root, "target/status-page");

const KEY = "s2s-key-status-4c1d9e22";
const sha256 = (s) => createHash("sha256").update(s, "utf8").digest("hex");
const tokenId = (token) => `t-${sha256(token).slice(0, 8)}`;
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

// Raw PII in the events: none may reach the status page.
const PII = { email: "Status.Person@example.org", phone: "+1 415 555 0100", first: "Zebulona", last: "Quixwell" };
const RAW = ["Status.Person", "status.person", "Person.example", "4155550100", "415 555 0100", "Zebulona", "Quixwell"];
const SECRETS = [KEY, ...Object.values(KEYS), ...TOKENS, ...STATUS_TOKENS];

const event = (extra = {}) => {
  const e = {
    appsflyer_id: "1415211453000-6513894",
    eventName: "af_purchase",
    eventValue: { af_revenue: "19.99" },
    email: PII.email,
    phone_number: PII.phone,
    first_name: PII.first,
    last_name: PII.last,
    ...extra,
  };
  for (const [k, v] of Object.entries(e)) if (v === undefined) delete e[k];
  return e;
};

const pool = workers();
const { started, worker } = pool;
/** Every status answer any test read: scanned for leaks at the end. */
const shown = [];


after(() => pool.stopAll());

/** An event route: `authorization` (a whole header value, or `null`) instead of a caller's bearer token. */
function post(w, path, { json, token = TOKENS[0], authorization, headers = {} } = {}) {
  if (authorization === undefined) return call(w, path, { json, token, headers });
  return call(w, path, { json, token: null, headers: authorization ? { ...headers, authorization } : headers });
}

/** A status route, with a status token by default. */
async function status(w, path = "/status.json", { authorization = `Bearer ${STATUS_TOKENS[0]}`, method = "GET" } = {}) {
  const res = await call(w, path, { method, token: null, headers: authorization ? { authorization } : {} });
  shown.push(res.text);
  return { status: res.status, headers: res.headers, text: res.text, json: res.body };
}

/** Polls /status.json until `check(report)` holds; returns that report. */
async function settled(w, check, what, ms = 30_000, path = "/status.json") {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    last = (await status(w, path)).json;
    if (last && check(last)) return last;
    await sleep(200);
  }
  assert.fail(`timed out waiting for ${what}; last totals: ${JSON.stringify(last?.windows.hour.totals)}`);
}

/** Every outcome the page counts, zero unless given. */
const OUTCOMES = [
  "delivered", "queued", "retried", "held", "rejected", "invalid", "dead_lettered", "replayed", "unauthorized",
  "rate_limited", "forbidden", "unknown_app", "unavailable", "key_reused", "in_progress", "valid", "requeued", "replay_skipped",
];
const totals = (given) => Object.fromEntries(OUTCOMES.map((o) => [o, given[o] ?? 0]));
const appTotals = (report, window = "hour") =>
  Object.fromEntries(report.windows[window].apps.map((a) => [a.app_id, a.totals]));

describe("counting", () => {
  test("N concurrent events of every kind: exactly those counts, reasons and samples", async () => {
    // STATUS_FLUSH_MS=0: each request flushes at once, so many flushes
    // race each other into the store while events are still being counted.
    const w = await worker({ bindings: { AF_S2S_KEYS: JSON.stringify({ "*": KEY }), STATUS_FLUSH_MS: "0" } });
    const refusal = { status: 400, body: "appsflyer_id is a mandatory field" };
    w.fake.plan("com.status.rejected", Array.from({ length: 15 }, () => refusal));
    for (let i = 0; i < 5; i++) w.fake.plan(`com.status.retry${i}`, [{ status: 503, body: "Service Unavailable" }, { status: 200 }]);
    const failing = { status: 500, body: "Internal Server Error" };
    for (let i = 0; i < 3; i++) w.fake.plan(`com.status.dead${i}`, [failing, failing, failing]);

    const calls = [];
    for (let i = 0; i < 20; i++) calls.push(post(w, "/inappevent/com.status.delivered", { json: event() }));
    for (let i = 0; i < 20; i++) calls.push(post(w, "/inappevent/com.status.delivered", { json: event({ eventName: "af_login" }) }));
    for (let i = 0; i < 15; i++) calls.push(post(w, "/inappevent/com.status.rejected", { json: event() }));
    // Invalid: the raw value is in the request, never on the page.
    for (let i = 0; i < 8; i++) calls.push(post(w, "/inappevent/com.status.invalid", { json: event({ email: "Status.Person.example.org" }) }));
    for (let i = 0; i < 4; i++) calls.push(post(w, "/inappevent/com.status.invalid", { json: event({ appsflyer_id: undefined }) }));
    for (let i = 0; i < 5; i++) calls.push(post(w, `/inappevent/com.status.retry${i}`, { json: event() }));
    for (let i = 0; i < 3; i++) calls.push(post(w, `/inappevent/com.status.dead${i}`, { json: event() }));
    const idem = [];
    for (let i = 0; i < 6; i++) {
      const call = post(w, "/inappevent/com.status.idem", { json: event(), headers: { "idempotency-key": "order-77" } });
      idem.push(call);
      calls.push(call);
    }
    const refused = [
      null,
      "Bearer wrong-token-0123456789",
      `Bearer ${STATUS_TOKENS[0]}`, // a status token is not a caller token
      basic("ops", STATUS_TOKENS[1]),
      basic("ops", TOKENS[0]),
      `Bearer ${KEY}`,
      `Token ${TOKENS[0]}`,
    ];
    for (const authorization of refused) {
      calls.push(post(w, "/inappevent/com.status.delivered", { json: event(), authorization }));
    }
    const answers = await Promise.all(calls);
    assert.equal(answers.filter((a) => a.status === 401).length, refused.length);
    const idemAnswers = await Promise.all(idem);
    const replayed = idemAnswers.filter((a) => a.headers.get("idempotent-replayed") === "true").length;
    const inProgress = idemAnswers.filter((a) => a.status === 409).length;
    assert.equal(idemAnswers.filter((a) => a.status === 200).length - replayed, 1, "one idempotent event delivered");
    assert.equal(1 + replayed + inProgress, 6);

    // The retries and dead letters happen from the queue.
    await w.fake.waitFor(() => w.fake.deadLetters.length >= 3, 30_000, "three dead letters");
    const expected = totals({
      delivered: 40 + 5 + 1,
      rejected: 15,
      invalid: 12,
      queued: 5 + 3,
      retried: 3,
      dead_lettered: 3,
      replayed,
      in_progress: inProgress,
      unauthorized: refused.length,
    });
    const report = await settled(
      w,
      (r) => isDeepStrictEqual(r.windows.hour.totals, expected),
      "the counts",
    );
    // Nothing more arrives later: exactly these counts.
    await sleep(1_000);
    const again = (await status(w)).json;
    for (const window of ["hour", "day", "week"]) {
      assert.deepEqual(again.windows[window].totals, expected, `${window} totals`);
      for (const [outcome, n] of Object.entries(expected)) {
        const series = again.windows[window].series[outcome];
        assert.equal(series.reduce((a, b) => a + b, 0), n, `${window} series of ${outcome}`);
      }
    }
    assert.equal(again.windows.hour.series.delivered.length, 60);
    assert.equal(again.windows.week.series.delivered.length, 168);
    assert.equal(report.retries_pending, 0, "every queued event left the queue");
    assert.equal(again.windows.hour.delivery_rate, 46 / (46 + 15 + 12 + 3));

    const apps = appTotals(again);
    assert.deepEqual(apps["com.status.delivered"], { delivered: 40 });
    assert.deepEqual(apps["com.status.rejected"], { rejected: 15 });
    assert.deepEqual(apps["com.status.invalid"], { invalid: 12 });
    for (let i = 0; i < 5; i++) assert.deepEqual(apps[`com.status.retry${i}`], { queued: 1, delivered: 1 });
    for (let i = 0; i < 3; i++) assert.deepEqual(apps[`com.status.dead${i}`], { queued: 1, retried: 1, dead_lettered: 1 });
    assert.deepEqual(apps[""], { unauthorized: refused.length }, "refused tokens name no app");
    const perEvent = Object.fromEntries(
      again.windows.hour.events.filter((e) => e.app_id === "com.status.delivered").map((e) => [e.eventName, e.totals]),
    );
    assert.deepEqual(perEvent, { af_purchase: { delivered: 20 }, af_login: { delivered: 20 } });

    const reasons = Object.fromEntries(again.windows.hour.reasons.map((r) => [`${r.outcome}: ${r.reason}`, r.count]));
    assert.equal(reasons["rejected: 400 appsflyer_id is a mandatory field"], 15);
    assert.equal(reasons["invalid: invalid_email"], 8);
    assert.equal(reasons["invalid: missing_field"], 4);
    assert.equal(reasons["dead_lettered: retries_exhausted 500 Internal Server Error"], 3);
    assert.equal(reasons["retried: 500 Internal Server Error"], 3);

    // Samples: the body AppsFlyer got (PII hashed) for refusals and dead
    // letters; field names and codes only for invalid events.
    const sent = (app) => new Set(w.fake.requests.filter((r) => r.appId === app).map((r) => r.body));
    const rejected = (await status(w, "/status.json?app=com.status.rejected")).json;
    assert.equal(rejected.app, "com.status.rejected");
    assert.equal(rejected.samples.length, 15);
    for (const s of rejected.samples) {
      assert.equal(s.outcome, "rejected");
      assert.equal(s.upstream_status, 400);
      assert.equal(s.reason, "appsflyer_id is a mandatory field");
      assert.equal(s.caller, tokenId(TOKENS[0]));
      assert.ok(sent("com.status.rejected").has(s.body), "the sample's body is the one AppsFlyer got");
      assert.match(s.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const invalid = (await status(w, "/status.json?app=com.status.invalid")).json;
    const errors = invalid.samples.map((s) => JSON.stringify(s.errors)).sort();
    assert.deepEqual(errors, [
      ...Array(4).fill(JSON.stringify([{ field: "appsflyer_id", code: "missing_field" }])),
      ...Array(8).fill(JSON.stringify([{ field: "email", code: "invalid_email" }])),
    ]);
    for (const s of invalid.samples) assert.equal(s.body, null, "an invalid event has no body to show");
    for (let i = 0; i < 3; i++) {
      const dead = (await status(w, `/status.json?app=com.status.dead${i}`)).json;
      assert.equal(dead.samples.length, 1);
      const [letter] = dead.samples;
      assert.deepEqual(
        [letter.outcome, letter.dead_letter_reason, letter.upstream_status, letter.attempt, letter.route],
        ["dead_lettered", "retries_exhausted", 500, 3, "queue"],
      );
      assert.ok(sent(`com.status.dead${i}`).has(letter.body));
    }
    assert.equal((await status(w, "/status.json?app=com.status.delivered")).json.samples.length, 0);
    const all = (await status(w)).json;
    assert.equal(all.samples.length, 15 + 12 + 3, "the newest samples of every app");
    assert.deepEqual(
      all.samples.map((s) => s.at_ms),
      all.samples.map((s) => s.at_ms).sort((a, b) => b - a),
      "newest first",
    );

    // The HTML shows the same counts.
    const page = await status(w, "/status", { authorization: basic("anyone", STATUS_TOKENS[1]) });
    assert.equal(page.status, 200);
    assert.match(page.text, /data-outcome="delivered" data-total="46"/);
    assert.match(page.text, /data-outcome="dead_lettered" data-total="3"/);
    assert.match(page.text, /data-outcome="unauthorized" data-total="7"/);
  });

  test("rate-limited, forbidden and unknown-app requests are counted as answered", async () => {
    const w = await worker({
      rateLimit: 5,
      bindings: {
        CLIENT_TOKENS: JSON.stringify([{ token: TOKENS[0], id: "shop", routes: ["inappevent"] }, { token: TOKENS[1], id: "batcher" }]),
        STATUS_FLUSH_MS: "50",
      },
    });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => post(w, "/validate/com.example.app", { json: event(), token: TOKENS[1] })),
    );
    const limited = answers.filter((a) => a.status === 429).length;
    const valid = answers.filter((a) => a.status === 200).length;
    assert.equal(limited + valid, 12);
    assert.ok(limited >= 2, `${limited} of 12 over a limit of 5 per 10 s`);
    assert.equal((await post(w, "/validate/com.example.app", { json: event() })).status, 403);
    assert.equal((await post(w, "/validate/com.example.app", { json: event() })).status, 403);
    assert.equal((await post(w, "/inappevent/com.unknown.app", { json: event() })).status, 404);
    const expected = totals({ rate_limited: limited, valid, forbidden: 2, unknown_app: 1 });
    await settled(w, (r) => isDeepStrictEqual(r.windows.hour.totals, expected), "the counts");
    await sleep(500);
    assert.deepEqual((await status(w)).json.windows.hour.totals, expected);
  });

  test("the last 100 of each kind are kept per app, the newest", async () => {
    const w = await worker({ bindings: { STATUS_FLUSH_MS: "50" } });
    for (let i = 0; i < 105; i++) {
      const name = `af_i_${String(i).padStart(3, "0")}`;
      const res = await post(w, "/inappevent/com.example.app", { json: event({ eventName: name, ip: "not-an-ip" }) });
      assert.equal(res.status, 400);
    }
    w.fake.plan("com.example.app", [{ status: 403, body: "Forbidden" }]);
    assert.equal((await post(w, "/inappevent/com.example.app", { json: event() })).status, 502);
    const report = await settled(
      w,
      (r) => r.windows.hour.totals.invalid === 105 && r.windows.hour.totals.rejected === 1,
      "106 events",
      30_000,
      "/status.json?app=com.example.app",
    );
    const kinds = (outcome) => report.samples.filter((s) => s.outcome === outcome);
    assert.equal(kinds("invalid").length, 100);
    assert.equal(kinds("rejected").length, 1, "a flood of one kind does not push out another");
    const names = kinds("invalid").map((s) => s.eventName).sort();
    assert.deepEqual(names, Array.from({ length: 100 }, (_, i) => `af_i_${String(i + 5).padStart(3, "0")}`));
  });
});

describe("samples never hold raw PII", () => {
  test("a queue message with raw PII is dead-lettered as unusable, and its body is not shown", async () => {
    const w = await worker({ bindings: { STATUS_FLUSH_MS: "50" } });
    const body = (await post(w, "/validate/com.example.app", { json: event() })).body.body;
    const tampered = body.replace(/"email_hashed":"[0-9a-f]+"/, `"email":"${PII.email}"`);
    assert.notEqual(tampered, body);
    const queue = await w.mf.getQueueProducer("RETRY_QUEUE", "appsflyer-s2s");
    await queue.send({ app_id: "com.example.app", eventName: "af_tampered", body: tampered, attempts: 1, first_attempt_ms: Date.now() });
    await w.fake.waitFor(() => w.fake.deadLetters.length >= 1, 15_000, "the dead letter");
    const report = await settled(w, (r) => r.windows.hour.totals.dead_lettered === 1, "the dead letter's count");
    const [sample] = report.samples.filter((s) => s.eventName === "af_tampered");
    assert.equal(sample.dead_letter_reason, "unusable");
    assert.equal(sample.body, null, "a body the core did not build is never shown");
    const page = await status(w, "/status");
    for (const text of [JSON.stringify(report), page.text]) assert.ok(!text.includes("Status.Person"));
  });
});

describe("the status store", () => {
  const flush = (id, counts, samples = []) => ({ id, counts, reasons: [], samples });
  const count = (minute, app_id, n) => ({ minute, app_id, event_name: "af_purchase", route: "inappevent", outcome: "delivered", n });

  test("a flush sent twice counts once; what is older than 30 days is pruned by the alarm", async () => {
    const w = await worker({ bindings: { STATUS_PRUNE_EVERY_MS: "1000" } });
    const ns = await w.mf.getDurableObjectNamespace("STATUS", "appsflyer-s2s");
    const store = ns.get(ns.idFromName("status"));
    const send = async (body) => {
      const res = await store.fetch("https://status/flush", { method: "POST", body: JSON.stringify(body) });
      assert.equal(res.status, 204);
    };
    const now = Math.floor(Date.now() / 60_000);
    const old = now - 31 * 24 * 60;
    const oldSample = {
      at_ms: old * 60_000,
      app_id: "com.status.old",
      eventName: "af_purchase",
      outcome: "rejected",
      route: "inappevent",
      attempt: 1,
      upstream_status: 400,
      reason: "old",
    };
    const dup = flush("flush-dup-1", [count(now, "com.status.dup", 3)]);
    await send(dup);
    await send(dup);
    await send(flush("flush-old-1", [count(old, "com.status.old", 9)], [oldSample]));
    const before = (await status(w)).json;
    assert.deepEqual(appTotals(before)["com.status.dup"], { delivered: 3 }, "the second copy was not counted");
    assert.ok(before.apps.includes("com.status.old"));
    assert.equal(before.samples.filter((s) => s.app_id === "com.status.old").length, 1);
    assert.equal(appTotals(before, "week")["com.status.old"], undefined, "31 days ago is outside every window");
    // The alarm (every second here) deletes it.
    const pruned = await settled(w, (r) => !r.apps.includes("com.status.old"), "the alarm's pruning", 10_000);
    assert.equal(pruned.samples.filter((s) => s.app_id === "com.status.old").length, 0);
    assert.deepEqual(appTotals(pruned)["com.status.dup"], { delivered: 3 }, "recent counts stay");
  });

  test("names a caller invents are bounded: past 100 apps they count as (other)", async () => {
    const w = await worker();
    const ns = await w.mf.getDurableObjectNamespace("STATUS", "appsflyer-s2s");
    const store = ns.get(ns.idFromName("status"));
    const now = Math.floor(Date.now() / 60_000);
    const counts = Array.from({ length: 110 }, (_, i) => count(now, `com.status.app${i}`, 1));
    const res = await store.fetch("https://status/flush", { method: "POST", body: JSON.stringify(flush("many", counts)) });
    assert.equal(res.status, 204);
    const report = (await status(w)).json;
    assert.equal(report.apps.length, 100);
    assert.deepEqual(appTotals(report)["(other)"], { delivered: 10 });
    assert.equal(report.windows.hour.totals.delivered, 110, "nothing is lost");
  });
});

describe("access", () => {
  test("only a status token opens the status routes, by Bearer or as a Basic password", async () => {
    const w = await worker();
    for (const path of ["/status", "/status.json", "/status?window=day"]) {
      for (const authorization of [
        null,
        `Bearer ${TOKENS[0]}`,
        basic("ops", TOKENS[1]),
        basic(STATUS_TOKENS[0], ""),
        `Bearer ${STATUS_TOKENS[0]}x`,
        `Basic ${STATUS_TOKENS[0]}`,
        `Bearer ${KEYS["com.example.app"]}`,
      ]) {
        const res = await status(w, path, { authorization });
        assert.equal(res.status, 401, `${path} with ${authorization}`);
        assert.deepEqual(res.json, { error: "unauthorized" });
        assert.match(res.headers.get("www-authenticate"), /^Basic realm="appsflyer-s2s status"/);
        assert.equal(res.headers.get("cache-control"), "no-store");
      }
      const query = await status(w, `${path}${path.includes("?") ? "&" : "?"}token=${STATUS_TOKENS[0]}`, { authorization: null });
      assert.equal(query.status, 401, "a token in the query string opens nothing");
      for (const authorization of [`Bearer ${STATUS_TOKENS[0]}`, basic("", STATUS_TOKENS[1]), basic("any one", STATUS_TOKENS[0])]) {
        const res = await status(w, path, { authorization });
        assert.equal(res.status, 200, `${path} with ${authorization}`);
        assert.equal(res.headers.get("cache-control"), "no-store");
        assert.equal(res.headers.get("x-frame-options"), "DENY");
        if (path.startsWith("/status.json")) {
          assert.match(res.headers.get("content-type"), /^application\/json/);
        } else {
          assert.match(res.headers.get("content-type"), /^text\/html/);
          assert.match(res.headers.get("content-security-policy"), /^default-src 'none'; style-src 'sha256-/);
        }
      }
    }
    const wrongMethod = await status(w, "/status", { method: "POST" });
    assert.equal(wrongMethod.status, 405);
  });

  test("without STATUS_TOKENS nobody opens it; a status token that is also a caller token is refused", async () => {
    const closed = await worker({ bindings: { STATUS_TOKENS: "" } });
    assert.equal((await status(closed)).status, 401);
    const shared = await worker({ bindings: { STATUS_TOKENS: `${STATUS_TOKENS[0]},${TOKENS[1]}` } });
    const res = await status(shared);
    assert.equal(res.status, 500);
    assert.match(res.json.message, /^STATUS_TOKENS: a status token is also in CLIENT_TOKENS/);
    assert.ok(!res.text.includes(TOKENS[1]));
  });
});

describe("the page in Chromium", () => {
  test("renders with no console error or outside request, plots the counts, reads on a laptop and a phone", async () => {
    const w = await worker({ port: 0, bindings: { STATUS_FLUSH_MS: "50" } });
    const base = (await w.mf.ready).href.replace(/\/$/, "");
    // Some of every kind.
    w.fake.plan("com.example.app", [
      { status: 400, body: "appsflyer_id is a mandatory field" },
      { status: 400, body: "Invalid eventTime" },
      { status: 503, body: "Service Unavailable" },
      { status: 200 },
    ]);
    w.fake.plan("id123456789", [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const xss = "<img src=x onerror=alert(1)>";
    await post(w, "/inappevent/com.example.app", { json: event({ eventName: xss }) });
    await post(w, "/inappevent/com.example.app", { json: event() });
    await post(w, "/inappevent/com.example.app", { json: event() });
    await post(w, "/inappevent/id123456789", { json: event() });
    for (let i = 0; i < 8; i++) await post(w, "/inappevent/com.example.app", { json: event({ eventName: i % 2 ? "af_login" : "af_purchase" }) });
    await post(w, "/inappevent/com.example.app", { json: event({ email: "Status.Person.example.org" }) });
    await post(w, "/inappevent/com.example.app", { json: event({ ip: "2001:db8::1" }) });
    await post(w, "/inappevent/com.example.app", { json: event(), headers: { "idempotency-key": "k-1" } });
    await post(w, "/inappevent/com.example.app", { json: event(), headers: { "idempotency-key": "k-1" } });
    await post(w, "/inappevent/com.example.app", { json: event(), token: "nope-nope-nope-nope" });
    await w.fake.waitFor(() => w.fake.deadLetters.length >= 1, 20_000, "the dead letter");
    const report = await settled(
      w,
      (r) => r.windows.hour.totals.dead_lettered === 1 && r.windows.hour.totals.delivered === 10,
      "the counts",
    );
    const expected = report.windows.hour.totals;

    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await launchChromium();
    try {
      const problems = [];
      const watch = (page) => {
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        page.on("dialog", (d) => problems.push(`dialog: ${d.message()}`));
        page.on("request", (r) => {
          if (!r.url().startsWith(base)) problems.push(`request elsewhere: ${r.url()}`);
        });
        page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      };

      // Without a status token the browser is asked for one (401 with a
      // Basic challenge) and, with none or a caller's token to give, gets nothing.
      for (const credentials of [undefined, { username: "ops", password: TOKENS[0] }]) {
        const context = await browser.newContext(credentials ? { httpCredentials: credentials } : {});
        const refused = await context.newPage();
        // Chromium either shows the 401 or gives up on the credentials.
        const outcome = await refused
          .goto(`${base}/status`)
          .then(async (r) => ({ status: r.status(), body: await r.text() }), (e) => ({ error: e.message }));
        if (outcome.error) {
          assert.match(outcome.error, /ERR_INVALID_AUTH_CREDENTIALS/);
        } else {
          assert.equal(outcome.status, 401, JSON.stringify(credentials));
          assert.ok(!outcome.body.includes("<figure"), "nothing drawn");
        }
        await context.close();
      }

      const laptop = await browser.newContext({
        httpCredentials: { username: "ops", password: STATUS_TOKENS[0] },
        viewport: { width: 1280, height: 900 },
      });
      const page = await laptop.newPage();
      watch(page);
      const res = await page.goto(`${base}/status`);
      assert.equal(res.status(), 200);
      const plots = await page.$$eval("figure[data-outcome]", (figures) =>
        figures.map((f) => ({
          outcome: f.dataset.outcome,
          total: Number(f.dataset.total),
          bars: [...f.querySelectorAll("rect[data-count]")].reduce((sum, r) => sum + Number(r.dataset.count), 0),
          caption: f.querySelector("figcaption b").textContent,
        })),
      );
      for (const outcome of ["delivered", "queued", "retried", "rejected", "invalid", "dead_lettered", "replayed", "unauthorized", "rate_limited"]) {
        assert.ok(plots.some((p) => p.outcome === outcome), `a plot of ${outcome}`);
      }
      for (const p of plots) {
        assert.equal(p.total, expected[p.outcome], `${p.outcome}: the plot's total`);
        assert.equal(p.bars, expected[p.outcome], `${p.outcome}: the bars add up to the count`);
        assert.equal(p.caption, String(expected[p.outcome]));
      }
      const text = await page.textContent("body");
      assert.match(text, /delivery rate/);
      assert.ok(text.includes(xss), "the event name is shown as text");
      assert.ok(text.includes("appsflyer_id is a mandatory field"));
      const html = await page.content();
      for (const secret of [...SECRETS, ...RAW]) assert.ok(!html.includes(secret), `${secret.slice(0, 12)}… on the page`);
      await page.screenshot({ path: resolve(ARTIFACTS, "status-laptop.png"), fullPage: true });

      // The other windows, by their links.
      await page.click("nav a:text-is('week')");
      await page.waitForURL(/window=week/);
      const week = await page.$eval("figure[data-outcome='delivered']", (f) => Number(f.dataset.total));
      assert.equal(week, expected.delivered);
      assert.equal(await page.$$eval("figure[data-outcome='delivered'] rect", (r) => r.length), 1, "one hourly bar");

      // A phone: no sideways scrolling of the page itself.
      const phone = await browser.newContext({
        httpCredentials: { username: "ops", password: STATUS_TOKENS[1] },
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      const small = await phone.newPage();
      watch(small);
      assert.equal((await small.goto(`${base}/status`)).status(), 200);
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
      await small.screenshot({ path: resolve(ARTIFACTS, "status-phone.png"), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
});

describe("leaks", () => {
  test("no key, token or raw PII in any status answer", () => {
    assert.ok(shown.length > 50, `${shown.length} answers read`);
    const everything = shown.join("\n");
    for (const secret of [...SECRETS, ...RAW]) {
      assert.ok(!everything.includes(secret), `"${secret}" appeared on the status page`);
    }
  });
});
