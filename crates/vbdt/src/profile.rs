//! The profile file (`vbdt.toml`): what a clerk's scripted calls would otherwise repeat —
//! the organization's name, the seal and its size, the signature image, the stamp font,
//! the key source and the TSA. Flags given on the command line override it.
//!
//! Found at `--profile FILE`, else `vbdt.toml` in the current directory, else
//! `$XDG_CONFIG_HOME/vbdt/vbdt.toml` (`~/.config/vbdt/vbdt.toml`). Relative paths in it
//! are relative to the file's own directory. See docs/profile.md.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::signing::KeyArgs;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Language of messages and help when `--lang` is not given (before the locale).
    pub lang: Option<crate::cli::Lang>,
    #[serde(default)]
    pub organization: OrganizationSection,
    #[serde(default)]
    pub personal: PersonalSection,
    #[serde(default)]
    pub text: TextSection,
    #[serde(default)]
    pub key: KeySection,
    #[serde(default)]
    pub signature: SignatureSection,
    #[serde(default)]
    pub issue: IssueSection,
    /// Where it was read from (relative paths are resolved against its directory).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSection {
    /// The name shown on copies (`vbdt copy --org`).
    pub name: Option<String>,
    /// The seal image (`vbdt sign --role organization --image`).
    pub seal: Option<PathBuf>,
    /// The seal's diameter, e.g. "36mm" (`--seal-size`).
    pub seal_size: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalSection {
    /// The handwritten signature image (`vbdt sign --role personal --image`).
    pub image: Option<PathBuf>,
    /// The name printed under the title, when it differs from the certificate's.
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextSection {
    /// Font for copy and attachment stamps (`--font`).
    pub font: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySection {
    pub p12: Option<PathBuf>,
    pub pass_env: Option<String>,
    pub pass_file: Option<PathBuf>,
    pub pkcs11: Option<PathBuf>,
    pub token: Option<String>,
    pub key: Option<String>,
    pub pin_env: Option<String>,
    pub pin_file: Option<PathBuf>,
    #[serde(default)]
    pub certs: Vec<PathBuf>,
    #[serde(default)]
    pub trust: Vec<PathBuf>,
}

/// The clerk's issuing step (rules.md S11).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueSection {
    /// The list of `FILE NUMBER` lines used by `vbdt sign --role organization` when no
    /// number flag is given (`--numbers`).
    pub numbers: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureSection {
    pub tsa: Option<String>,
    pub reason: Option<String>,
    pub location: Option<String>,
    pub contact: Option<String>,
}

impl Profile {
    /// The profile for this run: `explicit`, else the usual places; none is fine.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Profile> {
        let path = match explicit {
            Some(p) => {
                if !p.is_file() {
                    bail!("the profile {} does not exist", p.display());
                }
                Some(p.to_path_buf())
            }
            None => default_locations().into_iter().find(|p| p.is_file()),
        };
        let Some(path) = path else { return Ok(Profile::default()) };
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read the profile {}", path.display()))?;
        let mut profile: Profile = toml::from_str(&text).with_context(|| format!("the profile {} is not valid", path.display()))?;
        profile.path = Some(path);
        Ok(profile)
    }

    /// A path from the profile, relative to its directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.as_ref().and_then(|f| f.parent()) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    fn resolve_opt(&self, p: &Option<PathBuf>) -> Option<PathBuf> {
        p.as_deref().map(|p| self.resolve(p))
    }

    /// Fills what the flags left out. A key given by flags (file or token) replaces the
    /// profile's key source as a whole.
    pub fn apply_key(&self, k: &mut KeyArgs) {
        let p = &self.key;
        if k.p12.is_none() && k.pkcs11.is_none() {
            k.p12 = self.resolve_opt(&p.p12);
            k.pkcs11 = self.resolve_opt(&p.pkcs11);
            if k.pass_env.is_none() && k.pass_file.is_none() {
                k.pass_env = p.pass_env.clone();
                k.pass_file = self.resolve_opt(&p.pass_file);
            }
            if k.pin_env.is_none() && k.pin_file.is_none() {
                k.pin_env = p.pin_env.clone();
                k.pin_file = self.resolve_opt(&p.pin_file);
            }
            k.token = k.token.clone().or_else(|| p.token.clone());
            k.key_label = k.key_label.clone().or_else(|| p.key.clone());
        }
        if k.certs.is_empty() {
            k.certs = p.certs.iter().map(|c| self.resolve(c)).collect();
        }
        if k.trust.is_empty() {
            k.trust = p.trust.iter().map(|c| self.resolve(c)).collect();
        }
        let s = &self.signature;
        k.tsa = k.tsa.clone().or_else(|| s.tsa.clone());
        k.reason = k.reason.clone().or_else(|| s.reason.clone());
        k.location = k.location.clone().or_else(|| s.location.clone());
        k.contact = k.contact.clone().or_else(|| s.contact.clone());
    }
}

fn default_locations() -> Vec<PathBuf> {
    let mut v = vec![PathBuf::from("vbdt.toml")];
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(c) = config {
        v.push(c.join("vbdt").join("vbdt.toml"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_profile_parses_and_unknown_keys_are_refused() {
        let p: Profile = toml::from_str(
            r#"
            [organization]
            name = "Văn phòng Ủy ban nhân dân tỉnh Điện Biên"
            seal = "dau.png"
            seal_size = "36mm"
            [personal]
            image = "chu-ky.png"
            [text]
            font = "/usr/share/fonts/times.ttf"
            [key]
            pkcs11 = "/usr/lib/softhsm/libsofthsm2.so"
            token = "UBND"
            pin_env = "TOKEN_PIN"
            [signature]
            tsa = "http://tsa.example/"
            [issue]
            numbers = "so-van-ban.txt"
            "#,
        )
        .unwrap();
        assert_eq!(p.organization.seal_size.as_deref(), Some("36mm"));
        assert_eq!(p.key.token.as_deref(), Some("UBND"));
        assert_eq!(p.issue.numbers.as_deref(), Some(Path::new("so-van-ban.txt")));
        assert!(toml::from_str::<Profile>("[organisation]\nname = \"x\"").is_err());
    }
}
