//! Server functions: typed calls shared by the SSR host and the WASM client. Their bodies run
//! only on the server, each in three steps: parse the arguments into domain types, call one
//! use case in `crate::backend`, map its error in [`errors`]. The client gets a stub that
//! posts to `/api/…`.

mod account;
mod auth;
mod captcha;
#[cfg(feature = "ssr")]
mod errors;
mod password;
#[cfg(feature = "ssr")]
pub mod request;
mod reset;
mod two_factor;
mod wire;

pub use account::*;
pub use auth::*;
pub use captcha::*;
pub use password::*;
pub use reset::*;
pub use two_factor::*;
pub use wire::*;

/// The page each form's server function is posted from, where a plain form post (no
/// JavaScript) is sent back to when its browser says nothing of where it came from (a page
/// sent with `Referrer-Policy: no-referrer`, such as `/reset`). A function posted from several
/// pages names the one its refusal reads best on.
#[cfg(feature = "ssr")]
pub fn form_page(server_fn: &str) -> Option<&'static str> {
    use crate::routes;
    use leptos::server_fn::ServerFn;

    const PAGES: &[(&str, &str)] = &[
        (Login::PATH, routes::LOGIN),
        (VerifySignIn::PATH, routes::LOGIN_VERIFY),
        (RequestPasswordReset::PATH, routes::FORGOT),
        (ResetPassword::PATH, routes::RESET),
        (ChangePassword::PATH, routes::CHANGE_PASSWORD),
        (SignOutSession::PATH, routes::ACCOUNT),
        (SignOutOtherSessions::PATH, routes::ACCOUNT),
        (EnableTwoFactor::PATH, routes::TWO_FACTOR_SETUP),
        (FreshRecoveryCodes::PATH, routes::RECOVERY_CODES),
        (NewRecoveryCodes::PATH, routes::NEW_RECOVERY_CODES),
        (TurnOffTwoFactor::PATH, routes::TURN_OFF_TWO_FACTOR),
    ];
    PAGES.iter().find(|(path, _)| *path == server_fn).map(|(_, page)| *page)
}
