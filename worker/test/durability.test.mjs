// An outage of hours loses nothing, a replay never loops, every possible
// duplicate is marked, and what cannot be kept is refused rather than lost:
// the retry budget as a duration (scaled down), a 401 held, ambiguous
// attempts, dead-letter replay, /batch when the caller goes away, one send
// for many concurrent requests with one key, idempotency leases, and the
// 500/503 answers when a setting, the queue or the idempotency store fails.
// Delays are real here (non-zero base delays, Retry-After): the tests assert
// the gaps between attempts.

import assert from "node:assert/strict";
import http from "node:http";
import { after, describe, test } from "node:test";
import { KEYS, TOKENS, call, eventLogs, sleep, workers } from "./harness.mjs";

const APP = "com.example.app";
const pool = workers();
const { started, worker } = pool;


after(() => pool.stopAll());

const event = (extra = {}) => ({
  appsflyer_id: "1415211453000-6513894",
  eventName: "af_purchase",
  eventValue: { af_revenue: "19.99" },
  ...extra,
});


/** The gaps between the fake's records, in ms. */
const gaps = (records) => records.slice(1).map((r, i) => r.at - records[i].at);

describe("the retry budget is a duration", () => {
  test("an outage longer than the old 8-attempt window loses nothing", async () => {
    // Scaled down: a 20 s budget, waits of 100 ms doubling to 400 ms. The
    // old schedule gave up after 8 attempts; this outage takes 12.
    const w = await worker({
      bindings: {
        RETRY_MAX_ATTEMPTS: "",
        RETRY_BUDGET_SECONDS: "20",
        RETRY_BASE_DELAY_MS: "100",
        RETRY_MAX_DELAY_MS: "400",
      },
    });
    const down = Array.from({ length: 11 }, () => ({ status: 503, body: "down" }));
    w.fake.plan(APP, down);
    const res = await call(w, `/inappevent/${APP}`, { json: event() });
    assert.equal(res.status, 202);
    await w.fake.waitFor(() => w.fake.requests.some((r) => r.outcome === 200), 20_000, "the delivery");
    await sleep(500);
    assert.equal(w.fake.requests.length, 12, "eleven failures, then one delivery, then nothing");
    assert.equal(w.fake.deadLetters.length, 0, "nothing was dead-lettered");
    const logs = eventLogs(w.output);
    assert.ok(logs.some((l) => l.outcome === "delivered" && l.attempt === 12), JSON.stringify(logs.at(-1)));
  });

  test("when the budget is spent the event is dead-lettered with its reason", async () => {
    const w = await worker({
      bindings: { RETRY_MAX_ATTEMPTS: "", RETRY_BUDGET_SECONDS: "3", RETRY_BASE_DELAY_MS: "200", RETRY_MAX_DELAY_MS: "400" },
    });
    w.fake.outage(60_000);
    const started = Date.now();
    assert.equal((await call(w, `/inappevent/${APP}`, { json: event() })).status, 202);
    await w.fake.waitFor(() => w.fake.deadLetters.length >= 1, 15_000, "the dead letter");
    const [letter] = w.fake.deadLetters;
    assert.equal(letter.dead_letter_reason, "retries_exhausted");
    // Queue delays are whole seconds: about one attempt a second for 3 s.
    assert.ok(letter.attempts >= 3, `${letter.attempts} attempts`);
    const last = w.fake.requests.at(-1).at;
    assert.ok(last - started <= 3_000 + 1_000, `an attempt ${last - started} ms after the first, past the 3 s budget`);
  });

  test("waits grow from RETRY_BASE_DELAY_MS and a Retry-After is obeyed", async () => {
    const w = await worker({ bindings: { RETRY_MAX_ATTEMPTS: "", RETRY_BASE_DELAY_MS: "1000", RETRY_MAX_DELAY_MS: "4000" } });
    // A Retry-After of 3 s where the backoff would wait 1 s at most; then two
    // 503s, whose waits follow the backoff (steps of 2 s and 4 s).
    w.fake.plan(APP, [{ status: 429, headers: { "retry-after": "3" } }, { status: 503 }, { status: 503 }]);
    assert.equal((await call(w, `/inappevent/${APP}`, { json: event() })).status, 202);
    await w.fake.waitFor(() => w.fake.requests.length >= 4, 20_000, "four attempts");
    const [first, second, third] = gaps(w.fake.requests);
    // Equal jitter on whole queue seconds: step/2 ≤ wait ≤ step, rounded up to seconds.
    assert.ok(first >= 2_900 && first <= 4_500, `wait after Retry-After: 3 was ${first} ms`);
    assert.ok(second >= 900 && second <= 3_500, `second wait ${second} ms (step 2 s)`);
    assert.ok(third >= 1_900 && third <= 5_500, `third wait ${third} ms (step 4 s)`);
  });

  test("the consumer paces retries under RETRY_RATE_PER_MINUTE", async () => {
    // 120 a minute: a batch of 5 retries takes at least 2.5 s. The events
    // fail during a 1 s outage and are retried 1–2 s later.
    const w = await worker({
      bindings: { RETRY_RATE_PER_MINUTE: "120", RETRY_BASE_DELAY_MS: "2000" },
      retryConsumer: { maxBatchSize: 5 },
    });
    w.fake.outage(1_000);
    for (let i = 0; i < 10; i++) {
      assert.equal((await call(w, `/inappevent/${APP}`, { json: event({ eventName: `af_e${i}` }) })).status, 202);
    }
    await w.fake.waitFor(() => w.fake.requests.length >= 20, 30_000, "the ten retries");
    const retries = w.fake.requests.slice(10);
    const span = retries.at(-1).at - retries[0].at;
    // Two batches of five: the second cannot start before the first's 2.5 s floor.
    assert.ok(span >= 2_000, `ten retries within ${span} ms at 120/min`);
  });
});

