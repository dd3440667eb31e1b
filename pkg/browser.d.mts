// Types for the browser / bundler build: the same API as in Node, plus the
// usual wasm-bindgen `init` (default export) and `initSync`, one of which
// must run before any other function.
export * from "./index.js";
export type { InitInput, InitOutput, SyncInitInput } from "./web/appsflyer_s2s_wasm.js";
export { initSync } from "./web/appsflyer_s2s_wasm.js";
export { default } from "./web/appsflyer_s2s_wasm.js";
