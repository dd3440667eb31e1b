#!/usr/bin/env bash
# What the Unicode NFC of `appsflyer_s2s::normalize::name` (code + generated
# tables) adds to a release wasm: the probe's `nfc` feature (NFC, trim,
# lowercase) against `nfc-baseline` (trim and lowercase only).
exec "$(dirname "$0")/module-size.sh" "NFC" nfc nfc-baseline
