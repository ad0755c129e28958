"""pyHanko's diff-analysis cases (tests/test_diff_analysis.py of the public pyHanko
repository), rebuilt here with pyHanko's library and signed with vbdt's test PKI, so
that vbdt can be asked the same questions (issue 13, item 7; tests/verify_pyhanko_diff.rs).

    python3 pyhanko_diff_cases.py PKI_DIR OUT_DIR [--tsa URL] [TEST_NAME ...]

Writes OUT_DIR/<test>__<param>.pdf for every case of the named pyHanko tests (all when
none is named) and OUT_DIR/manifest.json: one entry per file with the pyHanko test, its
parameter, what pyHanko's suite says of each judged signature (by field name:
"accepted" or "suspicious") and what pyHanko's own validator says of the rebuilt file
(so a rebuild that drifted from the original case shows up).

The input documents are small ones made here, like pyHanko's minimal test PDFs
(MINIMAL, MINIMAL_ONE_FIELD, MINIMAL_TWO_FIELDS, SIMPLE_FORM, TEXTFIELD_GROUP, ...).
Every signature is made with the PKI's "organization" key and the CA chain, so each is
otherwise fully valid in vbdt: a verdict is never an accident of trust. The cases are
written anew from the descriptions of pyHanko's tests; none of its code is copied.
"""

import json
import os
import sys
import traceback
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec

PKI = None
TSA_URL = None
SIGNER = None

A, S = "accepted", "suspicious"
# The user password of the encrypted cases (written to the manifest for the verifier).
PASSWORDS = {"test_signed_file_diff_proxied_objs": "secret"}


# ---------------------------------------------------------------------------
# Input documents
# ---------------------------------------------------------------------------


def _page(w, text, y=0):
    font = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Times-Roman"),
        }
    )
    res = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
    data = b"BT /F1 18 Tf 10 %d Td (%s) Tj ET" % (60 + y, text.encode("ascii"))
    stream = generic.StreamObject(stream_data=data)
    page = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 300, 144))),
            pdf_name("/Resources"): res,
            pdf_name("/Contents"): w.add_object(stream),
        }
    )
    return page


def _finish(w):
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def _new_doc(pages=1, xref_stream=False):
    w = PdfFileWriter(stream_xrefs=xref_stream)
    for i in range(pages):
        w.insert_page(_page(w, "Hello World %d" % (i + 1)))
    return w


def _acroform(w):
    root = w.root
    if "/AcroForm" not in root:
        root["/AcroForm"] = generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()})
    return root["/AcroForm"]


def _first_page_ref(w):
    return w.root["/Pages"]["/Kids"].raw_get(0)


def _add_widget(w, field_ref, page_ref=None):
    page_ref = page_ref or _first_page_ref(w)
    page = page_ref.get_object()
    if "/Annots" not in page:
        page["/Annots"] = generic.ArrayObject()
    page["/Annots"].append(field_ref)


def _text_widget(w, name, rect, typed=True, parent=None):
    d = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/T"): generic.pdf_string(name),
            pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, rect)),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/P"): _first_page_ref(w),
            pdf_name("/DA"): generic.pdf_string("/Helv 10 Tf 0 g"),
        }
    )
    if typed:
        d["/FT"] = pdf_name("/Tx")
    if parent is not None:
        d["/Parent"] = parent
    ref = w.add_object(d)
    _add_widget(w, ref)
    return ref


def doc_minimal(pages=1, xref_stream=False):
    return _finish(_new_doc(pages, xref_stream))


def doc_fields(names, tagged=False, metadata=False):
    w = _new_doc()
    for n in names:
        fields.append_signature_field(w, SigFieldSpec(n))
    if tagged:
        _tag(w)
    if metadata:
        _xmp(w)
    return _finish(w)


def _tag(w):
    page_ref = _first_page_ref(w)
    root = w.root
    root["/MarkInfo"] = generic.DictionaryObject({pdf_name("/Marked"): generic.BooleanObject(True)})
    elem = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/StructElem"),
            pdf_name("/S"): pdf_name("/P"),
            pdf_name("/Pg"): page_ref,
            pdf_name("/K"): generic.NumberObject(0),
        }
    )
    elem_ref = w.add_object(elem)
    tree = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/StructTreeRoot"),
            pdf_name("/K"): generic.ArrayObject([elem_ref]),
            pdf_name("/ParentTree"): generic.DictionaryObject(
                {pdf_name("/Nums"): generic.ArrayObject([generic.NumberObject(0), generic.ArrayObject([elem_ref])])}
            ),
            pdf_name("/ParentTreeNextKey"): generic.NumberObject(1),
        }
    )
    tree_ref = w.add_object(tree)
    elem["/P"] = tree_ref
    page_ref.get_object()["/StructParents"] = generic.NumberObject(0)
    root["/StructTreeRoot"] = tree_ref


XMP = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>application/pdf</dc:format></rdf:Description>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def _xmp(w):
    stream = generic.StreamObject(
        {pdf_name("/Type"): pdf_name("/Metadata"), pdf_name("/Subtype"): pdf_name("/XML")}, stream_data=XMP
    )
    w.root["/Metadata"] = w.add_object(stream)


def doc_simple_form():
    """A signature field Sig1 and a text field (/AcroForm /Fields [1])."""
    w = _new_doc()
    fields.append_signature_field(w, SigFieldSpec("Sig1"))
    _acroform(w)["/Fields"].append(_text_widget(w, "Text1", (10, 74, 140, 134)))
    return _finish(w)


def doc_textfield_group(variant):
    """Sig1 and a text field group TextInput with kids TextField1, TextField2; variant 1
    puts /FT on the kids instead of the parent."""
    w = _new_doc()
    fields.append_signature_field(w, SigFieldSpec("Sig1"))
    parent = generic.DictionaryObject({pdf_name("/T"): generic.pdf_string("TextInput"), pdf_name("/Kids"): generic.ArrayObject()})
    if variant == 0:
        parent["/FT"] = pdf_name("/Tx")
    parent_ref = w.add_object(parent)
    for i, name in enumerate(("TextField1", "TextField2")):
        kid = _text_widget(w, name, (10, 10 + 60 * i, 140, 60 + 60 * i), typed=(variant == 1), parent=parent_ref)
        parent["/Kids"].append(kid)
    _acroform(w)["/Fields"].append(parent_ref)
    return _finish(w)


# ---------------------------------------------------------------------------
# Signing and updating
# ---------------------------------------------------------------------------


def sign(data, field, certify=False, perm=None, spec=None, existing_only=False, writer=None, **meta_kw):
    w = writer if writer is not None else IncrementalPdfFileWriter(BytesIO(data))
    kw = dict(field_name=field, **meta_kw)
    if certify:
        kw.update(certify=True, docmdp_permissions=perm or MDPPerm.FILL_FORMS)
    meta = signers.PdfSignatureMetadata(**kw)
    ts = None
    if meta_kw.get("embed_validation_info") or meta_kw.get("use_pades_lta"):
        from pyhanko.sign.timestamps import HTTPTimeStamper

        ts = HTTPTimeStamper(TSA_URL)
    pdf_signer = signers.PdfSigner(meta, SIGNER, new_field_spec=spec, timestamper=ts)
    out = pdf_signer.sign_pdf(w, existing_fields_only=existing_only)
    return out.getvalue()


