// Fault-injection soak: N events through the built Worker (Miniflare, real
// workerd, queues and Durable Objects) while the fake AppsFlyer fails about a
// third of the requests at random (500, 503, 429 with Retry-After,
// connection resets, hangs past the Worker's upstream timeout, and resets
// and hangs *after* it took the event: the ambiguous case), and, midway,
// goes down completely for longer than the old retry window (OUTAGE_S,
// below). Some events go through /batch; every seventh single event carries
// an Idempotency-Key and its caller sends it twice, as a client retrying
// would. Then the soak waits (bounded) for the retry queue to drain and
// accounts for every event.
//
// The delays are scaled down: the Worker's 24 h retry budget becomes
// BUDGET_S, its 2 s … 15 min waits become 0.2 s … 1 s (queue delays are
// whole seconds, so about a second each). The outage lasts longer than the
// eight attempts the Worker used to give up after, so an event caught in it
// would have been dead-lettered before; now none may be.
//
// It FAILS (exit 1) when:
// - an event is neither accepted (200 delivered / 202 queued) nor refused
//   for a stated reason (503 unavailable, 409 in_progress, 429 rate_limited);
// - an accepted event is lost (not delivered, not dead-lettered), or any is
//   dead-lettered (the budget outlasts every fault here);
// - AppsFlyer took an event twice where the copy before had been answered
//   2xx (a duplicate nothing ambiguous explains), or a duplicate follows an
//   ambiguous failure the Worker did not mark (`"ambiguous":true` in a log
//   line of that event);
// - a repeat of an idempotent request was sent again instead of answered
//   from the first (`Idempotent-Replayed: true`) or refused while in flight;
// - an event is answered "delivered" without a 2xx at the fake, or its body
//   changed between attempts.
// Duplicates after ambiguous failures are allowed (AppsFlyer does not
// deduplicate, and an event it may not have recorded must be retried):
// they are counted and printed, and BENCHMARKS.md records them.
//
//   node worker/test/soak.mjs [N]        (default 500; `make test` runs 500, `make bench` 10,000)
//
// Env: SOAK_CONCURRENCY (24), SOAK_SEED (1), SOAK_FAULT_RATE (0.33),
// SOAK_BUDGET_SECONDS (the retry budget: 120, or 900 above 1,000 events),
// SOAK_OUTAGE_SECONDS (12, or 45 above 1,000 events), SOAK_DRAIN_SECONDS
// (bound on the wait for the queue: the budget plus 300).

import { TOKENS, eventLogs, sleep, start } from "./harness.mjs";

const N = Number(process.argv[2] ?? process.env.SOAK_EVENTS ?? 500);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 24);
const SEED = process.env.SOAK_SEED ?? "1";
const RATE = Number(process.env.SOAK_FAULT_RATE ?? 0.33);
// A big run takes minutes to drain its backlog through the one queue
// consumer Miniflare runs, so attempts come further apart: its budget and its
// outage are longer, so that the outage still costs some event more attempts
// than the old window's eight and the budget still outlasts the drain.
const BIG = N > 1000;
const BUDGET_S = Number(process.env.SOAK_BUDGET_SECONDS ?? (BIG ? 900 : 120)); // the 24 h budget, scaled down
const OUTAGE_S = Number(process.env.SOAK_OUTAGE_SECONDS ?? (BIG ? 45 : 12)); // longer than the old window
const DRAIN_MS = Number(process.env.SOAK_DRAIN_SECONDS ?? BUDGET_S + 300) * 1000;
const QUIET_MS = 3000; // longer than a Retry-After (≤ 2 s) plus a timeout's slack
const APP = "com.example.app";
const BATCH = 10; // every tenth group of 10 events goes through /batch
const TIMEOUT_MS = 1000;
const REFUSED_WITH_REASON = new Set(["503 unavailable", "409 in_progress", "429 rate_limited"]);

if (!Number.isInteger(N) || N < 1) throw new Error(`soak: N must be a positive integer, got ${process.argv[2]}`);