describe("a wrong S2S key (401) is held, not dead-lettered", () => {
  test("the event waits with a long backoff, an alert is logged, and it goes once the key works", async () => {
    const w = await worker({ bindings: { RETRY_MAX_ATTEMPTS: "", RETRY_HOLD_DELAY_MS: "1500" } });
    w.fake.plan(APP, [{ status: 401, body: "Unauthorized" }, { status: 401, body: "Unauthorized" }]);
    const res = await call(w, `/inappevent/${APP}`, { json: event() });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { status: "queued" });
    await w.fake.waitFor(() => w.fake.requests.some((r) => r.outcome === 200), 20_000, "the delivery");
    const [held, again] = gaps(w.fake.requests);
    assert.ok(held >= 700, `held ${held} ms, not the hold backoff`);
    assert.ok(again >= 1_400, `second hold ${again} ms: the backoff grows`);
    assert.equal(w.fake.deadLetters.length, 0);
    await sleep(200);
    const lines = eventLogs(w.output).filter((l) => l.outcome === "held");
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line.alert, /401/);
    assert.ok(w.output.text.includes('"outcome":"held"'), "held lines go to the error log");
  });
});

describe("ambiguous attempts", () => {
  test("a timeout marks the event ambiguous in the retry log, the message and the dead letter", async () => {
    const w = await worker();
    w.fake.plan(APP, [{ hang: true, accepted: true }, { status: 500 }, { status: 500 }]);
    assert.equal((await call(w, `/inappevent/${APP}`, { json: event() })).status, 202);
    await w.fake.waitFor(() => w.fake.deadLetters.length >= 1, 20_000, "the dead letter");
    const [letter] = w.fake.deadLetters;
    assert.equal(letter.ambiguous, true, "the letter says a duplicate is possible");
    assert.equal(letter.last_status, 500, "later attempts had answers: still ambiguous");
    await sleep(200);
    const lines = eventLogs(w.output);
    assert.ok(lines.some((l) => l.route === "inappevent" && l.outcome === "queued" && l.ambiguous === true));
    assert.ok(lines.some((l) => l.route === "queue" && l.outcome === "dead_lettered" && l.ambiguous === true));
  });
});

