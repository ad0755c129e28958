//! A throwaway test PKI shaped like the Vietnamese government one (root → issuing CA →
//! personal / organization certificates), plus the broken certificates, OCSP responder and
//! TSA certificates, CRLs, an OpenSSL CA database for `openssl ocsp -index` and an
//! `openssl ts` configuration. `vbdt testpki` and `vbdt demo` write it; the test suites
//! use it and its building blocks ([`ext`], and, with the `build` feature that only test
//! suites turn on, `build` for PKIs made certificate by certificate).
//!
//! Everything here is for tests and demos only: the keys are written unencrypted
//! and the PKCS#12 password is published in `password.txt`.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use const_oid::db::rfc5280;
use const_oid::ObjectIdentifier;
use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyIdMethod, KeyPair, KeyUsagePurpose, SerialNumber,
};
use time::{Duration, OffsetDateTime};

#[cfg(feature = "build")]
pub mod build;
mod crl;
mod error;
pub mod ext;
mod files;
mod keys;
mod names;
mod openssl;

pub use crl::{reissue_crls, revoked_entries};
pub use error::{Error, Result};
pub use names::name;
/// The rcgen the builders speak, for test suites to name its types without a dependency of their own.
pub use rcgen;

use error::Context;
use files::{write_file, write_secret};

/// The PKCS#12 password written to `password.txt` unless told otherwise.
pub const DEFAULT_PASSWORD: &str = "vbdt-test";

/// The end-entity certificates issued by the test CA, in the order they are made.
pub const END_ENTITIES: &[&str] = &[
    "personal",
    "organization",
    "personal-ec256",
    "personal-ec384",
    "personal-rsa4096",
    "personal2",
    "expired",
    "notyet",
    "revoked",
    "wrongku",
    "clientauth",
    "ocsp",
    "tsa",
];

/// Certificate policy written into end-entity certificates of a `vgca`-shaped test PKI:
/// its own, 1.3.6.1.4.1.32473.704.1.1 under IANA's enterprise number for documentation
/// (RFC 5612), not the government's 2.16.704.1.1.1.1.1, so that a test of "the trust
/// anchor requires a policy" proves something.
pub const POLICY_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.704.1.1");
/// The same for a `neac`-shaped test PKI: 1.3.6.1.4.1.32473.704.2.1.
pub const PUBLIC_POLICY_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.704.2.1");

/// What to generate and where.
#[derive(Debug, Clone)]
pub struct TestPkiOptions {
    /// Directory to write into (created if missing; existing files of the same name are replaced).
    pub out: PathBuf,
    /// OCSP URL written into the end-entity certificates' AIA extension.
    pub ocsp_url: Option<String>,
    /// Base URL the CRL distribution points are made from (`{base}root.crl`, `{base}ca.crl`).
    pub crl_base_url: Option<String>,
    /// Password of every `NAME.p12`, also written to `password.txt`.
    pub password: String,
    /// Which real PKI the names imitate (the government CA, or the public CAs' root).
    pub shape: Shape,
    /// caIssuers URL written into the end-entity certificates' AIA extension (where the
    /// issuing CA certificate, `ca.crt`, is served).
    pub ca_issuers_url: Option<String>,
    /// Directory of cached private keys: a key found there (`NAME.KIND.key.pem`) is
    /// reused, a missing one is generated and stored there. Test suites use this to
    /// avoid paying for RSA key generation in every test process.
    pub key_cache: Option<PathBuf>,
}

impl TestPkiOptions {
    /// Options writing into `out`, with no URLs, the default password and no key cache.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self {
            out: out.into(),
            ocsp_url: None,
            crl_base_url: None,
            password: DEFAULT_PASSWORD.to_owned(),
            shape: Shape::Vgca,
            ca_issuers_url: None,
            key_cache: None,
        }
    }
}

