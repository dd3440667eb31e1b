# The npm package `appsflyer-s2s` (pkg/): the core in WebAssembly for Node and
# browsers, in two builds of bindings/wasm: the full one (the root entry) and
# a hashing-only one (`appsflyer-s2s/hash`, for web pages). Hand-written files
# live in pkg/; generated ones go into the git-ignored pkg/web/ (wasm-bindgen's
# `--target web` output: each .wasm once, fetched by browsers and read by
# Node) and pkg/node/ (CommonJS forms of the glue and of pkg/lib for Node).
#
#   make pkg        build pkg/ (then `require('./pkg')` works from the root)
#   make test-pkg   every test of the package (see below)
#   make bench-pkg  events/s of buildEvent vs a pure-JS pipeline, and the .wasm size
#   make bench-hash-startup  import to first digest in Chromium, vs libphonenumber-js + WebCrypto

PKG_CRATE := bindings/wasm
PKG_WASM := target/wasm32-unknown-unknown/pkg/appsflyer_s2s_wasm.wasm
# The hashing-only build has a target directory of its own: its RUSTFLAGS
# select sha2's compact SHA-256 (0.7 KB of code where the unrolled one is 8 KB).
PKG_HASH_TARGET := target/pkg-hash
PKG_HASH_WASM := $(PKG_HASH_TARGET)/wasm32-unknown-unknown/pkg-hash/appsflyer_s2s_wasm.wasm
PKG_HASH_RUSTFLAGS := --cfg sha2_backend_soft="compact"
PKG_BIN := node_modules/.bin
# wasm-opt from the npm `binaryen` package (pinned in package.json). The
# target_features section tells it which features rustc used; it is dropped
# after optimizing, with the names and producers.
PKG_WASM_OPT := $(PKG_BIN)/wasm-opt -O3 --strip-debug --strip-producers --strip-target-features
PKG_HASH_WASM_OPT := $(PKG_BIN)/wasm-opt -Oz --strip-debug --strip-producers --strip-target-features
# The glue as CommonJS for Node's `require` (the ES module form is what
# browsers load). Its `init()` default path uses import.meta.url, which Node
# never reaches: the entries instantiate with initSync first.
PKG_CJS := $(PKG_BIN)/esbuild --format=cjs --platform=node --log-level=warning --log-override:empty-import-meta=silent

.PHONY: pkg test-pkg bench-pkg bench-hash-startup pkg-hash-twiggy pkg-setup pkg-lint pkg-wasm-test pkg-npm-test pkg-browser-test

TEST_TARGETS += test-pkg
BENCH_TARGETS += bench-pkg bench-hash-startup

pkg-setup:
	@scripts/setup.sh core wasm browser

