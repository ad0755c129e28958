//! `vbdt testpki`: a throwaway test PKI shaped like the Vietnamese government one
//! (root → issuing CA → personal / organization certificates), plus the broken
//! certificates, OCSP responder and TSA certificates, CRLs, an OpenSSL CA database
//! for `openssl ocsp -index` and an `openssl ts` configuration.
//!
//! Everything here is for tests and demos only: the keys are written unencrypted
//! and the PKCS#12 password is published in `password.txt`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CrlDistributionPoint, CustomExtension, DistinguishedName, DnType,
    DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams, RsaKeySize,
    SerialNumber, SignatureAlgorithm,
};
use time::{Duration, OffsetDateTime};

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
const POLICY_OID: &[u64] = &[1, 3, 6, 1, 4, 1, 32473, 704, 1, 1];
/// The same for a `neac`-shaped test PKI: 1.3.6.1.4.1.32473.704.2.1.
const PUBLIC_POLICY_OID: &[u64] = &[1, 3, 6, 1, 4, 1, 32473, 704, 2, 1];
const ANY_POLICY_OID: &[u64] = &[2, 5, 29, 32, 0];
const OID_CERT_POLICIES: &[u64] = &[2, 5, 29, 32];
const OID_EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const OID_AIA: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 1, 1];
const OID_AD_OCSP: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 48, 1];
const OID_AD_CA_ISSUERS: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 48, 2];
const OID_OCSP_NOCHECK: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 48, 1, 5];
const OID_KP_TIMESTAMPING: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 8];
const OID_TITLE: &[u64] = &[2, 5, 4, 12];

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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

    fn parse(s: &str) -> Option<Shape> {
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

    fn policy(self) -> &'static [u64] {
        match self {
            Shape::Vgca => POLICY_OID,
            Shape::Neac => PUBLIC_POLICY_OID,
        }
    }

    fn root_dn(self) -> Result<DistinguishedName> {
        let (org, root, _) = self.names();
        dn(&[(DnType::CountryName, "VN"), (DnType::OrganizationName, org), (DnType::CommonName, root)])
    }

    fn ca_dn(self) -> Result<DistinguishedName> {
        let (org, _, ca) = self.names();
        dn(&[(DnType::CountryName, "VN"), (DnType::OrganizationName, org), (DnType::CommonName, ca)])
    }
}

/// Where the generated files are.
#[derive(Debug, Clone)]
#[allow(dead_code)] // read by `vbdt demo` and tests
pub struct TestPkiFiles {
    /// The directory everything was written into.
    pub dir: PathBuf,
    /// The PKCS#12 password (also in `password.txt`).
    pub password: String,
    /// Serial number of each certificate by name (`root`, `ca`, and every end entity),
    /// upper-case hex as OpenSSL prints it.
    pub serials: BTreeMap<String, String>,
}

#[allow(dead_code)] // accessors for `vbdt demo` and tests; not every caller uses every one
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

/// `vbdt testpki`.
pub fn run(args: &crate::cli::TestpkiArgs) -> Result<()> {
    let vi = matches!(args.lang, crate::cli::Lang::Vi);
    let mut opts = TestPkiOptions::new(&args.out);
    opts.ocsp_url = args.ocsp_url.clone();
    opts.crl_base_url = args.crl_base_url.clone();
    opts.key_cache = args.key_cache.clone();
    opts.shape = args.shape;
    opts.ca_issuers_url = args.ca_issuers_url.clone();
    if let Some(out) = &args.reissue_crls {
        reissue_crls(&args.out, out, &args.revoke)?;
        if vi {
            println!("đã ghi CRL mới vào {}", out.display());
        } else {
            println!("fresh CRLs written to {}", out.display());
        }
        return Ok(());
    }
    let files = generate(&opts)?;
    if vi {
        println!("đã ghi hạ tầng khóa công khai thử nghiệm vào {}", files.dir.display());
        println!("  chứng thư chữ ký số gốc tin cậy: {}", files.root().display());
        println!("  tệp PKCS#12: {}/TÊN.p12, mật khẩu trong {}", files.dir.display(), files.password_file().display());
    } else {
        println!("test PKI written to {}", files.dir.display());
        println!("  trust anchor: {}", files.root().display());
        println!("  PKCS#12 files: {}/NAME.p12, password in {}", files.dir.display(), files.password_file().display());
    }
    Ok(())
}

