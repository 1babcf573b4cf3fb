//! Changing a password while signed in: check the current one (a wrong one counts as a failed
//! login), apply the policy, store the new hash, end every other session, give this one a new id,
//! and tell the account by email.

use super::{
    login_throttle,
    mail::templates,
    new_password,
    password_hasher::Verification,
    secret_token::SecretToken,
    session_view,
    sessions::{self, ClientInfo, CurrentSession},
    state::AppState,
};
use crate::{
    domain::{NewPassword, Password},
    error::{AppError, FieldError},
};

pub struct Request<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: &'a str,
}

pub async fn change(
    state: &AppState,
    session: &CurrentSession,
    client: &ClientInfo,
    request: Request<'_>,
) -> Result<SecretToken, AppError> {
    let (current, new) = parse(state, session, &request).await?;
    let user = state.store.find_user_by_id(session.user_id).await?.ok_or(AppError::Unauthenticated)?;
    let attempt = login_throttle::begin(state, &user).await?;
    let verdict = state.hasher.verify(&current, Some(&user.password_hash)).await?;
    match (attempt, verdict) {
        (Some(attempt), Verification::Match { .. }) => attempt.succeeded(state).await?,
        (Some(attempt), Verification::Mismatch) => {
            tracing::info!(user_id = user.id, "password change refused: wrong current password");
            attempt.failed(state);
            return Err(wrong_current_password());
        }
        (None, _) => return Err(wrong_current_password()),
    }
    if new.as_password().expose() == current.expose() {
        return Err(AppError::field("new_password", "Choose a new password that differs from your current one."));
    }
    let hash = state.hasher.hash(new.as_password()).await?;
    let now = state.clock.now();
    let notice = templates::password_changed(
        &user.email,
        now,
        &client.ip,
        &session_view::browser(&client.user_agent),
        state.config.public_url.as_str(),
    );
    state.store.replace_password(user.id, &hash, now, &notice).await?;
    state.mail.wake();
    let token = sessions::start(state, user.id, client).await?;
    tracing::info!(user_id = user.id, "password changed; all sessions replaced");
    Ok(token)
}

/// Also the answer while the account is held back after failed password checks: guessing the
/// current password here is slowed down like guessing it at login, and counts towards the lock.
fn wrong_current_password() -> AppError {
    AppError::field("current_password", "Your current password is incorrect.")
}

/// Checks the three inputs, collecting a message for every field that needs one.
async fn parse(
    state: &AppState,
    session: &CurrentSession,
    request: &Request<'_>,
) -> Result<(Password, NewPassword), AppError> {
    let current = Password::parse(request.current).ok();
    let (new, mut errors) = new_password::check(state, &session.email, request.new, request.confirm).await?;
    if current.is_none() {
        errors.insert(0, FieldError::new("current_password", "Enter your current password."));
    }
    match (current, new) {
        (Some(current), Some(new)) if errors.is_empty() => Ok((current, new)),
        _ => Err(AppError::Invalid(errors)),
    }
}
