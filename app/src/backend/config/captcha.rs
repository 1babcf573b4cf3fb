//! `PORTAL_CAPTCHA*`: which captcha the forms show, and how hard and how long its answers are.

use std::time::Duration;

use url::Url;

use super::{bad, keys::KeySource, raw::RawConfig, ConfigError};
use crate::captcha::Provider;

#[derive(Debug, Clone)]
pub enum CaptchaMode {
    /// The built-in proof of work (with the picture for browsers without JavaScript).
    Pow,
    /// A third party's widget, checked with its verify endpoint.
    Provider(ProviderSettings),
    Off,
}

/// A third-party captcha: the site key the page shows, the secret the server checks with.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// The public URL's host: a token solved on any other site is refused.
    pub hostname: String,
    pub provider: Provider,
    pub site_key: String,
    pub secret: secrecy::SecretString,
    pub verify_url: Url,
}

/// The captcha's signing key.
pub type CaptchaKeySource = KeySource;

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
}

impl CaptchaSettings {
    /// The third party's settings, when one is chosen.
    pub fn provider(&self) -> Option<&ProviderSettings> {
        match &self.mode {
            CaptchaMode::Provider(settings) => Some(settings),
            _ => None,
        }
    }
}

pub(super) fn parse(raw: &RawConfig, public_url: &Url) -> Result<CaptchaSettings, ConfigError> {
    let mode = match raw.captcha.as_str() {
        "pow" => CaptchaMode::Pow,
        "off" => CaptchaMode::Off,
        "turnstile" => CaptchaMode::Provider(parse_provider(raw, public_url, Provider::Turnstile)?),
        "hcaptcha" => CaptchaMode::Provider(parse_provider(raw, public_url, Provider::Hcaptcha)?),
        other => return Err(bad("PORTAL_CAPTCHA", format!("'{other}' is not one of: pow, off, turnstile, hcaptcha"))),
    };
    let key = CaptchaKeySource::parse("PORTAL_CAPTCHA_KEY", raw.captcha_key.as_deref(), &raw.captcha_key_file)?;
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
    })
}

fn parse_provider(raw: &RawConfig, public_url: &Url, provider: Provider) -> Result<ProviderSettings, ConfigError> {
    let given = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let site_key = given(&raw.captcha_site_key)
        .ok_or_else(|| bad("PORTAL_CAPTCHA_SITE_KEY", format!("{} needs the site key it gave you", provider.name())))?;
    let secret = given(&raw.captcha_secret)
        .ok_or_else(|| bad("PORTAL_CAPTCHA_SECRET", format!("{} needs the secret key it gave you", provider.name())))?;
    let text = given(&raw.captcha_verify_url).unwrap_or_else(|| provider.verify_url().to_owned());
    let verify_url =
        Url::parse(&text).map_err(|e| bad("PORTAL_CAPTCHA_VERIFY_URL", format!("'{text}' is not a URL: {e}")))?;
    // The secret travels to this URL: only over TLS, or to a stand-in on this machine.
    let loopback = match verify_url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match verify_url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad("PORTAL_CAPTCHA_VERIFY_URL", "expected an https:// URL (http:// only to this machine)")),
    }
    let hostname = public_url.host_str().unwrap_or_default().to_owned();
    Ok(ProviderSettings { hostname, provider, site_key, secret: secret.into(), verify_url })
}
