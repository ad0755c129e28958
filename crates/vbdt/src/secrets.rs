//! PINs and passwords: from an environment variable, a file, or a prompt on the
//! terminal, never from argv; kept in zeroizing buffers; never logged. What stays
//! outside our reach (the environment block, rpassword's buffers) is listed in
//! docs/hardening.md, "Secrets".

use std::io::IsTerminal;
use std::path::Path;

use pdf_sign::keys::read_secret_file;
use zeroize::Zeroizing;

/// Longest secret file read: a PIN or password is one short line.
const MAX_SECRET_FILE_BYTES: usize = 64 << 10;

/// Which secret is asked for (the prompt and the messages name it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secret {
    P12Password,
    TokenPin,
    CscClient,
    CscToken,
    CscPin,
    CscOtp,
}

impl Secret {
    pub fn name(self, vi: bool) -> &'static str {
        match (self, vi) {
            (Secret::P12Password, true) => "Mật khẩu tệp PKCS#12",
            (Secret::P12Password, false) => "PKCS#12 password",
            (Secret::TokenPin, true) => "Mã PIN của thiết bị ký số",
            (Secret::TokenPin, false) => "Token PIN",
            (Secret::CscClient, true) => "Khóa bí mật ứng dụng (client secret) của dịch vụ ký số từ xa",
            (Secret::CscClient, false) => "CSC client secret",
            (Secret::CscToken, true) => "Mã truy cập (token) dịch vụ ký số từ xa",
            (Secret::CscToken, false) => "CSC token",
            (Secret::CscPin, true) => "Mã PIN ký số từ xa",
            (Secret::CscPin, false) => "CSC PIN",
            (Secret::CscOtp, true) => "Mã OTP ký số từ xa",
            (Secret::CscOtp, false) => "CSC OTP",
        }
    }
}

/// Why a secret could not be had as the command line says (a usage error).
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("environment variable {0} is not set")]
    EnvUnset(String),
    #[error("cannot read the secret file {}: {source}", path.display())]
    File {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the secret file {}: it is not UTF-8 text", .0.display())]
    NotUtf8(std::path::PathBuf),
    #[error("{} needed: give it with the -env or -file option (no terminal to prompt on)", .0.name(false))]
    NoTerminal(Secret),
    #[error("cannot read from the terminal: {0}")]
    Terminal(#[source] std::io::Error),
}

impl SecretError {
    /// The message in the chosen language.
    pub fn describe(&self, vi: bool) -> String {
        if !vi {
            return self.to_string();
        }
        match self {
            SecretError::EnvUnset(var) => format!("biến môi trường {var} chưa được đặt"),
            SecretError::File { path, source } => {
                format!("không đọc được tệp bí mật {}: {}", path.display(), crate::msg::io(source, true))
            }
            SecretError::NotUtf8(path) => format!("không đọc được tệp bí mật {}: nội dung không phải văn bản UTF-8", path.display()),
            SecretError::NoTerminal(what) => {
                format!("cần {}: hãy cho qua tùy chọn -env hoặc -file (không có cửa sổ dòng lệnh để hỏi)", what.name(true).to_lowercase())
            }
            SecretError::Terminal(e) => format!("không đọc được từ cửa sổ dòng lệnh: {}", crate::msg::io(e, true)),
        }
    }
}

/// Where a secret comes from.
pub enum SecretSource<'a> {
    Env(&'a str),
    File(&'a Path),
    /// Asked on the terminal, in Vietnamese when `vi`.
    Prompt(Secret, bool),
}

impl<'a> SecretSource<'a> {
    pub fn choose(env: Option<&'a str>, file: Option<&'a Path>, what: Secret, vi: bool) -> Self {
        match (env, file) {
            (Some(var), _) => SecretSource::Env(var),
            (None, Some(path)) => SecretSource::File(path),
            (None, None) => SecretSource::Prompt(what, vi),
        }
    }

    /// Reads the secret once. The error never contains the secret.
    pub fn read(&self) -> Result<Zeroizing<String>, SecretError> {
        no_core_dumps();
        match self {
            // std::env::var's String is the only copy made here (the environment block
            // itself cannot be cleared).
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) => Ok(Zeroizing::new(v)),
                Err(_) => Err(SecretError::EnvUnset(var.to_string())),
            },
            SecretSource::File(path) => {
                let bytes = read_secret_file(path, MAX_SECRET_FILE_BYTES)
                    .map_err(|source| SecretError::File { path: path.to_path_buf(), source })?;
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    return Err(SecretError::NotUtf8(path.to_path_buf()));
                };
                // The first line is the secret; a trailing newline is not part of it.
                let first = text.lines().next().unwrap_or("");
                Ok(Zeroizing::new(first.to_string()))
            }
            SecretSource::Prompt(what, vi) => {
                if !std::io::stdin().is_terminal() {
                    return Err(SecretError::NoTerminal(*what));
                }
                let value = rpassword::prompt_password(format!("{}: ", what.name(*vi))).map_err(SecretError::Terminal)?;
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
