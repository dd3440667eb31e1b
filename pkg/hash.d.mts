// Types for `import … from 'appsflyer-s2s/hash'`, in Node and in browsers:
// the same API as `require('appsflyer-s2s/hash')`, with `init` as the
// default export.
export * from "./hash.js";
import { init } from "./hash.js";
export default init;
