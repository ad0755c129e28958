//! The profile file (`vbdt.toml`): what a clerk's scripted calls would otherwise repeat —
//! the organization's name, the seal and its size, the signature image, the stamp font,
//! the key source and the TSA. Flags given on the command line override it.
//!
//! Found at `--profile FILE`, else `vbdt.toml` in the current directory, else
//! `$XDG_CONFIG_HOME/vbdt/vbdt.toml` (`~/.config/vbdt/vbdt.toml`). Relative paths in it
//! are relative to the file's own directory. See docs/profile.md.

use std::path::{Path, PathBuf};

use anyhow::bail;
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
    /// Remote signing (docs/remote-signing.md): the CSC service's base address…
    pub csc: Option<String>,
    /// …the credential, the service authorization (token or OAuth2 client credentials;
    /// secrets by variable or file only) and where the OTP comes from.
    pub csc_credential: Option<String>,
    pub csc_token_env: Option<String>,
    pub csc_token_file: Option<PathBuf>,
    pub csc_client_id: Option<String>,
    pub csc_client_secret_env: Option<String>,
    pub csc_client_secret_file: Option<PathBuf>,
    pub otp_env: Option<String>,
    pub otp_file: Option<PathBuf>,
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

/// A profile TOML cannot read: where (line and column) and, in English, toml's own words;
/// in Vietnamese the place only (toml's words are English), with the key it names.
fn invalid(path: &Path, text: &str, e: &toml::de::Error, vi: bool) -> anyhow::Error {
    if !vi {
        return anyhow::anyhow!("the profile {} is not valid: {}", path.display(), e.message());
    }
    let at = e.span().map(|s| {
        let before = &text[..s.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(" (dòng {line}, cột {col})")
    });
    let key = e.message().split('`').nth(1).map(|k| format!(": khóa hoặc giá trị `{k}` không đúng")).unwrap_or_default();
    anyhow::anyhow!("hồ sơ cấu hình {} không hợp lệ{}{key}", path.display(), at.unwrap_or_default())
}

impl Profile {
    /// The profile for this run: `explicit`, else the usual places; none is fine. Errors
    /// in the user's language (`vi`).
    pub fn load(explicit: Option<&Path>, vi: bool) -> anyhow::Result<Profile> {
        let path = match explicit {
            Some(p) => {
                if !p.is_file() {
                    if vi {
                        bail!("không có hồ sơ cấu hình {}", p.display());
                    }
                    bail!("the profile {} does not exist", p.display());
                }
                Some(p.to_path_buf())
            }
            None => default_locations().into_iter().find(|p| p.is_file()),
        };
        let Some(path) = path else { return Ok(Profile::default()) };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if vi {
                anyhow::anyhow!("không đọc được hồ sơ cấu hình {}: {}", path.display(), crate::msg::io(&e, true))
            } else {
                anyhow::anyhow!("cannot read the profile {}: {}", path.display(), crate::msg::io(&e, false))
            }
        })?;
        let mut profile: Profile = toml::from_str(&text).map_err(|e| invalid(&path, &text, &e, vi))?;
        let k = &profile.key;
        if [k.p12.is_some(), k.pkcs11.is_some(), k.csc.is_some()].iter().filter(|x| **x).count() > 1 {
            if vi {
                bail!("hồ sơ cấu hình {}: [key] chỉ được khai báo một trong p12, pkcs11 và csc", path.display());
            }
            bail!("the profile {}: [key] names more than one of p12, pkcs11 and csc", path.display());
        }
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

    /// The profile's CSC settings, where the flags say nothing of them.
    fn apply_csc(&self, k: &mut KeyArgs) {
        let p = &self.key;
        k.csc = p.csc.clone();
        k.csc_credential = k.csc_credential.clone().or_else(|| p.csc_credential.clone());
        if k.csc_token_env.is_none() && k.csc_token_file.is_none() && k.csc_client_id.is_none() {
            k.csc_token_env = p.csc_token_env.clone();
            k.csc_token_file = self.resolve_opt(&p.csc_token_file);
            k.csc_client_id = p.csc_client_id.clone();
        }
        if k.csc_client_secret_env.is_none() && k.csc_client_secret_file.is_none() {
            k.csc_client_secret_env = p.csc_client_secret_env.clone();
            k.csc_client_secret_file = self.resolve_opt(&p.csc_client_secret_file);
        }
        if k.otp_env.is_none() && k.otp_file.is_none() {
            k.otp_env = p.otp_env.clone();
            k.otp_file = self.resolve_opt(&p.otp_file);
        }
    }

    /// Fills what the flags left out. A key given by flags (file or token) replaces the
    /// profile's key source as a whole.
    pub fn apply_key(&self, k: &mut KeyArgs) {
        let p = &self.key;
        if k.p12.is_none() && k.pkcs11.is_none() && k.csc.is_none() {
            k.p12 = self.resolve_opt(&p.p12);
            k.pkcs11 = self.resolve_opt(&p.pkcs11);
            self.apply_csc(k);
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

    fn no_key_flags() -> KeyArgs {
        #[derive(clap::Parser)]
        struct Flags {
            #[command(flatten)]
            key: KeyArgs,
        }
        <Flags as clap::Parser>::try_parse_from(["vbdt"]).unwrap().key
    }

    #[test]
    fn a_csc_key_source_fills_the_flags_and_flags_replace_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vbdt.toml");
        std::fs::write(
            &path,
            "[key]\ncsc = \"http://127.0.0.1:9/\"\ncsc_credential = \"cred-1\"\ncsc_token_file = \"token.txt\"\npin_env = \"CSC_PIN\"\notp_file = \"otp.txt\"\n",
        )
        .unwrap();
        let profile = Profile::load(Some(&path), false).unwrap();
        let mut k = no_key_flags();
        profile.apply_key(&mut k);
        assert_eq!(k.csc.as_deref(), Some("http://127.0.0.1:9/"));
        assert_eq!(k.csc_credential.as_deref(), Some("cred-1"));
        assert_eq!(k.csc_token_file, Some(dir.path().join("token.txt")));
        assert_eq!(k.otp_file, Some(dir.path().join("otp.txt")));
        assert_eq!(k.pin_env.as_deref(), Some("CSC_PIN"));
        // A key file on the command line replaces the profile's key source as a whole.
        let mut k = no_key_flags();
        k.p12 = Some(PathBuf::from("an.p12"));
        profile.apply_key(&mut k);
        assert!(k.csc.is_none() && k.csc_token_file.is_none());
        // Two key sources in one profile are refused.
        std::fs::write(&path, "[key]\ncsc = \"http://127.0.0.1:9/\"\np12 = \"an.p12\"\n").unwrap();
        assert!(Profile::load(Some(&path), false).is_err());
    }
}
