"""Signs a PDF with pyHanko's API using a chosen digest algorithm (its CLI has no such
choice), for the weak-algorithm tests in tests/verify_modifications.rs:

    python3 pyhanko_sign_digest.py KEY.pem CERT.pem CA.pem IN.pdf OUT.pdf sha1
"""

import sys

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

key, cert, ca, src, dst, digest = sys.argv[1:7]
signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(ca,), key_passphrase=None)
meta = signers.PdfSignatureMetadata(field_name="Signature", md_algorithm=digest)
with open(src, "rb") as inf:
    writer = IncrementalPdfFileWriter(inf)
    with open(dst, "wb") as outf:
        signers.sign_pdf(writer, meta, signer=signer, output=outf)
