#!/usr/bin/env python3
"""`just bench-scale`: verification at archive scale (issue 16, "What it must show").

1. Online verify of FILES documents signed by SIGNERS signers (hard links to one signed
   document per signer) against a local OCSP responder (`openssl ocsp`) and CRL server
   that add DELAY seconds to every answer: requests by kind and wall time; then the same
   run with the warm disk cache (no request expected); beside pdfsig and pyHanko on
   PEER_FILES of the same files (each with online revocation checking), scaled.
2. Peak memory (max RSS, `/usr/bin/time -f %M`) of `verify --format jsonl|json|text` at
   each of MEM_COUNTS files (hard links to the signed documents; offline, revocation off).

Writes docs/benchmarks-scale.md (or --doc). Measured, not asserted: targets are shown
beside the numbers.

    python3 scripts/bench/scale.py [--vbdt PATH] [--quick] [--dir DIR] [--doc FILE]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PYHANKO_ONLINE = r'''
import sys
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
ctx = ValidationContext(trust_roots=[load_cert_from_pemder(sys.argv[1])], allow_fetching=True, revocation_mode="hard-fail")
bad = 0
for name in sys.argv[2:]:
    with open(name, "rb") as f:
        for sig in PdfFileReader(f).embedded_regular_signatures:
            bad += not validate_pdf_signature(sig, ctx).bottom_line
print(bad)
'''


def log(msg: str) -> None:
    print(f"[scale] {msg}", file=sys.stderr, flush=True)


def must(cmd, **kw) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], capture_output=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stdout.decode(errors='replace')}{p.stderr.decode(errors='replace')}")
    return p


class Responders:
    """OCSP (`POST /ocsp`, answered by `openssl ocsp`, nextUpdate one day ahead) and CRLs
    (`GET /crl/NAME.crl` from a directory), each answer DELAY seconds late, many at once;
    requests counted by route."""

    def __init__(self, pki: Path, delay: float):
        self.pki, self.delay, self.crl_dir = pki, delay, pki
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def answer(self, code: int, ctype: str, body: bytes):
                time.sleep(outer.delay)
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def count(self, route: str):
                with outer.lock:
                    outer.counts[route] = outer.counts.get(route, 0) + 1

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.count("ocsp")
                with tempfile.TemporaryDirectory() as t:
                    req, resp = Path(t) / "req.der", Path(t) / "resp.der"
                    req.write_bytes(body)
                    p = subprocess.run(["openssl", "ocsp", "-index", outer.pki / "index.txt", "-CA", outer.pki / "ca.pem",
                                        "-rsigner", outer.pki / "ocsp.pem", "-rkey", outer.pki / "ocsp.key.pem",
                                        "-reqin", req, "-respout", resp, "-ndays", "1"], capture_output=True)
                    if p.returncode != 0 or not resp.exists():
                        return self.answer(500, "text/plain", p.stderr)
                    self.answer(200, "application/ocsp-response", resp.read_bytes())

            def do_GET(self):
                if self.path.startswith("/crl/") and self.path.endswith(".crl"):
                    self.count("crl " + self.path)
                    f = outer.crl_dir / Path(self.path).name
                    if f.is_file():
                        return self.answer(200, "application/pkix-crl", f.read_bytes())
                self.count("other")
                self.answer(404, "text/plain", b"not found")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def take(self) -> dict[str, int]:
        with self.lock:
            c, self.counts = self.counts, {}
        return c


def make_signers(vbdt: Path, pki: Path, n: int, work: Path) -> list[Path]:
    """`personal.p12` and n−1 more certificates like it (same key and extensions, new
    serials), issued by the test CA and listed in its index.txt (the responder answers
    "good")."""
    password = (pki / "password.txt").read_text().splitlines()[0]
    p12s = [pki / "personal.p12"]
    csr = work / "personal.csr"
    must(["openssl", "x509", "-x509toreq", "-copy_extensions", "copyall", "-in", pki / "personal.pem",
          "-signkey", pki / "personal.key.pem", "-out", csr])
    index = (pki / "index.txt").read_text()
    for i in range(1, n):
        serial = f"{0x5CA1E000 + i:X}"
        pem = work / f"signer-{i}.pem"
        must(["openssl", "x509", "-req", "-in", csr, "-CA", pki / "ca.pem", "-CAkey", pki / "ca.key.pem",
              "-set_serial", f"0x{serial}", "-days", "365", "-copy_extensions", "copyall", "-out", pem])
        end = must(["openssl", "x509", "-noout", "-enddate", "-dateopt", "iso_8601", "-in", pem]).stdout.decode()
        end = end.split("=", 1)[1].strip()  # 2026-12-03 13:00:06Z
        stamp = end[2:4] + end[5:7] + end[8:10] + end[11:13] + end[14:16] + end[17:19] + "Z"
        index += f"V\t{stamp}\t\t{serial}\tunknown\t/CN=signer {i}\n"
        p12 = work / f"signer-{i}.p12"
        must(["openssl", "pkcs12", "-export", "-inkey", pki / "personal.key.pem", "-in", pem, "-certfile", pki / "chain.pem",
              "-passout", f"pass:{password}", "-out", p12])
        p12s.append(p12)
    (pki / "index.txt").write_text(index)
    return p12s


def verify_online(vbdt: Path, pki: Path, files_dir: Path, cache: Path, extra: list[str]) -> tuple[float, dict, subprocess.CompletedProcess]:
    env = dict(os.environ, VBDT_CACHE_DIR=str(cache))
    cmd = [vbdt, "verify", "-r", files_dir, "--trust", pki / "root.pem", "--format", "jsonl", "-q", "--lang", "en", *extra]
    t = time.monotonic()
    p = subprocess.run([str(c) for c in cmd], capture_output=True, env=env)
    took = time.monotonic() - t
    lines = p.stdout.decode().splitlines()
    summary = json.loads(lines[-1])["summary"] if lines else {}
    return took, summary, p


def peak_rss_kib(cmd: list) -> tuple[int, float]:
    t = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, cmd)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.monotonic() - t
    return int(p.stderr.decode().strip().splitlines()[-1]), took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vbdt", type=Path, help="the binary (default: target/release/vbdt, built if missing)")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--signers", type=int, default=20)
    ap.add_argument("--delay", type=float, default=0.1)
    ap.add_argument("--peer-files", type=int, default=100)
    ap.add_argument("--mem-counts", default="1000,10000,100000")
    ap.add_argument("--jobs", type=int, help="vbdt verify -j (default: vbdt's own)")
    ap.add_argument("--quick", action="store_true", help="200 files, 10 peer files, memory at 1000 and 5000")
    ap.add_argument("--dir", type=Path, help="scratch directory (default: a temporary one)")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks-scale.md")
    a = ap.parse_args()
    if a.quick:
        a.files, a.peer_files, a.mem_counts = 200, 10, "1000,5000"
    vbdt = a.vbdt or ROOT / "target" / "release" / "vbdt"
    if not vbdt.exists():
        log("building target/release/vbdt")
        must(["cargo", "build", "--release", "-p", "vbdt"], cwd=ROOT)
    scratch = a.dir or Path(tempfile.mkdtemp(prefix="vbdt-bench-scale-"))
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    pki = scratch / "pki"
    pki.mkdir()
    resp = Responders(pki, a.delay)
    log(f"test PKI with responders on port {resp.port}")
    must([vbdt, "testpki", "--out", pki, "--ocsp-url", resp.url("/ocsp"), "--crl-base-url", resp.url("/crl/")])
    p12s = make_signers(vbdt, pki, a.signers, scratch)
    signed_dir = scratch / "signed"
    signed_dir.mkdir()
    signed = []
    src = ROOT / "fixtures" / "documents" / "quyet-dinh.pdf"
    for i, p12 in enumerate(p12s):
        out = signed_dir / f"signer-{i:02}.pdf"
        must([vbdt, "sign", src, "-o", out, "--p12", p12, "--pass-file", pki / "password.txt", "--role", "personal",
              "--invisible", "--offline", "--lang", "en"])
        signed.append(out)
    # CRLs issued after the signatures (a CRL from before a claimed signing time proves nothing).
    crls = scratch / "crls"
    must([vbdt, "testpki", "--out", pki, "--reissue-crls", crls])
    resp.crl_dir = crls
    archive = scratch / "archive"
    archive.mkdir()
    for i in range(a.files):
        os.link(signed[i % len(signed)], archive / f"doc-{i:06}.pdf")
    resp.take()

    rows = []
    jobs = ["-j", str(a.jobs)] if a.jobs else []
    cache = scratch / "cache"
    log(f"online verify of {a.files} files by {len(signed)} signers, {a.delay * 1000:.0f} ms per answer")
    cold, s_cold, p = verify_online(vbdt, pki, archive, cache, jobs)
    c_cold = resp.take()
    warm, s_warm, _ = verify_online(vbdt, pki, archive, cache, jobs)
    c_warm = resp.take()
    nocache, _, _ = verify_online(vbdt, pki, archive, cache, [*jobs, "--no-cache"])
    c_nocache = resp.take()
    rows.append(("vbdt, cold cache", a.files, cold, c_cold, s_cold.get("verdicts")))
    rows.append(("vbdt, warm disk cache", a.files, warm, c_warm, s_warm.get("verdicts")))
    rows.append(("vbdt --no-cache", a.files, nocache, c_nocache, None))

    peers = archive_files = sorted(archive.iterdir())[: a.peer_files]
    if shutil.which("pdfsig"):
        nss = scratch / "nss"
        nss.mkdir()
        must(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"])
        must(["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", pki / "root.pem", "-d", f"sql:{nss}"])
        t = time.monotonic()
        for f in peers:
            subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(f)], capture_output=True)
        rows.append(("pdfsig (one process a file)", len(peers), time.monotonic() - t, resp.take(), None))
    if shutil.which("python3"):
        t = time.monotonic()
        p = subprocess.run(["python3", "-c", PYHANKO_ONLINE, str(pki / "root.pem"), *map(str, archive_files)], capture_output=True)
        if p.returncode == 0:
            rows.append(("pyHanko (library, one process)", len(peers), time.monotonic() - t, resp.take(), None))
        else:
            log(f"pyHanko: {p.stderr.decode(errors='replace')[-300:]}")

    mem = []
    big = scratch / "many"
    big.mkdir()
    made = 0
    for n in [int(x) for x in a.mem_counts.split(",")]:
        for i in range(made, n):
            os.link(signed[i % len(signed)], big / f"d-{i:07}.pdf")
        made = max(made, n)
        for fmt in ("jsonl", "json", "text"):
            cmd = [vbdt, "verify", "-r", big, "--trust", pki / "root.pem", "--offline", "--revocation", "off", "--format", fmt, *jobs]
            rss, took = peak_rss_kib(cmd)
            log(f"{n} files, {fmt}: {rss / 1024:.1f} MiB, {took:.1f} s")
            mem.append((n, fmt, rss, took))
    write_doc(a, rows, mem, vbdt)
    log(f"wrote {a.doc}")
    return 0


def fmt_counts(c: dict[str, int]) -> str:
    ocsp = c.get("ocsp", 0)
    crl = {k[4:]: v for k, v in c.items() if k.startswith("crl ")}
    crls = ", ".join(f"{v} × {k}" for k, v in sorted(crl.items())) or "0 CRL"
    return f"{ocsp} OCSP, {crls}"


def write_doc(a, rows, mem, vbdt: Path) -> None:
    cpu = os.cpu_count()
    lines = [
        "# Verification at archive scale (issue 16)",
        "",
        f"Written by `scripts/bench/scale.py` (`just bench-scale`) on {time.strftime('%Y-%m-%d %H:%M %Z')}, {cpu} cores, "
        f"binary `{vbdt.relative_to(ROOT) if vbdt.is_relative_to(ROOT) else vbdt}`. Measured, not asserted.",
        "",
        f"## Online: {a.files} documents, {a.signers} signers, every OCSP/CRL answer {a.delay * 1000:.0f} ms late",
        "",
        f"Target: at most {a.signers} OCSP requests plus one per CRL address, under 2 s on 2 cores (`-j {a.jobs or 'default'}`); the warm disk cache: no request.",
        "",
        "| run | files | wall time | scaled to 1,000 files | requests | verdicts |",
        "|---|---|---|---|---|---|",
    ]
    for name, n, took, counts, verdicts in rows:
        scaled = took * 1000 / n if n else 0
        v = ", ".join(f"{k} {x}" for k, x in (verdicts or {}).items() if x) if verdicts else ""
        lines.append(f"| {name} | {n} | {took:.2f} s | {scaled:.1f} s | {fmt_counts(counts)} | {v} |")
    lines += [
        "",
        "(The files carry a personal signature only, so rule S1 makes each file `invalid`; the",
        "signatures themselves, revocation included, are valid. pdfsig runs one process a file",
        "and asks the responder for each; pyHanko's library, one process with one validation",
        "context, caches within the run but keeps nothing across runs. Times scaled linearly.)",
        "",
        "## Peak memory (max RSS) by number of files",
        "",
        "Offline, revocation off, hard links to the signed documents. Target: flat, under 64 MB.",
        "What grows is the list of input paths (kept to share them out and write them in order,",
        "about 80 bytes a file); the reports are written as each slice of files is done.",
        "",
        "| files | format | peak RSS | wall time |",
        "|---|---|---|---|",
    ]
    for n, fmt, rss, took in mem:
        lines.append(f"| {n:,} | {fmt} | {rss / 1024:.1f} MiB | {took:.1f} s |")
    a.doc.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