/// Which real PKI a test PKI imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Shape {
    /// The government CA (Ban Cơ yếu Chính phủ): official-duty signatures.
    #[default]
    Vgca,
    /// The national root of the licensed public CAs: public signatures.
    Neac,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Vgca => "vgca",
            Shape::Neac => "neac",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Shape> {
        match s.trim() {
            "vgca" => Some(Shape::Vgca),
            "neac" => Some(Shape::Neac),
            _ => None,
        }
    }

    /// The CA organization, the root's and the issuing CA's common names.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Shape::Vgca => ("Ban Cơ yếu Chính phủ (thử nghiệm)", "vbdt Test Root CA", "vbdt Test CA phục vụ các cơ quan Nhà nước"),
            Shape::Neac => {
                ("Bộ Thông tin và Truyền thông (thử nghiệm)", "vbdt Test MIC National Root CA", "vbdt Test Public CA (VNPT-CA thử nghiệm)")
            }
        }
    }

    fn policy(self) -> ObjectIdentifier {
        match self {
            Shape::Vgca => POLICY_OID,
            Shape::Neac => PUBLIC_POLICY_OID,
        }
    }

    pub(crate) fn root_dn(self) -> Result<DistinguishedName> {
        let (org, root, _) = self.names();
        names::name(&[(DnType::CountryName, "VN"), (DnType::OrganizationName, org), (DnType::CommonName, root)])
    }

    pub(crate) fn ca_dn(self) -> Result<DistinguishedName> {
        let (org, _, ca) = self.names();
        names::name(&[(DnType::CountryName, "VN"), (DnType::OrganizationName, org), (DnType::CommonName, ca)])
    }
}

/// Where the generated files are.
#[derive(Debug, Clone)]
pub struct TestPkiFiles {
    /// The directory everything was written into.
    pub dir: PathBuf,
    /// The PKCS#12 password (also in `password.txt`).
    pub password: String,
    /// Serial number of each certificate by name (`root`, `ca`, and every end entity),
    /// upper-case hex as OpenSSL prints it.
    pub serials: BTreeMap<String, String>,
}

impl TestPkiFiles {
    /// `DIR/NAME.pem` (also `root` and `ca`).
    pub fn cert(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.pem"))
    }
    /// `DIR/NAME.key.pem` (PKCS#8, unencrypted).
    pub fn key(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.key.pem"))
    }
    /// `DIR/NAME.p12` (end entities only).
    pub fn p12(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.p12"))
    }
    /// The root certificate.
    pub fn root(&self) -> PathBuf {
        self.cert("root")
    }
    /// The issuing CA certificate.
    pub fn ca(&self) -> PathBuf {
        self.cert("ca")
    }
    /// `chain.pem`: issuing CA then root.
    pub fn chain(&self) -> PathBuf {
        self.dir.join("chain.pem")
    }
    /// `password.txt`.
    pub fn password_file(&self) -> PathBuf {
        self.dir.join("password.txt")
    }
    /// `tsa.cnf`, for `openssl ts -reply -config`.
    pub fn tsa_config(&self) -> PathBuf {
        self.dir.join("tsa.cnf")
    }
    /// `index.txt`, for `openssl ocsp -index`.
    pub fn index(&self) -> PathBuf {
        self.dir.join("index.txt")
    }
    /// `NAME.crl` (`root` or `ca`), DER.
    pub fn crl(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.crl"))
    }
}

/// Generates the whole test PKI into `opts.out`.
pub fn generate(opts: &TestPkiOptions) -> Result<TestPkiFiles> {
    if opts.password.is_empty() || opts.password.contains(['\n', '\r']) {
        return Err(Error::msg("the PKCS#12 password must be one non-empty line"));
    }
    fs::create_dir_all(&opts.out).with_context(|| format!("creating {}", opts.out.display()))?;
    let dir = fs::canonicalize(&opts.out).with_context(|| format!("resolving {}", opts.out.display()))?;
    let now = now()?;

    let mut names: Vec<&str> = vec!["root", "ca"];
    names.extend_from_slice(END_ENTITIES);
    let keys = keys::obtain_keys(&names, opts.key_cache.as_deref())?;
    let key = |name: &str| keys.get(name).ok_or_else(|| Error::msg(format!("no key for {name}")));

    let mut serials = BTreeMap::new();
    let authorities = Authorities::make(opts, now, (key("root")?, key("ca")?), &mut serials)?;
    authorities.write(&dir, opts.shape)?;

    let revoked_at = now - Duration::days(1);
    let mut index = String::new();
    let mut revoked_serial = None;
    for &name in END_ENTITIES {
        let made = end_entity(name, opts, now, key(name)?, &authorities, &mut serials)?;
        write_file(&dir.join(format!("{name}.pem")), made.cert.pem().as_bytes())?;
        write_secret(&dir.join(format!("{name}.key.pem")), key(name)?.serialize_pem().as_bytes())?;
        write_secret(&dir.join(format!("{name}.p12")), &pkcs12(name, &made, key(name)?, &authorities, &opts.password)?)?;
        let revoked = (name == "revoked").then_some(revoked_at);
        index.push_str(&openssl::index_line(&made.serial, &made.subject, made.not_after, revoked)?);
        if revoked.is_some() {
            revoked_serial = Some(made.serial);
        }
    }

    // CRLs: empty one from the root, one from the CA listing `revoked`.
    let revoked_serial = revoked_serial.ok_or_else(|| Error::msg("no revoked certificate was made"))?;
    let this_update = now - Duration::minutes(5);
    crl::write_crls(&dir, &authorities.root_issuer(), &authorities.ca_issuer(), this_update, &[(revoked_serial, revoked_at)])?;

    write_file(&dir.join("index.txt"), index.as_bytes())?;
    write_file(&dir.join("index.txt.attr"), b"unique_subject = no\n")?;
    write_file(&dir.join("tsaserial"), b"01\n")?;
    write_file(&dir.join("tsa.cnf"), openssl::tsa_config(&dir)?.as_bytes())?;
    write_file(&dir.join("password.txt"), format!("{}\n", opts.password).as_bytes())?;
    write_file(&dir.join("README.txt"), readme(opts).as_bytes())?;

    Ok(TestPkiFiles { dir, password: opts.password.clone(), serials })
}

