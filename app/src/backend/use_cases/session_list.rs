//! The signed-in user's sessions: the list, and ending one or all of the others.

use crate::backend::{
    client::browser, state::AppState, steps::sessions::CurrentSession, store::SessionRow, store::StoreError,
};

/// One live session of the account, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEntry {
    pub id: i64,
    /// "Chrome 120 on Linux".
    pub browser: String,
    /// Empty when unknown.
    pub ip: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The session making the request.
    pub current: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionListError {
    /// "Log out" ends the session making the request, with its cookie.
    #[error("the current session cannot be ended from the list")]
    IsCurrent,
    #[error("no such session of this account")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The account's live sessions, the current one first, then the most recently used.
pub async fn overview(state: &AppState, session: &CurrentSession) -> Result<Vec<SessionEntry>, StoreError> {
    let now = state.clock.now();
    let idle_cutoff = now - state.config.session_idle.as_secs() as i64;
    let rows = state.store.list_sessions(session.user_id, now, idle_cutoff).await?;
    let mut entries: Vec<SessionEntry> = rows.into_iter().map(|row| entry(row, session.id)).collect();
    entries.sort_by_key(|s| !s.current);
    Ok(entries)
}

/// Ends one of the account's other sessions.
pub async fn sign_out_one(state: &AppState, session: &CurrentSession, id: i64) -> Result<(), SessionListError> {
    if id == session.id {
        return Err(SessionListError::IsCurrent);
    }
    if !state.store.delete_session(session.user_id, id).await? {
        return Err(SessionListError::NotFound);
    }
    tracing::info!(user_id = %session.user_id, "signed out one other session");
    Ok(())
}

/// Ends every session of the account except the one making the request; returns how many.
/// Also moves the account's credentials version on, so a login still checking its password
/// when this commits starts no session.
pub async fn sign_out_others(state: &AppState, session: &CurrentSession) -> Result<u64, StoreError> {
    let ended = state.store.delete_other_sessions(session.user_id, session.id).await?.unwrap_or(0);
    tracing::info!(user_id = %session.user_id, ended, "signed out all other sessions");
    Ok(ended)
}

fn entry(row: SessionRow, current_id: i64) -> SessionEntry {
    SessionEntry {
        id: row.id,
        browser: browser::browser(&row.user_agent),
        ip: row.ip,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        current: row.id == current_id,
    }
}
