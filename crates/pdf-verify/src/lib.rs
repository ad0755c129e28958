//! PDF signature verification for vbdt, with modules mirroring Decree 68/2024/NĐ-CP:
//!
//! - [`signatures`]: every signature field and document timestamp, with the raw bytes of
//!   its signature dictionary (pdf-raw) and the revision it was added in;
//! - [`dieu30`]: Điều 30 — byte range, CMS message digest and signature;
//! - [`timestamps`]: V4 — signature and document timestamps;
//! - [`dieu31`], [`dieu32`]: Điều 31 and 32 — the signer certificate and its path, through
//!   chain-check;
//! - [`existence`]: proof of existence and past validation (long-term validation);
//! - [`modifications`]: V5 — what later incremental updates changed;
//! - [`rules`]: S1, S4, S5, S7, S8, and what the file is (issued, copy, attachment);
//! - [`appearance`]: what a signature's widget shows (page, place, images, text), for S4/S5;
//! - [`role`]: the role of other software's signatures, where the certificate states it;
//! - [`service`]: V7 — official-duty (vgca) or public (neac) signatures;
//! - [`verdict`], [`report`]: outcomes and their text, JSON and JUnit renderings.
//!
//! Entry points: [`verify_bytes`] and [`verify_path`].

pub mod appearance;
pub mod asn1;
pub mod bundle;
pub mod cms;
pub mod dieu30;
pub mod dieu31;
pub mod dieu32;
mod digests;
pub mod existence;
pub mod history;
pub mod modifications;
mod oids;
pub mod pdfobj;
pub mod report;
pub mod role;
pub mod rules;
pub mod service;
pub mod signatures;
pub mod timestamps;
pub mod verdict;

use std::path::Path;

use chain_check::revocation::RevocationSources;
use chain_check::{Certificate, HttpLimits, Purpose, TrustStore};
use lopdf::{Document, Object};
use pdf_raw::RawPdf;
use time::{Date, OffsetDateTime};
use zeroize::Zeroizing;

use crate::dieu30::{Coverage, Judgement, SignerOutcome};
use crate::dieu31::TimeBasis;
use crate::existence::{DocTimestampPoe, Expiry};
use crate::modifications::{ModSummary, Revisions};
use crate::report::{
    fmt_time, CheckedAt, CheckedAtSource, FileError, FileReport, Outcome, Proof, ProofSource, RoleSource, SignatureReport, SignerSummary,
    TimeSource,
};
use crate::rules::{IssueDateSource, KindSource, SigFacts};
use crate::signatures::{DocumentKind, FoundSignature, SignatureKind};
use crate::verdict::{Check, CheckStatus, Msg, Verdict};

pub use lopdf;
pub use pdf_raw;
pub use report::JSON_REPORT_VERSION;
pub use verdict::Lang;

/// Largest size a single stream may decompress to while reading a document.
pub const MAX_STREAM_BYTES: usize = 64 << 20;
/// Entries read from each DSS array at most.
const MAX_DSS_ITEMS: usize = 2_000;
/// Bytes of DSS data (certificates, OCSP responses, CRLs) read at most, all together.
const MAX_DSS_BYTES: usize = 64 << 20;
/// Embedded OCSP responses and CRLs used at most (each costs a signature check per certificate).
const MAX_REVOCATION_ITEMS: usize = 256;

/// What to do when a certificate's revocation status cannot be established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RevocationMode {
    /// Indeterminate (the default).
    #[default]
    Require,
    /// Accept with a warning.
    Prefer,
    /// Do not check revocation.
    Off,
}

/// Verification settings.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Trust anchors (roots; for VGCA also the issuing CAs).
    pub trust: TrustStore,
    /// Extra certificates for path building (`--certs`).
    pub extra_certs: Vec<Certificate>,
    /// Extra CRLs (`--crl`), DER or PEM.
    pub crls: Vec<Vec<u8>>,
    /// Fetch OCSP, CRLs and AIA certificates over the network.
    pub online: bool,
    /// Issuers fetched through AIA caIssuers, shared by every file of a run (and kept on
    /// disk); None: a cache in memory for this file only.
    pub issuers: Option<std::sync::Arc<chain_check::IssuerCache>>,
    /// OCSP responses and CRLs fetched online, shared by every file of a run (and kept on
    /// disk when it has a directory); None: each file asks the network itself.
    pub fetched: Option<std::sync::Arc<chain_check::FetchCache>>,
    pub revocation: RevocationMode,
    /// Validation time ("now"); the real clock when None.
    pub at: Option<OffsetDateTime>,
    /// The document's issue date (S7), overriding the date line in the document.
    pub issued_on: Option<Date>,
    /// Password for encrypted documents (the empty password is always tried).
    pub password: Option<Password>,
    pub http: HttpLimits,
    /// What the file must be (`--expect`, or its place in `--bundle`); the rule of that
    /// kind fails when a signed `/VBDT_Kind` marker says otherwise.
    pub expect: Option<(DocumentKind, KindSource)>,
    /// The number and symbol an attachment must show in its stamp (S5): `--ref`, or the
    /// main document's in `--bundle`.
    pub reference: Option<String>,
    /// `--expect signatures`: check the signatures only; the document rules (S1–S8) are
    /// not applied, and each says so in the report (`skipped`).
    pub signatures_only: bool,
}

