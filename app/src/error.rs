//! The error every server function returns: small, serializable, and safe to show anyone.
//!
//! Without JavaScript, Leptos puts a server function's error into the redirect URL, so nothing
//! in here may carry internal detail. Causes are logged on the server where they happen; the
//! user gets a sentence they can act on, and `field` says which input it belongs to.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A message about one input of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more inputs need correcting.
    #[error("{}", join_messages(.0))]
    Invalid(Vec<FieldError>),
    /// Unknown email, wrong password and disabled account all look like this.
    #[error("The email address or password is incorrect.")]
    InvalidCredentials,
    /// No valid session: the user must log in (again).
    #[error("Your session has ended. Please log in again.")]
    Unauthenticated,
    #[error("That item no longer exists. Reload the page to see the current state.")]
    NotFound,
    /// The request was malformed in a way no form field explains.
    #[error("The request could not be understood. Reload the page and try again.")]
    BadRequest,
    /// A password-reset link that is unknown, used, or past its time.
    #[error("This link has expired or has already been used.")]
    LinkExpired,
    /// A per-client budget is used up; it renews after `retry_after_secs`.
    #[error("Too many attempts. Please wait a moment and try again.")]
    TooManyRequests { retry_after_secs: u64 },
    /// A bounded resource (password hashing, the database) is saturated.
    #[error("The service is busy right now. Please try again in a moment.")]
    Unavailable,
    /// The browser could not reach the server.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

fn join_messages(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ")
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) | Self::BadRequest => 400,
            Self::InvalidCredentials | Self::Unauthenticated => 401,
            Self::NotFound => 404,
            Self::LinkExpired => 410,
            Self::TooManyRequests { .. } => 429,
            Self::Unavailable => 503,
            Self::Network => 502,
            Self::Internal => 500,
        }
    }

    /// The message for one form field, if this error has one.
    pub fn for_field(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => {
                let messages: Vec<&str> =
                    errors.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
                (!messages.is_empty()).then(|| messages.join(" "))
            }
            _ => None,
        }
    }

    /// The message for the form as a whole (everything that is not about one field).
    pub fn form_message(&self) -> Option<String> {
        match self {
            Self::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server this means the request body could not be read as text.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => Self::BadRequest,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            ServerFnErrorErr::Request(_) => Self::Network,
            _ => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_found_by_field_name() {
        let err = AppError::Invalid(vec![
            FieldError::new("email", "Enter your email address."),
            FieldError::new("password", "Enter your password."),
        ]);
        assert_eq!(err.for_field("password").as_deref(), Some("Enter your password."));
        assert_eq!(err.form_message(), None);
        assert_eq!(err.status(), 400);
    }

    #[test]
    fn argument_errors_are_client_errors_without_detail() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("invalid utf-8 at byte 3".into()));
        assert_eq!(err, AppError::BadRequest);
        assert!(!err.to_string().contains("utf-8"));
        assert_eq!(err.status(), 400);
    }
}
