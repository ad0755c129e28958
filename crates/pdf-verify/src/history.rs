//! The history of a signed file for archivists (`vbdt chain`): every revision with its
//! byte span and what it added, every signature and document timestamp, each certificate
//! path, the revocation evidence that exists for each certificate (embedded in the CMS, in
//! the DSS / VRI, or none) with the time it covers, and when the next document-timestamp
//! renewal is due. Also the material `vbdt ltv` needs ([`ltv_material`]) and the exact
//! bytes of one revision ([`revision_bytes`]).
//!
//! Nothing here decides validity (that is [`crate::verify_bytes`]); evidence is matched to
//! a certificate by the OCSP CertID or the CRL issuer, and "covers" says whether
//! chain-check would accept it for the certificate's time of use.

use std::collections::{BTreeMap, BTreeSet};

use chain_check::revocation::{crl, ocsp};
use chain_check::{Certificate, TrustStore};
use lopdf::{Document, Object};
use pdf_raw::RawPdf;
use serde::Serialize;
use time::OffsetDateTime;

use crate::report::fmt_time;
use crate::signatures::{self, FoundSignature, Role, SignatureKind};
use crate::{cms, dieu30, oids, pdfobj, timestamps, VerifyError};

/// Version of the JSON form (`"vbdt_chain": 1`, docs/chain-schema.json).
pub const JSON_CHAIN_VERSION: u32 = 1;
/// Certificates on one path at most.
const MAX_PATH: usize = 12;

/// Where a piece of evidence was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceLocation {
    /// Inside the signature's CMS (adbe-revocationInfoArchival or CMS `crls`).
    Cms,
    /// In the DSS and listed in this signature's VRI entry.
    DssVri,
    /// In the DSS (not listed in a VRI entry for this signature).
    Dss,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// `ocsp` or `crl`.
    pub kind: &'static str,
    pub location: EvidenceLocation,
    /// `good`, `revoked` or `unknown` as the evidence states it.
    pub status: String,
    #[serde(serialize_with = "ser_time")]
    pub this_update: Option<OffsetDateTime>,
    #[serde(serialize_with = "ser_time")]
    pub next_update: Option<OffsetDateTime>,
    /// Whether chain-check accepts it as proof of status at the certificate's time of use.
    pub covers_use_time: bool,
    /// Why not, when it does not.
    pub note: Option<String>,
    /// The same in Vietnamese (for the text report; the JSON keeps `note`).
    #[serde(skip)]
    pub note_vi: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    #[serde(serialize_with = "ser_time1")]
    pub not_before: OffsetDateTime,
    #[serde(serialize_with = "ser_time1")]
    pub not_after: OffsetDateTime,
    pub key_usage: Vec<String>,
    pub policies: Vec<String>,
    pub sha256: Option<String>,
    /// A trust anchor given with --trust, or self-signed.
    pub anchor: bool,
    /// Not in the file: fetched through AIA caIssuers in this run, or from the cache.
    pub fetched: Option<Fetched>,
    pub revocation: Vec<Evidence>,
}

/// Where a certificate that is not in the file came from.
#[derive(Debug, Clone, Serialize)]
pub struct Fetched {
    /// The caIssuers address.
    pub url: String,
    /// It came from the cache (downloaded earlier), not from the network in this run.
    pub cache: bool,
    #[serde(serialize_with = "ser_time1")]
    pub fetched_at: OffsetDateTime,
}

/// Where missing issuers may come from: AIA caIssuers through `cache`, downloaded only
/// when `online` (see [`chain_check::aia`]).
#[derive(Debug, Clone, Copy)]
pub struct IssuerSource<'a> {
    pub cache: &'a chain_check::IssuerCache,
    pub online: bool,
    pub limits: &'a chain_check::HttpLimits,
}

