# The Cloudflare Worker (worker/, wrangler.toml): build, run locally, test, measure.
#
#   make worker        build worker/build/ with worker-build (offline: pinned local tools)
#   make dev-worker    the Worker on http://127.0.0.1:8787 with `wrangler dev`, and a local
#                      AppsFlyer stand-in on 127.0.0.1:8788 that prints each event and, in its
#                      dev mode, fails some (Ctrl-C stops both); the status page is
#                      http://127.0.0.1:8787/status (password: STATUS_TOKENS in .dev.vars)
#   make test-worker   the Worker's native unit tests, fmt and clippy (wasm32), the
#                      Miniflare suites (worker/test/*.test.mjs; the status page's in headless
#                      Chromium too), a 500-event fault-injection soak (worker/test/soak.mjs)
#                      and `wrangler deploy --dry-run`
#   make bench-worker  the Worker's .wasm size (raw, gzip), CPU time per forwarded event
#                      (worker/bench/bench.mjs), a 10,000-event fault-injection soak and
#                      throughput and p50/p99 latency under load (worker/bench/load.mjs)
#   make bench-worker-baseline WORKER_BASELINE=<commit>
#                      CPU per forwarded event of this build and of <commit>'s Worker, side
#                      by side in one run (alternating rounds), and their ratio

TEST_TARGETS += test-worker
BENCH_TARGETS += bench-worker
DEV_TARGET := dev-worker

WORKER_DEV_PORT ?= 8787
# Events of the fault-injection soak (worker/test/soak.mjs): `make test`, `make bench`.
SOAK_SMOKE_EVENTS ?= 500
SOAK_EVENTS ?= 10000
AF_DEV_PORT ?= 8788
WORKER_OUT := worker/build/index.js
WORKER_SOURCES := $(shell find src worker/src -name '*.rs' 2>/dev/null) Cargo.toml Cargo.lock worker/Cargo.toml

# worker-build uses the tools installed by scripts/setup.sh and npm instead of
# downloading its own; wasm-opt is npm's binaryen 132 (not Debian's). The Worker
# builds in its own target directory with size-first settings, so it neither
# rebuilds nor is rebuilt by the other wasm builds of this repository.
WORKER_BUILD_ENV := \
  WASM_BINDGEN_BIN=wasm-bindgen \
  WASM_OPT_BIN=$(CURDIR)/node_modules/.bin/wasm-opt \
  ESBUILD_BIN=$(CURDIR)/node_modules/.bin/esbuild \
  CARGO_TARGET_DIR=$(CURDIR)/target/worker \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
  CARGO_PROFILE_RELEASE_LTO=true \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_PANIC=abort
WRANGLER := WRANGLER_SEND_METRICS=false $(CURDIR)/node_modules/.bin/wrangler

.PHONY: worker worker-setup worker-test-setup dev-worker test-worker worker-lint worker-unit \
	bench-worker bench-worker-baseline

worker-setup:
	@scripts/setup.sh core wasm

# The status page's test opens it in Debian's headless Chromium.
worker-test-setup:
	@scripts/setup.sh core wasm browser

worker: worker-setup $(WORKER_OUT)

# worker-build always keeps the wasm name section (it passes `--debuginfo` to
# wasm-opt), which is 36 KB of the gzipped module: strip it, and the producers
# section, afterwards. Panics and stack traces then show no Rust function names.
$(WORKER_OUT): $(WORKER_SOURCES)
	cd worker && $(WORKER_BUILD_ENV) worker-build --release
	$(CURDIR)/node_modules/.bin/wasm-opt --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-exception-handling \
	  --strip-debug --strip-producers worker/build/index_bg.wasm -o worker/build/index_bg.wasm
	@touch $@

dev-worker: worker
	@if [ ! -f .dev.vars ]; then cp .dev.vars.example .dev.vars; echo "dev-worker: created .dev.vars from .dev.vars.example"; fi
	@for name in $$(sed -n 's/^\([A-Z_]*\)=.*/\1/p' .dev.vars.example); do \
	  grep -q "^$$name=" .dev.vars || echo "dev-worker: your .dev.vars has no $$name (an older copy?): see .dev.vars.example"; \
	done
	@echo "dev-worker: Worker on http://127.0.0.1:$(WORKER_DEV_PORT), AppsFlyer stand-in on http://127.0.0.1:$(AF_DEV_PORT); Ctrl-C stops both"
	@echo "dev-worker: status page on http://127.0.0.1:$(WORKER_DEV_PORT)/status (any user name; password: STATUS_TOKENS in .dev.vars)"
	@node scripts/fake-appsflyer.mjs --port $(AF_DEV_PORT) --dev & fake=$$!; \
	  trap 'kill $$fake 2>/dev/null || true' EXIT INT TERM; \
	  $(WRANGLER) dev --ip 127.0.0.1 --port $(WORKER_DEV_PORT) \
	    --var AF_ENDPOINT:http://127.0.0.1:$(AF_DEV_PORT) \
	    --show-interactive-dev-session=false

# The Worker crate's own checks: fmt, clippy for wasm32 (what ships), and its
# pure modules' unit tests natively (auth, configuration, retry decisions,
# idempotency key names, log lines).
worker-lint: worker-setup
	cargo fmt -p appsflyer-s2s-worker -- --check
	cargo clippy -p appsflyer-s2s-worker --target wasm32-unknown-unknown --all-targets -- -D warnings

worker-unit: worker-setup
	cargo test --quiet -p appsflyer-s2s-worker

test-worker: worker-test-setup worker-lint worker-unit worker
	node --test --test-concurrency=1 --test-timeout=180000 worker/test/*.test.mjs
	node worker/test/soak.mjs $(SOAK_SMOKE_EVENTS)
	$(WRANGLER) deploy --dry-run --outdir target/worker-dry-run

bench-worker: worker
	@printf 'worker .wasm: %s bytes raw, %s bytes gzip -9\n' \
	  "$$(wc -c < worker/build/index_bg.wasm)" "$$(gzip -9 -c worker/build/index_bg.wasm | wc -c)"
	node worker/bench/bench.mjs
	node worker/test/soak.mjs $(SOAK_EVENTS)
	node worker/bench/load.mjs

# The Worker at another commit (default: main when the status page was
# merged, the last commit without it), built like worker/ (same tools, its
# own target directory) from `git archive`, then worker/bench/bench.mjs with
# both builds side by side.
WORKER_BASELINE ?= 4406649
WORKER_BASELINE_DIR := target/worker-baseline

bench-worker-baseline: worker
	rm -rf $(WORKER_BASELINE_DIR)/src && mkdir -p $(WORKER_BASELINE_DIR)/src
	git archive --format=tar $(WORKER_BASELINE) | tar -x -C $(WORKER_BASELINE_DIR)/src
	cd $(WORKER_BASELINE_DIR)/src/worker && $(WORKER_BUILD_ENV) \
	  CARGO_TARGET_DIR=$(CURDIR)/$(WORKER_BASELINE_DIR)/target worker-build --release
	$(CURDIR)/node_modules/.bin/wasm-opt --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-exception-handling \
	  --strip-debug --strip-producers $(WORKER_BASELINE_DIR)/src/worker/build/index_bg.wasm -o $(WORKER_BASELINE_DIR)/src/worker/build/index_bg.wasm
	BENCH_BASELINE=$(WORKER_BASELINE_DIR)/src/worker/build/index.js node worker/bench/bench.mjs
