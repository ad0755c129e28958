//! Exit codes, decided in this one place (documented in README.md and docs/architecture.md).

/// Success; for `verify`, every file valid.
pub const OK: u8 = 0;
/// `verify`: something invalid or unsigned.
pub const INVALID: u8 = 1;
/// Usage error (clap uses 2 as well).
pub const USAGE: u8 = 2;
/// `verify`: indeterminate and nothing invalid.
pub const INDETERMINATE: u8 = 3;
/// Unreadable or unusable input.
pub const BAD_INPUT: u8 = 4;
/// Key, token, PIN, certificate or network failure.
pub const KEY_OR_NETWORK: u8 = 5;
