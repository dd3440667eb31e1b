// CPU time per forwarded event, at a fixed request rate: the built Worker in
// Miniflare (workerd) serves HTTP on 127.0.0.1 on a socket of its own
// (Miniflare's `unsafeDirectSockets`: no entry worker in front, as in
// production) and forwards the typical event
// to the fake AppsFlyer on 127.0.0.1 (raw PII hashed, answered 200); the
// plain-JS pass-through Worker (worker/bench/passthrough.mjs) runs in its own
// Miniflare, so in its own workerd process, also on a direct socket, for
// scale. autocannon (in this
// Node process) sends each target requests at BENCH_RATE req/s over 16
// connections for BENCH_SECONDS; the CPU time (user + system, from /proc) of
// that target's own workerd processes over the run, divided by the 2xx
// answers, is its CPU per request. Each target is warmed up first; then
// rounds alternate the targets, so drift on a shared machine hits all alike,
// and the median over the rounds is printed with every round's value.
//
// Why a fixed rate: workerd's CPU per request depends on how hard it is
// driven. One request at a time, workerd sits idle between requests and its
// wake-ups dominate (about 1 ms per request even for `GET /health`); flat
// out, the figure depends on how fast this machine's load generator is. At a
// fixed rate, the same for every target, the figures are stable from round to
// round and comparable between targets.
//
// What the figure includes: the Worker's own work (auth, validation,
// normalization, hashing, logging, the outgoing fetch) and also workerd's
// HTTP in (parsing the request, writing the answer) and out (the fetch to the
// fake), and workerd's background work over the run. So it is an upper bound
// on the isolate CPU Cloudflare counts. Miniflare's entry worker, which
// requests to Miniflare's own port pass through (and `wrangler dev`'s), is a
// local construct Cloudflare does not run; it costs ~0.3 ms per request, shown
// by one more target through it. Measured for:
//   - Worker POST /inappevent/{app} (forwarded; the fake must have got them),
//   - Worker POST /validate/{app} (the same event validated and hashed, not sent),
//   - Worker GET /health (the floor of the machinery),
//   - pass-through POST /inappevent/{app} (forwarded unchanged),
//   - Worker POST /inappevent/{app} through Miniflare's entry worker.
// The fake AppsFlyer and autocannon run in this Node process, not in workerd,
// so their CPU is not counted.
//
//   node worker/bench/bench.mjs     (`make bench-worker` runs it)
//
// Side by side with another build: BENCH_BASELINE=<another worker/build/index.js>
// (`make bench-worker-baseline WORKER_BASELINE=<commit>` builds one from a
// commit and runs this) measures this build's and that build's POST
// /inappevent, each in a Miniflare (so a workerd) of its own, in alternating
// rounds (and the pass-through for scale), and prints both medians and the
// median of the per-round ratios (this build ÷ the baseline). The baseline
// runs without the status store binding, which builds before the status page
// do not know.
//
// Env: BENCH_ROUNDS (5; 7 with a baseline), BENCH_RATE (500 req/s), BENCH_SECONDS (3).
// Throws on any non-2xx answer, error or timeout, and when fewer than 90% of
// the expected requests (rate × seconds) were answered. Figures are printed,
// not asserted.

import { resolve } from "node:path";
import autocannon from "autocannon";
import { TOKENS, start, startPassthrough } from "../test/harness.mjs";
import { TYPICAL_EVENT, cpuMs, workerdPids } from "./measure.mjs";

const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : null;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (BASELINE ? 7 : 5));
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 16;
const APP = "com.example.app";

