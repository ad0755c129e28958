//! Where the private key lives: a PKCS#12 file or a PKCS#11 token (rules.md S9).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, KeyPair, RsaKeyPair};
use chain_check::digest::DigestAlg;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use der::{Decode, Encode};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::error::{P12Problem, Pkcs11Step, SigningFailure};
use crate::{InternalError, KeyProblem, KeyUnusable, RsaPadding, SignError};

/// The kind of key, which decides the CMS signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Rsa { bits: usize },
    EcP256,
    EcP384,
}

impl KeyKind {
    /// ECDSA keys sign with their curve's hash (P-256: SHA-256, P-384: SHA-384), so that
    /// the CMS digest algorithm and the signature algorithm always agree.
    pub fn required_digest(self) -> Option<DigestAlg> {
        match self {
            KeyKind::EcP256 => Some(DigestAlg::Sha256),
            KeyKind::EcP384 => Some(DigestAlg::Sha384),
            KeyKind::Rsa { .. } => None,
        }
    }
}

/// A private key with its certificate chain.
pub trait KeySource: Send + Sync {
    /// Signer certificate first, then its issuers as far as known.
    fn chain(&self) -> &[Certificate];
    fn kind(&self) -> KeyKind;
    /// Signs `message` (the DER of the signed attributes) with `digest`; returns the
    /// signature value as CMS carries it (PKCS#1/PSS bytes, or a DER ECDSA-Sig-Value).
    fn sign(&self, message: &[u8], digest: DigestAlg, padding: RsaPadding) -> Result<Vec<u8>, SignError>;
}

/// Largest PKCS#12 file read: real ones (a key and a few certificates) are a few KiB.
pub const MAX_P12_BYTES: usize = 1 << 20;

/// Reads a file that holds a secret (a PKCS#12 file, a PIN or password file) into a
/// buffer that is zeroed when dropped. Unlike `std::fs::read`, it never leaves a copy
/// behind in memory: when the buffer must grow (a pipe, or a file that grew since its
/// size was read), the old one is zeroed after the bytes are moved. Files longer than
/// `max_len` bytes are refused (`InvalidData`), so a device or a huge file cannot
/// exhaust memory.
pub fn read_secret_file(path: &Path, max_len: usize) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut file = std::fs::File::open(path)?;
    let size_hint = file.metadata().map(|m| usize::try_from(m.len()).unwrap_or(usize::MAX)).unwrap_or(0);
    // One byte more than the file should hold, so that its end is seen without growing.
    let mut buf = Zeroizing::new(vec![0u8; size_hint.max(64).min(max_len).saturating_add(1)]);
    let mut len = 0;
    loop {
        if len == buf.len() {
            if len > max_len {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("the file is longer than {max_len} bytes")));
            }
            let mut bigger = Zeroizing::new(vec![0u8; len.saturating_mul(2).min(max_len.saturating_add(1))]);
            bigger[..len].copy_from_slice(&buf[..len]);
            buf = bigger;
        }
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // Shrinking the length keeps the allocation, so the zeroing on drop still covers it.
    buf.truncate(len);
    Ok(buf)
}

/// A key and chain from a PKCS#12 file, signing in memory with aws-lc-rs.
pub struct P12Key {
    chain: Vec<Certificate>,
    key: LoadedKey,
}

enum LoadedKey {
    Rsa(RsaKeyPair),
    Ec { pkcs8: Zeroizing<Vec<u8>>, kind: KeyKind },
}

/// Whether p12-keystore's refusal means a wrong password: the MAC does not verify, or
/// (a file without a MAC) the decrypted key's padding is wrong. "Unsupported MAC
/// algorithm" is a file vbdt cannot read, not a wrong password.
fn p12_wrong_password(e: &p12_keystore::error::Error) -> bool {
    use p12_keystore::error::Error as E;
    match e {
        E::MacError(_) | E::UnpadError => true,
        E::Pkcs5Error(why) => why.to_lowercase().contains("password"),
        _ => false,
    }
}