/// The password of an encrypted PDF: zeroed when dropped (each clone too), and never
/// shown by `Debug`. Borrow it as `&str` with [`Password::as_str`]; do not copy it.
#[derive(Clone, Default)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Takes over `secret` without copying it.
    pub fn new(secret: Zeroizing<String>) -> Self {
        Password(secret)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// Why a file could not be verified at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a PDF file (no %PDF- header)")]
    NotPdf,
    #[error("the PDF structure cannot be read: {0}")]
    Structure(#[source] pdf_raw::RawError),
    #[error("the document cannot be loaded: {0}")]
    Unloadable(#[source] modifications::LoadError),
    /// The file could not be read again to hash the signed ranges.
    #[error("the document cannot be loaded: cannot read the file: {0}")]
    Reread(#[source] std::io::Error),
    #[error("the PDF is encrypted with a password; give it with --password-env VAR")]
    PasswordNeeded,
    #[error("the PDF is encrypted and the given password does not open it")]
    WrongPassword,
    #[error("the PDF is encrypted for certificate holders ({0} security handler), which vbdt cannot open")]
    UnsupportedEncryption(String),
}

impl VerifyError {
    /// The reason in both report languages.
    pub fn message(&self) -> Msg {
        let vi = match self {
            VerifyError::Io(e) => {
                let m = verdict::io_msg(e);
                return Msg::new(format!("cannot read the file: {}", m.en), format!("không đọc được tệp: {}", m.vi));
            }
            VerifyError::NotPdf => return verdict::raw_msg(&pdf_raw::RawError::NotPdf),
            VerifyError::Structure(e) => return verdict::raw_msg(e),
            VerifyError::Unloadable(why) => format!("không nạp được văn bản ({why})"),
            VerifyError::Reread(e) => format!("không nạp được văn bản (cannot read the file: {e})"),
            VerifyError::PasswordNeeded => "tệp PDF được mã hóa bằng mật khẩu; hãy cho mật khẩu bằng --password-env BIẾN".into(),
            VerifyError::WrongPassword => "tệp PDF được mã hóa và mật khẩu đã cho không mở được".into(),
            VerifyError::UnsupportedEncryption(handler) => {
                format!("tệp PDF được mã hóa cho người giữ chứng thư chữ ký số (bộ xử lý bảo mật {handler}), vbdt không mở được")
            }
        };
        Msg::new(self.to_string(), vi)
    }
}

/// Verifies one file; every failure becomes an [`Outcome::Error`] naming the reason.
pub fn verify_path(path: &Path, opts: &VerifyOptions) -> Outcome {
    let name = path.display().to_string();
    match pdf_raw::Input::open(path) {
        Err(e) => Outcome::Error(FileError { file: name, sha256: None, error: VerifyError::Io(e).message() }),
        Ok(input) => match verify_input(&input, &name, opts) {
            Ok(r) => Outcome::Report(Box::new(r)),
            Err(e) => {
                Outcome::Error(FileError { file: name, sha256: digests::file_sha256(&input).ok().map(hex::encode), error: e.message() })
            }
        },
    }
}

/// Validation data found in the document security store.
#[derive(Debug, Default)]
struct Dss {
    certs: Vec<Certificate>,
    ocsps: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
}

fn read_dss(doc: &Document) -> Dss {
    let mut out = Dss::default();
    let Some(root) = doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r)) else { return out };
    let Some(dss) = pdfobj::dict_get_dict(doc, root, b"DSS") else { return out };
    // All DSS data together is bounded by MAX_DSS_BYTES (a hostile DSS could hold many bombs).
    let mut budget = MAX_DSS_BYTES;
    let mut streams = |key: &[u8]| -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for o in pdfobj::dict_get_array(doc, dss, key).unwrap_or(&[]).iter().take(MAX_DSS_ITEMS) {
            let Some(Object::Stream(s)) = pdfobj::resolve(doc, o) else { continue };
            let data = if s.dict.has(b"Filter") {
                s.decompressed_content_with_limit(budget.min(MAX_STREAM_BYTES)).ok()
            } else {
                Some(s.content.clone())
            };
            if let Some(d) = data {
                if d.len() > budget {
                    break;
                }
                budget -= d.len();
                out.push(d);
            }
        }
        out
    };
    for der in streams(b"Certs") {
        if let Ok(mut c) = chain_check::cert::parse_certificates(&der) {
            out.certs.append(&mut c);
        }
    }
    out.ocsps = streams(b"OCSPs");
    out.crls = streams(b"CRLs");
    out
}

fn load_final(bytes: &[u8], raw: &RawPdf, password: Option<&str>, revs: &mut Revisions<'_>) -> Result<Document, VerifyError> {
    use modifications::LoadError;
    let doc = match revs.newest_document() {
        Ok(d) => d,
        Err(LoadError::Lopdf(lopdf::Error::InvalidPassword)) if password.is_some() => return Err(VerifyError::WrongPassword),
        Err(LoadError::Lopdf(lopdf::Error::InvalidPassword)) => return Err(VerifyError::PasswordNeeded),
        Err(e) => return Err(VerifyError::Unloadable(e)),
    };
    if raw.is_encrypted() && doc.encryption_state.is_none() {
        let filter = raw
            .trailer()
            .get_ref(b"Encrypt")
            .and_then(|id| match signatures::raw_object(bytes, raw, id).1 {
                Ok(pdf_raw::Obj::Dict(d)) => d.get_name(b"Filter").map(|f| String::from_utf8_lossy(f).into_owned()),
                _ => None,
            })
            .or_else(|| {
                raw.trailer().get_dict(b"Encrypt").and_then(|d| d.get_name(b"Filter")).map(|f| String::from_utf8_lossy(f).into_owned())
            });
        return Err(match filter.as_deref() {
            Some("Standard") | None => {
                if password.is_some() {
                    VerifyError::WrongPassword
                } else {
                    VerifyError::PasswordNeeded
                }
            }
            Some(other) => VerifyError::UnsupportedEncryption(other.to_string()),
        });
    }
    Ok(doc)
}

/// Everything computed for one signature before the report.
struct Prepared {
    sig: FoundSignature,
    coverage: Option<Coverage>,
    byte_range_check: Check,
    cms: Result<cms::SignedData, dieu30::CmsProblem>,
    outcome: Option<SignerOutcome>,
    /// For document timestamps: the token (its imprint is over the byte range).
    token: Option<timestamps::Token>,
    /// For document timestamps: its TSA's checks, made before the reports (see
    /// [`evaluate_doc_timestamps`]).
    tsa: Option<TsaEval>,
}

/// A document timestamp's TSA checks at its genTime, with the past validation applied.
struct TsaEval {
    checks: Vec<Check>,
    warnings: Vec<Msg>,
    /// The later document timestamp that proves this one existed, if any.
    proof: Option<DocTimestampPoe>,
}

/// Verifies a PDF held in memory. `name` is what reports call the file.
pub fn verify_bytes(bytes: &[u8], name: &str, opts: &VerifyOptions) -> Result<FileReport, VerifyError> {
    verify_input(&pdf_raw::Input::from_vec(bytes.to_vec()), name, opts)
}

