//! PINs and passwords: from an environment variable, a file, or a prompt on the
//! terminal, never from argv; kept in zeroizing buffers; never logged. What stays
//! outside our reach (the environment block, rpassword's buffers) is listed in
//! docs/hardening.md, "Secrets".

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{bail, Context};
use pdf_sign::keys::read_secret_file;
use zeroize::Zeroizing;

/// Longest secret file read: a PIN or password is one short line.
const MAX_SECRET_FILE_BYTES: usize = 64 << 10;

/// Where a secret comes from.
pub enum SecretSource<'a> {
    Env(&'a str),
    File(&'a Path),
    Prompt(&'a str),
}

impl<'a> SecretSource<'a> {
    pub fn choose(env: Option<&'a str>, file: Option<&'a Path>, prompt: &'a str) -> Self {
        match (env, file) {
            (Some(var), _) => SecretSource::Env(var),
            (None, Some(path)) => SecretSource::File(path),
            (None, None) => SecretSource::Prompt(prompt),
        }
    }

    /// Reads the secret once. The error never contains the secret.
    pub fn read(&self) -> anyhow::Result<Zeroizing<String>> {
        no_core_dumps();
        match self {
            // std::env::var's String is the only copy made here (the environment block
            // itself cannot be cleared).
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) => Ok(Zeroizing::new(v)),
                Err(_) => bail!("environment variable {var} is not set"),
            },
            SecretSource::File(path) => {
                let bytes = read_secret_file(path, MAX_SECRET_FILE_BYTES)
                    .with_context(|| format!("cannot read the secret file {}", path.display()))?;
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    bail!("cannot read the secret file {}: it is not UTF-8 text", path.display());
                };
                // The first line is the secret; a trailing newline is not part of it.
                let first = text.lines().next().unwrap_or("");
                Ok(Zeroizing::new(first.to_string()))
            }
            SecretSource::Prompt(what) => {
                if !std::io::stdin().is_terminal() {
                    bail!("{what} needed: give it with the -env or -file option (no terminal to prompt on)");
                }
                let value = rpassword::prompt_password(format!("{what}: ")).context("cannot read from the terminal")?;
                Ok(Zeroizing::new(value))
            }
        }
    }
}

/// Makes this process leave no core dump (and refuse debuggers of other users) from now on:
/// called before a PIN, password or key enters memory, as ssh-agent and gpg-agent do, so a
/// crash cannot write them to disk. Zeroizing covers the secret after use; this covers the
/// moments it is in use. Linux only; elsewhere nothing changes.
pub fn no_core_dumps() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) only changes this process's dumpable flag.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn reading_a_secret_makes_the_process_undumpable() {
        // SAFETY: PR_GET_DUMPABLE only reads the flag.
        let dumpable = || unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) };
        std::env::set_var("VBDT_TEST_SECRET_DUMPABLE", "x");
        let secret = super::SecretSource::Env("VBDT_TEST_SECRET_DUMPABLE").read().unwrap();
        assert_eq!(secret.as_str(), "x");
        assert_eq!(dumpable(), 0);
    }
}
