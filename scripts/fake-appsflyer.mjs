#!/usr/bin/env node
// A stand-in for AppsFlyer's S2S Send Event API on 127.0.0.1, for the
// Worker's tests (imported) and for `make dev` (run as a CLI, printing each
// event it receives).
//
//   POST /inappevent/{app_id}   records the request and answers like AppsFlyer:
//                               200 "OK" when an `authentication` header is present,
//                               401 "Unauthorized" otherwise, unless a fault is planned.
//   POST /__dead-letter         records a dead letter (posted by the tests' recorder Worker).
//
// Faults (tests): `fake.plan(appId, [{status: 503}, {status: 200}])` answers the
// next requests for that app in order; `{status, body, headers}` is an answer
// (`delay: ms` sends it that much later), `{hang: true}` never answers (a
// timeout), `{drop: true}` destroys the socket (a network error). An empty
// plan falls back to the default answer. `fake.outage(ms, step)` answers
// every request with `step` (default a 503) for the next `ms` milliseconds.
// `accepted: true` on a hang or drop means AppsFlyer took the event before
// failing to answer (the ambiguous case: a resend is a duplicate).
//
// Random faults (soak): `fake.faults({seed, rate})` (or the `faults` option)
// fails about `rate` of the requests that have no planned step: 500, 503, 429
// with `Retry-After`, a reset, a hang, or a reset or hang after accepting the
// event. A request's fate is a hash of the seed, the app id, the body and how
// many times that body came before, so a run is reproducible whatever the
// order requests arrive in. `fake.faults(null)` turns them off.
//
// Each record in `fake.requests` also says what the fake did (`outcome`: the
// status, "hang" or "drop"; `fault`: the random fault's name, if any) and
// whether AppsFlyer counts the event (`accepted`: a 2xx, or an accepted hang
// or drop).
//
// CLI: node scripts/fake-appsflyer.mjs [--port 8788] [--host 127.0.0.1]
//      [--fault-rate 0.33] [--seed 1]   (random faults, off by default)
// The S2S key is never printed: only whether it was present and its length.

import { createHash } from "node:crypto";
import http from "node:http";
import { fileURLToPath } from "node:url";

/**
 * The random faults, in equal shares: what the fake does instead of answering 200.
 * `accepted`: AppsFlyer took the event before failing to answer.
 */
export const FAULTS = {
  http500: { status: 500, body: "Internal Server Error" },
  http503: { status: 503, body: "Service Unavailable" },
  http429: { status: 429, body: "Too Many Requests", retryAfter: true },
  reset: { drop: true },
  hang: { hang: true },
  reset_after_accept: { drop: true, accepted: true },
  hang_after_accept: { hang: true, accepted: true },
};

/**
 * Starts the fake AppsFlyer.
 * @param {{port?: number, host?: string, print?: (line: string) => void,
 *   faults?: {seed?: string|number, rate?: number} | null}} [options]
 */
