//! "Forgot?": a link by email that is valid for a while, works once, and reveals nothing.
//!
//! A request is answered before anything about the account is looked up: the lookups, limits
//! and the email happen in a background task, so every address gets the same answer in the
//! same time. The link's token is 256 random bits; only its SHA-256 is stored.
//!
//! The background work is bounded. The client address's budget is counted before anything is
//! queued (it says nothing about the account), so one address cannot fill the queue; and at
//! most [`Queue::SLOTS`](crate::backend::runtime::reset_queue::Queue::SLOTS) requests wait or run at once. Beyond that a request is dropped with a
//! warning and the same answer: a flood once queued 100,000 tasks, held 1.8 GB and starved
//! the database pool, so that 40 % of the requests were lost anyway, after the fact.

use crate::backend::{
    captcha::{CaptchaAnswer, CaptchaError},
    client::ClientInfo,
    mail::templates,
    secrets::{password_hasher::HashError, secret_token::SecretToken},
    state::AppState,
    steps::{
        new_password_check::{self, NewPasswordProblems, TypedTwice},
        notice::Notice,
        rate_limits::Limit,
    },
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
    Refused(NewPasswordProblems),
    #[error(transparent)]
    Captcha(#[from] CaptchaError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks the captcha and the client address's budget, then queues the request for the
/// background and returns at once; whatever happens, the caller's answer is the same.
pub async fn request(
    state: &AppState,
    email: Email,
    captcha: &CaptchaAnswer,
    client: ClientInfo,
) -> Result<(), ResetError> {
    state.captcha.check(&state.store, state.clock.now(), captcha, &client.ip).await?;
    if !Limit::ResetRequestsPerAddress.hit(state, &client.budget_key).await? {
        tracing::info!(outcome = ?Outcome::LimitedByAddress, "password reset requested");
        return Ok(());
    }
    let Some(place) = state.reset_queue.enter() else {
        state.reset_queue.dropped(state.clock.now());
        return Ok(());
    };
    let task_state = state.clone();
    state.background.spawn(async move {
        match request_now(&task_state, &email).await {
            Ok(outcome) => tracing::info!(?outcome, "password reset requested"),
            Err(e) => tracing::error!(error = ?e, "password reset request failed"),
        }
        drop(place);
    });
    Ok(())
}

async fn request_now(state: &AppState, email: &Email) -> Result<Outcome, StoreError> {
    let now = state.clock.now();
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
    let expires_at = now + lifetime.as_secs() as i64;
    let mail = state.mail.seal_with_link(templates::password_reset(&state.config, &user.email, &link), expires_at);
    state.store.create_password_reset(user.id, &token.hash(), now, expires_at, &mail).await?;
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
    if !Limit::ResetLinkChecksPerAddress.hit(state, &client.budget_key).await? {
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
    let new = new_password_check::check(state, &link.email, typed).await?.map_err(ResetError::Refused)?;
    let hash = state.hasher.hash(new.as_password()).await?;
    let notice = Notice::from_client(state, client);
    let mail = |to: &_| notice.seal(|config, occasion| templates::password_reset_done(config, to, occasion));
    match state.store.complete_password_reset(&token.hash(), &hash, notice.when(), mail).await? {
        Some(user_id) => {
            notice.committed();
            tracing::info!(%user_id, "password reset; all sessions and links ended");
            Ok(())
        }
        // Another request used the link between our check and our claim.
        None => Err(ResetError::LinkEnded),
    }
}
