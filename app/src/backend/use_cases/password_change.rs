//! Changing a password while signed in: check the current one (a wrong one counts as a failed
//! login), apply the policy, store the new hash, end every other session, give this one a new id,
//! and tell the account by email.

use crate::backend::{
    client::ClientInfo,
    mail::templates,
    secrets::{
        password_hasher::{HashError, Verification},
        secret_token::SecretToken,
    },
    state::AppState,
    steps::{
        login_throttle,
        new_password_check::{self, NewPasswordProblems, TypedTwice},
        notice::Notice,
        sessions::{self, CurrentSession},
    },
    store::{PasswordChange, StoreError},
};
use crate::domain::Password;

/// The Change Password form: the current password as parsed (`None` when it was left empty)
/// and the new one typed twice.
pub struct ChangeRequest<'a> {
    pub current: Option<Password>,
    pub new: TypedTwice<'a>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("the form needs correcting")]
    Refused { current_missing: bool, new: NewPasswordProblems },
    /// Guessing the current password here is slowed down like guessing it at login, and counts
    /// towards the lock. Said on the first try, with whatever is wrong with the new password too.
    #[error("the current password is wrong")]
    WrongCurrentPassword { new: NewPasswordProblems },
    #[error("the new password is the current one")]
    Unchanged,
    /// The account is gone, or its password changed or its sessions ended while this request
    /// was checked: the person signs in again.
    #[error("the session ended while the change was under way")]
    SessionEnded,
    /// The throttle holds password checks back for now: for `None`, until a new password.
    #[error("too many tries: wait")]
    MustWait(Option<u64>),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Changes the password; returns the token of the session that replaces the requesting one.
pub async fn change(
    state: &AppState,
    session: &CurrentSession,
    client: &ClientInfo,
    request: ChangeRequest<'_>,
) -> Result<SecretToken, ChangePasswordError> {
    let checked = new_password_check::check(state, &session.email, request.new).await?;
    let Some(current) = request.current else {
        return Err(ChangePasswordError::Refused { current_missing: true, new: checked.err().unwrap_or_default() });
    };
    // The current password is checked whatever the new one is like, so that a person learns
    // about both on the first try.
    let user = state.store.find_user_by_id(session.user_id).await?.ok_or(ChangePasswordError::SessionEnded)?;
    // A signed-in person held back is told how long to wait: a right password is never "wrong".
    let attempt = login_throttle::begin(state, &user, client)
        .await?
        .or_wait(state.clock.now())
        .map_err(ChangePasswordError::MustWait)?;
    match state.hasher.verify(&current, Some(&user.password_hash)).await? {
        Verification::Match { .. } => attempt.succeeded(state).await?,
        Verification::Mismatch => {
            tracing::info!(user_id = %user.id, "password change refused: wrong current password");
            attempt.failed(state, client).await?;
            return Err(ChangePasswordError::WrongCurrentPassword { new: checked.err().unwrap_or_default() });
        }
    }
    let new = checked.map_err(|new| ChangePasswordError::Refused { current_missing: false, new })?;
    if new.as_password().expose() == current.expose() {
        return Err(ChangePasswordError::Unchanged);
    }
    let hash = state.hasher.hash(new.as_password()).await?;
    let notice = Notice::from_client(state, client);
    let mail = notice.seal(|config, occasion| templates::password_changed(config, &user.email, occasion));
    let replacement = sessions::Draft::new(state, client);
    let change = PasswordChange {
        seen_version: user.credentials_version,
        requesting_session: session.id,
        hash: &hash,
        now: notice.when(),
        replacement: replacement.record(user.id, client),
    };
    if !state.store.change_password(change, &mail).await? {
        tracing::info!(user_id = %user.id, "password change refused: the session or password changed meanwhile");
        return Err(ChangePasswordError::SessionEnded);
    }
    notice.committed();
    tracing::info!(user_id = %user.id, "password changed; all sessions replaced");
    Ok(replacement.token)
}
