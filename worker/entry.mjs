// The Worker's entry (wrangler.toml `main`): worker-build's output
// (./build/index.js, the Rust Worker in worker/src) with a fast path in front
// of it for the most common request, `POST /inappevent/{app_id}` with no
// `Origin`, no `Idempotency-Key` and a body of at most 64 KB. There the body
// is read and the one `fetch` to AppsFlyer is made here, in plain JavaScript,
// while every check and decision (auth, app id, the event built by the core,
// the answer, the log line, a retry) is made in Rust by `FastPath.begin` and
// `PendingEvent.finish` (worker/src/fast.rs), with no I/O. That spares each
// event the Rust futures, closures and microtasks of an async handler: ~9 %
// of the Worker's CPU per forwarded event (BENCHMARKS.md). Everything else
// goes to the Rust handler as is, and the tests check both answer alike.
import RustWorker, { FastPath, IdempotencyStore } from "./build/index.js";

export { IdempotencyStore };

const MAX_EVENT_BYTES = 64 * 1024;

/** Whether `request` may take the fast path (the Rust side checks the rest). */
function fastCandidate(request) {
  if (request.method !== "POST") return false;
  const headers = request.headers;
  if (headers.has("origin") || headers.has("idempotency-key")) return false;
  // Over the limit by its Content-Length: the full handler refuses it unread.
  const length = headers.get("content-length");
  if (length !== null && !(Number(length) <= MAX_EVENT_BYTES)) return false;
  // The path of the absolute URL workerd gives, without parsing all of it.
  const url = request.url;
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path > 0 && url.startsWith("/inappevent/", path);
}

/**
 * The body, read up to `limit` bytes: a Uint8Array, `null` past the limit
 * (the rest is not read), or `undefined` when it could not be read.
 */
async function readBody(request, limit) {
  try {
    if (request.headers.has("content-length")) return new Uint8Array(await request.arrayBuffer());
    if (request.body === null) return new Uint8Array(0);
    const reader = request.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
    if (chunks.length === 1) return chunks[0];
    const body = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.byteLength;
    }
    return body;
  } catch {
    return undefined;
  }
}

export default class Worker extends RustWorker {
  async fetch(request) {
    if (!fastCandidate(request)) return super.fetch(request);
    const body = await readBody(request, MAX_EVENT_BYTES);
    const step = FastPath.begin(request, this.env, body ?? undefined, body === undefined);
    if (step === null) return super.fetch(new Request(request, { body }));
    if (step instanceof Response) return step;
    const signal = AbortSignal.timeout(step.timeoutMs);
    let answer;
    try {
      answer = await fetch(step.url, { method: "POST", headers: step.headers, body: step.body, signal });
    } catch (error) {
      return step.finish(undefined, undefined, undefined, signal.aborted, String(error?.message ?? error));
    }
    if (answer.ok) {
      // AppsFlyer's "ok" changes nothing; it is read to its end so the
      // connection is reused (cancelling it would close the connection).
      await answer.arrayBuffer().catch(() => {});
      return step.finish(answer.status, undefined, "", signal.aborted, undefined);
    }
    const retryAfter = answer.headers.get("retry-after") ?? undefined;
    const text = await answer.text().catch(() => undefined);
    return step.finish(answer.status, retryAfter, text, signal.aborted, undefined);
  }
}
