//! Remote signing (ký số từ xa) through the Cloud Signature Consortium API (v1, and v2
//! where the service's `info` offers it): the key
//! stays with the service; vbdt sends the hashes of the CMS signed attributes and gets
//! the signatures back (docs/remote-signing.md).
//!
//! The flow is two-phase so that one authorization (one PIN/OTP) covers many documents:
//! [`to_be_signed`] prepares a document and returns the DER of its signed attributes
//! without signing; [`CscKey::sign_group`] authorizes the group's hashes once
//! (`credentials/authorize`), has them signed in one `signatures/signHash` call, and
//! checks every returned signature against the certificate; the ordinary signing path
//! then runs again with the [`CscKey`] as its key, which hands back the signature made
//! for exactly those signed attributes (and refuses any other).

use std::collections::HashMap;
use std::sync::Mutex;

use aws_lc_rs::signature::{self as sig, UnparsedPublicKey};
use base64ct::{Base64, Encoding};
use chain_check::digest::DigestAlg;
use chain_check::http::{self, HttpError, HttpLimits};
use der::{Decode, Encode};
use serde_json::{json, Value};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::keys::{KeyKind, KeySource};
use crate::{Input, InternalError, RsaPadding, SignError, SignOptions};

/// A step of the protocol, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CscStep {
    Info,
    Token,
    ListCredentials,
    CredentialInfo,
    Authorize,
    SignHash,
    CheckSignature,
}

impl CscStep {
    fn path(self) -> &'static str {
        match self {
            CscStep::Info => "info",
            CscStep::Token => "oauth2/token",
            CscStep::ListCredentials => "credentials/list",
            CscStep::CredentialInfo => "credentials/info",
            CscStep::Authorize => "credentials/authorize",
            CscStep::SignHash | CscStep::CheckSignature => "signatures/signHash",
        }
    }

    /// What the step does, in English.
    pub fn name(self) -> &'static str {
        match self {
            CscStep::Info => "service information (info)",
            CscStep::Token => "service authorization (oauth2/token)",
            CscStep::ListCredentials => "listing credentials (credentials/list)",
            CscStep::CredentialInfo => "credential information (credentials/info)",
            CscStep::Authorize => "credential authorization (credentials/authorize)",
            CscStep::SignHash => "signing the hashes (signatures/signHash)",
            CscStep::CheckSignature => "checking the returned signatures",
        }
    }

    /// What the step does, in Vietnamese.
    pub fn name_vi(self) -> &'static str {
        match self {
            CscStep::Info => "thông tin dịch vụ (info)",
            CscStep::Token => "xác thực với dịch vụ (oauth2/token)",
            CscStep::ListCredentials => "liệt kê khóa ký (credentials/list)",
            CscStep::CredentialInfo => "thông tin khóa ký (credentials/info)",
            CscStep::Authorize => "cấp quyền dùng khóa ký (credentials/authorize)",
            CscStep::SignHash => "ký các giá trị băm (signatures/signHash)",
            CscStep::CheckSignature => "kiểm tra chữ ký dịch vụ trả về",
        }
    }
}

/// What went wrong in a step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CscProblem {
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The service answered with an error status.
    #[error("HTTP {status}{}{}", if .error.is_empty() { String::new() } else { format!(": {}", .error) }, if .description.is_empty() { String::new() } else { format!(" ({})", .description) })]
    Refused { status: u16, error: String, description: String },
    /// The service refused the PIN or OTP (never retried).
    #[error("the PIN or OTP was refused: {0}")]
    WrongSecret(String),
    #[error("unexpected answer: {0}")]
    BadAnswer(AnswerProblem),
    /// The service or the credential cannot be used: disabled, revoked, expired, a key
    /// or an authorization mode vbdt does not support…
    #[error("{0}")]
    Unusable(UnusableCredential),
    /// A lock of the signing group was poisoned by a panic elsewhere.
    #[error("internal error: the signatures' lock is poisoned")]
    LockPoisoned,
    #[error("the signature returned for document {index} of the group does not verify against the certificate")]
    BadSignature { index: usize },
}

