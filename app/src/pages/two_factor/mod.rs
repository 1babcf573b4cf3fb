//! Two-factor sign-in's pages: Security Settings, setting up an authenticator app, the
//! recovery codes shown once, and the second step of logging in. Each is a plain form that
//! works without JavaScript; with it, nothing reloads.

mod confirm;
mod new_recovery_codes;
mod recovery_codes;
mod security;
mod setup;
mod turn_off;
mod verify;

pub use new_recovery_codes::NewRecoveryCodesPage;
pub use recovery_codes::RecoveryCodesPage;
pub use security::SecurityPage;
pub use setup::TwoFactorSetupPage;
pub use turn_off::TurnOffTwoFactorPage;
pub use verify::VerifyPage;

/// `text` for a URL (a `data:` URL's body, a query value).
fn percent_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
