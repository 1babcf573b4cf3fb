use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One of the user's sessions, as the session list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub browser: String,
    pub ip: String,
    pub created: String,
    pub last_seen: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub email: String,
    pub sessions: Vec<SessionView>,
}

/// The signed-in account and its live sessions, the current one first.
#[server(prefix = "/api", endpoint = "account")]
pub async fn account_overview() -> Result<AccountSummary, AppError> {
    use crate::backend::{request, session_view};

    let state = request::app_state()?;
    let session = request::require_session()?;
    let now = state.clock.now();
    let idle_cutoff = now - state.config.session_idle.as_secs() as i64;
    let rows = state.store.list_sessions(session.user_id, now, idle_cutoff).await?;
    let mut sessions: Vec<SessionView> = rows.into_iter().map(|row| session_view::view(row, session.id)).collect();
    sessions.sort_by_key(|s| !s.current);
    Ok(AccountSummary { email: session.email, sessions })
}

/// Ends one of the user's other sessions.
#[server(prefix = "/api", endpoint = "sign_out_session")]
pub async fn sign_out_session(id: i64) -> Result<(), AppError> {
    use crate::backend::request;

    let state = request::app_state()?;
    let session = request::require_session()?;
    if id == session.id {
        return Err(AppError::field("id", "Use \u{201c}Log out\u{201d} to end the session you are using."));
    }
    if !state.store.delete_session(session.user_id, id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(user_id = session.user_id, "signed out one other session");
    Ok(())
}

/// Ends every session of the user except the one making the request.
#[server(prefix = "/api", endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<u64, AppError> {
    use crate::backend::request;

    let state = request::app_state()?;
    let session = request::require_session()?;
    let ended = state.store.delete_other_sessions(session.user_id, Some(session.id)).await?;
    tracing::info!(user_id = session.user_id, ended, "signed out all other sessions");
    Ok(ended)
}