impl P12Key {
    /// Opens `path` with `password`. A wrong password is `SignError::BadSecret`.
    pub fn open(path: &Path, password: &str) -> Result<Self, SignError> {
        let data =
            read_secret_file(path, MAX_P12_BYTES).map_err(|source| KeyProblem::P12Unreadable { path: path.to_path_buf(), source })?;
        let (chain, pkcs8) = {
            let store = p12_keystore::KeyStore::from_pkcs12(&data, password, p12_keystore::Pkcs12ImportPolicy::Relaxed).map_err(|e| {
                if p12_wrong_password(&e) {
                    SignError::BadSecret(crate::SecretProblem::WrongP12Password(path.to_path_buf()))
                } else {
                    KeyProblem::P12Unusable { path: path.to_path_buf(), problem: P12Problem::Store(e) }.into()
                }
            })?;
            let (_, key_chain) = store.private_key_chain().ok_or_else(|| KeyProblem::P12NoKey { path: path.to_path_buf() })?;
            let chain = key_chain
                .certs()
                .iter()
                .map(|c| Certificate::from_der(c.as_der()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| KeyProblem::P12Unusable { path: path.to_path_buf(), problem: P12Problem::Certificate(e) })?;
            (chain, Zeroizing::new(key_chain.key().as_der().to_vec()))
            // `store` ends here. p12-keystore keeps the decrypted key in a plain Vec that
            // no API lets us clear: keep its life as short as this block.
        };
        drop(data);
        if chain.is_empty() {
            return Err(KeyProblem::P12NoKey { path: path.to_path_buf() }.into());
        }
        let key = load_pkcs8(&pkcs8).map_err(|problem| KeyProblem::P12KeyUnusable { path: path.to_path_buf(), problem })?;
        let chain = order_chain(chain);
        let p12 = P12Key { chain, key };
        p12.check_key_matches_certificate().map_err(|problem| KeyProblem::P12KeyUnusable { path: path.to_path_buf(), problem })?;
        Ok(p12)
    }

    fn check_key_matches_certificate(&self) -> Result<(), KeyUnusable> {
        let cert_key = self.chain[0].tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
        let ours: Vec<u8> = match &self.key {
            LoadedKey::Rsa(k) => k.public_key().as_ref().to_vec(),
            LoadedKey::Ec { pkcs8, kind } => {
                // The curve's own hash, as `ec_pair` signs with.
                let alg = match kind {
                    KeyKind::EcP384 => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
                    _ => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
                };
                EcdsaKeyPair::from_pkcs8(alg, pkcs8).map_err(KeyUnusable::EcRejected)?.public_key().as_ref().to_vec()
            }
        };
        if cert_key == ours.as_slice() {
            Ok(())
        } else {
            Err(KeyUnusable::NotTheCertificates)
        }
    }
}

fn load_pkcs8(der: &[u8]) -> Result<LoadedKey, KeyUnusable> {
    if let Ok(k) = RsaKeyPair::from_pkcs8(der) {
        return Ok(LoadedKey::Rsa(k));
    }
    for (alg, kind) in [(&sig::ECDSA_P256_SHA256_ASN1_SIGNING, KeyKind::EcP256), (&sig::ECDSA_P384_SHA384_ASN1_SIGNING, KeyKind::EcP384)] {
        if EcdsaKeyPair::from_pkcs8(alg, der).is_ok() {
            return Ok(LoadedKey::Ec { pkcs8: Zeroizing::new(der.to_vec()), kind });
        }
    }
    Err(KeyUnusable::Unsupported)
}

fn ec_pair(pkcs8: &[u8], kind: KeyKind, digest: DigestAlg) -> Result<EcdsaKeyPair, SignError> {
    // ECDSA signs with its curve's own hash (see `KeyKind::required_digest`).
    let alg = match (kind, digest) {
        (KeyKind::EcP256, DigestAlg::Sha256) => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        (KeyKind::EcP384, DigestAlg::Sha384) => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        _ => return Err(KeyProblem::DigestNotOffered { digest: digest.name() }.into()),
    };
    EcdsaKeyPair::from_pkcs8(alg, pkcs8).map_err(|e| KeyProblem::SigningFailed(SigningFailure::EcKey(e)).into())
}

impl KeySource for P12Key {
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn kind(&self) -> KeyKind {
        match &self.key {
            LoadedKey::Rsa(k) => KeyKind::Rsa { bits: k.public_modulus_len() * 8 },
            LoadedKey::Ec { kind, .. } => *kind,
        }
    }