/// Issuers fetched through AIA for every leaf whose path stops short of an anchor (at most
/// four addresses per leaf), with where each came from.
pub fn fetch_issuers(
    leaves: &[&Certificate],
    pool: &[Certificate],
    trust: &TrustStore,
    src: &IssuerSource<'_>,
    now: OffsetDateTime,
) -> Vec<(Certificate, chain_check::Origin)> {
    let mut got: Vec<(Certificate, chain_check::Origin)> = Vec::new();
    let mut tried: Vec<String> = Vec::new();
    for leaf in leaves {
        for _ in 0..4 {
            let mut all: Vec<Certificate> = pool.to_vec();
            all.extend(got.iter().map(|(c, _)| c.clone()));
            let path = simple_path(leaf, &all, trust);
            let Some(top) = path.last() else { break };
            if trust.contains(top) || chain_check::cert::is_self_signed(top) {
                break;
            }
            let Some(url) = chain_check::cert::ca_issuer_urls(top).into_iter().find(|u| !tried.contains(u)) else { break };
            tried.push(url.clone());
            match src.cache.get(&url, top, src.online, src.limits, now) {
                Ok(answer) => {
                    for c in answer.certs {
                        if !all.contains(&c) {
                            got.push((c, answer.origin.clone()));
                        }
                    }
                }
                Err(_) => break,
            }
        }
    }
    got
}

#[derive(Debug, Clone, Serialize)]
pub struct TimestampInfo {
    #[serde(serialize_with = "ser_time1")]
    pub time: OffsetDateTime,
    pub tsa: Option<String>,
    pub path: Vec<CertInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignatureEntry {
    pub index: usize,
    pub field: String,
    pub kind: SignatureKind,
    pub role: Role,
    pub sub_filter: Option<String>,
    /// Revision (1-based) the signature covers.
    pub revision: Option<usize>,
    pub signer: Option<String>,
    #[serde(serialize_with = "ser_time")]
    pub signing_time: Option<OffsetDateTime>,
    /// `timestamp` (signature or document timestamp token), `signing-time-attribute`,
    /// `pdf-m` (the dictionary's /M) or `none`.
    pub time_source: &'static str,
    /// Uppercase hex SHA-1 of /Contents: the VRI key.
    pub vri_key: String,
    pub has_vri: bool,
    pub path: Vec<CertInfo>,
    /// The signature timestamp (for signatures).
    pub timestamp: Option<TimestampInfo>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionEntry {
    /// 1-based.
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub xref: &'static str,
    pub objects_added: usize,
    pub objects_changed: usize,
    /// Human tags: `signature FIELD`, `document-timestamp FIELD`, `dss`, `vri N`.
    pub adds: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub vbdt_chain: u32,
    pub file: String,
    pub sha256: String,
    pub revisions: Vec<RevisionEntry>,
    pub signatures: Vec<SignatureEntry>,
    pub dss: DssSummary,
    /// `none`, `B-B`, `B-T`, `B-LT` or `B-LTA` (what the file carries, not a verdict).
    pub level: &'static str,
    /// Add a new document timestamp before this time (the earliest expiry among the last
    /// timestamp's TSA path); None without timestamps.
    #[serde(serialize_with = "ser_time")]
    pub renewal_due: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DssSummary {
    pub present: bool,
    pub certs: usize,
    pub ocsps: usize,
    pub crls: usize,
    pub vri: usize,
}

fn ser_time<S: serde::Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&fmt_time(*t)),
        None => s.serialize_none(),
    }
}

fn ser_time1<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt_time(*t))
}

/// DSS contents with the object number of each stream (to tell which revision added it).
#[derive(Default)]
struct DssData {
    present: bool,
    dss_id: Option<u32>,
    certs: Vec<(Option<u32>, Vec<u8>)>,
    ocsps: Vec<(Option<u32>, Vec<u8>)>,
    crls: Vec<(Option<u32>, Vec<u8>)>,
    /// VRI key → (object numbers of its certs/OCSPs/CRLs).
    vri: BTreeMap<String, BTreeSet<u32>>,
}

