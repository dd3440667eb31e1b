// Types for `import … from 'appsflyer-s2s'` in Node: the same API as `require`.
export * from "./index.js";
import * as api from "./index.js";
export default api;