    fn sign(&self, message: &[u8], digest: DigestAlg, padding: RsaPadding) -> Result<Vec<u8>, SignError> {
        let rng = SystemRandom::new();
        match &self.key {
            LoadedKey::Rsa(k) => {
                let alg: &'static dyn sig::RsaEncoding = match (padding, digest) {
                    (RsaPadding::Pkcs1v15, DigestAlg::Sha256) => &sig::RSA_PKCS1_SHA256,
                    (RsaPadding::Pkcs1v15, DigestAlg::Sha384) => &sig::RSA_PKCS1_SHA384,
                    (RsaPadding::Pkcs1v15, DigestAlg::Sha512) => &sig::RSA_PKCS1_SHA512,
                    (RsaPadding::Pss, DigestAlg::Sha256) => &sig::RSA_PSS_SHA256,
                    (RsaPadding::Pss, DigestAlg::Sha384) => &sig::RSA_PSS_SHA384,
                    (RsaPadding::Pss, DigestAlg::Sha512) => &sig::RSA_PSS_SHA512,
                    (_, other) => return Err(KeyProblem::DigestNotAllowed { digest: other.name() }.into()),
                };
                let mut out = vec![0u8; k.public_modulus_len()];
                k.sign(alg, &rng, message, &mut out).map_err(|_| KeyProblem::SigningFailed(SigningFailure::Rsa))?;
                Ok(out)
            }
            LoadedKey::Ec { pkcs8, kind } => {
                let pair = ec_pair(pkcs8, *kind, digest)?;
                let s = pair.sign(&rng, message).map_err(|_| KeyProblem::SigningFailed(SigningFailure::Ecdsa))?;
                Ok(s.as_ref().to_vec())
            }
        }
    }
}

/// Puts the end-entity certificate (the one that issued none of the others) first, then
/// each issuer in turn, as CMS readers expect.
fn order_chain(mut certs: Vec<Certificate>) -> Vec<Certificate> {
    let issuer_of_someone =
        |c: &Certificate, all: &[Certificate]| all.iter().any(|o| o.tbs_certificate.issuer == c.tbs_certificate.subject && o != c);
    let Some(leaf_idx) = certs.iter().position(|c| !issuer_of_someone(c, &certs)) else {
        return certs;
    };
    let mut ordered = vec![certs.remove(leaf_idx)];
    while let Some(pos) = certs.iter().position(|c| ordered.last().is_some_and(|l| l.tbs_certificate.issuer == c.tbs_certificate.subject)) {
        ordered.push(certs.remove(pos));
    }
    ordered.extend(certs);
    ordered
}

/// Which token and key to use.
#[derive(Debug, Clone)]
pub struct Pkcs11Options {
    pub module: PathBuf,
    pub token_label: Option<String>,
    pub key_label: Option<String>,
    /// Certificates to use when the token holds only the key (e.g. the chain's CAs).
    pub extra_certs: Vec<Certificate>,
}

/// A key on a PKCS#11 token. One login serves every signature made through it; the
/// session is shared behind a mutex because tokens sign one request at a time anyway.
pub struct Pkcs11Key {
    _ctx: Pkcs11,
    session: Mutex<Session>,
    key: ObjectHandle,
    chain: Vec<Certificate>,
    kind: KeyKind,
}

