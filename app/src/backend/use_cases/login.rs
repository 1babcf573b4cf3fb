//! Logging in: the captcha, then the email address and password. Unknown address, wrong
//! password, disabled account and an account held back after failed logins take the same work
//! and give the same answer. Success starts a new session; one the browser brought is ended.
//! An account with two-factor sign-in on gets no session yet: a pending sign-in waits for its
//! code ([`super::second_factor`]).

use crate::backend::{
    captcha::{CaptchaAnswer, CaptchaError},
    client::ClientInfo,
    secrets::{
        password_hasher::{HashError, Verification},
        secret_token::SecretToken,
    },
    state::AppState,
    steps::{
        login_throttle::{self, Attempt},
        pending_sign_in, proof,
        sessions::{self, CurrentSession, SignedIn},
    },
    store::{StoreError, UserId},
};
use crate::domain::{Email, Password};

/// A login form, parsed.
pub struct LoginRequest {
    pub email: Email,
    pub password: Password,
    pub captcha: CaptchaAnswer,
    pub client: ClientInfo,
    /// The session the browser already has, if any: rotated away on success.
    pub previous: Option<CurrentSession>,
    /// A sign-in the browser left waiting for its second factor: a new login ends it.
    pub pending: Option<SecretToken>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The account's failed attempts hold it back for now (its progressive delay or lock).
    /// The person is answered exactly as for a wrong password; only the count differs.
    #[error("the account is held back after failed attempts")]
    HeldBack,
    /// The client address has used up its login attempts for now.
    #[error("too many login attempts from this address")]
    TooManyAttempts,
    #[error(transparent)]
    Captcha(#[from] CaptchaError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a right password leads to.
pub enum LoginOutcome {
    /// A new session (and maybe a device cookie): their tokens, for the cookies.
    Session(SignedIn),
    /// Two-factor sign-in is on: the token of the pending sign-in, for its cookie.
    SecondFactor(SecretToken),
}

/// Checks the request and starts a session (or, with two-factor on, a pending sign-in).
pub async fn log_in(state: &AppState, mut request: LoginRequest) -> Result<LoginOutcome, LoginError> {
    if let Some(pending) = request.pending.take() {
        pending_sign_in::end(state, &pending).await?;
    }
    let outcome = try_log_in(state, request).await;
    state.metrics.login(match &outcome {
        Ok(LoginOutcome::Session(_)) => "success",
        Ok(LoginOutcome::SecondFactor(_)) => "second_factor_pending",
        Err(LoginError::InvalidCredentials) => "refused",
        Err(LoginError::HeldBack) => "held_back",
        Err(LoginError::TooManyAttempts) => "throttled",
        Err(LoginError::Captcha(_)) => "captcha_refused",
        Err(LoginError::Hash(_) | LoginError::Store(_)) => "error",
    });
    if let Err(e) = &outcome {
        tracing::info!(reason = %e, "login refused");
    }
    outcome
}

async fn try_log_in(state: &AppState, request: LoginRequest) -> Result<LoginOutcome, LoginError> {
    state.captcha.check(&state.store, state.clock.now(), &request.captcha, &request.client.ip).await?;
    let (user_id, version, attempt) = authenticate(state, &request.email, &request.password, &request.client).await?;
    // Rotation: a session the browser already had is ended, never reused.
    if let Some(old) = request.previous {
        state.store.delete_session(old.user_id, old.id).await?;
    }
    if proof::is_on(state, user_id).await? {
        // Neither a success nor a failure: knowing the password clears no count, and the code's
        // own attempt settles the step.
        attempt.held_for_second_factor(state).await?;
        return Ok(LoginOutcome::SecondFactor(pending_sign_in::hold(state, user_id, version).await?));
    }
    attempt.succeeded(state).await?;
    // Only under the credentials the password was checked against: a reset or a sign-out that
    // committed while the hash was being verified leaves this login with nothing.
    let Some(signed_in) = sessions::sign_in(state, user_id, version, &request.client).await? else {
        tracing::info!(%user_id, "login refused: the credentials changed while the password was checked");
        return Err(LoginError::InvalidCredentials);
    };
    tracing::info!(%user_id, "login succeeded");
    Ok(LoginOutcome::Session(signed_in))
}

/// The account id, its credentials version and the attempt (still counted) when the password is
/// right and the account may log in.
async fn authenticate(
    state: &AppState,
    email: &Email,
    password: &Password,
    client: &ClientInfo,
) -> Result<(UserId, i64, Attempt), LoginError> {
    if !login_throttle::address_within_budget(state, client).await? {
        return Err(LoginError::TooManyAttempts);
    }
    let user = state.store.find_user_by_email(email).await?;
    // The same reads and writes for an address with no account, so the two take one path.
    let turn = match &user {
        Some(user) => login_throttle::begin(state, user, client).await?.attempt(),
        None => Some(login_throttle::begin_for_no_account(state, email, client).await?),
    };
    // One verification whatever the account and its failures, so every refusal costs the same.
    let verdict = state.hasher.verify(password, user.as_ref().map(|u| &u.password_hash)).await?;
    let Some(attempt) = turn else { return Err(LoginError::HeldBack) };
    let Some(user) = user else {
        attempt.failed(state, client).await?;
        return Err(LoginError::InvalidCredentials);
    };
    let needs_rehash = match verdict {
        Verification::Mismatch => {
            attempt.failed(state, client).await?;
            return Err(LoginError::InvalidCredentials);
        }
        Verification::Match { .. } if user.disabled_at.is_some() => {
            attempt.failed(state, client).await?;
            return Err(LoginError::InvalidCredentials);
        }
        Verification::Match { needs_rehash } => needs_rehash,
    };
    if needs_rehash {
        // The password is at hand only now: upgrade the hash to the configured parameters.
        match state.hasher.hash(password).await {
            Ok(hash) => {
                state.store.update_password_hash(user.id, user.credentials_version, &hash, state.clock.now()).await?
            }
            Err(e) => {
                tracing::warn!(user_id = %user.id, error = %e, "could not re-hash a password; keeping the old hash")
            }
        }
    }
    Ok((user.id, user.credentials_version, attempt))
}

/// Ends the session `token` names and the sign-in `pending` names, if any.
pub async fn log_out(
    state: &AppState,
    token: Option<&SecretToken>,
    pending: Option<&SecretToken>,
) -> Result<(), StoreError> {
    if let Some(token) = token {
        sessions::end(state, token).await?;
    }
    if let Some(pending) = pending {
        pending_sign_in::end(state, pending).await?;
    }
    Ok(())
}