def update(data, fn, strict=True):
    w = IncrementalPdfFileWriter(BytesIO(data), strict=strict)
    fn(w)
    return _finish(w)


def writer(data):
    return IncrementalPdfFileWriter(BytesIO(data))


def info_update(w):
    w.set_info(generic.DictionaryObject({pdf_name("/CreationDate"): generic.pdf_date(__import__("datetime").datetime(2020, 10, 10))}))


def fill_text(w, val, group_ix=None):
    tf = w.root["/AcroForm"]["/Fields"][1].get_object()
    if group_ix is not None:
        tf = tf["/Kids"][group_ix].get_object()
    ap = RawContent(box=BoxConstraints(height=60, width=130), data=b"q 0 0 1 rg BT /Ti 12 Tf (%s) Tj ET Q" % val.encode("ascii"))
    tf["/V"] = generic.pdf_string(val)
    tf["/AP"] = generic.DictionaryObject({pdf_name("/N"): w.add_object(ap.as_form_xobject())})
    w.update_container(tf)


def validation_context():
    from asn1crypto import pem, x509
    from pyhanko_certvalidator import ValidationContext

    def load(name):
        with open(os.path.join(PKI, name + ".pem"), "rb") as f:
            data = f.read()
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        return x509.Certificate.load(data)

    return ValidationContext(trust_roots=[load("root")], other_certs=[load("ca")], allow_fetching=True)


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

CASES = []


def case(test, params=(None,)):
    """Registers fn(param) -> (bytes, {field name: "accepted"|"suspicious"}) for each param."""

    def deco(fn):
        for p in params:
            CASES.append((test, p, fn))
        return fn

    return deco


@case("test_no_changes_policy")
def _(p):
    out = sign(doc_fields(["Sig1"]), "Sig1", certify=True, perm=MDPPerm.FILL_FORMS)
    return update(out, info_update), {"Sig1": A}


@case("test_double_sig_add_field", ["minimal", "minimal_xref", "minimal_one_field", "minimal_two_pages"])
def _(p):
    base = {
        "minimal": lambda: doc_minimal(),
        "minimal_xref": lambda: doc_minimal(xref_stream=True),
        "minimal_one_field": lambda: doc_fields(["Sig1"]),
        "minimal_two_pages": lambda: doc_minimal(pages=2),
    }[p]()
    out = sign(base, "Sig1")
    w = writer(out)
    info_update(w)
    return sign(None, "SigNew", writer=w), {"Sig1": A, "SigNew": A}


@case("test_double_sig_different_pages")
def _(p):
    out = sign(doc_minimal(pages=2), "Sig1", spec=SigFieldSpec("Sig1", on_page=0, box=(10, 10, 10, 10)))
    out = sign(out, "SigNew", spec=SigFieldSpec("SigNew", on_page=1, box=(10, 10, 10, 10)))
    return update(out, info_update), {"Sig1": A, "SigNew": A}


def _deep_prepared(sig_field):
    w = writer(doc_fields(["Sig1"]))
    if sig_field:
        obj = fields.SignatureFormField("NewSig1", include_on_page=_first_page_ref(w))
    else:
        obj = generic.DictionaryObject({pdf_name("/FT"): pdf_name("/Sig")})
    fields._insert_or_get_field_at(w, w.root["/AcroForm"]["/Fields"], ("NewSigs", "NewSig1"), field_obj=obj)
    return sign(None, "Sig1", certify=True, perm=MDPPerm.FILL_FORMS, writer=w)


@case("test_double_sig_create_deep_field_post_sign")
def _(p):
    # pyHanko: the /Kids of NewSigs changes, which it does not allow (level OTHER).
    return sign(_deep_prepared(False), "NewSigs.NewSig2"), {"Sig1": S}


@case("test_double_sig_fill_deep_field_post_sign")
def _(p):
    return sign(_deep_prepared(True), "NewSigs.NewSig1"), {"Sig1": A, "NewSigs.NewSig1": A}


@case("test_no_field_type")
def _(p):
    out = sign(doc_fields(["Sig1"]), "Sig1", certify=True, perm=MDPPerm.FILL_FORMS)
    w = writer(out)
    fields._insert_or_get_field_at(w, w.root["/AcroForm"]["/Fields"], ("Blah",))
    return sign(None, "NewSig", writer=w), {"Sig1": S}


@case("test_bogus_metadata_manipulation", ["new_stream", "overwrite_stream", "null", "null_object"])
def _(p):
    # pyHanko uses a file signed twice by Adobe Reader (with XMP metadata); the same
    # manipulations on a file signed twice here.
    out = sign(doc_fields(["Sig1", "Sig2"], metadata=True), "Sig1")
    out = sign(out, "Sig2")
    bogus = b"This is bogus data, yay!"

    def fn(w):
        w._update_meta = lambda: None
        if p == "new_stream":
            w.root["/Metadata"] = w.add_object(generic.StreamObject(stream_data=bogus))
            w.update_root()
        elif p == "overwrite_stream":
            ref = w.root.raw_get("/Metadata")
            w.objects[(ref.generation, ref.idnum)] = generic.StreamObject(
                {pdf_name("/Type"): pdf_name("/Metadata"), pdf_name("/Subtype"): pdf_name("/XML")}, stream_data=bogus
            )
        elif p == "null":
            w.root["/Metadata"] = generic.NullObject()
            w.update_root()
        else:
            w.root["/Metadata"] = w.add_object(generic.NullObject())
            w.update_root()

    return update(out, fn), {"Sig1": S}


@case("test_double_sig_add_field_annots_indirect")
def _(p):
    out = sign(doc_fields(["Sig1"]), "Sig1")
    w = writer(out)
    page = w.root["/Pages"]["/Kids"][0].get_object()
    annots = generic.ArrayObject(list(page["/Annots"]))
    page["/Annots"] = ref = w.add_object(annots)
    annots.container_ref = ref  # so that sign_pdf's new widget lands in this array
    w.update_container(page)
    return sign(None, "SigNew", spec=SigFieldSpec("SigNew", box=(10, 10, 10, 10)), writer=w), {"Sig1": A, "SigNew": A}


def _visible_new_field(certify):
    out = sign(doc_fields(["Sig1"]), "Sig1", certify=certify, perm=MDPPerm.FILL_FORMS)
    w = writer(out)
    fields.append_signature_field(w, SigFieldSpec("SigNew", box=(10, 74, 140, 134)))
    return sign(None, "SigNew", writer=w)


@case("test_double_sig_add_visible_field_approval")
def _(p):
    return _visible_new_field(False), {"Sig1": A, "SigNew": A}


@case("test_double_sig_add_visible_field_certify")
def _(p):
    # pyHanko: a new visible signature field is only allowed after an approval signature.
    return _visible_new_field(True), {"Sig1": S}


