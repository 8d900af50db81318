#!/usr/bin/env bash
# Installs the build tools Sluice needs, skipping each one that is already present at the
# right version. Safe to run any number of times.
set -euo pipefail
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' "$(dirname "$0")/../Cargo.toml")
export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " ${CARGO_LEPTOS_VERSION}\$"; then
  echo "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (takes ~17 minutes the first time)"
  cargo install cargo-leptos --locked --version "${CARGO_LEPTOS_VERSION}" --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  echo "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION}"
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --force
fi

# wasm-opt for release builds comes from npm's binaryen: Debian's (108) predates the wasm
# features Rust now enables by default and writes a module that fails to instantiate.
stamp=tools/binaryen/node_modules/.sluice-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s tools/binaryen/package-lock.json "$stamp"; then
  if ! command -v npm >/dev/null; then
    echo "installing nodejs and npm"
    apt_install nodejs npm
  fi
  echo "installing binaryen (wasm-opt) from npm"
  (cd tools/binaryen && npm ci --no-audit --no-fund)
  cp tools/binaryen/package-lock.json "$stamp"
fi
