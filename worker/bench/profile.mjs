// Where the Worker's isolate spends its time: a V8 sampling profile of the
// built Worker in Miniflare (workerd) with its V8 inspector open, while
// autocannon posts the typical event over loopback (forwarded to the fake
// AppsFlyer on 127.0.0.1, answered 200); the same for the plain-JS
// pass-through Worker (worker/bench/passthrough.mjs) in the same run, for
// scale. A tool for finding what to optimise, not a benchmark.
//
// Samples are summed by kind and printed as shares of the sampled time:
// `(idle)` is the isolate waiting; `(program)` is native code on the isolate's
// thread outside any JavaScript frame (workerd's event loop and I/O, which the
// pass-through pays alike); JS + wasm is the Worker's own code, runtime the
// runtime APIs it calls (no script URL), GC the garbage collector. With
// CPU_TOP=N, the N functions with the most self time follow.
//
// The absolute times are inflated by the profiler and by the inspector itself
// (console.log, for one, is much dearer with an inspector attached), so this
// gives no CPU-per-event figure: shares and rankings only. CPU per forwarded
// event is measured by worker/bench/bench.mjs, without an inspector.
//
//   node worker/bench/profile.mjs      (not part of `make bench-worker`)
//
// Env: CPU_SECONDS (8), CPU_CONNECTIONS (8), CPU_TOP (0), CPU_SCRIPT (another
// build of the Worker, inside this repository, e.g. one that
// `make bench-worker-baseline` built under target/worker-baseline/).

import autocannon from "autocannon";
import WebSocket from "ws";
import { TOKENS, start, startPassthrough } from "../test/harness.mjs";
import { TYPICAL_EVENT } from "./measure.mjs";

const SECONDS = Number(process.env.CPU_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.CPU_CONNECTIONS ?? 8);
const TOP = Number(process.env.CPU_TOP ?? 0);
const APP = "com.example.app";
const WORKER_INSPECTOR = 9331;
const PASSTHROUGH_INSPECTOR = 9332;

const { mf, fake, output } = await start({
  ...(process.env.CPU_SCRIPT ? { script: process.env.CPU_SCRIPT } : {}),
  bindings: { FILL_IP: "false" },
  port: 0,
  inspectorPort: WORKER_INSPECTOR,
});
const passthrough = startPassthrough(fake, { inspectorPort: PASSTHROUGH_INSPECTOR });

try {
  const headers = { authorization: `Bearer ${TOKENS[0]}`, "content-type": "application/json" };
  for (const [name, server, inspector, pattern] of [
    ["worker", mf, WORKER_INSPECTOR, /appsflyer-s2s/],
    ["pass-through", passthrough, PASSTHROUGH_INSPECTOR, /.*/],
  ]) {
    const url = new URL(`/inappevent/${APP}`, await server.ready).href;
    const load = (seconds) =>
      autocannon({ url, method: "POST", headers, body: TYPICAL_EVENT, connections: CONNECTIONS, duration: seconds });
    await load(2); // warm-up: compiled code, pooled connections
    const profiler = await connect(inspector, pattern);
    await profiler.call("Profiler.enable");
    await profiler.call("Profiler.setSamplingInterval", { interval: 100 });
    await profiler.call("Profiler.start");
    const r = await load(SECONDS);
    const { result } = await profiler.call("Profiler.stop");
    profiler.close();
    if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
      throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts`);
    }
    const kinds = sumByKind(result.profile);
    const total = kinds.idle + kinds.program + kinds.own;
    const busy = kinds.program + kinds.own;
    const pct = (ms, of) => `${((100 * ms) / of).toFixed(1)}%`;
    console.log(
      `${name}: ${r["2xx"]} requests, ${result.profile.samples.length} samples; of the sampled time: ` +
        `idle ${pct(kinds.idle, total)}, outside JS (program) ${pct(kinds.program, total)}, ` +
        `JS+wasm ${pct(kinds.code, total)}, runtime ${pct(kinds.native, total)}, GC ${pct(kinds.gc, total)}; ` +
        `of the non-idle time: in the isolate (JS+wasm, runtime, GC) ${pct(kinds.own, busy)}, ` +
        `outside JS ${pct(kinds.program, busy)}`,
    );
    if (TOP > 0) {
      console.log(`${name}: top ${TOP} functions by self time (share of the sampled time):`);
      printTop(result.profile, TOP, total);
    }
    fake.reset();
    output.text = "";
  }
  console.log(
    "profile: shares of V8 samples under the inspector; absolute times are inflated by the profiler " +
      "and the inspector (see worker/bench/bench.mjs for CPU per forwarded event)",
  );
} finally {
  await passthrough.dispose();
  await mf.dispose();
  await fake.close();
}

/** A Chrome DevTools Protocol session with the inspector target whose id or title matches. */
async function connect(port, pattern) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => pattern.test(`${t.id} ${t.title}`)) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target.id}`);
  await new Promise((ok, fail) => ws.once("open", ok).once("error", fail));
  let next = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data);
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  return {
    call: (method, params = {}) =>
      new Promise((ok) => {
        const id = ++next;
        pending.set(id, ok);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** Milliseconds of samples by kind. */
function sumByKind(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const kinds = { idle: 0, program: 0, gc: 0, native: 0, code: 0 };
  profile.samples.forEach((id, i) => {
    const { functionName, url } = byId.get(id).callFrame;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (functionName === "(idle)") kinds.idle += ms;
    else if (functionName === "(program)") kinds.program += ms;
    else if (functionName === "(garbage collector)") kinds.gc += ms;
    else if (url === "") kinds.native += ms;
    else kinds.code += ms;
  });
  kinds.own = kinds.code + kinds.native + kinds.gc;
  return kinds;
}

function printTop(profile, n, total) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