/// Now, in whole seconds: certificates and the OpenSSL database carry no fractions.
pub(crate) fn now() -> Result<OffsetDateTime> {
    OffsetDateTime::now_utc().replace_nanosecond(0).context("clock")
}

/// The root and the issuing CA: their parameters (an issuer is made of them and a key),
/// keys and certificates.
struct Authorities<'k> {
    root_params: CertificateParams,
    root_key: &'k KeyPair,
    root_cert: rcgen::Certificate,
    ca_params: CertificateParams,
    ca_key: &'k KeyPair,
    ca_cert: rcgen::Certificate,
}

impl<'k> Authorities<'k> {
    /// Root: 20 years, starting two years ago so that "expired" certificates still fall
    /// inside the issuers' validity. Issuing CA: 17 years from then, path length 0, any policy.
    fn make(
        opts: &TestPkiOptions,
        now: OffsetDateTime,
        (root_key, ca_key): (&'k KeyPair, &'k KeyPair),
        serials: &mut BTreeMap<String, String>,
    ) -> Result<Self> {
        let year = Duration::days(365);
        let root_from = now - 2 * year;
        let mut root_params = CertificateParams::default();
        root_params.distinguished_name = opts.shape.root_dn()?;
        root_params.not_before = root_from;
        root_params.not_after = root_from + 20 * year;
        root_params.serial_number = Some(new_serial(serials, "root")?);
        root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        root_params.key_identifier_method = KeyIdMethod::Sha256;
        let root_cert = root_params.self_signed(root_key).context("signing the root certificate")?;

        let mut ca_params = CertificateParams::default();
        ca_params.distinguished_name = opts.shape.ca_dn()?;
        ca_params.not_before = root_from;
        ca_params.not_after = root_from + 17 * year;
        ca_params.serial_number = Some(new_serial(serials, "ca")?);
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.use_authority_key_identifier_extension = true;
        if let Some(url) = crl_url(opts, "root.crl") {
            ca_params.crl_distribution_points = vec![CrlDistributionPoint { uris: vec![url] }];
        }
        ca_params.custom_extensions.push(ext::cert_policies(&[rfc5280::ANY_POLICY])?);
        let ca_cert = ca_params.signed_by(ca_key, &Issuer::from_params(&root_params, root_key)).context("signing the CA certificate")?;
        Ok(Authorities { root_params, root_key, root_cert, ca_params, ca_key, ca_cert })
    }

