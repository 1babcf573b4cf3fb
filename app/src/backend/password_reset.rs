//! "Forgot?": a link by email that is valid for a while, works once, and reveals nothing.
//!
//! A request is answered before anything about the account is looked up: the lookups, limits
//! and the email happen in a background task, so every address gets the same answer in the
//! same time. The link's token is 256 random bits; only its SHA-256 is stored.

use super::{
    captcha::{CaptchaAnswer, CaptchaError},
    mail::{templates, OutgoingMail},
    new_password::{self, Problems, TypedTwice},
    password_hasher::HashError,
    rate_limits::Limit,
    secret_token::SecretToken,
    session_view,
    sessions::ClientInfo,
    state::AppState,
    store::{LiveReset, StoreError},
};
use crate::domain::Email;

/// What became of a request; only logs and tests see it, never the person asking.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    NoAccount,
    Disabled,
    LimitedByAddress,
    LimitedByAccount,
}

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// Unknown, used, replaced or past its time: all look the same.
    #[error("the link no longer works")]
    LinkEnded,
    #[error("too many link checks from this address")]
    TooManyChecks,
    #[error("the new password was refused")]
    Refused(Problems),
    #[error(transparent)]
    Captcha(#[from] CaptchaError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks the captcha, then starts handling the request in the background and returns at once.
pub async fn request(
    state: &AppState,
    email: Email,
    captcha: &CaptchaAnswer,
    client: ClientInfo,
) -> Result<(), ResetError> {
    state.captcha.check(&state.store, state.clock.now(), captcha, &client.ip).await?;
    let task_state = state.clone();
    state.background.spawn(async move {
        match request_now(&task_state, &email, &client).await {
            Ok(outcome) => tracing::info!(?outcome, "password reset requested"),
            Err(e) => tracing::error!(error = ?e, "password reset request failed"),
        }
    });
    Ok(())
}

async fn request_now(state: &AppState, email: &Email, client: &ClientInfo) -> Result<Outcome, StoreError> {
    let now = state.clock.now();
    if !Limit::ResetRequestsPerAddress.hit(state, &client.ip).await? {
        return Ok(Outcome::LimitedByAddress);
    }
    let Some(user) = state.store.find_user_by_email(email).await? else {
        return Ok(Outcome::NoAccount);
    };
    if user.disabled_at.is_some() {
        return Ok(Outcome::Disabled);
    }
    if !Limit::ResetRequestsPerAccount.hit(state, &user.id.to_string()).await? {
        return Ok(Outcome::LimitedByAccount);
    }
    let token = SecretToken::generate();
    let lifetime = state.config.reset_link_lifetime;
    let link = state.config.link(&format!("/reset?token={}", token.expose()));
    let mail = templates::password_reset(&state.config, &user.email, &link);
    state.store.create_password_reset(user.id, &token.hash(), now, now + lifetime.as_secs() as i64, &mail).await?;
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
) -> Result<(SecretToken, LiveReset), ResetError> {
    if !Limit::ResetLinkChecksPerAddress.hit(state, &client.ip).await? {
        tracing::warn!("reset-link checks over budget for a client address");
        return Err(ResetError::TooManyChecks);
    }
    let token = token.and_then(SecretToken::parse).ok_or(ResetError::LinkEnded)?;
    let now = state.clock.now();
    let reset = state.store.find_live_reset(&token.hash(), now).await?.ok_or(ResetError::LinkEnded)?;
    Ok((token, reset))
}

/// Sets the new password with a working link: uses the link up, ends every session and link of
/// the account, and tells it by email. The user is not signed in.
pub async fn complete(
    state: &AppState,
    client: &ClientInfo,
    token: Option<&str>,
    typed: TypedTwice<'_>,
) -> Result<(), ResetError> {
    let (token, link) = live_link(state, token, client).await?;
    let new = new_password::check(state, &link.email, typed).await?.map_err(ResetError::Refused)?;
    let hash = state.hasher.hash(new.as_password()).await?;
    let now = state.clock.now();
    let browser = session_view::browser(&client.user_agent);
    let notice =
        |to: &str| -> OutgoingMail { templates::password_reset_done(&state.config, to, now, &client.ip, &browser) };
    match state.store.complete_password_reset(&token.hash(), &hash, now, notice).await? {
        Some(user_id) => {
            state.mail.wake();
            tracing::info!(user_id, "password reset; all sessions and links ended");
            Ok(())
        }
        // Another request used the link between our check and our claim.
        None => Err(ResetError::LinkEnded),
    }
}