/// What is missing or wrong in a service's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerProblem {
    #[error("not JSON")]
    NotJson,
    #[error("no access_token")]
    NoAccessToken,
    #[error("no credentialIDs")]
    NoCredentialIds,
    #[error("no cert.certificates")]
    NoCertificates,
    #[error("a certificate is not base64 DER")]
    CertificateNotDer,
    #[error("no certificate")]
    EmptyChain,
    #[error("no SAD")]
    NoSad,
    #[error("no signatures, or not base64")]
    NoSignatures,
    #[error("{got} signatures for {sent} hashes")]
    SignatureCount { got: usize, sent: usize },
}

/// Why the service or a credential cannot be used (`id`: the credential's ID).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnusableCredential {
    #[error("API version {0} at /csc/v1 is not supported")]
    ApiVersion(String),
    #[error("credential {id:?}: the key is {status}")]
    KeyStatus { id: String, status: String },
    #[error("credential {id:?}: the service reports the certificate {status}")]
    CertificateStatus { id: String, status: String },
    #[error("credential {id:?}: unsupported key (RSA or ECDSA P-256/P-384 expected)")]
    UnsupportedKey { id: String },
    #[error("credential {id:?}: authMode oauth2code (a browser authorization) is not supported")]
    BrowserAuthorization { id: String },
    /// The key cannot sign with the digest and padding asked for.
    #[error("{0}")]
    Algorithm(#[source] Box<crate::SignError>),
    /// A signing group mixes digests or paddings (one authorization covers one of each).
    #[error("one group, one digest and padding")]
    MixedGroup,
}

/// A failed step of the CSC protocol: which service, which step, what happened.
#[derive(Debug, thiserror::Error)]
#[error("CSC service {service}: {}: {problem}", .step.name())]
pub struct CscError {
    pub service: String,
    pub step: CscStep,
    #[source]
    pub problem: CscProblem,
}

impl CscError {
    pub fn is_wrong_secret(&self) -> bool {
        matches!(self.problem, CscProblem::WrongSecret(_))
    }
}

/// How the client authorizes itself to the service.
pub enum ServiceAuth {
    /// A bearer token obtained elsewhere.
    Bearer(Zeroizing<String>),
    /// OAuth2 client credentials, exchanged for a token at `oauth2/token`.
    ClientCredentials { client_id: String, client_secret: Zeroizing<String> },
}

/// A CSC client for one service (API v1, or v2 where its `info` offers it).
pub struct CscClient {
    /// The service's base address (the `/csc/v1/…` or `/csc/v2/…` paths are added).
    base: String,
    /// How the service is named in messages: its `info` name and address.
    service: String,
    token: Option<Zeroizing<String>>,
    limits: HttpLimits,
    /// The service's `info` at `/csc/v2/` offered API version 2: v2 paths and field names.
    v2: bool,
}

fn b64(data: &[u8]) -> String {
    Base64::encode_string(data)
}

