//! The PKI's CRLs: made with the PKI, and made again later (`vbdt testpki --reissue-crls`)
//! from what its `index.txt` marks revoked.

use std::fs;
use std::path::Path;

use rcgen::{
    CertificateParams, CertificateRevocationListParams, DistinguishedName, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason,
    RevokedCertParams, SerialNumber,
};
use time::{Duration, OffsetDateTime};

use crate::error::{Context, Error, Result};
use crate::files::write_file;
use crate::keys::key_kind;
use crate::openssl::{openssl_time, parse_openssl_time};
use crate::Shape;

/// `root.crl` (empty) and `ca.crl` (listing `revoked`: serial and time) into `dir`,
/// issued at `this_update`, valid ten years.
pub(crate) fn write_crls(
    dir: &Path,
    root: &Issuer<'_, &KeyPair>,
    ca: &Issuer<'_, &KeyPair>,
    this_update: OffsetDateTime,
    revoked: &[(Vec<u8>, OffsetDateTime)],
) -> Result<()> {
    let crl_number =
        SerialNumber::from_slice(&u64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000).unwrap_or(1).to_be_bytes());
    let params = |revoked_certs| CertificateRevocationListParams {
        this_update,
        next_update: this_update + Duration::days(3650),
        crl_number: crl_number.clone(),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: KeyIdMethod::Sha256,
    };
    let root_crl = params(Vec::new()).signed_by(root).context("signing root.crl")?;
    let listed = revoked_entries(revoked.iter().map(|(serial, when)| (serial.as_slice(), *when)));
    let ca_crl = params(listed).signed_by(ca).context("signing ca.crl")?;
    write_file(&dir.join("root.crl"), root_crl.der())?;
    write_file(&dir.join("ca.crl"), ca_crl.der())
}

/// `vbdt testpki --out PKI --reissue-crls DIR [--revoke NAME]…`: fresh `root.crl` and
/// `ca.crl` (issued now) for the test PKI in `pki` into `out`, listing what index.txt
/// marks revoked and, revoked now, every certificate named in `revoke` (`NAME.pem` of the
/// PKI; also marked revoked in the PKI's index.txt, so that its OCSP responder agrees).
/// Tests use it for evidence issued after a signature, and to revoke a signer later.
pub fn reissue_crls(pki: &Path, out: &Path, revoke: &[String]) -> Result<()> {
    let shape_text = fs::read_to_string(pki.join("shape.txt")).unwrap_or_else(|_| "vgca".into());
    let shape = Shape::parse(&shape_text)
        .ok_or_else(|| Error::msg(format!("{}: unknown shape {shape_text:?}", pki.join("shape.txt").display())))?;
    let load_key = |name: &str| -> Result<KeyPair> {
        let path = pki.join(format!("{name}.key.pem"));
        let pem = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        KeyPair::from_pkcs8_pem_and_sign_algo(&pem, key_kind(name).alg()).with_context(|| format!("{} is not a usable key", path.display()))
    };
    let (root_key, ca_key) = (load_key("root")?, load_key("ca")?);
    let issuer_params = |dn: DistinguishedName| {
        let mut p = CertificateParams::default();
        p.distinguished_name = dn;
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.key_identifier_method = KeyIdMethod::Sha256;
        p
    };
    let (root_params, ca_params) = (issuer_params(shape.root_dn()?), issuer_params(shape.ca_dn()?));
    let (root, ca) = (Issuer::from_params(&root_params, &root_key), Issuer::from_params(&ca_params, &ca_key));
    let now = crate::now()?;
    let index_path = pki.join("index.txt");
    let mut index = fs::read_to_string(&index_path).with_context(|| format!("reading {}", index_path.display()))?;
    let mut revoked = Vec::new();
    for name in revoke {
        let serial = serial_of(&pki.join(format!("{name}.pem")))?;
        let hex = hex::encode_upper(&serial);
        let stamp = openssl_time(now)?;
        index = index
            .lines()
            .map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                match cols.as_slice() {
                    ["V", expiry, _, s, rest @ ..] if *s == hex => {
                        format!("R\t{expiry}\t{stamp},keyCompromise\t{s}\t{}\n", rest.join("\t"))
                    }
                    _ => format!("{l}\n"),
                }
            })
            .collect();
    }
    for line in index.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if let ["R", _, when, serial, ..] = cols.as_slice() {
            let when = when.split(',').next().unwrap_or("");
            let serial = hex::decode(serial.trim()).with_context(|| format!("serial {serial:?} in index.txt"))?;
            revoked.push((serial, parse_openssl_time(when)?));
        }
    }
    if !revoke.is_empty() {
        write_file(&index_path, index.as_bytes())?;
    }
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    write_crls(out, &root, &ca, now, &revoked)
}

/// The serial number of the certificate in a PEM file.
fn serial_of(pem_path: &Path) -> Result<Vec<u8>> {
    use x509_cert::der::DecodePem;
    let pem = fs::read_to_string(pem_path).with_context(|| format!("reading {}", pem_path.display()))?;
    let cert = x509_cert::Certificate::from_pem(pem.as_bytes()).with_context(|| pem_path.display().to_string())?;
    Ok(cert.tbs_certificate.serial_number.as_bytes().to_vec())
}

/// CRL entries for `(serial, revocation time)` pairs, each revoked for key compromise (the
/// test PKI's and chain-check's tests' CRLs alike).
pub fn revoked_entries<'a>(revoked: impl IntoIterator<Item = (&'a [u8], OffsetDateTime)>) -> Vec<RevokedCertParams> {
    revoked
        .into_iter()
        .map(|(serial, when)| RevokedCertParams {
            serial_number: SerialNumber::from_slice(serial),
            revocation_time: when,
            reason_code: Some(RevocationReason::KeyCompromise),
            invalidity_date: None,
        })
        .collect()
}
