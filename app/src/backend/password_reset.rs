//! "Forgot?": a link by email that is valid for a while, works once, and reveals nothing.
//!
//! A request is answered before anything about the account is looked up: the lookups, limits
//! and the email happen in a background task, so every address gets the same answer in the
//! same time. The link's token is 256 random bits; only its SHA-256 is stored.

use super::{
    mail::{templates, OutgoingMail},
    new_password,
    secret_token::SecretToken,
    session_view,
    sessions::ClientInfo,
    state::AppState,
    store::{LiveReset, StoreError},
};
use crate::{domain::Email, error::AppError};

const HOUR: i64 = 60 * 60;
const LINK_CHECK_WINDOW: i64 = 10 * 60;

/// What became of a request; only logs and tests see it, never the person asking.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    NoAccount,
    Disabled,
    LimitedByAddress,
    LimitedByAccount,
}

/// Starts handling a request in the background and returns at once.
pub fn request(state: &AppState, email: Email, client: ClientInfo) {
    let task_state = state.clone();
    state.background.spawn(async move {
        match request_now(&task_state, &email, &client).await {
            Ok(outcome) => tracing::info!(?outcome, "password reset requested"),
            Err(e) => tracing::error!(error = ?e, "password reset request failed"),
        }
    });
}

async fn request_now(state: &AppState, email: &Email, client: &ClientInfo) -> Result<Outcome, StoreError> {
    let now = state.clock.now();
    let config = &state.config;
    if state.store.hit_rate_limit("reset-address", &client.ip, now, HOUR).await? > config.reset_limit_per_address {
        return Ok(Outcome::LimitedByAddress);
    }
    let Some(user) = state.store.find_user_by_email_key(&email.key()).await? else {
        return Ok(Outcome::NoAccount);
    };
    if user.disabled_at.is_some() {
        return Ok(Outcome::Disabled);
    }
    if state.store.hit_rate_limit("reset-account", &user.id.to_string(), now, HOUR).await?
        > config.reset_limit_per_account
    {
        return Ok(Outcome::LimitedByAccount);
    }
    let token = SecretToken::generate();
    let lifetime = config.reset_link_lifetime.as_secs() as i64;
    let link = config.link(&format!("/reset?token={}", token.expose()));
    let mail = templates::password_reset(&user.email, &link, lifetime / 60, config.public_url.as_str());
    state.store.create_password_reset(user.id, &token.hash(), now, now + lifetime, &mail).await?;
    state.mail.wake();
    Ok(Outcome::Sent)
}

/// The link's token and the account it belongs to, if the link from the reset cookie still
/// works. Every check counts against the client address's budget, so tokens cannot be guessed
/// at speed.
pub async fn live_link(
    state: &AppState,
    token: Option<&str>,
    client: &ClientInfo,
) -> Result<(SecretToken, LiveReset), AppError> {
    let now = state.clock.now();
    let checks = state.store.hit_rate_limit("reset-link", &client.ip, now, LINK_CHECK_WINDOW).await?;
    if checks > state.config.reset_link_checks_per_address {
        tracing::warn!("reset-link checks over budget for a client address");
        return Err(AppError::TooManyRequests);
    }
    let token = token.and_then(SecretToken::parse).ok_or(AppError::LinkExpired)?;
    let reset = state.store.find_live_reset(&token.hash(), now).await?.ok_or(AppError::LinkExpired)?;
    Ok((token, reset))
}

pub struct NewPasswordInput<'a> {
    pub token: Option<&'a str>,
    pub new: &'a str,
    pub confirm: &'a str,
}

/// Sets the new password with a working link: uses the link up, ends every session and link of
/// the account, and tells it by email. The user is not signed in.
pub async fn complete(state: &AppState, client: &ClientInfo, input: NewPasswordInput<'_>) -> Result<(), AppError> {
    let (token, link) = live_link(state, input.token, client).await?;
    let (new, errors) = new_password::check(state, &link.email, input.new, input.confirm).await?;
    let new = match new {
        Some(new) if errors.is_empty() => new,
        _ => return Err(AppError::Invalid(errors)),
    };
    let hash = state.hasher.hash(new.as_password()).await?;
    let now = state.clock.now();
    let browser = session_view::browser(&client.user_agent);
    let public_url = state.config.public_url.as_str().to_owned();
    let notice =
        |to: &str| -> OutgoingMail { templates::password_reset_done(to, now, &client.ip, &browser, &public_url) };
    match state.store.complete_password_reset(&token.hash(), &hash, now, notice).await? {
        Some(user_id) => {
            state.mail.wake();
            tracing::info!(user_id, "password reset; all sessions and links ended");
            Ok(())
        }
        // Another request used the link between our check and our claim.
        None => Err(AppError::LinkExpired),
    }
}
