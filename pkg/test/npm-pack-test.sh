#!/usr/bin/env bash
# `npm pack` in pkg/, install the tarball into an empty folder, and run there:
# the node:test suite through require (CJS) and import (ESM), and tsc --strict
# on the usage files against the installed typings. Run by `make test-pkg`
# after `make pkg`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$root/pkg" && npm pack --silent --pack-destination "$work")"
echo "npm-pack-test: $tarball ($(wc -c <"$work/$tarball") bytes), installing into an empty folder"
tar -tzf "$work/$tarball" | sed 's/^/  /'

mkdir "$work/app"
cd "$work/app"
echo '{"name":"s2s-pack-test","private":true}' > package.json
npm install --silent --no-audit --no-fund --offline "$work/$tarball"
cp "$root"/pkg/test/{suite.cjs,random.cjs,cjs.test.cjs,esm.test.mjs,usage.mts,usage.cts,tsconfig.json} .

export S2S_REPO="$root"
node --test --test-reporter=spec cjs.test.cjs esm.test.mjs
"$root/node_modules/.bin/tsc" -p tsconfig.json
echo "npm-pack-test: CJS, ESM and tsc --strict passed against the installed tarball"
