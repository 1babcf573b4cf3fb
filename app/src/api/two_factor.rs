//! Two-factor sign-in's server functions: Security Settings and its setup, the recovery codes
//! shown once, and the second step of logging in. Every one is a form post that works without
//! JavaScript (then it answers with a redirect to the page that shows the result).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What Security Settings shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub enabled: bool,
    pub recovery_codes_left: i64,
}

/// What the setup page shows, until two-factor is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupDetails {
    /// The QR code, an SVG document drawn by the server.
    pub qr_svg: String,
    pub setup_key: String,
    pub otpauth_url: String,
}

#[server(prefix = "/api", endpoint = "security_status")]
pub async fn security_status() -> Result<SecurityOverview, AppError> {
    use super::request;
    use crate::backend::use_cases::two_factor;

    let state = request::app_state()?;
    let session = request::require_session()?;
    let status = two_factor::status(&state, session.user_id).await?;
    Ok(SecurityOverview { enabled: status.enabled, recovery_codes_left: status.recovery_codes_left })
}

/// The secret being set up (made on first sight), as a QR code, a setup key and a link; `None`
/// once two-factor is on: the secret is never shown again.
#[server(prefix = "/api", endpoint = "two_factor_setup")]
pub async fn two_factor_setup() -> Result<Option<SetupDetails>, AppError> {
    use super::request;
    use crate::backend::use_cases::two_factor::{self, TwoFactorError};

    let state = request::app_state()?;
    let session = request::require_session()?;
    match two_factor::setup(&state, &session).await {
        Ok(view) => {
            Ok(Some(SetupDetails { qr_svg: view.qr_svg, setup_key: view.setup_key, otpauth_url: view.otpauth_url }))
        }
        Err(TwoFactorError::AlreadyOn) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Turns two-factor on with the current password and the app's current code; the recovery
/// codes page comes next.
#[server(prefix = "/api", endpoint = "enable_two_factor")]
pub async fn enable_two_factor(current_password: String, code: String) -> Result<(), AppError> {
    use super::request;
    use crate::{
        backend::use_cases::two_factor,
        domain::Password,
        error::{FieldError, Problem},
    };

    let state = request::app_state()?;
    let session = request::require_session()?;
    let password = Password::parse(&current_password)
        .map_err(|_| FieldError::new("current_password", Problem::CurrentPasswordMissing));
    let (password, code) = match (password, parse_auth_code(&code)) {
        (Ok(password), Ok(code)) => (password, code),
        (password, code) => {
            return Err(AppError::Invalid([password.err(), code.err()].into_iter().flatten().collect()))
        }
    };
    two_factor::enable(&state, &session, &request::client_info()?, &password, &code).await.map_err(AppError::from)?;
    leptos_axum::redirect(crate::routes::RECOVERY_CODES);
    Ok(())
}

/// What the recovery-codes page shows: codes waiting behind a button, the codes, or nothing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FreshCodes {
    /// Codes were just made: the page's button (a same-origin POST) reveals them.
    Waiting,
    Shown(CodeSheet),
    /// Shown already, or none made.
    Gone,
}

/// Recovery codes just made, as shown once, with what their downloaded file says they are for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CodeSheet {
    pub codes: Vec<String>,
    /// The account they log in to: "ann@example.com".
    pub account: String,
    /// When they were shown, moments after they were made.
    pub shown: super::Moment,
}

#[cfg(feature = "ssr")]
impl CodeSheet {
    fn new(codes: Vec<String>, account: &crate::domain::Email, now: i64) -> Self {
        Self { codes, account: account.as_str().to_owned(), shown: super::Moment::at(now) }
    }
}