fn read_dss(doc: &Document) -> DssData {
    let mut out = DssData::default();
    let Some(root) = doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r)) else { return out };
    if let Ok(Object::Reference(id)) = root.get(b"DSS") {
        out.dss_id = Some(id.0);
    }
    let Some(dss) = pdfobj::dict_get_dict(doc, root, b"DSS") else { return out };
    out.present = true;
    let mut budget = crate::MAX_DSS_BYTES;
    let mut streams = |key: &[u8]| -> Vec<(Option<u32>, Vec<u8>)> {
        let mut v = Vec::new();
        for o in pdfobj::dict_get_array(doc, dss, key).unwrap_or(&[]).iter().take(crate::MAX_DSS_ITEMS) {
            let num = match o {
                Object::Reference(id) => Some(id.0),
                _ => None,
            };
            let Some(Object::Stream(s)) = pdfobj::resolve(doc, o) else { continue };
            let data = if s.dict.has(b"Filter") {
                s.decompressed_content_with_limit(budget.min(crate::MAX_STREAM_BYTES)).ok()
            } else {
                Some(s.content.clone())
            };
            if let Some(d) = data {
                if d.len() > budget {
                    break;
                }
                budget -= d.len();
                v.push((num, d));
            }
        }
        v
    };
    out.certs = streams(b"Certs");
    out.ocsps = streams(b"OCSPs");
    out.crls = streams(b"CRLs");
    if let Some(vri) = pdfobj::dict_get_dict(doc, dss, b"VRI") {
        for (k, v) in vri.iter().take(crate::MAX_DSS_ITEMS) {
            let mut nums = BTreeSet::new();
            if let Some(d) = pdfobj::as_dict(doc, v) {
                for key in [b"Cert".as_slice(), b"OCSP", b"CRL"] {
                    for o in pdfobj::dict_get_array(doc, d, key).unwrap_or(&[]) {
                        if let Object::Reference(id) = o {
                            nums.insert(id.0);
                        }
                    }
                }
            }
            out.vri.insert(String::from_utf8_lossy(k).to_ascii_uppercase(), nums);
        }
    }
    out
}

