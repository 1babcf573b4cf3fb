//! The portal's cookies ([`Jar`]), all HttpOnly, SameSite=Lax, Path=/, and `__Host-` + Secure
//! behind TLS: the session; the reset link's token while its page is open (so the token leaves
//! the address bar even without JavaScript), kept only as long as the browser and cleared by
//! login, logout and its use; a pending sign-in; the device cookie of a browser that has signed
//! in (a year; logout keeps it); and three one-time values for the next page without JavaScript
//! (a notice, the email address typed into a refused form, and why that form was refused).

use cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use http::HeaderMap;

use crate::backend::{
    config::{Config, PENDING_SIGN_IN_SECS},
    secrets::secret_token::SecretToken,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jar {
    Session,
    ResetLink,
    /// A one-time notice for the next page without JavaScript ("your password was changed"),
    /// read and cleared by that page, so a reload does not repeat it.
    Notice,
    /// The email address typed into a form refused without JavaScript, so the page shown
    /// again has it filled in; read and cleared by that page, kept a minute at most.
    TypedEmail,
    /// Why a form posted without JavaScript was refused (the server function and its error),
    /// for the page the browser is sent back to: read and cleared by that page, so a reload or
    /// a shared link shows nothing stale; kept a minute at most.
    RefusedForm,
    /// A sign-in whose password was right, waiting for its second factor (five minutes).
    PendingSignIn,
    /// Recovery codes just revealed to a browser without JavaScript, sealed, for the next page
    /// only: a minute at most, and `SameSite=Strict`, so a navigation from another site never
    /// carries them.
    FreshCodes,
    /// This browser has signed in before: its failed checks are counted apart from unknown
    /// clients' ([`crate::backend::steps::known_devices`]). Kept a year, through logouts.
    Device,
}

/// How long a browser keeps its device cookie, and the account remembers the browser after its
/// last sign-in.
pub const DEVICE_COOKIE_SECS: i64 = 365 * 24 * 60 * 60;

impl Jar {
    pub fn name(self, config: &Config) -> &'static str {
        match (self, config.cookie_secure) {
            (Self::Session, true) => "__Host-portal_session",
            (Self::Session, false) => "portal_session",
            (Self::ResetLink, true) => "__Host-portal_reset",
            (Self::ResetLink, false) => "portal_reset",
            (Self::Notice, true) => "__Host-portal_notice",
            (Self::Notice, false) => "portal_notice",
            (Self::TypedEmail, true) => "__Host-portal_typed_email",
            (Self::TypedEmail, false) => "portal_typed_email",
            (Self::RefusedForm, true) => "__Host-portal_refused",
            (Self::RefusedForm, false) => "portal_refused",
            (Self::PendingSignIn, true) => "__Host-portal_pending",
            (Self::PendingSignIn, false) => "portal_pending",
            (Self::FreshCodes, true) => "__Host-portal_codes",
            (Self::FreshCodes, false) => "portal_codes",
            (Self::Device, true) => "__Host-portal_device",
            (Self::Device, false) => "portal_device",
        }
    }

    /// The `Set-Cookie` value that hands the browser `token`: the session for its lifetime, the
    /// reset link's token until the browser closes.
    pub fn set(self, config: &Config, token: &SecretToken) -> String {
        let max_age = match self {
            Self::Session => Some(CookieDuration::seconds(config.session_lifetime.as_secs() as i64)),
            Self::PendingSignIn => Some(CookieDuration::seconds(PENDING_SIGN_IN_SECS)),
            Self::Device => Some(CookieDuration::seconds(DEVICE_COOKIE_SECS)),
            Self::ResetLink | Self::Notice | Self::TypedEmail | Self::RefusedForm => None,
            Self::FreshCodes => Some(CookieDuration::seconds(60)),
        };
        self.build(config, token.expose().to_owned(), max_age)
    }

    /// The `Set-Cookie` value that hands the browser a one-time value for the next page
    /// (`Notice`: a word; `TypedEmail`: what was typed, encoded; `RefusedForm`: a server
    /// function's path and its error, encoded; `FreshCodes`: recovery codes sealed under the
    /// deployment key, never in the clear), kept a minute at most.
    pub fn set_notice(self, config: &Config, notice: &str) -> String {
        self.build(config, notice.to_owned(), Some(CookieDuration::seconds(60)))
    }

    /// The `Set-Cookie` value that makes the browser forget the cookie.
    pub fn clear(self, config: &Config) -> String {
        self.build(config, String::new(), Some(CookieDuration::ZERO))
    }

    /// The cookie's value, if the request carries one; whether it is a valid token is for the
    /// caller to find out.
    pub fn value(self, headers: &HeaderMap, config: &Config) -> Option<String> {
        let name = self.name(config);
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned())
    }

    fn build(self, config: &Config, value: String, max_age: Option<CookieDuration>) -> String {
        let same_site = if self == Self::FreshCodes { SameSite::Strict } else { SameSite::Lax };
        let cookie = Cookie::build((self.name(config), value))
            .http_only(true)
            .same_site(same_site)
            .path("/")
            .secure(config.cookie_secure);
        match max_age {
            Some(max_age) => cookie.max_age(max_age).build().to_string(),
            None => cookie.build().to_string(),
        }
    }
}

/// The `Set-Cookie` value that hands the browser a new session.
pub fn session_cookie(config: &Config, token: &SecretToken) -> String {
    Jar::Session.set(config, token)
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn clear_session_cookie(config: &Config) -> String {
    Jar::Session.clear(config)
}
