//! The one definition of vbdt's flags: help text, man page and completions come from here.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "vbdt", version, about = "Sign and verify PDF documents of Vietnamese state agencies (PAdES, Decree 68/2024/NĐ-CP)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Language of user-facing text.
#[derive(clap::ValueEnum, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt
    Vi,
    /// English
    En,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign PDF files (PAdES) with a PKCS#12 key file or a PKCS#11 token.
    Sign(crate::cmd_sign::SignArgs),
    /// Verify signed PDF files (Decree 68/2024 Điều 30–32, modifications, document rules).
    /// Exit code: 0 all valid, 1 invalid or unsigned, 3 indeterminate, 4 unreadable, 2 usage.
    Verify(crate::cmd_verify::VerifyArgs),
    /// Electronic copy (rules.md S4): add one organization signature showing, top right of
    /// page 1, the kind of copy, the organization and the time; also from JPEG scans.
    Copy(crate::cmd_copy::CopyArgs),
    /// Attachment or appendix in its own file (rules.md S5): add the organization
    /// signature showing the document's number and symbol and the time, top right of page 1.
    Attach(crate::cmd_copy::AttachArgs),
    /// History of a signed file for archivists: revisions, signatures and document
    /// timestamps, certificate paths and revocation evidence; --extract N writes revision N.
    Chain(crate::cmd_chain::ChainArgs),
    /// Long-term validation (PAdES B-LT): add certificates, OCSP responses and CRLs for
    /// every signature and timestamp to the DSS; with --lta --tsa URL also a document
    /// timestamp (B-LTA). Run again later to renew.
    Ltv(crate::cmd_ltv::LtvArgs),
    /// Demonstration: make a throwaway test PKI, sign the sample decision with a personal
    /// then an organization signature, and verify it.
    Demo(crate::demo::DemoArgs),
    /// Make a throwaway test PKI (root CA, issuing CA, personal and organization
    /// certificates, broken certificates, OCSP and TSA certificates, CRLs). Test use only.
    Testpki(TestpkiArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish) to standard output,
    /// e.g. `vbdt completions bash > /etc/bash_completion.d/vbdt`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output: `vbdt man | man -l -`.
    Man(ManArgs),
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    /// Language of the flags' descriptions (zsh, fish, PowerShell show them).
    #[arg(long, value_enum, default_value_t = Lang::Vi)]
    pub lang: Lang,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Language of the manual page.
    #[arg(long, value_enum, default_value_t = Lang::Vi)]
    pub lang: Lang,
}

#[derive(Args, Debug)]
pub struct TestpkiArgs {
    /// Directory to write the PKI into (created if missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// OCSP responder URL written into the certificates' AIA extension.
    #[arg(long, value_name = "URL")]
    pub ocsp_url: Option<String>,
    /// Base URL for CRL distribution points (e.g. http://127.0.0.1:8080/crl/).
    #[arg(long, value_name = "URL")]
    pub crl_base_url: Option<String>,
    /// Reuse private keys cached in DIR (NAME.KIND.key.pem) and store new ones there.
    /// Test suites use it to skip RSA key generation; never for real keys.
    #[arg(long, value_name = "DIR", hide = true)]
    pub key_cache: Option<PathBuf>,
    /// Which real PKI the names and policy imitate: vgca (government CA) or neac (public CAs).
    #[arg(long, value_enum, default_value_t = crate::testpki::Shape::Vgca)]
    pub shape: crate::testpki::Shape,
    /// caIssuers URL (where ca.crt is served) written into the certificates' AIA extension.
    #[arg(long, value_name = "URL")]
    pub ca_issuers_url: Option<String>,
    /// Instead of a new PKI: write fresh root.crl and ca.crl (issued now) for the PKI in
    /// --out into DIR.
    #[arg(long, value_name = "DIR")]
    pub reissue_crls: Option<PathBuf>,
    /// With --reissue-crls: also revoke NAME now (listed in ca.crl, marked in index.txt).
    #[arg(long, value_name = "NAME", requires = "reissue_crls")]
    pub revoke: Vec<String>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = Lang::Vi)]
    pub lang: Lang,
}

/// Parses the command line with help text and the default `--lang` in the user's language
/// ([`lang_for`]).
pub fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang_for(&args);
    let matches = command(lang).try_get_matches_from(args).unwrap_or_else(|e| exit_with(&e, lang));
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| exit_with(&e, lang))
}

/// Help and version as clap prints them; clap's errors in the chosen language, with
/// clap's exit code (2, a usage error).
fn exit_with(e: &clap::Error, lang: Lang) -> ! {
    // (`vbdt` alone: clap shows the help, already in the chosen language.)
    if lang == Lang::En || !e.use_stderr() || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        e.exit()
    }
    eprint!("{}", crate::msg::clap_error_vi(e));
    std::process::exit(e.exit_code())
}

/// The language of this run: `--lang` on the command line, else the profile's `lang`,
/// else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: the first one set decides; `vi…` is
/// Vietnamese, `en…` English), else Vietnamese.
pub fn lang_for(args: &[OsString]) -> Lang {
    let mut profile = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let lang = if let Some(v) = a.strip_prefix("--lang=") {
            lang_named(v)
        } else if a == "--lang" {
            it.next().and_then(|v| lang_named(&v))
        } else {
            if let Some(v) = a.strip_prefix("--profile=") {
                profile = Some(PathBuf::from(v));
            } else if a == "--profile" {
                profile = it.next().map(|v| PathBuf::from(v.as_ref()));
            }
            None
        };
        if lang.is_some() {
            return lang.unwrap_or(Lang::Vi);
        }
    }
    // An unreadable profile is reported by the command that uses it.
    if let Some(lang) = crate::profile::Profile::load(profile.as_deref(), false).ok().and_then(|p| p.lang) {
        return lang;
    }
    locale_lang(|v| std::env::var(v).ok()).unwrap_or(Lang::Vi)
}