/// One signature's parsed pieces.
struct Parsed {
    sig: FoundSignature,
    revision: Option<usize>,
    cms: Result<cms::SignedData, dieu30::CmsProblem>,
    signer: Option<Certificate>,
    /// (token certificates, TSTInfo) of the signature timestamp or the document timestamp.
    token: Option<(Vec<Certificate>, Option<Certificate>, timestamps::TstInfo)>,
    cms_ocsps: Vec<Vec<u8>>,
    cms_crls: Vec<Vec<u8>>,
    claimed: (Option<OffsetDateTime>, &'static str),
}

fn parse_token(der: &[u8]) -> Option<(Vec<Certificate>, Option<Certificate>, timestamps::TstInfo)> {
    let sd = cms::parse_content_info(der).ok()?;
    let tst = timestamps::parse_tst_info(sd.econtent.as_deref()?).ok()?;
    let tsa = sd.signers.first().and_then(|si| sd.find_signer_cert(si, &[]).cloned());
    Some((sd.certificates.clone(), tsa, tst))
}

struct Loaded {
    raw: RawPdf,
    dss: DssData,
    parsed: Vec<Parsed>,
}

fn load(bytes: &[u8], password: Option<&str>) -> Result<Loaded, VerifyError> {
    let raw = RawPdf::parse(bytes).map_err(|e| match e {
        pdf_raw::RawError::NotPdf => VerifyError::NotPdf,
        other => VerifyError::Structure(other),
    })?;
    let doc = crate::load_final(bytes, &raw, password, &mut crate::modifications::Revisions::new(bytes, &raw, password))?;
    let dss = read_dss(&doc);
    let mut parsed: Vec<Parsed> = signatures::find(&doc, bytes, &raw)
        .into_iter()
        .map(|sig| {
            let (_, cov) = dieu30::check_byte_range(&sig, &raw, bytes.len());
            let revision = cov.as_ref().map(|c| c.revision);
            let cms = dieu30::parse_cms(&sig);
            let mut p = Parsed {
                revision,
                signer: None,
                token: None,
                cms_ocsps: Vec::new(),
                cms_crls: Vec::new(),
                claimed: (sig.claimed_time, if sig.claimed_time.is_some() { "pdf-m" } else { "none" }),
                cms,
                sig,
            };
            match (&p.cms, p.sig.kind) {
                (Ok(sd), SignatureKind::Signature) => {
                    p.cms_ocsps.extend(sd.ocsp_responses.iter().cloned());
                    p.cms_crls.extend(sd.crls.iter().cloned());
                    if let Some(si) = sd.signers.first() {
                        p.signer = sd.find_signer_cert(si, &[]).cloned();
                        if let Some(a) = si.signed_attr(&oids::ATTR_ADOBE_REVOCATION) {
                            for v in &a.values {
                                let (crls, ocsps) = cms::adobe_revocation_info(v);
                                p.cms_crls.extend(crls);
                                p.cms_ocsps.extend(ocsps);
                            }
                        }
                        if let Some(t) =
                            si.signed_attr(&oids::ATTR_SIGNING_TIME).and_then(|a| a.values.first()).and_then(|v| cms::time_value(v).ok())
                        {
                            p.claimed = (Some(t), "signing-time-attribute");
                        }
                        p.token = si.unsigned_attr(&oids::ATTR_TIMESTAMP_TOKEN).and_then(|a| a.values.first()).and_then(|v| parse_token(v));
                    }
                }
                (Ok(_), SignatureKind::DocumentTimestamp) => {
                    if let Ok(rd) = &p.sig.raw {
                        if let Ok(der) = cms::trim_contents(&rd.contents) {
                            p.token = parse_token(der);
                        }
                    }
                }
                _ => {}
            }
            p
        })
        .collect();
    parsed.sort_by_key(|p| {
        (p.revision.or(p.sig.dict_revision).unwrap_or(usize::MAX), p.sig.raw.as_ref().map_or(0, |r| r.contents_span.start))
    });
    Ok(Loaded { raw, dss, parsed })
}

/// Builds a path from `leaf` upwards by issuer name and signature, through `pool` and the
/// trust anchors; stops at an anchor, a self-signed certificate or after [`MAX_PATH`].
pub fn simple_path(leaf: &Certificate, pool: &[Certificate], trust: &TrustStore) -> Vec<Certificate> {
    let mut path = vec![leaf.clone()];
    while path.len() < MAX_PATH {
        let Some(cur) = path.last() else { break };
        if trust.contains(cur) || chain_check::cert::is_self_signed(cur) {
            break;
        }
        let next = trust.anchors().iter().chain(pool.iter()).find(|c| !path.contains(c) && chain_check::cert::issued_by(cur, c)).cloned();
        match next {
            Some(n) => path.push(n),
            None => break,
        }
    }
    path
}

fn vri_key(sig: &FoundSignature) -> String {
    sig.raw.as_ref().map(|r| hex::encode_upper(chain_check::DigestAlg::Sha1.digest(&r.contents))).unwrap_or_default()
}

/// The OCSP responses and CRLs that speak about `cert`, with what they say.
fn evidence_for(
    cert: &Certificate,
    issuer: Option<&Certificate>,
    at: OffsetDateTime,
    now: OffsetDateTime,
    items: &[(EvidenceLocation, bool, &[u8])],
) -> Vec<Evidence> {
    let serial = cert.tbs_certificate.serial_number.as_bytes().to_vec();
    let mut out = Vec::new();
    for (loc, is_ocsp, der) in items {
        if *is_ocsp {
            let Ok((basic, _)) = ocsp::parse_response(der) else { continue };
            let Some(single) = basic.tbs_response_data.responses.iter().find(|s| s.cert_id.serial_number.as_bytes() == serial.as_slice())
            else {
                continue;
            };
            let status = match &single.cert_status {
                x509_ocsp::CertStatus::Good(_) => "good",
                x509_ocsp::CertStatus::Revoked(_) => "revoked",
                x509_ocsp::CertStatus::Unknown(_) => "unknown",
            };
            let tu = gt(&single.this_update.0);
            let nu = single.next_update.as_ref().map(|t| gt(&t.0));
            let (covers, note) = match issuer {
                Some(i) => match ocsp::evaluate(der, cert, i, at, now) {
                    Ok(_) => (true, None),
                    Err(e) => (false, Some(e)),
                },
                None => (false, Some(chain_check::EvidenceProblem::IssuerNotAvailable)),
            };
            out.push(Evidence {
                kind: "ocsp",
                location: *loc,
                status: status.into(),
                this_update: Some(tu),
                next_update: nu,
                covers_use_time: covers,
                note: note.as_ref().map(ToString::to_string),
                note_vi: note.as_ref().map(crate::dieu31::vi_evidence),
            });
        } else {
            let der = crl::to_der(der);
            let Ok(list) = crl::parse(&der) else { continue };
            if !chain_check::cert::names_match(&list.tbs_cert_list.issuer, &cert.tbs_certificate.issuer) {
                continue;
            }
            let listed = list
                .tbs_cert_list
                .revoked_certificates
                .as_ref()
                .is_some_and(|r| r.iter().any(|e| e.serial_number.as_bytes() == serial.as_slice()));
            let (tu, nu) = crl::summary(&der).map(|(_, t, n)| (Some(t), n)).unwrap_or((None, None));
            let (covers, note) = match issuer {
                Some(i) => match crl::evaluate(&der, cert, i, at, now) {
                    Ok(_) => (true, None),
                    Err(e) => (false, Some(e)),
                },
                None => (false, Some(chain_check::EvidenceProblem::IssuerNotAvailable)),
            };
            out.push(Evidence {
                kind: "crl",
                location: *loc,
                status: if listed { "revoked" } else { "good" }.into(),
                this_update: tu,
                next_update: nu,
                covers_use_time: covers,
                note: note.as_ref().map(ToString::to_string),
                note_vi: note.as_ref().map(crate::dieu31::vi_evidence),
            });
        }
    }
    out
}

fn gt(t: &der::asn1::GeneralizedTime) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.to_unix_duration().as_secs() as i64).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