/// The recovery-codes page's state. A page rendered for a GET (a link, a reload, a navigation
/// from another site) takes nothing: it shows codes only that a same-origin POST revealed (the
/// page's own script asking, or the one-time cookie a button press without JavaScript left).
#[server(prefix = "/api", endpoint = "recovery_codes_view")]
pub async fn recovery_codes_view() -> Result<FreshCodes, AppError> {
    use super::request;
    use crate::backend::{client::cookies::Jar, use_cases::two_factor};

    let state = request::app_state()?;
    let session = request::require_session()?;
    if let Some(sealed) = request::cookie_value(Jar::FreshCodes, &state.config) {
        request::set_cookie(&Jar::FreshCodes.clear(&state.config))?;
        if let Some(codes) = two_factor::open_fresh_codes(&state, session.user_id, &sealed) {
            return Ok(FreshCodes::Shown(CodeSheet::new(codes, &session.email, state.clock.now())));
        }
    }
    if request::is_post() {
        return Ok(match two_factor::take_fresh_codes(&state, session.user_id).await? {
            Some(sealed) => two_factor::open_fresh_codes(&state, session.user_id, &sealed)
                .map_or(FreshCodes::Gone, |codes| {
                    FreshCodes::Shown(CodeSheet::new(codes, &session.email, state.clock.now()))
                }),
            None => FreshCodes::Gone,
        });
    }
    Ok(if two_factor::fresh_codes_waiting(&state, session.user_id).await? {
        FreshCodes::Waiting
    } else {
        FreshCodes::Gone
    })
}

/// Reveals the recovery codes just made, once (the page's "Show my recovery codes"); `None`
/// when they were shown already. Without JavaScript they go to the page in a one-time cookie.
#[server(prefix = "/api", endpoint = "fresh_recovery_codes")]
pub async fn fresh_recovery_codes() -> Result<Option<CodeSheet>, AppError> {
    use super::request;
    use crate::backend::{client::cookies::Jar, use_cases::two_factor};

    let state = request::app_state()?;
    let session = request::require_session()?;
    let Some(sealed) = two_factor::take_fresh_codes(&state, session.user_id).await? else {
        return Ok(None);
    };
    if request::is_plain_form_post() {
        request::set_cookie(&Jar::FreshCodes.set_notice(&state.config, &sealed))?;
        leptos_axum::redirect(crate::routes::RECOVERY_CODES);
        return Ok(None);
    }
    Ok(two_factor::open_fresh_codes(&state, session.user_id, &sealed)
        .map(|codes| CodeSheet::new(codes, &session.email, state.clock.now())))
}

/// New recovery codes (the old ones stop working), after the password and a code.
#[server(prefix = "/api", endpoint = "new_recovery_codes")]
pub async fn new_recovery_codes(current_password: String, second_factor: String) -> Result<(), AppError> {
    use super::request;
    use crate::backend::use_cases::two_factor;

    let state = request::app_state()?;
    let session = request::require_session()?;
    let (password, proof) = parse_confirmation(&current_password, &second_factor)?;
    two_factor::renew_codes(&state, &session, &request::client_info()?, &password, proof)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect(crate::routes::RECOVERY_CODES);
    Ok(())
}

/// Turns two-factor off, after the password and a code.
#[server(prefix = "/api", endpoint = "turn_off_two_factor")]
pub async fn turn_off_two_factor(current_password: String, second_factor: String) -> Result<(), AppError> {
    use super::request;
    use crate::backend::use_cases::two_factor;

    let state = request::app_state()?;
    let session = request::require_session()?;
    let (password, proof) = parse_confirmation(&current_password, &second_factor)?;
    two_factor::turn_off(&state, &session, &request::client_info()?, &password, proof).await.map_err(AppError::from)?;
    if request::is_plain_form_post() {
        leptos_axum::redirect(crate::routes::SECURITY);
    }
    Ok(())
}

