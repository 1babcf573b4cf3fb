//! One typed configuration: defaults, then an optional `portal.toml`, then `PORTAL_*` variables.
//!
//! Every value is checked here, once, so a bad setting stops start-up with one line that names
//! it, and the rest of the program works with parsed values: a [`Database`], [`SmtpSettings`]
//! and a sender [`Mailbox`], a [`CaptchaMode`] that carries its provider, durations as
//! [`Duration`].

mod brand;
mod captcha;
mod client_address;
mod connections;
mod database;
mod https;
mod keys;
mod limits;
mod listen;
mod mail;
mod passwords;
mod raw;
mod sessions;

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
pub use lettre::message::Mailbox;
use url::Url;

use self::raw::RawConfig;
pub use self::{
    brand::{BrandSettings, Logo},
    captcha::{CaptchaKeySource, CaptchaMode, CaptchaSettings, ProviderSettings},
    client_address::ClientAddressSource,
    connections::ConnectionLimits,
    database::Database,
    keys::KeySource,
    mail::{BadSmtpUrl, MailTransport, Security, SmtpSettings},
    passwords::Argon2Settings,
    sessions::PENDING_SIGN_IN_SECS,
};
use crate::password_policy::PasswordPolicy;

/// The checked configuration the program runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: Database,
    /// The origin every link the portal writes starts with (no trailing slash).
    pub public_url: Url,
    /// The site's name and logo (`PORTAL_SITE_NAME`, `PORTAL_LOGO`).
    pub brand: BrandSettings,
    /// Every account must have two-factor sign-in on (`PORTAL_REQUIRE_2FA`): one without it
    /// sees only its setup.
    pub require_two_factor: bool,
    /// Where `/metrics` is served (`PORTAL_METRICS_LISTEN`; off by default): a listener of its
    /// own, never the public one.
    pub metrics_listen: Option<SocketAddr>,
    pub mail_transport: MailTransport,
    pub mail_from: Mailbox,
    pub captcha: CaptchaSettings,
    /// The deployment key (`PORTAL_SECRET_KEY`): what the outbox's bodies are encrypted under.
    pub secret_key: KeySource,
    pub client_address: ClientAddressSource,
    pub cookie_secure: bool,
    /// The `Strict-Transport-Security` value, when the public URL is https.
    pub hsts: Option<String>,
    pub connections: ConnectionLimits,
    pub site_root: PathBuf,
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    pub argon2: Argon2Settings,
    pub hash_concurrency: usize,
    pub hash_queue_timeout: Duration,
    pub password_policy: PasswordPolicy,
    /// How long a password-reset link works.
    pub reset_link_lifetime: Duration,
    /// Reset emails per account per hour; requests beyond get the same reply and no email.
    pub reset_limit_per_account: i64,
    /// Reset requests per client address per hour.
    pub reset_limit_per_address: i64,
    /// Reset-link checks (opening or using a link) per client address per 10 minutes.
    pub reset_link_checks_per_address: i64,
    /// Consecutive failed password checks after which the account's logins are locked.
    pub login_lockout_after: i64,
    /// How long such a lock lasts (and the longest of the delays before it).
    pub login_lockout: Duration,
    /// Login attempts per client address per 15 minutes; beyond, 429.
    pub login_attempts_per_address: i64,
}

/// A setting that cannot be used, named as the operator wrote it.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

pub(super) fn bad(setting: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { setting: setting.to_owned(), message: message.into() }
}

impl Config {
    /// Reads `portal.toml` (or the file named by `PORTAL_CONFIG`) if present, then the environment.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var("PORTAL_CONFIG").unwrap_or_else(|_| "portal.toml".into());
        let figment = Figment::from(Serialized::defaults(RawConfig::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("PORTAL_").ignore(&["config"]));
        let raw: RawConfig = figment.extract().map_err(|e| {
            let setting =
                e.path.first().map(|key| format!("PORTAL_{}", key.to_uppercase())).unwrap_or_else(|| file.clone());
            bad(&setting, e.kind.to_string())
        })?;
        Self::from_raw(raw)
    }

    /// The defaults with an explicit database and address: what tests and tools start from.
    pub fn for_database(database_url: &str) -> Result<Self, ConfigError> {
        Self::from_raw(RawConfig { database_url: database_url.to_owned(), ..RawConfig::default() })
    }

    /// Every setting checked, concern by concern, in this order: the first bad one is the error.
    fn from_raw(raw: RawConfig) -> Result<Self, ConfigError> {
        let (listen, public_url) = listen::parse(&raw)?;
        let brand = BrandSettings::parse(&raw.site_name, raw.logo.as_deref())?;
        let metrics_listen = listen::parse_metrics(raw.metrics_listen.as_deref(), listen)?;
        let database = Database::parse(&raw.database_url)?;
        let mail_transport = mail::parse_transport(&raw.smtp_url)?;
        let mail_from = mail::parse_from(&raw.mail_from)?;
        let captcha = captcha::parse(&raw, &public_url)?;
        let secret_key = KeySource::parse("PORTAL_SECRET_KEY", raw.secret_key.as_deref(), &raw.secret_key_file)?;
        let client_address = ClientAddressSource::parse(&raw)?;
        let https = https::parse(&raw, &public_url);
        let connections = ConnectionLimits::parse(&raw)?;
        let sessions = sessions::parse(&raw)?;
        let passwords = passwords::parse(&raw)?;
        let limits = limits::parse(&raw)?;
        Ok(Self {
            listen,
            database,
            public_url,
            brand,
            require_two_factor: raw.require_2fa,
            metrics_listen,
            mail_transport,
            mail_from,
            captcha,
            secret_key,
            client_address,
            cookie_secure: https.cookie_secure,
            hsts: https.hsts,
            connections,
            site_root: PathBuf::from(raw.site_root),
            session_idle: sessions.idle,
            session_lifetime: sessions.lifetime,
            argon2: passwords.argon2,
            hash_concurrency: passwords.hash_concurrency,
            hash_queue_timeout: passwords.hash_queue_timeout,
            password_policy: passwords.policy,
            reset_link_lifetime: limits.reset_link_lifetime,
            reset_limit_per_account: limits.reset_limit_per_account,
            reset_limit_per_address: limits.reset_limit_per_address,
            reset_link_checks_per_address: limits.reset_link_checks_per_address,
            login_lockout_after: limits.login_lockout_after,
            login_lockout: limits.login_lockout,
            login_attempts_per_address: limits.login_attempts_per_address,
        })
    }

    /// The public origin with `path` appended: every link in pages and mail is built here,
    /// never from a request's Host header.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }

    /// How long a reset link works, as pages and mail say it: "2 hours".
    pub fn reset_link_lifetime_words(&self) -> String {
        crate::backend::clock::duration_words(self.reset_link_lifetime)
    }
}

#[cfg(test)]
mod tests;
