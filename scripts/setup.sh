#!/usr/bin/env bash
# Installs what the project's commands need, only when it is missing:
# Rust targets and components, and the pinned npm devDependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required: $2" >&2; exit 1; }
}
need cargo "install Rust with rustup (https://rustup.rs)"
need rustup "install Rust with rustup (https://rustup.rs)"
need node "install Node.js 18 or newer"
need npm "install Node.js 18 or newer (npm comes with it)"

installed_targets=$(rustup target list --installed)
for target in wasm32v1-none wasm32-unknown-unknown; do
  if ! grep -qx "$target" <<<"$installed_targets"; then
    echo "setup: adding Rust target $target"
    rustup target add "$target"
  fi
done

installed_components=$(rustup component list --installed)
for component in clippy rustfmt; do
  if ! grep -q "^$component" <<<"$installed_components"; then
    echo "setup: adding Rust component $component"
    rustup component add "$component"
  fi
done

# npm ci only when an installed package is missing or at another version than package-lock.json.
if ! node -e '
  const fs = require("fs");
  const lock = require("./package-lock.json");
  for (const [path, meta] of Object.entries(lock.packages)) {
    if (!path) continue;
    const file = `${path}/package.json`;
    if (!fs.existsSync(file) || require(`./${file}`).version !== meta.version) process.exit(1);
  }' 2>/dev/null; then
  echo "setup: installing npm devDependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
