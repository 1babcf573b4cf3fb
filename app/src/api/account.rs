use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Moment;
use crate::error::AppError;

/// One of the user's sessions, as the session list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub browser: String,
    pub ip: String,
    pub created: Moment,
    pub last_seen: Moment,
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
    use super::request;
    use crate::backend::use_cases::session_list;

    let state = request::app_state()?;
    let session = request::require_session()?;
    let sessions = session_list::overview(&state, &session)
        .await?
        .into_iter()
        .map(|entry| SessionView {
            id: entry.id,
            browser: entry.browser,
            ip: if entry.ip.is_empty() { "unknown address".into() } else { entry.ip },
            created: Moment::at(entry.created_at),
            last_seen: Moment::at(entry.last_seen_at),
            current: entry.current,
        })
        .collect();
    Ok(AccountSummary { email: session.email.as_str().to_owned(), sessions })
}

/// Ends one of the user's other sessions.
#[server(prefix = "/api", endpoint = "sign_out_session")]
pub async fn sign_out_session(id: i64) -> Result<(), AppError> {
    use super::request;
    use crate::backend::use_cases::session_list;

    let state = request::app_state()?;
    let session = request::require_session()?;
    Ok(session_list::sign_out_one(&state, &session, id).await?)
}

/// Ends every session of the user except the one making the request.
#[server(prefix = "/api", endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<u64, AppError> {
    use super::request;
    use crate::backend::use_cases::session_list;

    let state = request::app_state()?;
    let session = request::require_session()?;
    Ok(session_list::sign_out_others(&state, &session).await?)
}
