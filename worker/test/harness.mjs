// Shared set-up of the Worker tests: the built Worker in Miniflare (real
// workerd, real queues, Durable Objects and rate limiter) with its outgoing
// fetch pointed at the fake AppsFlyer on 127.0.0.1, and every byte it logs
// captured (never cleared: leak scans read all of it).

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startFakeAppsFlyer } from "../../scripts/fake-appsflyer.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const WORKER_SCRIPT = resolve(root, "worker/build/index.js");
export const RETRY_QUEUE = "appsflyer-s2s-retry";
export const DEAD_LETTER_QUEUE = "appsflyer-s2s-dead-letter";

export const TOKENS = ["tok-caller-one-7f3a9c", "tok-caller-two-b81e44"];
export const KEYS = {
  "com.example.app": "s2s-key-android-5d2e8b91",
  "id123456789": "s2s-key-ios-0c7f1a36",
  "com.example/app": "s2s-key-slash-9e4d27aa",
};
export const ORIGIN = "https://shop.example";
/** Tokens of the status page (`STATUS_TOKENS`): never a caller's. */
export const STATUS_TOKENS = ["status-token-ops-91c2e7d4", "status-token-oncall-5b7a03"];

/**
 * Starts the fake AppsFlyer and Miniflare.
 *
 * - `bindings` overrides variables; `retryConsumer` the retry queue's
 *   consumer settings; `consumeDeadLetters` makes the Worker the dead-letter
 *   queue's consumer (replay); `faults` are the fake's random faults.
 * - `rateLimit` is the `CALLER_RATE_LIMIT` binding's limit per 10 s (high
 *   by default, so only the tests about it meet it).
 * - `broken`: `"idempotency"` binds `IDEMPOTENCY` to a Durable Object whose
 *   every call fails; `"queue"` binds `RETRY_QUEUE` and `DEAD_LETTER_QUEUE`
 *   to queues whose every `send` fails.
 * - `port` (0: any free one) also serves the Worker over HTTP through
 *   Miniflare's entry worker (its URL is `await mf.ready`); `direct` serves
 *   it on a socket of its own, as production does (`directUrl`);
 *   `inspectorPort` opens workerd's V8 inspector; `script` is another build.
 * - `status` (default true) binds the status store (`STATUS`, class
 *   `StatusStore`) and sets `STATUS_TOKENS` (below); false for a build from
 *   before the status page (the bench's baseline).
 */
export async function start({
  bindings = {},
  consumeDeadLetters = false,
  retryConsumer = {},
  faults = null,
  rateLimit = 1_000_000,
  broken = null,
  port,
  inspectorPort,
  direct = false,
  script = WORKER_SCRIPT,
  status = true,
} = {}) {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`make worker\` first`);
  const fake = await startFakeAppsFlyer({ faults });
  const output = { text: "" };
  const capture = (stream) => stream.on("data", (chunk) => (output.text += chunk.toString("utf8")));
  const worker = {
    name: "appsflyer-s2s",
    scriptPath: script,
    modules: true,
    // worker-build's output is an ES module in a .js file (a `script` may
    // also be an entry that imports it, as the benchmarks' baselines do).
    modulesRules: [
      { type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: true },
      { type: "ESModule", include: ["**/*.js"], fallthrough: true },
    ],
    compatibilityDate: "2026-04-20",
    compatibilityFlags: ["enable_request_signal"],
    bindings: {
      AF_ENDPOINT: fake.url,
      AF_S2S_KEYS: JSON.stringify(KEYS),
      CLIENT_TOKENS: TOKENS.join(", "),
      ALLOWED_ORIGINS: ORIGIN,
      DEFAULT_PHONE_REGION: "US",
      FILL_IP: "true",
      // A short schedule so retries happen within a test: 3 attempts, no backoff.
      RETRY_MAX_ATTEMPTS: "3",
      RETRY_BASE_DELAY_MS: "0",
      UPSTREAM_TIMEOUT_MS: "1000",
      DEAD_LETTER_QUEUE_NAME: DEAD_LETTER_QUEUE,
      ...(status ? { STATUS_TOKENS: STATUS_TOKENS.join(",") } : {}),
      ...bindings,
    },
    ratelimits: { CALLER_RATE_LIMIT: { simple: { limit: rateLimit, period: 10 } } },
    // `direct`: also serve the Worker on its own socket, without Miniflare's
    // entry worker in front (which production does not have): see `directUrl`.
    ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
    durableObjects: {
      IDEMPOTENCY:
        broken === "idempotency"
          ? { className: "Unreachable", scriptName: "unreachable-store" }
          : { className: "IdempotencyStore", useSQLite: true },
      ...(status ? { STATUS: { className: "StatusStore", useSQLite: true } } : {}),
    },
    ...(broken === "queue"
      ? { wrappedBindings: { RETRY_QUEUE: "failing-queue", DEAD_LETTER_QUEUE: "failing-queue" } }
      : { queueProducers: { RETRY_QUEUE, DEAD_LETTER_QUEUE } }),
    queueConsumers: {
      [RETRY_QUEUE]: {
        maxBatchSize: 10,
        maxBatchTimeout: 0,
        maxRetries: 10,
        deadLetterQueue: DEAD_LETTER_QUEUE,
        ...retryConsumer,
      },
      ...(consumeDeadLetters ? { [DEAD_LETTER_QUEUE]: { maxBatchSize: 10, maxBatchTimeout: 0 } } : {}),
    },
  };
  // Stands in for a person inspecting the dead-letter queue: posts each
  // dead letter to the fake AppsFlyer, which records it.
  const recorder = {
    name: "dead-letter-recorder",
    modules: true,
    compatibilityDate: "2026-04-20",
    bindings: { RECORD_URL: `${fake.url}/__dead-letter` },
    queueConsumers: { [DEAD_LETTER_QUEUE]: { maxBatchSize: 10, maxBatchTimeout: 0 } },
    script: `export default {
      async queue(batch, env) {
        for (const m of batch.messages) {
          await fetch(env.RECORD_URL, { method: "POST", body: JSON.stringify(m.body) });
          m.ack();
        }
      },
    };`,
  };
  // An idempotency store that cannot be reached: every call throws.
  const unreachableStore = {
    name: "unreachable-store",
    modules: true,
    compatibilityDate: "2026-04-20",
    script: `export class Unreachable { async fetch() { throw new Error("storage unavailable"); } }
      export default { fetch() { return new Response(null, { status: 404 }); } };`,
  };
  // Queues whose every send fails, with the class name workers-rs checks.
  const failingQueue = {
    name: "failing-queue",
    modules: true,
    script: `class WorkerQueue {
        async send() { throw new Error("queue unavailable"); }
        async sendBatch() { throw new Error("queue unavailable"); }
      }
      export default function () { return new WorkerQueue(); }`,
  };
  const mf = new Miniflare({
    host: "127.0.0.1",
    ...(port === undefined ? {} : { port }),
    ...(inspectorPort === undefined ? {} : { inspectorPort }),
    workers: [
      worker,
      ...(consumeDeadLetters ? [] : [recorder]),
      ...(broken === "idempotency" ? [unreachableStore] : []),
      ...(broken === "queue" ? [failingQueue] : []),
    ],
    handleRuntimeStdio(stdout, stderr) {
      capture(stdout);
      capture(stderr);
    },
  });
  await mf.ready;
  const directUrl = direct ? await mf.unsafeGetDirectURL("appsflyer-s2s") : undefined;
  return { mf, fake, output, directUrl };
}

