//! A third party's captcha (Cloudflare Turnstile, hCaptcha): its widget gives the page a token,
//! which the server exchanges with the provider's verify endpoint. Both speak the same
//! protocol: a form POST of `secret`, `response` and `remoteip`, answered with
//! `{"success": bool, "error-codes": [...]}`. The provider refuses a token used twice.

use std::time::Duration;

use secrecy::ExposeSecret as _;
use serde::Deserialize;

use super::Refusal;
use crate::backend::config::ProviderSettings;

/// How long a verification may take before the login is answered with 503.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
struct Verdict {
    success: bool,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

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
    if verdict.success {
        Ok(())
    } else {
        tracing::info!(codes = ?verdict.error_codes, "the captcha provider refused a token");
        Err(Refusal::Invalid)
    }
}