/// Key algorithms used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    EcP256,
    EcP384,
}

impl KeyKind {
    fn tag(self) -> &'static str {
        match self {
            KeyKind::Rsa2048 => "rsa2048",
            KeyKind::Rsa3072 => "rsa3072",
            KeyKind::Rsa4096 => "rsa4096",
            KeyKind::EcP256 => "ecp256",
            KeyKind::EcP384 => "ecp384",
        }
    }

    fn alg(self) -> &'static SignatureAlgorithm {
        match self {
            KeyKind::Rsa2048 | KeyKind::Rsa3072 | KeyKind::Rsa4096 => &rcgen::PKCS_RSA_SHA256,
            KeyKind::EcP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyKind::EcP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        }
    }

    fn generate(self) -> Result<KeyPair> {
        let key = match self {
            KeyKind::Rsa2048 => KeyPair::generate_rsa_for(self.alg(), RsaKeySize::_2048),
            KeyKind::Rsa3072 => KeyPair::generate_rsa_for(self.alg(), RsaKeySize::_3072),
            KeyKind::Rsa4096 => KeyPair::generate_rsa_for(self.alg(), RsaKeySize::_4096),
            KeyKind::EcP256 | KeyKind::EcP384 => KeyPair::generate_for(self.alg()),
        };
        key.with_context(|| format!("generating a {} key", self.tag()))
    }
}

fn key_kind(name: &str) -> KeyKind {
    match name {
        "root" => KeyKind::Rsa3072,
        "personal-ec256" => KeyKind::EcP256,
        "personal-ec384" => KeyKind::EcP384,
        "personal-rsa4096" => KeyKind::Rsa4096,
        _ => KeyKind::Rsa2048,
    }
}

/// Loads `name`'s key from the cache, or generates it (and stores it in the cache).
fn obtain_key(name: &str, cache: Option<&Path>) -> Result<KeyPair> {
    let kind = key_kind(name);
    let Some(cache) = cache else {
        return kind.generate();
    };
    let path = cache.join(format!("{name}.{}.key.pem", kind.tag()));
    if let Ok(pem) = fs::read_to_string(&path) {
        // A damaged cache entry is not an error: it is replaced below.
        if let Ok(key) = KeyPair::from_pkcs8_pem_and_sign_algo(&pem, kind.alg()) {
            return Ok(key);
        }
    }
    let key = kind.generate()?;
    fs::create_dir_all(cache).with_context(|| format!("creating key cache {}", cache.display()))?;
    // Write to a unique temporary name, then rename: concurrent test processes may
    // fill the same cache, and a reader must never see half a file.
    let tmp = cache.join(format!(".{name}.{}.{}.tmp", kind.tag(), std::process::id()));
    write_secret(&tmp, key.serialize_pem().as_bytes())?;
    fs::rename(&tmp, &path).with_context(|| format!("storing {}", path.display()))?;
    Ok(key)
}

/// All keys, generated two at a time (RSA key generation dominates the run time).
fn obtain_keys(names: &[&str], cache: Option<&Path>) -> Result<BTreeMap<String, KeyPair>> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
    // Biggest keys first so that the slow ones do not end up last on one thread.
    let mut order: Vec<&str> = names.to_vec();
    order.sort_by_key(|n| match key_kind(n) {
        KeyKind::Rsa4096 => 0,
        KeyKind::Rsa3072 => 1,
        KeyKind::Rsa2048 => 2,
        KeyKind::EcP384 | KeyKind::EcP256 => 3,
    });
    let mut lanes: Vec<Vec<&str>> = vec![Vec::new(); workers];
    for (i, name) in order.into_iter().enumerate() {
        lanes[i % workers].push(name);
    }
    let results: Vec<Result<Vec<(String, KeyPair)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = lanes
            .iter()
            .map(|lane| {
                scope.spawn(move || lane.iter().map(|name| Ok(((*name).to_owned(), obtain_key(name, cache)?))).collect::<Result<Vec<_>>>())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow!("key generation thread panicked")))).collect()
    });
    let mut keys = BTreeMap::new();
    for lane in results {
        keys.extend(lane?);
    }
    Ok(keys)
}