/**
 * A test file's Workers: `worker(options)` starts one (see `start`) and
 * remembers it; `stopAll()` (for `after`) stops every one it started. Their
 * captured output stays readable until then, for the file's leak scan.
 */
export function workers() {
  const started = [];
  return {
    started,
    async worker(options = {}) {
      const w = await start(options);
      started.push(w);
      return w;
    },
    async stop(w) {
      started.splice(started.indexOf(w), 1);
      await w.mf.dispose();
      await w.fake.close();
    },
    async stopAll() {
      for (const { mf, fake } of started.splice(0)) {
        await mf.dispose();
        await fake.close();
      }
    },
  };
}

/**
 * The baseline of the benchmarks: the plain-JS pass-through Worker
 * (worker/bench/passthrough.mjs) in a Miniflare of its own (so a workerd
 * process of its own), forwarding to the same fake AppsFlyer as `fake`.
 * `direct` also serves it on a socket of its own without Miniflare's entry
 * worker (`await mf.unsafeGetDirectURL()`); `inspectorPort` opens its V8
 * inspector.
 */
export function startPassthrough(fake, { direct = false, inspectorPort } = {}) {
  return new Miniflare({
    host: "127.0.0.1",
    port: 0,
    ...(inspectorPort === undefined ? {} : { inspectorPort }),
    modules: true,
    scriptPath: resolve(root, "worker/bench/passthrough.mjs"),
    compatibilityDate: "2026-04-20",
    bindings: { AF_ENDPOINT: fake.url, AF_S2S_KEY: KEYS["com.example.app"] },
    ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
  });
}

/**
 * One request to a started Worker (`w`, from `start`): `json` is sent as
 * JSON, `body` as it is; `token` (default the first caller's; `null` for
 * none) as a bearer token. `direct` goes over HTTP to the Worker's own
 * socket (no Miniflare entry worker in front), where a sized body keeps its
 * Content-Length. Resolves with the status, headers, the body parsed (or
 * `undefined`) and its text.
 */
export async function call(w, path, { method = "POST", json, body, token = TOKENS[0], headers = {}, direct = false } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (json !== undefined) {
    body = JSON.stringify(json);
    h["content-type"] = "application/json";
  }
  const init = { method, body, headers: h, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) };
  const res = direct
    ? await fetch(new URL(path, w.directUrl), init)
    : await w.mf.dispatchFetch(`http://127.0.0.1${path}`, init);
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** The captured `{"log":"event",…}` lines, parsed; from `since` (a length of `output.text`) on. */
export function eventLogs(output, since = 0) {
  return output.text
    .slice(since)
    .split("\n")
    .map((line) => line.slice(line.indexOf("{")))
    .filter((line) => line.startsWith('{"log":"event"'))
    .map((line) => JSON.parse(line));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
