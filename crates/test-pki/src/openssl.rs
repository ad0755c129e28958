//! What OpenSSL's own tools read: the CA database (`index.txt`) for `openssl ocsp -index`,
//! its times and subjects, and the `openssl ts` configuration.

use std::path::Path;

use rcgen::DnType;
use time::OffsetDateTime;

use crate::error::{Error, Result};

/// OpenSSL's `YYMMDDHHMMSSZ` (UTCTime up to 2049, GeneralizedTime after, as in `openssl ca`).
pub(crate) fn openssl_time(t: OffsetDateTime) -> Result<String> {
    let t = t.to_offset(time::UtcOffset::UTC);
    let (y, mo, d) = (t.year(), u8::from(t.month()), t.day());
    let (h, mi, s) = (t.hour(), t.minute(), t.second());
    if (1950..2050).contains(&y) {
        Ok(format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100))
    } else if (0..=9999).contains(&y) {
        Ok(format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z"))
    } else {
        Err(Error::msg(format!("year {y} cannot be written in an OpenSSL database")))
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

/// The inverse of [`openssl_time`].
pub(crate) fn parse_openssl_time(s: &str) -> Result<OffsetDateTime> {
    let bad = || Error::msg(format!("time {s:?} in index.txt"));
    let digits = s.strip_suffix('Z').ok_or_else(bad)?;
    let n = |r: std::ops::Range<usize>| -> Result<u8> { digits.get(r).and_then(|d| d.parse().ok()).ok_or_else(bad) };
    let (year, rest) = match digits.len() {
        12 => {
            let y = i32::from(n(0..2)?);
            (if y >= 50 { 1900 + y } else { 2000 + y }, 2)
        }
        14 => (i32::from(n(0..2)?) * 100 + i32::from(n(2..4)?), 4),
        _ => return Err(bad()),
    };
    let month = time::Month::try_from(n(rest..rest + 2)?).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(year, month, n(rest + 2..rest + 4)?).map_err(|_| bad())?;
    let t = time::Time::from_hms(n(rest + 4..rest + 6)?, n(rest + 6..rest + 8)?, n(rest + 8..rest + 10)?).map_err(|_| bad())?;
    Ok(date.with_time(t).assume_utc())
}

/// An `index.txt` line: status (`V`alid, or `R`evoked with time and reason), expiry,
/// serial, file (`unknown`) and subject.
pub(crate) fn index_line(
    serial: &[u8],
    subject: &[(DnType, &str)],
    expiry: OffsetDateTime,
    revoked: Option<OffsetDateTime>,
) -> Result<String> {
    let serial_hex = hex::encode_upper(serial);
    let subject_line = openssl_oneline(subject);
    let expiry = openssl_time(expiry)?;
    Ok(match revoked {
        Some(at) => format!("R\t{expiry}\t{},keyCompromise\t{serial_hex}\tunknown\t{subject_line}\n", openssl_time(at)?),
        None => format!("V\t{expiry}\t\t{serial_hex}\tunknown\t{subject_line}\n"),
    })
}

pub(crate) fn tsa_config(dir: &Path) -> Result<String> {
    let d = dir.to_str().ok_or_else(|| Error::msg(format!("{} is not UTF-8", dir.display())))?;
    if d.contains(['"', '$', '\\', '\n']) {
        return Err(Error::msg(format!("{d} cannot be written into an OpenSSL configuration file")));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_times_both_ways() {
        for (t, text) in [
            (time::macros::datetime!(2030-01-02 03:04:05 UTC), "300102030405Z"),
            (time::macros::datetime!(2051-01-02 03:04:05 UTC), "20510102030405Z"),
            (time::macros::datetime!(1999-12-31 23:59:59 UTC), "991231235959Z"),
        ] {
            assert_eq!(openssl_time(t).unwrap(), text);
            assert_eq!(parse_openssl_time(text).unwrap(), t);
        }
        for bad in ["", "Z", "3001020304Z", "301302030405Z", "300102030405"] {
            assert!(parse_openssl_time(bad).is_err(), "{bad:?}");
        }
    }
}