    fn root_issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.root_params, self.root_key)
    }

    fn ca_issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.ca_params, self.ca_key)
    }

    /// `root.pem`, `ca.pem`, `ca.crt` (DER, as CAs publish it at their caIssuers address),
    /// `chain.pem`, their keys and `shape.txt`.
    fn write(&self, dir: &std::path::Path, shape: Shape) -> Result<()> {
        write_file(&dir.join("root.pem"), self.root_cert.pem().as_bytes())?;
        write_secret(&dir.join("root.key.pem"), self.root_key.serialize_pem().as_bytes())?;
        write_file(&dir.join("ca.pem"), self.ca_cert.pem().as_bytes())?;
        write_file(&dir.join("ca.crt"), self.ca_cert.der())?;
        write_file(&dir.join("shape.txt"), format!("{}\n", shape.name()).as_bytes())?;
        write_secret(&dir.join("ca.key.pem"), self.ca_key.serialize_pem().as_bytes())?;
        write_file(&dir.join("chain.pem"), format!("{}{}", self.ca_cert.pem(), self.root_cert.pem()).as_bytes())
    }
}

/// `{base}NAME` when the options give a CRL base URL.
fn crl_url(opts: &TestPkiOptions, name: &str) -> Option<String> {
    opts.crl_base_url.as_ref().map(|base| format!("{base}{name}"))
}

/// An end-entity certificate as made: what `index.txt` and the PKCS#12 file need.
struct EndEntity {
    cert: rcgen::Certificate,
    serial: Vec<u8>,
    subject: Vec<(DnType, &'static str)>,
    not_after: OffsetDateTime,
}

/// The subject of end entity `name`: the official of the fixture quyet-dinh.pdf (the
/// default), the clerk's agency, another official, or the responder and TSA of the test CA.
fn end_entity_subject(name: &str, shape: Shape) -> Vec<(DnType, &'static str)> {
    let title = DnType::CustomDnType(ext::arcs(&const_oid::db::rfc4519::TITLE));
    let test_ca =
        |cn: &'static str| vec![(DnType::CountryName, "VN"), (DnType::OrganizationName, shape.names().0), (DnType::CommonName, cn)];
    match name {
        "organization" => vec![
            (DnType::CountryName, "VN"),
            (DnType::StateOrProvinceName, "Điện Biên"),
            (DnType::CommonName, "Ủy ban nhân dân tỉnh Điện Biên"),
        ],
        "personal2" => vec![
            (DnType::CountryName, "VN"),
            (DnType::StateOrProvinceName, "Lai Châu"),
            (DnType::OrganizationName, "Sở Khoa học và Công nghệ tỉnh Lai Châu"),
            (title, "Chánh Văn phòng"),
            (DnType::CommonName, "Trần Thị Bình"),
        ],
        "ocsp" => test_ca("vbdt Test OCSP Responder"),
        "tsa" => test_ca("vbdt Test TSA"),
        _ => vec![
            (DnType::CountryName, "VN"),
            (DnType::StateOrProvinceName, "Điện Biên"),
            (DnType::OrganizationName, "Ủy ban nhân dân tỉnh Điện Biên"),
            (title, "Phó Chủ tịch"),
            (DnType::CommonName, "Nguyễn Văn An"),
        ],
    }
}

/// Which of the usual end-entity extensions a certificate carries.
struct Extras {
    /// AIA (OCSP, caIssuers) and CRL distribution point.
    revocation_info: bool,
    /// The shape's certificate policy.
    policy: bool,
}

/// The validity and usages of end entity `name`: a signer's by default (7 days ago to 5
/// years ahead, digital signature and non-repudiation), changed for the broken ones and for
/// the responder and the TSA.
fn end_entity_profile(name: &str, p: &mut CertificateParams, now: OffsetDateTime) -> Result<Extras> {
    let (day, year) = (Duration::days(1), Duration::days(365));
    p.not_before = now - Duration::days(7);
    p.not_after = now + 5 * year;
    p.is_ca = IsCa::ExplicitNoCa;
    p.use_authority_key_identifier_extension = true;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection, ExtendedKeyUsagePurpose::ClientAuth];
    let mut extras = Extras { revocation_info: true, policy: true };
    match name {
        "expired" => {
            p.not_before = now - 400 * day;
            p.not_after = now - day;
        }
        "notyet" => {
            p.not_before = now + 30 * day;
            p.not_after = now + 2 * year;
        }
        "wrongku" => {
            p.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        }
        "clientauth" => {
            // A signing key usage, but an extended key usage of TLS client
            // authentication only: a login certificate (Điều 31.1.b).
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        }
        "ocsp" => {
            // Responder and TSA outlive the signers (9 years, inside the CA's 17): an
            // archive validated after a signer's expiry still has a valid latest
            // timestamp (issue 6). The OCSP replies (-ndays 3650) and CRLs (+10 years)
            // stay current that long too.
            p.not_after = now + 9 * year;
            p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
            p.custom_extensions.push(ext::ocsp_nocheck()?);
            extras = Extras { revocation_info: false, policy: false };
        }
        "tsa" => {
            p.not_after = now + 9 * year;
            // RFC 3161 §2.3: the timeStamping EKU must be the only one, and critical.
            p.extended_key_usages = Vec::new();
            p.custom_extensions.push(ext::timestamping_only()?);
            extras.policy = false;
        }
        _ => {}
    }
    Ok(extras)
}

