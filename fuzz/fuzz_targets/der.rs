//! CMS / X.509 / OCSP / CRL decoding: certificates (DER, PEM, PKCS#7), CMS SignedData
//! as found in a signature's /Contents, Adobe revocation info, and OCSP responses and
//! CRLs evaluated against a fixed certificate.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn fixed() -> &'static Option<chain_check::Certificate> {
    static CERT: OnceLock<Option<chain_check::Certificate>> = OnceLock::new();
    CERT.get_or_init(|| chain_check::cert::parse_certificates(include_bytes!("../seeds/cert.der")).ok().and_then(|mut v| v.pop()))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = chain_check::cert::parse_certificates(data) {
        for c in certs.iter().take(8) {
            let _ = chain_check::cert::subject(c);
            let _ = chain_check::cert::key_usage(c);
            let _ = chain_check::cert::extended_key_usages(c);
            let _ = chain_check::cert::basic_constraints(c);
            let _ = chain_check::cert::policy_oids(c);
            let _ = chain_check::cert::ocsp_urls(c);
            let _ = chain_check::cert::crl_urls(c);
            let _ = chain_check::cert::authority_key_id(c);
            let _ = chain_check::cert::verify_issued_by(c, c);
        }
    }
    let _ = chain_check::cert::certs_from_pkcs7(data);
    if let Ok(trimmed) = pdf_verify::cms::trim_contents(data) {
        let _ = pdf_verify::cms::parse_content_info(trimmed);
    }
    let _ = pdf_verify::cms::adobe_revocation_info(data);
    let _ = pdf_verify::cms::ess_cert_ids(data, true);
    let _ = pdf_verify::cms::time_value(data);
    if let Some(cert) = fixed() {
        let sources = chain_check::RevocationSources {
            ocsp_responses: vec![data.to_vec()],
            crls: vec![data.to_vec()],
            online: false,
            limits: chain_check::HttpLimits::default(),
        };
        let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let _ = chain_check::revocation::check_with_clock(cert, cert, now, now, &sources);
    }
});
