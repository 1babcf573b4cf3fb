//! `PORTAL_SESSION_IDLE_SECS` and `PORTAL_SESSION_LIFETIME_SECS`: how long a sign-in lasts.

use std::time::Duration;

use super::{bad, raw::RawConfig, ConfigError};

/// How long a sign-in whose password was right waits for its second factor.
pub const PENDING_SIGN_IN_SECS: i64 = 5 * 60;

/// How long a session lasts unused, and at most.
pub(super) struct Sessions {
    pub(super) idle: Duration,
    pub(super) lifetime: Duration,
}

pub(super) fn parse(raw: &RawConfig) -> Result<Sessions, ConfigError> {
    if raw.session_idle_secs == 0 {
        return Err(bad("PORTAL_SESSION_IDLE_SECS", "must be at least one second"));
    }
    if raw.session_lifetime_secs == 0 {
        return Err(bad("PORTAL_SESSION_LIFETIME_SECS", "must be at least one second"));
    }
    Ok(Sessions {
        idle: Duration::from_secs(raw.session_idle_secs),
        lifetime: Duration::from_secs(raw.session_lifetime_secs),
    })
}
