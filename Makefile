# Sluice — every entry point installs what it needs first (idempotently), so a fresh machine
# needs only `make run` or `make test`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
# Same env as cargo-leptos sets when it builds the server, so `cargo test` reuses its artefacts.
export LEPTOS_OUTPUT_NAME := sluice
# cargo-leptos finds wasm-opt on PATH; use the pinned npm build (see .ci/install-tools.sh).
export PATH := $(CURDIR)/tools/binaryen/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run dev test test-rust test-e2e lint build bench tools test-tools fmt clean-e2e screenshots

## make run: install what is missing, then serve the release build on http://127.0.0.1:3000
run: tools
	cargo leptos serve --release

## make dev: rebuild and reload on every change
dev: tools
	cargo leptos watch

## make test: install what is missing, then run every Rust and Playwright test and the lints;
## the integration tests and the history and accounts specs run on SQLite and again on a
## throwaway PostgreSQL (tools/with-postgres.sh; SLUICE_TEST_DATABASE_URL: your own server);
## the Rust suites get a throwaway Redis (tools/with-redis.sh; SLUICE_TEST_REDIS_URL: your own);
## the Playwright `cluster` project runs three replicas on both behind nginx (end2end/README.md)
test: test-tools test-rust build test-e2e lint

test-rust:
	bash tools/with-redis.sh cargo test --release --no-default-features --features ssr
	bash tools/with-redis.sh bash tools/with-postgres.sh env SLUICE_TEST_BACKEND=postgres cargo test --release --no-default-features --features ssr --test integration
	cargo test --release -p sluice-markdown -p sluice-wire -p sluice-providers -p sluice-fake-upstream -p sluice-attachments --features sluice-providers/http

build: tools
	cargo leptos build --release
	cargo build --release -p sluice-fake-upstream

test-e2e: test-tools
	cd end2end && bash ../tools/with-redis.sh bash ../tools/with-postgres.sh npx playwright test

## make screenshots: rewrite the screenshot references (end2end/screenshots/, shown in README)
## after an intended change of the look; `make test` compares the page against them
screenshots: test-tools build
	cd end2end && npx playwright test tests/visual.spec.ts --project=sqlite --project=phone --update-snapshots

lint:
	cargo fmt --check
	cargo clippy --release --no-default-features --features ssr --all-targets -- -D warnings
	cargo clippy --release -p sluice-markdown -p sluice-wire -p sluice-providers -p sluice-fake-upstream -p sluice-attachments --all-targets --features sluice-providers/http -- -D warnings
	cargo clippy --release --no-default-features --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt

## make bench: load-test the release server against the fake upstream; on SQLite and on a
## throwaway PostgreSQL (tools/with-postgres.sh, fsync on) measure database writes per
## streaming answer, the time to open a long conversation, worst-case searches and sign-in
## latency while they run, how many answers stream at once before flush p99 passes 100 ms;
## 1 vs 3 replicas sharing live answers through a throwaway Redis (tools/with-redis.sh): added
## latency, CPU and Redis commands per event, how fast a killed replica's answers are closed;
## streamed-Markdown costs
## (growing code fence, highlighter, TeX), then in headless Chromium the main-thread time per
## token of a 10,000-token answer, frame times, bundle size and time to interactive; figures go
## to BENCHMARKS.md
bench: build test-tools
	ulimit -n "$$(ulimit -Hn)" && cargo run --release --no-default-features --features ssr --example loadgen -- --out BENCHMARKS.md
	SLUICE_PG_FSYNC=on bash tools/with-postgres.sh cargo run --release --no-default-features --features ssr --example storebench -- --out BENCHMARKS.md
	SLUICE_PG_FSYNC=on bash tools/with-postgres.sh cargo run --release --no-default-features --features ssr --example flushbench -- --out BENCHMARKS.md
	SLUICE_PG_FSYNC=on bash tools/with-postgres.sh cargo run --release --no-default-features --features ssr --example searchbench -- --out BENCHMARKS.md
	ulimit -n "$$(ulimit -Hn)" && SLUICE_PG_FSYNC=on bash tools/with-postgres.sh bash tools/with-redis.sh cargo run --release --no-default-features --features ssr --example clusterbench -- --out BENCHMARKS.md
	cargo run --release --no-default-features --features ssr --example markdownbench -- --out BENCHMARKS.md
	cargo run --release --no-default-features --features ssr --example attachbench -- --out BENCHMARKS.md
	bash tools/leptos-floor/measure.sh
	node examples/browser_bench.mjs --out BENCHMARKS.md

tools:
	@bash .ci/install-tools.sh

test-tools: tools
	@bash .ci/install-test-tools.sh