/** The event with soak id `id`; every fifth one has raw PII to hash. Its name carries the id, so log lines name it. */
function event(i, id) {
  const e = {
    appsflyer_id: "1415211453000-6513894",
    eventName: `af_soak_${i}`,
    eventValue: { soak_id: id, af_revenue: `${(i % 100) + 0.99}` },
    eventCurrency: "USD",
  };
  if (i % 5 === 0) {
    e.email = `user${i}@example.com`;
    e.phone_number = "(650) 555-1212";
  }
  return e;
}

/** The soak id of a body the Worker sent (eventValue is a JSON string there). */
function soakId(body) {
  try {
    const value = JSON.parse(body).eventValue;
    return (typeof value === "string" ? JSON.parse(value) : value)?.soak_id;
  } catch {
    return undefined;
  }
}

const started = performance.now();
const { mf, fake, output } = await start({
  faults: { seed: SEED, rate: RATE },
  bindings: {
    FILL_IP: "false",
    RETRY_MAX_ATTEMPTS: "",
    RETRY_BUDGET_SECONDS: String(BUDGET_S),
    RETRY_BASE_DELAY_MS: "200",
    RETRY_MAX_DELAY_MS: "1000",
    UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
    RETRY_RATE_PER_MINUTE: "60000",
  },
  retryConsumer: { maxBatchSize: 100 },
});

let failed = false;
const problems = [];
const fail = (message) => {
  failed = true;
  problems.push(message);
};

