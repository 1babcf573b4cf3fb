//! One typed configuration: defaults, then an optional `portal.toml`, then `PORTAL_*` variables.
//!
//! Every value is checked here, once, so a bad setting stops start-up with one line that names
//! it, and the rest of the program works with parsed values.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::password_policy::PasswordPolicy;

/// The settings as written by an operator, before they are checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RawConfig {
    listen: String,
    database_url: String,
    public_url: Option<String>,
    smtp_url: String,
    mail_from: String,
    captcha: String,
    captcha_key: Option<String>,
    captcha_key_file: String,
    captcha_cost: u32,
    captcha_difficulty: u8,
    captcha_lifetime_secs: u64,
    captcha_pictures_per_address: i64,
    captcha_site_key: Option<String>,
    captcha_secret: Option<String>,
    captcha_verify_url: Option<String>,
    client_address_header: Option<String>,
    trusted_proxies: String,
    cookie_secure: Option<bool>,
    site_root: String,
    session_idle_secs: u64,
    session_lifetime_secs: u64,
    argon2_memory_kib: u32,
    argon2_iterations: u32,
    argon2_parallelism: u32,
    hash_concurrency: Option<usize>,
    hash_queue_timeout_secs: u64,
    reset_link_lifetime_secs: u64,
    reset_limit_per_account: i64,
    reset_limit_per_address: i64,
    reset_link_checks_per_address: i64,
    login_lockout_after: i64,
    login_lockout_secs: u64,
    login_attempts_per_address: i64,
    password_policy: String,
    password_min_length: Option<usize>,
    password_require_upper: Option<bool>,
    password_require_lower: Option<bool>,
    password_require_digit: Option<bool>,
    password_require_symbol: Option<bool>,
    password_reject_dictionary_words: Option<bool>,
    password_min_score: Option<u8>,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:3000".into(),
            database_url: "sqlite://data/portal.db".into(),
            public_url: None,
            smtp_url: "file://./data/mail".into(),
            mail_from: "Account Portal <no-reply@portal.invalid>".into(),
            captcha: "pow".into(),
            captcha_key: None,
            captcha_key_file: "data/captcha.key".into(),
            captcha_cost: 1_000,
            captcha_difficulty: 2,
            captcha_lifetime_secs: 5 * 60,
            captcha_pictures_per_address: 60,
            captcha_site_key: None,
            captcha_secret: None,
            captcha_verify_url: None,
            client_address_header: None,
            trusted_proxies: "127.0.0.1,::1".into(),
            cookie_secure: None,
            site_root: "target/site".into(),
            session_idle_secs: 60 * 60,
            session_lifetime_secs: 12 * 60 * 60,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hash_concurrency: None,
            hash_queue_timeout_secs: 10,
            reset_link_lifetime_secs: 2 * 60 * 60,
            reset_limit_per_account: 3,
            reset_limit_per_address: 10,
            reset_link_checks_per_address: 30,
            login_lockout_after: 10,
            login_lockout_secs: 15 * 60,
            login_attempts_per_address: 50,
            password_policy: "default".into(),
            password_min_length: None,
            password_require_upper: None,
            password_require_lower: None,
            password_require_digit: None,
            password_require_symbol: None,
            password_reject_dictionary_words: None,
            password_min_score: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// `smtp://` (STARTTLS required unless the host is loopback) or `smtps://` (implicit TLS).
    Smtp(Url),
    /// `file://DIR`: each message is written to DIR as an `.eml` file.
    Files(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptchaMode {
    /// The built-in proof of work (with the picture for browsers without JavaScript).
    Pow,
    /// A third party's widget, checked with its verify endpoint.
    Provider(crate::captcha::Provider),
    Off,
}

/// A third-party captcha: the site key the page shows, the secret the server checks with.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub site_key: String,
    pub secret: secrecy::SecretString,
    pub verify_url: Url,
}

/// Where the key that signs captcha challenges comes from. Every node of one deployment
/// must use the same key.
#[derive(Debug, Clone)]
pub enum CaptchaKeySource {
    /// `PORTAL_CAPTCHA_KEY`.
    Given(secrecy::SecretString),
    /// A key the portal generates on first start and keeps in this file.
    File(PathBuf),
}