impl Pkcs11Key {
    /// Opens the token, reads the certificates (public objects, no login yet), lets
    /// `check` refuse them (Điều 29 pre-checks happen before the key is touched), then
    /// asks `pin` for the PIN and logs in once. A rejected PIN is returned as
    /// `SignError::BadSecret` and never retried: tokens lock after a few wrong ones.
    pub fn open(
        opts: &Pkcs11Options,
        check: impl FnOnce(&[Certificate]) -> Result<(), SignError>,
        pin: impl FnOnce() -> Result<Zeroizing<String>, SignError>,
    ) -> Result<Self, SignError> {
        let key_err = |step: Pkcs11Step, e: cryptoki::error::Error| KeyProblem::Pkcs11 { module: opts.module.clone(), step, source: e };
        let ctx = Pkcs11::new(&opts.module).map_err(|e| key_err(Pkcs11Step::LoadModule, e))?;
        ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)).map_err(|e| key_err(Pkcs11Step::Initialize, e))?;
        let slots = ctx.get_slots_with_token().map_err(|e| key_err(Pkcs11Step::ListTokens, e))?;
        let mut chosen = None;
        let mut labels = Vec::new();
        for slot in slots {
            let info = ctx.get_token_info(slot).map_err(|e| key_err(Pkcs11Step::TokenInfo, e))?;
            let label = info.label().trim().to_string();
            if opts.token_label.as_deref().is_none_or(|want| want == label) {
                chosen = Some(slot);
                break;
            }
            labels.push(label);
        }
        let slot = chosen.ok_or_else(|| match &opts.token_label {
            Some(l) => KeyProblem::NoTokenLabelled { module: opts.module.clone(), label: l.clone(), present: labels.clone() },
            None => KeyProblem::NoToken { module: opts.module.clone() },
        })?;
        let session = ctx.open_ro_session(slot).map_err(|e| key_err(Pkcs11Step::OpenSession, e))?;

        // Certificates are public objects on the tokens in use: read and check them
        // before the PIN is asked for and the key touched.
        let public_certs = read_certificates(&session, opts.key_label.as_deref());
        let Some((first, _)) = public_certs.first() else {
            return Err(KeyProblem::NoPublicCertificate.into());
        };
        let checked_leaf = first.clone();
        check(&assemble_chain(checked_leaf.clone(), public_certs.iter().map(|(c, _)| c.clone()).collect(), &opts.extra_certs))?;
        login(&session, pin)?;

        let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
        if let Some(l) = &opts.key_label {
            template.push(Attribute::Label(l.as_bytes().to_vec()));
        }
        let keys = session.find_objects(&template).map_err(|e| key_err(Pkcs11Step::FindKeys, e))?;
        let key = match (keys.len(), &opts.key_label) {
            (0, Some(l)) => return Err(KeyProblem::NoKeyLabelled(l.clone()).into()),
            (0, None) => return Err(KeyProblem::NoKey.into()),
            (1, _) => keys[0],
            (n, None) => return Err(KeyProblem::SeveralKeys(n).into()),
            (_, Some(l)) => return Err(KeyProblem::SeveralKeysLabelled(l.clone()).into()),
        };
        let attrs = session
            .get_attributes(key, &[AttributeType::Id, AttributeType::KeyType, AttributeType::Label])
            .map_err(|e| key_err(Pkcs11Step::KeyAttributes, e))?;
        let mut id = None;
        let mut key_type = None;
        for a in attrs {
            match a {
                Attribute::Id(v) => id = Some(v),
                Attribute::KeyType(t) => key_type = Some(t),
                _ => {}
            }
        }
        // The certificate shares the key's CKA_ID.
        let all_certs = read_certificates(&session, None);
        let leaf = all_certs
            .iter()
            .find(|(_, cid)| id.as_ref().is_some_and(|id| id == cid))
            .map(|(c, _)| c.clone())
            .ok_or(KeyProblem::NoCertificateForKey)?;
        if leaf != checked_leaf {
            return Err(KeyProblem::CheckedCertificateNotTheKeys.into());
        }
        let ordered = assemble_chain(leaf, all_certs.into_iter().map(|(c, _)| c).collect(), &opts.extra_certs);

        let kind = match key_type {
            Some(KeyType::RSA) => {
                let spki = &ordered[0].tbs_certificate.subject_public_key_info;
                KeyKind::Rsa { bits: rsa_bits(spki.subject_public_key.raw_bytes()) }
            }
            Some(KeyType::EC) => {
                let params = ordered[0]
                    .tbs_certificate
                    .subject_public_key_info
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
                match params.map(|o| o.to_string()).as_deref() {
                    Some("1.2.840.10045.3.1.7") => KeyKind::EcP256,
                    Some("1.3.132.0.34") => KeyKind::EcP384,
                    _ => return Err(KeyProblem::UnsupportedKey.into()),
                }
            }
            _ => return Err(KeyProblem::UnsupportedKey.into()),
        };
        Ok(Pkcs11Key { _ctx: ctx, session: Mutex::new(session), key, chain: ordered, kind })
    }
}
fn login(session: &Session, pin: impl FnOnce() -> Result<Zeroizing<String>, SignError>) -> Result<(), SignError> {
    use cryptoki::error::{Error, RvError};
    let pin = pin()?;
    let auth = AuthPin::new(pin.as_str().into());
    match session.login(UserType::User, Some(&auth)) {
        Ok(()) | Err(Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(Error::Pkcs11(RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange, _)) => {
            Err(SignError::BadSecret(crate::SecretProblem::PinRejected))
        }
        Err(Error::Pkcs11(RvError::PinLocked, _)) => Err(SignError::BadSecret(crate::SecretProblem::PinLocked)),
        Err(e) => Err(KeyProblem::SigningFailed(SigningFailure::Login(e)).into()),
    }
}

/// Certificates on the token with their CKA_ID; the one labelled `label` (or else the
/// first end-entity certificate) comes first.
fn read_certificates(session: &Session, label: Option<&str>) -> Vec<(Certificate, Vec<u8>)> {
    let mut out: Vec<(Certificate, Vec<u8>)> = Vec::new();
    let Ok(handles) = session.find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)]) else {
        return out;
    };
    for h in handles {
        let Ok(attrs) = session.get_attributes(h, &[AttributeType::Value, AttributeType::Id, AttributeType::Label]) else { continue };
        let (mut der, mut id, mut lab) = (None, Vec::new(), Vec::new());
        for a in attrs {
            match a {
                Attribute::Value(v) => der = Some(v),
                Attribute::Id(v) => id = v,
                Attribute::Label(v) => lab = v,
                _ => {}
            }
        }
        if let Some(c) = der.and_then(|d| Certificate::from_der(&d).ok()) {
            let preferred = match label {
                Some(l) => l.as_bytes() == lab.as_slice(),
                None => !chain_check::cert::is_ca(&c) && out.first().is_none_or(|(f, _)| chain_check::cert::is_ca(f)),
            };
            if preferred {
                out.insert(0, (c, id));
            } else {
                out.push((c, id));
            }
        }
    }
    out
}