@case("test_form_field_ft_tamper")
def _(p):
    out = sign(doc_simple_form(), "Sig1")

    def fn(w):
        tf = w.root["/AcroForm"]["/Fields"][1].get_object()
        tf["/FT"] = pdf_name("/Sig")
        w.update_container(tf)

    return update(out, fn), {"Sig1": S}


BOGUS_KIDS = ["name", "empty_array", "array_of_null", "array_of_indirect_null"]


def _bogus_kids(w, p):
    if p == "name":
        return pdf_name("/Test")
    if p == "empty_array":
        return generic.ArrayObject()
    if p == "array_of_null":
        return generic.ArrayObject([generic.NullObject()])
    return generic.ArrayObject([w.add_object(generic.NullObject())])


@case("test_form_field_kids_tamper", BOGUS_KIDS)
def _(p):
    out = sign(doc_simple_form(), "Sig1")

    def fn(w):
        tf = w.root["/AcroForm"]["/Fields"][1].get_object()
        tf["/Kids"] = _bogus_kids(w, p)
        w.update_container(tf)

    return update(out, fn), {"Sig1": S}


@case("test_pages_kids_tamper", BOGUS_KIDS + ["deleted"])
def _(p):
    out = sign(doc_minimal(), "Sig1")

    def fn(w):
        fields.append_signature_field(w, SigFieldSpec("Extra"))
        pages = w.root["/Pages"]
        if p == "deleted":
            del pages["/Kids"]
        else:
            pages["/Kids"] = _bogus_kids(w, p)
        w.update_container(pages)

    return update(out, fn), {"Sig1": S}


@case("test_form_field_postsign_fill")
def _(p):
    out = sign(doc_simple_form(), "Sig1")
    return update(out, lambda w: fill_text(w, "Some text")), {"Sig1": A}


@case("test_form_field_postsign_modify")
def _(p):
    w = writer(doc_simple_form())
    fill_text(w, "Some text")
    out = sign(None, "Sig1", writer=w)
    return update(out, lambda w: fill_text(w, "Some other text")), {"Sig1": A}


@case("test_create_deep_sig_field", [0, 1])
def _(p):
    return sign(doc_textfield_group(p), "TextInput.NewSig"), {"TextInput.NewSig": A}


@case("test_create_multi_deep_sig_field", [0, 1, "minimal"])
def _(p):
    base = doc_minimal() if p == "minimal" else doc_textfield_group(p)
    name = "TextInput.Sigs.Blah.NewSig"
    return sign(base, name), {name: A}


@case("test_form_field_in_group_postsign_fill", [0, 1])
def _(p):
    out = sign(doc_textfield_group(p), "Sig1")
    return update(out, lambda w: fill_text(w, "Some text", 0)), {"Sig1": A}


@case("test_form_field_in_group_postsign_fill_other_field", [0, 1])
def _(p):
    w = writer(doc_textfield_group(p))
    fill_text(w, "Some text", 0)
    out = sign(None, "Sig1", writer=w)
    return update(out, lambda w: fill_text(w, "Some other text", 1)), {"Sig1": A}


@case("test_form_field_in_group_postsign_modify", [0, 1])
def _(p):
    w = writer(doc_textfield_group(p))
    fill_text(w, "Some text", 0)
    out = sign(None, "Sig1", writer=w)

    def fn(w):
        fill_text(w, "Some other text", 0)
        fill_text(w, "Yet other text", 1)

    return update(out, fn), {"Sig1": A}


LOCK_FAIL = [
    (0, "include_TextInput.TextField1"),
    (1, "include_TextInput.TextField1"),
    (0, "exclude_TextInput.TextField2"),
    (1, "exclude_TextInput.TextField2"),
    (0, "include_TextInput"),
    (1, "include_TextInput"),
    (0, "all"),
    (1, "all"),
    (0, "exclude_Sig1"),
    (1, "exclude_Sig1"),
]
LOCK_OK = [
    (0, "include_TextInput.TextField1"),
    (1, "include_TextInput.TextField1"),
    (0, "exclude_TextInput.TextField2"),
    (1, "exclude_TextInput.TextField2"),
    (0, "exclude_TextInput"),
    (1, "exclude_TextInput"),
    (0, "include_Sig1"),
    (1, "include_Sig1"),
]


def _locked(param, filled_later):
    filled_first, spec = param
    if spec == "all":
        mdp = FieldMDPSpec(FieldMDPAction.ALL)
    else:
        action, name = spec.split("_", 1)
        mdp = FieldMDPSpec(FieldMDPAction.INCLUDE if action == "include" else FieldMDPAction.EXCLUDE, fields=[name])
    w = writer(doc_textfield_group(0))
    sp = SigFieldSpec("SigNew", box=(10, 74, 140, 134), field_mdp_spec=mdp, doc_mdp_update_value=MDPPerm.FILL_FORMS)
    fields.append_signature_field(w, sp)
    fill_text(w, "Some text", filled_first)
    out = sign(None, "SigNew", writer=w)
    return update(out, lambda w: fill_text(w, "Some other text", filled_later))


@case("test_form_field_in_group_locked_postsign_modify_failure", LOCK_FAIL)
def _(p):
    # The field filled after signing (TextField1) is covered by the lock.
    return _locked(p, 0), {"SigNew": S}


@case("test_form_field_in_group_locked_postsign_modify_success", LOCK_OK)
def _(p):
    # The field filled after signing (TextField2) is not covered by the lock.
    return _locked(p, 1), {"SigNew": A}


@case("test_form_field_structure_modification")
def _(p):
    out = sign(doc_simple_form(), "Sig1")

    def fn(w):
        arr = w.root["/AcroForm"]["/Fields"]
        tf = generic.DictionaryObject(arr[1].get_object())
        tf["/T"] = generic.pdf_string("OtherField")
        arr.append(w.add_object(tf))
        w.update_container(arr)

    return update(out, fn), {"Sig1": S}


@case("test_delete_signature")
def _(p):
    out = sign(doc_fields(["Sig1", "Sig2"]), "Sig1", existing_only=True)
    out = sign(out, "Sig2", existing_only=True)

    def fn(w):
        name, _sig, ref = next(fields.enumerate_sig_fields(w))
        assert name == "Sig1"
        del ref.get_object()["/V"]
        w.mark_update(ref)

    return update(out, fn), {"Sig2": S}


@case("test_tamper_sig_obj")
def _(p):
    out = sign(doc_minimal(), "Sig1")

    def fn(w):
        sig = w.prev.embedded_signatures[0].sig_object
        sig["/Bleh"] = generic.BooleanObject(False)
        w.update_container(sig)

    return update(out, fn), {"Sig1": S}


@case("test_rogue_backreferences")
def _(p):
    w = writer(doc_minimal())
    w.root["/DSS"] = w.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents")
    w.update_root()
    out = sign(None, "Sig1", writer=w)
    w = writer(out)
    fields.append_signature_field(w, SigFieldSpec("SigNew", box=(10, 74, 140, 134), doc_mdp_update_value=MDPPerm.FILL_FORMS))
    out = _finish(w)

    def fn(w):
        ref = w.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents")
        old = ref.get_object()
        new = generic.StreamObject(stream_data=old.data + b" q Q")
        w.objects[(ref.generation, ref.idnum)] = new

    return update(out, fn), {"Sig1": S}


