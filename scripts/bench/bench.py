#!/usr/bin/env python3
"""`just bench`: vbdt against pyHanko and poppler's pdfsig (issue 8, "The benchmark").

Builds release vbdt, generates the inputs in a scratch directory, measures wall time and
peak memory (/usr/bin/time -v) of signing and verifying each input with every tool,
interleaved, takes medians, counts vbdt's instructions with callgrind, measures the
OpenSSL floor, prints the table and writes docs/benchmarks.md with the targets of issue 8
marked met or not met (computed here from the numbers, never written by hand).

    scripts/bench/bench.py                 # full run: 5 runs per cell, 3 for the batch (~10 min)
    scripts/bench/bench.py --quick         # 1 run per cell, same inputs (BENCH_QUICK=1 too)
    scripts/bench/bench.py --smoke --doc /tmp/b.md   # tiny inputs, a minute or less (the test)

Python 3.11 standard library only; the tools measured are external processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PDFGEN = HERE / "pdfgen.py"
PYHANKO_BATCH = HERE / "pyhanko_batch.py"
PYHANKO_CSC = HERE / "pyhanko_csc.py"
CSC_FRONT = REPO / "tests/tools/csc_front.py"
MARKER = ".vbdt-bench-scratch"

PASS_ENV = "BENCH_P12_PASS"  # vbdt reads the PKCS#12 password from here, never from argv
NSS_NICK = "bench-signer"
FIELD = "BenchSig"

TOOLS = ("vbdt", "pyhanko", "pdfsig")
TOOL_NAMES = {"vbdt": "vbdt", "pyhanko": "pyHanko", "pdfsig": "pdfsig", "floor": "floor", "copy": "durable copy (`dd conv=fsync`)", "ref": "single-threaded reference (`openssl speed -seconds 1 -bytes 16384 -evp sha256`)"}

# Targets of issue 8.
SPEEDUP_VS_PYHANKO = 10.0
FLOOR_FACTOR = 2.0
BIG_RSS_LIMIT_KIB = 64 * 1024
BATCH_LIMIT_S = 2.0
BOTH_CORES_CPU_PERCENT = 150.0
TWO_THREADS_SHARE = 0.25
# Linearity: the largest point may cost at most this much more than the straight line
# through the two smaller points predicts (instruction counts are exact; wall times wobble).
LINEAR_TOLERANCE_IR = 1.5
LINEAR_TOLERANCE_WALL = 2.0


# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------


@dataclass
class Settings:
    runs: int
    batch_runs: int
    batch_size: int
    peer_batch_sample: int
    big_mb: float
    text_pages: int
    sig_counts: tuple[int, ...]
    size_series_mb: tuple[float, ...]
    callgrind: bool
    callgrind_sign: bool
    callgrind_series: bool
    callgrind_timeout: float
    slow_limit: float
    batch_slow_limit: float
    command_timeout: float
    mode: str


def settings_from(args: argparse.Namespace) -> Settings:
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    if args.smoke:
        s = Settings(
            runs=1, batch_runs=1, batch_size=10, peer_batch_sample=2, big_mb=1.0, text_pages=0,
            sig_counts=(1, 2, 3), size_series_mb=(0.1, 0.3), callgrind=True, callgrind_sign=False, callgrind_series=False,
            callgrind_timeout=120, slow_limit=30, batch_slow_limit=90, command_timeout=300, mode="smoke",
        )
    else:
        s = Settings(
            runs=1 if quick else 5, batch_runs=1 if quick else 3, batch_size=1000, peer_batch_sample=100,
            big_mb=50.0, text_pages=100, sig_counts=(1, 10, 100), size_series_mb=(0.5, 5.0),
            callgrind=True, callgrind_sign=True, callgrind_series=True, callgrind_timeout=150, slow_limit=30, batch_slow_limit=90,
            command_timeout=900, mode="quick" if quick else "full",
        )
    env_runs = os.environ.get("BENCH_RUNS")
    if args.runs is not None or env_runs:
        s.runs = args.runs if args.runs is not None else int(env_runs)
    if args.batch_runs is not None:
        s.batch_runs = args.batch_runs
    if args.peer_batch_sample is not None:
        s.peer_batch_sample = args.peer_batch_sample
    if args.no_callgrind:
        s.callgrind = False
    s.peer_batch_sample = max(1, min(s.peer_batch_sample, s.batch_size))
    return s


# ---------------------------------------------------------------------------
# Running and measuring one command
# ---------------------------------------------------------------------------


@dataclass
class Measurement:
    ok: bool
    wall: float = 0.0  # seconds
    rss_kib: int = 0
    cpu_percent: float = 0.0
    why: str = ""  # when not ok: what went wrong, one line
    cpu_seconds: float = 0.0  # user + system
    thread_ticks: list[int] = field(default_factory=list)  # per thread, largest first (when sampled)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_plain(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    if check and p.returncode != 0:
        raise SystemExit(f"bench: `{shlex.join(cmd)}` exited {p.returncode}:\n{p.stderr.decode(errors='replace')[-2000:]}")
    return p


def measure(cmd: list[str], ctx: "Context", check=None, threads: bool = False) -> tuple[Measurement, subprocess.CompletedProcess | None]:
    """Runs cmd under `/usr/bin/time -v`. Wall time is taken here around the whole run
    (so it includes /usr/bin/time's own start, reported as the harness overhead); peak
    RSS and CPU share come from /usr/bin/time. `check(proc)` returns "" when the exit code
    and the tool's output show success, else why not; without it, exit 0 is success.
    With `threads`, the CPU time of each thread of the measured process is sampled while
    it runs (Measurement.thread_ticks)."""
    tfile, out, err = (ctx.scratch / n for n in ("time.txt", "stdout.txt", "stderr.txt"))
    tfile.unlink(missing_ok=True)
    full = ["/usr/bin/time", "-v", "-o", str(tfile), *cmd]
    ticks: dict[int, int] = {}
    timed_out = threading.Event()
    finished = threading.Event()
    # Output goes to files, not pipes: a big JSON report must not block the tool. The main
    # thread blocks in waitpid (no polling delay in the wall time); a watcher thread
    # enforces the timeout and samples the threads.
    with open(out, "wb") as fo, open(err, "wb") as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(full, cwd=ctx.scratch, env=ctx.env, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe, start_new_session=True)

        def watch() -> None:
            deadline = time.monotonic() + ctx.s.command_timeout
            while not finished.wait(0.02 if threads else 0.5):
                if threads:
                    sample_thread_ticks(proc.pid, ticks)
                if time.monotonic() > deadline:
                    timed_out.set()
                    os.killpg(proc.pid, signal.SIGKILL)
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        rc = proc.wait()
        wall = time.perf_counter() - start
        finished.set()
        watcher.join()
    if timed_out.is_set():
        return Measurement(False, why=f"timed out after {ctx.s.command_timeout:.0f} s"), None
    p = subprocess.CompletedProcess(full, rc, out.read_bytes(), err.read_bytes())
    text = tfile.read_text(errors="replace") if tfile.exists() else ""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    cpu = re.search(r"Percent of CPU this job got: (\d+)%", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    m = Measurement(
        True,
        wall,
        int(rss.group(1)) if rss else 0,
        float(cpu.group(1)) if cpu else 0.0,
        cpu_seconds=(float(user.group(1)) if user else 0.0) + (float(system.group(1)) if system else 0.0),
        thread_ticks=sorted(ticks.values(), reverse=True),
    )
    why = (check or exit_status)(p)
    if why:
        m.ok, m.why = False, why
    return m, p


def sample_thread_ticks(time_pid: int, ticks: dict[int, int]) -> None:
    """CPU clock ticks (user + system) so far of every thread of /usr/bin/time's child,
    the process measured; a thread's last value before it ends is kept."""
    try:
        children = Path(f"/proc/{time_pid}/task/{time_pid}/children").read_text().split()
        for child in children:
            for tid in os.listdir(f"/proc/{child}/task"):
                stat = Path(f"/proc/{child}/task/{tid}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                # fields[0] is field 3 (state): utime and stime are fields 14 and 15.
                ticks[int(tid)] = max(ticks.get(int(tid), 0), int(fields[11]) + int(fields[12]))
    except (OSError, ValueError, IndexError):
        pass  # the process or a thread ended between two reads


def exit_status(p: subprocess.CompletedProcess, ok: tuple[int, ...] = (0,)) -> str:
    return "" if p.returncode in ok else f"exit {p.returncode}: " + last_line(p.stderr or p.stdout)


def last_line(data: bytes) -> str:
    lines = [l for l in data.decode(errors="replace").splitlines() if l.strip() and not l.startswith("NSS_Shutdown")]
    return lines[-1].strip()[:160] if lines else "(no output)"


# ---------------------------------------------------------------------------
# Checks: did the tool really succeed?
# ---------------------------------------------------------------------------


def vbdt_report_check(expected: list[int]):
    """vbdt verify --format json: every file lists its expected number of signatures and
    each signature's verdict is valid. The exit code may be 1 when only document rules
    (S1 personal-then-organization, S7 issue date) fail: the inputs are not real issued
    documents, and those rules are vbdt's own, not something the peers check."""

    def check(p: subprocess.CompletedProcess) -> str:
        if p.returncode not in (0, 1):
            return exit_status(p)
        try:
            report = json.loads(p.stdout)
        except ValueError:
            return f"exit {p.returncode}, no JSON report: " + last_line(p.stderr)
        files = report.get("files", [])
        if len(files) != len(expected):
            return f"report lists {len(files)} files, expected {len(expected)}"
        for f, n in zip(files, expected):
            sigs = f.get("signatures", [])
            bad = [s.get("field") for s in sigs if s.get("verdict") != "valid"]
            if len(sigs) != n or bad:
                return f"{Path(f.get('file', '?')).name}: {len(sigs)} signatures (expected {n}), not valid: {bad[:3]}"
        return ""

    return check


PYHANKO_LINE = re.compile(r"^(?P<field>[^:]+):(?P<fp>[0-9a-f]{64}):(?P<status>.*)$")


def pyhanko_check(expected: int):
    """`pyhanko sign validate` summary lines FIELD:SHA256:STATUS, each INTACT:TRUSTED with
    no illegal modification."""

    def check(p: subprocess.CompletedProcess) -> str:
        if p.returncode != 0:
            return exit_status(p)
        lines = [m for m in map(PYHANKO_LINE.match, p.stdout.decode(errors="replace").splitlines()) if m]
        if len(lines) != expected:
            return f"pyHanko reported {len(lines)} signatures, expected {expected}"
        for m in lines:
            flags = m["status"].split(",")
            if not m["status"].startswith("INTACT:TRUSTED") or any(f in ("ILLEGAL_MODIFICATIONS", "NONSTANDARD_COVERAGE") for f in flags):
                return f"pyHanko: {m['field']}: {m['status'][:80]}"
        return ""

    return check


def pdfsig_check(expected: int):
    """pdfsig's report: every signature `Signature is Valid.`, and every certificate
    `Certificate is Trusted.`. One allowance, for a quirk of pdfsig 22.12/NSS: in a file
    where the same certificate signed several times, some of the repeats come out as
    "Unknown issue with Certificate or corrupted data." (which ones depends on the file,
    not on the signature: the same signature is trusted in a longer file), so a repeat
    counts as trusted when the same signer's certificate was trusted in another
    signature of the same file. The number of such repeats is kept for the report."""

    def check(p: subprocess.CompletedProcess) -> str:
        if p.returncode != 0:
            return exit_status(p)
        sigs: list[dict] = []
        for line in p.stdout.decode(errors="replace").splitlines():
            line = line.strip()
            if re.match(r"Signature #\d+:", line):
                sigs.append({})
            elif sigs and line.startswith("- ") and ": " in line:
                k, v = line[2:].split(": ", 1)
                sigs[-1][k] = v
        if len(sigs) != expected:
            return f"pdfsig: {len(sigs)} signatures, expected {expected}"
        trusted_signers = {s.get("Signer full Distinguished Name") for s in sigs if s.get("Certificate Validation") == "Certificate is Trusted."}
        repeats = 0
        for i, s in enumerate(sigs, 1):
            if s.get("Signature Validation") != "Signature is Valid.":
                return f"pdfsig: signature {i}: {s.get('Signature Validation')}"
            cert = s.get("Certificate Validation")
            if cert != "Certificate is Trusted.":
                if cert == "Unknown issue with Certificate or corrupted data." and s.get("Signer full Distinguished Name") in trusted_signers:
                    repeats += 1
                else:
                    return f"pdfsig: signature {i}: {cert}"
        check.repeats = max(getattr(check, "repeats", 0), repeats)  # type: ignore[attr-defined]
        return ""

    return check


def output_check(out: Path, src: Path | None = None):
    def check(p: subprocess.CompletedProcess) -> str:
        if p.returncode != 0:
            return exit_status(p)
        if not out.exists():
            return f"no output {out.name}"
        if src is not None and out.stat().st_size <= src.stat().st_size:
            return f"output {out.name} is not larger than its input"
        return ""

    return check


# ---------------------------------------------------------------------------
# Context: tools, PKI, inputs
# ---------------------------------------------------------------------------


@dataclass
class Doc:
    key: str  # short id
    label: str
    path: Path  # unsigned input
    signed: Path | None = None  # signed once by vbdt (personal)
    pages: int = 0
    origin: str = "generated by scripts/bench/pdfgen.py"


@dataclass
class Context:
    s: Settings
    scratch: Path
    vbdt: Path
    env: dict
    given_binary: bool = False  # --vbdt: not necessarily a release build of this tree
    pki: Path = Path()
    nss_sign: str = ""
    nss_verify: str = ""
    docs: dict[str, Doc] = field(default_factory=dict)
    sig_docs: dict[int, Path] = field(default_factory=dict)
    size_docs: dict[float, Doc] = field(default_factory=dict)
    batch_inputs: list[Path] = field(default_factory=list)
    batch_signed: list[Path] = field(default_factory=list)

    @property
    def p12(self) -> Path:
        return self.pki / "personal.p12"

    @property
    def root(self) -> Path:
        return self.pki / "root.pem"

    @property
    def passfile(self) -> Path:
        return self.pki / "password.txt"


REQUIRED_TOOLS = ("certomancer-csc", "pyhanko", "pdfsig", "certutil", "pk12util", "valgrind", "callgrind_annotate", "openssl", "pdfinfo", "/usr/bin/time")


def ensure_tools(no_install: bool) -> None:
    missing = [t for t in REQUIRED_TOOLS if shutil.which(t) is None]
    if missing and not no_install:
        log(f"bench: missing {' '.join(missing)}: running scripts/install-test-deps.sh")
        subprocess.run(["bash", str(REPO / "scripts/install-test-deps.sh")], check=False)
        missing = [t for t in REQUIRED_TOOLS if shutil.which(t) is None]
    if missing:
        raise SystemExit(f"bench: still missing: {' '.join(missing)} (scripts/install-test-deps.sh installs them)")


def build_vbdt() -> Path:
    log("bench: cargo build --release -p vbdt")
    subprocess.run(["cargo", "build", "--release", "-p", "vbdt"], cwd=REPO, check=True)
    meta = json.loads(run_plain(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO).stdout)
    return Path(meta["target_directory"]) / "release" / "vbdt"


def fresh_scratch(path: Path) -> Path:
    path = path.resolve()
    if path.exists():
        if not (path / MARKER).exists():
            raise SystemExit(f"bench: {path} exists and was not made by the bench (no {MARKER}); choose another --dir")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / MARKER).write_text("scratch directory of scripts/bench/bench.py; deleted and remade by each run\n")
    return path


def pdf_pages(path: Path) -> int:
    p = run_plain(["pdfinfo", str(path)], check=False)
    m = re.search(rb"^Pages:\s+(\d+)", p.stdout, re.M)
    return int(m.group(1)) if m else 0


def vbdt_sign_cmd(ctx: Context, src: Path, out: Path, role: str = "personal") -> list[str]:
    key = ctx.pki / ("organization.p12" if role == "organization" else "personal.p12")
    return [str(ctx.vbdt), "sign", str(src), "-o", str(out), "--p12", str(key), "--pass-env", PASS_ENV, "--offline", "--role", role, "-q"]


def prepare(ctx: Context) -> None:
    s, d = ctx.s, ctx.scratch
    inputs = d / "inputs"
    inputs.mkdir()
    # Test PKI; the password goes to vbdt through the environment, to pyHanko and pk12util through the file.
    ctx.pki = d / "pki"
    run_plain([str(ctx.vbdt), "testpki", "--out", str(ctx.pki)])
    ctx.env[PASS_ENV] = ctx.passfile.read_text().splitlines()[0]

    # NSS databases: one with the signer's key for `pdfsig -add-signature`, one trusting only the root for verifying.
    for name in ("nss-sign", "nss-verify"):
        (d / name).mkdir()
        db = f"sql:{d / name}"
        run_plain(["certutil", "-N", "--empty-password", "-d", db])
        run_plain(["certutil", "-A", "-n", "bench-root", "-t", "CT,C,C", "-i", str(ctx.root), "-d", db])
    ctx.nss_sign, ctx.nss_verify = f"sql:{d / 'nss-sign'}", f"sql:{d / 'nss-verify'}"
    run_plain(["pk12util", "-i", str(ctx.p12), "-d", ctx.nss_sign, "-w", str(ctx.passfile), "-K", ""])
    nicks = run_plain(["certutil", "-L", "-d", ctx.nss_sign]).stdout.decode()
    own = [l.rsplit(None, 1)[0] for l in nicks.splitlines() if l.rstrip().endswith("u,u,u")]
    if len(own) != 1:
        raise SystemExit(f"bench: expected one certificate with a key in the NSS database, found: {own}")
    run_plain(["certutil", "--rename", "-n", own[0].strip(), "--new-n", NSS_NICK, "-d", ctx.nss_sign])

    # The documents.
    two = REPO.parent / "shared/fixtures/documents/quyet-dinh.pdf"
    target = inputs / "two-page.pdf"
    if two.exists() and pdf_pages(two) == 2:
        shutil.copyfile(two, target)
        origin = "the fixture decision `../shared/fixtures/documents/quyet-dinh.pdf`"
    else:
        run_plain([sys.executable, str(PDFGEN), "text", str(target), "2"])
        origin = "generated (the fixture ../shared/fixtures/documents/quyet-dinh.pdf was not found)"
    ctx.docs["two"] = Doc("two", "2-page decision", target, origin=origin)
    if s.text_pages:
        t = inputs / "text.pdf"
        run_plain([sys.executable, str(PDFGEN), "text", str(t), str(s.text_pages)])
        ctx.docs["text"] = Doc("text", f"{s.text_pages}-page text document", t)
    b = inputs / "big.pdf"
    run_plain([sys.executable, str(PDFGEN), "image", str(b), str(s.big_mb)])
    ctx.docs["big"] = Doc("big", f"{mb(b)} document, one noise image", b)
    for size in s.size_series_mb:
        p = inputs / f"image-{size:g}MB.pdf"
        run_plain([sys.executable, str(PDFGEN), "image", str(p), str(size)])
        ctx.size_docs[size] = Doc(f"img{size:g}", f"{mb(p)} document, one noise image", p)
    for doc in [*ctx.docs.values(), *ctx.size_docs.values()]:
        doc.pages = pdf_pages(doc.path)
        doc.signed = inputs / f"{doc.path.stem}.signed.pdf"
        run_plain(vbdt_sign_cmd(ctx, doc.path, doc.signed), env=ctx.env)
    ctx.size_docs[s.big_mb] = ctx.docs["big"]

    # The same 2-page decision with 1, 10, 100 signatures: personal ones, the last by the organization.
    prev, made = ctx.docs["two"].path, 0
    for n in sorted(s.sig_counts):
        while made < n:
            made += 1
            out = inputs / f"sigs-{made}.pdf"
            role = "organization" if made == n and n > 1 and n == max(s.sig_counts) else "personal"
            run_plain(vbdt_sign_cmd(ctx, prev, out, role), env=ctx.env)
            if made > 1 and (made - 1) not in s.sig_counts:
                (inputs / f"sigs-{made - 1}.pdf").unlink()
            prev = out
        ctx.sig_docs[n] = prev

    # The batch, and the same files signed once by vbdt (what every tool verifies).
    batch = inputs / "batch"
    run_plain([sys.executable, str(PDFGEN), "batch", str(batch), str(s.batch_size)])
    ctx.batch_inputs = sorted(batch.glob("*.pdf"))
    signed = inputs / "batch-signed"
    signed.mkdir()
    run_plain([str(ctx.vbdt), "sign", *map(str, ctx.batch_inputs), "--out-dir", str(signed), "--p12", str(ctx.p12), "--pass-env", PASS_ENV, "--offline", "-q"], env=ctx.env)
    ctx.batch_signed = sorted(signed.glob("*.pdf"))
    if len(ctx.batch_signed) != len(ctx.batch_inputs):
        raise SystemExit("bench: vbdt did not sign every batch input")
    (d / "out").mkdir()


def mb(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.0f} MB" if size >= 10e6 else f"{size / 1e6:.1f} MB"


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------


@dataclass
class Cell:
    """One (case, tool): the runs so far."""

    runs: list[Measurement] = field(default_factory=list)
    failed: str = ""
    capped: bool = False  # stopped after one run because it was slow
    scale: float = 1.0  # batch peers: time scaled from the sample to the whole batch
    sample: int = 0

    def median_wall(self) -> float | None:
        ok = [m.wall for m in self.runs if m.ok]
        return statistics.median(ok) * self.scale if ok and not self.failed else None

    def median_rss(self) -> int | None:
        ok = [m.rss_kib for m in self.runs if m.ok]
        return int(statistics.median(ok)) if ok and not self.failed else None

    def median_cpu(self) -> float | None:
        ok = [m.cpu_percent for m in self.runs if m.ok]
        return statistics.median(ok) if ok and not self.failed else None

    def median_cpu_seconds(self) -> float | None:
        ok = [m.cpu_seconds for m in self.runs if m.ok]
        return statistics.median(ok) * self.scale if ok and not self.failed else None

    def thread_split(self) -> list[float] | None:
        """Each thread's share of the CPU time, busiest first, from the run whose
        second-busiest thread had the median share."""
        splits = [[t / sum(m.thread_ticks) for t in m.thread_ticks] for m in self.runs if m.ok and sum(m.thread_ticks) > 0]
        if not splits:
            return None
        splits.sort(key=lambda sp: sp[1] if len(sp) > 1 else 0.0)
        return splits[len(splits) // 2]


@dataclass
class Case:
    key: str
    label: str
    op: str  # sign | verify
    group: str  # single | sigs | size | batch
    commands: dict  # tool -> callable(first run of the cell?) -> (argv, check or None, paths to delete after)
    cells: dict = field(default_factory=dict)
    count: int = 0  # signatures (verify) for the series
    pdfsig_check: object = None  # keeps how many repeated certificates pdfsig could not trust
    path: Path | None = None  # the file verified


def single_cases(ctx: Context) -> list[Case]:
    out_dir = ctx.scratch / "out"
    cases = []
    for doc in ctx.docs.values():
        src = doc.path

        def sign_cmds(src=src, key=doc.key):
            def vbdt(first):
                o = out_dir / f"{key}.vbdt.pdf"
                chk = [output_check(o, src)] + ([verify_check_vbdt(ctx, o)] if first else [])
                return vbdt_sign_cmd(ctx, src, o), all_of(chk), [o]

            def pyhanko(first):
                o = out_dir / f"{key}.pyhanko.pdf"
                cmd = ["pyhanko", "sign", "addsig", "--use-pades", "--field", FIELD, "pkcs12", "--passfile", str(ctx.passfile), str(src), str(o), str(ctx.p12)]
                chk = [output_check(o, src)] + ([verify_check_pyhanko(ctx, o)] if first else [])
                return cmd, all_of(chk), [o]

            def pdfsig(first):
                o = out_dir / f"{key}.pdfsig.pdf"
                cmd = ["pdfsig", "-nssdir", ctx.nss_sign, "-add-signature", "-nick", NSS_NICK, "-new-signature-field-name", FIELD, str(src), str(o)]
                chk = [output_check(o, src)] + ([verify_check_pdfsig(ctx, o)] if first else [])
                return cmd, all_of(chk), [o]

            def floor(first):
                return ["openssl", "dgst", "-sha256", "-sign", str(ctx.pki / "personal.key.pem"), "-out", "/dev/null", str(src)], None, []

            def durable_copy(first):
                # What any signer must at least do besides hashing: write the input's bytes
                # to a new file and fsync it (vbdt does both before its rename).
                o = out_dir / f"{key}.copy.pdf"
                return ["dd", f"if={src}", f"of={o}", "bs=4M", "conv=fsync", "status=none"], None, [o]

            return {"vbdt": vbdt, "pyhanko": pyhanko, "pdfsig": pdfsig, "floor": floor, "copy": durable_copy}

        cases.append(Case(f"sign-{doc.key}", doc.label, "sign", "single", sign_cmds()))
    for doc in ctx.docs.values():
        cases.append(verify_case(ctx, f"verify-{doc.key}", doc.label + ", 1 signature", doc.signed, 1, "single", TOOLS))
    for n, path in sorted(ctx.sig_docs.items()):
        if n == 1:
            continue  # the 2-page row above
        cases.append(verify_case(ctx, f"verify-sigs{n}", f"2-page decision, {n} signatures", path, n, "sigs", TOOLS))
    for size, doc in sorted(ctx.size_docs.items()):
        if doc.key == "big":
            continue
        cases.append(verify_case(ctx, f"verify-{doc.key}", doc.label + ", 1 signature (size series)", doc.signed, 1, "size", ("vbdt",)))
    return cases


def verify_case(ctx: Context, key: str, label: str, path: Path, n: int, group: str, tools) -> Case:
    cmds = {}
    if "vbdt" in tools:
        cmds["vbdt"] = lambda first: (vbdt_verify_cmd(ctx, [path]), vbdt_report_check([n]), [])
    if "pyhanko" in tools:
        cmds["pyhanko"] = lambda first: (pyhanko_verify_cmd(ctx, path), pyhanko_check(n), [])
    pchk = pdfsig_check(n)
    if "pdfsig" in tools:
        cmds["pdfsig"] = lambda first: (["pdfsig", "-nssdir", ctx.nss_verify, str(path)], pchk, [])
    cmds["floor"] = lambda first: (["openssl", "dgst", "-sha256", "-out", "/dev/null", str(path)], None, [])
    return Case(key, label, "verify", group, cmds, count=n, pdfsig_check=pchk, path=path)


def vbdt_verify_cmd(ctx: Context, files: list[Path]) -> list[str]:
    return [str(ctx.vbdt), "verify", *map(str, files), "--offline", "--trust", str(ctx.root), "--revocation", "off", "--format", "json"]


def pyhanko_verify_cmd(ctx: Context, path: Path) -> list[str]:
    return ["pyhanko", "sign", "validate", "--trust", str(ctx.root), "--trust-replace", "--no-revocation-check", str(path)]


def all_of(checks):
    checks = [c for c in checks if c is not None]

    def check(p):
        for c in checks:
            why = c(p)
            if why:
                return why
        return ""

    return check


def verify_check_vbdt(ctx: Context, out: Path):
    def check(p):
        q = subprocess.run(vbdt_verify_cmd(ctx, [out]), capture_output=True, env=ctx.env)
        why = vbdt_report_check([1])(q)
        return f"vbdt's own output does not verify: {why}" if why else ""

    return check


def verify_check_pyhanko(ctx: Context, out: Path):
    def check(p):
        q = subprocess.run(pyhanko_verify_cmd(ctx, out), capture_output=True, cwd=ctx.scratch)
        why = pyhanko_check(1)(q)
        return f"pyHanko's own output does not validate: {why}" if why else ""

    return check


def verify_check_pdfsig(ctx: Context, out: Path):
    def check(p):
        q = subprocess.run(["pdfsig", "-nssdir", ctx.nss_verify, str(out)], capture_output=True)
        why = pdfsig_check(1)(q)
        return f"pdfsig's own output does not verify: {why}" if why else ""

    return check


PDFSIG_SIGN_LOOP = r'''
db=$1 nick=$2 out=$3; shift 3
for f in "$@"; do
    pdfsig -nssdir "$db" -add-signature -nick "$nick" -new-signature-field-name BenchSig "$f" "$out/${f##*/}" 2>/dev/null || { echo "$f: pdfsig failed" >&2; exit 1; }
done
'''

PDFSIG_VERIFY_LOOP = r'''
db=$1; shift
for f in "$@"; do
    r=$(pdfsig -nssdir "$db" "$f" 2>/dev/null) || { echo "$f: pdfsig failed" >&2; exit 1; }
    [[ $r == *"Signature is Valid."* && $r == *"Certificate is Trusted."* ]] || { echo "$f: not valid" >&2; exit 1; }
done
'''


def batch_cases(ctx: Context) -> list[Case]:
    s = ctx.s
    n = len(ctx.batch_inputs)
    k = s.peer_batch_sample
    sample_in, sample_signed = ctx.batch_inputs[:k], ctx.batch_signed[:k]

    def out_dir(tool):
        d = ctx.scratch / "out" / f"batch-{tool}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir()
        return d

    def count_check(d: Path, want: int, verify_first=None):
        def check(p):
            if p.returncode != 0:
                return exit_status(p)
            got = len(list(d.glob("*.pdf")))
            if got != want:
                return f"{got} outputs, expected {want}"
            return verify_first(p) if verify_first else ""

        return check

    def vbdt_sign(first):
        d = out_dir("vbdt")
        cmd = [str(ctx.vbdt), "sign", *map(str, ctx.batch_inputs), "--out-dir", str(d), "--p12", str(ctx.p12), "--pass-env", PASS_ENV, "--offline", "-q"]

        def own(p):
            q = subprocess.run(vbdt_verify_cmd(ctx, sorted(d.glob("*.pdf"))[:20]), capture_output=True, env=ctx.env)
            return vbdt_report_check([1] * min(20, n))(q)

        return cmd, count_check(d, n, own if first else None), [d]

    def pyhanko_sign(first):
        d = out_dir("pyhanko")
        cmd = [sys.executable, str(PYHANKO_BATCH), "sign", str(ctx.p12), str(ctx.passfile), str(d), *map(str, sample_in)]

        def own(p):
            q = subprocess.run([sys.executable, str(PYHANKO_BATCH), "verify", str(ctx.root), *map(str, sorted(d.glob("*.pdf"))[:5])], capture_output=True)
            return "" if q.returncode == 0 else "pyHanko's own outputs do not validate: " + last_line(q.stderr)

        return cmd, count_check(d, k, own if first else None), [d]

    def pdfsig_sign(first):
        d = out_dir("pdfsig")
        cmd = ["bash", "-c", PDFSIG_SIGN_LOOP, "pdfsig-loop", ctx.nss_sign, NSS_NICK, str(d), *map(str, sample_in)]

        def own(p):
            q = subprocess.run(["bash", "-c", PDFSIG_VERIFY_LOOP, "pdfsig-loop", ctx.nss_verify, *map(str, sorted(d.glob("*.pdf"))[:5])], capture_output=True)
            return "" if q.returncode == 0 else "pdfsig's own outputs do not verify: " + last_line(q.stderr)

        return cmd, count_check(d, k, own if first else None), [d]

    sign = Case("batch-sign", f"batch of {n} small documents", "sign", "batch", {"vbdt": vbdt_sign, "pyhanko": pyhanko_sign, "pdfsig": pdfsig_sign}, count=n)
    verify = Case(
        "batch-verify",
        f"batch of {n} small documents",
        "verify",
        "batch",
        {
            "vbdt": lambda first: (vbdt_verify_cmd(ctx, ctx.batch_signed), vbdt_report_check([1] * n), []),
            "pyhanko": lambda first: ([sys.executable, str(PYHANKO_BATCH), "verify", str(ctx.root), *map(str, sample_signed)], None, []),
            "pdfsig": lambda first: (["bash", "-c", PDFSIG_VERIFY_LOOP, "pdfsig-loop", ctx.nss_verify, *map(str, sample_signed)], None, []),
        },
        count=n,
    )
    # A single-threaded, CPU-bound reference run in the same rotation: the share of a core
    # one thread gets right now, to judge whether vbdt used both cores on a loaded machine.
    for case in (sign, verify):
        case.commands["ref"] = lambda first: (["openssl", "speed", "-seconds", "1", "-bytes", "16384", "-evp", "sha256"], None, [])
    for case in (sign, verify):
        for tool in ("pyhanko", "pdfsig"):
            case.cells[tool] = Cell(scale=n / k, sample=k)
    return [sign, verify]


def csc_cases(ctx: Context) -> tuple[list[Case], object]:
    """Remote signing (docs/remote-signing.md): CSC_DOCS documents through a CSC v1 service on
    127.0.0.1 (certomancer-csc-dummy behind tests/tools/csc_front.py, bearer token and PIN
    checked). vbdt: one authorization and one signHash for all of them; pyHanko's CSC signer:
    one authorization and one signHash per document. Both pay the same service's signing."""
    n = min(len(ctx.batch_inputs), 5 if ctx.s.mode == "smoke" else 100)
    inputs = ctx.batch_inputs[:n]
    d = ctx.scratch / "csc"
    d.mkdir()
    err = open(d / "server.err", "wb")
    server = subprocess.Popen([sys.executable, str(CSC_FRONT), "--dir", str(d), "--token", "bench-token", "--pin", "2468", "--multisign", "100"], stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)

    def stop():
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        err.close()

    started = time.monotonic()
    while not (d / "ports.json").exists():
        if server.poll() is not None or time.monotonic() - started > 60:
            stop()
            raise SystemExit(f"bench: the CSC service did not start: {(d / 'server.err').read_text(errors='replace')[-500:]}")
        time.sleep(0.1)
    url = f"http://127.0.0.1:{json.loads((d / 'ports.json').read_text())['front']}"
    (d / "token").write_text("bench-token\n")
    (d / "pin").write_text("2468\n")
    subprocess.run(["openssl", "x509", "-inform", "der", "-in", str(d / "root.crt"), "-out", str(d / "root.pem")], check=True)

    def authorizations() -> int:
        log_path = d / "requests.log"
        text = log_path.read_text() if log_path.exists() else ""
        return sum(1 for line in text.splitlines() if '"/csc/v1/credentials/authorize"' in line)

    def out_dir(tool):
        o = ctx.scratch / "out" / f"csc-{tool}"
        if o.exists():
            shutil.rmtree(o)
        o.mkdir(parents=True)
        return o

    def check(o: Path, want_auth: int, before: int):
        def run_check(p):
            if p.returncode != 0:
                return exit_status(p)
            got = len(list(o.glob("*.pdf")))
            if got != n:
                return f"{got} outputs, expected {n}"
            auths = authorizations() - before
            if auths != want_auth:
                return f"{auths} authorizations, expected {want_auth}"
            q = subprocess.run([sys.executable, str(PYHANKO_BATCH), "verify", str(d / "root.pem"), *map(str, sorted(o.glob("*.pdf"))[:5])], capture_output=True)
            return "" if q.returncode == 0 else "outputs do not validate in pyHanko: " + last_line(q.stderr)

        return run_check

    def vbdt_cmd(first):
        o = out_dir("vbdt")
        cmd = [str(ctx.vbdt), "sign", *map(str, inputs), "--out-dir", str(o), "--csc", url, "--csc-credential", "vbdt/signer"]
        cmd += ["--csc-token-file", str(d / "token"), "--pin-file", str(d / "pin"), "--offline", "-q"]
        return cmd, check(o, 1, authorizations()), [o]

    def pyhanko_cmd(first):
        o = out_dir("pyhanko")
        cmd = [sys.executable, str(PYHANKO_CSC), url, "vbdt/signer", str(d / "token"), str(d / "pin"), str(o), *map(str, inputs)]
        return cmd, check(o, n, authorizations()), [o]

    case = Case("csc-sign", f"{n} documents through CSC (vbdt: 1 authorization; pyHanko: {n})", "sign", "csc", {"vbdt": vbdt_cmd, "pyhanko": pyhanko_cmd}, count=n)
    return [case], stop


# ---------------------------------------------------------------------------
# The interleaved runs
# ---------------------------------------------------------------------------


def run_cases(ctx: Context, cases: list[Case], runs: int, what: str, slow_limit: float) -> None:
    """Round-robin: in each run, every case runs every tool once, the tools' order rotating
    from run to run and case to case so no tool always goes first (or right after another)."""
    for r in range(runs):
        log(f"bench: {what}: run {r + 1}/{runs}")
        for i, case in enumerate(cases):
            tools = list(case.commands)
            shift = (r + i) % len(tools)
            for tool in tools[shift:] + tools[:shift]:
                cell = case.cells.setdefault(tool, Cell())
                if cell.failed or (cell.capped and r > 0):
                    continue
                cmd, check, cleanup = case.commands[tool](r == 0 and not cell.runs)
                m, _ = measure(cmd, ctx, check, threads=case.group == "batch" and tool == "vbdt")
                for path in cleanup:
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink(missing_ok=True)
                if not m.ok:
                    cell.failed = m.why
                    log(f"bench:   {case.key} {tool}: FAILED: {m.why}")
                    continue
                cell.runs.append(m)
                if r == 0 and m.wall > slow_limit and runs > 1:
                    cell.capped = True
                    log(f"bench:   {case.key} {tool}: {m.wall:.1f} s, over {slow_limit:.0f} s: measured once")


def add_overhead_probe(cases: list[Case]) -> None:
    """`true` under the same harness, in the same rotation: what starting a process under
    /usr/bin/time costs at that moment (it is included in every time)."""
    for case in cases:
        case.commands["overhead"] = lambda first: (["true"], None, [])


def harness_overhead(cases: list[Case]) -> float | None:
    walls = [m.wall for c in cases if "overhead" in c.cells for m in c.cells["overhead"].runs if m.ok]
    return statistics.median(walls) if walls else None


# ---------------------------------------------------------------------------
# Callgrind
# ---------------------------------------------------------------------------


@dataclass
class IrResult:
    label: str
    command: list[str]
    ir: int | None = None
    why: str = ""
    top: list[str] = field(default_factory=list)


def callgrind(ctx: Context, label: str, cmd: list[str], out_file: Path | None = None) -> IrResult:
    res = IrResult(label, cmd)
    cg = ctx.scratch / "callgrind" / (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".out")
    cg.parent.mkdir(exist_ok=True)
    full = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}", *cmd]
    try:
        p = subprocess.run(full, cwd=ctx.scratch, env=ctx.env, capture_output=True, timeout=ctx.s.callgrind_timeout)
    except subprocess.TimeoutExpired:
        res.why = f"over {ctx.s.callgrind_timeout:.0f} s under callgrind"
        return res
    finally:
        if out_file is not None:
            out_file.unlink(missing_ok=True)
    m = re.search(rb"Collected : (\d+)", p.stderr)
    if p.returncode not in (0, 1) or not m:
        res.why = f"exit {p.returncode}: " + last_line(p.stderr)
        return res
    res.ir = int(m.group(1))
    ann = subprocess.run(["callgrind_annotate", "--inclusive=no", str(cg)], capture_output=True)
    for line in ann.stdout.decode(errors="replace").splitlines():
        mm = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S.*)$", line)
        if mm and "PROGRAM TOTALS" not in line:
            fn = re.sub(r"\s*\[.*\]$", "", mm.group(3)).replace("???:", "")
            res.top.append(f"{mm.group(2)}% {fn[:90]}")
            if len(res.top) == 5:
                break
    return res