/// Verifies an opened file (see [`pdf_raw::Input`]: a large file is mapped, parsed where
/// needed and hashed in one streaming pass).
pub fn verify_input(input: &pdf_raw::Input, name: &str, opts: &VerifyOptions) -> Result<FileReport, VerifyError> {
    let bytes = input.bytes();
    let raw = RawPdf::parse(bytes).map_err(|e| match e {
        pdf_raw::RawError::NotPdf => VerifyError::NotPdf,
        other => VerifyError::Structure(other),
    })?;
    // One loader for the newest revision and the later analysis: each object parsed once.
    let mut revs = Revisions::new(bytes, &raw, opts.password.as_ref().map(Password::as_str));
    let doc = load_final(bytes, &raw, opts.password.as_ref().map(Password::as_str), &mut revs)?;
    let now = opts.at.unwrap_or_else(OffsetDateTime::now_utc);
    let dss = read_dss(&doc);

    // Find and order the signatures (signing order: by the revision they cover).
    let found = signatures::find(&doc, bytes, &raw);
    // One pass over the file: its SHA-256 and every digest the signatures need.
    let (file_sha256, mut known) = digests::compute(input, &raw, &found).map_err(VerifyError::Reread)?;
    let sha256 = hex::encode(file_sha256);
    let mut extra = dss.certs.clone();
    extra.extend(opts.extra_certs.iter().cloned());
    let mut prepared = prepare_signatures(found, bytes, &raw, &extra, &mut known);
    prepared.sort_by_key(|p| {
        (
            p.coverage.as_ref().map(|c| c.revision).or(p.sig.dict_revision).unwrap_or(usize::MAX),
            p.coverage.as_ref().map_or(0, |c| c.ranges[1].0),
        )
    });

    let (pool, sources) = evidence(&prepared, &dss, opts);
    let own_cache;
    let issuers = match &opts.issuers {
        Some(c) => c.as_ref(),
        None => {
            own_cache = chain_check::IssuerCache::memory_only();
            &own_cache
        }
    };
    let certification = prepared.iter().find_map(|p| Some((p.coverage.as_ref()?.revision, p.sig.docmdp?)));
    let ctx = Ctx { opts, issuers, now, pool: &pool, sources: &sources, certification };
    let poes = evaluate_doc_timestamps(&mut prepared, &ctx);

    let annots = appearance::AnnotIndex::new(&doc);
    let mut reports = Vec::new();
    for (i, p) in prepared.into_iter().enumerate() {
        let widgets = appearance::widgets(&doc, p.sig.field_id, &annots);
        reports.push(signature_report(i + 1, p, &ctx, &mut revs, &poes, widgets));
    }

    // The document rules judge the document as signed: a later unsigned update, even an
    // allowed one, may not raise the catalog's /Version into compliance (S8) or fill in
    // the issue date they compare the signature with (S7).
    // (The issue date is looked for only where S7 needs it: reading the page's text costs.)
    let wants_date = opts.issued_on.is_none() && reports.iter().any(|s| s.role == signatures::Role::Organization);
    let of = |d: &Document| SignedFacts::of(d, wants_date);
    let as_signed = match reports.iter().filter_map(|s| s.revision).max() {
        Some(r) if r >= 1 && r < raw.revisions.len() => revs.with_document(r - 1, of).unwrap_or_default(),
        _ => of(&doc),
    };
    let (rule_list, kind) = document_rules(&reports, &as_signed, &raw, opts);
    let verdicts: Vec<Verdict> = reports.iter().map(|s| s.verdict).collect();
    let statuses: Vec<_> = rule_list.iter().map(|r| r.status).collect();
    let verdict = verdict::file_verdict(&verdicts, &statuses, false);
    Ok(FileReport {
        file: name.to_string(),
        sha256,
        pdf_version: raw.header_version.clone(),
        revisions: raw.revisions.len(),
        verdict,
        signatures: reports,
        rules: if verdict == Verdict::Unsigned {
            vec![rules::s8(&raw.header_version, rules::catalog_version(&doc).as_deref())]
        } else {
            rule_list
        },
        document_kind: kind.kind,
        document_kind_source: kind.source,
        changes: revs.changes(),
    })
}

/// Each signature's Điều 30 checks (document signatures) or token check (document
/// timestamps), from the digests computed in one pass over the file.
fn prepare_signatures(
    found: Vec<FoundSignature>,
    bytes: &[u8],
    raw: &RawPdf,
    extra: &[Certificate],
    known: &mut [digests::Known],
) -> Vec<Prepared> {
    found
        .into_iter()
        .enumerate()
        .map(|(i, sig)| {
            let known = std::mem::take(&mut known[i]);
            match sig.kind {
                SignatureKind::Signature => {
                    let i = dieu30::verify(&sig, bytes, raw, extra, known);
                    Prepared {
                        sig,
                        coverage: i.coverage,
                        byte_range_check: i.byte_range,
                        cms: i.cms,
                        outcome: i.outcome,
                        token: None,
                        tsa: None,
                    }
                }
                SignatureKind::DocumentTimestamp => {
                    let (br, cov) = dieu30::check_byte_range(&sig, raw, bytes.len());
                    let cms = dieu30::parse_cms(&sig);
                    let token = match (&sig.raw, &cov) {
                        (Ok(rd), Some(c)) => Some(timestamps::verify_token(
                            &rd.contents,
                            &dieu30::SignedBytes::new(&dieu30::pieces(bytes, c)).with_known(known),
                            extra,
                        )),
                        _ => None,
                    };
                    Prepared { sig, coverage: cov, byte_range_check: br, cms, outcome: None, token, tsa: None }
                }
            }
        })
        .collect()
}

/// Certificates and revocation data from everywhere in the file (every CMS, its signature
/// timestamps, the DSS) and the user's own, each kept once.
fn evidence(prepared: &[Prepared], dss: &Dss, opts: &VerifyOptions) -> (Vec<Certificate>, RevocationSources) {
    // Certificates and revocation data from everywhere in the file.
    let mut pool: Vec<Certificate> = Vec::new();
    let mut sources =
        RevocationSources { online: opts.online, limits: opts.http, cache: opts.fetched.clone(), ..RevocationSources::default() };
    for p in prepared {
        if let Ok(sd) = &p.cms {
            pool.extend(sd.certificates.iter().cloned());
            sources.crls.extend(sd.crls.iter().cloned());
            sources.ocsp_responses.extend(sd.ocsp_responses.iter().cloned());
            for si in &sd.signers {
                if let Some(a) = si.signed_attr(&oids::ATTR_ADOBE_REVOCATION) {
                    for v in &a.values {
                        let (crls, ocsps) = cms::adobe_revocation_info(v);
                        sources.crls.extend(crls);
                        sources.ocsp_responses.extend(ocsps);
                    }
                }
                if let Some(a) = si.unsigned_attr(&oids::ATTR_TIMESTAMP_TOKEN) {
                    for v in &a.values {
                        if let Ok(tsd) = cms::parse_content_info(v) {
                            pool.extend(tsd.certificates);
                        }
                    }
                }
            }
        }
    }
    pool.extend(dss.certs.iter().cloned());
    pool.extend(opts.extra_certs.iter().cloned());
    sources.ocsp_responses.extend(dss.ocsps.iter().cloned());
    sources.crls.extend(dss.crls.iter().cloned());
    // Every signature of a document usually carries the same chain and revocation data:
    // keep one copy of each, so that per-signature work does not grow with the file.
    let pool = unique_by_der(pool);
    dedup_bytes(&mut sources.ocsp_responses);
    dedup_bytes(&mut sources.crls);
    sources.ocsp_responses.truncate(MAX_REVOCATION_ITEMS);
    sources.crls.truncate(MAX_REVOCATION_ITEMS);
    // --crl files are the user's own: always used.
    sources.crls.extend(opts.crls.iter().cloned());
    (pool, sources)
}

/// The document rules (S1, S4, S5, S7, S8, V7) and the document's kind.
/// What the document rules read from the document, taken from the newest revision a
/// signature covers.
#[derive(Default)]
struct SignedFacts {
    catalog_version: Option<String>,
    issue_from_fields: Option<time::Date>,
    issue_from_document: Option<time::Date>,
}

impl SignedFacts {
    fn of(doc: &Document, wants_date: bool) -> SignedFacts {
        let issue_from_fields = if wants_date { rules::issue_date_from_fields(doc) } else { None };
        SignedFacts {
            catalog_version: rules::catalog_version(doc),
            issue_from_fields,
            issue_from_document: if wants_date && issue_from_fields.is_none() { rules::issue_date_from_document(doc) } else { None },
        }
    }
}

