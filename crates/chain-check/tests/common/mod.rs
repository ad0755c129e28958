//! Test PKIs built with rcgen, and a tiny HTTP server on 127.0.0.1.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration as StdDuration;

use chain_check::Certificate;
use der::Decode;
use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, CustomExtension, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SignatureAlgorithm,
};
use time::{Duration, OffsetDateTime};

pub fn now() -> OffsetDateTime {
    // Whole seconds: certificate times have no fractions.
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap()
}

pub struct Node {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub der: Vec<u8>,
}

impl Node {
    pub fn cert(&self) -> Certificate {
        Certificate::from_der(&self.der).unwrap()
    }
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
    pub fn pem(&self) -> String {
        pem("CERTIFICATE", &self.der)
    }
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }
}

/// `der` as PEM with `label`, 64-column lines.
pub fn pem(label: &str, der: &[u8]) -> String {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).unwrap()
}

pub fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(alg).unwrap()
}

pub fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "VN");
    d.push(DnType::OrganizationName, "Ban Cơ yếu Chính phủ (thử nghiệm)");
    d.push(DnType::CommonName, cn);
    d
}

pub fn ca_params(cn: &str, nb: OffsetDateTime, na: OffsetDateTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = nb;
    p.not_after = na;
    p.use_authority_key_identifier_extension = true;
    p
}

pub fn leaf_params(cn: &str, nb: OffsetDateTime, na: OffsetDateTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::EmailProtection];
    p.not_before = nb;
    p.not_after = na;
    p.use_authority_key_identifier_extension = true;
    p
}

/// authorityInfoAccess with one OCSP URL.
pub fn aia_ocsp(params: &mut CertificateParams, url: &str) {
    params.custom_extensions.push(test_pki::ext::aia(Some(url), None).unwrap().unwrap());
}

pub fn cdp(params: &mut CertificateParams, url: &str) {
    params.crl_distribution_points.push(CrlDistributionPoint { uris: vec![url.to_string()] });
}

pub fn self_signed(params: CertificateParams, key: KeyPair) -> Node {
    let der = params.self_signed(&key).unwrap().der().to_vec();
    Node { params, key, der }
}

pub fn signed_by(params: CertificateParams, key: KeyPair, issuer: &Node) -> Node {
    let der = params.signed_by(&key, &issuer.issuer()).unwrap().der().to_vec();
    Node { params, key, der }
}

/// root → issuing CA → leaf, all with `alg`, valid from a year ago to a year ahead.
pub struct Pki {
    pub root: Node,
    pub ca: Node,
    pub leaf: Node,
}

pub fn pki(alg: &'static SignatureAlgorithm) -> Pki {
    pki_with(alg, |_| {})
}

pub fn pki_with(alg: &'static SignatureAlgorithm, leaf_tweak: impl FnOnce(&mut CertificateParams)) -> Pki {
    let t = now();
    let root = self_signed(ca_params("Test RootCA", t - Duration::days(3650), t + Duration::days(3650)), key(alg));
    let ca = signed_by(ca_params("Test Issuing CA", t - Duration::days(730), t + Duration::days(1825)), key(alg), &root);
    let mut lp = leaf_params("Nguyễn Văn An", t - Duration::days(365), t + Duration::days(365));
    leaf_tweak(&mut lp);
    let leaf = signed_by(lp, key(alg), &ca);
    Pki { root, ca, leaf }
}

/// Flip a bit in the last byte of the DER (inside the signature value).
pub fn corrupt_signature(der: &[u8]) -> Vec<u8> {
    let mut d = der.to_vec();
    let n = d.len();
    d[n - 1] ^= 0x01;
    d
}

// ---------------------------------------------------------------------------------------
// HTTP test server

pub struct Req {
    pub head: String,
    pub body: Vec<u8>,
}

fn read_request(s: &mut TcpStream) -> Option<Req> {
    s.set_read_timeout(Some(StdDuration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        let n = s.read(&mut tmp).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = s.read(&mut tmp).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Some(Req { head, body })
}

pub enum Reply {
    /// status, extra headers, body (Content-Length is added).
    Full(u16, Vec<(String, String)>, Vec<u8>),
    /// Raw bytes written as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// Say nothing for this long, then close.
    Silence(StdDuration),
}

/// Serve at most `max_connections` requests on 127.0.0.1 in a background thread; the
/// base URL ("http://127.0.0.1:PORT").
pub fn serve<F>(max_connections: usize, handler: F) -> String
where
    F: Fn(&Req) -> Reply + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for _ in 0..max_connections {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let Some(req) = read_request(&mut s) else {
                continue;
            };
            match handler(&req) {
                Reply::Full(status, headers, body) => {
                    let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
                    for (k, v) in headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let _ = s.write_all(out.as_bytes());
                    let _ = s.write_all(&body);
                }
                Reply::Raw(bytes) => {
                    let _ = s.write_all(&bytes);
                }
                Reply::Silence(d) => std::thread::sleep(d),
            }
            let _ = s.flush();
        }
    });
    format!("http://{addr}")
}

/// Run a command, panicking with its stderr on failure.
pub fn run(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().expect("spawn");
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A certificatePolicies extension naming `oids` (no qualifiers).
pub fn policies_extension(oids: &[Vec<u64>]) -> CustomExtension {
    let oids: Vec<const_oid::ObjectIdentifier> = oids
        .iter()
        .map(|arcs| const_oid::ObjectIdentifier::new_unwrap(&arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")))
        .collect();
    test_pki::ext::cert_policies(&oids).unwrap()
}
