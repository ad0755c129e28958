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
        match self {
            // std::env::var's String is the only copy made here (the environment block
            // itself cannot be cleared).
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) => Ok(Zeroizing::new(v)),
                Err(_) => bail!("environment variable {var} is not set"),
            },
            SecretSource::File(path) => {
                let bytes = read_secret_file(path, MAX_SECRET_FILE_BYTES).with_context(|| format!("cannot read the secret file {}", path.display()))?;
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