@case("test_sign_reject_freed")
def _(p):
    w = writer(doc_fields(["Sig1"]))
    w.root["/Blah"] = freed = w.add_object(generic.pdf_string("Hi there!"))
    w.update_root()
    out = sign(None, "Sig1", writer=w)
    r = PdfFileReader(BytesIO(out))
    size = r.trailer_view["/Size"]
    start = len(out)
    tail = b"\n".join(
        [
            b"xref",
            b"0 1",
            b"0000000000 65535 f ",
            b"%d 1" % freed.idnum,
            b"0000000000 00001 f ",
            b"trailer<</Prev %d/Size %d/Root %d 0 R>>" % (r.last_startxref, size, r.root_ref.idnum),
            b"startxref",
            b"%d" % start,
            b"%%EOF",
            b"",
        ]
    )
    return out + tail, {"Sig1": S}


@case("test_not_all_paths_cleared")
def _(p):
    w = writer(doc_fields(["Sig1"]))
    arr = w.root["/AcroForm"].raw_get("/Fields")
    ref = w.add_object(generic.ArrayObject(list(arr)))
    w.root["/AcroForm"]["/Fields"] = ref
    w.root["/Blah"] = ref
    w.update_root()
    out = sign(None, "Sig1", writer=w)
    return sign(out, "SigNew"), {"Sig1": S}


@case(
    "test_double_signature_certify_first",
    ["fill_forms_tagged", "fill_forms", "annotate_tagged", "annotate"],
)
def _(p):
    level = MDPPerm.FILL_FORMS if p.startswith("fill") else MDPPerm.ANNOTATE
    base = doc_fields(["Sig1", "Sig2"], tagged=p.endswith("tagged"))
    out = sign(base, "Sig1", certify=True, perm=level)
    return sign(out, "Sig2"), {"Sig1": A, "Sig2": A}


@case("test_orphan")
def _(p):
    # ignored=True: pyHanko ignores objects that nothing refers to, even after P=1.
    out = sign(doc_fields(["Sig1"]), "Sig1", certify=True, perm=MDPPerm.NO_CHANGES)
    return update(out, lambda w: w.add_object(generic.pdf_string("Bleh"))), {"Sig1": A}


@case("test_form_field_ap_null")
def _(p):
    out = sign(doc_fields(["Sig1", "Sig2"]), "Sig1")
    out = sign(out, "Sig2")

    def fn(w):
        tf = w.root["/AcroForm"]["/Fields"][1].get_object()
        tf["/AP"] = generic.NullObject()
        w.update_container(tf)

    return update(out, fn), {"Sig1": S}


@case("test_form_field_manipulate_names", ["null", "duplicate", "period"])
def _(p):
    out = sign(doc_fields(["Sig1", "Sig2"]), "Sig1")
    new = {"null": generic.NullObject(), "duplicate": generic.pdf_string("Sig1"), "period": generic.pdf_string("Sig2.")}[p]

    def fn(w):
        tf = w.root["/AcroForm"]["/Fields"][1].get_object()
        tf["/T"] = new
        w.update_container(tf)

    return update(out, fn), {"Sig1": S}


@case("test_simple_sign_with_separate_annot")
def _(p):
    spec = SigFieldSpec("Sig1", combine_annotation=False, box=(20, 20, 80, 40))
    return sign(doc_minimal(), "Sig1", spec=spec), {"Sig1": A}


@case("test_double_sign_with_separate_annot")
def _(p):
    out = sign(doc_minimal(), "Sig1", spec=SigFieldSpec("Sig1", combine_annotation=False, box=(20, 20, 80, 40)))
    out = sign(out, "Sig2", spec=SigFieldSpec("Sig2", combine_annotation=False, box=(20, 120, 80, 140)))
    return out, {"Sig1": A, "Sig2": A}


@case("test_sign_and_update_with_orphaned_obj")
def _(p):
    out = sign(doc_minimal(), "Sig1")
    return update(out, lambda w: w.add_object(generic.pdf_string("Hello there"))), {"Sig1": A}


@case("test_sign_and_update_with_orphaned_obj_and_other_upd")
def _(p):
    out = sign(doc_minimal(), "Sig1")

    def fn(w):
        w.add_object(generic.pdf_string("Hello there"))
        w.root["/Blah"] = w.add_object(generic.pdf_string("Hello there too"))
        w.update_root()

    return update(out, fn), {"Sig1": S}


@case("test_skip_diff_scenario_1")
def _(p):
    out = sign(doc_minimal(), "SigFirst", certify=True, perm=MDPPerm.NO_CHANGES)
    w = writer(out)
    ps = signers.PdfSigner(signers.PdfSignatureMetadata(field_name="SigNew"), SIGNER)
    ps._enforce_certification_constraints = lambda _: None
    return ps.sign_pdf(w).getvalue(), {"SigFirst": S}


@case("test_skip_diff_scenario_2")
def _(p):
    out = sign(doc_minimal(), "SigFirst")
    return update(out, lambda w: RawContent(b"q BT /F1 18 Tf 0 50 Td (Sneaky text!) Tj ET Q").add_to_page(w, 0)), {"SigFirst": S}


@case("test_delete_sig_annot")
def _(p):
    out = sign(doc_minimal(), "Sig1")

    def fn(w):
        page = w.root["/Pages"]["/Kids"][0].get_object()
        del page["/Annots"]
        w.update_container(page)

    return update(out, fn), {"Sig1": S}


@case("test_double_sig_delete_old_sig_annot")
def _(p):
    out = sign(doc_minimal(), "Sig1")
    w = writer(out)
    annots = w.root["/Pages"]["/Kids"][0]["/Annots"]
    del annots[0]
    w.update_container(w.root["/Pages"]["/Kids"][0].get_object())
    return sign(None, "SigNew", writer=w), {"Sig1": S, "SigNew": A}


@case("test_double_sig_different_pages_delete_old_annot")
def _(p):
    out = sign(doc_minimal(pages=2), "Sig1", spec=SigFieldSpec("Sig1", on_page=0, box=(10, 10, 10, 10)))
    w = writer(out)
    page = w.root["/Pages"]["/Kids"][0].get_object()
    del page["/Annots"][0]
    w.update_container(page)
    out = sign(None, "SigNew", spec=SigFieldSpec("SigNew", on_page=1, box=(10, 10, 10, 10)), writer=w)
    return out, {"Sig1": S, "SigNew": A}


