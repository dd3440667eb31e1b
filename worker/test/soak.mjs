// Fault-injection soak: N events through the built Worker (Miniflare, real
// workerd and queues) while the fake AppsFlyer fails about a third of the
// requests at random (500, 503, 429 with Retry-After, connection resets,
// hangs past the Worker's upstream timeout, and resets and hangs *after* it
// took the event: the ambiguous case). Then it waits (bounded) for the retry
// queue to drain and accounts for every accepted event (a 200 or 202 answer):
// delivered (the fake answered 2xx for it) or dead-lettered, else lost.
// Duplicates are events the fake took more than once, attributed to what
// happened to the copy before.
//
//   node worker/test/soak.mjs [N]        (default 500; `make test` runs 500, `make bench` 10,000)
//
// Env: SOAK_CONCURRENCY (24), SOAK_SEED (1), SOAK_FAULT_RATE (0.33),
// SOAK_DRAIN_SECONDS (bound on the wait for the queue, 300).
// Prints one `soak:` line and PASS or FAIL; exits 1 on FAIL (any event lost,
// a "delivered" answer without a 2xx at the fake, or a body that changed
// between attempts).

import { TOKENS, eventLogs, sleep, start } from "./harness.mjs";

const N = Number(process.argv[2] ?? process.env.SOAK_EVENTS ?? 500);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 24);
const SEED = process.env.SOAK_SEED ?? "1";
const RATE = Number(process.env.SOAK_FAULT_RATE ?? 0.33);
const DRAIN_MS = Number(process.env.SOAK_DRAIN_SECONDS ?? 300) * 1000;
const QUIET_MS = 3000; // longer than a Retry-After (≤ 2 s) plus a timeout's slack
const APP = "com.example.app";
const MAX_ATTEMPTS = 5; // (1/3)^5: about 1 event in 250 is dead-lettered
const BATCH = 10; // every tenth group of 10 events goes through /batch
const TIMEOUT_MS = 1000;

if (!Number.isInteger(N) || N < 1) throw new Error(`soak: N must be a positive integer, got ${process.argv[2]}`);

