# The project's commands. `make dev` runs the main job, `make test` every test;
# both install what they need (scripts/setup.sh) on a fresh machine.
# Each part of the project adds its own targets in mk/*.mk.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Filled in by mk/*.mk: what `make test` and `make bench` run, and what `make dev` is.
TEST_TARGETS := lint no-std generated-check test-rust
BENCH_TARGETS := bench-core
DEV_TARGET := dev-core

include $(sort $(wildcard mk/*.mk))

REGION ?= US
# A typical event: raw PII is hashed, eventTime converted, eventValue stringified.
SAMPLE_EVENT ?= {"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase","eventValue":{"af_revenue":"19.99","af_content_id":"sku-1"},"eventCurrency":"usd","eventTime":"2024-05-15T14:17:01.123+02:00","email":" John_Smith@Gmail.com ","phone_number":"(650) 555-1212","first_name":"Valéry","last_name":"Smith"}

.PHONY: help setup dev test bench lint no-std generated-check test-rust bench-core dev-core phone-size nfc-size gen-nfc

help:
	@echo "make dev    - run the main job locally"
	@echo "make test   - install what is missing, then run every check and test"
	@echo "make bench  - print the figures recorded in BENCHMARKS.md"

setup:
	@scripts/setup.sh core

dev: $(DEV_TARGET)

test: $(TEST_TARGETS)
	@echo "make test: all of $(TEST_TARGETS) passed"

bench: $(BENCH_TARGETS)

# Builds a sample event with the core, through the command line's `build`, and
# prints the exact body AppsFlyer would get (EVENT='{...}' REGION=GB make dev-core for your own).
dev-core: setup
	@echo '$(if $(EVENT),$(EVENT),$(SAMPLE_EVENT))' | cargo run --quiet -p appsflyer-s2s-cli -- build --region $(REGION)

lint: setup
	cargo fmt --all -- --check
	cargo fmt --manifest-path fuzz/Cargo.toml -- --check
	cargo fmt --manifest-path tools/gen-nfc/Cargo.toml -- --check
	cargo fmt --manifest-path tests/size/phone-wasm/Cargo.toml -- --check
	cargo clippy --all-targets -- -D warnings

# The core is no_std + alloc: prove it on targets that have no std at all.
no-std: setup
	cargo build --lib --target wasm32v1-none
	cargo build --lib --target wasm32-unknown-unknown

# Generated tables, the phone corpus and the copy of Unicode's NormalizationTest.txt
# must be exactly what their scripts produce.
generated-check: setup
	node scripts/gen-phone-metadata.mjs --check
	node scripts/gen-phone-corpus.mjs --check
	node scripts/gen-normalization-test.mjs --check
	cargo run --quiet --release --manifest-path tools/gen-nfc/Cargo.toml -- --check

# The test-release profile (Cargo.toml) is release with overflow checks and
# debug assertions on.
test-rust: setup
	cargo test --profile test-release --all-targets
	cargo test --profile test-release --doc

bench-core: setup
	cargo bench --bench build_event
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" scripts/phone-size.sh
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" scripts/nfc-size.sh

phone-size: setup
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" scripts/phone-size.sh

nfc-size: setup
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" scripts/nfc-size.sh

# Regenerate the NFC tables from the unicode-normalization crate pinned in tools/gen-nfc.
gen-nfc:
	cargo run --release --manifest-path tools/gen-nfc/Cargo.toml
