//! Distinguished names as the test PKI writes them.

use rcgen::{DistinguishedName, DnType, DnValue};

use crate::error::{Context, Result};

/// A distinguished name of `entries` in order: countryName as a PrintableString (RFC 5280
/// §4.1.2.4 profile), the others as UTF8String.
pub fn name(entries: &[(DnType, &str)]) -> Result<DistinguishedName> {
    let mut name = DistinguishedName::new();
    for (ty, value) in entries {
        if *ty == DnType::CountryName {
            let printable = rcgen::string::PrintableString::try_from(*value).with_context(|| format!("country name {value:?}"))?;
            name.push(ty.clone(), DnValue::PrintableString(printable));
        } else {
            name.push(ty.clone(), DnValue::Utf8String((*value).to_owned()));
        }
    }
    Ok(name)
}