/// The signer certificate first, then its issuers from `pool` and `extra`.
fn assemble_chain(leaf: Certificate, pool: Vec<Certificate>, extra: &[Certificate]) -> Vec<Certificate> {
    let mut rest: Vec<Certificate> = pool.into_iter().chain(extra.iter().cloned()).filter(|c| c != &leaf).collect();
    let mut ordered = vec![leaf];
    while let Some(pos) =
        rest.iter().position(|c| ordered.last().is_some_and(|l| l.tbs_certificate.issuer == c.tbs_certificate.subject && l != c))
    {
        ordered.push(rest.remove(pos));
    }
    ordered
}

/// Bit length of an RSA modulus from an RSAPublicKey DER (0 when unreadable).
pub(crate) fn rsa_bits(rsa_public_key: &[u8]) -> usize {
    #[derive(der::Sequence)]
    struct RsaPub<'a> {
        n: der::asn1::UintRef<'a>,
        e: der::asn1::UintRef<'a>,
    }
    RsaPub::from_der(rsa_public_key).map(|k| k.n.as_bytes().len() * 8).unwrap_or(0)
}

fn digest_info(digest: DigestAlg, hash: &[u8]) -> Result<Vec<u8>, SignError> {
    let alg = spki::AlgorithmIdentifierOwned { oid: digest.oid(), parameters: Some(der::Any::null()) };
    #[derive(der::Sequence)]
    struct DigestInfo {
        alg: spki::AlgorithmIdentifierOwned,
        digest: der::asn1::OctetString,
    }
    let di = DigestInfo { alg, digest: der::asn1::OctetString::new(hash).map_err(InternalError::Der)? };
    Ok(di.to_der().map_err(InternalError::Der)?)
}