def _xref_stream_update(data, entries, trailer_extra=b""):
    """An update made only of a cross-reference stream (written here by hand, as pyHanko's
    test does with its own helper): `entries` maps object numbers to (type, field2, field3)."""
    r = PdfFileReader(BytesIO(data))
    size = r.trailer_view["/Size"]
    num = size
    start = len(data) + 1
    entries = dict(entries)
    entries[num] = (1, start, 0)
    index, rows = [], b""
    for n in sorted(entries):
        t, f2, f3 = entries[n]
        index += [n, 1]
        rows += bytes([t]) + f2.to_bytes(4, "big") + f3.to_bytes(2, "big")
    d = b"<</Type/XRef/Size %d/W[1 4 2]/Index[%s]/Prev %d/Root %d 0 R%s/Length %d>>" % (
        num + 1,
        b" ".join(b"%d" % i for i in index),
        r.last_startxref,
        r.root_ref.idnum,
        trailer_extra,
        len(rows),
    )
    obj = b"%d 0 obj\n" % num + d + b"\nstream\n" + rows + b"\nendstream\nendobj\n"
    return data + b"\n" + obj + b"startxref\n%d\n%%%%EOF\n" % start


@case("test_sign_with_hybrid")
def _(p):
    # An update whose trailer has /XRefStm pointing at an xref stream that only
    # repeats the free head of the list: nothing changes.
    out = sign(doc_fields(["Sig1"]), "Sig1")
    out = update(out, lambda w: w.set_info(generic.DictionaryObject({pdf_name("/Title"): generic.pdf_string("Hello")})))
    return _hybrid(out, {0: (0, 0, 65535)}), {"Sig1": A}


@case("test_sign_with_hybrid_sneaky_edit")
def _(p):
    # The same, but the hidden xref stream re-points a signed object (/Root /Bleh) at
    # another offset: a change only a reader of hybrid files sees.
    w = writer(doc_fields(["Sig1"]))
    w.root["/Bleh"] = bleh = w.add_object(pdf_name("/Bleh"))
    w.update_root()
    out = sign(None, "Sig1", writer=w)
    return _hybrid(out, {0: (0, 0, 65535), bleh.idnum: (1, 0x12, 0)}), {"Sig1": S}


def _hybrid(data, entries):
    """A hybrid-reference update: a classic xref section whose trailer's /XRefStm names an
    xref stream object written just before it."""
    r = PdfFileReader(BytesIO(data))
    size = r.trailer_view["/Size"]
    stm_num = size
    stm_off = len(data) + 1
    rows = b""
    index = []
    for n in sorted(entries):
        t, f2, f3 = entries[n]
        index += [n, 1]
        rows += bytes([t]) + f2.to_bytes(3, "big") + f3.to_bytes(2, "big")
    stm = b"%d 0 obj\n<</Type/XRef/Size %d/W[1 3 2]/Index[%s]/Length %d>>\nstream\n" % (
        stm_num,
        size + 1,
        b" ".join(b"%d" % i for i in index),
        len(rows),
    )
    stm += rows + b"\nendstream\nendobj\n"
    body = data + b"\n" + stm
    xref_off = len(body)
    xref = b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (stm_num, stm_off)
    trailer = b"trailer\n<</Size %d/Root %d 0 R/Prev %d/XRefStm %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1,
        r.root_ref.idnum,
        r.last_startxref,
        stm_off,
        xref_off,
    )
    return body + xref + trailer


def _extensions(w, level=3):
    return generic.DictionaryObject(
        {
            pdf_name("/ADBE"): generic.DictionaryObject(
                {pdf_name("/BaseVersion"): pdf_name("/1.7"), pdf_name("/ExtensionLevel"): generic.NumberObject(level)}
            )
        }
    )


@case("test_diff_analysis_add_extensions_dict", ["direct", "indirect", "update_indirect", "update_direct"])
def _(p):
    # An /Extensions dictionary added (or, in the update_* files, updated) together with
    # a second signature.
    w = writer(doc_fields(["Sig1", "Sig2"]))
    if p.startswith("update"):
        ext = _extensions(w, 3)
        w.root["/Extensions"] = w.add_object(ext) if p == "update_indirect" else ext
        w.update_root()
    out = sign(None, "Sig1", writer=w)
    w = writer(out)
    if p.startswith("update"):
        ext = w.root["/Extensions"]
        ext["/ADBE"]["/ExtensionLevel"] = generic.NumberObject(8)
        if p == "update_indirect":
            w.mark_update(w.root.raw_get("/Extensions"))
        else:
            w.update_root()
    else:
        ext = _extensions(w, 8)
        w.root["/Extensions"] = w.add_object(ext) if p == "indirect" else ext
        w.update_root()
    return sign(None, "Sig2", writer=w), {"Sig1": A}


@case("test_diff_analysis_update_indirect_extensions_not_all_paths")
def _(p):
    # The signed /Extensions object is also /Root /DontOverrideMe: updating it as an
    # extension changes what /DontOverrideMe is.
    w = writer(doc_fields(["Sig1", "Sig2"]))
    ref = w.add_object(_extensions(w, 3))
    w.root["/Extensions"] = ref
    w.root["/DontOverrideMe"] = ref
    w.update_root()
    out = sign(None, "Sig1", writer=w)
    w = writer(out)
    ref = w.root.raw_get("/Extensions")
    ref.get_object()["/ADBE"]["/ExtensionLevel"] = generic.NumberObject(8)
    w.mark_update(ref)
    return sign(None, "Sig2", writer=w), {"Sig1": S}


def _type_entry(before, after):
    w = writer(doc_fields(["Sig1", "Sig2"]))
    if before is None:
        f = w.root["/AcroForm"]["/Fields"][1].get_object()
        del f["/Type"]
        w.update_container(f)
    out = sign(None, "Sig1", writer=w)
    w = writer(out)
    f = w.root["/AcroForm"]["/Fields"][1].get_object()
    if after is None:
        del f["/Type"]
    else:
        f["/Type"] = pdf_name(after)
    return sign(None, "Sig2", writer=w)


@case("test_diff_analysis_modify_type_entry")
def _(p):
    return _type_entry("/Annot", "/Foo"), {"Sig1": S}


@case("test_diff_analysis_remove_type_entry")
def _(p):
    return _type_entry("/Annot", None), {"Sig1": S}


@case("test_diff_analysis_add_invalid_type_entry")
def _(p):
    return _type_entry(None, "/Foo"), {"Sig1": S}


@case("test_diff_analysis_add_valid_type_entry")
def _(p):
    return _type_entry(None, "/Annot"), {"Sig1": A}


# Signing an empty signature field whose old appearance is overwritten, replaced or
# left, with /AP direct or indirect; the "sneaky" ones also reach what changed from
# /Root /FooBar (or the trailer's /FooBar), which pyHanko must name.
AP_CASES = {
    "override_appearance_stream": ("override", "direct", None),
    "override_appearance_stream_ap_indirect": ("override", "indirect", None),
    "no_override_appearance_stream_ap_indirect": ("replace", "indirect", None),
    "original_ap_type_wrong": ("replace", "wrong", None),
}
AP_SNEAKY = {
    "override_appearance_stream_sneaky": ("override", "direct", "root_stream"),
    "override_appearance_stream_ap_indirect_sneaky": ("override", "indirect", "root_stream"),
    "no_override_appearance_stream_ap_indirect_sneaky": ("replace", "indirect", "root_ap"),
    "ap_indirect_sneaky_trailer": ("replace", "indirect", "trailer_ap"),
}