/// Generates the whole test PKI into `opts.out`.
pub fn generate(opts: &TestPkiOptions) -> Result<TestPkiFiles> {
    if opts.password.is_empty() || opts.password.contains(['\n', '\r']) {
        bail!("the PKCS#12 password must be one non-empty line");
    }
    fs::create_dir_all(&opts.out).map_err(crate::msg::FileOp::new(crate::msg::Op::Create, &opts.out))?;
    let dir = fs::canonicalize(&opts.out).with_context(|| format!("resolving {}", opts.out.display()))?;
    let crl_url = |name: &str| opts.crl_base_url.as_ref().map(|base| format!("{base}{name}"));

    // Whole seconds: certificates and the OpenSSL database carry no fractions.
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).map_err(|e| anyhow!("clock: {e}"))?;
    let day = Duration::days(1);
    let year = Duration::days(365);

    let mut names: Vec<&str> = vec!["root", "ca"];
    names.extend_from_slice(END_ENTITIES);
    let keys = obtain_keys(&names, opts.key_cache.as_deref())?;
    let key = |name: &str| keys.get(name).ok_or_else(|| anyhow!("no key for {name}"));

    let mut serials = BTreeMap::new();

    // Root: 20 years, starting two years ago so that "expired" certificates still
    // fall inside the issuers' validity.
    let root_from = now - 2 * year;
    let mut root_params = CertificateParams::default();
    root_params.distinguished_name = opts.shape.root_dn()?;
    root_params.not_before = root_from;
    root_params.not_after = root_from + 20 * year;
    root_params.serial_number = Some(new_serial(&mut serials, "root")?);
    root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    root_params.key_identifier_method = KeyIdMethod::Sha256;
    let root_key = key("root")?;
    let root_cert = root_params.self_signed(root_key).context("signing the root certificate")?;
    let root_issuer = Issuer::from_params(&root_params, root_key);

    // Issuing CA.
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = opts.shape.ca_dn()?;
    ca_params.not_before = root_from;
    ca_params.not_after = root_from + 17 * year;
    ca_params.serial_number = Some(new_serial(&mut serials, "ca")?);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.use_authority_key_identifier_extension = true;
    if let Some(url) = crl_url("root.crl") {
        ca_params.crl_distribution_points = vec![CrlDistributionPoint { uris: vec![url] }];
    }
    ca_params.custom_extensions.push(cert_policies(ANY_POLICY_OID));
    let ca_key = key("ca")?;
    let ca_cert = ca_params.signed_by(ca_key, &root_issuer).context("signing the CA certificate")?;
    let ca_issuer = Issuer::from_params(&ca_params, ca_key);

    write_file(&dir.join("root.pem"), root_cert.pem().as_bytes())?;
    write_secret(&dir.join("root.key.pem"), root_key.serialize_pem().as_bytes())?;
    write_file(&dir.join("ca.pem"), ca_cert.pem().as_bytes())?;
    // DER, as CAs publish it at their caIssuers address.
    write_file(&dir.join("ca.crt"), ca_cert.der())?;
    write_file(&dir.join("shape.txt"), format!("{}\n", opts.shape.name()).as_bytes())?;
    write_secret(&dir.join("ca.key.pem"), ca_key.serialize_pem().as_bytes())?;
    write_file(&dir.join("chain.pem"), format!("{}{}", ca_cert.pem(), root_cert.pem()).as_bytes())?;

    let p12_root = p12_keystore::Certificate::from_der(root_cert.der()).map_err(|e| anyhow!("re-reading the root certificate: {e}"))?;
    let p12_ca = p12_keystore::Certificate::from_der(ca_cert.der()).map_err(|e| anyhow!("re-reading the CA certificate: {e}"))?;

    // The official of the fixture quyet-dinh.pdf and the clerk's agency.
    let personal_dn: &[(DnType, &str)] = &[
        (DnType::CountryName, "VN"),
        (DnType::StateOrProvinceName, "Điện Biên"),
        (DnType::OrganizationName, "Ủy ban nhân dân tỉnh Điện Biên"),
        (DnType::CustomDnType(OID_TITLE.to_vec()), "Phó Chủ tịch"),
        (DnType::CommonName, "Nguyễn Văn An"),
    ];
    let test_ca_dn = |cn: &'static str| -> Vec<(DnType, &'static str)> {
        vec![(DnType::CountryName, "VN"), (DnType::OrganizationName, opts.shape.names().0), (DnType::CommonName, cn)]
    };

    let revoked_at = now - day;
    let ee_from = now - Duration::days(7);
    let ee_to = now + 5 * year;
    let mut index = String::new();
    let mut revoked_serial = None;

    for &name in END_ENTITIES {
        let mut p = CertificateParams::default();
        p.not_before = ee_from;
        p.not_after = ee_to;
        p.is_ca = IsCa::ExplicitNoCa;
        p.use_authority_key_identifier_extension = true;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection, ExtendedKeyUsagePurpose::ClientAuth];
        let mut revocation_info = true;
        let mut policy = true;
        let subject: Vec<(DnType, &str)> = match name {
            "organization" => vec![
                (DnType::CountryName, "VN"),
                (DnType::StateOrProvinceName, "Điện Biên"),
                (DnType::CommonName, "Ủy ban nhân dân tỉnh Điện Biên"),
            ],
            "personal2" => vec![
                (DnType::CountryName, "VN"),
                (DnType::StateOrProvinceName, "Lai Châu"),
                (DnType::OrganizationName, "Sở Khoa học và Công nghệ tỉnh Lai Châu"),
                (DnType::CustomDnType(OID_TITLE.to_vec()), "Chánh Văn phòng"),
                (DnType::CommonName, "Trần Thị Bình"),
            ],
            "ocsp" => test_ca_dn("vbdt Test OCSP Responder"),
            "tsa" => test_ca_dn("vbdt Test TSA"),
            _ => personal_dn.to_vec(),
        };
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
                // id-pkix-ocsp-nocheck, value NULL: clients need not check the responder's status.
                p.custom_extensions.push(CustomExtension::from_oid_content(OID_OCSP_NOCHECK, vec![0x05, 0x00]));
                revocation_info = false;
                policy = false;
            }
            "tsa" => {
                p.not_after = now + 9 * year;
                // RFC 3161 §2.3: the timeStamping EKU must be the only one, and critical;
                // rcgen writes EKU non-critical, so it goes in as a custom extension.
                p.extended_key_usages = Vec::new();
                let mut eku = CustomExtension::from_oid_content(OID_EXT_KEY_USAGE, der_seq(&[der_oid(OID_KP_TIMESTAMPING)]));
                eku.set_criticality(true);
                p.custom_extensions.push(eku);
                policy = false;
            }
            _ => {}
        }
        p.distinguished_name = dn(&subject)?;
        p.serial_number = Some(new_serial(&mut serials, name)?);
        if revocation_info {
            if let Some(ext) = aia(opts.ocsp_url.as_deref(), opts.ca_issuers_url.as_deref()) {
                p.custom_extensions.push(ext);
            }
            if let Some(url) = crl_url("ca.crl") {
                p.crl_distribution_points = vec![CrlDistributionPoint { uris: vec![url] }];
            }
        }
        if policy {
            p.custom_extensions.push(cert_policies(opts.shape.policy()));
        }

        let ee_key = key(name)?;
        let cert = p.signed_by(ee_key, &ca_issuer).with_context(|| format!("signing the {name} certificate"))?;
        write_file(&dir.join(format!("{name}.pem")), cert.pem().as_bytes())?;
        write_secret(&dir.join(format!("{name}.key.pem")), ee_key.serialize_pem().as_bytes())?;

        let serial_bytes = p.serial_number.as_ref().map(|s| s.to_bytes()).unwrap_or_default();
        let leaf = p12_keystore::Certificate::from_der(cert.der()).map_err(|e| anyhow!("re-reading the {name} certificate: {e}"))?;
        let p12_key = p12_keystore::PrivateKey::from_der(ee_key.serialized_der()).map_err(|e| anyhow!("re-reading the {name} key: {e}"))?;
        let chain = p12_keystore::PrivateKeyChain::new(serial_bytes.clone(), p12_key, [leaf, p12_ca.clone(), p12_root.clone()]);
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(name, p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
        let p12 = store
            .writer(&opts.password)
            .encryption_algorithm(p12_keystore::EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
            .mac_algorithm(p12_keystore::MacAlgorithm::HmacSha256)
            .write()
            .map_err(|e| anyhow!("writing {name}.p12: {e}"))?;
        write_secret(&dir.join(format!("{name}.p12")), &p12)?;

        // OpenSSL CA database line: status, expiry, revocation, serial, file, subject.
        let serial_hex = hex_upper(&serial_bytes);
        let subject_line = openssl_oneline(&subject);
        let expiry = openssl_time(p.not_after)?;
        if name == "revoked" {
            writeln!(index, "R\t{expiry}\t{},keyCompromise\t{serial_hex}\tunknown\t{subject_line}", openssl_time(revoked_at)?)?;
            revoked_serial = Some(serial_bytes);
        } else {
            writeln!(index, "V\t{expiry}\t\t{serial_hex}\tunknown\t{subject_line}")?;
        }
    }

    // CRLs: empty one from the root, one from the CA listing `revoked`.
    let revoked_serial = revoked_serial.ok_or_else(|| anyhow!("no revoked certificate was made"))?;
    let this_update = now - Duration::minutes(5);
    write_crls(&dir, &root_issuer, &ca_issuer, this_update, &[(revoked_serial, revoked_at)])?;

    write_file(&dir.join("index.txt"), index.as_bytes())?;
    write_file(&dir.join("index.txt.attr"), b"unique_subject = no\n")?;
    write_file(&dir.join("tsaserial"), b"01\n")?;
    write_file(&dir.join("tsa.cnf"), tsa_config(&dir)?.as_bytes())?;
    write_file(&dir.join("password.txt"), format!("{}\n", opts.password).as_bytes())?;
    write_file(&dir.join("README.txt"), readme(opts).as_bytes())?;

    Ok(TestPkiFiles { dir, password: opts.password.clone(), serials })
}