fn document_rules(
    reports: &[SignatureReport],
    as_signed: &SignedFacts,
    raw: &RawPdf,
    opts: &VerifyOptions,
) -> (Vec<rules::RuleOutcome>, rules::KindDecision) {
    let facts: Vec<SigFacts> = reports
        .iter()
        .map(|s| SigFacts {
            index: s.index,
            kind: s.kind,
            role: s.role,
            signing_time: s.signing_time,
            marked_kind: s.marked_kind,
            widgets: s.widgets.clone(),
        })
        .collect();
    let kind = rules::decide_kind(&facts, opts.expect);
    let service_facts: Vec<service::ServiceFact> =
        reports.iter().map(|s| service::ServiceFact { index: s.index, kind: s.kind, service: s.service.clone() }).collect();
    let has_org = facts.iter().any(|f| f.role == signatures::Role::Organization);
    let issue = match opts.issued_on {
        Some(d) => Some((d, IssueDateSource::Option)),
        None if has_org => as_signed
            .issue_from_fields
            .map(|d| (d, IssueDateSource::Filled))
            .or_else(|| as_signed.issue_from_document.map(|d| (d, IssueDateSource::Document))),
        None => None,
    };
    let rule_list = if opts.signatures_only {
        let mut list: Vec<rules::RuleOutcome> = ["S1", "S4", "S5", "S7", "S8"].into_iter().map(rules::not_applied).collect();
        list.push(service::v7(&service_facts, false));
        list
    } else {
        vec![
            rules::s1(&facts, &kind),
            rules::s4(&facts, &kind),
            rules::s5(&facts, &kind, opts.reference.as_deref()),
            rules::s7(&facts, issue, &kind),
            rules::s8(&raw.header_version, as_signed.catalog_version.as_deref()),
            service::v7(&service_facts, opts.expect == Some((DocumentKind::Issued, KindSource::Expect))),
        ]
    };

    (rule_list, kind)
}

struct Ctx<'a> {
    opts: &'a VerifyOptions,
    issuers: &'a chain_check::IssuerCache,
    now: OffsetDateTime,
    pool: &'a [Certificate],
    sources: &'a RevocationSources,
    /// The certification signature's revision (0-based) and DocMDP `/P`, if there is one.
    certification: Option<(usize, i64)>,
}

fn check_of(id: &'static str, article: &'static str, j: &Judgement) -> Check {
    Check::new(id, article, j.0, j.1.clone())
}

fn summary(cert: &Certificate) -> SignerSummary {
    SignerSummary {
        subject: chain_check::cert::subject(cert),
        common_name: chain_check::cert::common_name(cert),
        issuer: chain_check::cert::issuer(cert),
        serial: chain_check::cert::serial_hex(cert),
        not_before: chain_check::cert::not_before(cert),
        not_after: chain_check::cert::not_after(cert),
        sha256: chain_check::cert::sha256_fingerprint_hex(cert).ok(),
        policies: chain_check::cert::policy_oids(cert).unwrap_or_default().iter().map(|o| o.to_string()).collect(),
    }
}

/// Điều 31 and 32 on a certificate used at time `at` (standing for `basis`) for
/// `purpose`; also the earliest expiry on its path (the leaf's alone without a path).
/// Also where the path ends (V7), when there is one.
fn chain_checks(
    cert: &Certificate,
    at: OffsetDateTime,
    basis: TimeBasis,
    purpose: Purpose,
    ctx: &Ctx<'_>,
    warnings: &mut Vec<Msg>,
) -> (Vec<Check>, Expiry, Option<service::PathService>) {
    let (what_en, what_vi) = match purpose {
        Purpose::Timestamping => ("TSA", "của đơn vị cấp dấu thời gian"),
        _ => ("signer", "của người ký"),
    };
    let mut checks = vec![dieu31::validity(cert, at, what_en, what_vi), dieu31::usage(cert, purpose)];
    let fetch = dieu32::IssuerFetch { cache: ctx.issuers, online: ctx.opts.online, limits: &ctx.opts.http, now: ctx.now };
    let (path_check, path) = dieu32::path(cert, at, &ctx.opts.trust, ctx.pool, &fetch);
    if let (Some(p), Purpose::DocumentSigning) = (&path, purpose) {
        dieu31::required_policies(&mut checks, cert, p, &ctx.opts.trust);
    }
    let path_service = path.as_ref().and_then(|p| service::classify(p, &ctx.opts.trust));
    let name = |c: &Certificate| chain_check::cert::common_name(c).unwrap_or_else(|| chain_check::cert::subject(c));
    let mut expiry = Expiry { at: chain_check::cert::not_after(cert), who: name(cert), leaf: true };
    for c in path.iter().flat_map(|p| p.certs.iter().skip(1)) {
        let t = chain_check::cert::not_after(c);
        if t < expiry.at {
            expiry = Expiry { at: t, who: name(c), leaf: false };
        }
    }
    // Revocation of every certificate below the anchor; without a path, of the leaf with
    // whatever issuer the file provides.
    let pairs: Vec<(Certificate, Option<Certificate>)> = match &path {
        Some(p) if p.certs.len() > 1 => {
            (0..p.certs.len() - 1).filter_map(|i| Some((p.certs.get(i)?.clone(), p.issuer_of(i).cloned()))).collect()
        }
        Some(_) => Vec::new(),
        None => {
            let issuer = ctx.pool.iter().chain(ctx.opts.trust.anchors()).find(|c| chain_check::cert::issued_by(cert, c)).cloned();
            vec![(cert.clone(), issuer)]
        }
    };
    let (rev_check, mut rev_warnings) = if pairs.is_empty() {
        (
            Check::new(
                "revocation",
                dieu31::ART_REVOCATION,
                CheckStatus::Pass,
                Msg::new("the certificate is itself a trust anchor", "chứng thư chữ ký số chính là chứng thư chữ ký số tin cậy"),
            ),
            Vec::new(),
        )
    } else {
        dieu31::revocation(&pairs, at, ctx.now, basis, ctx.opts.revocation, ctx.sources)
    };
    warnings.append(&mut rev_warnings);
    if path.as_ref().is_some_and(|p| p.sha1_used) {
        warnings.push(Msg::new(
            "a CA certificate on the path is signed with SHA-1 (accepted inside a trusted path, e.g. VGCA generation 1 until 2030)",
            "một chứng thư chữ ký số của CA trên đường dẫn được ký bằng SHA-1 (chấp nhận trong đường dẫn tin cậy, ví dụ VGCA thế hệ 1 đến năm 2030)",
        ));
    }
    checks.push(rev_check);
    checks.push(path_check);
    (checks, expiry, path_service)
}