const { mf, fake, output, directUrl } = await start({ bindings: { FILL_IP: "false" }, port: 0, direct: true });
const workerPids = workerdPids();
const passthrough = startPassthrough(fake, { direct: true });
let baseline = null;
const fakeOfAll = fake;
const outputOfAll = output;
try {
  const entryUrl = await mf.ready;
  const workerUrl = directUrl;
  await passthrough.ready;
  const passthroughUrl = await passthrough.unsafeGetDirectURL();
  const passthroughPids = workerdPids().filter((p) => !workerPids.includes(p));
  if (workerPids.length === 0 || passthroughPids.length === 0) {
    throw new Error("no workerd process found under this Node process");
  }
  const headers = { authorization: `Bearer ${TOKENS[0]}`, "content-type": "application/json" };
  const forward = { name: "Worker POST /inappevent (forwarded, 200)", key: "forward", base: workerUrl, pids: workerPids, path: `/inappevent/${APP}`, forwarded: true };
  const pass = { name: "pass-through POST /inappevent", key: "passthrough", base: passthroughUrl, pids: passthroughPids, path: `/inappevent/${APP}`, forwarded: true };
  let targets;
  if (BASELINE) {
    const known = workerdPids();
    baseline = await start({ script: BASELINE, status: false, bindings: { FILL_IP: "false" }, port: 0, direct: true });
    const baselinePids = workerdPids().filter((p) => !known.includes(p));
    if (baselinePids.length === 0) throw new Error("no workerd process found for the baseline");
    const base = { name: `baseline POST /inappevent (${process.env.BENCH_BASELINE})`, key: "baseline", base: baseline.directUrl, pids: baselinePids, path: `/inappevent/${APP}`, forwarded: true, fake: baseline.fake, output: baseline.output };
    targets = [forward, base, pass];
  } else {
    targets = [
      forward,
      { name: "Worker POST /validate (not sent)", key: "validate", base: workerUrl, pids: workerPids, path: `/validate/${APP}` },
      { name: "Worker GET /health", key: "health", base: workerUrl, pids: workerPids, path: "/health", get: true },
      pass,
      { name: "Worker POST /inappevent through Miniflare's entry worker", key: "entry", base: entryUrl, pids: workerPids, path: `/inappevent/${APP}`, forwarded: true },
    ];
  }
  for (const t of targets) t.cpu = [];

  async function run(target, seconds) {
    const fake = target.fake ?? fakeOfAll;
    const output = target.output ?? outputOfAll;
    fake.reset();
    output.text = "";
    const cpu0 = cpuMs(target.pids);
    const r = await autocannon({
      url: new URL(target.path, target.base).href,
      method: target.get ? "GET" : "POST",
      headers: target.get ? {} : headers,
      body: target.get ? undefined : TYPICAL_EVENT,
      connections: CONNECTIONS,
      overallRate: RATE,
      duration: seconds,
    });
    const cpu = cpuMs(target.pids) - cpu0;
    const ok = r["2xx"];
    if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
      throw new Error(`${target.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts`);
    }
    const expected = RATE * seconds;
    if (ok < 0.9 * expected) {
      throw new Error(`${target.name}: ${ok} answers in ${seconds} s, fewer than 90% of the ${expected} expected at ${RATE} req/s`);
    }
    if (target.forwarded) {
      // Requests still in flight when autocannon stopped may have reached
      // the fake without their answer being counted: at least `ok`.
      const got = fake.requests.filter((q) => q.appId === APP && q.outcome === 200).length;
      if (got < ok || got !== fake.requests.length) {
        throw new Error(`${target.name}: ${ok} answered 2xx, the fake AppsFlyer answered 200 to ${got} of ${fake.requests.length}`);
      }
    }
    fake.reset();
    output.text = "";
    return cpu / ok;
  }

  for (const t of targets) await run(t, WARMUP_SECONDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const t of targets) t.cpu.push(await run(t, SECONDS));
  }

  const median = (list) => {
    const s = [...list].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const med = {};
  for (const t of targets) {
    med[t.key] = median(t.cpu);
    console.log(
      `${t.name}: median ${med[t.key].toFixed(3)} ms workerd CPU per request ` +
        `[${t.cpu.map((x) => x.toFixed(3)).join(" ")}]`,
    );
  }
  console.log(
    `bench: ${ROUNDS} round(s) of ${SECONDS} s per target at ${RATE} req/s, ${CONNECTIONS} connections, ` +
      `after ${WARMUP_SECONDS} s warm-ups, typical event (${TYPICAL_EVENT.length} bytes), loopback`,
  );
  if (BASELINE) {
    const ratios = targets[0].cpu.map((x, i) => x / targets[1].cpu[i]);
    console.log(
      `CPU per forwarded event (workerd process, at ${RATE} req/s): this build ${med.forward.toFixed(3)} ms, ` +
        `baseline ${med.baseline.toFixed(3)} ms; this build ÷ baseline: median of the per-round ratios ` +
        `${median(ratios).toFixed(3)} [${ratios.map((x) => x.toFixed(3)).join(" ")}], ratio of the medians ` +
        `${(med.forward / med.baseline).toFixed(3)}; pass-through ${med.passthrough.toFixed(3)} ms`,
    );
  } else {
    console.log(
      `CPU per forwarded event (workerd process, at ${RATE} req/s): ≤ ${med.forward.toFixed(3)} ms ` +
        `(upper bound: includes workerd's HTTP in and out) (target ≤ 1 ms); ` +
        `pass-through ${med.passthrough.toFixed(3)} ms; /validate ${med.validate.toFixed(3)}, /health ${med.health.toFixed(3)}; ` +
        `through Miniflare's entry worker ${med.entry.toFixed(3)} ms`,
    );
  }
} finally {
  await passthrough.dispose();
  await mf.dispose();
  await fake.close();
  if (baseline) {
    await baseline.mf.dispose();
    await baseline.fake.close();
  }
}
