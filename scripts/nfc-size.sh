#!/usr/bin/env bash
# What the Unicode NFC of `appsflyer_s2s::normalize` (code + generated
# tables) adds to a release wasm: the probe's `nfc` feature (trim, NFC)
# against `nfc-baseline` (trim only). Lowercasing, which names also get, is
# in neither, so the difference is NFC's alone.
exec "$(dirname "$0")/module-size.sh" "NFC" nfc nfc-baseline