/// A distinguished name in the given order; countryName as PrintableString (RFC 5280),
/// everything else UTF8String.
fn dn(entries: &[(DnType, &str)]) -> Result<DistinguishedName> {
    let mut name = DistinguishedName::new();
    for (ty, value) in entries {
        if *ty == DnType::CountryName {
            let printable = rcgen::string::PrintableString::try_from(*value).map_err(|e| anyhow!("country name {value:?}: {e}"))?;
            name.push(ty.clone(), DnValue::PrintableString(printable));
        } else {
            name.push(ty.clone(), DnValue::Utf8String((*value).to_owned()));
        }
    }
    Ok(name)
}

/// A fresh random positive 16-byte serial, recorded under `name`.
fn new_serial(serials: &mut BTreeMap<String, String>, name: &str) -> Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| anyhow!("the system random generator failed"))?;
    // Positive (top bit clear) and exactly 16 bytes long (no leading zero byte).
    bytes[0] = (bytes[0] & 0x7f) | 0x10;
    serials.insert(name.to_owned(), hex_upper(&bytes));
    Ok(SerialNumber::from_slice(&bytes))
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        // Writing into a String cannot fail.
        let _ = write!(s, "{b:02X}");
        s
    })
}

/// OpenSSL's `YYMMDDHHMMSSZ` (UTCTime up to 2049, GeneralizedTime after, as in `openssl ca`).
fn openssl_time(t: OffsetDateTime) -> Result<String> {
    let t = t.to_offset(time::UtcOffset::UTC);
    let (y, mo, d) = (t.year(), u8::from(t.month()), t.day());
    let (h, mi, s) = (t.hour(), t.minute(), t.second());
    if (1950..2050).contains(&y) {
        Ok(format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100))
    } else if (0..=9999).contains(&y) {
        Ok(format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z"))
    } else {
        bail!("year {y} cannot be written in an OpenSSL database")
    }
}

