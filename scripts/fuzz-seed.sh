#!/usr/bin/env bash
# Seeds fuzz/corpus/TARGET from ../shared/corpus (PDFs; the deflate bombs stay out: a
# seed must run in milliseconds) and, for the DER target, the certificates, CMS
# signatures (/Contents of the signed corpus files) and OCSP/CRL blobs pyHanko's and
# DSS's files carry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shared=../shared/corpus
for t in pdf_raw verify page_text revisions der; do mkdir -p "fuzz/corpus/$t"; done
for f in "$shared"/pyhanko/*.pdf "$shared"/dss-signed/*.pdf "$shared"/pdf101-dos/*.pdf fixtures/documents/*.pdf; do
    # Big files slow every execution; libFuzzer's -max_len cuts them anyway.
    [ "$(stat -c %s "$f")" -le 1048576 ] || continue
    for t in pdf_raw verify page_text revisions; do cp -f "$f" "fuzz/corpus/$t/"; done
done
cp -f fuzz/seeds/cert.der fuzz/corpus/der/
# The hex /Contents of signed files: CMS SignedData with certificates, OCSP responses, CRLs.
python3 - "$shared" fuzz/corpus/der <<'PY'
import re, sys, pathlib
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
for pdf in list(src.glob("dss-signed/*.pdf")) + list(src.glob("pyhanko/*.pdf")):
    data = pdf.read_bytes()
    for m in re.finditer(rb"/Contents\s*<([0-9A-Fa-f\s]{200,})>", data):
        blob = bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode()).rstrip(b"\0")
        (out / f"{pdf.stem}-{n}.der").write_bytes(blob)
        n += 1
print(f"fuzz-seed: {n} CMS blobs", file=sys.stderr)
PY
