// The baseline of worker/bench/load.mjs: a minimal pass-through Worker in
// plain JS. It forwards the request body unchanged to the same upstream the
// real Worker sends to (`${AF_ENDPOINT}/inappevent/{app_id}`, with the S2S key
// and content type), and answers like the Worker does: no auth, no
// validation, no hashing, no logging, no queue.
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const upstream = await fetch(`${env.AF_ENDPOINT}${pathname}`, {
      method: "POST",
      headers: { authentication: env.AF_S2S_KEY, "content-type": "application/json" },
      body: request.body,
    });
    await upstream.arrayBuffer();
    const ok = upstream.status >= 200 && upstream.status < 300;
    return Response.json(ok ? { status: "delivered" } : { status: "rejected" }, { status: ok ? 200 : 502 });
  },
};