def _appearance_case(mode, ap_kind, sneaky):
    w = writer(doc_fields(["Sig1"]))
    fields.append_signature_field(w, SigFieldSpec("Sig2", box=(10, 74, 140, 134), empty_field_appearance=True))
    f2 = w.root["/AcroForm"]["/Fields"][1].get_object()
    ap = f2["/AP"]
    stream_ref = ap.raw_get("/N")
    if ap_kind == "indirect":
        ap_ref = w.add_object(generic.DictionaryObject(ap))
        f2["/AP"] = ap_ref
    elif ap_kind == "wrong":
        f2["/AP"] = pdf_name("/Foo")
    if sneaky == "root_stream":
        w.root["/FooBar"] = stream_ref
    elif sneaky == "root_ap":
        w.root["/FooBar"] = ap_ref
    elif sneaky == "trailer_ap":
        w.trailer["/FooBar"] = ap_ref
    w.update_root()
    out = sign(None, "Sig1", writer=w)

    # Sign Sig2; its new appearance replaces the old one as `mode` says.
    from pyhanko.sign.signers import cms_embedder

    w = writer(out)
    original = cms_embedder.SigAppearanceSetup.apply

    def apply(self, annot, wr):
        original(self, annot, wr)
        new_n = annot["/AP"].raw_get("/N")
        if mode == "override":
            wr.objects[(stream_ref.generation, stream_ref.idnum)] = new_n.get_object()
            new_n = generic.IndirectObject(stream_ref.idnum, stream_ref.generation, wr)
        if ap_kind == "indirect":
            ap_obj = generic.DictionaryObject({pdf_name("/N"): new_n})
            wr.objects[(ap_ref.generation, ap_ref.idnum)] = ap_obj
            annot["/AP"] = generic.IndirectObject(ap_ref.idnum, ap_ref.generation, wr)
        else:
            annot["/AP"] = generic.DictionaryObject({pdf_name("/N"): new_n})

    cms_embedder.SigAppearanceSetup.apply = apply
    try:
        return sign(None, "Sig2", writer=w, existing_only=True)
    finally:
        cms_embedder.SigAppearanceSetup.apply = original


@case("test_appearance_update_edge_cases", list(AP_CASES))
def _(p):
    return _appearance_case(*AP_CASES[p]), {"Sig1": A}


@case("test_disallow_appearance_stream_override_if_clobbers", list(AP_SNEAKY))
def _(p):
    return _appearance_case(*AP_SNEAKY[p]), {"Sig1": S}


IDENTICAL = ["empty_array", "empty_dict", "array", "dict", "stream", "dict_with_ref"]


@case("test_allow_identical_object_replacement", IDENTICAL)
def _(p):
    w = writer(doc_fields(["Sig1"]))
    obj = {
        "empty_array": lambda: generic.ArrayObject(),
        "empty_dict": lambda: generic.DictionaryObject(),
        "array": lambda: generic.ArrayObject(
            [
                generic.NumberObject(1),
                generic.FloatObject(0.61243),
                generic.ByteStringObject(b"1234"),
                generic.NullObject(),
                generic.BooleanObject(True),
                generic.TextStringObject("1234"),
                pdf_name("/Blah"),
            ]
        ),
        "dict": lambda: generic.DictionaryObject({pdf_name("/Foo"): pdf_name("/Bar"), pdf_name("/Baz"): generic.pdf_string("Quux")}),
        "stream": lambda: generic.StreamObject({pdf_name("/Foo"): pdf_name("/Bar")}, stream_data=b"hello world"),
        "dict_with_ref": lambda: generic.DictionaryObject(
            {pdf_name("/Foo"): pdf_name("/Bar"), pdf_name("/Baz"): w.root.raw_get("/Pages")}
        ),
    }[p]()
    if isinstance(obj, generic.StreamObject):
        obj.compress()
    w.root["/Foo"] = w.add_object(obj)
    w.update_root()
    out = sign(None, "Sig1", writer=w)
    return update(out, lambda w: w.update_container(w.root["/Foo"])), {"Sig1": A}


@case("test_stream_and_dict_not_considered_identical")
def _(p):
    w = writer(doc_fields(["Sig1"]))
    stm = generic.StreamObject({pdf_name("/Foo"): pdf_name("/Bar"), pdf_name("/Baz"): generic.pdf_string("Quux")}, stream_data=b"hello")
    w.root["/Foo"] = ref = w.add_object(stm)
    w.update_root()
    out = sign(None, "Sig1", writer=w)

    def fn(w):
        d = generic.DictionaryObject({k: v for k, v in w.root["/Foo"].items() if k not in ("/Length", "/Filter")})
        w.objects[(ref.generation, ref.idnum)] = d

    return update(out, fn), {"Sig1": S}


@case("test_allow_identical_object_replacement_nonsensical_obj_nonstrict")
def _(p):
    w = writer(doc_fields(["Sig1"]))
    obj = generic.DictionaryObject({pdf_name("/Foo"): pdf_name("/Bar"), pdf_name("/Baz"): generic.IndirectObject(91299, 0, w)})
    w.root["/Foo"] = w.add_object(obj)
    w.update_root()
    out = sign(None, "Sig1", writer=w)
    return update(out, lambda w: w.update_container(w.root["/Foo"]), strict=False), {"Sig1": A}


@case("test_signature_without_type_is_form_filling")
def _(p):
    # pyHanko's stored file: a second signature whose dictionary has no /Type /Sig.
    from pyhanko.sign.signers import pdf_byterange

    out = sign(doc_fields(["Sig1", "Sig2"]), "Sig1")
    original = pdf_byterange.PdfSignedData.__init__

    def init(self, *a, **kw):
        original(self, *a, **kw)
        del self["/Type"]

    pdf_byterange.PdfSignedData.__init__ = init
    try:
        out = sign(out, "Sig2")
    finally:
        pdf_byterange.PdfSignedData.__init__ = original
    sigs = PdfFileReader(BytesIO(out)).embedded_signatures
    assert "/Type" not in sigs[1].sig_object and "/Type" in sigs[0].sig_object
    return out, {"Sig1": A}


def _separate_annot_indirect_kids(w, name, box):
    fields.append_signature_field(w, SigFieldSpec(name, combine_annotation=False, box=box))
    for f in w.root["/AcroForm"]["/Fields"]:
        f = f.get_object()
        if f.get("/T") == name and not isinstance(f.raw_get("/Kids"), generic.IndirectObject):
            f["/Kids"] = w.add_object(generic.ArrayObject(list(f.raw_get("/Kids"))))


@case("test_validate_separate_annot_with_indir_kids")
def _(p):
    # pyHanko's stored file: two signatures in fields whose widgets are separate
    # annotations listed by an indirect /Kids array.
    w = writer(doc_minimal())
    _separate_annot_indirect_kids(w, "Sig1", (20, 20, 80, 40))
    out = sign(None, "Sig1", writer=w, existing_only=True)
    w = writer(out)
    _separate_annot_indirect_kids(w, "Sig2", (20, 120, 80, 140))
    out = sign(None, "Sig2", writer=w, existing_only=True)
    for s in PdfFileReader(BytesIO(out)).embedded_signatures:
        assert isinstance(s.sig_field.raw_get("/Kids"), generic.IndirectObject), s.field_name
    return out, {"Sig1": A, "Sig2": A}


