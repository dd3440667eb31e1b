// Type-checked with `tsc --strict` against the installed package (CommonJS entry).
import s2s = require("appsflyer-s2s");

const built: s2s.BuiltEvent = s2s.buildEvent({ appsflyer_id: "1415211453000-6513894", eventName: "af_login" });
const digest: string = s2s.sha256Hex(built.body);
const error: s2s.S2SError = new s2s.S2SError([{ field: "", code: "invalid_json", message: "m" }]);
// @ts-expect-error the code must be one of the core's codes
new s2s.S2SError([{ field: "", code: "made_up", message: "m" }]);

export = { digest, error };
