"""Signs a PDF with pyHanko's API using a chosen digest algorithm (its CLI has no such
choice), for the weak-algorithm tests in tests/verify_modifications.rs:

    python3 pyhanko_sign_digest.py KEY.pem CERT.pem CA.pem IN.pdf OUT.pdf sha1 [LOCKED_FIELD]

With LOCKED_FIELD, the signature goes into a new field whose FieldMDP /Lock includes
that form field (filling it afterwards is disallowed), for the form-filling tests.
"""

import sys

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

key, cert, ca, src, dst, digest = sys.argv[1:7]
locked = sys.argv[7] if len(sys.argv) > 7 else None
signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(ca,), key_passphrase=None)
meta = signers.PdfSignatureMetadata(field_name="Signature", md_algorithm=digest)
with open(src, "rb") as inf:
    writer = IncrementalPdfFileWriter(inf)
    if locked:
        from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, SigFieldSpec, append_signature_field

        spec = SigFieldSpec(sig_field_name="Signature", field_mdp_spec=FieldMDPSpec(FieldMDPAction.INCLUDE, fields=[locked]))
        append_signature_field(writer, spec)
    with open(dst, "wb") as outf:
        signers.sign_pdf(writer, meta, signer=signer, output=outf)
