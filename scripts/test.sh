#!/usr/bin/env bash
# The whole test suite: installs what the tests need (idempotent), then runs every test.
#   scripts/test.sh                 # all tests, cargo deny, cargo fmt --check, clippy -D warnings
# Exits non-zero if anything failed; ends by saying which tests were skipped and why.
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
# Advisories need the RustSec database (docs/supply-chain.md). With the snapshot
# ../shared/advisory-db.bundle: checked offline against it, and said so with its date.
# Without it: fetched from GitHub; where that cannot be reached, NOT RUN (never "passed").
# VBDT_DENY_ADVISORIES=1: a check that cannot run fails the run; =0: not tried.
advisories_mode="${VBDT_DENY_ADVISORIES:-auto}"
advisory_bundle="../shared/advisory-db.bundle"
if [ "$advisories_mode" != "0" ]; then
    if [ -f "$advisory_bundle" ]; then
        db_path="$(mktemp -d "${TMPDIR:-/tmp}/vbdt-advisory-dbs.XXXXXX")"
        # The folder name cargo-deny 0.20 derives from deny.toml's db-urls.
        db="$db_path/advisory-db-3157b0e258782691"
        if git -c init.defaultBranch=main clone -q "$advisory_bundle" "$db" && cargo fetch --locked -q; then
            snapshot="$(git -C "$db" log -1 --format='%cs, commit %h')"
            if VBDT_ADVISORY_DB_PATH="$db_path" cargo deny --offline --locked check advisories; then
                echo "test.sh: cargo deny check advisories: ok against the RustSec snapshot of $snapshot ($advisory_bundle); advisories published later are not covered" >&2
            else
                echo "test.sh: cargo deny check advisories: FAILED against the RustSec snapshot of $snapshot" >&2
                status=1
            fi
        else
            echo "test.sh: cargo deny check advisories: FAILED (cannot clone $advisory_bundle or fetch the crates of Cargo.lock)" >&2
            status=1
        fi
        rm -rf "$db_path"
    elif VBDT_ADVISORY_DB_PATH="${VBDT_ADVISORY_DB_PATH:-${CARGO_HOME:-$HOME/.cargo}/advisory-dbs}" && export VBDT_ADVISORY_DB_PATH &&
        timeout 120 cargo deny --locked fetch db; then
        # (The path is set here: deny.toml's fallback names $CARGO_HOME, which an unset
        # CARGO_HOME leaves as a literal folder "$CARGO_HOME" in the working tree.)
        # Fetched: from here a failure is a finding, never "not run".
        if cargo fetch --locked -q && cargo deny --offline --locked check advisories; then
            echo "test.sh: cargo deny check advisories: ok against the RustSec database fetched now" >&2
        else
            echo "test.sh: cargo deny check advisories: FAILED against the RustSec database fetched now" >&2
            status=1
        fi
    else
        echo "test.sh: cargo deny check advisories: NOT RUN (no $advisory_bundle, and the RustSec advisory database could not be fetched; see docs/supply-chain.md)" >&2
        if [ "$advisories_mode" = "1" ]; then status=1; fi
    fi
fi

# The style gate (rustfmt.toml; [workspace.lints] in Cargo.toml): always.
if cargo fmt --all -- --check --files-with-diff; then
    echo "test.sh: cargo fmt --check: ok" >&2
else
    echo "test.sh: cargo fmt --check: FAILED (the files above; run cargo fmt)" >&2
    status=1
fi
if cargo clippy --workspace --all-targets -- -D warnings; then
    echo "test.sh: cargo clippy --workspace --all-targets -- -D warnings: ok" >&2
else
    echo "test.sh: cargo clippy: FAILED" >&2
    status=1
fi

# For information (issue 17, readable units): the longest functions; library functions
# over 120 lines are flagged OVER. Not a failure.
python3 scripts/longest-functions.py -n 15 >&2 || true

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
