//! The captcha as both sides see it: what the server hands a page, and how the page solves it.
//!
//! The proof of work is ALTCHA's (PoW v2, the official `altcha` crate on both sides): the
//! server signs a challenge, the page searches for a counter whose PBKDF2-derived key starts
//! with enough zeros, and the server checks that one derivation. The search runs in slices
//! short enough to keep the page responsive (see [`solve_slice`]).

use serde::{Deserialize, Serialize};

/// The form fields a captcha answer travels in.
pub const PROOF_FIELD: &str = "captcha";
pub const PICTURE_FIELD: &str = "captcha_picture";
pub const PICTURE_ANSWER_FIELD: &str = "captcha_answer";
/// The action a Turnstile widget is rendered with and its tokens must carry back: a token
/// solved for another site's form is refused.
pub const PROVIDER_ACTION: &str = "account-portal";

/// Why an answer was refused. Each has a message a person can act on; it travels as a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    #[error("Please wait until the human check says “Verified”, or type the characters from the picture.")]
    Missing,
    /// With a third-party widget: the person has not completed it.
    #[error("Please complete the human check.")]
    Incomplete,
    #[error("The check has expired. Please try again.")]
    Expired,
    #[error("The check could not be verified. Please try again.")]
    Invalid,
    #[error("The characters did not match the picture. Please type the ones in the new picture.")]
    WrongPicture,
    #[error("This check has already been used. Please try again.")]
    AlreadyUsed,
    /// The third-party provider could not be asked (answered with 503, not 400).
    #[error("The check could not be completed right now. Please try again in a moment.")]
    ProviderUnavailable,
}

/// What a form shows for its captcha.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormCaptcha {
    /// The built-in one: a challenge the page solves (or, without JavaScript, a picture).
    ProofOfWork(CaptchaChallenge),
    /// A third party's widget, which puts its token into the form's `captcha` field.
    Provider { provider: Provider, site_key: String },
}

/// The third-party captchas the portal can use instead of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Provider {
    Turnstile,
    Hcaptcha,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Self::Turnstile => "Cloudflare Turnstile",
            Self::Hcaptcha => "hCaptcha",
        }
    }

    /// The script that draws the widget.
    pub fn script_url(self) -> &'static str {
        match self {
            Self::Turnstile => "https://challenges.cloudflare.com/turnstile/v0/api.js",
            Self::Hcaptcha => "https://js.hcaptcha.com/1/api.js",
        }
    }

    /// The class the script looks for on the widget's element.
    pub fn widget_class(self) -> &'static str {
        match self {
            Self::Turnstile => "cf-turnstile",
            Self::Hcaptcha => "h-captcha",
        }
    }

    /// Where the server checks a token (`PORTAL_CAPTCHA_VERIFY_URL` overrides it).
    pub fn verify_url(self) -> &'static str {
        match self {
            Self::Turnstile => "https://challenges.cloudflare.com/turnstile/v0/siteverify",
            Self::Hcaptcha => "https://api.hcaptcha.com/siteverify",
        }
    }

    /// The origins its script, frames and requests come from, for the Content-Security-Policy.
    pub fn origins(self) -> &'static str {
        match self {
            Self::Turnstile => "https://challenges.cloudflare.com",
            Self::Hcaptcha => "https://hcaptcha.com https://*.hcaptcha.com",
        }
    }
}

/// A fresh challenge for one form. Each is accepted once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptchaChallenge {
    /// The ALTCHA challenge, as JSON, for the page to solve.
    pub proof_of_work: String,
    /// Names the picture shown when JavaScript is off: `/captcha/picture?c={picture}` (and
    /// `/captcha/audio?c={picture}` to hear its characters).
    pub picture: String,
    /// Unix seconds after which the server refuses answers to either.
    pub expires_at: i64,
}

/// Runs one slice of the search; shared with the login page's own module.
pub use signin::solve::solve_slice;

#[cfg(test)]
mod tests {
    use signin::status::Challenge;

    use super::*;

    #[test]
    fn the_login_pages_module_reads_a_fresh_challenge_as_the_server_function_sends_it() {
        let current =
            CaptchaChallenge { proof_of_work: r#"{"a":1}"#.into(), picture: "p".into(), expires_at: 1_700_000_000 };
        let answer = serde_json::to_string(&Some(FormCaptcha::ProofOfWork(current))).unwrap();
        assert_eq!(
            Challenge::from_answer(&answer),
            Some(Challenge { proof_of_work: r#"{"a":1}"#.into(), expires_at: 1_700_000_000 })
        );
    }

    #[test]
    fn no_captcha_or_a_third_partys_widget_is_no_challenge_to_solve() {
        let widget = Some(FormCaptcha::Provider { provider: Provider::Turnstile, site_key: "k".into() });
        assert_eq!(Challenge::from_answer(&serde_json::to_string(&widget).unwrap()), None);
        assert_eq!(Challenge::from_answer(&serde_json::to_string(&None::<FormCaptcha>).unwrap()), None);
        assert_eq!(Challenge::from_answer("<html>"), None);
    }
}