struct Ctx<'a> {
    pool: &'a [Certificate],
    fetched: &'a [(Certificate, chain_check::Origin)],
    trust: &'a TrustStore,
    dss: &'a DssData,
    now: OffsetDateTime,
}

fn path_info(
    leaf: &Certificate,
    at: OffsetDateTime,
    vri: Option<&BTreeSet<u32>>,
    cms_ocsps: &[Vec<u8>],
    cms_crls: &[Vec<u8>],
    ctx: &Ctx<'_>,
) -> Vec<CertInfo> {
    let path = simple_path(leaf, ctx.pool, ctx.trust);
    let mut items: Vec<(EvidenceLocation, bool, &[u8])> = Vec::new();
    items.extend(cms_ocsps.iter().map(|d| (EvidenceLocation::Cms, true, d.as_slice())));
    items.extend(cms_crls.iter().map(|d| (EvidenceLocation::Cms, false, d.as_slice())));
    let loc = |n: &Option<u32>| {
        if n.is_some_and(|n| vri.is_some_and(|v| v.contains(&n))) {
            EvidenceLocation::DssVri
        } else {
            EvidenceLocation::Dss
        }
    };
    items.extend(ctx.dss.ocsps.iter().map(|(n, d)| (loc(n), true, d.as_slice())));
    items.extend(ctx.dss.crls.iter().map(|(n, d)| (loc(n), false, d.as_slice())));
    path.iter()
        .enumerate()
        .map(|(i, c)| {
            let anchor = ctx.trust.contains(c) || chain_check::cert::is_self_signed(c);
            let issuer = path.get(i + 1);
            CertInfo {
                subject: chain_check::cert::subject(c),
                issuer: chain_check::cert::issuer(c),
                serial: chain_check::cert::serial_hex(c),
                not_before: chain_check::cert::not_before(c),
                not_after: chain_check::cert::not_after(c),
                key_usage: chain_check::cert::key_usage(c)
                    .ok()
                    .flatten()
                    .map(|k| chain_check::cert::key_usage_names(&k).into_iter().map(String::from).collect())
                    .unwrap_or_default(),
                policies: chain_check::cert::policy_oids(c).unwrap_or_default().iter().map(|o| o.to_string()).collect(),
                sha256: chain_check::cert::sha256_fingerprint_hex(c).ok(),
                anchor,
                fetched: ctx.fetched.iter().find(|(f, _)| f == c).map(|(_, o)| match o {
                    chain_check::Origin::Fetched { url } => Fetched { url: url.clone(), cache: false, fetched_at: ctx.now },
                    chain_check::Origin::Cache { url, fetched_at, .. } => {
                        Fetched { url: url.clone(), cache: true, fetched_at: *fetched_at }
                    }
                }),
                revocation: if anchor { Vec::new() } else { evidence_for(c, issuer, at, ctx.now, &items) },
            }
        })
        .collect()
}

