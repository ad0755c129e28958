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

# Benchmarks against pyHanko and pdfsig (issue 8): ~10 min, writes docs/benchmarks.md;
# then the archive-scale run (bench-scale below), writes docs/benchmarks-scale.md
# (`just bench --quick`: one run per cell, the small scale run; `just bench --help` for the rest)
bench *ARGS:
    python3 scripts/bench/bench.py {{ARGS}}
    case " {{ARGS}} " in *" --help "*|*" -h "*|*" --smoke "*|*" --only-csc "*) ;; *" --quick "*) python3 scripts/bench/scale.py --quick ;; *) python3 scripts/bench/scale.py ;; esac

# Verification at archive scale (issue 16): requests and wall time of an online batch
# against slow local responders (cold and warm cache, beside pdfsig and pyHanko), and
# peak memory at 1,000 to 100,000 files; writes docs/benchmarks-scale.md (`--quick`: small)
bench-scale *ARGS:
    python3 scripts/bench/scale.py {{ARGS}}

# Make a throwaway test PKI in DIR (optionally: just pki DIR --ocsp-url URL --crl-base-url URL)
pki DIR *ARGS:
    cargo run -p vbdt -- testpki --out {{quote(DIR)}} {{ARGS}}

# Fuzz one target (pdf_raw, verify, der, page_text) for SECS seconds, seeded from ../shared/corpus
# (stable toolchain: RUSTC_BOOTSTRAP=1 and no sanitizer; see docs/fuzzing.md)
fuzz TARGET="pdf_raw" SECS="300":
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
    scripts/fuzz-seed.sh
    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none -O {{TARGET}} corpus/{{TARGET}} -- -max_total_time={{SECS}} -max_len=1048576 -rss_limit_mb=2048 -timeout=10
