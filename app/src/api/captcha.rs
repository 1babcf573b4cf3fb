use leptos::prelude::*;

use crate::{captcha::FormCaptcha, error::AppError};

/// What a form shows for its captcha: a fresh challenge, a third party's widget, or nothing
/// when the captcha is switched off.
#[server(prefix = "/api", endpoint = "new_captcha")]
pub async fn new_captcha() -> Result<Option<FormCaptcha>, AppError> {
    let state = super::request::app_state()?;
    Ok(state.captcha.for_form(state.clock.now()))
}
