//! Small DER helpers: raw TLV slicing (to verify signatures over the exact bytes that were
//! signed) and time conversion.

use der::{Decode, Header, Reader, SliceReader, Tag};
use time::OffsetDateTime;

/// The first complete TLV in `bytes` (which may be followed by more data).
pub(crate) fn first_tlv(bytes: &[u8]) -> Option<&[u8]> {
    let mut reader = SliceReader::new(bytes).ok()?;
    let header = Header::decode(&mut reader).ok()?;
    let header_len = usize::try_from(reader.position()).ok()?;
    let value_len = usize::try_from(header.length).ok()?;
    let total = header_len.checked_add(value_len)?;
    bytes.get(..total)
}

/// For a `SEQUENCE { tbs, algorithm, signature }` (certificate, CRL, BasicOCSPResponse),
/// the exact bytes of the first element as they appear in the input.
pub(crate) fn signed_part(signed: &[u8]) -> Option<&[u8]> {
    let mut reader = SliceReader::new(signed).ok()?;
    let header = Header::decode(&mut reader).ok()?;
    if header.tag != Tag::Sequence {
        return None;
    }
    let header_len = usize::try_from(reader.position()).ok()?;
    first_tlv(signed.get(header_len..)?)
}

/// Convert an X.509 time to `OffsetDateTime` (UTC).
pub(crate) fn x509_time(t: &x509_cert::time::Time) -> OffsetDateTime {
    unix_to_offset(t.to_unix_duration())
}

pub(crate) fn generalized_time(t: &der::asn1::GeneralizedTime) -> OffsetDateTime {
    unix_to_offset(t.to_unix_duration())
}

fn unix_to_offset(d: core::time::Duration) -> OffsetDateTime {
    // der's DateTime is limited to the years 1970..=9999, which `time` always represents, so
    // the conversion cannot fail; saturate instead of panicking all the same.
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or_else(|_| time::PrimitiveDateTime::MAX.assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv_slicing() {
        // SEQUENCE { INTEGER 5, NULL } followed by junk.
        let bytes = [0x30, 0x05, 0x02, 0x01, 0x05, 0x05, 0x00, 0xff];
        assert_eq!(first_tlv(&bytes), Some(&bytes[..7]));
        assert_eq!(signed_part(&bytes), Some(&bytes[2..5]));
        assert_eq!(first_tlv(&[0x30, 0x85]), None);
        assert_eq!(first_tlv(&[0x30, 0x05, 0x02]), None);
        assert_eq!(signed_part(&[0x02, 0x01, 0x00]), None);
        assert_eq!(first_tlv(&[]), None);
    }
}