/// The proof-of-work the browser does and how long its answer is good for.
#[derive(Debug, Clone)]
pub struct CaptchaSettings {
    pub mode: CaptchaMode,
    pub key: CaptchaKeySource,
    /// PBKDF2-SHA-256 iterations per try (what the server pays to check an answer).
    pub cost: u32,
    /// Leading zero hex digits the derived key must have: 16^difficulty tries on average.
    pub difficulty: u8,
    pub lifetime: Duration,
    /// Pictures and sounds one client address may fetch per 10 minutes.
    pub pictures_per_address: i64,
    /// Set when `mode` is a provider.
    pub provider: Option<ProviderSettings>,
}

/// Where a request comes from: the socket peer, or, when that peer is one of the trusted
/// proxies, the last address the proxy wrote into `header`.
#[derive(Debug, Clone, Default)]
pub struct ClientAddressSource {
    pub header: Option<http::HeaderName>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// The checked configuration the program runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    /// The origin every link the portal writes starts with (no trailing slash).
    pub public_url: Url,
    pub mail_transport: MailTransport,
    pub mail_from: String,
    pub captcha: CaptchaSettings,
    pub client_address: ClientAddressSource,
    pub cookie_secure: bool,
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

fn bad(setting: &str, message: impl Into<String>) -> ConfigError {
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
        let database_url = parse_database_url(&raw.database_url)?;
        let mail_transport = parse_mail_transport(&raw.smtp_url)?;
        if !raw.mail_from.contains('@') || raw.mail_from.contains(['\r', '\n']) {
            return Err(bad("PORTAL_MAIL_FROM", "expected an address such as 'Account Portal <no-reply@example.com>'"));
        }
        let captcha = parse_captcha(&raw)?;
        let client_address = parse_client_address(&raw)?;
        let cookie_secure = raw.cookie_secure.unwrap_or(public_url.scheme() == "https");
        if public_url.scheme() == "https" && !cookie_secure {
            tracing::warn!(
                "PORTAL_COOKIE_SECURE=false while PORTAL_PUBLIC_URL is https: session cookies may travel in clear text"
            );
        }
        if raw.session_idle_secs == 0 || raw.session_lifetime_secs == 0 {
            return Err(bad("PORTAL_SESSION_IDLE_SECS", "session lifetimes must be at least one second"));
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
            database_url,
            public_url,
            mail_transport,
            mail_from: raw.mail_from,
            captcha,
            client_address,
            cookie_secure,
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

    /// The public origin with `path` appended, for links in pages and mail.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }
}

fn parse_captcha(raw: &RawConfig) -> Result<CaptchaSettings, ConfigError> {
    use crate::captcha::Provider;
    let mode = match raw.captcha.as_str() {
        "pow" => CaptchaMode::Pow,
        "off" => CaptchaMode::Off,
        "turnstile" => CaptchaMode::Provider(Provider::Turnstile),
        "hcaptcha" => CaptchaMode::Provider(Provider::Hcaptcha),
        other => return Err(bad("PORTAL_CAPTCHA", format!("'{other}' is not one of: pow, off, turnstile, hcaptcha"))),
    };
    let provider = match mode {
        CaptchaMode::Provider(provider) => Some(parse_provider(raw, provider)?),
        _ => None,
    };
    let key = match raw.captcha_key.as_deref() {
        Some(key) if key.len() < 32 => {
            return Err(bad("PORTAL_CAPTCHA_KEY", "must be at least 32 characters (for example: openssl rand -hex 32)"))
        }
        Some(key) => CaptchaKeySource::Given(key.to_owned().into()),
        None => CaptchaKeySource::File(PathBuf::from(&raw.captcha_key_file)),
    };
    if !(1..=10_000_000).contains(&raw.captcha_cost) {
        return Err(bad("PORTAL_CAPTCHA_COST", "must be between 1 and 10000000 iterations"));
    }
    if !(1..=8).contains(&raw.captcha_difficulty) {
        return Err(bad("PORTAL_CAPTCHA_DIFFICULTY", "must be between 1 and 8 (leading zero hex digits)"));
    }
    if !(30..=24 * 60 * 60).contains(&raw.captcha_lifetime_secs) {
        return Err(bad("PORTAL_CAPTCHA_LIFETIME_SECS", "must be between 30 and 86400 seconds"));
    }
    Ok(CaptchaSettings {
        mode,
        key,
        cost: raw.captcha_cost,
        difficulty: raw.captcha_difficulty,
        lifetime: Duration::from_secs(raw.captcha_lifetime_secs),
        pictures_per_address: raw.captcha_pictures_per_address,
        provider,
    })
}

fn parse_provider(raw: &RawConfig, provider: crate::captcha::Provider) -> Result<ProviderSettings, ConfigError> {
    let given = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let site_key = given(&raw.captcha_site_key)
        .ok_or_else(|| bad("PORTAL_CAPTCHA_SITE_KEY", format!("{} needs the site key it gave you", provider.name())))?;
    let secret = given(&raw.captcha_secret)
        .ok_or_else(|| bad("PORTAL_CAPTCHA_SECRET", format!("{} needs the secret key it gave you", provider.name())))?;
    let text = given(&raw.captcha_verify_url).unwrap_or_else(|| provider.verify_url().to_owned());
    let verify_url =
        Url::parse(&text).map_err(|e| bad("PORTAL_CAPTCHA_VERIFY_URL", format!("'{text}' is not a URL: {e}")))?;
    if !matches!(verify_url.scheme(), "https" | "http") {
        return Err(bad("PORTAL_CAPTCHA_VERIFY_URL", "expected an https:// URL"));
    }
    Ok(ProviderSettings { site_key, secret: secret.into(), verify_url })
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
    Ok(ClientAddressSource { header, trusted_proxies })
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

fn parse_database_url(value: &str) -> Result<String, ConfigError> {
    if value.starts_with("sqlite:") || value.starts_with("postgres://") || value.starts_with("postgresql://") {
        Ok(value.to_owned())
    } else {
        Err(bad("PORTAL_DATABASE_URL", "expected sqlite://PATH or postgres://USER@HOST/DATABASE"))
    }
}

fn parse_mail_transport(value: &str) -> Result<MailTransport, ConfigError> {
    if let Some(dir) = value.strip_prefix("file://") {
        if dir.is_empty() {
            return Err(bad("PORTAL_SMTP_URL", "file:// needs a directory, e.g. file://./data/mail"));
        }
        return Ok(MailTransport::Files(PathBuf::from(dir)));
    }
    let url = Url::parse(value).map_err(|e| bad("PORTAL_SMTP_URL", format!("not a URL: {e}")))?;
    match url.scheme() {
        "smtp" | "smtps" if url.host().is_some() => Ok(MailTransport::Smtp(url)),
        _ => Err(bad("PORTAL_SMTP_URL", "expected smtp://HOST:PORT, smtps://HOST:PORT or file://DIR")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawConfig {
        RawConfig::default()
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost_without_secure_cookies() {
        let config = Config::from_raw(raw()).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(!config.cookie_secure);
        assert_eq!(config.mail_transport, MailTransport::Files("./data/mail".into()));
        assert_eq!(config.captcha.mode, CaptchaMode::Pow);
        assert!(matches!(&config.captcha.key, CaptchaKeySource::File(path) if path.starts_with("data")));
        assert_eq!(
            (config.captcha.cost, config.captcha.difficulty, config.captcha.lifetime.as_secs()),
            (1_000, 2, 300)
        );
        assert!(config.client_address.header.is_none());
        assert!(config.captcha.provider.is_none());
        assert!(config.hash_concurrency >= 1);
        assert_eq!(
            (config.login_lockout_after, config.login_lockout.as_secs(), config.login_attempts_per_address),
            (10, 900, 50)
        );
    }

    #[test]
    fn an_https_public_url_makes_cookies_secure() {
        let config =
            Config::from_raw(RawConfig { public_url: Some("https://account.example.com".into()), ..raw() }).unwrap();
        assert!(config.cookie_secure);
        assert_eq!(config.link("/reset"), "https://account.example.com/reset");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let cases = [
            (RawConfig { listen: "localhost".into(), ..raw() }, "PORTAL_LISTEN"),
            (RawConfig { public_url: Some("ftp://x".into()), ..raw() }, "PORTAL_PUBLIC_URL"),
            (RawConfig { public_url: Some("https://x.example/app".into()), ..raw() }, "PORTAL_PUBLIC_URL"),
            (RawConfig { database_url: "mysql://x".into(), ..raw() }, "PORTAL_DATABASE_URL"),
            (RawConfig { smtp_url: "http://mail".into(), ..raw() }, "PORTAL_SMTP_URL"),
            (RawConfig { captcha: "maybe".into(), ..raw() }, "PORTAL_CAPTCHA"),
            (RawConfig { captcha_key: Some("short".into()), ..raw() }, "PORTAL_CAPTCHA_KEY"),
            (RawConfig { captcha_cost: 0, ..raw() }, "PORTAL_CAPTCHA_COST"),
            (RawConfig { captcha_difficulty: 9, ..raw() }, "PORTAL_CAPTCHA_DIFFICULTY"),
            (RawConfig { captcha_lifetime_secs: 5, ..raw() }, "PORTAL_CAPTCHA_LIFETIME_SECS"),
            (RawConfig { captcha: "turnstile".into(), ..raw() }, "PORTAL_CAPTCHA_SITE_KEY"),
            (
                RawConfig { captcha: "hcaptcha".into(), captcha_site_key: Some("site".into()), ..raw() },
                "PORTAL_CAPTCHA_SECRET",
            ),
            (RawConfig { client_address_header: Some("bad header".into()), ..raw() }, "PORTAL_CLIENT_ADDRESS_HEADER"),
            (RawConfig { trusted_proxies: "10.0.0.1, proxy".into(), ..raw() }, "PORTAL_TRUSTED_PROXIES"),
            (RawConfig { argon2_memory_kib: 1, ..raw() }, "PORTAL_ARGON2_MEMORY_KIB"),
            (RawConfig { password_policy: "weak".into(), ..raw() }, "PORTAL_PASSWORD_POLICY"),
            (RawConfig { password_min_length: Some(4), ..raw() }, "PORTAL_PASSWORD_MIN_LENGTH"),
            (RawConfig { password_min_score: Some(5), ..raw() }, "PORTAL_PASSWORD_MIN_SCORE"),
            (RawConfig { login_lockout_after: 0, ..raw() }, "PORTAL_LOGIN_LOCKOUT_AFTER"),
            (RawConfig { login_lockout_after: 101, ..raw() }, "PORTAL_LOGIN_LOCKOUT_AFTER"),
            (RawConfig { login_lockout_secs: 0, ..raw() }, "PORTAL_LOGIN_LOCKOUT_SECS"),
            (RawConfig { login_attempts_per_address: 0, ..raw() }, "PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS"),
        ];
        for (raw, setting) in cases {
            let err = Config::from_raw(raw).unwrap_err();
            assert_eq!(err.setting, setting, "{err}");
        }
    }

    #[test]
    fn an_operator_can_choose_the_nist_policy_and_adjust_it() {
        let config =
            Config::from_raw(RawConfig { password_policy: "nist".into(), password_min_length: Some(16), ..raw() })
                .unwrap();
        assert_eq!(config.password_policy.min_length, 16);
        assert!(!config.password_policy.require_symbol);
        assert_eq!(Config::from_raw(raw()).unwrap().password_policy, PasswordPolicy::default());
    }

    #[test]
    fn a_proxy_header_is_read_only_from_the_listed_proxies() {
        let config = Config::from_raw(RawConfig {
            client_address_header: Some("X-Forwarded-For".into()),
            trusted_proxies: "10.0.0.5, ::1".into(),
            ..raw()
        })
        .unwrap();
        assert_eq!(config.client_address.header.unwrap().as_str(), "x-forwarded-for");
        assert_eq!(config.client_address.trusted_proxies.len(), 2);
    }

    #[test]
    fn a_third_party_captcha_defaults_to_its_own_verify_url() {
        let config = Config::from_raw(RawConfig {
            captcha: "turnstile".into(),
            captcha_site_key: Some("0x4AAA".into()),
            captcha_secret: Some("0x4BBB".into()),
            ..raw()
        })
        .unwrap();
        let provider = config.captcha.provider.unwrap();
        assert_eq!(provider.verify_url.as_str(), "https://challenges.cloudflare.com/turnstile/v0/siteverify");
        assert_eq!(provider.site_key, "0x4AAA");
    }

    #[test]
    fn smtp_urls_are_accepted() {
        let config = Config::from_raw(RawConfig { smtp_url: "smtps://mail.example.com:465".into(), ..raw() }).unwrap();
        assert!(matches!(config.mail_transport, MailTransport::Smtp(_)));
    }
}
