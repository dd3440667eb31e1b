// Type-checked with `tsc --strict` against the installed package (CommonJS entry).
import s2s = require("appsflyer-s2s");
import hash = require("appsflyer-s2s/hash");

const built: s2s.BuiltEvent = s2s.buildEvent({ appsflyer_id: "1415211453000-6513894", eventName: "af_login" });
const digest: string = s2s.sha256Hex(built.body);
const error: s2s.S2SError = new s2s.S2SError([{ field: "", code: "invalid_json", message: "m" }]);
// @ts-expect-error the code must be one of the core's codes
new s2s.S2SError([{ field: "", code: "made_up", message: "m" }]);

const e164: string = hash.toE164("+1 650 555 1212");
const ready: Promise<hash.InitOutput> = hash.init();
const sameClass: typeof s2s.S2SError = hash.S2SError;
// @ts-expect-error defaultRegion is a string
hash.hashPhone("650 555 1212", 1);

export = { digest, error, e164, ready, sameClass };
