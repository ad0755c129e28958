"""Certifies a PDF with pyHanko's API (its CLI has --certify but no choice of permission):

    python3 pyhanko_certify.py KEY.pem CERT.pem CA.pem IN.pdf OUT.pdf P

P is the DocMDP permission: 1 (no changes), 2 (form filling and signing) or 3 (also
annotations). Or adds an empty signature field in an incremental update, which pyHanko
does without looking at DocMDP (its signing refuses to touch a P=1 document, as vbdt's does):

    python3 pyhanko_certify.py --add-field NAME IN.pdf OUT.pdf

Used by tests/verify_attacks.rs to check vbdt's DocMDP judgement.
"""

import sys

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm

if sys.argv[1] == "--add-field":
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    name, src, dst = sys.argv[2:5]
    with open(src, "rb") as inf:
        writer = IncrementalPdfFileWriter(inf)
        append_signature_field(writer, SigFieldSpec(sig_field_name=name))
        with open(dst, "wb") as outf:
            writer.write(outf)
    sys.exit(0)

key, cert, ca, src, dst, perm = sys.argv[1:7]
signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(ca,), key_passphrase=None)
meta = signers.PdfSignatureMetadata(field_name="Certification", certify=True, docmdp_permissions=MDPPerm(int(perm)))
with open(src, "rb") as inf:
    writer = IncrementalPdfFileWriter(inf)
    with open(dst, "wb") as outf:
        signers.sign_pdf(writer, meta, signer=signer, output=outf)
