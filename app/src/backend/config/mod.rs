//! One typed configuration: defaults, then an optional `portal.toml`, then `PORTAL_*` variables.
//!
//! Every value is checked here, once, so a bad setting stops start-up with one line that names
//! it, and the rest of the program works with parsed values: a [`Database`], [`SmtpSettings`]
//! and a sender [`Mailbox`], a [`CaptchaMode`] that carries its provider, durations as
//! [`Duration`].

mod brand;
mod captcha;
mod database;
mod mail;
mod raw;

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
    captcha::{CaptchaKeySource, CaptchaMode, CaptchaSettings, KeySource, ProviderSettings},
    database::Database,
    mail::{BadSmtpUrl, MailTransport, Security, SmtpSettings},
};
use crate::password_policy::PasswordPolicy;

/// Where a request comes from: the socket peer, or, when that peer is one of the trusted
/// proxies, the last address the proxy wrote into `header`.
#[derive(Debug, Clone)]
pub struct ClientAddressSource {
    pub header: Option<http::HeaderName>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The prefix length an IPv6 client's budgets are counted by (`PORTAL_IPV6_PREFIX`).
    pub ipv6_prefix: u8,
}

impl Default for ClientAddressSource {
    fn default() -> Self {
        Self { header: None, trusted_proxies: Vec::new(), ipv6_prefix: 64 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// How long a sign-in whose password was right waits for its second factor.
pub const PENDING_SIGN_IN_SECS: i64 = 5 * 60;

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

    fn from_raw(raw: RawConfig) -> Result<Self, ConfigError> {
        let listen: SocketAddr = raw.listen.parse().map_err(|_| {
            bad("PORTAL_LISTEN", format!("'{}' is not an address:port such as 127.0.0.1:3000", raw.listen))
        })?;
        let public_url = parse_public_url(raw.public_url.as_deref(), listen)?;
        let brand = BrandSettings::parse(&raw.site_name, raw.logo.as_deref())?;
        let metrics_listen = match raw.metrics_listen.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(text) => Some(text.parse::<SocketAddr>().map_err(|_| {
                bad("PORTAL_METRICS_LISTEN", format!("'{text}' is not an address:port such as 127.0.0.1:9300"))
            })?),
        };
        if metrics_listen == Some(listen) {
            return Err(bad("PORTAL_METRICS_LISTEN", "must differ from PORTAL_LISTEN: metrics are never public"));
        }
        let database = Database::parse(&raw.database_url)?;
        let mail_transport = mail::parse_transport(&raw.smtp_url)?;
        let mail_from = mail::parse_from(&raw.mail_from)?;
        let captcha = captcha::parse(&raw, &public_url)?;
        let secret_key = match raw.secret_key.as_deref() {
            Some(key) if key.len() < 32 => {
                return Err(bad(
                    "PORTAL_SECRET_KEY",
                    "must be at least 32 characters (for example: openssl rand -hex 32)",
                ))
            }
            Some(key) => KeySource::Given(key.to_owned().into()),
            None => KeySource::File(std::path::PathBuf::from(&raw.secret_key_file)),
        };
        let client_address = parse_client_address(&raw)?;
        let cookie_secure = raw.cookie_secure.unwrap_or(public_url.scheme() == "https");
        if public_url.scheme() == "https" && !cookie_secure {
            tracing::warn!(
                "PORTAL_COOKIE_SECURE=false while PORTAL_PUBLIC_URL is https: session cookies may travel in clear text"
            );
        }
        let hsts = (public_url.scheme() == "https" && raw.hsts_max_age_secs > 0).then(|| {
            let subdomains = if raw.hsts_include_subdomains { "; includeSubDomains" } else { "" };
            format!("max-age={}{subdomains}", raw.hsts_max_age_secs)
        });
        let connections = parse_connection_limits(&raw)?;
        if raw.session_idle_secs == 0 {
            return Err(bad("PORTAL_SESSION_IDLE_SECS", "must be at least one second"));
        }
        if raw.session_lifetime_secs == 0 {
            return Err(bad("PORTAL_SESSION_LIFETIME_SECS", "must be at least one second"));
        }
        let argon2 = Argon2Settings {
            memory_kib: raw.argon2_memory_kib,
            iterations: raw.argon2_iterations,
            parallelism: raw.argon2_parallelism,
        };
        argon2::Params::new(argon2.memory_kib, argon2.iterations, argon2.parallelism, None)
            .map_err(|e| bad("PORTAL_ARGON2_MEMORY_KIB", format!("invalid argon2 parameters: {e}")))?;
        let hash_concurrency = match raw.hash_concurrency {
            Some(0) => return Err(bad("PORTAL_HASH_CONCURRENCY", "must be at least 1")),
            Some(n) => n,
            None => default_hash_concurrency(argon2.memory_kib),
        };
        let password_policy = parse_password_policy(&raw)?;
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
            cookie_secure,
            hsts,
            connections,
            site_root: PathBuf::from(raw.site_root),
            session_idle: Duration::from_secs(raw.session_idle_secs),
            session_lifetime: Duration::from_secs(raw.session_lifetime_secs),
            argon2,
            hash_concurrency,
            hash_queue_timeout: Duration::from_secs(raw.hash_queue_timeout_secs),
            password_policy,
            reset_link_lifetime: Duration::from_secs(raw.reset_link_lifetime_secs),
            reset_limit_per_account: raw.reset_limit_per_account,
            reset_limit_per_address: raw.reset_limit_per_address,
            reset_link_checks_per_address: raw.reset_link_checks_per_address,
            login_lockout_after: raw.login_lockout_after,
            login_lockout: Duration::from_secs(raw.login_lockout_secs),
            login_attempts_per_address: raw.login_attempts_per_address,
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

fn parse_client_address(raw: &RawConfig) -> Result<ClientAddressSource, ConfigError> {
    let header = match raw.client_address_header.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        Some(name) => Some(http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            bad("PORTAL_CLIENT_ADDRESS_HEADER", format!("'{name}' is not a header name such as X-Forwarded-For"))
        })?),
        None => None,
    };
    let trusted_proxies = raw
        .trusted_proxies
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().map_err(|_| bad("PORTAL_TRUSTED_PROXIES", format!("'{p}' is not an IP address"))))
        .collect::<Result<_, _>>()?;
    let ipv6_prefix = match raw.ipv6_prefix {
        prefix @ 1..=128 => prefix,
        other => return Err(bad("PORTAL_IPV6_PREFIX", format!("{other} is not a prefix length from 1 to 128"))),
    };
    Ok(ClientAddressSource { header, trusted_proxies, ipv6_prefix })
}