@case("test_signed_file_diff_proxied_objs")
def _(p):
    # Encrypted (AES-256, user password "secret"), /Fields indirect, tagged; certified
    # (P=2), then signed again.
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    w = copy_into_new_writer(PdfFileReader(BytesIO(doc_fields(["Sig1"], tagged=True))))
    w.encrypt("secret", "secret")
    arr = w.root["/AcroForm"]["/Fields"]
    w.root["/AcroForm"]["/Fields"] = w.add_object(arr)
    out = _finish(w)
    w = writer(out)
    w.encrypt("secret")
    out = sign(None, "Sig1", certify=True, perm=MDPPerm.FILL_FORMS, writer=w, subfilter=fields.SigSeedSubFilter.PADES)
    w = writer(out)
    w.encrypt("secret")
    return sign(None, "SigNew", writer=w, subfilter=fields.SigSeedSubFilter.PADES), {"Sig1": A}


def _raw_pdf(objects, root=1):
    """A one-revision PDF from object bodies numbered from 1."""
    out = b"%PDF-1.7\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return out


PAGE = b"<</Type/Page/Parent 2 0 R/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Times-Roman>>>>>>/Contents 4 0 R%s>>"
CONTENT = b"<</Length 43>>\nstream\nBT /F1 18 Tf 10 60 Td (Hello World) Tj ET\nendstream"


@case("test_diff_analysis_circular_page_tree")
def _(p):
    # A page tree that lists itself among its kids; signed, then an update with one
    # new object. pyHanko refuses to analyse it ("Circular reference in page tree").
    base = _raw_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R 2 0 R]/Count 1/MediaBox[0 0 300 144]>>",
            PAGE % b"",
            CONTENT,
        ]
    )
    out = sign(base, "Sig1")
    return update(out, lambda w: w.add_object(generic.NullObject())), {"Sig1": S}


@case("test_diff_analysis_circular_structure_tree")
def _(p):
    # A structure tree whose element is its own kid; signed, then an update with one
    # new object. pyHanko refuses to analyse it ("Circular reference in struct tree").
    base = _raw_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R/MarkInfo<</Marked true>>/StructTreeRoot 5 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1/MediaBox[0 0 300 144]>>",
            PAGE % b"/StructParents 0",
            CONTENT,
            b"<</Type/StructTreeRoot/K[6 0 R]/ParentTree<</Nums[0[6 0 R]]>>/ParentTreeNextKey 1>>",
            b"<</Type/StructElem/S/P/P 5 0 R/Pg 3 0 R/K[0 6 0 R]>>",
        ]
    )
    out = sign(base, "Sig1")
    return update(out, lambda w: w.add_object(generic.NullObject())), {"Sig1": S}


# ---- validation data (PAdES B-LT: the DSS), with the PKI's OCSP, CRLs and TSA ----


def _lt(data, field, **kw):
    return sign(
        data,
        field,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        validation_context=validation_context(),
        **kw,
    )


@case("test_form_field_postsign_fill_pades_lt")
def _(p):
    out = _lt(doc_simple_form(), "Sig1")
    return update(out, lambda w: fill_text(w, "Some text")), {"Sig1": A}


@case("test_form_field_postsign_modify_pades_lt")
def _(p):
    w = writer(doc_simple_form())
    fill_text(w, "Some text")
    out = _lt(None, "Sig1", writer=w)
    return update(out, lambda w: fill_text(w, "Some other text")), {"Sig1": A}


@case("test_fieldmdp_all_pades_lta")
def _(p):
    w = writer(doc_minimal())
    sp = SigFieldSpec("SigNew", box=(10, 74, 140, 134), field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL), doc_mdp_update_value=MDPPerm.FILL_FORMS)
    fields.append_signature_field(w, sp)
    return _lt(None, "SigNew", writer=w, use_pades_lta=True), {"SigNew": A}


@case("test_pades_double_sign", ["certify_first", "approval_first"])
def _(p):
    out = _lt(doc_fields(["Sig1", "Sig2"]), "Sig1", certify=(p == "certify_first"))
    return _lt(out, "Sig2"), {"Sig1": A, "Sig2": A}


def _lt_twice():
    out = _lt(doc_fields(["Sig1", "Sig2"]), "Sig1")
    return _lt(out, "Sig2")


@case("test_pades_double_sign_delete_dss")
def _(p):
    def fn(w):
        del w.root["/DSS"]
        w.update_root()

    return update(_lt_twice(), fn), {"Sig1": A, "Sig2": S}


@case("test_pades_double_sign_delete_vri")
def _(p):
    def fn(w):
        del w.root["/DSS"]["/VRI"]
        w.update_container(w.root["/DSS"])

    return update(_lt_twice(), fn), {"Sig1": A, "Sig2": S}


@case("test_pades_double_sign_delete_entry_in_vri")
def _(p):
    out = _lt(doc_fields(["Sig1", "Sig2"]), "Sig1")
    (key,) = PdfFileReader(BytesIO(out)).root["/DSS"]["/VRI"].keys()
    out = _lt(out, "Sig2")

    def fn(w):
        vri = w.root["/DSS"]["/VRI"]
        del vri[key]
        w.update_container(vri)

    return update(out, fn), {"Sig1": A, "Sig2": S}


@case("test_pades_vri_allow_ts_addition", ["indirect", "direct"])
def _(p):
    out = _lt(doc_fields(["Sig1", "Sig2"]), "Sig1")
    out = _lt(out, "Sig2")

    def fn(w):
        vri = w.root["/DSS"]["/VRI"]
        ts = w.add_object(generic.StreamObject(stream_data=b"\x05\x00")) if p == "indirect" else generic.TextStringObject("")
        vri[pdf_name("/" + "DEADBEEF" * 5)] = generic.DictionaryObject({pdf_name("/TS"): ts})
        w.update_container(vri)

    return update(out, fn), {"Sig1": A, "Sig2": A}


@case("test_pades_dss_object_clobber")
def _(p):
    w = writer(doc_fields(["Sig1", "Sig2"]))
    dummy = w.add_object(generic.pdf_string("Hi there"))
    w.root["/Dummy"] = dummy
    w.update_root()
    out = _lt(None, "Sig1", writer=w)

    def fn(w):
        dss = w.root["/DSS"]
        w.objects[(dummy.generation, dummy.idnum)] = dss
        w.root["/DSS"] = generic.IndirectObject(dummy.idnum, dummy.generation, w)
        w.update_root()

    return update(out, fn), {"Sig1": S}


BOGUS_DSS = ["string", "blah_null", "certs_null", "vri_null", "vri_bleh", "vri_key_null", "vri_key_bleh", "vri_key_ocsp_null"]