# How many times slower vbdt runs under callgrind, roughly: a point whose predicted time
# exceeds the callgrind timeout is not run (its wall time is used instead).
CALLGRIND_SLOWDOWN = 60


def series_points(ctx: Context) -> dict[str, list[tuple[float, str]]]:
    """The linearity series: (x, case key) for the number of signatures and the file size."""
    sigs = [(float(n), "verify-two" if n == 1 else f"verify-sigs{n}") for n in sorted(ctx.sig_docs)]
    sizes = sorted(ctx.size_docs.values(), key=lambda d: d.signed.stat().st_size)
    return {
        "sigs": sigs,
        "size": [(d.signed.stat().st_size / 1e6, "verify-big" if d.key == "big" else f"verify-{d.key}") for d in sizes],
    }


def run_callgrind(ctx: Context, cases: list[Case]) -> tuple[list[IrResult], dict[str, IrResult]]:
    by = {c.key: c for c in cases}
    results: dict[str, IrResult] = {}
    out = ctx.scratch / "out" / "callgrind-sign.pdf"
    two = ctx.docs["two"]
    log("bench: callgrind: sign and verify of the 2-page decision")
    if ctx.s.callgrind_sign:
        results["sign-two"] = callgrind(ctx, "sign, 2-page decision", vbdt_sign_cmd(ctx, two.path, out), out)
    results["verify-two"] = callgrind(ctx, "verify, 2-page decision (1 signature)", vbdt_verify_cmd(ctx, [two.signed]))
    if ctx.s.callgrind_series:
        for _, key in [p for series in series_points(ctx).values() for p in series]:
            if key in results:
                continue
            case = by[key]
            cell = case.cells.get("vbdt")
            w = cell.median_wall() if cell else None
            label = f"verify, {case.label}"
            if w is None or w * CALLGRIND_SLOWDOWN > ctx.s.callgrind_timeout:
                why = "vbdt failed" if w is None else f"not run: {fmt_time(w)} × ~{CALLGRIND_SLOWDOWN} under callgrind would exceed {ctx.s.callgrind_timeout:.0f} s"
                results[key] = IrResult(label, [], why=why)
                continue
            log(f"bench: callgrind: {label}")
            results[key] = callgrind(ctx, label, vbdt_verify_cmd(ctx, [case.path]))
    return list(results.values()), results


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


