#!/usr/bin/env bash
# Prints what a browser downloads for each entry of the package: the JS entry,
# the modules it imports, the wasm-bindgen glue and the .wasm, each compressed
# on its own with GNU `gzip -9 -n` (as a server would send them). Run by
# `make pkg` after the build; the lists are the entries' imports
# (pkg/test/browser/run.mjs checks the hashing page fetches exactly these).
set -euo pipefail
cd "$(dirname "$0")/.."

HASH_FILES=(web/hash.mjs web/appsflyer_s2s_hash_bg.wasm)
FULL_FILES=(browser.mjs lib/api.mjs lib/hashing.mjs web/appsflyer_s2s_wasm.js web/appsflyer_s2s_wasm_bg.wasm)

gz() { gzip -9 -n -c "$1" | wc -c; }

# entry NAME FILES...: the total, then each file.
entry() {
  local name=$1 total=0 parts=() size
  shift
  for f in "$@"; do
    size=$(gz "$f")
    total=$((total + size))
    parts+=("$f $size")
  done
  printf 'pkg: %-16s %7d bytes gzip -9 in all (' "$name" "$total"
  local IFS=,
  printf '%s' "${parts[*]}" | sed 's/,/, /g'
  echo ')'
}

entry appsflyer-s2s/hash "${HASH_FILES[@]}"
entry appsflyer-s2s "${FULL_FILES[@]}"
echo "pkg: $(gz web/appsflyer_s2s_wasm_bg.wasm) bytes of the full .wasm gzip, $(gz web/appsflyer_s2s_hash_bg.wasm) of the hashing .wasm"