/// The second step of logging in: the app's code (`code`) or a recovery code
/// (`recovery_code`). Success starts a session as a login does and goes on to `next`.
#[server(prefix = "/api", endpoint = "verify_sign_in")]
pub async fn verify_sign_in(
    code: Option<String>,
    recovery_code: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::request;
    use crate::{
        backend::{
            client::cookies::Jar, secrets::secret_token::SecretToken, steps::proof::Proof, use_cases::second_factor,
        },
        domain::LocalPath,
        error::Problem,
    };

    let state = request::app_state()?;
    let proof = match (code, recovery_code) {
        (_, Some(typed)) => Proof::Recovery(parse_recovery_code(&typed)?),
        (Some(typed), None) => Proof::Code(parse_auth_code(&typed)?),
        (None, None) => return Err(AppError::field("code", Problem::AuthCodeMissing)),
    };
    let pending = request::cookie_value(Jar::PendingSignIn, &state.config)
        .and_then(|value| SecretToken::parse(&value))
        .ok_or(AppError::SecondFactorRefused)?;
    let signed_in = second_factor::finish(&state, &pending, proof, &request::client_info()?).await?;
    request::set_cookie(&Jar::PendingSignIn.clear(&state.config))?;
    super::auth::hand_over(&state, &signed_in)?;
    if request::cookie_value(Jar::ResetLink, &state.config).is_some() {
        request::set_cookie(&Jar::ResetLink.clear(&state.config))?;
    }
    leptos_axum::redirect(LocalPath::parse_or_default(next.as_deref()).as_str());
    Ok(())
}

#[cfg(feature = "ssr")]
fn parse_auth_code(typed: &str) -> Result<crate::backend::secrets::totp::AuthCode, crate::error::FieldError> {
    use crate::{backend::secrets::totp::AuthCode, error::Problem};
    parse_code(typed, "code", AuthCode::parse, Problem::AuthCodeMissing, Problem::AuthCodeMalformed)
}

#[cfg(feature = "ssr")]
fn parse_recovery_code(
    typed: &str,
) -> Result<crate::backend::secrets::recovery_codes::RecoveryCode, crate::error::FieldError> {
    use crate::{backend::secrets::recovery_codes::RecoveryCode, error::Problem};
    parse_code(
        typed,
        "recovery_code",
        RecoveryCode::parse,
        Problem::RecoveryCodeMissing,
        Problem::RecoveryCodeMalformed,
    )
}

/// `typed` read by `parse`, or the field's problem: `missing` when empty, `malformed` otherwise.
#[cfg(feature = "ssr")]
fn parse_code<T>(
    typed: &str,
    field: &'static str,
    parse: impl Fn(&str) -> Option<T>,
    missing: crate::error::Problem,
    malformed: crate::error::Problem,
) -> Result<T, crate::error::FieldError> {
    use crate::error::FieldError;
    if typed.trim().is_empty() {
        return Err(FieldError::new(field, missing));
    }
    parse(typed).ok_or_else(|| FieldError::new(field, malformed))
}

/// The current password and a second factor (an app's code or a recovery code, told apart by
/// their shape), with every problem found.
#[cfg(feature = "ssr")]
fn parse_confirmation(
    password: &str,
    second_factor: &str,
) -> Result<(crate::domain::Password, crate::backend::steps::proof::Proof), AppError> {
    use crate::{
        backend::{
            secrets::{recovery_codes::RecoveryCode, totp::AuthCode},
            steps::proof::Proof,
        },
        domain::Password,
        error::{FieldError, Problem},
    };
    let password =
        Password::parse(password).map_err(|_| FieldError::new("current_password", Problem::CurrentPasswordMissing));
    let either = |typed: &str| {
        AuthCode::parse(typed).map(Proof::Code).or_else(|| RecoveryCode::parse(typed).map(Proof::Recovery))
    };
    let proof = parse_code(
        second_factor,
        "second_factor",
        either,
        Problem::SecondFactorMissing,
        Problem::SecondFactorMalformed,
    );
    match (password, proof) {
        (Ok(password), Ok(proof)) => Ok((password, proof)),
        (password, proof) => Err(AppError::Invalid([password.err(), proof.err()].into_iter().flatten().collect())),
    }
}
