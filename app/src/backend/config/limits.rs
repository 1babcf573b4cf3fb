//! `PORTAL_RESET_*` and `PORTAL_LOGIN_*`: how long a reset link works, and how many resets,
//! link checks and logins an account or a client address gets.

use std::time::Duration;

use super::{bad, raw::RawConfig, ConfigError};

/// The reset link's lifetime, the request budgets, and the login lockout: [`Config`]'s fields
/// of the same names.
///
/// [`Config`]: super::Config
pub(super) struct Limits {
    pub(super) reset_link_lifetime: Duration,
    pub(super) reset_limit_per_account: i64,
    pub(super) reset_limit_per_address: i64,
    pub(super) reset_link_checks_per_address: i64,
    pub(super) login_lockout_after: i64,
    pub(super) login_lockout: Duration,
    pub(super) login_attempts_per_address: i64,
}

/// Also checks the captcha's picture budget (`PORTAL_CAPTCHA_PICTURES_PER_ADDRESS`), with the
/// other budgets.
pub(super) fn parse(raw: &RawConfig) -> Result<Limits, ConfigError> {
    if raw.reset_link_lifetime_secs < 60 {
        return Err(bad("PORTAL_RESET_LINK_LIFETIME_SECS", "must be at least 60 seconds"));
    }
    for (setting, value) in [
        ("PORTAL_RESET_LIMIT_PER_ACCOUNT", raw.reset_limit_per_account),
        ("PORTAL_RESET_LIMIT_PER_ADDRESS", raw.reset_limit_per_address),
        ("PORTAL_RESET_LINK_CHECKS_PER_ADDRESS", raw.reset_link_checks_per_address),
        ("PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS", raw.login_attempts_per_address),
        ("PORTAL_CAPTCHA_PICTURES_PER_ADDRESS", raw.captcha_pictures_per_address),
    ] {
        if value < 1 {
            return Err(bad(setting, "must be at least 1"));
        }
    }
    if !(1..=100).contains(&raw.login_lockout_after) {
        // NIST SP 800-63B 5.2.2: no more than 100 consecutive failed attempts.
        return Err(bad("PORTAL_LOGIN_LOCKOUT_AFTER", "must be between 1 and 100"));
    }
    if !(1..=24 * 60 * 60).contains(&raw.login_lockout_secs) {
        return Err(bad("PORTAL_LOGIN_LOCKOUT_SECS", "must be between 1 and 86400 (a day)"));
    }
    Ok(Limits {
        reset_link_lifetime: Duration::from_secs(raw.reset_link_lifetime_secs),
        reset_limit_per_account: raw.reset_limit_per_account,
        reset_limit_per_address: raw.reset_limit_per_address,
        reset_link_checks_per_address: raw.reset_link_checks_per_address,
        login_lockout_after: raw.login_lockout_after,
        login_lockout: Duration::from_secs(raw.login_lockout_secs),
        login_attempts_per_address: raw.login_attempts_per_address,
    })
}
