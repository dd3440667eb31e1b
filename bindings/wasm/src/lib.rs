//! WebAssembly bindings of [`appsflyer_s2s`] for the npm package
//! `appsflyer-s2s` (`pkg/` in this repository).
//!
//! Only translation lives here: JavaScript values in, the core's functions,
//! JavaScript values out. Events cross as JSON text (`JSON.stringify` in
//! JavaScript, `serde_json` in the core): one native `JSON.stringify` and one
//! string copy per event: measured 1.26x faster than reading the object with
//! `serde-wasm-bindgen` (`make bench-crossing`, BENCHMARKS.md). Results are
//! plain objects; a failure is thrown as `{ errors: [{ field, code, message }] }`,
//! which the package's JavaScript glue (`pkg/lib/hashing.mjs`) turns into an
//! `S2SError`, the class users catch. The glue also converts `Date`s, checks
//! argument types and runs `S2SClient`.
//!
//! Two builds come from this crate, both from the same core:
//!
//! - the full package (default feature `events`): [`hashing`] plus events,
//!   requests, AppsFlyer's answers and the retry schedule;
//! - `--no-default-features`: [`hashing`] alone, the package's
//!   `appsflyer-s2s/hash` entry for web pages. Nothing else of the core is
//!   called, so the linker leaves out JSON, validation, time and outcomes;
//!   without `std` it also has a smaller allocator (lol_alloc) and no panic
//!   messages.

#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

#[cfg(feature = "events")]
mod errors;
mod hashing;
mod typescript;

#[cfg(feature = "events")]
mod events;
#[cfg(feature = "events")]
mod outcomes;

pub use hashing::*;

#[cfg(feature = "events")]
pub use events::*;
#[cfg(feature = "events")]
pub use outcomes::*;

/// Without std (the hashing-only build) on wasm32: lol_alloc's free list
/// allocates (it coalesces freed blocks; a page makes a few short-lived
/// strings per call, so the list stays short).
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[global_allocator]
// SAFETY: wasm32 without the atomics feature has one thread, which is what
// `AssumeSingleThreaded` requires.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Without std a panic aborts (the core is fuzzed for panics on any input);
/// no formatting of panic messages is linked for a message nobody reads.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn abort(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
