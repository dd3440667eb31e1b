// CPU time per forwarded event: the built Worker in Miniflare (workerd)
// forwards N valid events (raw PII hashed, sent to the fake AppsFlyer on
// 127.0.0.1, answered 200), one at a time after a warm-up. The CPU time
// (user + system, from /proc) of the workerd process over those N requests,
// divided by N, is an upper bound on the Worker's CPU per event: it also
// counts Miniflare's entry worker and workerd's HTTP in and out. The same
// measure for N `GET /health` requests is the floor of that machinery, and
// for N `POST /validate` requests (the same event validated and hashed, not
// sent) isolates the event work. Run with `make bench-worker`.

import { TOKENS, start } from "./harness.mjs";
import { TYPICAL_EVENT, cpuMs, workerdPids } from "./measure.mjs";

const N = Number(process.env.BENCH_EVENTS ?? 2000);
const WARMUP = 200;

const EVENT = TYPICAL_EVENT;


const { mf, fake } = await start({ bindings: { FILL_IP: "false" } });
try {
  const pids = workerdPids();
  if (pids.length === 0) throw new Error("no workerd process found under this Node process");
  const headers = { authorization: `Bearer ${TOKENS[0]}`, "content-type": "application/json" };

  async function run(count, path, init) {
    for (let i = 0; i < count; i++) {
      const res = await mf.dispatchFetch(`http://127.0.0.1${path}`, init);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
    }
  }
  async function measure(label, path, init) {
    await run(WARMUP, path, init);
    fake.reset();
    const cpu0 = cpuMs(pids);
    const t0 = performance.now();
    await run(N, path, init);
    const wall = performance.now() - t0;
    const cpu = cpuMs(pids) - cpu0;
    console.log(
      `${label}: ${N} requests, workerd CPU ${cpu.toFixed(0)} ms = ${(cpu / N).toFixed(3)} ms per request ` +
        `(wall ${(wall / N).toFixed(3)} ms per request)`,
    );
    return cpu / N;
  }

  const forward = await measure("POST /inappevent (forwarded, 200)", "/inappevent/com.example.app", {
    method: "POST",
    headers,
    body: EVENT,
  });
  if (fake.requests.length !== N) throw new Error(`expected ${N} forwarded events, fake AppsFlyer got ${fake.requests.length}`);
  const validate = await measure("POST /validate (validated and hashed, not sent)", "/validate/com.example.app", {
    method: "POST",
    headers,
    body: EVENT,
  });
  const floor = await measure("GET /health (floor)", "/health", { method: "GET" });
  console.log(
    `CPU per forwarded event: ≤ ${forward.toFixed(3)} ms (workerd total); ` +
      `${(forward - floor).toFixed(3)} ms above the /health floor, of which ` +
      `${(validate - floor).toFixed(3)} ms is reading, validating and hashing the event`,
  );
} finally {
  await mf.dispose();
  await fake.close();
}