def _bogus_dss(p):
    n = generic.NullObject
    D = lambda d: generic.DictionaryObject({pdf_name(k): v for k, v in d.items()})  # noqa: E731
    key = "/" + "A" * 40
    return {
        "string": lambda: generic.pdf_string("Hi there"),
        "blah_null": lambda: D({"/Blah": n()}),
        "certs_null": lambda: D({"/Certs": n()}),
        "vri_null": lambda: D({"/VRI": n()}),
        "vri_bleh": lambda: D({"/VRI": D({"/Bleh": n()})}),
        "vri_key_null": lambda: D({"/VRI": D({key: n()})}),
        "vri_key_bleh": lambda: D({"/VRI": D({key: D({"/Bleh": n()})})}),
        "vri_key_ocsp_null": lambda: D({"/VRI": D({key: D({"/OCSP": n()})})}),
    }[p]()


@case("test_pades_dss_object_typing_tamper", BOGUS_DSS)
def _(p):
    out = _lt(doc_fields(["Sig1", "Sig2"]), "Sig1")

    def fn(w):
        w.root["/DSS"] = w.add_object(_bogus_dss(p))
        w.update_root()

    return update(out, fn), {"Sig1": S}


@case("test_pades_sign_update_dss")
def _(p):
    # pyHanko's file has its DSS arrays indirect; here they are made indirect by an LTV
    # update of their own, then a certificate nothing needs is added to /Certs.
    out = _lt_twice()

    def indirect(w):
        dss = w.root["/DSS"]
        for k in ("/Certs", "/OCSPs", "/CRLs"):
            if k in dss and not isinstance(dss.raw_get(k), generic.IndirectObject):
                dss[k] = w.add_object(generic.ArrayObject(list(dss.raw_get(k))))
        w.update_container(dss)

    out = update(out, indirect)

    def add_cert(w):
        with open(os.path.join(PKI, "personal.pem"), "rb") as f:
            from asn1crypto import pem

            der = pem.unarmor(f.read())[2]
        certs = w.root["/DSS"]["/Certs"]
        certs.append(w.add_object(generic.StreamObject(stream_data=der)))
        w.update_container(certs)

    return update(out, add_cert), {"Sig1": A, "Sig2": A}


@case("test_pades_sign_twice_indirect_arrs")
def _(p):
    # pyHanko's stored file has a PAdES signature whose DSS arrays are indirect; here an
    # LTV update makes them so, then a second PAdES B-LT signature follows.
    out = _lt(doc_fields(["Sig1", "Sig2"]), "Sig1")

    def indirect(w):
        dss = w.root["/DSS"]
        for k in ("/Certs", "/OCSPs", "/CRLs"):
            if k in dss and not isinstance(dss.raw_get(k), generic.IndirectObject):
                dss[k] = w.add_object(generic.ArrayObject(list(dss.raw_get(k))))
        w.update_container(dss)

    return _lt(update(out, indirect), "Sig2"), {"Sig1": A, "Sig2": A}


@case("test_indir_ref_in_sigref_dict")
def _(p):
    # pyHanko's stored file: a certification signature whose /Reference dictionary holds
    # indirect objects (here its /TransformParams), then a document timestamp.
    from pyhanko.sign.signers import cms_embedder
    from pyhanko.sign.timestamps import HTTPTimeStamper

    w = writer(doc_fields(["Sig1"]))
    original = cms_embedder.docmdp_reference_dictionary

    def indirect_params(perm):
        ref = original(perm)
        ref["/TransformParams"] = w.add_object(ref["/TransformParams"])
        return ref

    cms_embedder.docmdp_reference_dictionary = indirect_params
    try:
        out = sign(None, "Sig1", certify=True, perm=MDPPerm.FILL_FORMS, writer=w)
    finally:
        cms_embedder.docmdp_reference_dictionary = original
    ts = signers.PdfTimeStamper(timestamper=HTTPTimeStamper(TSA_URL))
    out = ts.timestamp_pdf(writer(out), md_algorithm="sha256", validation_context=validation_context()).getvalue()
    sigs = PdfFileReader(BytesIO(out)).embedded_signatures
    assert len(sigs) == 2 and sigs[1].sig_object["/Type"] == "/DocTimeStamp", "no document timestamp"
    assert isinstance(sigs[0].sig_object["/Reference"][0].raw_get("/TransformParams"), generic.IndirectObject)
    return out, {"Sig1": A}


# ---------------------------------------------------------------------------
# pyHanko's own verdict on the rebuilt files
# ---------------------------------------------------------------------------


def pyhanko_verdicts(data, judged, password=None):
    from pyhanko.sign.diff_analysis import SuspiciousModification
    from pyhanko.sign.validation import validate_pdf_signature

    result = {}
    try:
        r = PdfFileReader(BytesIO(data), strict=False)
        if password is not None:
            r.decrypt(password)
        sigs = {s.field_name: s for s in r.embedded_signatures}
    except Exception as e:  # pyHanko cannot read the file at all
        return {name: "error: %s" % e for name in judged}
    for name in judged:
        s = sigs.get(name)
        if s is None:
            result[name] = "missing"
            continue
        try:
            status = validate_pdf_signature(s, validation_context())
            suspicious = (
                isinstance(s.diff_result, SuspiciousModification)
                or not status.docmdp_ok
                or status.coverage.name not in ("ENTIRE_FILE", "ENTIRE_REVISION")
            )
            level = status.modification_level.name if status.modification_level is not None else None
            result[name] = "%s (%s)" % (S if suspicious else A, level)
        except Exception as e:
            result[name] = "error: %s: %s" % (type(e).__name__, e)
    return result


def main(argv):
    global PKI, TSA_URL, SIGNER
    args = list(argv)
    if "--tsa" in args:
        i = args.index("--tsa")
        TSA_URL = args[i + 1]
        del args[i : i + 2]
    PKI, out_dir, wanted = args[0], args[1], set(args[2:])
    SIGNER = signers.SimpleSigner.load(
        os.path.join(PKI, "organization.key.pem"),
        os.path.join(PKI, "organization.pem"),
        ca_chain_files=(os.path.join(PKI, "ca.pem"),),
        key_passphrase=None,
    )
    os.makedirs(out_dir, exist_ok=True)
    manifest = []
    for test, param, fn in CASES:
        if wanted and test not in wanted:
            continue
        label = None if param is None else "_".join(map(str, param)) if isinstance(param, tuple) else str(param)
        name = test if label is None else "%s__%s" % (test, label)
        entry = {"test": test, "param": label, "file": name + ".pdf"}
        try:
            data, judged = fn(param)
            with open(os.path.join(out_dir, entry["file"]), "wb") as f:
                f.write(data)
            entry["expect"] = judged
            entry["password"] = PASSWORDS.get(test)
            entry["pyhanko"] = pyhanko_verdicts(data, judged, entry["password"])
        except Exception:
            entry["error"] = traceback.format_exc()
        manifest.append(entry)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    unknown = wanted - {t for t, _, _ in CASES}
    if unknown:
        print("unknown test names: %s" % ", ".join(sorted(unknown)), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
