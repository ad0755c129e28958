"""The pyHanko side of the CSC (remote signing) benchmark: pyHanko's own CSC client
(pyhanko.sign.signers.csc_signer.CSCSigner) as a user would script it, one process, the
credential read once, then one credentials/authorize (with the PIN) and one signHash call
per document (batch_size=1: pyHanko's signer signs each document before the next one is
prepared). Same service, credential and PIN as the vbdt row.

    python3 pyhanko_csc.py URL CREDENTIAL TOKEN_FILE PIN_FILE OUT_DIR IN.pdf...
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)


class PinAuthorization(CSCAuthorizationManager):
    """credentials/authorize with the PIN for each signing request."""

    def __init__(self, session_info, credential_info, session: aiohttp.ClientSession, pin: str):
        super().__init__(session_info, credential_info)
        self.session = session
        self.pin = pin

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        req = self.format_csc_auth_request(pin=self.pin, hash_b64s=hash_b64s)
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        async with self.session.post(url, headers=self.csc_session_info.auth_headers, json=req, raise_for_status=True) as resp:
            data = await resp.json()
        return self.parse_csc_auth_response(data)


async def sign_all(url: str, credential: str, token: str, pin: str, out_dir: Path, inputs: list[str]) -> int:
    async with aiohttp.ClientSession() as session:
        info = CSCServiceSessionInfo(url, credential, oauth_token=token)
        cred = await fetch_certs_in_csc_credential(session, info)
        signer = CSCSigner(session, PinAuthorization(info, cred, session, pin), batch_size=1)
        meta = signers.PdfSignatureMetadata(field_name="BenchSig", subfilter=fields.SigSeedSubFilter.PADES)
        for name in inputs:
            with open(name, "rb") as inf, open(out_dir / Path(name).name, "wb") as outf:
                await signers.async_sign_pdf(IncrementalPdfFileWriter(inf), meta, signer=signer, output=outf)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 7:
        print(__doc__, file=sys.stderr)
        return 2
    first = lambda p: Path(p).read_text().splitlines()[0]
    return asyncio.run(sign_all(argv[1], argv[2], first(argv[3]), first(argv[4]), Path(argv[5]), argv[6:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