@dataclass
class Target:
    text: str
    met: bool | None  # None: could not be decided (a tool failed)
    detail: str


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


def combine(oks: list[bool | None]) -> bool | None:
    """All met: met; any not met: not met; otherwise (something not measured): undecided."""
    if any(ok is False for ok in oks):
        return False
    return None if any(ok is None for ok in oks) else True


def linear_verdict(points: list[tuple[float, float]], tolerance: float) -> tuple[bool, str]:
    """Three or more (x, cost) points, sorted by x: the last point's cost against the
    straight line through the two before it (or, if that line does not rise, the
    previous cost)."""
    (x1, c1), (x2, c2), (x3, c3) = points[-3:]
    slope = max(0.0, (c2 - c1) / (x2 - x1))
    predicted = c2 + slope * (x3 - x2)
    ok = c3 <= tolerance * predicted
    return ok, f"at {x3:g}: {c3:.4g} against {predicted:.4g} predicted from the line through {x1:g} and {x2:g} ({c3 / predicted:.2f}×, allowed {tolerance:g}×)"


def evaluate_targets(ctx: Context, cases: list[Case], ir_by_case: dict[str, IrResult]) -> list[Target]:
    by = {c.key: c for c in cases}
    targets: list[Target] = []
    singles = [c for c in cases if c.group in ("single", "sigs")]

    def wall(case: Case, tool: str):
        cell = case.cells.get(tool)
        return cell.median_wall() if cell else None

    def per_row(tool: str, need: float, name: str) -> Target:
        rows, oks = [], []
        for c in singles:
            r = ratio(wall(c, tool), wall(c, "vbdt"))
            ok = None if r is None else (r >= need if need > 1 else r > need)
            oks.append(ok)
            rows.append(f"{c.op} {c.label}: " + ("n/a" if r is None else f"{r:.1f}× {'✓' if ok else '✗'}"))
        return Target(name, combine(oks), "; ".join(rows))

    targets.append(per_row("pyhanko", SPEEDUP_VS_PYHANKO, "Sign and verify each single document at least 10× faster than pyHanko"))
    targets.append(per_row("pdfsig", 1.0, "Sign and verify each single document faster than pdfsig"))

    big = [by["sign-big"], by["verify-big"]]
    rows, oks = [], []
    for c in big:
        r = ratio(wall(c, "vbdt"), wall(c, "floor"))
        ok = None if r is None else r <= FLOOR_FACTOR
        oks.append(ok)
        rows.append(f"{c.op}: " + ("n/a" if r is None else f"{r:.2f}× {'✓' if ok else '✗'}"))
    targets.append(
        Target(
            f"{ctx.docs['big'].label}: sign and verify within 2× of the floor",
            combine(oks),
            "; ".join(rows) + " (floor: read + SHA-256 + one RSA-2048 signature for sign, read + SHA-256 for verify; `openssl dgst`)" + durable_copy_note(by["sign-big"]),
        )
    )
    rows, oks = [], []
    for c in big:
        cell = c.cells.get("vbdt")
        rss = cell.median_rss() if cell else None
        ok = None if rss is None else rss < BIG_RSS_LIMIT_KIB
        oks.append(ok)
        rows.append(f"{c.op}: " + ("n/a" if rss is None else f"{rss / 1024:.1f} MiB {'✓' if ok else '✗'}"))
    targets.append(Target(f"{ctx.docs['big'].label}: vbdt's peak memory below 64 MiB", combine(oks), "; ".join(rows)))

    for key, what in (("batch-sign", "signing (key file)"), ("batch-verify", "verifying")):
        c = by[key]
        cell = c.cells.get("vbdt")
        w, cpu = (cell.median_wall(), cell.median_cpu()) if cell else (None, None)
        if w is None:
            targets.append(Target(f"Batch of {c.count}: {what} in under 2 s using both cores", None, "vbdt failed"))
            continue
        cpu = cpu or 0.0
        ref_cell = c.cells.get("ref")
        ref = (ref_cell.median_cpu() if ref_cell else None) or 0.0
        split = cell.thread_split() or [1.0]
        second = split[1] if len(split) > 1 else 0.0
        ok_t = w < BATCH_LIMIT_S
        # On an idle machine two busy cores show as ≥ 150% of one core. On a loaded one the
        # scheduler gives the whole process about what one thread gets, however many threads
        # it has; then the evidence is that the work was split over two threads.
        ok_c = cpu >= BOTH_CORES_CPU_PERCENT or second >= TWO_THREADS_SHARE
        shares = "/".join(f"{x * 100:.0f}" for x in split[:4])
        targets.append(
            Target(
                f"Batch of {c.count}: {what} in under 2 s using both cores",
                ok_t and ok_c,
                f"{w:.2f} s {'✓' if ok_t else '✗'}; CPU {cpu:.0f}% of one core (a single-threaded reference got {ref:.0f}% in the same runs), "
                f"CPU time per thread {shares}% {'✓' if ok_c else '✗'} (both cores: ≥ {BOTH_CORES_CPU_PERCENT:.0f}% of one core, or the second-busiest thread doing ≥ {TWO_THREADS_SHARE * 100:.0f}% of the work)",
            )
        )

    for name, points in series_points(ctx).items():
        if len(points) < 3:
            continue
        what = "Verification cost linear in the number of signatures" if name == "sigs" else "Verification cost linear in file size (noise images, x in MB)"
        what += " (" + ", ".join(f"{x:g}" for x, _ in points) + ")"
        irs = [ir_by_case.get(key) for _, key in points]
        if all(r is not None and r.ir is not None for r in irs):
            ok, detail = linear_verdict([(x, float(r.ir)) for (x, _), r in zip(points, irs)], LINEAR_TOLERANCE_IR)
            detail = "instructions (callgrind): " + detail
        else:
            walls = [(x, wall(by[key], "vbdt")) for x, key in points]
            if any(w is None for _, w in walls):
                targets.append(Target(what, None, "vbdt failed"))
                continue
            ok, detail = linear_verdict([(x, w * 1000) for x, w in walls], LINEAR_TOLERANCE_WALL)
            missing = [r.why for r in irs if r is not None and r.ir is None]
            detail = "wall ms" + (f" (no instruction count for every point: {'; '.join(missing)})" if missing else "") + ": " + detail
        targets.append(Target(what, ok, detail))
    return targets


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def fmt_time(s: float | None) -> str:
    if s is None:
        return "—"
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s * 1000:.3g} ms" if s >= 0.001 else f"{s * 1000:.2f} ms"


