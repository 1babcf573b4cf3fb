//! Server-side sessions: started at login with a new token, found from the cookie on every
//! request, ended by logout, idleness, their absolute lifetime or the user.

use crate::backend::{
    client::ClientInfo, secrets::secret_token::SecretToken, state::AppState, steps::known_devices, store::NewSession,
    store::StoreResult, store::UserId,
};
use crate::domain::Email;

/// The signed-in account of a request, put into the request's extensions by the server.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub id: i64,
    pub user_id: UserId,
    pub email: Email,
}

/// Writes to `last_seen_at` at most this often per session.
const TOUCH_INTERVAL_SECS: i64 = 60;
const MAX_USER_AGENT_CHARS: usize = 512;

/// A new session's token and what is stored of it, for [`start`] or a transaction that starts
/// one together with other writes.
pub struct Draft {
    pub token: SecretToken,
    token_hash: [u8; 32],
    now: i64,
    expires_at: i64,
    user_agent: String,
}

impl Draft {
    pub fn new(state: &AppState, client: &ClientInfo) -> Self {
        let token = SecretToken::generate();
        let now = state.clock.now();
        Self {
            token_hash: token.hash(),
            token,
            now,
            expires_at: now + state.config.session_lifetime.as_secs() as i64,
            user_agent: client.user_agent.chars().take(MAX_USER_AGENT_CHARS).collect(),
        }
    }

    pub fn record<'a>(&'a self, user_id: UserId, client: &'a ClientInfo) -> NewSession<'a> {
        NewSession {
            user_id,
            token_hash: &self.token_hash,
            now: self.now,
            expires_at: self.expires_at,
            user_agent: &self.user_agent,
            ip: &client.ip,
        }
    }
}

/// Starts a session for an account whose password was checked under `credentials_version`;
/// `None` when the credentials have changed since (the password is no longer that one).
pub async fn start(
    state: &AppState,
    user_id: UserId,
    credentials_version: i64,
    client: &ClientInfo,
) -> StoreResult<Option<SecretToken>> {
    let draft = Draft::new(state, client);
    let started = state.store.insert_session(&draft.record(user_id, client), credentials_version).await?;
    Ok(started.map(|_| draft.token))
}

/// What a complete sign-in hands the browser: its new session and, when it brought no device
/// cookie, a new one ([`known_devices`]).
pub struct SignedIn {
    pub session: SecretToken,
    pub new_device: Option<SecretToken>,
}

/// [`start`], and the browser remembered as one the account has signed in from.
pub async fn sign_in(
    state: &AppState,
    user_id: UserId,
    credentials_version: i64,
    client: &ClientInfo,
) -> StoreResult<Option<SignedIn>> {
    let Some(session) = start(state, user_id, credentials_version, client).await? else {
        return Ok(None);
    };
    let new_device = known_devices::remember(state, user_id, client).await?;
    Ok(Some(SignedIn { session, new_device }))
}

/// The live session a token belongs to, if any; refreshes its idle timer.
pub async fn resolve(state: &AppState, token: &SecretToken) -> StoreResult<Option<CurrentSession>> {
    let Some(record) = state.store.find_session(&token.hash()).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let idle_limit = state.config.session_idle.as_secs() as i64;
    if now >= record.expires_at || now - record.last_seen_at >= idle_limit || record.disabled_at.is_some() {
        state.store.delete_session(record.user_id, record.id).await?;
        return Ok(None);
    }
    if now - record.last_seen_at >= TOUCH_INTERVAL_SECS {
        state.store.touch_session(record.id, now).await?;
    }
    Ok(Some(CurrentSession { id: record.id, user_id: record.user_id, email: record.email }))
}

pub async fn end(state: &AppState, token: &SecretToken) -> StoreResult<()> {
    state.store.delete_session_by_token(&token.hash()).await
}

/// Deletes sessions that can no longer be used; run periodically.
pub async fn purge_expired(state: &AppState) -> StoreResult<u64> {
    let now = state.clock.now();
    let idle_cutoff = now - state.config.session_idle.as_secs() as i64;
    state.store.purge_sessions(now, idle_cutoff).await
}
