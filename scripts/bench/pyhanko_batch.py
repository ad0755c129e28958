"""The pyHanko side of the batch benchmark: what a user scripting a batch with the pyHanko
library would write (one process, the key loaded once), the same settings as the CLI rows.

    python3 pyhanko_batch.py sign KEY.p12 PASSFILE OUT_DIR IN.pdf...
    python3 pyhanko_batch.py verify ROOT.pem IN.pdf...

sign: PAdES (ETSI.CAdES.detached) like `pyhanko sign addsig --use-pades`, an invisible
field. verify: every signature of every file, trust anchored at ROOT only, no fetching and
no revocation information required (soft-fail with nothing to fetch), difference analysis
on, like `pyhanko sign validate --no-revocation-check`. Exits 1, naming the file, if any
signature is not intact, valid and trusted with its modifications allowed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def sign(p12: str, passfile: str, out_dir: str, inputs: list[str]) -> int:
    passphrase = Path(passfile).read_text().splitlines()[0].encode()
    signer = signers.SimpleSigner.load_pkcs12(p12, passphrase=passphrase)
    if signer is None:
        print(f"pyhanko_batch: cannot load {p12}", file=sys.stderr)
        return 1
    meta = signers.PdfSignatureMetadata(field_name="BenchSig", subfilter=fields.SigSeedSubFilter.PADES)
    out = Path(out_dir)
    for name in inputs:
        with open(name, "rb") as inf, open(out / Path(name).name, "wb") as outf:
            signers.sign_pdf(IncrementalPdfFileWriter(inf), meta, signer=signer, output=outf)
    return 0


def verify(root: str, inputs: list[str]) -> int:
    context = ValidationContext(trust_roots=[load_cert_from_pemder(root)], allow_fetching=False, revocation_mode="soft-fail")
    failed = 0
    for name in inputs:
        with open(name, "rb") as inf:
            sigs = PdfFileReader(inf).embedded_regular_signatures
            ok = bool(sigs)
            for sig in sigs:
                status = validate_pdf_signature(sig, context)
                ok &= status.bottom_line
        if not ok:
            print(f"pyhanko_batch: {name}: not valid", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 5 and argv[1] == "sign":
        return sign(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) >= 3 and argv[1] == "verify":
        return verify(argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