fn lang_named(v: &str) -> Option<Lang> {
    match v {
        "vi" => Some(Lang::Vi),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The language of the POSIX locale: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is
/// set and not empty, when it is Vietnamese or English.
fn locale_lang(var: impl Fn(&str) -> Option<String>) -> Option<Lang> {
    let value = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(|v| var(v).filter(|s| !s.is_empty()))?;
    if value.starts_with("vi") {
        Some(Lang::Vi)
    } else if value.starts_with("en") {
        Some(Lang::En)
    } else {
        None
    }
}

/// The one clap definition, with help text and `--lang`'s default in `lang`: help,
/// completions and the man page all come from it.
pub fn command(lang: Lang) -> clap::Command {
    let default = match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    };
    let cmd = Cli::command().mut_subcommands(|sub| {
        let sub = if sub.get_arguments().any(|a| a.get_id() == "lang") { sub.mut_arg("lang", |a| a.default_value(default)) } else { sub };
        match lang {
            Lang::Vi => crate::help_vi::subcommand(sub),
            Lang::En => sub,
        }
    });
    match lang {
        Lang::Vi => crate::help_vi::top(cmd),
        Lang::En => cmd,
    }
}

/// `vbdt completions SHELL`.
pub fn completions(args: &CompletionsArgs) {
    let mut cmd = command(args.lang);
    clap_complete::generate(args.shell, &mut cmd, "vbdt", &mut std::io::stdout());
}

/// `vbdt man`: one page, the top command and then a section for each subcommand.
pub fn man(args: &ManArgs) -> std::io::Result<()> {
    use std::io::Write;
    let mut cmd = command(args.lang);
    cmd.build();
    let mut top = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut top)?;
    // The subcommands are sections of this page, not pages of their own (vbdt-sign(1)).
    let mut top = String::from_utf8_lossy(&top).into_owned();
    for sub in cmd.get_subcommands() {
        top = top.replace(&format!("vbdt\\-{}(1)", sub.get_name()), &format!("vbdt {}", sub.get_name()));
    }
    let mut out = top.into_bytes();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        let name = format!("vbdt {}", sub.get_name());
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        let page = clap_mangen::Man::new(sub.clone().bin_name(&name));
        let mut part = Vec::new();
        page.render_description_section(&mut part)?;
        page.render_synopsis_section(&mut part)?;
        page.render_options_section(&mut part)?;
        // The subcommand's own sections are subsections of its section.
        let part = String::from_utf8_lossy(&part).replace("\n.SH ", "\n.SS ");
        let part = part.strip_prefix(".SH ").map(|rest| format!(".SS {rest}")).unwrap_or(part);
        out.extend_from_slice(part.as_bytes());
    }
    std::io::stdout().write_all(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        std::iter::once("vbdt").chain(a.iter().copied()).map(OsString::from).collect()
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_locale() {
        assert_eq!(lang_for(&args(&["sign", "--lang", "en"])), Lang::En);
        assert_eq!(lang_for(&args(&["verify", "--lang=vi", "x.pdf"])), Lang::Vi);
        let env =
            |pairs: &'static [(&'static str, &'static str)]| move |v: &str| pairs.iter().find(|(k, _)| *k == v).map(|(_, x)| x.to_string());
        assert_eq!(locale_lang(env(&[("LANG", "vi_VN.UTF-8")])), Some(Lang::Vi));
        assert_eq!(locale_lang(env(&[("LANG", "vi_VN.UTF-8"), ("LC_ALL", "en_US.UTF-8")])), Some(Lang::En));
        assert_eq!(locale_lang(env(&[("LANG", "en_GB.UTF-8"), ("LC_MESSAGES", "vi_VN")])), Some(Lang::Vi));
        assert_eq!(locale_lang(env(&[("LANG", "C.UTF-8")])), None);
        assert_eq!(locale_lang(env(&[("LC_ALL", ""), ("LANG", "en_US")])), Some(Lang::En));
    }

    #[test]
    fn help_is_in_the_chosen_language_and_lang_defaults_to_it() {
        let vi = command(Lang::Vi);
        let sign = vi.find_subcommand("sign").expect("sign");
        assert!(sign.get_about().is_some_and(|a| a.to_string().contains("Ký")), "{:?}", sign.get_about());
        let m = command(Lang::En).try_get_matches_from(["vbdt", "verify", "x.pdf"]).expect("parses");
        let cli = Cli::from_arg_matches(&m).expect("cli");
        let Command::Verify(v) = cli.command else { panic!("verify") };
        assert_eq!(v.lang, Lang::En);
        // Every subcommand has a Vietnamese summary.
        for sub in vi.get_subcommands().filter(|s| s.get_name() != "help") {
            let en = Cli::command().find_subcommand(sub.get_name()).and_then(|s| s.get_about().map(|a| a.to_string()));
            assert_ne!(sub.get_about().map(|a| a.to_string()), en, "{} has no Vietnamese summary", sub.get_name());
        }
    }
}
