//! ALTCHA proof-of-work challenges: signed here, solved by the page, checked here.

use altcha::{CreateChallengeOptions, Payload, VerifySolutionOptions};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest, Sha256};

use super::Refusal;
use crate::backend::config::CaptchaSettings;

const ALGORITHM: &str = "PBKDF2/SHA-256";

/// A signed challenge, as JSON, that expires at `expires_at`.
#[allow(clippy::expect_used, reason = "the options are fixed here: only a malformed key prefix or algorithm fails")]
pub fn issue(key: &SecretString, settings: &CaptchaSettings, expires_at: i64) -> String {
    let options = CreateChallengeOptions {
        algorithm: ALGORITHM.to_owned(),
        cost: settings.cost,
        expires_at: Some(expires_at),
        key_prefix: "0".repeat(usize::from(settings.difficulty)),
        hmac_signature_secret: Some(key.expose_secret().to_owned()),
        ..CreateChallengeOptions::default()
    };
    // Only a malformed key prefix or algorithm fails, and both are fixed above.
    let challenge = altcha::create_challenge(options).expect("a valid ALTCHA challenge configuration");
    serde_json::to_string(&challenge).expect("a challenge serializes")
}

/// A solved challenge whose signature, expiry and solution hold.
pub struct Verified {
    /// Identifies the challenge for the single-use record.
    pub id: [u8; 32],
    pub expires_at: i64,
}

/// Checks `answer` (the page's JSON) against `key` at time `now`.
pub fn verify(key: &SecretString, answer: &str, now: i64) -> Result<Verified, Refusal> {
    let payload: Payload = serde_json::from_str(answer).map_err(|_| Refusal::Invalid)?;
    let params = &payload.challenge.parameters;
    // Our own clock first (tests move it); altcha then checks the system clock as well.
    let expires_at = params.expires_at.ok_or(Refusal::Invalid)?;
    if expires_at < now {
        return Err(Refusal::Expired);
    }
    if params.algorithm != ALGORITHM {
        return Err(Refusal::Invalid);
    }
    let options = VerifySolutionOptions::new(&payload.challenge, &payload.solution, key.expose_secret());
    let result = altcha::verify_solution(options).map_err(|_| Refusal::Invalid)?;
    if result.expired {
        return Err(Refusal::Expired);
    }
    if !result.verified {
        return Err(Refusal::Invalid);
    }
    let signature = payload.challenge.signature.as_deref().unwrap_or_default();
    Ok(Verified { id: Sha256::digest(format!("pow|{signature}")).into(), expires_at })
}
