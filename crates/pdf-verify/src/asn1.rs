//! A small, bounded BER/DER walker that keeps the raw bytes of every element.
//!
//! CMS signatures are verified over the *exact* bytes a signer produced (the signed
//! attributes in particular), so decoding into typed structures and re-encoding is not
//! enough: `der` sorts SET OF elements on decode, which breaks signatures of producers
//! that did not. This walker never re-encodes; typed decoding (certificates, algorithm
//! identifiers) is applied to the raw slices it returns.
//!
//! Indefinite lengths (BER) are accepted for constructed elements, bounded in depth.

use std::fmt;

/// Maximum nesting followed when measuring indefinite-length elements.
const MAX_DEPTH: usize = 48;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asn1Error(pub String);

impl fmt::Display for Asn1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Asn1Error {}

fn err<T>(why: &str) -> Result<T, Asn1Error> {
    Err(Asn1Error(why.to_string()))
}

/// One element: its identifier octet, its content and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    /// The identifier octet (only low tag numbers, < 31, are supported).
    pub tag: u8,
    /// The content octets (for indefinite lengths: without the end-of-contents marker).
    pub value: &'a [u8],
    /// The complete encoding: identifier, length, content (and end-of-contents).
    pub raw: &'a [u8],
    /// Whether the length was indefinite (BER).
    pub indefinite: bool,
}

impl<'a> Tlv<'a> {
    pub fn constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// The children of a constructed element.
    pub fn children(&self) -> Seq<'a> {
        Seq { rest: self.value }
    }

    /// The content of an OCTET STRING, joining the segments of a constructed (BER) one.
    pub fn octets(&self) -> Result<Vec<u8>, Asn1Error> {
        if !self.constructed() {
            return Ok(self.value.to_vec());
        }
        let mut out = Vec::new();
        collect_octets(self.value, &mut out, 0)?;
        Ok(out)
    }
}

fn collect_octets(mut input: &[u8], out: &mut Vec<u8>, depth: usize) -> Result<(), Asn1Error> {
    if depth > MAX_DEPTH {
        return err("OCTET STRING segments nested too deeply");
    }
    while !input.is_empty() {
        let (t, rest) = read_tlv(input)?;
        input = rest;
        if t.tag == 0x04 {
            out.extend_from_slice(t.value);
        } else if t.tag == 0x24 {
            collect_octets(t.value, out, depth + 1)?;
        } else {
            return err("constructed OCTET STRING holds something else");
        }
    }
    Ok(())
}

/// Reads one element at the start of `input`; returns it and what follows.
pub fn read_tlv(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), Asn1Error> {
    read_tlv_depth(input, 0)
}

fn read_tlv_depth(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), Asn1Error> {
    if depth > MAX_DEPTH {
        return err("ASN.1 nested too deeply");
    }
    let Some(&tag) = input.first() else {
        return err("unexpected end of ASN.1 data");
    };
    if tag & 0x1f == 0x1f {
        return err("high tag numbers are not supported");
    }
    let Some(&first_len) = input.get(1) else {
        return err("truncated ASN.1 length");
    };
    let mut pos = 2usize;
    if first_len == 0x80 {
        if tag & 0x20 == 0 {
            return err("indefinite length on a primitive element");
        }
        // Walk the children until the end-of-contents marker.
        let content_start = pos;
        let mut rest = &input[pos..];
        loop {
            if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                let content_end = input.len() - rest.len();
                let total = content_end + 2;
                return Ok((
                    Tlv { tag, value: &input[content_start..content_end], raw: &input[..total], indefinite: true },
                    &input[total..],
                ));
            }
            let (_, r) = read_tlv_depth(rest, depth + 1)?;
            rest = r;
        }
    }
    let len = if first_len & 0x80 == 0 {
        usize::from(first_len)
    } else {
        let n = usize::from(first_len & 0x7f);
        if n > 4 {
            return err("ASN.1 length too large");
        }
        let bytes = input.get(pos..pos + n).ok_or_else(|| Asn1Error("truncated ASN.1 length".into()))?;
        pos += n;
        bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let end = pos.checked_add(len).ok_or_else(|| Asn1Error("ASN.1 length overflows".into()))?;
    if end > input.len() {
        return err("ASN.1 element runs past the end of the data");
    }
    Ok((Tlv { tag, value: &input[pos..end], raw: &input[..end], indefinite: false }, &input[end..]))
}

/// A cursor over a sequence of elements.
#[derive(Debug, Clone, Copy)]
pub struct Seq<'a> {
    pub rest: &'a [u8],
}

impl<'a> Seq<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Seq { rest: bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element, whatever its tag.
    pub fn next_any(&mut self) -> Result<Tlv<'a>, Asn1Error> {
        let (t, rest) = read_tlv(self.rest)?;
        self.rest = rest;
        Ok(t)
    }

    /// The next element, which must carry `tag`.
    pub fn require(&mut self, tag: u8, what: &str) -> Result<Tlv<'a>, Asn1Error> {
        let t = self.next_any().map_err(|e| Asn1Error(format!("{what}: {e}")))?;
        if t.tag != tag {
            return Err(Asn1Error(format!("{what}: expected tag 0x{tag:02x}, found 0x{:02x}", t.tag)));
        }
        Ok(t)
    }

    /// The next element if it carries `tag`.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Asn1Error> {
        if self.rest.first() == Some(&tag) {
            self.next_any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// All remaining elements.
    pub fn all(mut self) -> Result<Vec<Tlv<'a>>, Asn1Error> {
        let mut out = Vec::new();
        while !self.is_empty() {
            out.push(self.next_any()?);
        }
        Ok(out)
    }
}

