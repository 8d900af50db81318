#!/usr/bin/env bash
# Builds the floor app for wasm32 (sluice's wasm-release settings), runs wasm-bindgen and the
# pinned wasm-opt -Oz as cargo-leptos does, and prints raw and gzip -9 sizes of wasm + js.
# Needs the wasm32 target and the wasm-bindgen CLI that `make test` installs.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PWD/../binaryen/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo build -q --release --target wasm32-unknown-unknown --lib --target-dir target
rm -rf target/pkg
wasm-bindgen --target web --no-typescript --out-dir target/pkg \
  target/wasm32-unknown-unknown/release/leptos_floor.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
  target/pkg/leptos_floor_bg.wasm -o target/pkg/leptos_floor.opt.wasm
wasm=$(gzip -9 -c target/pkg/leptos_floor.opt.wasm | wc -c)
js=$(gzip -9 -c target/pkg/leptos_floor.js | wc -c)
printf '| build | wasm bytes (wasm-opt -Oz) | wasm gzip -9 | js gzip -9 | total gzip KiB |\n|---|---:|---:|---:|---:|\n'
printf '| leptos-floor | %s | %s | %s | %s |\n' "$(wc -c < target/pkg/leptos_floor.opt.wasm)" \
  "$wasm" "$js" "$(awk "BEGIN{printf \"%.1f\", ($wasm+$js)/1024}")"
