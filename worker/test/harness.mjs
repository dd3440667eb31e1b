// Shared set-up of the Worker tests: the built Worker in Miniflare (real
// workerd, real queues and Durable Objects) with its outgoing fetch pointed at
// the fake AppsFlyer on 127.0.0.1, and every byte it logs captured.

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startFakeAppsFlyer } from "../../scripts/fake-appsflyer.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const WORKER_SCRIPT = resolve(root, "worker/entry.mjs");
const WORKER_BUILD = resolve(root, "worker/build/index.js");
export const RETRY_QUEUE = "appsflyer-s2s-retry";
export const DEAD_LETTER_QUEUE = "appsflyer-s2s-dead-letter";

export const TOKENS = ["tok-caller-one-7f3a9c", "tok-caller-two-b81e44"];
export const KEYS = {
  "com.example.app": "s2s-key-android-5d2e8b91",
  "id123456789": "s2s-key-ios-0c7f1a36",
  "com.example/app": "s2s-key-slash-9e4d27aa",
};
export const ORIGIN = "https://shop.example";

/**
 * Starts the fake AppsFlyer and Miniflare. `bindings` overrides bindings,
 * `retryConsumer` the retry queue's consumer settings, `faults` are the fake's
 * random faults, and `port` (0: any free one) also serves the Worker over HTTP
 * on 127.0.0.1 (its URL is `await mf.ready`); `direct` serves it on a socket
 * of its own too, without Miniflare's entry worker (`directUrl`); `inspectorPort` opens workerd's
 * V8 inspector there (CPU profiles); `script` is another build of the Worker.
 */
export async function start({
  bindings = {},
  consumeDeadLetters = false,
  retryConsumer = {},
  faults = null,
  port,
  inspectorPort,
  direct = false,
  script = WORKER_SCRIPT,
} = {}) {
  for (const file of script === WORKER_SCRIPT ? [WORKER_BUILD] : [script]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`make worker\` first`);
  }
  const fake = await startFakeAppsFlyer({ faults });
  const output = { text: "" };
  const capture = (stream) => stream.on("data", (chunk) => (output.text += chunk.toString("utf8")));
  const worker = {
    name: "appsflyer-s2s",
    scriptPath: script,
    modules: true,
    // worker/entry.mjs imports worker-build's output, an ES module in a .js file.
    modulesRules: [
      { type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: true },
      { type: "ESModule", include: ["**/*.js"], fallthrough: true },
    ],
    compatibilityDate: "2026-04-20",
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
      ...bindings,
    },
    // `direct`: also serve the Worker on its own socket, without Miniflare's
    // entry worker in front (which production does not have): see `directUrl`.
    ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
    durableObjects: { IDEMPOTENCY: { className: "IdempotencyStore", useSQLite: true } },
    queueProducers: { RETRY_QUEUE, DEAD_LETTER_QUEUE },
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
  const mf = new Miniflare({
    host: "127.0.0.1",
    ...(port === undefined ? {} : { port }),
    ...(inspectorPort === undefined ? {} : { inspectorPort }),
    workers: consumeDeadLetters ? [worker] : [worker, recorder],
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
 * The baseline of the benchmarks: the plain-JS pass-through Worker
 * (passthrough.mjs) in a Miniflare of its own (so a workerd process of its
 * own), forwarding to the same fake AppsFlyer as `fake`. `direct` also serves
 * it on a socket of its own without Miniflare's entry worker
 * (`await mf.unsafeGetDirectURL()`); `inspectorPort` opens its V8 inspector.
 */
export function startPassthrough(fake, { direct = false, inspectorPort } = {}) {
  return new Miniflare({
    host: "127.0.0.1",
    port: 0,
    ...(inspectorPort === undefined ? {} : { inspectorPort }),
    modules: true,
    scriptPath: resolve(dirname(fileURLToPath(import.meta.url)), "passthrough.mjs"),
    compatibilityDate: "2026-04-20",
    bindings: { AF_ENDPOINT: fake.url, AF_S2S_KEY: KEYS["com.example.app"] },
    ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
  });
}

/** The captured `{"log":"event",…}` lines, parsed. */
export function eventLogs(output) {
  return output.text
    .split("\n")
    .map((line) => line.slice(line.indexOf("{")))
    .filter((line) => line.startsWith('{"log":"event"'))
    .map((line) => JSON.parse(line));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