/// The length of the first element of `bytes` (to cut a zero-padded `/Contents`).
pub fn first_element_len(bytes: &[u8]) -> Result<usize, Asn1Error> {
    read_tlv(bytes).map(|(t, _)| t.raw.len())
}

/// Decodes an OBJECT IDENTIFIER element.
pub fn oid(t: &Tlv<'_>) -> Result<const_oid::ObjectIdentifier, Asn1Error> {
    if t.tag != 0x06 {
        return err("expected an OBJECT IDENTIFIER");
    }
    const_oid::ObjectIdentifier::from_bytes(t.value).map_err(|e| Asn1Error(format!("bad OBJECT IDENTIFIER: {e}")))
}

/// Decodes a UTCTime or GeneralizedTime element.
pub fn time(t: &Tlv<'_>) -> Result<time::OffsetDateTime, Asn1Error> {
    use der::Decode;
    match t.tag {
        0x17 => der::asn1::UtcTime::from_der(t.raw)
            .map(|u| time_from_unix(u.to_unix_duration().as_secs()))
            .map_err(|e| Asn1Error(format!("bad UTCTime: {e}")))?,
        0x18 => parse_generalized(t.value),
        _ => err("expected a time"),
    }
}

fn time_from_unix(secs: u64) -> Result<time::OffsetDateTime, Asn1Error> {
    let secs = i64::try_from(secs).map_err(|_| Asn1Error("time out of range".into()))?;
    time::OffsetDateTime::from_unix_timestamp(secs).map_err(|e| Asn1Error(format!("time out of range: {e}")))
}

/// GeneralizedTime, accepting fractional seconds (RFC 3161 genTime carries them).
pub fn parse_generalized(v: &[u8]) -> Result<time::OffsetDateTime, Asn1Error> {
    let s = std::str::from_utf8(v).map_err(|_| Asn1Error("GeneralizedTime is not ASCII".into()))?;
    let s = s.strip_suffix('Z').ok_or_else(|| Asn1Error("GeneralizedTime without Z".into()))?;
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return err("malformed GeneralizedTime");
    }
    let num = |r: std::ops::Range<usize>| main[r].parse::<u32>().map_err(|_| Asn1Error("malformed GeneralizedTime".into()));
    let year = i32::try_from(num(0..4)?).map_err(|_| Asn1Error("bad year".into()))?;
    let month = time::Month::try_from(u8::try_from(num(4..6)?).unwrap_or(0)).map_err(|_| Asn1Error("bad month".into()))?;
    let day = u8::try_from(num(6..8)?).map_err(|_| Asn1Error("bad day".into()))?;
    let date = time::Date::from_calendar_date(year, month, day).map_err(|e| Asn1Error(format!("bad date: {e}")))?;
    let hms = |r| num(r).ok().and_then(|v| u8::try_from(v).ok()).ok_or_else(|| Asn1Error("bad time".into()));
    let mut nanos = 0u32;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return err("malformed fractional seconds");
        }
        let padded = format!("{f:0<9}");
        nanos = padded.parse().map_err(|_| Asn1Error("malformed fractional seconds".into()))?;
    }
    let t = time::Time::from_hms_nano(hms(8..10)?, hms(10..12)?, hms(12..14)?, nanos).map_err(|e| Asn1Error(format!("bad time: {e}")))?;
    Ok(time::PrimitiveDateTime::new(date, t).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05, 0xff];
        let (t, rest) = read_tlv(&der).unwrap();
        assert_eq!(t.tag, 0x30);
        assert_eq!(t.raw.len(), 5);
        assert_eq!(rest, &[0xff]);
        let ber = [0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, 0xaa];
        let (t, rest) = read_tlv(&ber).unwrap();
        assert!(t.indefinite);
        assert_eq!(t.value, &[0x02, 0x01, 0x05]);
        assert_eq!(rest, &[0xaa]);
    }

    #[test]
    fn hostile_input() {
        for bad in [&[0x30u8, 0x85, 1, 2, 3, 4, 5][..], &[0x30, 0x80, 0x30, 0x80], &[0x04, 0x80], &[0x30, 0x05, 1], &[0x1f, 0x01]] {
            assert!(read_tlv(bad).is_err());
        }
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 200).flatten().collect();
        assert!(read_tlv(&deep).is_err());
    }

    #[test]
    fn generalized_time_with_fraction() {
        let t = parse_generalized(b"20160331152737.3Z").unwrap();
        assert_eq!(t.unix_timestamp(), 1459438057);
        assert_eq!(t.nanosecond(), 300_000_000);
    }
}