describe("dead-letter replay", () => {
  const letter = (body, extra = {}) => ({
    app_id: APP,
    eventName: "af_purchase",
    body,
    attempts: 3,
    first_attempt_ms: Date.now() - 60_000,
    last_status: 500,
    last_reason: "Internal Server Error",
    dead_letter_reason: "retries_exhausted",
    ...extra,
  });
  const bodyOf = async (w, name) =>
    (await call(w, `/validate/${APP}`, { json: event({ eventName: name }) })).body.body;

  test("letters that ran out of retries are replayed, once each, marked", async () => {
    const w = await worker({ consumeDeadLetters: true });
    const body = await bodyOf(w, "af_replay");
    const queue = await w.mf.getQueueProducer("DEAD_LETTER_QUEUE", "appsflyer-s2s");
    await queue.send(letter(body));
    await w.fake.waitFor(() => w.fake.requests.length >= 1, 15_000, "the replayed event");
    await sleep(1_000);
    assert.equal(w.fake.requests.length, 1);
    assert.equal(w.fake.requests[0].body, body);
    assert.equal(w.fake.requests[0].headers.authentication, KEYS[APP]);
    const lines = eventLogs(w.output);
    assert.ok(lines.some((l) => l.outcome === "requeued" && l.replays === 1));
    assert.ok(lines.some((l) => l.outcome === "delivered" && l.replays === 1 && l.route === "queue"));
  });

  test("a rejected letter is not replayed unless asked, and never loops when asked", async () => {
    const skip = await worker({ consumeDeadLetters: true });
    const body = await bodyOf(skip, "af_rejected");
    const ambiguousBody = await bodyOf(skip, "af_ambiguous");
    const q = await skip.mf.getQueueProducer("DEAD_LETTER_QUEUE", "appsflyer-s2s");
    await q.send(letter(body, { dead_letter_reason: "rejected", last_status: 400 }));
    await q.send(letter(ambiguousBody, { ambiguous: true }));
    await sleep(2_000);
    assert.equal(skip.fake.requests.length, 0, "a rejected or ambiguous letter was sent without being asked for");
    const skipped = eventLogs(skip.output).filter((l) => l.outcome === "replay_skipped").map((l) => l.reason);
    assert.deepEqual(skipped.sort(), ["ambiguous", "rejected"]);

    // Asked for, with AppsFlyer refusing it each time: REPLAY_MAX sends, then it rests.
    const asked = await worker({ consumeDeadLetters: true, bindings: { REPLAY_INCLUDE: "rejected", REPLAY_MAX: "2" } });
    asked.fake.plan(APP, Array.from({ length: 10 }, () => ({ status: 400, body: "Bad request" })));
    const q2 = await asked.mf.getQueueProducer("DEAD_LETTER_QUEUE", "appsflyer-s2s");
    await q2.send(letter(body, { dead_letter_reason: "rejected", last_status: 400 }));
    await asked.fake.waitFor(() => asked.fake.requests.length >= 2, 15_000, "two replays");
    await sleep(2_500);
    assert.equal(asked.fake.requests.length, 2, "the letter looped");
    assert.ok(eventLogs(asked.output).some((l) => l.outcome === "replay_skipped" && l.reason === "replay_limit"));
  });
});

describe("what cannot be kept is refused, never lost", () => {
  test("the idempotency store unreachable: 503 and nothing sent", async () => {
    const w = await worker({ broken: "idempotency" });
    const res = await call(w, `/inappevent/${APP}`, { json: event(), headers: { "idempotency-key": "k-1" } });
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { error: "unavailable" });
    assert.equal(res.headers.get("retry-after"), "5");
    assert.equal(w.fake.requests.length, 0);
    // Without a key the store is not needed.
    assert.equal((await call(w, `/inappevent/${APP}`, { json: event() })).status, 200);
  });

  test("the queue failing: a transient failure is 503, not a 202 for an event kept nowhere", async () => {
    const w = await worker({ broken: "queue" });
    w.fake.plan(APP, [{ status: 503 }]);
    const res = await call(w, `/inappevent/${APP}`, { json: event() });
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { error: "unavailable" });
    await sleep(200);
    assert.ok(eventLogs(w.output).some((l) => l.outcome === "unavailable"));
  });

  test("a malformed setting: 500 misconfigured naming it, nothing sent", async () => {
    const w = await worker({ bindings: { UPSTREAM_TIMEOUT_MS: "60000" } });
    const res = await call(w, `/inappevent/${APP}`, { json: event() });
    assert.equal(res.status, 500);
    assert.equal(res.body.error, "misconfigured");
    assert.match(res.body.message, /^UPSTREAM_TIMEOUT_MS/);
    assert.equal(w.fake.requests.length, 0);
  });
});