def fmt_rss(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f} MiB" if kib >= 10240 else f"{kib / 1024:.1f} MiB"


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×" if r < 10 else f"{r:.0f}×"


def cell_text(cell: Cell | None) -> tuple[str, str]:
    if cell is None:
        return "—", "—"
    if cell.failed:
        return "FAILED", "—"
    t, mark = fmt_time(cell.median_wall()), ""
    if cell.capped:
        mark += "¹"
    if cell.sample:
        mark += "²"
    return t + mark, fmt_rss(cell.median_rss())


def durable_copy_note(c: Case) -> str:
    """The sign floor writes nothing; a signer also writes its output and (vbdt) fsyncs it
    before the rename. The time of that alone, measured in the same rotation."""
    copy = c.cells.get("copy")
    cw = copy.median_wall() if copy and not copy.failed else None
    if cw is None:
        return ""
    v = c.cells.get("vbdt")
    r = ratio(v.median_wall() if v else None, cw)
    return f"; for sign, a durable copy of the same bytes alone (`dd conv=fsync`) takes {fmt_time(cw)}" + ("" if r is None else f", vbdt/copy {r:.2f}×")


def table(cases: list[Case]) -> list[str]:
    head = ["case", "vbdt", "vbdt RSS", "pyHanko", "pyHanko RSS", "pdfsig", "pdfsig RSS", "floor", "pyHanko/vbdt", "pdfsig/vbdt", "vbdt/floor"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in cases:
        cells = [f"{c.op} {c.label}"]
        for tool in ("vbdt", "pyhanko", "pdfsig"):
            cells.extend(cell_text(c.cells.get(tool)))
        floor = c.cells.get("floor")
        cells.append(fmt_time(floor.median_wall()) if floor and not floor.failed else ("FAILED" if floor else "—"))
        v = c.cells.get("vbdt")
        vw = v.median_wall() if v else None
        for tool in ("pyhanko", "pdfsig"):
            cell = c.cells.get(tool)
            cells.append(fmt_ratio(ratio(cell.median_wall(), vw)) if cell else "—")
        cells.append(fmt_ratio(ratio(vw, floor.median_wall() if floor else None)))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def tool_version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (p.stdout + p.stderr).decode(errors="replace").strip().splitlines()
    return text[0].strip() if text else "?"


def machine(ctx: Context) -> list[str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    git = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True).stdout.decode().strip()
    branch = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--abbrev-ref", "HEAD"], capture_output=True).stdout.decode().strip()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (`nproc`: {len(os.sched_getaffinity(0))})",
        f"- RAM: {int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "- RAM: ?",
        f"- Kernel: {platform.system()} {platform.release()}",
        f"- Scratch directory: `{ctx.scratch}` ({fs_type(ctx.scratch)})",
        f"- vbdt: {tool_version([str(ctx.vbdt), '--version'])}, "
        + (f"`{ctx.vbdt}` (given with --vbdt)" if ctx.given_binary else f"release build of commit `{git}` ({branch})")
        + f"; {tool_version(['rustc', '--version'])}",
        f"- pyHanko: {tool_version(['pyhanko', '--version'])}; Python {platform.python_version()}",
        f"- pdfsig: {tool_version(['pdfsig', '-v'])}; NSS certutil from libnss3-tools",
        f"- OpenSSL: {tool_version(['openssl', 'version'])}",
        f"- Valgrind: {tool_version(['valgrind', '--version'])}",
    ]


