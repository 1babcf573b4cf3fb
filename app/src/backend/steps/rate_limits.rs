//! Every per-client budget in one place: what it counts, how many, and per how long. The same
//! definition counts a hit, says how long a refused client waits (`Retry-After`), and tells
//! the housekeeping when a counter is stale.
//!
//! Counts live in the database, so every node shares them and a restart forgets nothing.

use std::time::Duration;

use crate::backend::{state::AppState, store::StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Login attempts per client address (`PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS` per 15 minutes).
    LoginAttemptsPerAddress,
    /// Reset requests per client address (`PORTAL_RESET_LIMIT_PER_ADDRESS` per hour).
    ResetRequestsPerAddress,
    /// Reset emails per account (`PORTAL_RESET_LIMIT_PER_ACCOUNT` per hour).
    ResetRequestsPerAccount,
    /// Reset-link checks, opening or using one, per client address
    /// (`PORTAL_RESET_LINK_CHECKS_PER_ADDRESS` per 10 minutes).
    ResetLinkChecksPerAddress,
    /// Captcha pictures and sounds drawn per client address
    /// (`PORTAL_CAPTCHA_PICTURES_PER_ADDRESS` per 10 minutes).
    CaptchaDrawingsPerAddress,
}

impl Limit {
    pub const ALL: [Limit; 5] = [
        Self::LoginAttemptsPerAddress,
        Self::ResetRequestsPerAddress,
        Self::ResetRequestsPerAccount,
        Self::ResetLinkChecksPerAddress,
        Self::CaptchaDrawingsPerAddress,
    ];

    /// The counter's name in the database.
    pub fn scope(self) -> &'static str {
        match self {
            Self::LoginAttemptsPerAddress => "login-address",
            Self::ResetRequestsPerAddress => "reset-address",
            Self::ResetRequestsPerAccount => "reset-account",
            Self::ResetLinkChecksPerAddress => "reset-link",
            Self::CaptchaDrawingsPerAddress => "captcha-drawing",
        }
    }

    /// The fixed window the budget is counted in; a refused client waits at most this long.
    pub fn window(self) -> Duration {
        const MINUTE: u64 = 60;
        Duration::from_secs(match self {
            Self::LoginAttemptsPerAddress => 15 * MINUTE,
            Self::ResetRequestsPerAddress | Self::ResetRequestsPerAccount => 60 * MINUTE,
            Self::ResetLinkChecksPerAddress | Self::CaptchaDrawingsPerAddress => 10 * MINUTE,
        })
    }

    /// Hits allowed per window, as configured.
    pub fn budget(self, state: &AppState) -> i64 {
        let config = &state.config;
        match self {
            Self::LoginAttemptsPerAddress => config.login_attempts_per_address,
            Self::ResetRequestsPerAddress => config.reset_limit_per_address,
            Self::ResetRequestsPerAccount => config.reset_limit_per_account,
            Self::ResetLinkChecksPerAddress => config.reset_link_checks_per_address,
            Self::CaptchaDrawingsPerAddress => config.captcha.pictures_per_address,
        }
    }

    /// Counts one hit for `key` (a client address, an account id); false once over budget.
    pub async fn hit(self, state: &AppState, key: &str) -> StoreResult<bool> {
        let window = self.window().as_secs() as i64;
        let hits = state.store.hit_rate_limit(self.scope(), key, state.clock.now(), window).await?;
        let within = hits <= self.budget(state);
        if !within {
            let budget = crate::backend::runtime::metrics::BudgetLabel { budget: self.scope() };
            state.metrics.rate_limit_refusals.get_or_create(&budget).inc();
        }
        Ok(within)
    }
}

#[cfg(test)]
mod tests {
    use super::Limit;

    #[test]
    fn every_limit_has_its_own_counter() {
        let mut scopes: Vec<&str> = Limit::ALL.iter().map(|l| l.scope()).collect();
        scopes.sort_unstable();
        scopes.dedup();
        assert_eq!(scopes.len(), Limit::ALL.len());
    }
}