/// Makes end entity `name`, signed by the issuing CA.
fn end_entity(
    name: &str,
    opts: &TestPkiOptions,
    now: OffsetDateTime,
    key: &KeyPair,
    authorities: &Authorities<'_>,
    serials: &mut BTreeMap<String, String>,
) -> Result<EndEntity> {
    let mut p = CertificateParams::default();
    let extras = end_entity_profile(name, &mut p, now)?;
    let subject = end_entity_subject(name, opts.shape);
    p.distinguished_name = names::name(&subject)?;
    p.serial_number = Some(new_serial(serials, name)?);
    if extras.revocation_info {
        if let Some(ext) = ext::aia(opts.ocsp_url.as_deref(), opts.ca_issuers_url.as_deref())? {
            p.custom_extensions.push(ext);
        }
        if let Some(url) = crl_url(opts, "ca.crl") {
            p.crl_distribution_points = vec![CrlDistributionPoint { uris: vec![url] }];
        }
    }
    if extras.policy {
        p.custom_extensions.push(ext::cert_policies(&[opts.shape.policy()])?);
    }
    let cert = p.signed_by(key, &authorities.ca_issuer()).with_context(|| format!("signing the {name} certificate"))?;
    let serial = p.serial_number.as_ref().map(|s| s.to_bytes()).unwrap_or_default();
    Ok(EndEntity { cert, serial, subject, not_after: p.not_after })
}

/// `NAME.p12`: the key and the chain (leaf, CA, root), PBES2 with AES-256 and an
/// HMAC-SHA256 MAC, the friendly name `name`.
fn pkcs12(name: &str, made: &EndEntity, key: &KeyPair, authorities: &Authorities<'_>, password: &str) -> Result<Vec<u8>> {
    let cert = |der: &[u8], what: &str| {
        p12_keystore::Certificate::from_der(der).map_err(|e| Error::msg(format!("re-reading the {what} certificate: {e}")))
    };
    let chain = [cert(made.cert.der(), name)?, cert(authorities.ca_cert.der(), "CA")?, cert(authorities.root_cert.der(), "root")?];
    let p12_key =
        p12_keystore::PrivateKey::from_der(key.serialized_der()).map_err(|e| Error::msg(format!("re-reading the {name} key: {e}")))?;
    let chain = p12_keystore::PrivateKeyChain::new(made.serial.clone(), p12_key, chain);
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(name, p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    store
        .writer(password)
        .encryption_algorithm(p12_keystore::EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
        .mac_algorithm(p12_keystore::MacAlgorithm::HmacSha256)
        .write()
        .map_err(|e| Error::msg(format!("writing {name}.p12: {e}")))
}

/// A fresh random positive 16-byte serial, recorded under `name`.
fn new_serial(serials: &mut BTreeMap<String, String>, name: &str) -> Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::msg("the system random generator failed"))?;
    // Positive (top bit clear) and exactly 16 bytes long (no leading zero byte).
    bytes[0] = (bytes[0] & 0x7f) | 0x10;
    serials.insert(name.to_owned(), hex::encode_upper(bytes));
    Ok(SerialNumber::from_slice(&bytes))
}