fn unb64(s: &str) -> Option<Vec<u8>> {
    Base64::decode_vec(s.trim()).ok()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl CscClient {
    /// A client for the service at `base_url` (as pyHanko takes it: without `/csc/v1`).
    pub fn new(base_url: &str, limits: HttpLimits) -> Self {
        let base = base_url.trim().trim_end_matches('/').trim_end_matches("/csc/v1").trim_end_matches("/csc/v2").to_string();
        CscClient { service: base.clone(), base, token: None, limits, v2: false }
    }

    /// How the service is named in messages.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn err(&self, step: CscStep, problem: impl Into<CscProblem>) -> CscError {
        CscError { service: self.service.clone(), step, problem: problem.into() }
    }

    fn post(&self, step: CscStep, url: &str, content_type: &str, body: &[u8]) -> Result<Value, CscError> {
        let auth = self.token.as_ref().map(|t| Zeroizing::new(format!("Bearer {}", t.as_str())));
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        let answer = http::post_with_headers(url, content_type, &headers, body, &self.limits).map_err(|e| self.err(step, e))?;
        let parsed: Option<Value> = serde_json::from_slice(&answer.body).ok();
        if !(200..300).contains(&answer.status) {
            let field = |k: &str| {
                parsed.as_ref().and_then(|v| v.get(k)).and_then(Value::as_str).unwrap_or("").chars().take(300).collect::<String>()
            };
            let (error, description) = (field("error"), field("error_description"));
            let text = format!("{error} {description}").to_lowercase();
            if step == CscStep::Authorize && (400..500).contains(&answer.status) && (text.contains("pin") || text.contains("otp")) {
                let why = if description.is_empty() { error } else { description };
                return Err(self.err(step, CscProblem::WrongSecret(why)));
            }
            return Err(self.err(step, CscProblem::Refused { status: answer.status, error, description }));
        }
        parsed.ok_or_else(|| self.err(step, CscProblem::BadAnswer(AnswerProblem::NotJson)))
    }

    /// "v1" or "v2": the API version in use (decided by [`CscClient::info`]).
    pub fn api_version(&self) -> &'static str {
        if self.v2 {
            "v2"
        } else {
            "v1"
        }
    }

    fn call(&self, step: CscStep, body: Value) -> Result<Value, CscError> {
        let url = format!("{}/csc/{}/{}", self.base, self.api_version(), step.path());
        self.post(step, &url, "application/json", body.to_string().as_bytes())
    }

    /// `info`: the API version (v2 when `/csc/v2/info` answers with a 2.x `specs`, else
    /// v1), the service's name (used in messages from now on) and its OAuth2 address.
    pub fn info(&mut self) -> Result<ServiceInfo, CscError> {
        self.v2 = true;
        let offered = self.call(CscStep::Info, json!({}));
        let v = match offered {
            Ok(v) if v.get("specs").and_then(Value::as_str).is_some_and(|s| s.starts_with('2')) => v,
            _ => {
                self.v2 = false;
                self.call(CscStep::Info, json!({}))?
            }
        };
        let name = v.get("name").and_then(Value::as_str).unwrap_or("").chars().take(100).collect::<String>();
        if !name.is_empty() {
            self.service = format!("{name:?} ({})", self.base);
        }
        let specs = v.get("specs").and_then(Value::as_str).unwrap_or("").to_string();
        if !self.v2 && !specs.is_empty() && !specs.starts_with('1') {
            return Err(self.err(CscStep::Info, CscProblem::Unusable(UnusableCredential::ApiVersion(specs))));
        }
        let oauth2 = v.get("oauth2").and_then(Value::as_str).map(str::to_string);
        Ok(ServiceInfo { name, specs, oauth2 })
    }

    /// Authorizes this client to the service.
    pub fn authorize_service(&mut self, auth: ServiceAuth, info: &ServiceInfo) -> Result<(), CscError> {
        match auth {
            ServiceAuth::Bearer(token) => self.token = Some(token),
            ServiceAuth::ClientCredentials { client_id, client_secret } => {
                let base = info
                    .oauth2
                    .as_deref()
                    .map(|u| u.trim_end_matches('/').to_string())
                    .unwrap_or_else(|| format!("{}/csc/{}", self.base, self.api_version()));
                let url = format!("{base}/oauth2/token");
                let form = Zeroizing::new(format!(
                    "grant_type=client_credentials&client_id={}&client_secret={}",
                    percent_encode(&client_id),
                    percent_encode(&client_secret)
                ));
                let v = self.post(CscStep::Token, &url, "application/x-www-form-urlencoded", form.as_bytes())?;
                let token = v
                    .get("access_token")
                    .and_then(Value::as_str)
                    .ok_or_else(|| self.err(CscStep::Token, CscProblem::BadAnswer(AnswerProblem::NoAccessToken)))?;
                self.token = Some(Zeroizing::new(token.to_string()));
            }
        }
        Ok(())
    }

    /// `credentials/list`.
    pub fn list_credentials(&self) -> Result<Vec<String>, CscError> {
        let v = self.call(CscStep::ListCredentials, json!({"maxResults": 100}))?;
        let ids = v
            .get("credentialIDs")
            .and_then(Value::as_array)
            .ok_or_else(|| self.err(CscStep::ListCredentials, CscProblem::BadAnswer(AnswerProblem::NoCredentialIds)))?;
        Ok(ids.iter().filter_map(Value::as_str).map(str::to_string).collect())
    }

    /// `credentials/info` with the certificate chain; refuses a credential the service
    /// reports disabled, revoked, suspended or expired, and keys vbdt cannot use.
    pub fn credential(&self, id: &str) -> Result<Credential, CscError> {
        let step = CscStep::CredentialInfo;
        let v = self.call(step, json!({"credentialID": id, "certificates": "chain", "certInfo": false, "authInfo": true}))?;
        let bad = |why: AnswerProblem| self.err(step, CscProblem::BadAnswer(why));
        let unusable = |why: UnusableCredential| self.err(step, CscProblem::Unusable(why));
        let key_status = v.pointer("/key/status").and_then(Value::as_str).unwrap_or("enabled");
        if key_status != "enabled" {
            return Err(unusable(UnusableCredential::KeyStatus { id: id.into(), status: key_status.into() }));
        }
        if let Some(status) = v.pointer("/cert/status").and_then(Value::as_str) {
            if status != "valid" {
                return Err(unusable(UnusableCredential::CertificateStatus { id: id.into(), status: status.into() }));
            }
        }
        let chain = v
            .pointer("/cert/certificates")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(AnswerProblem::NoCertificates))?
            .iter()
            .map(|c| c.as_str().and_then(unb64).and_then(|d| Certificate::from_der(&d).ok()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad(AnswerProblem::CertificateNotDer))?;
        let leaf = chain.first().ok_or_else(|| bad(AnswerProblem::EmptyChain))?;
        let kind = key_kind(leaf).ok_or_else(|| unusable(UnusableCredential::UnsupportedKey { id: id.into() }))?;
        let algos = v
            .pointer("/key/algo")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        let presence = |k: &str| match v.get(k).and_then(|p| p.get("presence")) {
            Some(Value::String(s)) => s != "false",
            Some(Value::Bool(b)) => *b,
            _ => false,
        };
        // v1: authMode, PIN.presence, OTP.presence; v2: auth.mode and auth.objects.
        let v2_object = |kind: &str| {
            v.pointer("/auth/objects").and_then(Value::as_array).and_then(|objects| {
                objects.iter().find(|o| o.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case(kind)))
            })
        };
        let v2_id =
            |kind: &str, default: &str| v2_object(kind).and_then(|o| o.get("id")).and_then(Value::as_str).unwrap_or(default).to_string();
        let auth_mode = v.get("authMode").or_else(|| v.pointer("/auth/mode")).and_then(Value::as_str).unwrap_or("implicit").to_string();
        if auth_mode == "oauth2code" {
            return Err(unusable(UnusableCredential::BrowserAuthorization { id: id.into() }));
        }
        let explicit = auth_mode == "explicit";
        let multisign = match v.get("multisign") {
            Some(Value::Number(n)) => n.as_u64().unwrap_or(1),
            Some(Value::String(s)) => s.parse().unwrap_or(1),
            _ => 1,
        }
        .clamp(1, 10_000) as usize;
        Ok(Credential {
            id: id.to_string(),
            chain,
            kind,
            algos,
            multisign,
            needs_pin: explicit && if self.v2 { v2_object("Password").is_some() } else { presence("PIN") },
            needs_otp: explicit && if self.v2 { v2_object("Otp").is_some() } else { presence("OTP") },
            pin_id: v2_id("Password", "PIN"),
            otp_id: v2_id("Otp", "OTP"),
        })
    }

    /// `credentials/authorize` for exactly `hashes` (made with `digest`); returns the SAD.
    pub fn authorize(
        &self,
        cred: &Credential,
        hashes: &[Vec<u8>],
        digest: DigestAlg,
        pin: Option<&str>,
        otp: Option<&str>,
    ) -> Result<Zeroizing<String>, CscError> {
        if self.v2 {
            let mut auth_data = Vec::new();
            for (id, value) in [(&cred.pin_id, pin), (&cred.otp_id, otp)] {
                if let Some(value) = value {
                    auth_data.push(json!({"id": id, "value": value}));
                }
            }
            let mut body = json!({
                "credentialID": cred.id,
                "numSignatures": hashes.len(),
                "hashes": hashes.iter().map(|h| b64(h)).collect::<Vec<_>>(),
                "hashAlgorithmOID": digest.oid().to_string(),
            });
            if !auth_data.is_empty() {
                body["authData"] = Value::Array(auth_data);
            }
            return self.sad_of(self.call(CscStep::Authorize, body)?);
        }
        let mut body = json!({
            "credentialID": cred.id,
            "numSignatures": hashes.len(),
            "hash": hashes.iter().map(|h| b64(h)).collect::<Vec<_>>(),
        });
        if let Some(p) = pin {
            body["PIN"] = Value::String(p.to_string());
        }
        if let Some(o) = otp {
            body["OTP"] = Value::String(o.to_string());
        }
        self.sad_of(self.call(CscStep::Authorize, body)?)
    }

    fn sad_of(&self, v: Value) -> Result<Zeroizing<String>, CscError> {
        v.get("SAD")
            .and_then(Value::as_str)
            .map(|s| Zeroizing::new(s.to_string()))
            .ok_or_else(|| self.err(CscStep::Authorize, CscProblem::BadAnswer(AnswerProblem::NoSad)))
    }

    /// `signatures/signHash`: one signature per hash, in order.
    pub fn sign_hashes(
        &self,
        cred: &Credential,
        sad: &str,
        hashes: &[Vec<u8>],
        digest: DigestAlg,
        padding: RsaPadding,
    ) -> Result<Vec<Vec<u8>>, CscError> {
        let step = CscStep::SignHash;
        let alg = crate::cms_build::signature_algorithm(cred.kind, digest, padding)
            .map_err(|e| self.err(step, CscProblem::Unusable(UnusableCredential::Algorithm(Box::new(e)))))?;
        let (hash_field, hash_alg_field) = if self.v2 { ("hashes", "hashAlgorithmOID") } else { ("hash", "hashAlgo") };
        let mut body = json!({
            "credentialID": cred.id,
            "SAD": sad,
            "signAlgo": alg.oid.to_string(),
        });
        body[hash_field] = json!(hashes.iter().map(|h| b64(h)).collect::<Vec<_>>());
        body[hash_alg_field] = Value::String(digest.oid().to_string());
        if padding == RsaPadding::Pss && matches!(cred.kind, KeyKind::Rsa { .. }) {
            let params = alg.parameters.as_ref().and_then(|p| p.to_der().ok()).unwrap_or_default();
            body["signAlgoParams"] = Value::String(b64(&params));
        }
        let v = self.call(step, body)?;
        let sigs = v
            .get("signatures")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(|s| s.as_str().and_then(unb64)).collect::<Option<Vec<_>>>())
            .ok_or_else(|| self.err(step, CscProblem::BadAnswer(AnswerProblem::NoSignatures)))?;
        if sigs.len() != hashes.len() {
            return Err(self.err(step, CscProblem::BadAnswer(AnswerProblem::SignatureCount { got: sigs.len(), sent: hashes.len() })));
        }
        Ok(sigs)
    }
}

