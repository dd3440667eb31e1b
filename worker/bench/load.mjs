// Load: throughput and latency of the Worker over HTTP on loopback, against a
// minimal pass-through Worker (worker/bench/passthrough.mjs: plain JS,
// forwards the body unchanged) in the same run, with the same settings, the
// same event and the same fast upstream (the fake AppsFlyer on 127.0.0.1,
// answering 200 at once). Both are served by Miniflare (workerd) on
// 127.0.0.1, so both pay the same Miniflare/workerd stack; the ratio is what
// the Worker's own work (auth, validation, normalization, hashing, logging)
// costs. Load from autocannon (programmatic API), bounded in time: each
// Worker gets a warm-up, then rounds alternate the two (a measured run of
// each, in turn first) so drift on a shared machine hits both alike; the
// ratio is taken per round, and its median is printed with its range. Also
// printed per Worker, as medians over its measured runs: workerd's CPU per request (from /proc, as
// bench.mjs; here at full load, not a fixed rate), this Node process's CPU per
// request (autocannon and the fake AppsFlyer, on the same cores as workerd),
// and the TCP connections the fake AppsFlyer accepted (a Worker that pools its
// connections opens a few; one per event costs CPU on both sides).
//
//   node worker/bench/load.mjs     (`make bench-worker` runs it)
//
// Env: LOAD_SECONDS (5), LOAD_WARMUP_SECONDS (3), LOAD_CONNECTIONS (16),
// LOAD_ROUNDS (7), LOAD_PATH (/inappevent; /validate or /health to profile),
// LOAD_SCRIPT (another build of the Worker's index.js, to compare two builds).
// Figures are printed, not asserted. They are for capacity planning: what one
// workerd process serves on this machine, and at what latency. (A ratio of
// 0.8 to the pass-through was once a target; it was withdrawn, as the
// pass-through does none of the work: CHANGELOG.md.)

import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import autocannon from "autocannon";
import { TOKENS, start, startPassthrough } from "../test/harness.mjs";
import { TYPICAL_EVENT, cpuMs, workerdPids } from "./measure.mjs";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 5);
const WARMUP = Number(process.env.LOAD_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 7);
const ROUTE = process.env.LOAD_PATH ?? "/inappevent";
const APP = "com.example.app";

const EVENT = TYPICAL_EVENT;


const { mf, fake, output } = await start({
  bindings: { FILL_IP: "false" },
  port: 0,
  ...(process.env.LOAD_SCRIPT ? { script: resolve(process.env.LOAD_SCRIPT) } : {}),
});
const workerPids = workerdPids();
const passthrough = startPassthrough(fake);
try {
  const targets = [
    { name: "worker", url: new URL(`${ROUTE === "/health" ? "/health" : `${ROUTE}/${APP}`}`, await mf.ready), pids: workerPids },
    { name: "pass-through", url: new URL(`/inappevent/${APP}`, await passthrough.ready) },
  ];
  targets[1].pids = workerdPids().filter((p) => !workerPids.includes(p));
  const headers = { authorization: `Bearer ${TOKENS[0]}`, "content-type": "application/json" };

  async function run(target, seconds) {
    const health = target.url.pathname === "/health";
    const result = await autocannon({
      url: target.url.href,
      method: health ? "GET" : "POST",
      headers,
      body: health ? undefined : EVENT,
      connections: CONNECTIONS,
      duration: seconds,
    });
    fake.reset();
    output.text = "";
    return result;
  }

  // Warm each up once; then rounds alternate the two (in turn first), so
  // drift on a shared machine hits both alike. The ratio is taken per round
  // and its median printed with its range: a single run swings by ±0.1 here.
  for (const target of targets) await run(target, WARMUP);
  const totals = { worker: [], "pass-through": [] };
  const ratios = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const figures = {};
    for (const target of round % 2 ? targets : [...targets].reverse()) {
      const conns0 = fake.connections;
      const node0 = process.cpuUsage();
      const cpu0 = cpuMs(target.pids);
      const r = await run(target, SECONDS);
      const cpu = cpuMs(target.pids) - cpu0;
      const node = process.cpuUsage(node0);
      const conns = fake.connections - conns0;
      const ok = r["2xx"];
      if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
        throw new Error(`${target.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts`);
      }
      const f = {
        rps: ok / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        cpuPerReq: cpu / ok,
        nodeCpuPerReq: (node.user + node.system) / 1000 / ok,
        connections: conns,
      };
      figures[target.name] = f;
      totals[target.name].push(f);
    }
    ratios.push(figures.worker.rps / figures["pass-through"].rps);
    console.log(`load round ${round}: ${line(figures)}`);
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const mid = Object.fromEntries(
    Object.entries(totals).map(([name, list]) => [
      name,
      Object.fromEntries(Object.keys(list[0]).map((k) => [k, median(list.map((f) => f[k]))])),
    ]),
  );
  const f = (x) => `${x.rps.toFixed(0)} req/s p50 ${x.p50} ms p99 ${x.p99} ms`;
  console.log(
    `load: medians over ${ROUNDS} rounds: worker ${f(mid.worker)}; pass-through ${f(mid["pass-through"])}; ` +
      `ratio ${median(ratios).toFixed(2)} (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
  );
  console.log(
    `load: ${ROUNDS} alternating round(s) of ${SECONDS} s per Worker after a ${WARMUP} s warm-up of each, ${CONNECTIONS} connections, ` +
      `POST ${ROUTE === "/health" ? "GET /health" : `${ROUTE}/${APP}`} (${EVENT.length} bytes), loopback; ` +
      `workerd CPU per request: worker ${mid.worker.cpuPerReq.toFixed(3)} ms, pass-through ${mid["pass-through"].cpuPerReq.toFixed(3)} ms`,
  );
  const side = (f) =>
    `Node CPU ${f.nodeCpuPerReq.toFixed(3)} ms per request, fake AppsFlyer accepted ${f.connections.toFixed(0)} TCP connection(s)`;
  console.log(
    `load: per measured run (medians): worker ${side(mid.worker)}; pass-through ${side(mid["pass-through"])} ` +
      `(Node runs autocannon and the fake AppsFlyer on the same ${availableParallelism()} cores as workerd)`,
  );
} finally {
  await passthrough.dispose();
  await mf.dispose();
  await fake.close();
}

function line({ worker, "pass-through": pass }) {
  const f = (x) => `${x.rps.toFixed(0)} req/s p50 ${x.p50} ms p99 ${x.p99} ms`;
  return `worker ${f(worker)}; pass-through ${f(pass)}; ratio ${(worker.rps / pass.rps).toFixed(2)}`;
}