/// The subject as `openssl ca` writes it into index.txt (`/C=VN/ST=…/CN=…`).
fn openssl_oneline(entries: &[(DnType, &str)]) -> String {
    let mut s = String::new();
    for (ty, value) in entries {
        let key = match ty {
            DnType::CountryName => "C",
            DnType::StateOrProvinceName => "ST",
            DnType::LocalityName => "L",
            DnType::OrganizationName => "O",
            DnType::OrganizationalUnitName => "OU",
            DnType::CommonName => "CN",
            _ => "title",
        };
        s.push('/');
        s.push_str(key);
        s.push('=');
        // Tabs and newlines would break the database's columns.
        s.extend(value.chars().map(|c| if c.is_control() { ' ' } else { c }));
    }
    s
}

// Minimal DER for the few extensions rcgen has no builder for.

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8); // < 0x80, fits
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8); // at most 8 length bytes
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

fn der_seq(items: &[Vec<u8>]) -> Vec<u8> {
    der_tlv(0x30, &items.concat())
}

fn der_oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push_base128 = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend_from_slice(&tmp);
    };
    // Every OID here has at least two arcs, the first being 0, 1 or 2.
    let first = arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0);
    push_base128(first);
    for &arc in arcs.iter().skip(2) {
        push_base128(arc);
    }
    der_tlv(0x06, &body)
}

