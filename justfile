# vbdt task runner (`just --list`). `just` itself: pip install rust-just (scripts/install-test-deps.sh does it).

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes
default:
    @just --list

# Make a throwaway test PKI, sign the sample decision (personal + organization), verify it
demo:
    cargo run --release -p vbdt -- demo

# Install the test dependencies (idempotent) and run every test
test:
    scripts/test.sh

# Type-check everything, tests included
check:
    cargo check --workspace --all-targets

# Clippy with warnings as errors, and formatting
lint:
    cargo clippy --workspace --all-targets -- -D warnings
    cargo fmt --all -- --check

# Benchmarks (not written yet)
bench:
    @echo "just bench: the benchmarks are not written yet (tracked in another issue)" >&2
    @exit 1

# Make a throwaway test PKI in DIR (optionally: just pki DIR --ocsp-url URL --crl-base-url URL)
pki DIR *ARGS:
    cargo run -p vbdt -- testpki --out {{quote(DIR)}} {{ARGS}}