pkg: pkg-setup
	cd $(PKG_CRATE) && cargo build --quiet --target wasm32-unknown-unknown --profile pkg
	cd $(PKG_CRATE) && CARGO_TARGET_DIR=$(CURDIR)/$(PKG_HASH_TARGET) RUSTFLAGS='$(PKG_HASH_RUSTFLAGS)' \
		cargo build --quiet --target wasm32-unknown-unknown --profile pkg-hash --no-default-features
	rm -rf pkg/node pkg/web
	wasm-bindgen --target web --out-dir pkg/web $(PKG_WASM)
	wasm-bindgen --target web --out-dir pkg/web --out-name appsflyer_s2s_hash $(PKG_HASH_WASM)
	$(PKG_WASM_OPT) pkg/web/appsflyer_s2s_wasm_bg.wasm -o pkg/web/appsflyer_s2s_wasm_bg.wasm
	$(PKG_HASH_WASM_OPT) pkg/web/appsflyer_s2s_hash_bg.wasm -o pkg/web/appsflyer_s2s_hash_bg.wasm
	rm -f pkg/web/*_bg.wasm.d.ts
	echo '{"type":"module"}' > pkg/web/package.json
	$(PKG_CJS) pkg/web/appsflyer_s2s_wasm.js --outfile=pkg/node/appsflyer_s2s_wasm.cjs
	$(PKG_CJS) pkg/web/appsflyer_s2s_hash.js --outfile=pkg/node/appsflyer_s2s_hash.cjs
	$(PKG_BIN)/esbuild pkg/lib/api.mjs --bundle --format=cjs --platform=neutral --log-level=warning --outfile=pkg/node/api.cjs
	$(PKG_BIN)/esbuild pkg/lib/hash.browser.mjs --bundle --minify --format=esm --platform=neutral --log-level=warning --outfile=pkg/web/hash.mjs
	@pkg/test/entry-sizes.sh

# The binding crate's own checks, natively and for wasm32.
pkg-lint: pkg-setup
	cd $(PKG_CRATE) && cargo fmt --check
	cd $(PKG_CRATE) && cargo clippy --quiet --all-targets -- -D warnings
	cd $(PKG_CRATE) && cargo clippy --quiet --all-targets --no-default-features -- -D warnings
	cd $(PKG_CRATE) && cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
	cd $(PKG_CRATE) && cargo clippy --quiet --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings
	cd $(PKG_CRATE) && cargo test --quiet

# wasm-bindgen-test unit tests of the bindings, in Node, then in headless Chromium.
pkg-wasm-test: pkg-setup
	cd $(PKG_CRATE) && cargo test --target wasm32-unknown-unknown
	cd $(PKG_CRATE) && WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
		WASM_BINDGEN_TEST_TIMEOUT=60 cargo test --target wasm32-unknown-unknown

# npm pack, install the tarball into an empty folder, run node:test there in
# CJS and ESM, and tsc --strict on usage files against the installed typings.
pkg-npm-test: pkg
	pkg/test/npm-pack-test.sh

# The browser build in headless Chromium, page served from 127.0.0.1.
pkg-browser-test: pkg
	node pkg/test/browser/run.mjs

test-pkg: pkg-lint pkg-wasm-test pkg-npm-test pkg-browser-test
	@echo "test-pkg: passed"

bench-pkg: pkg
	node pkg/test/bench.mjs

# Import to first digest in headless Chromium: appsflyer-s2s/hash against
# libphonenumber-js/min + WebCrypto, alternating rounds (ROUNDS, default 25).
bench-hash-startup: pkg
	node pkg/test/browser/startup.mjs $(or $(ROUNDS),25)

# Where the hashing .wasm's bytes go: the same build with its names kept,
# through twiggy (`cargo install twiggy`; not installed by setup).
PKG_HASH_NAMED := $(PKG_HASH_TARGET)/named
pkg-hash-twiggy: pkg
	@command -v twiggy >/dev/null || { echo "pkg-hash-twiggy: needs twiggy (cargo install twiggy)" >&2; exit 1; }
	rm -rf $(PKG_HASH_NAMED)
	wasm-bindgen --target web --out-dir $(PKG_HASH_NAMED) --out-name hash $(PKG_HASH_WASM)
	$(PKG_BIN)/wasm-opt -Oz --debuginfo --strip-producers --strip-target-features \
		$(PKG_HASH_NAMED)/hash_bg.wasm -o $(PKG_HASH_NAMED)/hash_named.wasm
	twiggy top -n 25 $(PKG_HASH_NAMED)/hash_named.wasm
	node pkg/test/wasm-breakdown.mjs $(PKG_HASH_NAMED)/hash_named.wasm pkg/web/appsflyer_s2s_hash_bg.wasm

# How events should cross into wasm: JSON text (what the package does) against
# serde-wasm-bindgen, on a probe build that the package never ships.
PKG_PROBE_TARGET := target/crossing-probe
PKG_PROBE_OUT := $(PKG_PROBE_TARGET)/pkg

.PHONY: bench-crossing
BENCH_TARGETS += bench-crossing

bench-crossing: pkg-setup
	cd $(PKG_CRATE) && CARGO_TARGET_DIR=$(CURDIR)/$(PKG_PROBE_TARGET) cargo build --quiet \
		--target wasm32-unknown-unknown --profile pkg --features crossing-probe
	rm -rf $(PKG_PROBE_OUT)
	wasm-bindgen --target nodejs --out-dir $(PKG_PROBE_OUT) \
		$(PKG_PROBE_TARGET)/wasm32-unknown-unknown/pkg/appsflyer_s2s_wasm.wasm
	$(PKG_WASM_OPT) $(PKG_PROBE_OUT)/appsflyer_s2s_wasm_bg.wasm -o $(PKG_PROBE_OUT)/appsflyer_s2s_wasm_bg.wasm
	node pkg/test/crossing-bench.mjs $(PKG_PROBE_OUT)/appsflyer_s2s_wasm.js
