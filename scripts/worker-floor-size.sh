#!/usr/bin/env bash
# How small the Worker's .wasm can be with workers-rs and this core: builds the
# probe tests/size/worker-floor exactly as mk/worker.mk builds worker/
# (worker-build --release, opt-level z, LTO, one codegen unit, panic=abort,
# wasm-opt from npm's binaryen, then the name and producers sections
# stripped), without and with its `core` feature, and prints raw and
# `gzip -9` sizes of both and their difference:
#   - without `core`: fetch handler, queue producer and consumer, a Durable
#     Object with storage and an alarm, JSON in and out (the floor);
#   - with `core`: the same, calling appsflyer-s2s as worker/ does (event
#     validated, normalized, hashed and built; request prepared; answer read).
# worker/'s own code (routes, auth, CORS, batch, idempotency, retries, logs)
# comes on top of the second figure.
#
#   scripts/worker-floor-size.sh      (`make worker-floor-size`)
#
# Needs what `make worker` needs (scripts/setup.sh core wasm, npm ci).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
probe="$root/tests/size/worker-floor"
target_dir="$root/target/worker-floor"
out="$target_dir/out"
bin="$root/node_modules/.bin"
mkdir -p "$out"

build() { # $1 = output name, $2 = cargo features (may be empty)
    local flags=()
    [ -z "$2" ] || flags=(--features "$2")
    (cd "$probe" && rm -rf build &&
        WASM_BINDGEN_BIN=wasm-bindgen WASM_OPT_BIN="$bin/wasm-opt" ESBUILD_BIN="$bin/esbuild" \
        CARGO_TARGET_DIR="$target_dir" CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=true \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_PANIC=abort \
        worker-build --release "${flags[@]}" >"$out/$1.log" 2>&1) || { tail -30 "$out/$1.log"; exit 1; }
    "$bin/wasm-opt" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-exception-handling \
        --strip-debug --strip-producers "$probe/build/index_bg.wasm" -o "$out/$1.wasm"
    rm -rf "$probe/build"
}

build floor ""
build core core

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -n -c "$1" | wc -c | tr -d ' '; }
fr=$(raw "$out/floor.wasm") fg=$(gz "$out/floor.wasm")
cr=$(raw "$out/core.wasm") cg=$(gz "$out/core.wasm")
echo "worker floor (workers-rs: fetch, queue, Durable Object, JSON): $fr bytes raw, $fg bytes gzip -9"
echo "worker floor + the core as worker/ calls it: $cr bytes raw, $cg bytes gzip -9"
echo "the core adds: $((cr - fr)) bytes raw, $((cg - fg)) bytes gzip -9 (worker/'s own code comes on top; budget 153,600)"
