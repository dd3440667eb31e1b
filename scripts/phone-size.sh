#!/usr/bin/env bash
# What `appsflyer_s2s::phone` (code + generated tables) adds to a release wasm:
# the probe with its `phone` feature against the same probe without it.
exec "$(dirname "$0")/module-size.sh" "phone" phone ""
