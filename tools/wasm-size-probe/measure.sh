#!/usr/bin/env bash
# Builds the probe once per feature for wasm32 (sluice's wasm-release settings), runs the
# pinned wasm-opt -Oz as cargo-leptos does, and prints raw and gzip -9 sizes.
# Usage: tools/wasm-size-probe/measure.sh [feature...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PWD/../binaryen/node_modules/.bin:$PATH"
features=("$@")
[ ${#features[@]} -eq 0 ] && features=(baseline own own-highlight own-math syntect latex2mathml pulldown-latex)
printf '| build | wasm bytes (wasm-opt -Oz) | gzip -9 bytes |\n|---|---:|---:|\n'
for f in "${features[@]}"; do
  cargo build -q --release --target wasm32-unknown-unknown --lib --features "$f" --target-dir "target/$f"
  wasm="target/$f/wasm32-unknown-unknown/release/wasm_size_probe.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$wasm" -o "target/$f.opt.wasm"
  printf '| %s | %s | %s |\n' "$f" "$(wc -c < "target/$f.opt.wasm")" "$(gzip -9 -c "target/$f.opt.wasm" | wc -c)"
done
