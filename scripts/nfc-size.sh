#!/usr/bin/env bash
# Measures what the Unicode NFC in `appsflyer_s2s::normalize::name` (code +
# generated tables) adds to a release WebAssembly module: builds
# tests/size/phone-wasm for wasm32-unknown-unknown with its `nfc` feature
# (normalize::name: NFC, trim, lowercase) and its `nfc-baseline` feature (trim
# and lowercase only) and prints raw and `gzip -9` sizes of both and their
# difference. If `wasm-opt` (binaryen) is on PATH, the sizes after
# `wasm-opt -Oz` are reported too.
#
#   scripts/nfc-size.sh            # from the repository root
#
# Needs: rustup target add wasm32-unknown-unknown
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/tests/size/phone-wasm/Cargo.toml"
target_dir="${NFC_SIZE_TARGET_DIR:-$root/target/phone-size}"
out="$target_dir/out"
mkdir -p "$out"

build() { # $1 = output name, rest = cargo flags
    local name="$1"
    shift
    cargo build --quiet --release --manifest-path "$manifest" \
        --target wasm32-unknown-unknown --target-dir "$target_dir" "$@"
    cp "$target_dir/wasm32-unknown-unknown/release/phone_wasm.wasm" "$out/$name.wasm"
}

build nfc --features nfc
build nfc-baseline --features nfc-baseline

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -n -c "$1" | wc -c | tr -d ' '; }

report() { # $1 = label, $2 = nfc wasm, $3 = baseline wasm, $4 = suffix
    local nr ng br bg
    nr=$(raw "$2"); ng=$(gz "$2"); br=$(raw "$3"); bg=$(gz "$3")
    echo "$1 raw:  nfc $nr, baseline $br, difference $((nr - br)) bytes"
    echo "$1 gzip: nfc $ng, baseline $bg, difference $((ng - bg)) bytes"
    echo "NFC code+data: $((ng - bg)) bytes gzip (wasm total $ng, baseline $bg)$4"
}

report "cargo (opt-level=z, lto, strip)" "$out/nfc.wasm" "$out/nfc-baseline.wasm" ""

if command -v wasm-opt >/dev/null 2>&1; then
    # The features rustc enables by default for wasm32-unknown-unknown.
    features=(--enable-bulk-memory --enable-bulk-memory-opt --enable-mutable-globals
        --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext
        --enable-multivalue)
    wasm-opt -Oz "${features[@]}" "$out/nfc.wasm" -o "$out/nfc.opt.wasm"
    wasm-opt -Oz "${features[@]}" "$out/nfc-baseline.wasm" -o "$out/nfc-baseline.opt.wasm"
    report "wasm-opt -Oz" "$out/nfc.opt.wasm" "$out/nfc-baseline.opt.wasm" " after wasm-opt -Oz"
else
    echo "(wasm-opt not on PATH: skipped the wasm-opt -Oz figures)"
fi
