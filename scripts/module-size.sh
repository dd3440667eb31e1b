#!/usr/bin/env bash
# Measures what one module of the core adds to a release WebAssembly module:
# builds the probe crate tests/size/phone-wasm for wasm32-unknown-unknown
# (opt-level z, LTO, stripped) with FEATURE and with BASELINE (the same
# allocation and string work without the module; empty = no feature), and
# prints raw and `gzip -9` sizes of both and their difference. If `wasm-opt`
# (binaryen) is on PATH, the sizes after `wasm-opt -Oz` are reported too.
#
#   scripts/module-size.sh LABEL FEATURE [BASELINE]   # from anywhere
#
# scripts/phone-size.sh and scripts/nfc-size.sh call it. Needs:
# rustup target add wasm32-unknown-unknown
set -euo pipefail

label=$1 feature=$2 baseline=${3:-}
root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/tests/size/phone-wasm/Cargo.toml"
target_dir="${MODULE_SIZE_TARGET_DIR:-$root/target/phone-size}"
out="$target_dir/out"
mkdir -p "$out"

build() { # $1 = output name, $2 = feature (may be empty)
    local flags=()
    [ -z "$2" ] || flags=(--features "$2")
    cargo build --quiet --release --manifest-path "$manifest" \
        --target wasm32-unknown-unknown --target-dir "$target_dir" "${flags[@]}"
    cp "$target_dir/wasm32-unknown-unknown/release/phone_wasm.wasm" "$out/$1.wasm"
}

build "$feature" "$feature"
build "$feature-baseline" "$baseline"

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -n -c "$1" | wc -c | tr -d ' '; }

report() { # $1 = how it was built, $2 = module wasm, $3 = baseline wasm, $4 = suffix
    local mr mg br bg
    mr=$(raw "$2"); mg=$(gz "$2"); br=$(raw "$3"); bg=$(gz "$3")
    echo "$1 raw:  $feature $mr, baseline $br, difference $((mr - br)) bytes"
    echo "$1 gzip: $feature $mg, baseline $bg, difference $((mg - bg)) bytes"
    echo "$label code+data: $((mg - bg)) bytes gzip (wasm total $mg, baseline $bg)$4"
}

report "cargo (opt-level=z, lto, strip)" "$out/$feature.wasm" "$out/$feature-baseline.wasm" ""

if command -v wasm-opt >/dev/null 2>&1; then
    # The features rustc enables by default for wasm32-unknown-unknown.
    features=(--enable-bulk-memory --enable-bulk-memory-opt --enable-mutable-globals
        --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext
        --enable-multivalue)
    wasm-opt -Oz "${features[@]}" "$out/$feature.wasm" -o "$out/$feature.opt.wasm"
    wasm-opt -Oz "${features[@]}" "$out/$feature-baseline.wasm" -o "$out/$feature-baseline.opt.wasm"
    report "wasm-opt -Oz" "$out/$feature.opt.wasm" "$out/$feature-baseline.opt.wasm" " after wasm-opt -Oz"
else
    echo "(wasm-opt not on PATH: skipped the wasm-opt -Oz figures)"
fi