describe("idempotency", () => {
  test("20 concurrent requests with one key: exactly one send", async () => {
    const w = await worker();
    w.fake.plan(APP, [{ status: 200, delay: 400 }]);
    const headers = { "idempotency-key": "order-concurrent" };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(w, `/inappevent/${APP}`, { json: event(), headers })),
    );
    await sleep(300);
    assert.equal(w.fake.requests.length, 1);
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 200).length + statuses.filter((s) => s === 409).length, 20, statuses.join());
    assert.ok(statuses.includes(200));
  });

  test("a lease: only the request holding it can store the answer or free the key", async () => {
    const w = await worker();
    const ns = await w.mf.getDurableObjectNamespace("IDEMPOTENCY", "appsflyer-s2s");
    const stub = ns.get(ns.idFromName("lease-test"));
    const post = (path, body) =>
      stub.fetch(`https://idempotency${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const claim = await (await post("/claim", { fingerprint: "f", lease_ms: 60_000 })).json();
    assert.equal(claim.state, "reserved");
    assert.match(claim.lease, /^[0-9a-f]{32}$/);
    assert.equal((await (await post("/claim", { fingerprint: "f", lease_ms: 60_000 })).json()).state, "in_flight");
    assert.equal((await post("/finish", { lease: "0".repeat(32), answer: { status: 200, body: {} } })).status, 409);
    assert.equal((await post("/release", { lease: "someone-else" })).status, 409);
    assert.equal((await post("/finish", { lease: claim.lease, answer: { status: 200, body: { status: "delivered" } } })).status, 200);
    const done = await (await post("/claim", { fingerprint: "f", lease_ms: 60_000 })).json();
    assert.deepEqual(done, { state: "done", answer: { status: 200, body: { status: "delivered" } } });
    // An expired lease frees the key for the next claim, and the old holder can no longer finish.
    const other = ns.get(ns.idFromName("lease-expiry"));
    const post2 = (path, body) =>
      other.fetch(`https://idempotency${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const first = await (await post2("/claim", { fingerprint: "f", lease_ms: 1 })).json();
    await sleep(20);
    const second = await (await post2("/claim", { fingerprint: "f", lease_ms: 60_000 })).json();
    assert.equal(second.state, "reserved");
    assert.notEqual(second.lease, first.lease);
    assert.equal((await post2("/finish", { lease: first.lease, answer: { status: 200, body: {} } })).status, 409);
  });

  test("a resent batch with an Idempotency-Key never duplicates; its keys never meet single keys", async () => {
    const w = await worker();
    const headers = { "idempotency-key": "k" };
    const events = [0, 1, 2].map((i) => event({ eventName: `af_b${i}` }));
    const first = await call(w, `/batch/${APP}`, { json: events, headers });
    assert.deepEqual(first.body.results.map((r) => r.status), ["delivered", "delivered", "delivered"]);
    const again = await call(w, `/batch/${APP}`, { json: events, headers });
    assert.deepEqual(again.body.results.map((r) => r.replayed), [true, true, true]);
    assert.equal(w.fake.requests.length, 3);
    // A single event with the key "k#0" (the old per-event spelling) is another event.
    const single = await call(w, `/inappevent/${APP}`, { json: event({ eventName: "af_single" }), headers: { "idempotency-key": "k#0" } });
    assert.equal(single.status, 200);
    assert.equal(single.headers.get("idempotent-replayed"), null);
    assert.equal(w.fake.requests.length, 4);
  });
});

describe("/batch when the caller goes away", () => {
  test("a client disconnecting mid-batch strands nothing: every event is delivered once", async () => {
    // A 1 s send window; each answer takes 250 ms, six at a time: the 30
    // events need 1.25 s, so the last ones start after the window and are
    // queued, while the caller is long gone.
    const w = await worker({ direct: true, bindings: { BATCH_SEND_WINDOW_MS: "1000" } });
    const n = 30;
    w.fake.plan(APP, Array.from({ length: n }, () => ({ status: 200, delay: 250 })));
    const events = Array.from({ length: n }, (_, i) => event({ eventName: `af_gone_${i}` }));
    const url = new URL(`/batch/${APP}`, w.directUrl);
    await new Promise((resolve) => {
      const req = http.request(url, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKENS[0]}`, "content-type": "application/json" },
      });
      req.on("error", () => resolve());
      req.end(JSON.stringify(events));
      // Gone after the first events left, long before the batch is done.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 400);
    });
    await w.fake.waitFor(() => new Set(w.fake.requests.map((r) => JSON.parse(r.body).eventName)).size >= n, 20_000, "every event");
    await sleep(1_000);
    const names = w.fake.requests.map((r) => JSON.parse(r.body).eventName);
    assert.equal(new Set(names).size, n, "an event was lost");
    assert.equal(names.length, n, "an event was sent twice");
    const lines = eventLogs(w.output);
    assert.ok(
      lines.some((l) => l.outcome === "queued" && l.attempt === 0),
      "the events past the send window were queued",
    );
    assert.ok(lines.some((l) => l.route === "queue" && l.outcome === "delivered"), "and then sent by the consumer");
  });
});