/// The history of the file in `bytes`. `trust` only marks anchors and helps build paths.
pub fn history(bytes: &[u8], name: &str, trust: &TrustStore, password: Option<&str>) -> Result<History, VerifyError> {
    history_with(bytes, name, trust, password, None)
}

/// [`history`], completing paths with issuers named by AIA caIssuers from `issuers`.
pub fn history_with(
    bytes: &[u8],
    name: &str,
    trust: &TrustStore,
    password: Option<&str>,
    issuers: Option<&IssuerSource<'_>>,
) -> Result<History, VerifyError> {
    let l = load(bytes, password)?;
    let now = OffsetDateTime::now_utc();
    let mut pool = certificate_pool(&l);
    let fetched = match issuers {
        Some(src) => {
            let leaves: Vec<&Certificate> =
                l.parsed.iter().flat_map(|p| p.signer.iter().chain(p.token.iter().filter_map(|(_, tsa, _)| tsa.as_ref()))).collect();
            fetch_issuers(&leaves, &pool, trust, src, now)
        }
        None => Vec::new(),
    };
    pool.extend(fetched.iter().map(|(c, _)| c.clone()));
    let ctx = Ctx { pool: &pool, fetched: &fetched, trust, dss: &l.dss, now };

    let sigs: Vec<SignatureEntry> = l.parsed.iter().enumerate().map(|(i, p)| signature_entry(i, p, &ctx)).collect();
    let revisions = revision_entries(&l);
    let level = pades_level(&sigs, l.dss.present);
    let renewal_due = renewal_due(&sigs);
    Ok(History {
        vbdt_chain: JSON_CHAIN_VERSION,
        file: name.to_string(),
        sha256: hex::encode(chain_check::DigestAlg::Sha256.digest(bytes)),
        revisions,
        signatures: sigs,
        dss: DssSummary {
            present: l.dss.present,
            certs: l.dss.certs.len(),
            ocsps: l.dss.ocsps.len(),
            crls: l.dss.crls.len(),
            vri: l.dss.vri.len(),
        },
        level,
        renewal_due,
    })
}

/// Every certificate the file carries: in the signatures' and tokens' CMS, in the DSS and in
/// the DSS's OCSP responses.
fn certificate_pool(l: &Loaded) -> Vec<Certificate> {
    let mut pool: Vec<Certificate> = Vec::new();
    for p in &l.parsed {
        if let Ok(sd) = &p.cms {
            pool.extend(sd.certificates.iter().cloned());
        }
        if let Some((certs, _, _)) = &p.token {
            pool.extend(certs.iter().cloned());
        }
    }
    for (_, der) in &l.dss.certs {
        if let Ok(mut c) = chain_check::cert::parse_certificates(der) {
            pool.append(&mut c);
        }
    }
    for (_, der) in &l.dss.ocsps {
        pool.extend(ocsp::response_certs(der));
    }
    pool
}

