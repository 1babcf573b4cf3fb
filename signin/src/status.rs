//! What the captcha says while the page works, and the attributes a form's captcha carries in
//! the HTML: the same words and names whether the app or the login page's module does the work.

/// The page is solving the proof of work.
pub const WORKING: &str = "Verifying you are human…";
/// The person pressed submit before the work was done: the form is sent once it is.
pub const WORKING_THEN_SEND: &str = "Verifying you are human… sending when done.";
pub const VERIFIED: &str = "Verified";
pub const FAILED: &str = "The check could not run. Reload the page to try again.";

/// On the captcha's element: the ALTCHA challenge (JSON) the page solves.
pub const CHALLENGE_ATTRIBUTE: &str = "data-challenge";
/// On the captcha's element: Unix seconds after which the server refuses the answer.
pub const EXPIRES_ATTRIBUTE: &str = "data-expires";
/// A challenge this close to expiry (seconds) is replaced by a fresh one before anyone sends it.
pub const RENEW_BEFORE_EXPIRY_S: f64 = 20.0;
/// Where the server function for a fresh challenge answers.
pub const NEW_CHALLENGE_URL: &str = "/api/new_captcha";

/// How far the page's own work is, as the status's `data-state` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Working,
    Verified,
    Failed,
}

impl Progress {
    pub fn state(self) -> &'static str {
        match self {
            Self::Working => "working",
            Self::Verified => "verified",
            Self::Failed => "failed",
        }
    }

    /// The sentence shown (and announced: the status is a live region).
    pub fn text(self, waiting_to_send: bool) -> &'static str {
        match (self, waiting_to_send) {
            (Self::Working, true) => WORKING_THEN_SEND,
            (Self::Working, false) => WORKING,
            (Self::Verified, _) => VERIFIED,
            (Self::Failed, _) => FAILED,
        }
    }
}

/// The class of the captcha's status line (a live region) and of its sentence inside it.
pub const STATUS_CLASS: &str = "captcha-status";
pub const TEXT_CLASS: &str = "captcha-text";
/// On a form whose submission the page held before its module ran (the login page's inline
/// gate, [`HELD_ATTRIBUTE`]): the module sends it once the captcha is solved.
pub const HELD_ATTRIBUTE: &str = "data-held";
/// On `<html>` once the page is interactive (tests and benchmarks wait for it).
pub const INTERACTIVE_ATTRIBUTE: &str = "data-hydrated";

/// A fresh challenge, as the server function at [`NEW_CHALLENGE_URL`] answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The ALTCHA challenge, as JSON.
    pub proof_of_work: String,
    /// Unix seconds after which the server refuses the answer.
    pub expires_at: i64,
}

impl Challenge {
    /// Reads the server function's answer (`Option<FormCaptcha>`, as JSON); `None` when it is
    /// not a proof of work (no captcha, or a third party's widget).
    pub fn from_answer(json: &str) -> Option<Self> {
        let answer: serde_json::Value = serde_json::from_str(json).ok()?;
        let current = answer.get("ProofOfWork")?;
        Some(Self {
            proof_of_work: current.get("proof_of_work")?.as_str()?.to_owned(),
            expires_at: current.get("expires_at")?.as_i64()?,
        })
    }
}