/// certificatePolicies with one policy and no qualifiers.
fn cert_policies(policy: &[u64]) -> CustomExtension {
    CustomExtension::from_oid_content(OID_CERT_POLICIES, der_seq(&[der_seq(&[der_oid(policy)])]))
}

/// authorityInfoAccess with one OCSP URI.
/// An authorityInfoAccess extension with an OCSP and/or a caIssuers address.
fn aia(ocsp: Option<&str>, ca_issuers: Option<&str>) -> Option<CustomExtension> {
    let access = |method: &[u64], url: &str| der_seq(&[der_oid(method), der_tlv(0x86, url.as_bytes())]); // [6] IMPLICIT IA5String
    let mut descriptions = Vec::new();
    if let Some(url) = ocsp {
        descriptions.push(access(OID_AD_OCSP, url));
    }
    if let Some(url) = ca_issuers {
        descriptions.push(access(OID_AD_CA_ISSUERS, url));
    }
    (!descriptions.is_empty()).then(|| CustomExtension::from_oid_content(OID_AIA, der_seq(&descriptions)))
}

/// `root.crl` (empty) and `ca.crl` (listing `revoked`: serial and time) into `dir`,
/// issued at `this_update`, valid ten years.
fn write_crls(
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
    let listed = revoked
        .iter()
        .map(|(serial, when)| RevokedCertParams {
            serial_number: SerialNumber::from_slice(serial),
            revocation_time: *when,
            reason_code: Some(RevocationReason::KeyCompromise),
            invalidity_date: None,
        })
        .collect();
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
    let shape = Shape::parse(&shape_text).ok_or_else(|| anyhow!("{}: unknown shape {shape_text:?}", pki.join("shape.txt").display()))?;
    let load_key = |name: &str| -> Result<KeyPair> {
        let path = pki.join(format!("{name}.key.pem"));
        let pem = fs::read_to_string(&path).map_err(crate::msg::FileOp::new(crate::msg::Op::Read, &path))?;
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
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).map_err(|e| anyhow!("clock: {e}"))?;
    let index_path = pki.join("index.txt");
    let mut index = fs::read_to_string(&index_path).map_err(crate::msg::FileOp::new(crate::msg::Op::Read, &index_path))?;
    let mut revoked = Vec::new();
    for name in revoke {
        let serial = serial_of(&pki.join(format!("{name}.pem")))?;
        let hex = hex_upper(&serial);
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
            revoked.push((hex_decode(serial)?, parse_openssl_time(when)?));
        }
    }
    if !revoke.is_empty() {
        write_file(&index_path, index.as_bytes())?;
    }
    fs::create_dir_all(out).map_err(crate::msg::FileOp::new(crate::msg::Op::Create, out))?;
    write_crls(out, &root, &ca, now, &revoked)
}

/// The serial number of the certificate in a PEM file.
fn serial_of(pem_path: &Path) -> Result<Vec<u8>> {
    use x509_cert::der::DecodePem;
    let pem = fs::read_to_string(pem_path).map_err(crate::msg::FileOp::new(crate::msg::Op::Read, pem_path))?;
    let cert = x509_cert::Certificate::from_pem(pem.as_bytes()).map_err(|e| anyhow!("{}: {e}", pem_path.display()))?;
    Ok(cert.tbs_certificate.serial_number.as_bytes().to_vec())
}

fn hex_decode(s: &str) -> Result<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        bail!("odd-length serial {s:?} in index.txt");
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).unwrap_or(""), 16).map_err(|e| anyhow!("serial {s:?}: {e}")))
        .collect()
}