def fs_type(path: Path) -> str:
    p = subprocess.run(["df", "--output=fstype", str(path)], capture_output=True)
    lines = p.stdout.decode().split()
    return lines[-1] if len(lines) > 1 else "?"


def commands_section(ctx: Context) -> list[str]:
    d = "$B"
    return [
        f"`$B` is the scratch directory; the password of the test PKCS#12 files is in `$B/pki/password.txt` and, for vbdt, in the environment variable `{PASS_ENV}` (never in argv).",
        "",
        "```sh",
        "# setup",
        f"vbdt testpki --out {d}/pki",
        f"certutil -N --empty-password -d sql:{d}/nss-sign; certutil -A -n bench-root -t CT,C,C -i {d}/pki/root.pem -d sql:{d}/nss-sign",
        f"pk12util -i {d}/pki/personal.p12 -d sql:{d}/nss-sign -w {d}/pki/password.txt -K ''; certutil --rename -n '<subject>' --new-n {NSS_NICK} -d sql:{d}/nss-sign",
        f"certutil -N --empty-password -d sql:{d}/nss-verify; certutil -A -n bench-root -t CT,C,C -i {d}/pki/root.pem -d sql:{d}/nss-verify",
        f"python3 scripts/bench/pdfgen.py text|image|batch …; vbdt sign IN -o IN.signed.pdf … (the verify inputs, the 10/100-signature files: personal signatures, the last one organization)",
        "# each single input IN (OUT deleted after every run)",
        f"vbdt sign IN -o OUT --p12 {d}/pki/personal.p12 --pass-env {PASS_ENV} --offline --role personal -q",
        f"pyhanko sign addsig --use-pades --field {FIELD} pkcs12 --passfile {d}/pki/password.txt IN OUT {d}/pki/personal.p12",
        f"pdfsig -nssdir sql:{d}/nss-sign -add-signature -nick {NSS_NICK} -new-signature-field-name {FIELD} IN OUT",
        f"openssl dgst -sha256 -sign {d}/pki/personal.key.pem -out /dev/null IN            # sign floor",
        f"vbdt verify SIGNED --offline --trust {d}/pki/root.pem --revocation off --format json",
        f"pyhanko sign validate --trust {d}/pki/root.pem --trust-replace --no-revocation-check SIGNED",
        f"pdfsig -nssdir sql:{d}/nss-verify SIGNED",
        "openssl dgst -sha256 -out /dev/null SIGNED                                        # verify floor",
        "# the batch",
        f"vbdt sign {d}/inputs/batch/*.pdf --out-dir OUTDIR --p12 … --pass-env {PASS_ENV} --offline -q",
        f"vbdt verify {d}/inputs/batch-signed/*.pdf --offline --trust {d}/pki/root.pem --revocation off --format json",
        f"python3 scripts/bench/pyhanko_batch.py sign {d}/pki/personal.p12 {d}/pki/password.txt OUTDIR SAMPLE…   # one process",
        f"python3 scripts/bench/pyhanko_batch.py verify {d}/pki/root.pem SAMPLE_SIGNED…",
        "for f in SAMPLE…; do pdfsig -nssdir … -add-signature … \"$f\" \"OUTDIR/${f##*/}\" || exit 1; done",
        "for f in SAMPLE_SIGNED…; do r=$(pdfsig -nssdir sql:$B/nss-verify \"$f\") || exit 1; [[ $r == *'Signature is Valid.'* && $r == *'Certificate is Trusted.'* ]] || exit 1; done",
        "# instruction counts",
        "valgrind --tool=callgrind vbdt sign …   /   valgrind --tool=callgrind vbdt verify …",
        "```",
        "",
        "Every command runs as `/usr/bin/time -v -o FILE COMMAND…`; wall time is measured by the driver around it.",
    ]


