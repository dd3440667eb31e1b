# Fuzzing (fuzz/, cargo-fuzz on nightly): the core's event JSON, phone and
# eventTime parsers, the Worker's request parsing (its pure parts, natively),
# and the command line's row reader (CSV and NDJSON files, `rows`).
#
#   make fuzz-smoke            a few seconds of each target (part of `make test`)
#   make fuzz FUZZ_RUNS=10000000   the long campaign recorded in BENCHMARKS.md
#
# New inputs go to fuzz/corpus/ (git-ignored); the committed seeds, including
# every input that once found a bug, are in fuzz/seeds/.
#
# Targets are built optimized (-O) with debug assertions (-a), which with
# cargo-fuzz 0.13 also turns on overflow checks: arithmetic that wraps panics
# (and is a crash) instead of passing silently. Build and run use the same
# flags, so `run` does not rebuild.

FUZZ_TARGETS := event_json phone event_time worker_request rows
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_RUNS ?= 10000000
FUZZ_FLAGS := -O -a

TEST_TARGETS += fuzz-smoke

.PHONY: fuzz-setup fuzz-build fuzz-smoke fuzz

fuzz-setup:
	@scripts/setup.sh core fuzz

fuzz-build: fuzz-setup
	cd fuzz && cargo +nightly fuzz build $(FUZZ_FLAGS)

fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  echo "fuzz-smoke: $$t for $(FUZZ_SMOKE_SECONDS) s"; \
	  (cd fuzz && cargo +nightly fuzz run $(FUZZ_FLAGS) $$t corpus/$$t seeds/$$t -- \
	    -max_total_time=$(FUZZ_SMOKE_SECONDS) -rss_limit_mb=2048 2>&1 | grep -E '^Done|SUMMARY|panicked') || exit 1; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  (cd fuzz && cargo +nightly fuzz run $(FUZZ_FLAGS) $$t corpus/$$t seeds/$$t -- \
	    -runs=$(FUZZ_RUNS) -rss_limit_mb=2048 2>&1 | grep -E '^Done|DONE|SUMMARY|panicked') || exit 1; \
	done
