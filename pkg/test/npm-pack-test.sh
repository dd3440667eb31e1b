#!/usr/bin/env bash
# `npm pack` in pkg/, check what the tarball holds, install it into an empty
# folder, and run there: the node:test suite through require (CJS) and import
# (ESM), for the root entry and for `appsflyer-s2s/hash`; tsc --strict on the
# usage files against the installed typings; and an esbuild page importing
# `appsflyer-s2s/hash`, checked to reference the hashing .wasm only and run in
# headless Chromium. Run by `make test-pkg` after `make pkg`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$root/pkg" && npm pack --silent --pack-destination "$work")"
mkdir "$work/unpacked"
tar -xzf "$work/$tarball" -C "$work/unpacked"
echo "npm-pack-test: $tarball: $(wc -c <"$work/$tarball") bytes packed, $(du -sb "$work/unpacked" | cut -f1) unpacked"
tar -tzf "$work/$tarball" | sed 's/^/  /'

# Exactly the files package.json lists (plus package.json), and each .wasm
# once: one file per build serves Node and browsers.
expected="$(node -e 'const p = require(process.argv[1]); console.log([...p.files, "package.json"].map((f) => "package/" + f).sort().join("\n"))' "$root/pkg/package.json")"
actual="$(tar -tzf "$work/$tarball" | sort)"
if [ "$expected" != "$actual" ]; then
  echo "npm-pack-test: the tarball does not hold exactly the files of package.json:" >&2
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  exit 1
fi
wasm="$(tar -tzf "$work/$tarball" | grep '\.wasm$' | sort)"
if [ "$wasm" != "$(printf 'package/web/appsflyer_s2s_hash_bg.wasm\npackage/web/appsflyer_s2s_wasm_bg.wasm')" ]; then
  echo "npm-pack-test: want one .wasm per build (full, hashing), got: $wasm" >&2
  exit 1
fi
# The packed size: 199,946 bytes when each .wasm ships once; it was 308,257
# with the full .wasm twice, and a second copy of either is over 38 KB.
packed="$(wc -c <"$work/$tarball")"
if [ "$packed" -gt 250000 ]; then
  echo "npm-pack-test: the tarball is $packed bytes packed, over the 250,000 budget" >&2
  exit 1
fi
duplicates="$(cd "$work/unpacked" && find . -type f -size +1k -exec sha256sum {} + | sort | uniq -w64 -D)"
if [ -n "$duplicates" ]; then
  echo "npm-pack-test: files shipped twice:" >&2
  echo "$duplicates" >&2
  exit 1
fi

mkdir "$work/app"
cd "$work/app"
echo '{"name":"s2s-pack-test","private":true}' > package.json
npm install --silent --no-audit --no-fund --offline "$work/$tarball"
cp "$root"/pkg/test/{suite.cjs,random.cjs,cjs.test.cjs,esm.test.mjs,hash.test.cjs,hash.test.mjs,usage.mts,usage.cts,tsconfig.json} .

export S2S_REPO="$root"
node --test --test-reporter=spec cjs.test.cjs esm.test.mjs hash.test.cjs hash.test.mjs
"$root/node_modules/.bin/tsc" -p tsconfig.json
node "$root/pkg/test/browser/bundle.mjs" "$work/app"
echo "npm-pack-test: CJS, ESM (root and hash entries), tsc --strict and the esbuild page passed against the installed tarball"
