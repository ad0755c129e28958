"""Benchmark inputs written directly as PDF bytes (no PDF library, so the inputs do not
depend on any of the tools being measured).

    python3 pdfgen.py text OUT.pdf PAGES        # PAGES pages of Flate-compressed text
    python3 pdfgen.py image OUT.pdf MEGABYTES   # one page, one uncompressed noise image
    python3 pdfgen.py batch DIR COUNT           # COUNT distinct one-page documents
"""

from __future__ import annotations

import os
import random
import sys
import zlib
from pathlib import Path

# A4 in points.
PAGE_W, PAGE_H = 595, 842

WORDS = (
    "van ban dien tu chu ky so co quan to chuc ca nhan quyet dinh cong van "
    "uy ban nhan dan tinh ban hanh theo quy dinh nghi dinh thong tu huong dan "
    "thuc hien trach nhiem giao nhiem vu bao cao ket qua"
).split()


def _pdf(objects: list[bytes], root: int) -> bytes:
    """A PDF 1.7 file: header, the numbered objects (1..n), a classic xref table, trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _text_page_content(rng: random.Random, title: str) -> bytes:
    lines = [title] + [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(45)]
    ops = [b"BT /F1 11 Tf 14 TL 56 790 Td"]
    for line in lines:
        ops.append(b"(" + line.encode("ascii") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def text_document(pages: int, seed: int, title: str) -> bytes:
    """`pages` pages of text in Helvetica, each content stream Flate-compressed."""
    rng = random.Random(seed)
    # 1 catalog, 2 pages tree, 3 font, then (page, content) pairs.
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for i in range(pages):
        page_no = len(objects) + 1
        kids.append(page_no)
        content = zlib.compress(_text_page_content(rng, f"{title} - page {i + 1} of {pages}"))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % (PAGE_W, PAGE_H, page_no + 1)
        )
        objects.append(_stream(b"/Filter /FlateDecode", content))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % pages
    return _pdf(objects, root=1)


def image_document(megabytes: float, seed: int) -> bytes:
    """One page showing one RGB image of random noise, stored uncompressed so the file is
    as big as the image (noise would not compress anyway)."""
    width = 4096
    height = max(1, round(megabytes * 1_000_000 / (width * 3)))
    pixels = random.Random(seed).randbytes(width * height * 3)
    content = b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % (PAGE_W, PAGE_H)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"
        % (PAGE_W, PAGE_H),
        _stream(b"", content),
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8" % (width, height), pixels),
    ]
    return _pdf(objects, root=1)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("text", "image", "batch"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, out, n = argv[1], Path(argv[2]), argv[3]
    if kind == "text":
        _write(out, text_document(int(n), seed=1, title="Bench text document"))
    elif kind == "image":
        _write(out, image_document(float(n), seed=2))
    else:
        out.mkdir(parents=True, exist_ok=True)
        for i in range(int(n)):
            _write(out / f"doc-{i:04d}.pdf", text_document(1, seed=1000 + i, title=f"Van ban so {i + 1}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
