# Every routine task. `just --list` shows them. Tools are installed by scripts/setup.sh.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Build the CLI and check the sample email with the embedded default rule packs
demo:
    cargo build --release -q -p conduct-cli
    ./target/release/conduct check examples/sample-email.txt || [ $? -eq 1 ]

# The whole test suite: lint, Rust tests, wasm tests, extension e2e in real Chromium
test: lint test-rust wasm test-wasm extension test-e2e

# Formatting and clippy
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p conduct-rules --no-default-features --all-targets -- -D warnings

# Rust unit, integration, doc and CLI tests
test-rust:
    cargo test --workspace --no-fail-fast
    # the engine as the wasm package builds it (JSON packs and policies, fewer regex features, quoted
    # mail left out); clippy above also builds it without `quotes`
    cargo test -p conduct-rules --no-default-features --features quotes

# Build the wasm package (pinned wasm-bindgen CLI, npm binaryen's wasm-opt -Oz) into crates/conduct-wasm/pkg and extension/wasm
wasm:
    scripts/build-wasm.sh

# wasm-bindgen-test in node, and the package's JS tests
test-wasm:
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown -p conduct-wasm
    node --test tests/wasm/

# Assemble the unpacked extension (needs `just wasm`)
extension:
    node extension/build.mjs

# End-to-end tests of the extension in Debian's chromium
test-e2e:
    node --test --test-concurrency=1 tests/e2e/

# Recall and false-positive rates on tests/corpus (and ../shared/eval when present)
eval *ARGS:
    cargo run --release -q -p conduct-rules --example eval -- {{ARGS}}

# Whether two builds of the CLI give byte-identical findings on every tests/corpus text (and TSV dirs given)
compare-findings OLD NEW *DIRS:
    scripts/compare-findings.sh {{OLD}} {{NEW}} {{DIRS}}

# Criterion benches, wasm-vs-harper in node, in-browser latency
bench:
    cargo bench -p conduct-rules
    scripts/bench-wasm.sh
    scripts/bench-browser.sh

# Instructions per check and per build (callgrind): the repeatable measure on a noisy machine
bench-instructions:
    scripts/callgrind-check.sh

# Run each fuzz target for SECONDS (nightly cargo-fuzz)
fuzz SECONDS="60":
    scripts/fuzz.sh {{SECONDS}}