/// A TSA's checks at the token's time `gen`, then past validation: once the validation
/// time is past the expiry of the TSA's path, the token's time counts only when `poe`
/// (a verified document timestamp covering the token) proves the token existed before
/// that expiry. Returns the checks and whether the proof was needed and found.
fn tsa_checks(
    cert: &Certificate,
    gen: OffsetDateTime,
    poe: Option<&DocTimestampPoe>,
    ctx: &Ctx<'_>,
    warnings: &mut Vec<Msg>,
) -> (Vec<Check>, bool) {
    let (mut checks, expiry, _) = chain_checks(cert, gen, TimeBasis::Timestamp, Purpose::Timestamping, ctx, warnings);
    if ctx.now <= expiry.at {
        return (checks, false);
    }
    match poe {
        Some(p) if p.time <= expiry.at => {
            let (t, e) = (fmt_time(p.time), fmt_time(expiry.at));
            let who = &expiry.who;
            let id = if expiry.leaf { "validity" } else { "path" };
            if let Some(c) = checks.iter_mut().find(|c| c.id == id) {
                c.message.en.push_str(&format!(
                    " (\"{who}\" expired at {e}; document timestamp {} proves the token existed at {t}, before that)",
                    p.field
                ));
                c.message.vi.push_str(&format!(
                    " (\"{who}\" hết hạn lúc {e}; dấu thời gian tài liệu {} chứng minh dấu thời gian này đã tồn tại lúc {t}, trước đó)",
                    p.field
                ));
            }
            (checks, true)
        }
        later => {
            let t = fmt_time(gen);
            existence::expired_without_poe(
                &mut checks,
                &expiry,
                ctx.now,
                ["TSA", "của đơn vị cấp dấu thời gian", "the token", "dấu thời gian này"],
                (
                    &format!("the token's time {t} is only the TSA's own statement"),
                    &format!("thời điểm {t} trong dấu thời gian chỉ do đơn vị cấp tự ghi"),
                ),
                later,
            );
            (checks, false)
        }
    }
}

/// The document timestamps' TSA checks, last to first, so that each can take its proof of
/// existence from a later one already verified (the renewal chain). Returns the verified
/// ones: proofs of existence for everything in the revisions they cover.
fn evaluate_doc_timestamps(prepared: &mut [Prepared], ctx: &Ctx<'_>) -> Vec<DocTimestampPoe> {
    let mut verified: Vec<DocTimestampPoe> = Vec::new();
    for p in prepared.iter_mut().rev() {
        let Some(token) = &p.token else { continue };
        let (Some(cert), Some(gen)) = (token.tsa_cert(), token.tst.as_ref().map(|t| t.gen_time)) else { continue };
        let revision = p.coverage.as_ref().map(|c| c.revision);
        let poe = existence::earliest_covering(&verified, revision).cloned();
        let mut warnings = Vec::new();
        let (checks, _) = tsa_checks(cert, gen, poe.as_ref(), ctx, &mut warnings);
        // A proof from after the validation time proves nothing at it.
        let in_time = gen <= ctx.now + chain_check::revocation::SKEW;
        if let (Some(r), true) =
            (revision, in_time && token.intact() && p.byte_range_check.status == CheckStatus::Pass && existence::all_pass(&checks))
        {
            verified.push(DocTimestampPoe { revision: r, time: gen, field: p.sig.field.clone() });
        }
        p.tsa = Some(TsaEval { checks, warnings, proof: poe });
    }
    verified
}

fn missing_cert_checks(why: &Msg) -> Vec<Check> {
    [("validity", dieu31::ART_VALIDITY), ("usage", dieu31::ART_USAGE), ("revocation", dieu31::ART_REVOCATION), ("path", dieu32::ARTICLE)]
        .into_iter()
        .map(|(id, art)| Check::new(id, art, CheckStatus::Indeterminate, why.clone()))
        .collect()
}

/// A signature timestamp's own checks: token integrity and its TSA's Điều 31/32 at
/// genTime (with `poe` for a TSA expired since, see [`tsa_checks`]). Returns the check and
/// the time it proves (only when everything passes).
fn timestamp_check(token: &timestamps::Token, poe: Option<&DocTimestampPoe>, ctx: &Ctx<'_>) -> (Check, Option<OffsetDateTime>) {
    const ART: &str = "Điều 30 (V4)";
    let integrity = token.integrity();
    let gen = token.tst.as_ref().map(|t| t.gen_time);
    if integrity.0 != CheckStatus::Pass {
        return (Check::new("timestamp", ART, integrity.0, integrity.1), None);
    }
    let (Some(cert), Some(gen)) = (token.tsa_cert(), gen) else {
        return (
            Check::new(
                "timestamp",
                ART,
                CheckStatus::Indeterminate,
                Msg::new("the TSA certificate is not available", "không có chứng thư chữ ký số của đơn vị cấp dấu thời gian"),
            ),
            None,
        );
    };
    let mut ignored = Vec::new();
    let (checks, by_poe) = tsa_checks(cert, gen, poe, ctx, &mut ignored);
    let tsa = chain_check::cert::common_name(cert).unwrap_or_else(|| chain_check::cert::subject(cert));
    let worst = existence::worst(&checks);
    if worst == CheckStatus::Pass || worst == CheckStatus::Skipped {
        let t = fmt_time(gen);
        let (later_en, later_vi) = match poe.filter(|_| by_poe) {
            Some(p) => (
                format!("; the TSA certificate has expired since, and document timestamp {} proves the token existed at {} before that", p.field, fmt_time(p.time)),
                format!("; chứng thư chữ ký số của đơn vị cấp đã hết hạn sau đó, và dấu thời gian tài liệu {} chứng minh dấu thời gian đã tồn tại lúc {} trước khi hết hạn", p.field, fmt_time(p.time)),
            ),
            None => (String::new(), String::new()),
        };
        (
            Check::new(
                "timestamp",
                ART,
                CheckStatus::Pass,
                Msg::new(
                    format!("timestamp {t} by \"{tsa}\": token, imprint and TSA certificate verify{later_en}"),
                    format!("dấu thời gian {t} do \"{tsa}\" cấp: chữ ký, giá trị băm và chứng thư chữ ký số của đơn vị cấp đều hợp lệ{later_vi}"),
                ),
            ),
            Some(gen),
        )
    } else {
        // The first problem decides; revocation of a TSA is not required to trust its time
        // when the rest passes.
        let Some(first) = checks.iter().find(|c| c.status == worst) else {
            return (Check::new("timestamp", ART, worst, Msg::new("timestamp not trusted", "dấu thời gian không tin cậy được")), None);
        };
        (
            Check::new(
                "timestamp",
                ART,
                worst,
                Msg::new(
                    format!("timestamp by \"{tsa}\" not trusted: {} {}", first.article, first.message.en),
                    format!("dấu thời gian do \"{tsa}\" cấp không tin cậy được: {} {}", first.article, first.message.vi),
                ),
            ),
            None,
        )
    }
}