fn mech_type(d: DigestAlg) -> (MechanismType, PkcsMgfType) {
    match d {
        DigestAlg::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        DigestAlg::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
        _ => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
    }
}

impl KeySource for Pkcs11Key {
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn kind(&self) -> KeyKind {
        self.kind
    }

    fn sign(&self, message: &[u8], digest: DigestAlg, padding: RsaPadding) -> Result<Vec<u8>, SignError> {
        if digest == DigestAlg::Sha1 {
            return Err(KeyProblem::DigestNotAllowed { digest: DigestAlg::Sha1.name() }.into());
        }
        let hash = digest.digest(message);
        let session = self.session.lock().map_err(|_| InternalError::SessionPoisoned)?;
        let token_err = |e: cryptoki::error::Error| SignError::from(KeyProblem::SigningFailed(SigningFailure::Token(e)));
        match (self.kind, padding) {
            (KeyKind::Rsa { .. }, RsaPadding::Pkcs1v15) => {
                session.sign(&Mechanism::RsaPkcs, self.key, &digest_info(digest, &hash)?).map_err(token_err)
            }
            (KeyKind::Rsa { .. }, RsaPadding::Pss) => {
                let (hash_alg, mgf) = mech_type(digest);
                let params = PkcsPssParams { hash_alg, mgf, s_len: (hash.len() as u64).into() };
                session.sign(&Mechanism::RsaPkcsPss(params), self.key, &hash).map_err(token_err)
            }
            (KeyKind::EcP256 | KeyKind::EcP384, _) => {
                let raw = session.sign(&Mechanism::Ecdsa, self.key, &hash).map_err(token_err)?;
                ecdsa_raw_to_der(&raw)
            }
        }
    }
}

/// PKCS#11 returns ECDSA signatures as r‖s; CMS wants ECDSA-Sig-Value (DER).
pub(crate) fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, SignError> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return Err(KeyProblem::SigningFailed(SigningFailure::MalformedEcdsa).into());
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    #[derive(der::Sequence)]
    struct EcdsaSig<'a> {
        r: der::asn1::UintRef<'a>,
        s: der::asn1::UintRef<'a>,
    }
    let bad = |e: der::Error| SignError::Internal(InternalError::Der(e));
    EcdsaSig { r: der::asn1::UintRef::new(r).map_err(bad)?, s: der::asn1::UintRef::new(s).map_err(bad)? }.to_der().map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn secret_files_are_read_whole_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        for len in [0usize, 1, 63, 64, 65, 4096] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &data).unwrap();
            assert_eq!(*read_secret_file(&path, 4096).unwrap(), data, "{len} bytes");
        }
        std::fs::write(&path, vec![b'x'; 4097]).unwrap();
        let err = read_secret_file(&path, 4096).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
        assert!(read_secret_file(&dir.path().join("missing"), 4096).is_err());
    }

    /// A pipe has no size: the buffer grows from 65 bytes, each step moving the bytes
    /// into a new zeroizing buffer, and the limit still holds.
    #[test]
    fn secret_files_from_a_pipe_grow_and_stay_bounded() {
        for (len, max, ok) in [(5000usize, 8192usize, true), (10_000, 8192, false)] {
            let (reader, mut writer) = std::io::pipe().unwrap();
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sent = data.clone();
            let feeder = std::thread::spawn(move || {
                // The reader stops at the limit and closes the pipe: a refused write is fine.
                let _ = writer.write_all(&sent);
            });
            let path = PathBuf::from(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&reader)));
            let got = read_secret_file(&path, max);
            drop(reader);
            feeder.join().unwrap();
            match got {
                Ok(buf) if ok => assert_eq!(*buf, data),
                Err(e) if !ok => assert_eq!(e.kind(), std::io::ErrorKind::InvalidData, "{e}"),
                other => panic!("{len} bytes, limit {max}: {:?}", other.map(|b| b.len())),
            }
        }
    }
}
