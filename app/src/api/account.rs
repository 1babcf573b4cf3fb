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
    /// What a sign-out posted without JavaScript did, said once on the page it came back to.
    pub signed_out: Option<SignedOut>,
}

/// A sign-out done by a plain form post, for the session list to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignedOut {
    One,
    Others(u64),
}

/// The one-time notice (`Jar::Notice`) a sign-out without JavaScript leaves for the list.
#[cfg(feature = "ssr")]
impl SignedOut {
    const ONE: &str = "signed-out-one";
    const OTHERS: &str = "signed-out-others-";

    fn notice(self) -> String {
        match self {
            Self::One => Self::ONE.to_owned(),
            Self::Others(n) => format!("{}{n}", Self::OTHERS),
        }
    }

    fn from_notice(notice: &str) -> Option<Self> {
        match notice {
            Self::ONE => Some(Self::One),
            other => other.strip_prefix(Self::OTHERS)?.parse().ok().map(Self::Others),
        }
    }

    /// Leaves the notice when the sign-out was a plain form post from the session list.
    fn leave(self) -> Result<(), AppError> {
        use super::request;
        use crate::backend::client::cookies::Jar;

        if !request::is_plain_form_post() || !request::posted_from(crate::routes::ACCOUNT) {
            return Ok(());
        }
        let state = request::app_state()?;
        request::set_cookie(&Jar::Notice.set_notice(&state.config, &self.notice()))
    }

    /// The notice a sign-out left, read once.
    fn take() -> Option<Self> {
        use super::request;
        use crate::backend::client::cookies::Jar;

        let state = request::app_state().ok()?;
        let signed_out = Self::from_notice(&request::cookie_value(Jar::Notice, &state.config)?)?;
        request::set_cookie(&Jar::Notice.clear(&state.config)).ok()?;
        Some(signed_out)
    }
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
    Ok(AccountSummary { email: session.email.as_str().to_owned(), sessions, signed_out: SignedOut::take() })
}

/// Ends one of the user's other sessions.
#[server(prefix = "/api", endpoint = "sign_out_session")]
pub async fn sign_out_session(id: i64) -> Result<(), AppError> {
    use super::request;
    use crate::backend::use_cases::session_list;

    let state = request::app_state()?;
    let session = request::require_session()?;
    session_list::sign_out_one(&state, &session, id).await?;
    SignedOut::One.leave()
}

/// Ends every session of the user except the one making the request.
#[server(prefix = "/api", endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<u64, AppError> {
    use super::request;
    use crate::backend::use_cases::session_list;

    let state = request::app_state()?;
    let session = request::require_session()?;
    let ended = session_list::sign_out_others(&state, &session).await?;
    SignedOut::Others(ended).leave()?;
    Ok(ended)
}
