use leptos::prelude::*;

use crate::{captcha::CaptchaChallenge, error::AppError};

/// A fresh captcha challenge for a form, or none when the captcha is switched off.
#[server(prefix = "/api", endpoint = "new_captcha")]
pub async fn new_captcha() -> Result<Option<CaptchaChallenge>, AppError> {
    use crate::backend::request;

    let state = request::app_state()?;
    Ok(state.captcha.is_on().then(|| state.captcha.issue(state.clock.now())))
}