/// The signer certificate's checks for a signature without a verified timestamp of its
/// own, at its claimed time `claimed` (or the validation time), then past validation with
/// `poe` (ETSI EN 319 102-1 §5.6.2.4):
/// - a failure at the claimed time stands (the signer's own claim shows the problem);
/// - all passing at the claimed time stands while the validation time is within the
///   path's validity (the claim is the signing time Điều 31 speaks of);
/// - otherwise (expired since, or indeterminate) the checks are made again at the time the
///   document timestamp proves the signature existed; failures there only make it
///   indeterminate (the signature may be older). Past the expiry without such a proof
///   before the expiry, the claimed time proves nothing: indeterminate.
fn signer_checks_without_timestamp(
    cert: &Certificate,
    claimed: Option<OffsetDateTime>,
    poe: Option<&DocTimestampPoe>,
    ctx: &Ctx<'_>,
    warnings: &mut Vec<Msg>,
) -> (Vec<Check>, CheckedAt, Option<service::PathService>) {
    let at = claimed.unwrap_or(ctx.now);
    let source = if claimed.is_some() { CheckedAtSource::Claimed } else { CheckedAtSource::ValidationTime };
    let mut first_warnings = Vec::new();
    let basis = if claimed.is_some() { TimeBasis::Claimed } else { TimeBasis::ValidationTime };
    let (mut checks, expiry, path_service) = chain_checks(cert, at, basis, Purpose::DocumentSigning, ctx, &mut first_warnings);
    let worst = existence::worst(&checks);
    let expired_now = ctx.now > expiry.at;
    let as_claimed = CheckedAt { time: at, source };
    if worst == CheckStatus::Fail || (worst <= CheckStatus::Skipped && !expired_now) {
        warnings.append(&mut first_warnings);
        return (checks, as_claimed, path_service);
    }
    let usable = poe.filter(|p| !expired_now || p.time <= expiry.at);
    let Some(p) = usable else {
        if expired_now {
            let t = fmt_time(at);
            let claim = match claimed {
                Some(_) => {
                    (format!("the signing time {t} is only claimed by the signer"), format!("thời điểm ký {t} chỉ do người ký tự khai"))
                }
                None => ("the signature states no signing time".to_string(), "chữ ký không ghi thời điểm ký".to_string()),
            };
            existence::expired_without_poe(
                &mut checks,
                &expiry,
                ctx.now,
                ["signer", "của người ký", "the signature", "chữ ký"],
                (&claim.0, &claim.1),
                poe,
            );
        }
        warnings.append(&mut first_warnings);
        return (checks, as_claimed, path_service);
    };
    let mut poe_warnings = Vec::new();
    let (mut at_poe, _, poe_service) = chain_checks(cert, p.time, TimeBasis::Existence, Purpose::DocumentSigning, ctx, &mut poe_warnings);
    existence::soften_failures(&mut at_poe);
    if !existence::all_pass(&at_poe) && !expired_now {
        // The proof did not help: the claimed time's result is the clearer one.
        warnings.append(&mut first_warnings);
        return (checks, as_claimed, path_service);
    }
    existence::note_poe(&mut at_poe, "validity", p);
    warnings.append(&mut poe_warnings);
    (at_poe, CheckedAt { time: p.time, source: CheckedAtSource::DocumentTimestamp }, poe_service.or(path_service))
}

/// The role of a signature: `/VBDT_Role` when vbdt made it, else what the signer
/// certificate states (see [`role`]), else unknown. A certificate that contradicts
/// `/VBDT_Role` is reported as a warning.
fn signature_role(
    marked: signatures::Role,
    cert: Option<&Certificate>,
    warnings: &mut Vec<Msg>,
) -> (signatures::Role, Option<RoleSource>, Option<String>) {
    let inferred = cert.and_then(role::from_certificate);
    if marked != signatures::Role::Unknown {
        if let Some(i) = inferred.filter(|i| i.role != marked) {
            warnings.push(Msg::new(
                format!("the signature records the role {}, but its certificate says otherwise ({})", report::role_str(marked), i.evidence),
                format!("chữ ký ghi vai trò {}, nhưng chứng thư chữ ký số cho biết khác ({})", report::role_vi(marked), i.evidence),
            ));
        }
        return (marked, Some(RoleSource::Vbdt), None);
    }
    match inferred {
        Some(i) => (i.role, Some(RoleSource::Certificate), Some(i.evidence)),
        None => (signatures::Role::Unknown, None, None),
    }
}

fn signature_report(
    index: usize,
    mut p: Prepared,
    ctx: &Ctx<'_>,
    revs: &mut Revisions<'_>,
    poes: &[DocTimestampPoe],
    widgets: Vec<appearance::Widget>,
) -> SignatureReport {
    // The earliest verified document timestamp over a later revision.
    let doc_poe = existence::earliest_covering(poes, p.coverage.as_ref().map(|c| c.revision));
    let raw_ok = p.sig.raw.as_ref().ok();
    let sub_filter = raw_ok.and_then(|r| r.sub_filter.clone());
    let marked_role = raw_ok.map_or(signatures::Role::Unknown, |r| r.role);
    let marked_kind = raw_ok.and_then(|r| r.marked_kind);
    let byte_range = raw_ok.and_then(|r| r.byte_range.clone());
    let check_override = raw_ok.and_then(|r| r.check_override.clone());
    let mut part = match p.sig.kind {
        SignatureKind::Signature => signature_part(&p, ctx, doc_poe, marked_role),
        SignatureKind::DocumentTimestamp => timestamp_part(&mut p),
    };
    if let Some(reason) = check_override {
        part.warnings.push(Msg::new(
            format!("the clerk signed although the check before signing (S12) refused the document, giving the reason: {reason}"),
            format!("văn thư đã ký dù kiểm tra trước khi ký (S12) từ chối văn bản, với lý do: {reason}"),
        ));
    }
    let (check, modifications_after, modifications) = modifications_part(&p, ctx, revs);
    part.checks.push(check);
    if part.role.1.is_none() {
        part.role = signature_role(marked_role, None, &mut part.warnings);
    }
    let verdict = verdict::signature_verdict(&part.checks);
    SignatureReport {
        index,
        field: p.sig.field.clone(),
        kind: p.sig.kind,
        role: part.role.0,
        role_source: part.role.1,
        role_evidence: part.role.2,
        marked_kind,
        widgets,
        sub_filter,
        signer: part.signer,
        service: part.path_service,
        signing_time: part.signing_time,
        time_source: part.time_source,
        checked_at: part.checked_at,
        proof_of_existence: part.proof_of_existence,
        byte_range,
        revision: p.coverage.as_ref().map(|c| c.revision + 1),
        modifications_after,
        modifications,
        checks: part.checks,
        warnings: part.warnings,
        verdict,
    }
}

/// What the checks of one signature or document timestamp found, before the report.
struct Part {
    checks: Vec<Check>,
    warnings: Vec<Msg>,
    signer: Option<SignerSummary>,
    path_service: Option<crate::service::PathService>,
    signing_time: Option<OffsetDateTime>,
    time_source: TimeSource,
    checked_at: Option<CheckedAt>,
    proof_of_existence: Option<Proof>,
    role: (signatures::Role, Option<RoleSource>, Option<String>),
}

impl Default for Part {
    fn default() -> Self {
        Part {
            checks: Vec::new(),
            warnings: Vec::new(),
            signer: None,
            path_service: None,
            signing_time: None,
            time_source: TimeSource::Claimed,
            checked_at: None,
            proof_of_existence: None,
            role: (signatures::Role::Unknown, None, None),
        }
    }
}