/// The `i`-th signature or document timestamp: who, when (by which clock), its path and
/// the evidence for each certificate on it.
fn signature_entry(i: usize, p: &Parsed, ctx: &Ctx<'_>) -> SignatureEntry {
    let key = vri_key(&p.sig);
    let vri = ctx.dss.vri.get(&key);
    let (mut time, mut source) = p.claimed;
    let mut ts_info = None;
    if let Some((_, tsa, tst)) = &p.token {
        time = Some(tst.gen_time);
        source = "timestamp";
        let path = tsa.as_ref().map(|c| path_info(c, tst.gen_time, vri, &[], &[], ctx)).unwrap_or_default();
        ts_info = Some(TimestampInfo {
            time: tst.gen_time,
            tsa: tsa.as_ref().map(|c| chain_check::cert::common_name(c).unwrap_or_else(|| chain_check::cert::subject(c))),
            path,
        });
    }
    let at = time.unwrap_or(ctx.now);
    let (signer, path, timestamp) = match p.sig.kind {
        SignatureKind::Signature => {
            let signer = p.signer.as_ref().map(|c| chain_check::cert::common_name(c).unwrap_or_else(|| chain_check::cert::subject(c)));
            let path = p.signer.as_ref().map(|c| path_info(c, at, vri, &p.cms_ocsps, &p.cms_crls, ctx)).unwrap_or_default();
            (signer, path, ts_info)
        }
        SignatureKind::DocumentTimestamp => {
            let info = ts_info;
            (info.as_ref().and_then(|t| t.tsa.clone()), info.map(|t| t.path).unwrap_or_default(), None)
        }
    };
    let raw_ok = p.sig.raw.as_ref().ok();
    SignatureEntry {
        index: i + 1,
        field: p.sig.field.clone(),
        kind: p.sig.kind,
        role: raw_ok.map_or(Role::Unknown, |r| r.role),
        sub_filter: raw_ok.and_then(|r| r.sub_filter.clone()),
        revision: p.revision.map(|r| r + 1),
        signer,
        signing_time: time,
        time_source: source,
        has_vri: vri.is_some(),
        vri_key: key,
        path,
        timestamp,
        error: p.cms.as_ref().err().map(ToString::to_string).or_else(|| p.sig.raw.as_ref().err().map(ToString::to_string)),
    }
}

/// Revisions: what each one defines.
fn revision_entries(l: &Loaded) -> Vec<RevisionEntry> {
    let mut revisions = Vec::new();
    let mut defined: BTreeSet<u32> = BTreeSet::new();
    let dss_nums: BTreeSet<u32> = l.dss.certs.iter().chain(&l.dss.ocsps).chain(&l.dss.crls).filter_map(|(n, _)| *n).collect();
    for (i, rev) in l.raw.revisions.iter().enumerate() {
        let nums: BTreeSet<u32> = rev.entries.iter().filter(|(_, e)| !matches!(e, pdf_raw::XrefEntry::Free)).map(|(n, _)| *n).collect();
        let added = nums.iter().filter(|n| !defined.contains(n)).count();
        let changed = nums.len() - added;
        let mut adds = Vec::new();
        for p in &l.parsed {
            if p.sig.dict_revision == Some(i) {
                let what = match p.sig.kind {
                    SignatureKind::Signature => "signature",
                    SignatureKind::DocumentTimestamp => "document-timestamp",
                };
                adds.push(format!("{what} {}", p.sig.field));
            }
        }
        let dss_items = nums.intersection(&dss_nums).count();
        if l.dss.dss_id.is_some_and(|d| nums.contains(&d)) || dss_items > 0 {
            adds.push(format!("dss {dss_items}"));
        }
        defined.extend(nums);
        revisions.push(RevisionEntry {
            index: i + 1,
            start: rev.start,
            end: rev.end,
            xref: match rev.kind {
                pdf_raw::XrefKind::Table => "table",
                pdf_raw::XrefKind::Stream => "stream",
                pdf_raw::XrefKind::Hybrid => "hybrid",
            },
            objects_added: added,
            objects_changed: changed,
            adds,
        });
    }
    revisions
}

/// The PAdES level the file carries (not a verdict).
fn pades_level(sigs: &[SignatureEntry], dss_present: bool) -> &'static str {
    let has_sig = sigs.iter().any(|s| s.kind == SignatureKind::Signature);
    let has_doc_ts = sigs.iter().any(|s| s.kind == SignatureKind::DocumentTimestamp);
    let sig_ts = sigs.iter().filter(|s| s.kind == SignatureKind::Signature).all(|s| s.timestamp.is_some());
    match (has_sig, dss_present, has_doc_ts) {
        (false, _, _) => "none",
        (true, true, true) => "B-LTA",
        (true, true, false) => "B-LT",
        (true, false, _) if sig_ts => "B-T",
        _ => "B-B",
    }
}

