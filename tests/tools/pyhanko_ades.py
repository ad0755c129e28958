"""`pyhanko sign adesverify` with one JSON line per signature on stderr (prefixed
`ADES `): pyHanko's AdES indication, its failure message (and that of its "validation
with time" step), the best-signature-time and the bottom line. Used by tests/ltv.rs to say why pyHanko accepts or refuses a file.

With `--lift-signature-timestamp-requirement` (first argument): pyHanko 0.38's AdES
"validation with time" refuses any signature without a signature timestamp
(SIG_CONSTRAINTS_FAILURE, "No signature timestamp present"; see its ades.py, "TODO
conditionally enforce this based on policy params"), which stops its long-term validation
before the past signature validation (ETSI EN 319 102-1 §5.6.2.4) that a document
timestamp makes possible. Lifted, such a signature goes on with the indication of pyHanko's
own basic validation at the validation time (e.g. OUT_OF_BOUNDS_NO_POE after the signer's
expiry) and the proof of existence pyHanko itself derived from the document timestamps,
so the rest is pyHanko's own past validation. Nothing else is changed.
"""

import dataclasses
import json
import sys

import pyhanko.cli.commands.validation.validate as cli_validate
import pyhanko.sign.validation.ades as ades

NO_SIGNATURE_TS = "No signature timestamp present"

lift = len(sys.argv) > 1 and sys.argv[1] == "--lift-signature-timestamp-requirement"
if lift:
    del sys.argv[1]
original_with_time = ades.ades_with_time_validation
# The last "validation with time" failure message (signatures are validated one by one).
with_time_failure = [None]


async def with_time(signed_data, validation_spec, **kwargs):
    result = await original_with_time(signed_data, validation_spec, **kwargs)
    with_time_failure[0] = result.failure_msg
    if lift and result.failure_msg == NO_SIGNATURE_TS and result.api_status is not None:
        basic = result.api_status.trust_problem_indic or ades.AdESPassed.OK
        sig_bytes = signed_data["signer_infos"][0]["signature"].native
        handlers = kwargs.get("validation_data_handlers")
        best = handlers.poe_manager[sig_bytes] if handlers is not None else result.best_signature_time
        result = dataclasses.replace(result, ades_subindic=basic, failure_msg=None, best_signature_time=best)
    return result


ades.ades_with_time_validation = with_time

original_lta = cli_validate.ades_lta_validation


async def lta(embedded_sig, *args, **kwargs):
    with_time_failure[0] = None
    result = await original_lta(embedded_sig, *args, **kwargs)
    line = {
        "field": embedded_sig.field_name,
        "indication": str(result.ades_subindic),
        "failure": None if result.failure_msg is None else str(result.failure_msg),
        "with_time_failure": None if with_time_failure[0] is None else str(with_time_failure[0]),
        "best_signature_time": None if result.best_signature_time is None else result.best_signature_time.isoformat(),
        "bottom_line": bool(result.api_status is not None and result.api_status.bottom_line),
    }
    print("ADES " + json.dumps(line), file=sys.stderr, flush=True)
    return result


cli_validate.ades_lta_validation = lta

from pyhanko.cli import cli_root  # noqa: E402  (after the patches)

sys.exit(cli_root())
