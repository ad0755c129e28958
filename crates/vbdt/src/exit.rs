//! Exit codes, decided in this one place (README.md's table; docs/architecture.md).
//!
//! Every subcommand ends with an [`Outcome`]: done, a verdict of `verify`, or a
//! [`Failure`] of a typed kind. [`code`] is the only function that turns an outcome into a
//! number, the same for every subcommand; a batch keeps the [`worst`] of its files'
//! outcomes. The constants below are outcomes, not numbers, so that code elsewhere can
//! say `return exit::USAGE` without deciding a code.

/// Why a command could not do its job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The command line or the profile: a bad flag or value, a secret that cannot be
    /// had as the command line says (environment variable not set, secret file
    /// unreadable or too long, no terminal to prompt on), worker threads that cannot start.
    Usage,
    /// Input that cannot be read or used: not a PDF, encrypted, too broken to update, a
    /// wrong document password, an image, certificate, CRL or trust file that cannot be
    /// read, an output that exists or cannot be written.
    BadInput,
    /// The key, token, PIN or PKCS#12 password (wrong, locked), the signer's certificate
    /// (Điều 29 pre-checks), or the network (OCSP, CRL, TSA).
    KeyOrNetwork,
}

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success; for `verify`, every file valid.
    Done,
    /// `verify`: something invalid or unsigned (or a bundle to return).
    Invalid,
    /// `verify`: indeterminate and nothing invalid.
    Indeterminate,
    /// The command could not do its job.
    Failed(Failure),
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM: the files begun were finished, the rest
    /// not started (a batch resumes with `--skip-existing`).
    Interrupted,
}

pub const OK: Outcome = Outcome::Done;
pub const INVALID: Outcome = Outcome::Invalid;
pub const INDETERMINATE: Outcome = Outcome::Indeterminate;
pub const USAGE: Outcome = Outcome::Failed(Failure::Usage);
pub const BAD_INPUT: Outcome = Outcome::Failed(Failure::BadInput);
pub const KEY_OR_NETWORK: Outcome = Outcome::Failed(Failure::KeyOrNetwork);
pub const INTERRUPTED: Outcome = Outcome::Interrupted;

/// The process exit code of an outcome: the one place where codes are decided.
/// (clap exits 2 by itself for the flags it rejects: the code of [`Failure::Usage`].)
pub fn code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Done => 0,
        Outcome::Invalid => 1,
        Outcome::Failed(Failure::Usage) => 2,
        Outcome::Indeterminate => 3,
        Outcome::Failed(Failure::BadInput) => 4,
        Outcome::Failed(Failure::KeyOrNetwork) => 5,
        // 128 + SIGINT, what shells report for a program stopped by Ctrl-C.
        Outcome::Interrupted => 130,
    }
}

/// Precedence in a batch: a file that could not be handled outweighs a verdict, and a
/// key or network failure (which stops the work) outweighs a bad file; an interruption
/// outweighs everything (the batch is not complete, whatever else happened).
fn severity(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Done => 0,
        Outcome::Indeterminate => 1,
        Outcome::Invalid => 2,
        Outcome::Failed(Failure::BadInput) => 3,
        Outcome::Failed(Failure::Usage) => 4,
        Outcome::Failed(Failure::KeyOrNetwork) => 5,
        Outcome::Interrupted => 6,
    }
}

/// The outcome of a batch: the worst of its parts ([`OK`] for none).
pub fn worst(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
    outcomes.into_iter().max_by_key(|o| severity(*o)).unwrap_or(OK)
}

/// Every outcome, for the tests that hold README.md and the help text against [`code`].
#[cfg(test)]
pub const ALL: [Outcome; 7] = [OK, INVALID, USAGE, INDETERMINATE, BAD_INPUT, KEY_OR_NETWORK, INTERRUPTED];

#[cfg(test)]
mod tests {
    use super::*;

    /// README.md's "Exit codes" table: (code, meaning) rows.
    fn readme_table() -> Vec<(u8, String)> {
        let readme = include_str!("../../../README.md");
        let section = readme.split("## Exit codes").nth(1).expect("README.md has an \"## Exit codes\" section");
        section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
                Some((cells.first()?.parse().ok()?, cells.get(1)?.to_string()))
            })
            .collect()
    }

    /// What README.md must say for each outcome (words its meaning column must hold).
    fn words(outcome: Outcome) -> &'static [&'static str] {
        match outcome {
            Outcome::Done => &["success", "every file valid"],
            Outcome::Invalid => &["verify", "invalid or unsigned"],
            Outcome::Failed(Failure::Usage) => &["usage"],
            Outcome::Indeterminate => &["verify", "indeterminate"],
            Outcome::Failed(Failure::BadInput) => &["unreadable or unusable input", "output exists"],
            Outcome::Failed(Failure::KeyOrNetwork) => &["key", "token", "PIN", "certificate", "network"],
            Outcome::Interrupted => &["interrupted", "Ctrl-C", "--skip-existing"],
        }
    }

    #[test]
    fn readme_table_is_the_map() {
        let table = readme_table();
        assert_eq!(table.len(), ALL.len(), "README.md's exit-code table: {table:?}");
        for o in ALL {
            let c = code(o);
            let row = table.iter().find(|(n, _)| *n == c).unwrap_or_else(|| panic!("README.md has no row for exit code {c} ({o:?})"));
            for w in words(o) {
                assert!(row.1.contains(w), "README.md's row for {c} ({o:?}) should say {w:?}: {:?}", row.1);
            }
        }
        let mut codes: Vec<u8> = ALL.iter().map(|o| code(*o)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len(), "two outcomes share a code");
        assert_eq!(codes, table.iter().map(|(n, _)| *n).collect::<Vec<_>>(), "README.md lists codes in order, each once");
    }

    #[test]
    fn a_batch_keeps_its_worst_outcome() {
        assert_eq!(worst([]), OK);
        assert_eq!(worst([OK, INDETERMINATE, OK]), INDETERMINATE);
        assert_eq!(worst([INDETERMINATE, INVALID]), INVALID);
        assert_eq!(worst([INVALID, BAD_INPUT, INDETERMINATE]), BAD_INPUT);
        assert_eq!(worst([BAD_INPUT, KEY_OR_NETWORK]), KEY_OR_NETWORK);
        assert_eq!(worst([KEY_OR_NETWORK, INTERRUPTED, OK]), INTERRUPTED);
    }

    /// `vbdt verify --help` states the codes verify uses; they must be the map's.
    #[test]
    fn verify_help_states_the_same_codes() {
        use clap::CommandFactory;
        let cmd = crate::cli::Cli::command();
        let verify = cmd.find_subcommand("verify").expect("verify");
        let about = verify.get_about().map(|a| a.to_string()).unwrap_or_default();
        for (o, what) in [
            (OK, "all valid"),
            (INVALID, "invalid or unsigned"),
            (INDETERMINATE, "indeterminate"),
            (BAD_INPUT, "unreadable"),
            (USAGE, "usage"),
        ] {
            assert!(about.contains(&format!("{} {what}", code(o))), "verify's help should say \"{} {what}\": {about}", code(o));
        }
    }
}