METHOD = """\
## How it measures

- **Interleaved.** Each run goes through every case, and in each case through every tool
  once (vbdt, pyHanko, pdfsig, and the OpenSSL floor), the starting tool rotating from
  case to case and run to run, so that a burst of load from the other users of the machine
  hits all tools alike. The table shows the **median** of the runs. A cell whose first run
  took more than {slow:.0f} s ({batch_slow:.0f} s for the batch) is measured once (marked ¹).
- **Success is checked, not assumed.** A tool's time is counted only if it exited
  successfully *and* its output says so: vbdt's JSON report lists the expected number of
  signatures, each `valid`; pyHanko prints `INTACT:TRUSTED` for each signature; pdfsig
  prints `Signature is Valid.` and `Certificate is Trusted.` for each. On the first run the
  file each tool signed is verified by that same tool. Anything else makes the cell
  `FAILED` (the reason is printed) instead of a time. One allowance: pdfsig 22.12 reports
  some repeats of a certificate in a many-signature file as "Unknown issue with
  Certificate or corrupted data." (which ones depends on the file, not on the signature:
  the same signature is trusted inside a longer file); such a repeat counts as trusted when
  the same signer's certificate is trusted in another signature of the file, and the
  number of repeats is noted under the table.
- **Remote signing (CSC).** The row "documents through CSC" signs the first 100 small
  documents of the batch (5 with `--smoke`) through a CSC v1 service on 127.0.0.1
  (certomancer-csc-dummy behind tests/tools/csc_front.py, bearer token and PIN checked):
  vbdt with one authorization and one signHash for all of them, pyHanko's own CSC signer
  (scripts/bench/pyhanko_csc.py) with one authorization and one signHash per document, as
  it signs. The service's log must show exactly that many authorizations, and the first
  five outputs of each must validate in pyHanko; both pay the same service's RSA signing.
  `just bench --only-csc` measures this row alone (printed, no report).
- **Same work, same inputs.** Every verifier checks the same file (signed once by vbdt).
  Nobody checks revocation: vbdt `--offline --revocation off`, pyHanko
  `--no-revocation-check`, pdfsig with its default OCSP setting but test certificates that
  name no OCSP responder or CRL, so NSS has nothing to fetch (poppler 22.12's `-no-ocsp`
  makes NSS report "Unknown issue with Certificate", so it is not used). Every verifier
  checks the chain to the same root and what changed after each signature (vbdt V5,
  pyHanko's difference analysis). vbdt exits 1 on these inputs when only its document
  rules fail (S1 wants a personal then an organization signature, S7 the issue date; the
  inputs are not real issued documents): that still counts as success if every
  signature is valid, because the peers do not check those rules. Signers: vbdt and
  pyHanko write PAdES (`ETSI.CAdES.detached`), invisible, no timestamp; pdfsig 22.12
  cannot (`-etsi` is "not supported yet with -add-signature") and writes
  `adbe.pkcs7.detached`; vbdt also runs its Điều 29 certificate checks before signing
  (`--offline`: no OCSP/CRL fetch).
- **Peak memory** is `/usr/bin/time -v`'s "Maximum resident set size" (for a shell loop:
  the largest process in it). **Wall time** includes starting the process and
  `/usr/bin/time` itself (the harness overhead, measured in the same rotation).
- **The batch.** vbdt signs the {batch} files in one process (`--out-dir`, all cores by
  default) and verifies them in one process. pyHanko as a user would script it: one
  Python process with the pyHanko library, the key loaded once (`pyhanko_batch.py`);
  pdfsig: a shell loop, one process per file. The peers are too slow to run on all
  {batch} files every run on a shared machine: they run on the first {sample} files and
  their time is scaled by {batch}/{sample} (marked ²; per-file cost is the same for every
  file, and pyHanko's one-off start is then counted {scale:.0f} times, a small
  overestimate). The batch is run {batch_runs} time(s).
- **Both cores.** On an idle machine, a batch using both cores shows as more than 150% of
  one core (`/usr/bin/time`'s "Percent of CPU"). On a loaded one the scheduler gives a
  process about what a single thread gets, however many threads it runs (the
  single-threaded reference, `openssl speed -seconds 1 -bytes 16384 -evp sha256`, runs in
  the same rotation to show that share), so the driver also samples the CPU time of each of
  vbdt's threads (`/proc/PID/task/*/stat`, every 20 ms) and counts the work as spread over
  both cores when the second-busiest thread did at least 25% of it.
- **The floor** is `openssl dgst -sha256` of the same file (reading and hashing every
  byte), plus, for signing, one RSA-2048 signature in the same process
  (`openssl dgst -sha256 -sign`): what any signer or verifier must at least do.
- **Instruction counts** (`valgrind --tool=callgrind`, total Ir) are repeatable whatever
  else the machine is doing: compare them between commits to see a regression that the
  wall times hide. The top functions (self cost) are listed to show where the
  instructions go.
- **Every measurement** (not only the medians) is kept in `results.json` in the scratch
  directory, with the inputs, the PKI and the callgrind profiles (`callgrind/*.out`, for
  `callgrind_annotate`).
- **The machine is shared and noisy** (other engineers build and test on the same 2
  cores): the load average is recorded before and after; compare ratios and instruction
  counts rather than absolute times, and rerun when the load was high.
"""


