//! `PORTAL_CAPTCHA_KEY[_FILE]` and `PORTAL_SECRET_KEY[_FILE]`: a key given, or a file to keep one in.

use std::path::PathBuf;

use super::{bad, ConfigError};

/// Where a key comes from (the captcha's signing key, the deployment key). Every node of one
/// deployment must use the same.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// Given in the environment (`PORTAL_CAPTCHA_KEY`, `PORTAL_SECRET_KEY`).
    Given(secrecy::SecretString),
    /// A key the portal generates on first start and keeps in this file (mode 0600).
    File(PathBuf),
}

impl KeySource {
    /// The key given in `setting`, which must be long enough, or else the file named by its
    /// `_FILE` setting.
    pub(super) fn parse(setting: &str, given: Option<&str>, file: &str) -> Result<Self, ConfigError> {
        match given {
            Some(key) if key.len() < 32 => {
                Err(bad(setting, "must be at least 32 characters (for example: openssl rand -hex 32)"))
            }
            Some(key) => Ok(Self::Given(key.to_owned().into())),
            None => Ok(Self::File(PathBuf::from(file))),
        }
    }
}
