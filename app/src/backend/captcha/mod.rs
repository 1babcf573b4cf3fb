//! The captcha on login and Forgot?: a proof of work the page solves by itself, and, for
//! browsers without JavaScript, a picture (with its sound) to type from. Or, when the operator
//! chooses one, a third party's widget (see [`provider`]).
//!
//! Challenges are signed with the deployment's key, expire after `PORTAL_CAPTCHA_LIFETIME_SECS`,
//! and are accepted once: answered ones are recorded in the database until they expire, so
//! every node refuses a second use.

mod drawing;
mod picture;
mod proof_of_work;
mod provider;

use std::sync::Arc;

use secrecy::SecretString;

pub use drawing::Scheme as PictureScheme;
pub use picture::Token as PictureToken;

use crate::backend::{
    config::CaptchaMode, config::CaptchaSettings, runtime::metrics::count, runtime::metrics::Outcomes, store::Store,
    store::StoreError,
};
use crate::captcha::{CaptchaChallenge, FormCaptcha, Provider};

pub use crate::captcha::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum CaptchaError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a form sent for its captcha, as read from its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptchaAnswer {
    /// What the page put in the `captcha` field: its solved proof of work (ALTCHA payload
    /// JSON), or a third-party widget's token.
    Solved(String),
    /// The picture's token and the characters typed.
    Picture {
        token: String,
        text: String,
    },
    Missing,
}

impl CaptchaAnswer {
    /// The proof of work wins when both are present (the page solved it; the picture was hidden).
    pub fn from_fields(proof: Option<String>, picture: Option<String>, typed: Option<String>) -> Self {
        let present = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        match (present(proof), present(picture), present(typed)) {
            (Some(proof), _, _) => Self::Solved(proof),
            (None, Some(token), Some(text)) => Self::Picture { token, text },
            _ => Self::Missing,
        }
    }
}

/// Issues and checks challenges with the deployment's key. Cheap to clone.
#[derive(Clone)]
pub struct Captcha(Arc<Inner>);

struct Inner {
    settings: CaptchaSettings,
    key: SecretString,
    /// For a third-party provider's verify endpoint.
    http: Option<reqwest::Client>,
    /// Answers checked, by outcome (for `/metrics`): `passed`, or why not (`missing`,
    /// `incomplete`, `expired`, `invalid`, `wrong_picture`, `already_used`,
    /// `provider_unavailable`), or `error`.
    checks: Outcomes,
}

impl Captcha {
    /// Reads the key (generating and keeping it when none is configured).
    pub fn load(settings: &CaptchaSettings) -> std::io::Result<Self> {
        let key = crate::backend::secrets::key_file::load(&settings.key)?;
        let http = settings.provider().is_some().then(provider::client);
        Ok(Self(Arc::new(Inner { settings: settings.clone(), key, http, checks: Outcomes::default() })))
    }

    /// What a form shows: a fresh challenge, a provider's widget, or nothing when it is off.
    pub fn for_form(&self, now: i64) -> Option<FormCaptcha> {
        match &self.0.settings.mode {
            CaptchaMode::Pow => Some(FormCaptcha::ProofOfWork(self.issue(now))),
            CaptchaMode::Provider(settings) => {
                Some(FormCaptcha::Provider { provider: settings.provider, site_key: settings.site_key.clone() })
            }
            CaptchaMode::Off => None,
        }
    }

    /// The third party whose widget the pages show, if any.
    pub fn provider(&self) -> Option<Provider> {
        self.0.settings.provider().map(|settings| settings.provider)
    }

    /// A fresh challenge, good until `now` plus the configured lifetime.
    pub fn issue(&self, now: i64) -> CaptchaChallenge {
        let expires_at = now + self.0.settings.lifetime.as_secs() as i64;
        CaptchaChallenge {
            proof_of_work: proof_of_work::issue(&self.0.key, &self.0.settings, expires_at),
            picture: PictureToken::issue(&self.0.key, expires_at),
            expires_at,
        }
    }

    /// What [`Captcha::check`] counts.
    pub fn checks(&self) -> &Outcomes {
        &self.0.checks
    }

    /// Accepts `answer` once, or says why not. Always passes when the captcha is off.
    /// `client_ip` goes to a third-party provider, which weighs it.
    pub async fn check(
        &self,
        store: &Store,
        now: i64,
        answer: &CaptchaAnswer,
        client_ip: &str,
    ) -> Result<(), CaptchaError> {
        let checked = self.check_uncounted(store, now, answer, client_ip).await;
        if !matches!(self.0.settings.mode, CaptchaMode::Off) {
            let outcome = match &checked {
                Ok(()) => "passed",
                Err(CaptchaError::Refused(refusal)) => outcome(refusal),
                Err(CaptchaError::Store(_)) => "error",
            };
            count(&self.0.checks, outcome);
        }
        checked
    }