def write_doc(path: Path, ctx: Context, cases: list[Case], irs: list[IrResult], targets: list[Target], meta: dict) -> None:
    s = ctx.s
    lines = [
        "# Benchmarks: vbdt against pyHanko and pdfsig",
        "",
        "<!-- Generated by `just bench` (scripts/bench/bench.py); rerun it rather than editing by hand. -->",
        "",
        "`just bench` (issue 8) builds release vbdt, generates its inputs in a scratch directory, and",
        "measures signing and verifying with vbdt, pyHanko and poppler's pdfsig, interleaved; then it",
        "writes this file. `just bench --quick` (or `BENCH_QUICK=1`) does one run per cell;",
        "`BENCH_RUNS=N` or `--runs N` sets the number of runs; `--smoke` is a tiny run for the test",
        "(`tests/bench_smoke.rs`); `scripts/bench/bench.py --help` lists the rest. A full run takes",
        "about 10 minutes on the 2-core machine; it needs the tools `scripts/install-test-deps.sh` installs.",
        "",
        f"## Last run: {meta['date']} ({s.mode} mode: {s.runs} run(s) per cell, batch {s.batch_runs} run(s); {meta['duration']})",
        "",
        *machine(ctx),
        f"- Load average (1/5/15 min) before: {meta['load_before']}; after: {meta['load_after']}",
        f"- Harness overhead (`/usr/bin/time -v true` in the same rotation, median of {meta['overhead_n']}): {fmt_time(meta['overhead'])}, included in every time",
        "",
        "Inputs:",
        "",
    ]
    for d in ctx.docs.values():
        lines.append(f"- {d.label} ({d.origin}): {d.path.stat().st_size:,} bytes, {d.pages} page(s); signed once by vbdt: {d.signed.stat().st_size:,} bytes")
    for n, p in sorted(ctx.sig_docs.items()):
        lines.append(f"- the 2-page decision with {n} signature(s): {p.stat().st_size:,} bytes")
    for size, d in sorted(ctx.size_docs.items()):
        if d.key != "big":
            lines.append(f"- size series: {d.label}, signed: {d.signed.stat().st_size:,} bytes")
    lines.append(f"- batch: {len(ctx.batch_inputs)} one-page text documents, {sum(p.stat().st_size for p in ctx.batch_inputs) / len(ctx.batch_inputs) / 1000:.1f} kB each on average")
    lines += ["", "### Medians", "", *table(cases), ""]
    lines += [
        "¹ measured once: the first run took more than "
        f"{s.slow_limit:.0f} s ({s.batch_slow_limit:.0f} s for the batch).  ² the peer ran on {s.peer_batch_sample} of the {s.batch_size} files; the time shown is scaled to all {s.batch_size}.",
        "RSS: peak resident memory. Ratios: peer/vbdt above 1 means vbdt is faster; vbdt/floor is how far vbdt is from the floor.",
        "",
    ]
    notes = [
        f"- pdfsig on “{c.label}”: {getattr(c.pdfsig_check, 'repeats', 0)} of {c.count} certificates came out as “Unknown issue with Certificate or corrupted data.”"
        " although the same certificate is trusted in the file's other signatures (a pdfsig/NSS quirk with repeated certificates; counted as success, see below)."
        for c in cases
        if getattr(c.pdfsig_check, "repeats", 0)
    ]
    if notes:
        lines += [*notes, ""]
    batch = [c for c in cases if c.group == "batch"]
    lines.append("CPU of the batch (medians; CPU time is user + system, scaled like the wall time for the peers):")
    lines.append("")
    for c in batch:
        parts = []
        for t in ("vbdt", "pyhanko", "pdfsig", "ref"):
            cell = c.cells.get(t)
            if cell is None or cell.median_cpu() is None:
                continue
            text = f"{TOOL_NAMES[t]} {cell.median_cpu():.0f}% of one core"
            if t != "ref":
                text += f", {cell.median_cpu_seconds():.2f} s CPU"
            split = cell.thread_split() if t == "vbdt" else None
            if split:
                text += ", per thread " + "/".join(f"{x * 100:.0f}" for x in split[:4]) + "%"
            parts.append(text)
        lines.append(f"- {c.op}: " + "; ".join(parts))
    lines += ["", "### Instruction counts (vbdt, callgrind)", ""]
    if not irs:
        lines.append("Not measured in this run (`--no-callgrind`).")
    else:
        lines += [
            "Valgrind's CPU hides SHA-NI, so hashing (SHA-256 of the document, PBKDF2 of the PKCS#12 file) costs more",
            "instructions here than the native code runs; the counts are for comparing commits, not for converting to time.",
            "",
        ]
        lines += ["| what | instructions (Ir) | top functions (self) |", "|---|---|---|"]
        for r in irs:
            lines.append(f"| {r.label} | {f'{r.ir:,}' if r.ir is not None else 'not measured: ' + r.why} | {'<br>'.join(r.top[:5]) if r.top else ''} |")
    lines += ["", "### Targets (issue 8)", "", "| target | met? | numbers |", "|---|---|---|"]
    for t in targets:
        lines.append(f"| {t.text} | {'**met**' if t.met else 'not decided' if t.met is None else '**not met**'} | {t.detail} |")
    lines += [
        "",
        "The targets are computed by the driver from the medians above (ratios per row; the",
        f"linearity from the cost at the largest point against the line through the two smaller ones, allowed {LINEAR_TOLERANCE_IR:g}× for instruction counts and {LINEAR_TOLERANCE_WALL:g}× for wall times).",
        "",
        METHOD.format(slow=s.slow_limit, batch_slow=s.batch_slow_limit, batch=s.batch_size, sample=s.peer_batch_sample, scale=s.batch_size / s.peer_batch_sample, batch_runs=s.batch_runs),
        "## Exact commands",
        "",
        *commands_section(ctx),
        "",
    ]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines))
    os.replace(tmp, path)