try {
  const ids = Array.from({ length: N }, (_, i) => `soak-${SEED}-${i}`);
  /** id → how the Worker answered: "delivered" | "queued" | "<status> <error>". */
  const answers = new Map();
  /** Answers to the repeats of idempotent requests. */
  const repeats = [];
  const headers = { authorization: `Bearer ${TOKENS[0]}`, "content-type": "application/json" };

  // The work: single events, and groups of BATCH through /batch.
  const work = [];
  for (let i = 0; i < N; i += BATCH) {
    const group = ids.slice(i, i + BATCH).map((id, k) => ({ i: i + k, id }));
    if ((i / BATCH) % 10 === 9 && group.length > 1) work.push({ batch: group });
    else for (const item of group) work.push(item);
  }

  async function post(path, body, extra = {}) {
    try {
      const res = await mf.dispatchFetch(`http://127.0.0.1${path}`, {
        method: "POST",
        headers: { ...headers, ...extra },
        body,
      });
      const text = await res.text();
      return { status: res.status, text, replayed: res.headers.get("idempotent-replayed") === "true" };
    } catch (e) {
      return { status: 0, text: String(e) };
    }
  }

  /** "delivered", "queued", or the status with the answer's `error`. */
  function answerOf(status, text) {
    if (status === 200) return "delivered";
    if (status === 202) return "queued";
    let error = "";
    try {
      error = JSON.parse(text).error ?? "";
    } catch {
      error = `(not JSON: ${text.slice(0, 60)})`;
    }
    return `${status} ${error}`;
  }

  async function send(item) {
    if (item.batch) {
      const body = JSON.stringify(item.batch.map(({ i, id }) => event(i, id)));
      const { status, text } = await post(`/batch/${APP}`, body);
      let results = [];
      if (status === 200) results = JSON.parse(text).results;
      item.batch.forEach(({ id }, k) => {
        const r = results.find((x) => x.index === k);
        answers.set(id, r ? r.status : answerOf(status, text));
      });
      return;
    }
    const body = JSON.stringify(event(item.i, item.id));
    const idempotent = item.i % 7 === 0;
    const extra = idempotent ? { "idempotency-key": item.id } : {};
    const { status, text } = await post(`/inappevent/${APP}`, body, extra);
    answers.set(item.id, answerOf(status, text));
    if (idempotent) {
      // The client sends it again, as one does after a slow answer.
      const again = await post(`/inappevent/${APP}`, body, extra);
      repeats.push({ id: item.id, first: answerOf(status, text), ...again });
    }
  }

  let next = 0;
  let outageAt;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, work.length) }, async () => {
      while (next < work.length) {
        if (outageAt === undefined && next >= work.length / 2) {
          outageAt = performance.now();
          fake.outage(OUTAGE_S * 1000);
        }
        await send(work[next++]);
      }
    }),
  );
  const sendSeconds = (performance.now() - started) / 1000;
  const accepted = ids.filter((id) => ["delivered", "queued"].includes(answers.get(id)));

  // Wait (bounded) until every accepted event is delivered or dead-lettered,
  // the Worker's logs show no message left in the retry queue, and nothing
  // reached the fake for QUIET_MS (late retries would be duplicates).
  const index = () => {
    const delivered = new Set();
    for (const r of fake.requests) if (r.outcome >= 200 && r.outcome < 300) delivered.add(soakId(r.body));
    const dead = new Set(fake.deadLetters.map((d) => soakId(d.body ?? "")));
    return { delivered, dead };
  };
  /** Messages put on the retry queue minus messages the consumer handled, from the logs. */
  const inQueue = () => {
    let n = 0;
    for (const line of eventLogs(output)) {
      if (line.outcome === "queued" || line.outcome === "held") n++;
      if (line.route === "queue") n--;
    }
    return n;
  };
  const drainStart = performance.now();
  let lastActivity = performance.now();
  let lastCount = -1;
  let drained = false;
  while (performance.now() - drainStart < DRAIN_MS) {
    const count = fake.requests.length + fake.deadLetters.length;
    if (count !== lastCount) {
      lastCount = count;
      lastActivity = performance.now();
    }
    const { delivered, dead } = index();
    const open = accepted.filter((id) => !delivered.has(id) && !dead.has(id)).length;
    if (open === 0 && performance.now() - lastActivity >= QUIET_MS && inQueue() === 0) {
      drained = true;
      break;
    }
    await sleep(250);
  }
  const seconds = (performance.now() - started) / 1000;

  // The accounting.
  const { delivered, dead } = index();
  const deliveredCount = accepted.filter((id) => delivered.has(id)).length;
  const deadLettered = accepted.filter((id) => dead.has(id));
  const lost = accepted.filter((id) => !delivered.has(id) && !dead.has(id));
  const notAccepted = ids.filter((id) => !accepted.includes(id));
  const refused = notAccepted.filter((id) => REFUSED_WITH_REASON.has(answers.get(id)));
  const unexplained = notAccepted.filter((id) => !REFUSED_WITH_REASON.has(answers.get(id)));

  // Which events the Worker marked ambiguous in a log line (their names carry their index).
  const markedAmbiguous = new Set();
  for (const line of eventLogs(output)) {
    if (line.ambiguous && line.eventName?.startsWith("af_soak_")) markedAmbiguous.add(ids[Number(line.eventName.slice(8))]);
  }

  // Duplicates: every copy the fake took after the first, attributed to what
  // happened to the copy before it.
  const byId = new Map();
  for (const r of fake.requests) {
    const id = soakId(r.body);
    if (!byId.has(id)) byId.set(id, []);
    byId.get(id).push(r);
  }
  const dup = { total: 0, events: 0, afterHang: 0, afterReset: 0, after2xx: 0, unmarked: 0 };
  let changedBodies = 0;
  for (const [id, records] of byId) {
    if (new Set(records.map((r) => r.body)).size > 1) changedBodies++;
    const taken = records.filter((r) => r.accepted);
    if (taken.length < 2) continue;
    dup.events++;
    if (!markedAmbiguous.has(id)) dup.unmarked++;
    for (let k = 1; k < taken.length; k++) {
      dup.total++;
      const before = taken[k - 1];
      if (before.outcome === "hang") dup.afterHang++;
      else if (before.outcome === "drop") dup.afterReset++;
      else dup.after2xx++;
    }
  }
  const repeatsSent = repeats.filter((r) => !(r.replayed || r.status === 409 || answerOf(r.status, r.text) === "503 unavailable"));
  const falseDelivered = ids.filter((id) => answers.get(id) === "delivered" && !delivered.has(id)).length;
  const attempts = fake.requests.length;
  const faults = {};
  for (const r of fake.requests) if (r.fault) faults[r.fault] = (faults[r.fault] ?? 0) + 1;
  const outageFailures = fake.requests.filter((r) => !r.fault && r.outcome === 503).length;
  const sendLines = eventLogs(output).filter((l) =>
    ["delivered", "queued", "held", "dead_lettered", "rejected", "unavailable"].includes(l.outcome),
  );
  const mostAttempts = Math.max(0, ...eventLogs(output).filter((l) => l.route === "queue").map((l) => l.attempt));

  if (unexplained.length > 0) {
    const kinds = [...new Set(unexplained.map((id) => answers.get(id)))].slice(0, 5).join("; ");
    fail(`${unexplained.length} events neither accepted nor refused for a stated reason (${kinds})`);
  }
  if (lost.length > 0) fail(`${lost.length} accepted events lost, e.g. ${lost.slice(0, 5).join(", ")}`);
  if (deadLettered.length > 0) fail(`${deadLettered.length} events dead-lettered within the retry budget`);
  if (!drained) fail(`the retry queue did not drain within ${DRAIN_MS / 1000} s (${inQueue()} messages in it by the logs)`);
  if (dup.after2xx > 0) fail(`${dup.after2xx} duplicates after a 2xx answer`);
  if (dup.unmarked > 0) fail(`${dup.unmarked} duplicated events were never marked ambiguous in a log line`);
  if (repeatsSent.length > 0) fail(`${repeatsSent.length} repeats of idempotent requests were not answered from the first`);
  if (falseDelivered > 0) fail(`${falseDelivered} events answered "delivered" without a 2xx at the fake`);
  if (changedBodies > 0) fail(`${changedBodies} events were sent with different bodies across attempts`);
  if (accepted.length === 0) fail("no event was accepted");
  if (mostAttempts <= 8) fail(`no event needed more than 8 attempts (most: ${mostAttempts}): the outage did not outlast the old window`);

  console.log(
    `soak: ${N} sent, ${accepted.length} accepted, ${refused.length} refused with a reason, ${unexplained.length} unexplained; ` +
      `${deliveredCount} delivered, ${deadLettered.length} dead-lettered, ${lost.length} lost; ` +
      `${dup.total} duplicates (${dup.afterHang} after ambiguous timeouts, ${dup.afterReset} after ambiguous resets, ` +
      `${dup.after2xx} after a 2xx answer; ${dup.events} events, ${dup.unmarked} unmarked)`,
  );
  console.log(
    `soak: ${repeats.length} idempotent requests sent twice: ${repeats.filter((r) => r.replayed).length} repeats answered ` +
      `from the first, ${repeats.filter((r) => r.status === 409).length} while in flight, ${repeatsSent.length} sent again`,
  );
  console.log(
    `soak: ${attempts} requests reached the fake AppsFlyer, ${Object.values(faults).reduce((a, b) => a + b, 0)} ` +
      `failed at random (${Object.entries(faults)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}), ${outageFailures} in the ${OUTAGE_S} s outage; the most attempts of one event: ${mostAttempts} ` +
      `(the Worker used to give up after 8); the Worker logged ${sendLines.length} sends`,
  );
  if (notAccepted.length > 0) {
    const kinds = notAccepted.reduce((m, id) => ((m[answers.get(id)] = (m[answers.get(id)] ?? 0) + 1), m), {});
    console.log(`soak: not accepted: ${Object.entries(kinds).map(([k, v]) => `${v}× ${k}`).join("; ")}`);
  }
  console.log(
    `soak: ${seconds.toFixed(1)} s in all (${sendSeconds.toFixed(1)} s sending with ${CONCURRENCY} at a time, ` +
      `seed ${SEED}, fault rate ${RATE}, retry budget ${BUDGET_S} s, outage ${OUTAGE_S} s, upstream timeout ${TIMEOUT_MS} ms)`,
  );
} finally {
  await mf.dispose();
  await fake.close();
}

if (failed) {
  for (const p of problems) console.log(`soak: ${p}`);
  console.log("soak: FAIL");
  process.exit(1);
}
console.log("soak: PASS");