    async fn check_uncounted(
        &self,
        store: &Store,
        now: i64,
        answer: &CaptchaAnswer,
        client_ip: &str,
    ) -> Result<(), CaptchaError> {
        let key = &self.0.key;
        match (&self.0.settings.mode, answer) {
            (CaptchaMode::Off, _) => Ok(()),
            (CaptchaMode::Provider(settings), CaptchaAnswer::Solved(token)) => {
                let Some(http) = &self.0.http else {
                    return Err(Refusal::ProviderUnavailable.into());
                };
                Ok(provider::verify(http, settings, token, client_ip).await?)
            }
            (CaptchaMode::Provider(_), _) => Err(Refusal::Incomplete.into()),
            (CaptchaMode::Pow, CaptchaAnswer::Missing) => Err(Refusal::Missing.into()),
            (CaptchaMode::Pow, CaptchaAnswer::Solved(payload)) => {
                let verified = proof_of_work::verify(key, payload, now)?;
                spend(store, verified.id, verified.expires_at).await
            }
            (CaptchaMode::Pow, CaptchaAnswer::Picture { token, text }) => {
                let token = PictureToken::parse(key, token).ok_or(Refusal::Invalid)?;
                if token.expires_at < now {
                    return Err(Refusal::Expired.into());
                }
                // Spent before the comparison, so each picture gets one guess.
                spend(store, token.id(), token.expires_at).await?;
                Ok(token.check(key, text)?)
            }
        }
    }

    /// The picture named by `token` as PNG, coloured for a page in `scheme`, while the token
    /// is good.
    pub fn picture_png(&self, token: &str, now: i64, scheme: PictureScheme) -> Option<Vec<u8>> {
        self.live_picture(token, now)?.png(&self.0.key, scheme)
    }

    /// The picture's characters read aloud, as WAV, while the token is good.
    pub fn picture_wav(&self, token: &str, now: i64) -> Option<Vec<u8>> {
        self.live_picture(token, now)?.wav(&self.0.key)
    }

    /// What a person reads in the picture named by `token` (for tests and operators' checks).
    pub fn picture_text(&self, token: &str) -> Option<String> {
        Some(PictureToken::parse(&self.0.key, token)?.text(&self.0.key))
    }

    fn live_picture(&self, token: &str, now: i64) -> Option<PictureToken> {
        PictureToken::parse(&self.0.key, token).filter(|t| t.expires_at >= now)
    }
}

/// A refusal's name in the metrics.
fn outcome(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::Missing => "missing",
        Refusal::Incomplete => "incomplete",
        Refusal::Expired => "expired",
        Refusal::Invalid => "invalid",
        Refusal::WrongPicture => "wrong_picture",
        Refusal::AlreadyUsed => "already_used",
        Refusal::ProviderUnavailable => "provider_unavailable",
    }
}

async fn spend(store: &Store, id: [u8; 32], expires_at: i64) -> Result<(), CaptchaError> {
    if store.spend_captcha(&id, expires_at).await? {
        Ok(())
    } else {
        Err(Refusal::AlreadyUsed.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_forged_proof_of_work_payload_is_refused_without_panicking(
            answer in "\\PC{0,200}|\\{\"algorithm\":\"[A-Z0-9-]{0,10}\",\"challenge\":\"[a-f0-9]{0,64}\",\"number\":[0-9]{1,9},\"salt\":\"[ -~]{0,60}\",\"signature\":\"[a-f0-9]{0,64}\"\\}"
        ) {
            let key: secrecy::SecretString = "k".repeat(32).into();
            proptest::prop_assert!(proof_of_work::verify(&key, &answer, 1_700_000_000).is_err());
        }
    }

    #[test]
    fn the_page_s_proof_wins_over_an_untouched_picture() {
        let answer = CaptchaAnswer::from_fields(Some("{..}".into()), Some("token".into()), Some(String::new()));
        assert_eq!(answer, CaptchaAnswer::Solved("{..}".into()));
        let answer = CaptchaAnswer::from_fields(Some(" ".into()), Some("token".into()), Some("ab3".into()));
        assert_eq!(answer, CaptchaAnswer::Picture { token: "token".into(), text: "ab3".into() });
        assert_eq!(CaptchaAnswer::from_fields(None, Some("token".into()), None), CaptchaAnswer::Missing);
    }
}