/** The event with soak id `id`; every fifth one has raw PII to hash. */
function event(i, id) {
  const e = {
    appsflyer_id: "1415211453000-6513894",
    eventName: i % 3 === 0 ? "af_purchase" : "af_content_view",
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
    RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    RETRY_BASE_DELAY_MS: "0",
    UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
    RETRY_RATE_PER_MINUTE: "1000000",
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
  /** id → how the Worker answered: "delivered" | "queued" | other text. */
  const answers = new Map();
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
      return { status: res.status, text };
    } catch (e) {
      return { status: 0, text: String(e) };
    }
  }

  async function send(item) {
    if (item.batch) {
      const body = JSON.stringify(item.batch.map(({ i, id }) => event(i, id)));
      const { status, text } = await post(`/batch/${APP}`, body);
      let results = [];
      if (status === 200) results = JSON.parse(text).results;
      item.batch.forEach(({ id }, k) => {
        const r = results.find((x) => x.index === k);
        answers.set(id, r ? r.status : `batch ${status} ${text.slice(0, 80)}`);
      });
      return;
    }
    // Every seventh single event carries an idempotency key (the Durable Object path).
    const extra = item.i % 7 === 0 ? { "idempotency-key": item.id } : {};
    const { status, text } = await post(`/inappevent/${APP}`, JSON.stringify(event(item.i, item.id)), extra);
    const answer = status === 200 ? "delivered" : status === 202 ? "queued" : `${status} ${text.slice(0, 80)}`;
    answers.set(item.id, answer);
  }

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, work.length) }, async () => {
      while (next < work.length) await send(work[next++]);
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
      if (line.outcome === "queued") n++;
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
  const acceptedSet = new Set(accepted);
  const deliveredCount = accepted.filter((id) => delivered.has(id)).length;
  const deadOnly = accepted.filter((id) => !delivered.has(id) && dead.has(id)).length;
  const lost = accepted.filter((id) => !delivered.has(id) && !dead.has(id));
  const deliveredAndDead = accepted.filter((id) => delivered.has(id) && dead.has(id)).length;
  const notAccepted = ids.filter((id) => !acceptedSet.has(id));

  // Duplicates: every copy the fake took after the first, attributed to what
  // happened to the copy before it.
  const byId = new Map();
  for (const r of fake.requests) {
    const id = soakId(r.body);
    if (!byId.has(id)) byId.set(id, []);
    byId.get(id).push(r);
  }
  const dup = { total: 0, events: 0, afterHang: 0, afterReset: 0, after2xx: 0 };
  let changedBodies = 0;
  let deadButTaken = 0;
  for (const [id, records] of byId) {
    if (new Set(records.map((r) => r.body)).size > 1) changedBodies++;
    const taken = records.filter((r) => r.accepted);
    if (dead.has(id) && !delivered.has(id) && taken.length > 0) deadButTaken++;
    if (taken.length < 2) continue;
    dup.events++;
    for (let k = 1; k < taken.length; k++) {
      dup.total++;
      const before = taken[k - 1];
      if (before.outcome === "hang") dup.afterHang++;
      else if (before.outcome === "drop") dup.afterReset++;
      else dup.after2xx++;
    }
  }
  const falseDelivered = ids.filter((id) => answers.get(id) === "delivered" && !delivered.has(id)).length;
  const attempts = fake.requests.length;
  const faults = {};
  for (const r of fake.requests) if (r.fault) faults[r.fault] = (faults[r.fault] ?? 0) + 1;
  // The Worker's own view, from its logs: sends, and failures it saw that the
  // fake did not cause (network errors and timeouts beyond the injected ones).
  const sendLines = eventLogs(output).filter((l) =>
    ["delivered", "queued", "dead_lettered", "rejected", "unavailable"].includes(l.outcome),
  );
  const networkErrors = sendLines.filter((l) => l.reason?.startsWith("network error")).length;
  const timeouts = sendLines.filter((l) => l.reason?.startsWith("no answer within")).length;
  const drops = fake.requests.filter((r) => r.outcome === "drop").length;
  const hangs = fake.requests.filter((r) => r.outcome === "hang").length;
  const reasons = {};
  for (const d of fake.deadLetters) {
    const reason = `${d.dead_letter_reason} after ${d.attempts} attempts (${byId.get(soakId(d.body ?? ""))?.length ?? 0} at the fake)`;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }

  if (lost.length > 0) fail(`${lost.length} accepted events lost, e.g. ${lost.slice(0, 5).join(", ")}`);
  if (!drained) fail(`the retry queue did not drain within ${DRAIN_MS / 1000} s (${inQueue()} messages in it by the logs)`);
  if (falseDelivered > 0) fail(`${falseDelivered} events answered "delivered" without a 2xx at the fake`);
  if (changedBodies > 0) fail(`${changedBodies} events were sent with different bodies across attempts`);
  if (accepted.length === 0) fail("no event was accepted");

  const other = Object.entries(
    notAccepted.reduce((m, id) => ((m[answers.get(id)] = (m[answers.get(id)] ?? 0) + 1), m), {}),
  );
  console.log(
    `soak: ${N} sent, ${accepted.length} accepted, ${deliveredCount} delivered, ${deadOnly} dead-lettered, ` +
      `${lost.length} lost, ${dup.total} duplicates (${dup.afterHang} after ambiguous timeouts, ` +
      `${dup.afterReset} after ambiguous resets, ${dup.after2xx} after a 2xx answer)`,
  );
  console.log(
    `soak: ${attempts} requests reached the fake AppsFlyer, ${Object.values(faults).reduce((a, b) => a + b, 0)} ` +
      `failed on purpose (${Object.entries(faults)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}); dead letters: ${
        Object.entries(reasons)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "none"
      }; ${deadButTaken} dead-lettered events had been taken by AppsFlyer (ambiguous), ` +
      `${deliveredAndDead} both delivered and dead-lettered; ${dup.events} events duplicated`,
  );
  console.log(
    `soak: the Worker logged ${sendLines.length} sends (${attempts} reached the fake), ` +
      `${networkErrors} network errors (${drops} resets injected), ${timeouts} timeouts (${hangs} hangs injected)`,
  );
  if (notAccepted.length > 0) {
    console.log(`soak: ${notAccepted.length} not accepted: ${other.map(([k, v]) => `${v}× ${k}`).join("; ")}`);
  }
  console.log(
    `soak: ${seconds.toFixed(1)} s in all (${sendSeconds.toFixed(1)} s sending with ${CONCURRENCY} at a time, ` +
      `seed ${SEED}, fault rate ${RATE}, ${MAX_ATTEMPTS} attempts, upstream timeout ${TIMEOUT_MS} ms)`,
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
