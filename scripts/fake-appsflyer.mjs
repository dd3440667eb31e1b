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
// next requests for that app in order; `{status, body, headers}` is an answer,
// `{hang: true}` never answers (a timeout), `{drop: true}` destroys the socket
// (a network error). An empty plan falls back to the default answer.
//
// CLI: node scripts/fake-appsflyer.mjs [--port 8788] [--host 127.0.0.1]
// The S2S key is never printed: only whether it was present and its length.

import http from "node:http";
import { fileURLToPath } from "node:url";

/**
 * Starts the fake AppsFlyer.
 * @param {{port?: number, host?: string, print?: (line: string) => void}} [options]
 */
export async function startFakeAppsFlyer({ port = 0, host = "127.0.0.1", print } = {}) {
  /** Every /inappevent request: {appId, path, headers, body, at}. */
  const requests = [];
  /** Every dead letter posted to /__dead-letter (parsed JSON). */
  const deadLetters = [];
  const plans = new Map();
  const hanging = new Set();
  const waiters = new Set();

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
      const step = plans.get(appId)?.shift();
      if (step?.hang) {
        hanging.add(res);
        notify();
        return;
      }
      if (step?.drop) {
        req.socket.destroy();
        notify();
        return;
      }
      const answer = step ?? defaultAnswer(req.headers);
      res.writeHead(answer.status, { "content-type": "text/plain", ...(answer.headers ?? {}) });
      res.end(answer.body ?? (answer.status === 200 ? "OK" : ""));
      notify();
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    deadLetters,
    /** Plans the next answers for an app id. */
    plan(appId, steps) {
      plans.set(appId, [...steps]);
    },
    /** Forgets recorded requests, dead letters and plans. */
    reset() {
      requests.length = 0;
      deadLetters.length = 0;
      plans.clear();
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
  const fake = await startFakeAppsFlyer({
    port: Number(option("port", "8788")),
    host: option("host", "127.0.0.1"),
    print: (line) => console.log(line),
  });
  console.log(`[fake AppsFlyer] listening on ${fake.url} (POST /inappevent/{app_id} answers 200 OK)`);
  const stop = async () => {
    await fake.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