/// Renewal: before the earliest expiry on the last timestamp's TSA path.
fn renewal_due(sigs: &[SignatureEntry]) -> Option<OffsetDateTime> {
    let last_ts_path = sigs.iter().rev().find_map(|s| match s.kind {
        SignatureKind::DocumentTimestamp if !s.path.is_empty() => Some(&s.path),
        SignatureKind::Signature => s.timestamp.as_ref().map(|t| &t.path).filter(|p| !p.is_empty()),
        _ => None,
    });
    last_ts_path.and_then(|p| p.iter().map(|c| c.not_after).min())
}

/// Why a revision cannot be extracted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    #[error(transparent)]
    Read(#[from] VerifyError),
    #[error("revision {asked} does not exist: the file has {count} revision(s), numbered from 1")]
    NoSuchRevision { asked: usize, count: usize },
}

/// The exact bytes of revision `n` (1-based): the file from its start to the end of that
/// revision (its `%%EOF` and end-of-line), i.e. what the signer of that revision signed.
pub fn revision_bytes(bytes: &[u8], n: usize) -> Result<&[u8], ExtractError> {
    let raw = RawPdf::parse(bytes).map_err(|e| match e {
        pdf_raw::RawError::NotPdf => VerifyError::NotPdf,
        other => VerifyError::Structure(other),
    })?;
    let count = raw.revisions.len();
    let rev = n.checked_sub(1).and_then(|i| raw.revisions.get(i)).ok_or(ExtractError::NoSuchRevision { asked: n, count })?;
    bytes.get(..rev.end).ok_or(ExtractError::NoSuchRevision { asked: n, count })
}

/// One signature or timestamp that long-term validation data is collected for.
#[derive(Debug, Clone)]
pub struct LtvTarget {
    pub field: String,
    pub kind: SignatureKind,
    /// The decoded /Contents (its SHA-1 is the VRI key).
    pub contents: Vec<u8>,
    /// Certificates whose paths need evidence, each with its time of use: the signer at
    /// its signing time, the TSA of each token at the token's time.
    pub leaves: Vec<(Certificate, OffsetDateTime)>,
}

/// What `vbdt ltv` starts from.
#[derive(Debug, Clone, Default)]
pub struct LtvMaterial {
    pub targets: Vec<LtvTarget>,
    /// Every certificate in the file (CMS, tokens, DSS, OCSP responses).
    pub pool: Vec<Certificate>,
    /// OCSP responses and CRLs already in the file (CMS and DSS).
    pub ocsps: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

/// Collects [`LtvMaterial`] from a file.
pub fn ltv_material(bytes: &[u8], password: Option<&str>) -> Result<LtvMaterial, VerifyError> {
    let l = load(bytes, password)?;
    let mut m = LtvMaterial::default();
    for p in &l.parsed {
        let Ok(rd) = &p.sig.raw else { continue };
        if let Ok(sd) = &p.cms {
            m.pool.extend(sd.certificates.iter().cloned());
        }
        m.ocsps.extend(p.cms_ocsps.iter().cloned());
        m.crls.extend(p.cms_crls.iter().cloned());
        let mut leaves = Vec::new();
        let token_time = p.token.as_ref().map(|(_, _, t)| t.gen_time);
        if let Some(s) = &p.signer {
            leaves.push((s.clone(), token_time.or(p.claimed.0).unwrap_or_else(OffsetDateTime::now_utc)));
        }
        if let Some((certs, tsa, tst)) = &p.token {
            m.pool.extend(certs.iter().cloned());
            if let Some(t) = tsa {
                leaves.push((t.clone(), tst.gen_time));
            }
        }
        m.targets.push(LtvTarget { field: p.sig.field.clone(), kind: p.sig.kind, contents: rd.contents.clone(), leaves });
    }
    for (_, der) in &l.dss.certs {
        if let Ok(mut c) = chain_check::cert::parse_certificates(der) {
            m.pool.append(&mut c);
        }
    }
    for (_, der) in &l.dss.ocsps {
        m.pool.extend(ocsp::response_certs(der));
        m.ocsps.push(der.clone());
    }
    m.crls.extend(l.dss.crls.iter().map(|(_, d)| d.clone()));
    Ok(m)
}
