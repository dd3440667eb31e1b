// Type-checked with `tsc --strict` against the installed package (ESM entry):
// the calls a user writes, and mistakes the typings must refuse.
import init, * as browser from "appsflyer-s2s/browser";
import {
  S2SClient,
  S2SError,
  buildEvent,
  classifyResponse,
  hashEmail,
  hashPhone,
  prepareRequest,
  toE164,
  validateEvent,
  type BuiltEvent,
  type EventInput,
  type FieldError,
  type Outcome,
  type SendResult,
  type ValidationReport,
} from "appsflyer-s2s";
import initHash, {
  S2SError as HashError,
  hashEmail as hashEmailOnly,
  hashPhoneE164 as hashPhoneE164Only,
  init as namedInitHash,
  initSync as initHashSync,
  type FieldError as HashFieldError,
  type InitOutput,
} from "appsflyer-s2s/hash";

const event: EventInput = {
  appsflyer_id: "1415211453000-6513894",
  eventName: "af_purchase",
  eventValue: { af_revenue: "19.99" },
  eventTime: new Date(),
  email: "john@example.com",
  phone_number: "(650) 555-1212",
  sharing_filter: ["Apple Search Ads"],
  consent_data: { manual: { gdpr_applies: true, ad_user_data_enabled: true, ad_personalization_enabled: false } },
  app_set_id: { scope: 1, id: "8d3b2a9e-5f0c-4d6f-9a55-1f0c2b7e9d11" },
  att: 3,
};

const built: BuiltEvent = buildEvent(event, { defaultRegion: "US" });
const forwarded: BuiltEvent = buildEvent(event, { defaultRegion: "US", unknownFields: "forward" });
const body: string = built.body;
const bytes: number = built.bytes;
const report: ValidationReport = validateEvent({ eventName: "partial" });
const firstError: FieldError | undefined = report.errors[0];
const hashes: string[] = [hashEmail("a@b.c"), hashPhone("(650) 555-1212", "US"), toE164("+1 650 555 1212")];

const request = prepareRequest({ appId: "id123456789", s2sKey: "key", event, defaultRegion: "US" });
const sent: Promise<Response> = fetch(request.url, { method: request.method, headers: request.headers, body: request.body });

function describe(o: Outcome): string {
  switch (o.outcome) {
    case "delivered":
      return `delivered (${o.status})`;
    case "rejected":
      return `rejected: ${o.reason}`;
    case "retry":
      return `retry in ${o.retryAfterMs ?? 0} ms: ${o.reason}`;
  }
}
describe(classifyResponse(429, "", "3"));

async function send(): Promise<number> {
  const client = new S2SClient({ s2sKey: "key", appId: "com.example.app", timeoutMs: 5000, maxRetries: 2 });
  try {
    const result: SendResult = await client.send(event, { appId: "id123456789" });
    return result.attempts;
  } catch (e) {
    if (e instanceof S2SError) {
      const codes: string[] = e.errors.map((x) => `${x.field}: ${x.code}`);
      return codes.length + e.code.length;
    }
    throw e;
  }
}

async function inBrowser(): Promise<string> {
  await init();
  return browser.hashName("Valéry");
}

// The hashing-only entry: init (default and named), then the same helpers and
// the same S2SError class as the root entry.
async function hashOnly(bytes: Uint8Array): Promise<string[]> {
  const ready: InitOutput = await initHash();
  const again: InitOutput = initHashSync({ module: bytes });
  await namedInitHash({ module_or_path: new URL("https://example.com/x.wasm") });
  try {
    return [hashEmailOnly("a@b.c"), hashPhoneE164Only("(650) 555-1212", "US"), String(ready === again)];
  } catch (e) {
    if (e instanceof HashError) {
      const first: HashFieldError | undefined = e.errors[0];
      return [e.code, first?.field ?? ""];
    }
    throw e;
  }
}
const sameClass: typeof S2SError = HashError;
// @ts-expect-error the hashing entry has no buildEvent
import("appsflyer-s2s/hash").then((m) => m.buildEvent);
// @ts-expect-error defaultRegion is a string
hashPhoneE164Only("650 555 1212", 1);

// @ts-expect-error appsflyer_id is required
const missingId: EventInput = { eventName: "x" };
// @ts-expect-error att is 0 to 3
const badAtt: EventInput = { ...event, att: 7 };
// @ts-expect-error eventTime is a Date, number or string
const badTime: EventInput = { ...event, eventTime: true };
// @ts-expect-error unknown field name (a typo of eventName)
const typo: EventInput = { ...event, event_name: "x" };
// @ts-expect-error the S2S key is required
new S2SClient({ appId: "id1" });
// @ts-expect-error sharing_filter is "all" or a list
const badFilter: EventInput = { ...event, sharing_filter: "none" };
// @ts-expect-error unknownFields is "refuse" or "forward"
buildEvent(event, { unknownFields: "yes" });

export { hashOnly, sameClass, body, bytes, firstError, hashes, sent, send, inBrowser, missingId, badAtt, badTime, typo, badFilter, forwarded };