fn readme(opts: &TestPkiOptions) -> String {
    format!(
        "THROWAWAY TEST PKI made by `vbdt testpki`. Never trust it for anything real.\n\
         The private keys are unencrypted and the PKCS#12 password ({pw:?}) is in password.txt.\n\
         \n\
         root.pem            vbdt Test Root CA (trust anchor), root.crl its CRL\n\
         ca.pem              issuing CA, ca.crl its CRL (lists `revoked`)\n\
         chain.pem           ca.pem + root.pem\n\
         NAME.pem / NAME.key.pem / NAME.p12 for NAME in: {names}\n\
         index.txt(.attr)    OpenSSL CA database: openssl ocsp -index index.txt -CA ca.pem -rsigner ocsp.pem -rkey ocsp.key.pem ...\n\
         tsa.cnf             openssl ts -reply -config tsa.cnf -queryfile Q -out R\n\
         \n\
         OCSP URL in the certificates: {ocsp}\n\
         CRL base URL in the certificates: {crl}\n",
        pw = opts.password,
        names = END_ENTITIES.join(", "),
        ocsp = opts.ocsp_url.as_deref().unwrap_or("(none)"),
        crl = opts.crl_base_url.as_deref().unwrap_or("(none)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;
    use std::sync::OnceLock;

    /// One PKI for all tests of this module (RSA key generation is slow).
    fn pki() -> &'static (tempfile::TempDir, TestPkiFiles) {
        static PKI: OnceLock<(tempfile::TempDir, TestPkiFiles)> = OnceLock::new();
        PKI.get_or_init(|| {
            let tmp = tempfile::tempdir().expect("tempdir");
            let mut opts = TestPkiOptions::new(tmp.path().join("pki"));
            opts.ocsp_url = Some("http://127.0.0.1:9/ocsp".into());
            opts.crl_base_url = Some("http://127.0.0.1:9/crl/".into());
            // nextest runs each test in its own process: share the (slow) RSA keys.
            // An empty cache (a fresh machine) exercises key generation itself.
            opts.key_cache = Some(std::env::temp_dir().join("vbdt-testpki-unit-keys"));
            let files = generate(&opts).expect("generate test PKI");
            (tmp, files)
        })
    }

    fn openssl(args: &[&str]) -> (bool, String) {
        let out = Command::new("openssl").args(args).output().expect("run openssl");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    fn parse_pem_cert(path: &Path) -> x509_cert::Certificate {
        use x509_cert::der::DecodePem;
        let pem = fs::read_to_string(path).expect("read cert");
        x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn every_file_is_there_and_every_certificate_parses() {
        let (_, f) = pki();
        for name in ["root", "ca"].iter().chain(END_ENTITIES) {
            let cert = parse_pem_cert(&f.cert(name));
            let serial = hex::encode_upper(cert.tbs_certificate.serial_number.as_bytes());
            assert_eq!(Some(&serial), f.serials.get(*name), "{name} serial");
            assert!(f.key(name).is_file(), "{name}.key.pem");
            let key = fs::read_to_string(f.key(name)).unwrap();
            assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{name}: PKCS#8 PEM");
        }
        for name in END_ENTITIES {
            assert!(f.p12(name).is_file(), "{name}.p12");
        }
        for file in ["root.crl", "ca.crl", "index.txt", "index.txt.attr", "tsa.cnf", "chain.pem", "password.txt", "README.txt"] {
            assert!(f.dir.join(file).is_file(), "{file}");
        }
        assert_eq!(fs::read_to_string(f.password_file()).unwrap().lines().next(), Some(DEFAULT_PASSWORD));
        // Distinct serials everywhere.
        let mut all: Vec<_> = f.serials.values().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), END_ENTITIES.len() + 2);
    }

    #[test]
    fn subjects_are_utf8_and_in_order() {
        let (_, f) = pki();
        let (ok, text) = openssl(&[
            "x509",
            "-in",
            f.cert("personal").to_str().unwrap(),
            "-noout",
            "-subject",
            "-nameopt",
            "utf8,sep_comma_plus_space,show_type",
        ]);
        assert!(ok, "{text}");
        assert!(
            text.contains("C=PRINTABLESTRING:VN, ST=UTF8STRING:Điện Biên, O=UTF8STRING:Ủy ban nhân dân tỉnh Điện Biên, title=UTF8STRING:Phó Chủ tịch, CN=UTF8STRING:Nguyễn Văn An"),
            "{text}"
        );
        let (ok, text) =
            openssl(&["x509", "-in", f.root().to_str().unwrap(), "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus_space"]);
        assert!(ok && text.contains("C=VN, O=Ban Cơ yếu Chính phủ (thử nghiệm), CN=vbdt Test Root CA"), "{text}");
        let (ok, text) =
            openssl(&["x509", "-in", f.cert("personal2").to_str().unwrap(), "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus_space"]);
        assert!(ok && text.contains("CN=Trần Thị Bình"), "{text}");
    }

    #[test]
    fn good_certificates_verify_up_to_root_and_broken_ones_do_not() {
        let (_, f) = pki();
        let root = f.root();
        let ca = f.ca();
        let verify = |name: &str, purpose: Option<&str>| {
            let cert = f.cert(name);
            let mut args = vec!["verify", "-CAfile", root.to_str().unwrap(), "-untrusted", ca.to_str().unwrap()];
            if let Some(p) = purpose {
                args.extend(["-purpose", p]);
            }
            args.push(cert.to_str().unwrap());
            openssl(&args)
        };
        for name in
            ["personal", "organization", "personal-ec256", "personal-ec384", "personal-rsa4096", "personal2", "revoked", "wrongku", "ocsp"]
        {
            let (ok, text) = verify(name, None);
            assert!(ok, "{name}: {text}");
        }
        let (ok, text) = verify("personal", Some("smimesign"));
        assert!(ok, "personal as S/MIME signer: {text}");
        let (ok, text) = verify("tsa", Some("timestampsign"));
        assert!(ok, "tsa as timestamp signer: {text}");
        let (ok, text) = verify("expired", None);
        assert!(!ok && text.contains("expired"), "expired must fail: {text}");
        let (ok, text) = verify("notyet", None);
        assert!(!ok && text.contains("not yet valid"), "notyet must fail: {text}");
        let (ok, text) = verify("wrongku", Some("smimesign"));
        assert!(!ok, "wrongku must not pass as a signer: {text}");
        // The CRL makes `revoked` fail.
        let crl = fs::read(f.crl("ca")).unwrap();
        let root_crl = fs::read(f.crl("root")).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let crls = tmp.path().join("crls.pem");
        fs::write(&crls, format!("{}{}", der_to_pem("X509 CRL", &crl), der_to_pem("X509 CRL", &root_crl))).unwrap();
        let revoked = f.cert("revoked");
        let args = [
            "verify",
            "-crl_check_all",
            "-CRLfile",
            crls.to_str().unwrap(),
            "-CAfile",
            root.to_str().unwrap(),
            "-untrusted",
            ca.to_str().unwrap(),
        ];
        let (ok, text) = openssl(&[&args[..], &[revoked.to_str().unwrap()]].concat());
        assert!(!ok && text.contains("revoked"), "revoked must fail with CRLs: {text}");
        let personal = f.cert("personal");
        let (ok, text) = openssl(&[&args[..], &[personal.to_str().unwrap()]].concat());
        assert!(ok, "personal passes with CRLs: {text}");
    }

    fn der_to_pem(label: &str, der: &[u8]) -> String {
        der::pem::encode_string(label, der::pem::LineEnding::LF, der).expect("PEM")
    }

    #[test]
    fn extensions_are_as_specified() {
        let (_, f) = pki();
        let text = |name: &str| {
            let (ok, t) = openssl(&["x509", "-in", f.cert(name).to_str().unwrap(), "-noout", "-text"]);
            assert!(ok, "{t}");
            t
        };
        let personal = text("personal");
        assert!(personal.contains("X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation"), "{personal}");
        assert!(personal.contains("E-mail Protection, TLS Web Client Authentication"), "{personal}");
        assert!(personal.contains("OCSP - URI:http://127.0.0.1:9/ocsp"), "{personal}");
        assert!(personal.contains("URI:http://127.0.0.1:9/crl/ca.crl"), "{personal}");
        assert!(personal.contains("Policy: 1.3.6.1.4.1.32473.704.1.1"), "{personal}");
        assert!(personal.contains("Public-Key: (2048 bit)"), "{personal}");
        let ca = text("ca");
        assert!(ca.contains("CA:TRUE, pathlen:0"), "{ca}");
        assert!(ca.contains("Certificate Sign, CRL Sign"), "{ca}");
        assert!(ca.contains("URI:http://127.0.0.1:9/crl/root.crl"), "{ca}");
        let tsa = text("tsa");
        assert!(tsa.contains("X509v3 Extended Key Usage: critical\n                Time Stamping"), "{tsa}");
        let ocsp = text("ocsp");
        assert!(ocsp.contains("OCSP Signing"), "{ocsp}");
        assert!(ocsp.contains("OCSP No Check"), "{ocsp}");
        let wrongku = text("wrongku");
        assert!(wrongku.contains("Key Encipherment") && !wrongku.contains("Digital Signature"), "{wrongku}");
        assert!(wrongku.contains("TLS Web Server Authentication") && !wrongku.contains("E-mail"), "{wrongku}");
        assert!(text("personal-ec256").contains("NIST CURVE: P-256"));
        assert!(text("personal-ec384").contains("NIST CURVE: P-384"));
        assert!(text("personal-rsa4096").contains("Public-Key: (4096 bit)"));
        assert!(text("root").contains("Public-Key: (3072 bit)"));
    }

    #[test]
    fn p12_files_open_with_openssl_and_hold_key_and_chain() {
        let (_, f) = pki();
        let pass = format!("pass:{}", f.password);
        for name in ["personal", "personal-ec384", "organization"] {
            let p12 = f.p12(name);
            let (ok, text) = openssl(&["pkcs12", "-info", "-noout", "-passin", &pass, "-in", p12.to_str().unwrap()]);
            assert!(ok, "{name}.p12: {text}");
            assert!(text.contains("PBES2") && text.contains("AES-256-CBC"), "{name}.p12 encryption: {text}");
            let (ok, text) = openssl(&["pkcs12", "-nodes", "-passin", &pass, "-in", p12.to_str().unwrap()]);
            assert!(ok, "{text}");
            assert_eq!(text.matches("BEGIN CERTIFICATE").count(), 3, "leaf + ca + root: {text}");
            assert_eq!(text.matches("BEGIN PRIVATE KEY").count(), 1, "{text}");
            assert!(text.contains(&format!("friendlyName: {name}")), "{text}");
        }
        let p12 = f.p12("personal");
        let (ok, _) = openssl(&["pkcs12", "-info", "-noout", "-passin", "pass:wrong", "-in", p12.to_str().unwrap()]);
        assert!(!ok, "a wrong password must fail");
    }

    #[test]
    fn revoked_is_in_the_ca_crl_and_the_root_crl_is_empty() {
        let (_, f) = pki();
        let (ok, text) = openssl(&["crl", "-inform", "DER", "-in", f.crl("ca").to_str().unwrap(), "-noout", "-text"]);
        assert!(ok, "{text}");
        let serial = &f.serials["revoked"];
        assert!(text.contains(&format!("Serial Number: {serial}")), "{text}");
        assert!(text.contains("Key Compromise"), "{text}");
        assert!(!text.contains(&f.serials["personal"]), "{text}");
        let (ok, text) = openssl(&["crl", "-inform", "DER", "-in", f.crl("root").to_str().unwrap(), "-noout", "-text"]);
        assert!(ok && text.contains("No Revoked Certificates"), "{text}");
        // Signed by the right issuers.
        let (ok, text) =
            openssl(&["crl", "-inform", "DER", "-in", f.crl("ca").to_str().unwrap(), "-noout", "-CAfile", f.ca().to_str().unwrap()]);
        assert!(ok && text.contains("verify OK"), "{text}");
    }

    #[test]
    fn index_has_one_line_per_end_entity() {
        let (_, f) = pki();
        let index = fs::read_to_string(f.index()).unwrap();
        assert_eq!(index.lines().count(), END_ENTITIES.len());
        for line in index.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 6, "{line:?}");
            assert!(cols[1].len() == 13 && cols[1].ends_with('Z'), "{line:?}");
        }
        let revoked = index.lines().find(|l| l.starts_with("R\t")).expect("an R line");
        assert!(revoked.contains(&f.serials["revoked"]), "{revoked}");
        assert!(index.contains("/C=VN/ST=Điện Biên/O=Ủy ban nhân dân tỉnh Điện Biên/title=Phó Chủ tịch/CN=Nguyễn Văn An"));
    }

    #[test]
    fn key_cache_is_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let a = keys::obtain_key("personal-ec256", Some(&cache)).unwrap();
        let b = keys::obtain_key("personal-ec256", Some(&cache)).unwrap();
        assert_eq!(a.public_key_raw(), b.public_key_raw());
        fs::write(cache.join("personal-ec256.ecp256.key.pem"), "garbage").unwrap();
        let c = keys::obtain_key("personal-ec256", Some(&cache)).unwrap();
        assert_ne!(a.public_key_raw(), c.public_key_raw());
    }
}