/// The checks of a document signature: timestamp first (it decides the signing time),
/// then the certificate and path at that time, then Điều 30's byte-range, digest,
/// attribute, signature and algorithm checks.
fn signature_part(p: &Prepared, ctx: &Ctx<'_>, doc_poe: Option<&DocTimestampPoe>, marked_role: signatures::Role) -> Part {
    let sig = &p.sig;
    let mut part = Part::default();
    let o = p.outcome.as_ref();
    let cert = o.and_then(|o| o.cert.as_ref());
    // The timestamp first: it decides the signing time.
    let si = p.cms.as_ref().ok().and_then(|sd| sd.signers.first());
    let token = si.and_then(|si| {
        si.unsigned_attr(&oids::ATTR_TIMESTAMP_TOKEN)
            .and_then(|a| a.values.first())
            .map(|v| timestamps::verify_token(v, &dieu30::SignedBytes::new(&[&si.signature]), ctx.pool))
    });
    let ts_check = match &token {
        Some(t) => {
            let (c, proven) = timestamp_check(t, doc_poe, ctx);
            if let Some(t) = proven {
                part.signing_time = Some(t);
                part.time_source = TimeSource::Timestamp;
                part.proof_of_existence = Some(Proof { time: t, source: ProofSource::Timestamp, field: sig.field.clone() });
            }
            c
        }
        None => Check::new(
            "timestamp",
            "Điều 30 (V4)",
            CheckStatus::Skipped,
            Msg::new(
                "no signature timestamp: the signing time is the signer's own claim",
                "không có dấu thời gian: thời điểm ký do người ký tự khai",
            ),
        ),
    };
    if part.signing_time.is_none() {
        part.signing_time = o.and_then(|o| o.signing_time_attr).or(sig.claimed_time);
    }
    let at = part.signing_time.unwrap_or(ctx.now);
    if part.signing_time.is_none() {
        part.warnings.push(Msg::new(
            format!("the signature states no signing time; checked at {}", fmt_time(at)),
            format!("chữ ký không ghi thời điểm ký; kiểm tra tại {}", fmt_time(at)),
        ));
    }
    if let Some(t) = part.signing_time {
        if part.time_source == TimeSource::Claimed && t > ctx.now + time::Duration::minutes(5) {
            part.warnings.push(Msg::new(
                format!("the claimed signing time {} is in the future", fmt_time(t)),
                format!("thời điểm ký người ký khai {} ở tương lai", fmt_time(t)),
            ));
        }
    }
    if part.proof_of_existence.is_none() {
        if let Some(d) = doc_poe {
            part.proof_of_existence = Some(Proof { time: d.time, source: ProofSource::DocumentTimestamp, field: d.field.clone() });
            if let Some(t) = part.signing_time.filter(|t| *t > d.time + time::Duration::minutes(5)) {
                part.warnings.push(Msg::new(
                    format!(
                        "the claimed signing time {} is after document timestamp {} ({}), which already covers the signature",
                        fmt_time(t),
                        d.field,
                        fmt_time(d.time)
                    ),
                    format!(
                        "thời điểm ký người ký khai {} muộn hơn dấu thời gian tài liệu {} ({}) vốn đã bao phủ chữ ký",
                        fmt_time(t),
                        d.field,
                        fmt_time(d.time)
                    ),
                ));
            }
        }
    }
    match (cert, &p.cms) {
        (Some(c), _) => {
            part.signer = Some(summary(c));
            part.role = signature_role(marked_role, Some(c), &mut part.warnings);
            if part.time_source == TimeSource::Timestamp {
                let (cs, _, svc) = chain_checks(c, at, TimeBasis::Timestamp, Purpose::DocumentSigning, ctx, &mut part.warnings);
                part.checks.extend(cs);
                part.path_service = svc;
                part.checked_at = Some(CheckedAt { time: at, source: CheckedAtSource::Timestamp });
            } else {
                let (cs, when, svc) = signer_checks_without_timestamp(c, part.signing_time, doc_poe, ctx, &mut part.warnings);
                part.checks.extend(cs);
                part.path_service = svc;
                part.checked_at = Some(when);
            }
        }
        (None, Err(e)) => {
            let why = e.message();
            part.checks.extend(missing_cert_checks(&Msg::new(
                format!("no signer certificate: {}", why.en),
                format!("không có chứng thư chữ ký số của người ký: {}", why.vi),
            )))
        }
        (None, Ok(_)) => part
            .checks
            .extend(missing_cert_checks(&Msg::new("the signer certificate is not available", "không có chứng thư chữ ký số của người ký"))),
    }
    dieu30_checks(p, o, si, &mut part);
    part.checks.push(ts_check);

    part
}

/// Điều 30's checks of a document signature: the byte range, the message digest, the
/// signed attributes, the signature, and its algorithms (with the proof of existence
/// found so far).
fn dieu30_checks(p: &Prepared, o: Option<&dieu30::SignerOutcome>, si: Option<&cms::SignerInfo>, part: &mut Part) {
    part.checks.push(p.byte_range_check.clone());
    match (o, &p.cms) {
        (Some(o), _) => {
            part.checks.push(check_of("digest", dieu30::ARTICLE, &o.digest));
            part.checks.push(check_of("signed_attributes", dieu30::ARTICLE, &o.attributes));
            part.checks.push(check_of("signature", dieu30::ARTICLE, &o.signature));
            if let (Ok(sd), Some(si)) = (&p.cms, si) {
                let proof = part.proof_of_existence.as_ref().map(|pr: &Proof| pr.time);
                part.checks.push(check_of("algorithms", dieu30::ARTICLE, &dieu30::algorithms(o, sd, si, proof)));
            }
        }
        (None, Err(e)) => {
            let m = e.message();
            part.checks.push(Check::new("digest", dieu30::ARTICLE, CheckStatus::Fail, m.clone()));
            part.checks.push(Check::new("signed_attributes", dieu30::ARTICLE, CheckStatus::Fail, m.clone()));
            part.checks.push(Check::new("signature", dieu30::ARTICLE, CheckStatus::Fail, m));
        }
        (None, Ok(_)) => {
            let m = Msg::new("not checked: the byte range is unusable", "không kiểm tra: đoạn được ký không dùng được");
            for id in ["digest", "signed_attributes", "signature"] {
                part.checks.push(Check::new(id, dieu30::ARTICLE, CheckStatus::Fail, m.clone()));
            }
        }
    }
}

