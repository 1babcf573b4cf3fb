//! The error every server function returns: small, serializable, and safe to show anyone.
//!
//! Without JavaScript, Leptos puts a server function's error into the redirect URL, and the
//! page renders it from there. So an error is made of codes only ([`Problem`]): whoever writes
//! a link can choose among the portal's own sentences, never put words of their own into its
//! forms. Causes are logged on the server where they happen; the user gets a sentence they can
//! act on, and `field` says which input it belongs to.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::{
    captcha::Refusal,
    domain::{EmailError, PasswordError},
    password_policy::Rule,
};

/// What is wrong with one input, as a code; its sentence is ours ([`std::fmt::Display`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Problem {
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Captcha(#[from] Refusal),
    #[error("An account with this email address already exists.")]
    EmailTaken,
    #[error("Enter your current password.")]
    CurrentPasswordMissing,
    #[error("Your current password is incorrect.")]
    CurrentPasswordWrong,
    #[error("Choose a password.")]
    NewPasswordMissing,
    /// A rule of the password policy the new password breaks (the live checklist names the
    /// dictionary words found; a message that can travel in a URL does not).
    #[error("{}", .0.problem())]
    Rule(Rule),
    #[error("Choose a new password that differs from your current one.")]
    NewPasswordUnchanged,
    #[error("Type the new password again.")]
    ConfirmationMissing,
    #[error("The two new passwords do not match.")]
    ConfirmationDiffers,
    #[error("Use \u{201c}Log out\u{201d} to end the session you are using.")]
    SessionIsCurrent,
    #[error("Enter the 6-digit code from your authenticator app.")]
    AuthCodeMissing,
    #[error("An authentication code is 6 digits, like 123 456.")]
    AuthCodeMalformed,
    #[error("That code is not right. Enter the code your app shows now.")]
    AuthCodeWrong,
    #[error("Enter one of your recovery codes.")]
    RecoveryCodeMissing,
    #[error("A recovery code is 16 letters and digits, like 7KQ4-9XMP-2R8D-W3FV.")]
    RecoveryCodeMalformed,
    #[error("Enter the code from your authenticator app, or one of your recovery codes.")]
    SecondFactorMissing,
    #[error("Enter the 6-digit code from your app, or a recovery code like 7KQ4-9XMP-2R8D-W3FV.")]
    SecondFactorMalformed,
    #[error("That code is not right, or it was used already.")]
    SecondFactorWrong,
}

/// A problem with one input of a form. It is written with its sentence too (`message`, for
/// whoever reads the JSON), but read back from its code alone: a `message` in what arrives is
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = serializer.serialize_struct("FieldError", 3)?;
        out.serialize_field("field", &self.field)?;
        out.serialize_field("problem", &self.problem)?;
        out.serialize_field("message", &self.message())?;
        out.end()
    }
}

impl FieldError {
    pub fn new(field: &str, problem: impl Into<Problem>) -> Self {
        Self { field: field.to_owned(), problem: problem.into() }
    }

    pub fn message(&self) -> String {
        self.problem.to_string()
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
    #[error("This link has expired, has already been used, or was replaced by a newer link or a password change.")]
    LinkExpired,
    /// A wrong code, a pending sign-in that expired or ended, and a held-back try all look
    /// like this.
    #[error(
        "That code didn\u{2019}t work, or this sign-in has expired. Check the code and try again, or log in again."
    )]
    SecondFactorRefused,
    /// Two-factor sign-in is already on (setting it up again), or already off.
    #[error("Two-factor authentication changed meanwhile. Reload the page to see where it stands.")]
    TwoFactorChanged,
    /// The password (or code) checks of a proven or signed-in person are held back after failed
    /// tries: for `wait_secs`, or (`None`) until a new password is set.
    #[error("{}", too_many_tries(*.wait_secs))]
    TooManyTries { wait_secs: Option<u64> },
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

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        Self::Invalid(vec![error])
    }
}

/// "Too many tries: wait 8 seconds." — plainly, in words a person acts on.
fn too_many_tries(wait_secs: Option<u64>) -> String {
    match wait_secs {
        Some(1) => "Too many tries: wait 1 second, then try again.".to_owned(),
        Some(secs) if secs < 120 => format!("Too many tries: wait {secs} seconds, then try again."),
        Some(secs) => format!("Too many tries: wait {} minutes, then try again.", secs.div_ceil(60)),
        None => "Too many tries: this account's password must be reset before it can be checked again. Use \u{201c}Forgot?\u{201d} on the login page.".to_owned(),
    }
}

fn join_messages(errors: &[FieldError]) -> String {
    errors.iter().map(FieldError::message).collect::<Vec<_>>().join(" ")
}

impl AppError {
    pub fn field(field: &str, problem: impl Into<Problem>) -> Self {
        Self::Invalid(vec![FieldError::new(field, problem)])
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) | Self::BadRequest => 400,
            Self::InvalidCredentials | Self::Unauthenticated | Self::SecondFactorRefused => 401,
            Self::TwoFactorChanged => 409,
            Self::NotFound => 404,
            Self::LinkExpired => 410,
            Self::TooManyRequests { .. } | Self::TooManyTries { .. } => 429,
            Self::Unavailable => 503,
            Self::Network => 502,
            Self::Internal => 500,
        }
    }

    /// The message for one form field, if this error has one.
    pub fn for_field(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => {
                let messages: Vec<String> =
                    errors.iter().filter(|e| e.field == field).map(FieldError::message).collect();
                (!messages.is_empty()).then(|| messages.join(" "))
            }
            _ => None,
        }
    }

    /// One line per problem, for the error summary: the field it is about, if any, and its
    /// sentence.
    pub fn summary(&self) -> Vec<(Option<String>, String)> {
        match self {
            Self::Invalid(errors) => errors.iter().map(|e| (Some(e.field.clone()), e.message())).collect(),
            other => vec![(None, other.to_string())],
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
            FieldError::new("email", EmailError::Empty),
            FieldError::new("password", PasswordError::Empty),
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

    #[test]
    fn an_error_carries_codes_and_reads_back_as_the_portal_s_own_sentences() {
        let err = AppError::Invalid(vec![FieldError::new("new_password", Problem::Rule(Rule::MinLength(12)))]);
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(
            json,
            r#"{"Invalid":[{"field":"new_password","problem":{"Rule":{"MinLength":12}},"message":"Use at least 12 characters."}]}"#
        );
        let forged = json.replace("Use at least 12 characters.", "Call +1 555 0100.");
        assert_eq!(serde_json::from_str::<AppError>(&forged).unwrap(), err, "the sentence is read from the code");
        assert_eq!(
            serde_json::from_str::<AppError>(&json).unwrap().for_field("new_password").unwrap(),
            "Use at least 12 characters."
        );
        let crafted = r#"{"Invalid":[{"field":"email","message":"Your account is suspended. Call +1 555 0100."}]}"#;
        assert!(serde_json::from_str::<AppError>(crafted).is_err(), "free text is not an error the portal reads");
    }
}
