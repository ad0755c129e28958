//! The certificate extensions rcgen has no builder for, encoded with x509-cert's types.

use const_oid::db::{rfc5280, rfc6960};
use const_oid::ObjectIdentifier;
use der::asn1::{Ia5String, Null};
use der::Encode;
use rcgen::CustomExtension;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{AccessDescription, AuthorityInfoAccessSyntax, CertificatePolicies, ExtendedKeyUsage};

use crate::error::{Context, Result};

/// rcgen names OIDs by their arcs.
pub fn arcs(oid: &ObjectIdentifier) -> Vec<u64> {
    oid.arcs().map(u64::from).collect()
}

fn extension(oid: &ObjectIdentifier, value: &impl Encode) -> Result<CustomExtension> {
    let content = value.to_der().with_context(|| format!("encoding extension {oid}"))?;
    Ok(CustomExtension::from_oid_content(&arcs(oid), content))
}

/// certificatePolicies naming `policies`, without qualifiers.
pub fn cert_policies(policies: &[ObjectIdentifier]) -> Result<CustomExtension> {
    let info = policies.iter().map(|p| PolicyInformation { policy_identifier: *p, policy_qualifiers: None }).collect();
    extension(&rfc5280::ID_CE_CERTIFICATE_POLICIES, &CertificatePolicies(info))
}

/// authorityInfoAccess with an OCSP and/or a caIssuers address; None with neither.
pub fn aia(ocsp: Option<&str>, ca_issuers: Option<&str>) -> Result<Option<CustomExtension>> {
    let mut descriptions = Vec::new();
    for (method, url) in [(rfc5280::ID_AD_OCSP, ocsp), (rfc5280::ID_AD_CA_ISSUERS, ca_issuers)] {
        if let Some(url) = url {
            let uri = Ia5String::new(url).with_context(|| format!("{url:?} is not an IA5String"))?;
            descriptions.push(AccessDescription { access_method: method, access_location: GeneralName::UniformResourceIdentifier(uri) });
        }
    }
    if descriptions.is_empty() {
        return Ok(None);
    }
    extension(&rfc5280::ID_PE_AUTHORITY_INFO_ACCESS, &AuthorityInfoAccessSyntax(descriptions)).map(Some)
}

/// id-pkix-ocsp-nocheck (value NULL): clients need not check an OCSP responder's own status.
pub fn ocsp_nocheck() -> Result<CustomExtension> {
    extension(&rfc6960::ID_PKIX_OCSP_NOCHECK, &Null)
}

/// extendedKeyUsage of timeStamping only, critical, as RFC 3161 §2.3 wants (rcgen writes
/// its extended key usage non-critical).
pub fn timestamping_only() -> Result<CustomExtension> {
    let mut eku = extension(&rfc5280::ID_CE_EXT_KEY_USAGE, &ExtendedKeyUsage(vec![rfc5280::ID_KP_TIME_STAMPING]))?;
    eku.set_criticality(true);
    Ok(eku)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_encodings() {
        assert_eq!(ocsp_nocheck().unwrap().content(), [0x05, 0x00]);
        let eku = timestamping_only().unwrap();
        assert!(eku.criticality());
        assert_eq!(eku.content(), [0x30, 0x0a, 0x06, 0x08, 0x2b, 6, 1, 5, 5, 7, 3, 8]);
        let aia = aia(Some("http://a/"), None).unwrap().unwrap();
        assert_eq!(aia.content()[..4], [0x30, 0x17, 0x30, 0x15]);
        assert_eq!(aia.content()[14..16], [0x86, 9]);
        assert!(super::aia(None, None).unwrap().is_none());
        assert_eq!(arcs(&rfc5280::ANY_POLICY), [2, 5, 29, 32, 0]);
    }
}
