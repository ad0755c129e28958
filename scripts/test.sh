#!/usr/bin/env bash
# The whole test suite: installs what the tests need (idempotent), then runs every test.
#   scripts/test.sh                 # all tests
#   VBDT_CLIPPY=1 scripts/test.sh   # also clippy -D warnings (else: `just lint`)
# Exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-test-deps.sh

status=0

# Tests that cannot run here (no ../shared beside the clone, no tmpfs, ...) append one line
# each to this file (tests/support/skip.rs); the summary at the end counts them.
skip_log="$(mktemp "${TMPDIR:-/tmp}/vbdt-skips.XXXXXX")"
trap 'rm -f "$skip_log"' EXIT
export VBDT_SKIP_LOG="$skip_log"

# Doc tests first (nextest does not run them), so that the test runner's summary is the last word.
cargo test --workspace --doc || status=$?

if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast || status=$?
else
    echo "test.sh: cargo-nextest not found, using cargo test" >&2
    cargo test --workspace --no-fail-fast --lib --bins --tests || status=$?
fi

# Supply chain (deny.toml, docs/supply-chain.md): licences, bans and sources always.
cargo deny --locked check licenses bans sources || status=$?
# Advisories need the RustSec database, which is fetched from GitHub: where that cannot be
# reached (this project's machines) the check is reported as NOT RUN, never as passed.
if [ "${VBDT_DENY_ADVISORIES:-auto}" != "0" ]; then
    if timeout 120 cargo deny --locked check advisories; then
        :
    elif [ "${VBDT_DENY_ADVISORIES:-auto}" = "1" ]; then
        status=1
    else
        echo "test.sh: cargo deny check advisories: NOT RUN (the RustSec advisory database could not be fetched; see docs/supply-chain.md)" >&2
    fi
fi

if [ "${VBDT_CLIPPY:-0}" = "1" ]; then
    cargo clippy --workspace --all-targets -- -D warnings || status=$?
fi

# Skipped tests: how many, and why (one line each). A test retried by nextest logs twice.
skips="$(sort -u "$skip_log")"
n_skipped="$(printf '%s' "$skips" | grep -c '^skipped' || true)"
n_partly="$(printf '%s' "$skips" | grep -c '^partly' || true)"
echo "test.sh: $n_skipped test(s) skipped, $n_partly ran without part of their inputs" >&2
if [ -n "$skips" ]; then
    printf '%s\n' "$skips" | awk -F '\t' '{ printf "  %s %s: %s\n", ($1 == "partly" ? "PARTLY SKIPPED" : "SKIPPED"), $2, $3 }' >&2
fi

if [ "$status" -ne 0 ]; then
    echo "test.sh: FAILED (exit $status)" >&2
fi
exit "$status"