/// How many connections, and how long a connection or a request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once; more wait in the kernel's backlog (`PORTAL_MAX_CONNECTIONS`).
    pub max_connections: usize,
    /// A connection that has not sent a request's headers by then is closed
    /// (`PORTAL_HEADER_READ_TIMEOUT_SECS`).
    pub header_read: Duration,
    /// A request not answered by then gets 408 (`PORTAL_REQUEST_TIMEOUT_SECS`): a body sent
    /// slowly cannot hold a handler longer.
    pub request: Duration,
    /// How long open connections may finish their requests at shutdown
    /// (`PORTAL_SHUTDOWN_GRACE_SECS`).
    pub shutdown_grace: Duration,
    /// At shutdown, how long the node keeps accepting new connections while `/readyz` says 503,
    /// so that balancers notice and stop sending it traffic first (`PORTAL_SHUTDOWN_DRAIN_SECS`).
    pub shutdown_drain: Duration,
}

fn parse_connection_limits(raw: &RawConfig) -> Result<ConnectionLimits, ConfigError> {
    let secs = |value: u64, name: &str| match value {
        1..=3600 => Ok(Duration::from_secs(value)),
        _ => Err(bad(name, "must be between 1 and 3600 seconds")),
    };
    if !(1..=1_000_000).contains(&raw.max_connections) {
        return Err(bad("PORTAL_MAX_CONNECTIONS", "must be between 1 and 1000000"));
    }
    Ok(ConnectionLimits {
        max_connections: raw.max_connections,
        header_read: secs(raw.header_read_timeout_secs, "PORTAL_HEADER_READ_TIMEOUT_SECS")?,
        request: secs(raw.request_timeout_secs, "PORTAL_REQUEST_TIMEOUT_SECS")?,
        shutdown_grace: secs(raw.shutdown_grace_secs, "PORTAL_SHUTDOWN_GRACE_SECS")?,
        shutdown_drain: match raw.shutdown_drain_secs {
            0..=600 => Duration::from_secs(raw.shutdown_drain_secs),
            _ => return Err(bad("PORTAL_SHUTDOWN_DRAIN_SECS", "must be between 0 and 600 seconds")),
        },
    })
}

/// One hash per core, and never more than 256 MiB of argon2 memory in flight.
fn default_hash_concurrency(memory_kib: u32) -> usize {
    const MEMORY_BUDGET_KIB: usize = 256 * 1024;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let by_memory = MEMORY_BUDGET_KIB / (memory_kib.max(1) as usize);
    cores.min(by_memory).max(1)
}

fn parse_public_url(value: Option<&str>, listen: SocketAddr) -> Result<Url, ConfigError> {
    let text = value.map_or_else(|| format!("http://{listen}"), str::to_owned);
    let url = Url::parse(&text).map_err(|e| bad("PORTAL_PUBLIC_URL", format!("'{text}' is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad(
            "PORTAL_PUBLIC_URL",
            "expected an http:// or https:// origin such as https://account.example.com",
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("PORTAL_PUBLIC_URL", "give the origin only (scheme, host and port), with no path"));
    }
    Ok(url)
}

/// A preset (`default`: the product's rules; `nist`: NIST SP 800-63B style), then any overrides.
fn parse_password_policy(raw: &RawConfig) -> Result<PasswordPolicy, ConfigError> {
    let mut policy = match raw.password_policy.as_str() {
        "default" => PasswordPolicy::default(),
        "nist" => PasswordPolicy::nist(),
        other => return Err(bad("PORTAL_PASSWORD_POLICY", format!("'{other}' is not one of: default, nist"))),
    };
    let set = |field: &mut bool, value: Option<bool>| {
        if let Some(v) = value {
            *field = v;
        }
    };
    set(&mut policy.require_upper, raw.password_require_upper);
    set(&mut policy.require_lower, raw.password_require_lower);
    set(&mut policy.require_digit, raw.password_require_digit);
    set(&mut policy.require_symbol, raw.password_require_symbol);
    set(&mut policy.reject_dictionary_words, raw.password_reject_dictionary_words);
    if let Some(n) = raw.password_min_length {
        if !(8..=64).contains(&n) {
            return Err(bad("PORTAL_PASSWORD_MIN_LENGTH", "must be between 8 and 64"));
        }
        policy.min_length = n;
    }
    if let Some(score) = raw.password_min_score {
        if score > 4 {
            return Err(bad("PORTAL_PASSWORD_MIN_SCORE", "must be between 0 and 4"));
        }
        policy.min_score = score;
    }
    Ok(policy)
}

#[cfg(test)]
mod tests;
