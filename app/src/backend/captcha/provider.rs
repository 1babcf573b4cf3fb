//! A third party's captcha (Cloudflare Turnstile, hCaptcha): its widget gives the page a token,
//! which the server exchanges with the provider's verify endpoint. Both speak the same
//! protocol: a form POST of `secret`, `response` and `remoteip`, answered with
//! `{"success": bool, "error-codes": [...]}`. The provider refuses a token used twice.

use std::time::Duration;

use secrecy::ExposeSecret as _;
use serde::Deserialize;

use super::Refusal;
use crate::{
    backend::config::ProviderSettings,
    captcha::{Provider, PROVIDER_ACTION},
};

/// How long a verification may take before the login is answered with 503.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
struct Verdict {
    success: bool,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
    /// The site the challenge was solved on.
    hostname: Option<String>,
    /// Turnstile: the action the widget was rendered with.
    action: Option<String>,
}

#[allow(
    clippy::expect_used,
    reason = "a client with rustls and a timeout always builds; failing means a broken TLS build"
)]
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(VERIFY_TIMEOUT).build().expect("an HTTP client with rustls")
}

pub async fn verify(
    http: &reqwest::Client,
    settings: &ProviderSettings,
    token: &str,
    client_ip: &str,
) -> Result<(), Refusal> {
    let mut form = vec![("secret", settings.secret.expose_secret()), ("response", token)];
    if !client_ip.is_empty() {
        form.push(("remoteip", client_ip));
    }
    let response = http.post(settings.verify_url.clone()).form(&form).send().await.map_err(|e| {
        tracing::warn!(error = %e.without_url(), "the captcha provider could not be reached");
        Refusal::ProviderUnavailable
    })?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "the captcha provider answered with an error");
        return Err(Refusal::ProviderUnavailable);
    }
    let verdict: Verdict = response.json().await.map_err(|_| {
        tracing::warn!("the captcha provider's answer was not understood");
        Refusal::ProviderUnavailable
    })?;
    if !verdict.success {
        tracing::info!(codes = ?verdict.error_codes, "the captcha provider refused a token");
        return Err(Refusal::Invalid);
    }
    // A token is only good for this site: one solved on a page elsewhere (with our public
    // site key) is refused.
    let on_this_site = verdict.hostname.as_deref().is_some_and(|host| host.eq_ignore_ascii_case(&settings.hostname));
    let for_this_action =
        settings.provider != Provider::Turnstile || verdict.action.as_deref() == Some(PROVIDER_ACTION);
    if !(on_this_site && for_this_action) {
        tracing::warn!(
            hostname = verdict.hostname.as_deref().unwrap_or("(none)"),
            action = verdict.action.as_deref().unwrap_or("(none)"),
            "a captcha token solved for another site or form was refused"
        );
        return Err(Refusal::Invalid);
    }
    Ok(())
}