/// The inverse of [`openssl_time`].
fn parse_openssl_time(s: &str) -> Result<OffsetDateTime> {
    let digits = s.strip_suffix('Z').ok_or_else(|| anyhow!("time {s:?} in index.txt"))?;
    let n = |r: std::ops::Range<usize>| -> Result<u32> {
        digits.get(r).and_then(|d| d.parse().ok()).ok_or_else(|| anyhow!("time {s:?} in index.txt"))
    };
    let (year, rest) = match digits.len() {
        12 => {
            let y = n(0..2)?;
            (if y >= 50 { 1900 + y } else { 2000 + y }, 2)
        }
        14 => (n(0..4)?, 4),
        _ => bail!("time {s:?} in index.txt"),
    };
    let month = time::Month::try_from(u8::try_from(n(rest..rest + 2)?)?)?;
    let date = time::Date::from_calendar_date(i32::try_from(year)?, month, u8::try_from(n(rest + 2..rest + 4)?)?)?;
    let t = time::Time::from_hms(
        u8::try_from(n(rest + 4..rest + 6)?)?,
        u8::try_from(n(rest + 6..rest + 8)?)?,
        u8::try_from(n(rest + 8..rest + 10)?)?,
    )?;
    Ok(date.with_time(t).assume_utc())
}

fn tsa_config(dir: &Path) -> Result<String> {
    let d = dir.to_str().ok_or_else(|| anyhow!("{} is not UTF-8", dir.display()))?;
    if d.contains(['"', '$', '\\', '\n']) {
        bail!("{d} cannot be written into an OpenSSL configuration file");
    }
    Ok(format!(
        "# OpenSSL TSA configuration for the vbdt test PKI (test use only).\n\
         # openssl ts -reply -config {d}/tsa.cnf -queryfile Q -out R\n\
         [ tsa ]\n\
         default_tsa = tsa_config1\n\
         \n\
         [ tsa_config1 ]\n\
         dir = {d}\n\
         serial = $dir/tsaserial\n\
         crypto_device = builtin\n\
         signer_cert = $dir/tsa.pem\n\
         certs = $dir/chain.pem\n\
         signer_key = $dir/tsa.key.pem\n\
         signer_digest = sha256\n\
         default_policy = 1.2.3.4.1\n\
         other_policies = 1.2.3.4.5.6, 1.2.3.4.5.7\n\
         digests = sha256, sha384, sha512\n\
         accuracy = secs:1, millisecs:500, microsecs:100\n\
         clock_precision_digits = 0\n\
         ordering = no\n\
         tsa_name = no\n\
         ess_cert_id_chain = no\n\
         ess_cert_id_alg = sha256\n"
    ))
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

fn write_file(path: &Path, data: &[u8]) -> Result<()> {
    fs::write(path, data).map_err(crate::msg::FileOp::new(crate::msg::Op::Write, path)).map_err(Into::into)
}

/// Writes a file readable by its owner only (where the platform has such modes).
fn write_secret(path: &Path, data: &[u8]) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(crate::msg::FileOp::new(crate::msg::Op::Write, path))?;
    file.write_all(data).map_err(crate::msg::FileOp::new(crate::msg::Op::Write, path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
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
            let serial = hex_upper(cert.tbs_certificate.serial_number.as_bytes());
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
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut b64 = String::new();
        for chunk in der.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    b64.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    b64.push('=');
                }
            }
        }
        let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
        format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
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
    fn der_helpers_encode_known_values() {
        assert_eq!(der_oid(&[1, 3, 6, 1, 5, 5, 7, 48, 1, 5]), vec![0x06, 0x09, 0x2b, 6, 1, 5, 5, 7, 48, 1, 5]);
        assert_eq!(der_oid(&[2, 16, 704, 1]), vec![0x06, 0x04, 0x60, 0x85, 0x40, 0x01]);
        assert_eq!(der_tlv(0x04, &[0u8; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(openssl_time(time::macros::datetime!(2030-01-02 03:04:05 UTC)).unwrap(), "300102030405Z");
        assert_eq!(openssl_time(time::macros::datetime!(2051-01-02 03:04:05 UTC)).unwrap(), "20510102030405Z");
    }

    #[test]
    fn key_cache_is_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let a = obtain_key("personal-ec256", Some(&cache)).unwrap();
        let b = obtain_key("personal-ec256", Some(&cache)).unwrap();
        assert_eq!(a.public_key_raw(), b.public_key_raw());
        fs::write(cache.join("personal-ec256.ecp256.key.pem"), "garbage").unwrap();
        let c = obtain_key("personal-ec256", Some(&cache)).unwrap();
        assert_ne!(a.public_key_raw(), c.public_key_raw());
    }
}
