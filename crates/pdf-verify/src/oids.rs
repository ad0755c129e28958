//! Object identifiers this crate looks for. `new_unwrap` is a `const fn`: each constant is
//! checked at compile time and cannot fail at run time.

use const_oid::ObjectIdentifier as Oid;

pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
pub const RI_OCSP_RESPONSE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.16.2");

pub const ATTR_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub const ATTR_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub const ATTR_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
pub const ATTR_SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
pub const ATTR_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub const ATTR_TIMESTAMP_TOKEN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
pub const ATTR_ADOBE_REVOCATION: Oid = Oid::new_unwrap("1.2.840.113583.1.1.8");

pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");

/// ETSI EN 319 411-2 qualified certificate policies.
pub const QCP_NATURAL: Oid = Oid::new_unwrap("0.4.0.194112.1.0");
pub const QCP_LEGAL: Oid = Oid::new_unwrap("0.4.0.194112.1.1");
pub const QCP_NATURAL_QSCD: Oid = Oid::new_unwrap("0.4.0.194112.1.2");
pub const QCP_LEGAL_QSCD: Oid = Oid::new_unwrap("0.4.0.194112.1.3");
/// ETSI EN 319 412-5 QcType statement and its values.
pub const QCS_QC_TYPE: Oid = Oid::new_unwrap("0.4.0.1862.1.6");
pub const QCT_ESIGN: Oid = Oid::new_unwrap("0.4.0.1862.1.6.1");
pub const QCT_ESEAL: Oid = Oid::new_unwrap("0.4.0.1862.1.6.2");
/// RFC 3739 id-qcs-pkixQCSyntax-v2 with the ETSI EN 319 412-1 semantics identifiers.
pub const QCS_PKIX_SYNTAX_V2: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.11.2");
pub const SEMANTICS_NATURAL: Oid = Oid::new_unwrap("0.4.0.194121.1.1");
pub const SEMANTICS_LEGAL: Oid = Oid::new_unwrap("0.4.0.194121.1.2");
/// RFC 3739 qcStatements extension.
pub const EXT_QC_STATEMENTS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.3");