export async function startFakeAppsFlyer({ port = 0, host = "127.0.0.1", print, faults = null } = {}) {
  /** Every /inappevent request: {appId, path, headers, body, at}. */
  const requests = [];
  /** Every dead letter posted to /__dead-letter (parsed JSON). */
  const deadLetters = [];
  const plans = new Map();
  const hanging = new Set();
  const waiters = new Set();
  /** The random fault plan, and how often each (app id, body) was seen. */
  let faultPlan = null;
  /** An outage: until when, and the answer meanwhile. */
  let outage = null;
  const seen = new Map();

  /** The random step for a request, or undefined (the default answer). */
  const randomStep = (appId, body) => {
    if (!faultPlan) return undefined;
    const digest = createHash("sha256").update(`${appId}\n${body}`).digest("hex");
    const n = seen.get(digest) ?? 0;
    seen.set(digest, n + 1);
    const h = createHash("sha256").update(`${faultPlan.seed}\n${digest}\n${n}`).digest();
    if (h.readUInt32BE(0) / 2 ** 32 >= faultPlan.rate) return undefined;
    const names = Object.keys(FAULTS);
    const fault = names[h.readUInt32BE(4) % names.length];
    const { retryAfter, ...step } = FAULTS[fault];
    if (retryAfter) step.headers = { "retry-after": String(h[8] % 3) };
    return { ...step, fault };
  };

  const notify = () => {
    for (const w of [...waiters]) {
      if (w.check()) {
        waiters.delete(w);
        w.resolve();
      }
    }
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url, "http://fake");
      if (req.method === "POST" && url.pathname === "/__dead-letter") {
        try {
          deadLetters.push(JSON.parse(body));
        } catch {
          deadLetters.push({ unparsable: body });
        }
        res.writeHead(204).end();
        notify();
        return;
      }
      const match = /^\/inappevent\/([^/]+)$/.exec(url.pathname);
      if (req.method !== "POST" || !match) {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
        return;
      }
      const appId = decodeURIComponent(match[1]);
      const record = { appId, path: req.url, headers: { ...req.headers }, body, at: Date.now() };
      requests.push(record);
      if (print) print(describe(record));
      const down = outage && Date.now() < outage.until ? { ...outage.step } : undefined;
      const step = down ?? plans.get(appId)?.shift() ?? randomStep(appId, body);
      if (step?.fault) record.fault = step.fault;
      if (step?.hang || step?.drop) {
        record.outcome = step.hang ? "hang" : "drop";
        record.accepted = step.accepted === true;
        if (step.hang) {
          hanging.add(res);
          res.on("close", () => hanging.delete(res));
        } else {
          req.socket.destroy();
        }
        notify();
        return;
      }
      const answer = step ?? defaultAnswer(req.headers);
      record.outcome = answer.status;
      record.accepted = answer.status >= 200 && answer.status < 300;
      const respond = () => {
        res.writeHead(answer.status, { "content-type": "text/plain", ...(answer.headers ?? {}) });
        res.end(answer.body ?? (answer.status === 200 ? "OK" : ""));
        notify();
      };
      if (answer.delay) {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        setTimeout(respond, answer.delay);
      } else {
        respond();
      }
    });
  });
  // Connections opened by callers: a Worker that reuses its connections
  // opens a few; one that opens a connection per event pays for it in CPU
  // on both sides (worker/test/load.mjs prints it).
  const stats = { connections: 0 };
  server.on("connection", () => stats.connections++);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  if (faults) faultPlan = { seed: String(faults.seed ?? 1), rate: faults.rate ?? 1 / 3 };

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    deadLetters,
    /** TCP connections accepted so far. */
    get connections() {
      return stats.connections;
    },
    /** Plans the next answers for an app id. */
    plan(appId, steps) {
      plans.set(appId, [...steps]);
    },
    /** Answers every request with `step` (a 503 by default) for `ms` milliseconds. */
    outage(ms, step = { status: 503, body: "Service Unavailable" }) {
      outage = { until: Date.now() + ms, step };
    },
    /**
     * Random faults for requests without a planned step (see the top of the
     * file): `{seed = 1, rate = 1/3}`, or `null` for none.
     */
    faults(options) {
      faultPlan = options ? { seed: String(options.seed ?? 1), rate: options.rate ?? 1 / 3 } : null;
      seen.clear();
    },
    /** Forgets recorded requests, dead letters and plans (random faults stay). */
    reset() {
      requests.length = 0;
      deadLetters.length = 0;
      plans.clear();
      seen.clear();
      outage = null;
    },
    /** Resolves once `check()` is true, rejects after `timeoutMs`. */
    waitFor(check, timeoutMs = 10_000, what = "condition") {
      if (check()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        // Checked on every request received, and every 50 ms for conditions
        // on other things (log lines).
        const poll = setInterval(notify, 50);
        const waiter = {
          check,
          resolve() {
            clearInterval(poll);
            resolve();
          },
        };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) {
            clearInterval(poll);
            reject(new Error(`fake AppsFlyer: timed out waiting for ${what}`));
          }
        }, timeoutMs).unref();
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function defaultAnswer(headers) {
  return headers.authentication
    ? { status: 200, body: "OK" }
    : { status: 401, body: "Unauthorized" };
}

function describe({ appId, headers, body }) {
  const key = headers.authentication;
  let pretty = body;
  try {
    pretty = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // not JSON: print as received
  }
  const auth = key ? `present (${key.length} chars)` : "MISSING";
  return `[fake AppsFlyer] ${new Date().toISOString()} POST /inappevent/${appId}  authentication: ${auth}  content-type: ${headers["content-type"] ?? "-"}\n${pretty}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const rate = Number(option("fault-rate", "0"));
  const fake = await startFakeAppsFlyer({
    port: Number(option("port", "8788")),
    host: option("host", "127.0.0.1"),
    print: (line) => console.log(line),
    faults: rate > 0 ? { seed: option("seed", "1"), rate } : null,
  });
  const faulty = rate > 0 ? `, random faults on ${Math.round(rate * 100)}% of requests` : "";
  console.log(`[fake AppsFlyer] listening on ${fake.url} (POST /inappevent/{app_id} answers 200 OK${faulty})`);
  const stop = async () => {
    await fake.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