/// What `info` says.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    pub name: String,
    pub specs: String,
    pub oauth2: Option<String>,
}

/// A credential (a key held by the service) with its certificate chain.
#[derive(Debug, Clone)]
pub struct Credential {
    pub id: String,
    pub chain: Vec<Certificate>,
    pub kind: KeyKind,
    pub algos: Vec<String>,
    /// Signatures one authorization may cover (`multisign`).
    pub multisign: usize,
    pub needs_pin: bool,
    pub needs_otp: bool,
    /// v2: the ids under which the PIN and the OTP go in `authData`.
    pub pin_id: String,
    pub otp_id: String,
}

fn key_kind(cert: &Certificate) -> Option<KeyKind> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => Some(KeyKind::Rsa { bits: crate::keys::rsa_bits(spki.subject_public_key.raw_bytes()) }),
        "1.2.840.10045.2.1" => {
            let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())?;
            match curve.to_string().as_str() {
                "1.2.840.10045.3.1.7" => Some(KeyKind::EcP256),
                "1.3.132.0.34" => Some(KeyKind::EcP384),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Checks `signature` over `message` against the certificate's public key.
pub fn verify_signature(
    cert: &Certificate,
    kind: KeyKind,
    message: &[u8],
    signature: &[u8],
    digest: DigestAlg,
    padding: RsaPadding,
) -> bool {
    let alg: &'static dyn sig::VerificationAlgorithm = match (kind, padding, digest) {
        (KeyKind::Rsa { .. }, RsaPadding::Pkcs1v15, DigestAlg::Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
        (KeyKind::Rsa { .. }, RsaPadding::Pkcs1v15, DigestAlg::Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
        (KeyKind::Rsa { .. }, RsaPadding::Pkcs1v15, DigestAlg::Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
        (KeyKind::Rsa { .. }, RsaPadding::Pss, DigestAlg::Sha256) => &sig::RSA_PSS_2048_8192_SHA256,
        (KeyKind::Rsa { .. }, RsaPadding::Pss, DigestAlg::Sha384) => &sig::RSA_PSS_2048_8192_SHA384,
        (KeyKind::Rsa { .. }, RsaPadding::Pss, DigestAlg::Sha512) => &sig::RSA_PSS_2048_8192_SHA512,
        (KeyKind::EcP256, _, DigestAlg::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
        (KeyKind::EcP384, _, DigestAlg::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
        _ => return false,
    };
    let key = cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    UnparsedPublicKey::new(alg, key).verify(message, signature).is_ok()
}

/// One document's signed attributes, waiting for their signature.
#[derive(Debug, Clone)]
pub struct ToBeSigned {
    /// The DER of the CMS signed attributes (what the key signs).
    pub message: Vec<u8>,
    pub digest: DigestAlg,
    pub padding: RsaPadding,
}

/// The signatures made by the service, by the signed attributes they sign.
type Made = HashMap<Vec<u8>, (DigestAlg, RsaPadding, Vec<u8>)>;

/// A credential of a CSC service as a key source: it signs only signed attributes
/// already signed by the service through [`CscKey::sign_group`].
pub struct CscKey {
    client: CscClient,
    credential: Credential,
    made: Mutex<Made>,
}

/// Stands in for the key while a document is prepared: takes the signed attributes and
/// stops the signing there (before any timestamp request).
struct Collector<'a> {
    key: &'a CscKey,
    got: Mutex<Option<ToBeSigned>>,
}

impl KeySource for Collector<'_> {
    fn chain(&self) -> &[Certificate] {
        self.key.chain()
    }
    fn kind(&self) -> KeyKind {
        self.key.kind()
    }
    fn sign(&self, message: &[u8], digest: DigestAlg, padding: RsaPadding) -> Result<Vec<u8>, SignError> {
        if let Ok(mut got) = self.got.lock() {
            *got = Some(ToBeSigned { message: message.to_vec(), digest, padding });
        }
        Err(SignError::AttributesCollected)
    }
}

/// Prepares `input` for signing with `key` and `opts` and returns the signed attributes
/// to be signed; nothing is written and no timestamp is asked for. Signing the same
/// input with the same options (the same signing time) later builds the same attributes.
pub fn to_be_signed(input: &Input, key: &CscKey, opts: &SignOptions) -> Result<ToBeSigned, SignError> {
    let collector = Collector { key, got: Mutex::new(None) };
    match crate::sign_input(input, &collector, opts) {
        Err(SignError::AttributesCollected) => {}
        Err(e) => return Err(e),
        Ok(_) => return Err(InternalError::SignedWithoutSignature.into()),
    }
    collector.got.into_inner().ok().flatten().ok_or_else(|| InternalError::NothingCollected.into())
}

impl CscKey {
    pub fn new(client: CscClient, credential: Credential) -> Self {
        CscKey { client, credential, made: Mutex::new(HashMap::new()) }
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    pub fn client(&self) -> &CscClient {
        &self.client
    }

    /// One authorization (one PIN/OTP) and one `signHash` call for `group` (all with the
    /// same digest and padding, at most `multisign` of them); every signature is checked
    /// against the certificate before it is kept. A wrong PIN/OTP is returned, never retried.
    pub fn sign_group(&self, group: &[ToBeSigned], pin: Option<&str>, otp: Option<&str>) -> Result<(), CscError> {
        let Some(first) = group.first() else { return Ok(()) };
        let hashes: Vec<Vec<u8>> = group.iter().map(|t| t.digest.digest(&t.message)).collect();
        if group.iter().any(|t| t.digest != first.digest || t.padding != first.padding) {
            return Err(self.client.err(CscStep::Authorize, CscProblem::Unusable(UnusableCredential::MixedGroup)));
        }
        let sad = self.client.authorize(&self.credential, &hashes, first.digest, pin, otp)?;
        let sigs = self.client.sign_hashes(&self.credential, &sad, &hashes, first.digest, first.padding)?;
        let leaf = &self.credential.chain[0];
        let mut checked = Vec::with_capacity(group.len());
        for (index, (t, s)) in group.iter().zip(sigs).enumerate() {
            let s = normalize_ecdsa(self.credential.kind, s);
            if !verify_signature(leaf, self.credential.kind, &t.message, &s, t.digest, t.padding) {
                return Err(self.client.err(CscStep::CheckSignature, CscProblem::BadSignature { index: index + 1 }));
            }
            checked.push((t.message.clone(), (t.digest, t.padding, s)));
        }
        let mut made = self.made.lock().map_err(|_| self.client.err(CscStep::SignHash, CscProblem::LockPoisoned))?;
        made.extend(checked);
        Ok(())
    }
}

/// Some services return ECDSA signatures as r‖s; CMS wants the DER ECDSA-Sig-Value.
fn normalize_ecdsa(kind: KeyKind, s: Vec<u8>) -> Vec<u8> {
    let width = match kind {
        KeyKind::EcP256 => 64,
        KeyKind::EcP384 => 96,
        KeyKind::Rsa { .. } => return s,
    };
    if s.len() == width && s.first() != Some(&0x30) {
        return crate::keys::ecdsa_raw_to_der(&s).unwrap_or(s);
    }
    s
}

impl KeySource for CscKey {
    fn chain(&self) -> &[Certificate] {
        &self.credential.chain
    }
    fn kind(&self) -> KeyKind {
        self.credential.kind
    }
    fn sign(&self, message: &[u8], digest: DigestAlg, padding: RsaPadding) -> Result<Vec<u8>, SignError> {
        let made = self.made.lock().map_err(|_| InternalError::CscLockPoisoned)?;
        match made.get(message) {
            Some((d, p, s)) if *d == digest && *p == padding => Ok(s.clone()),
            _ => Err(SignError::Key(crate::error::KeyProblem::CscNotSigned { service: self.client.service.clone() })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_one_line_with_what_the_service_said() {
        let r = |status, e: &str, d: &str| CscProblem::Refused { status, error: e.into(), description: d.into() }.to_string();
        assert_eq!(r(404, "", ""), "HTTP 404");
        assert_eq!(r(401, "invalid_token", ""), "HTTP 401: invalid_token");
        assert_eq!(r(400, "invalid_request", "bad hash"), "HTTP 400: invalid_request (bad hash)");
    }

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(percent_encode("AZaz09-._~"), "AZaz09-._~");
    }

    #[test]
    fn base_address_drops_a_trailing_csc_path() {
        for u in ["http://127.0.0.1:9/", "http://127.0.0.1:9/csc/v1", "http://127.0.0.1:9/csc/v1/"] {
            assert_eq!(CscClient::new(u, HttpLimits::default()).base, "http://127.0.0.1:9", "{u}");
        }
    }
}
