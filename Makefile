# The project's commands. `make dev` runs the main job, `make test` every test;
# both install what they need (see scripts/setup.sh) on a fresh machine.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

REGION ?= US
# A typical event: raw PII is hashed, eventTime converted, eventValue stringified.
SAMPLE_EVENT ?= {"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase","eventValue":{"af_revenue":"19.99","af_content_id":"sku-1"},"eventCurrency":"usd","eventTime":"2024-05-15T14:17:01.123+02:00","email":" John_Smith@Gmail.com ","phone_number":"(650) 555-1212","first_name":"Valéry","last_name":"Smith"}

.PHONY: help setup dev test lint no-std generated-check test-rust bench phone-size

help:
	@echo "make dev    - build a sample event with the core and print the exact body AppsFlyer would get"
	@echo "              (EVENT='{...}' REGION=GB make dev for your own)"
	@echo "make test   - install what is missing, then run every check and test"
	@echo "make bench  - print the figures recorded in BENCHMARKS.md"

setup:
	@scripts/setup.sh

dev: setup
	@cargo run --quiet --example build_event -- '$(if $(EVENT),$(EVENT),$(SAMPLE_EVENT))' $(REGION)

test: setup lint no-std generated-check test-rust

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --no-default-features --lib -- -D warnings

# The core is no_std + alloc: prove it on targets that have no std at all.
no-std:
	cargo build --no-default-features --lib --target wasm32v1-none
	cargo build --no-default-features --lib --target wasm32-unknown-unknown

# Generated tables and the phone corpus must be exactly what their scripts produce.
generated-check:
	node scripts/gen-phone-metadata.mjs --check
	node scripts/gen-phone-corpus.mjs --check

test-rust:
	cargo test --release --all-targets
	cargo test --release --doc

bench: setup
	cargo bench --bench build_event
	scripts/phone-size.sh

phone-size: setup
	scripts/phone-size.sh
