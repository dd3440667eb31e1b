# The command line `appsflyer-s2s` (cli/): check and send files of events.
#
#   make cli         build target/release/appsflyer-s2s (or: cargo install --path cli)
#   make test-cli    fmt, clippy -D warnings, its unit and integration tests, and a
#                    small fault run (SIGKILLs against a failing stand-in, both
#                    --ambiguous modes)
#   make bench-cli   check on a generated 1,000,000-row CSV next to the core's own
#                    benchmark, the memory of resuming that file from a journal,
#                    send at --rate 60000 for 60 s against the stand-in, and the
#                    full fault run (20,000 rows): the figures in BENCHMARKS.md

CLI_BIN := target/release/appsflyer-s2s
# The fault run of `make test` (the full one, 20,000 rows, is in bench-cli).
FAULT_SMOKE_ROWS ?= 1000
FAULT_ROWS ?= 20000
BENCH_CHECK_ROWS ?= 1000000
BENCH_SEND_SECONDS ?= 60

TEST_TARGETS += test-cli
BENCH_TARGETS += bench-cli

.PHONY: cli test-cli bench-cli cli-fault-run

cli: setup
	cargo build --release -p appsflyer-s2s-cli
	@echo "cli: $(CLI_BIN)"

test-cli: cli
	cargo fmt -p appsflyer-s2s-cli -- --check
	cargo clippy -p appsflyer-s2s-cli --all-targets -- -D warnings
	cargo clippy -p appsflyer-s2s-cli --no-default-features --lib -- -D warnings
	cargo test --release -p appsflyer-s2s-cli --all-targets
	node cli/tests/fault_run.mjs --bin $(CLI_BIN) --rows $(FAULT_SMOKE_ROWS) --kills 3

cli-fault-run: cli
	node cli/tests/fault_run.mjs --bin $(CLI_BIN) --rows $(FAULT_ROWS) --kills 8

bench-cli: cli
	cargo bench -p appsflyer-s2s-cli --bench check_rows -- --rows $(BENCH_CHECK_ROWS)
	node cli/benches/resume_memory.mjs --bin $(CLI_BIN) --file target/tmp/check-bench-$(BENCH_CHECK_ROWS).csv
	node cli/benches/send_rate.mjs --bin $(CLI_BIN) --seconds $(BENCH_SEND_SECONDS)
	node cli/tests/fault_run.mjs --bin $(CLI_BIN) --rows $(FAULT_ROWS) --kills 8
