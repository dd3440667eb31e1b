// A probe, never shipped: how fast the Worker could be if its request path
// were plain JS calling the core synchronously, with none of workers-rs's or
// wasm-bindgen-futures' machinery (no Rust futures, closures or microtasks).
// It does the least the Worker must do for a forwarded event: check the
// caller's token, read the body, build the event with the core (the npm
// package's WebAssembly: parse, validate, normalize, hash, serialize), send
// it with a timeout, read AppsFlyer's answer and write the log line. It skips
// what the Worker also does (CORS, Content-Length limit, idempotency keys,
// FILL_IP, queueing on failure, error answers), so it is an upper bound for
// any redesign of the Worker's request path.
//
//   make load-js-hot-path   (worker/test/load.mjs with LOAD_SCRIPT set to a
//                            copy of this file next to the package's pkg/web build)
import { buildEvent, initSync } from "./appsflyer_s2s_wasm.mjs";
import module from "./appsflyer_s2s_wasm_bg.wasm";

initSync({ module });
let config;

/** load.mjs's Miniflare declares the Worker's Durable Object; unused here. */
export class IdempotencyStore {
  async fetch() {
    return new Response(null, { status: 404 });
  }
}

export default {
  async fetch(request, env) {
    config ??= { keys: JSON.parse(env.AF_S2S_KEYS), tokens: env.CLIENT_TOKENS.split(",").map((t) => t.trim()) };
    const started = Date.now();
    const app = decodeURIComponent(new URL(request.url).pathname.slice("/inappevent/".length));
    const auth = request.headers.get("authorization") ?? "";
    if (!config.tokens.some((t) => auth === `Bearer ${t}`)) return Response.json({ error: "unauthorized" }, { status: 401 });
    let built;
    try {
      built = buildEvent(await request.text(), env.DEFAULT_PHONE_REGION);
    } catch {
      return Response.json({ error: "invalid_event" }, { status: 400 });
    }
    const answer = await fetch(`${env.AF_ENDPOINT}/inappevent/${encodeURIComponent(app)}`, {
      method: "POST",
      headers: { authentication: config.keys[app], "content-type": "application/json" },
      body: built.body,
      signal: AbortSignal.timeout(Number(env.UPSTREAM_TIMEOUT_MS)),
    });
    await answer.arrayBuffer();
    const outcome = answer.ok ? "delivered" : "rejected";
    console.log(JSON.stringify({ log: "event", app_id: app, outcome, upstream_status: answer.status, attempt: 1, latency_ms: Date.now() - started }));
    return new Response(`{"status":"${outcome}"}`, { status: answer.ok ? 200 : 502, headers: { "content-type": "application/json" } });
  },
  async queue(batch) {
    batch.retryAll();
  },
};