/// The checks of a document timestamp: its TSA's checks (made before the reports), the
/// byte range, and the token's imprint, attributes and signature.
fn timestamp_part(p: &mut Prepared) -> Part {
    let mut part = Part::default();
    let tsa = p.tsa.take();
    part.time_source = TimeSource::Claimed;
    match &p.token {
        Some(t) => {
            let gen = t.tst.as_ref().map(|x| x.gen_time);
            if t.intact() {
                part.signing_time = gen;
                part.time_source = TimeSource::Timestamp;
            } else {
                part.signing_time = gen;
            }
            match (t.tsa_cert(), gen, tsa) {
                (Some(c), Some(g), Some(mut eval)) => {
                    part.signer = Some(summary(c));
                    part.checks.extend(eval.checks);
                    part.warnings.append(&mut eval.warnings);
                    part.checked_at = Some(CheckedAt { time: g, source: CheckedAtSource::Timestamp });
                    part.proof_of_existence =
                        eval.proof.map(|d| Proof { time: d.time, source: ProofSource::DocumentTimestamp, field: d.field });
                }
                _ => part.checks.extend(missing_cert_checks(&Msg::new(
                    "the TSA certificate or the time is not available",
                    "không có chứng thư chữ ký số của đơn vị cấp dấu thời gian hoặc thời điểm",
                ))),
            }
            part.checks.push(p.byte_range_check.clone());
            let o = t.outcome.as_ref();
            let digest = if t.imprint.0 != CheckStatus::Pass {
                t.imprint.clone()
            } else {
                o.map(|o| o.digest.clone()).unwrap_or_else(|| t.imprint.clone())
            };
            part.checks.push(check_of("digest", dieu30::ARTICLE, &digest));
            let none = (CheckStatus::Fail, Msg::new("the token has no single SignerInfo", "dấu thời gian không có đúng một SignerInfo"));
            part.checks.push(check_of("signed_attributes", dieu30::ARTICLE, o.map_or(&none, |o| &o.attributes)));
            part.checks.push(check_of("signature", dieu30::ARTICLE, o.map_or(&none, |o| &o.signature)));
        }
        None => {
            part.checks.extend(missing_cert_checks(&Msg::new("the timestamp token cannot be read", "không đọc được dấu thời gian")));
            part.checks.push(p.byte_range_check.clone());
            let why = match &p.cms {
                Err(e) => e.message(),
                Ok(_) => Msg::new("not checked: the byte range is unusable", "không kiểm tra: đoạn được ký không dùng được"),
            };
            for id in ["digest", "signed_attributes", "signature"] {
                part.checks.push(Check::new(id, dieu30::ARTICLE, CheckStatus::Fail, why.clone()));
            }
        }
    }

    part
}

/// V5: the modification analysis after the signature's revision, as a check, the summary
/// and the changes listed under the signature.
fn modifications_part(p: &Prepared, ctx: &Ctx<'_>, revs: &mut Revisions<'_>) -> (Check, ModSummary, Vec<modifications::Finding>) {
    let sig = &p.sig;
    match &p.coverage {
        Some(cov) => {
            let permits = modifications::Permits {
                docmdp: ctx.certification.filter(|(rev, _)| *rev <= cov.revision).map(|(_, p)| p),
                lock: sig.lock.clone(),
            };
            let a = modifications::analyse(revs, cov.revision, &permits);
            let disallowed: Vec<&modifications::Finding> = a.findings.iter().filter(|f| !f.allowed).collect();
            let check = if !disallowed.is_empty() {
                let en: Vec<String> = disallowed.iter().take(5).map(|f| finding_prefix(f, false) + &f.message.en).collect();
                let vi: Vec<String> = disallowed.iter().take(5).map(|f| finding_prefix(f, true) + &f.message.vi).collect();
                let more = disallowed.len().saturating_sub(5);
                let (me, mv) = if more > 0 {
                    (format!("; and {more} more"), format!("; và {more} thay đổi khác"))
                } else {
                    (String::new(), String::new())
                };
                Check::new(
                    "modifications",
                    "Điều 30 (V5)",
                    CheckStatus::Fail,
                    Msg::new(
                        format!("disallowed changes after signing: {}{me}", en.join("; ")),
                        format!("có thay đổi không được phép sau khi ký: {}{mv}", vi.join("; ")),
                    ),
                )
            } else if let Some(m) = &a.incomplete {
                Check::new("modifications", "Điều 30 (V5)", CheckStatus::Indeterminate, m.clone())
            } else if a.summary == ModSummary::Allowed {
                let en: Vec<String> = a.findings.iter().map(|f| finding_prefix(f, false) + &f.message.en).collect();
                let vi: Vec<String> = a.findings.iter().map(|f| finding_prefix(f, true) + &f.message.vi).collect();
                Check::new(
                    "modifications",
                    "Điều 30 (V5)",
                    CheckStatus::Pass,
                    Msg::new(
                        format!("later changes are all allowed: {}", en.join("; ")),
                        format!("các thay đổi sau đó đều được phép: {}", vi.join("; ")),
                    ),
                )
            } else {
                let later = revs_after(revs, cov.revision);
                if later == 0 {
                    Check::new(
                        "modifications",
                        "Điều 30 (V5)",
                        CheckStatus::Pass,
                        Msg::new("the signature covers the whole file", "chữ ký bao phủ toàn bộ tệp"),
                    )
                } else {
                    Check::new(
                        "modifications",
                        "Điều 30 (V5)",
                        CheckStatus::Pass,
                        Msg::new(
                            format!("{later} later revision(s) change nothing that was signed"),
                            format!("{later} phiên bản sau không thay đổi gì đã được ký"),
                        ),
                    )
                }
            };
            let summary = if a.incomplete.is_some() && a.summary != ModSummary::Disallowed { ModSummary::Disallowed } else { a.summary };
            (check, summary, a.findings)
        }
        None => (
            Check::new(
                "modifications",
                "Điều 30 (V5)",
                CheckStatus::Skipped,
                Msg::new("not analysed: the byte range is unusable", "không phân tích: đoạn được ký không dùng được"),
            ),
            ModSummary::Disallowed,
            Vec::new(),
        ),
    }
}

/// "revision N: " before a single change (a summary names its revisions itself).
fn finding_prefix(f: &modifications::Finding, vi: bool) -> String {
    if f.count > 1 {
        return String::new();
    }
    rev_prefix(f.revision, vi)
}

fn rev_prefix(revision: usize, vi: bool) -> String {
    match (revision, vi) {
        (0, _) => String::new(),
        (r, true) => format!("phiên bản {r}: "),
        (r, false) => format!("revision {r}: "),
    }
}

fn revs_after(revs: &Revisions<'_>, signed: usize) -> usize {
    revs.revision_count().saturating_sub(signed + 1)
}

/// `certs` without repeats (same DER encoding), in first-seen order.
fn unique_by_der(certs: Vec<Certificate>) -> Vec<Certificate> {
    use der::Encode;
    let mut seen = std::collections::HashSet::new();
    certs.into_iter().filter(|c| c.to_der().map_or(true, |der| seen.insert(der))).collect()
}

/// Drops repeated byte strings, keeping the first of each.
fn dedup_bytes(items: &mut Vec<Vec<u8>>) {
    let keep: Vec<bool> = {
        let mut seen = std::collections::HashSet::new();
        items.iter().map(|b| seen.insert(b.as_slice())).collect()
    };
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_debug_does_not_show_the_password() {
        let opts = VerifyOptions { password: Some(Password::new(Zeroizing::new("Zq7-s3cr3t".into()))), ..Default::default() };
        let shown = format!("{opts:?}");
        assert!(shown.contains("password: Some(Password(..))") && !shown.contains("s3cr3t"), "{shown}");
        assert_eq!(opts.clone().password.as_ref().map(Password::as_str), Some("Zq7-s3cr3t"));
    }
}