def save_results(path: Path, cases: list[Case], irs: list[IrResult], targets: list[Target], meta: dict) -> None:
    """Every measurement, for comparing runs (the doc shows only the medians)."""
    data = {
        "meta": meta,
        "cases": {
            c.key: {
                "label": f"{c.op} {c.label}",
                "tools": {
                    t: {"failed": cell.failed, "scale": cell.scale, "runs": [vars(m) for m in cell.runs]}
                    for t, cell in c.cells.items()
                },
            }
            for c in cases
        },
        "callgrind": [{"label": r.label, "ir": r.ir, "why": r.why, "top": r.top} for r in irs],
        "targets": [vars(t) for t in targets],
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False))


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="one run per cell (also BENCH_QUICK=1)")
    ap.add_argument("--smoke", action="store_true", help="tiny inputs and one run: checks that the benchmark still works")
    ap.add_argument("--runs", type=int, help="runs per single-document cell (default 5; also BENCH_RUNS)")
    ap.add_argument("--batch-runs", type=int, help="runs of the batch (default 3)")
    ap.add_argument("--peer-batch-sample", type=int, help="files of the batch the peers process, scaled to the whole batch (default 100)")
    ap.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    ap.add_argument("--vbdt", type=Path, help="use this vbdt binary instead of building release vbdt")
    ap.add_argument("--dir", type=Path, default=Path(os.environ.get("BENCH_DIR", Path(os.environ.get("TMPDIR", "/tmp")) / "vbdt-bench")), help="scratch directory (deleted and remade; default $TMPDIR/vbdt-bench)")
    ap.add_argument("--doc", type=Path, help="where to write the report (default docs/benchmarks.md; --smoke: only the scratch directory)")
    ap.add_argument("--no-install", action="store_true", help="do not run scripts/install-test-deps.sh for missing tools")
    ap.add_argument("--only-csc", action="store_true", help="only the remote signing (CSC) row, printed; no report written")
    args = ap.parse_args()
    s = settings_from(args)
    started = time.monotonic()
    load_before = load()

    ensure_tools(args.no_install)
    vbdt = args.vbdt.resolve() if args.vbdt else build_vbdt()
    if not vbdt.exists():
        raise SystemExit(f"bench: {vbdt} does not exist")
    scratch = fresh_scratch(args.dir)
    # No profile file of the user's (vbdt.toml in ~/.config) changes what vbdt does here.
    (scratch / "config").mkdir()
    env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8", XDG_CONFIG_HOME=str(scratch / "config"))
    ctx = Context(s, scratch, vbdt, env, given_binary=args.vbdt is not None)
    log(f"bench: {s.mode} mode; generating inputs in {scratch}")
    prepare(ctx)
    if args.only_csc:
        csc, stop_csc = csc_cases(ctx)
        try:
            run_cases(ctx, csc, s.batch_runs, "remote signing (CSC)", s.batch_slow_limit)
        finally:
            stop_csc()
        print("\n".join(table(csc)))
        return 1 if any(cell.failed for c in csc for cell in c.cells.values()) else 0
    cases = single_cases(ctx)
    add_overhead_probe(cases)
    run_cases(ctx, cases, s.runs, "single documents", s.slow_limit)
    overhead = harness_overhead(cases)
    batch = batch_cases(ctx)
    run_cases(ctx, batch, s.batch_runs, f"batch of {len(ctx.batch_inputs)}", s.batch_slow_limit)
    cases += batch
    csc, stop_csc = csc_cases(ctx)
    try:
        run_cases(ctx, csc, s.batch_runs, "remote signing (CSC)", s.batch_slow_limit)
    finally:
        stop_csc()
    cases += csc
    irs, ir_by_case = run_callgrind(ctx, cases) if s.callgrind else ([], {})
    targets = evaluate_targets(ctx, cases, ir_by_case)

    meta = {
        "date": dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%d %H:%M +07:00"),
        "duration": f"{(time.monotonic() - started) / 60:.1f} min",
        "load_before": load_before,
        "load_after": load(),
        "overhead": overhead,
        "overhead_n": sum(len(c.cells["overhead"].runs) for c in cases if "overhead" in c.cells),
    }
    save_results(scratch / "results.json", cases, irs, targets, meta)
    doc = args.doc or (scratch / "benchmarks.md" if s.mode == "smoke" else REPO / "docs/benchmarks.md")
    write_doc(doc, ctx, cases, irs, targets, meta)

    print("\n".join(table(cases)))
    print()
    for r in irs:
        print(f"callgrind: {r.label}: {f'{r.ir:,} Ir' if r.ir is not None else r.why}")
    for t in targets:
        print(f"{'MET    ' if t.met else 'UNKNOWN' if t.met is None else 'NOT MET'}  {t.text}: {t.detail}")
    print(f"\nbench: written to {doc}; every measurement in {scratch / 'results.json'} ({meta['duration']})")
    failed = [f"{c.key} {t}" for c in cases for t, cell in c.cells.items() if cell.failed]
    # A callgrind point skipped or stopped for time is not a failure; one that crashed is.
    failed += [f"callgrind {r.label}" for r in irs if r.ir is None and not r.why.startswith(("not run", "over "))]
    if failed:
        print(f"bench: FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
