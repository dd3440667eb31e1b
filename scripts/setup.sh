#!/usr/bin/env bash
# Installs what the project's commands need, only when it is missing or at
# another version. Usage: scripts/setup.sh [core] [wasm] [browser]
#   core     Rust targets and components, npm devDependencies (default)
#   wasm     pinned wasm-bindgen-cli and worker-build
#   browser  Debian's chromium and chromium-driver (headless browser tests)
#   fuzz     a nightly toolchain and the pinned cargo-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
WORKER_BUILD_VERSION=0.8.7
CARGO_FUZZ_VERSION=0.13.2

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required: $2" >&2; exit 1; }
}

setup_core() {
  need cargo "install Rust with rustup (https://rustup.rs)"
  need rustup "install Rust with rustup (https://rustup.rs)"
  need node "install Node.js 18 or newer"
  need npm "install Node.js 18 or newer (npm comes with it)"

  local installed
  installed=$(rustup target list --installed)
  for target in wasm32v1-none wasm32-unknown-unknown; do
    if ! grep -qx "$target" <<<"$installed"; then
      echo "setup: adding Rust target $target"
      rustup target add "$target"
    fi
  done
  installed=$(rustup component list --installed)
  for component in clippy rustfmt; do
    if ! grep -q "^$component" <<<"$installed"; then
      echo "setup: adding Rust component $component"
      rustup component add "$component"
    fi
  done

  # npm ci only when an installed package is missing or at another version than package-lock.json.
  if ! node -e '
    const fs = require("fs");
    const lock = require("./package-lock.json");
    for (const [path, meta] of Object.entries(lock.packages)) {
      if (!path || meta.optional) continue;
      const file = `${path}/package.json`;
      if (!fs.existsSync(file) || require(`./${file}`).version !== meta.version) process.exit(1);
    }' 2>/dev/null; then
    echo "setup: installing npm devDependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# cargo_tool CRATE VERSION BINARY: cargo install CRATE@VERSION unless BINARY --version says VERSION.
cargo_tool() {
  local crate=$1 version=$2 bin=$3
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -qF "$version"; then
    return
  fi
  echo "setup: installing $crate $version (cargo install; a cold install takes minutes)"
  cargo install "$crate" --version "$version"
}

setup_wasm() {
  cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
  cargo_tool worker-build "$WORKER_BUILD_VERSION" worker-build
}

setup_fuzz() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    echo "setup: installing the nightly toolchain (cargo fuzz needs it)"
    rustup toolchain install nightly --profile minimal
  fi
  cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION" cargo-fuzz
}

setup_browser() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return
  fi
  need apt-get "install Chromium and ChromeDriver with your package manager"
  echo "setup: installing Debian's chromium and chromium-driver"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver
}

[ $# -gt 0 ] || set -- core
for part in "$@"; do
  case "$part" in
    core) setup_core ;;
    wasm) setup_wasm ;;
    browser) setup_browser ;;
    fuzz) setup_fuzz ;;
    *) echo "setup: unknown part '$part' (core, wasm, browser, fuzz)" >&2; exit 2 ;;
  esac
done
