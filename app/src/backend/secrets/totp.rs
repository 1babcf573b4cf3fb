//! RFC 6238 codes as every authenticator app reads them: HMAC-SHA-1, 6 digits, 30-second
//! steps, a 160-bit secret from the OS's CSPRNG. The arithmetic is `totp-rs`'s; what is ours:
//! the previous and next step are accepted for clock drift, and a step is accepted once (the
//! caller keeps the last step used, and a code of that step or an older one is refused).

use totp_rs::{Builder, Secret, Totp};
use zeroize::Zeroizing;

/// Bytes in a secret: 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
/// Seconds in a step.
const STEP_SECS: u64 = 30;

/// An account's authenticator secret. Kept in memory only as long as it is used; stored only
/// sealed (see [`crate::backend::secrets::two_factor_seal::TwoFactorSeal`]).
#[derive(Clone)]
pub struct TotpSecret(Zeroizing<[u8; SECRET_BYTES]>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// A new secret from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        super::fill_random(bytes.as_mut());
        Self(bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let bytes: [u8; SECRET_BYTES] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(bytes)))
    }

    /// The secret a setup key (as [`Self::setup_key`] writes it, spaces and case aside) holds:
    /// what an authenticator app reads from it.
    pub fn from_setup_key(key: &str) -> Option<Self> {
        let compact: String = key.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let secret = Secret::try_from_base32(compact).ok()?;
        Self::from_bytes(secret.as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// The secret as a person types it into an app: base32 in groups of four ("JBSW Y3DP …").
    pub fn setup_key(&self) -> String {
        crate::backend::secrets::in_fours(&self.totp("", "").secret().to_base32(), " ")
    }

    /// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER`: what the QR code holds and what
    /// a phone opens its authenticator with.
    #[allow(clippy::expect_used, reason = "issuer and account are cleaned of colons")]
    pub fn otpauth_url(&self, issuer: &str, account: &str) -> String {
        self.totp(issuer, account).to_url().expect("issuer and account carry no colon")
    }

    /// The step `code` belongs to, if it is the code of the current, previous or next step at
    /// `now` and that step is later than `last_used` (a code is accepted once).
    pub fn accepts(&self, code: &AuthCode, now: i64, last_used: i64) -> Option<i64> {
        let now = u64::try_from(now).ok()?;
        let step = self.totp("", "").check(&code.0, now)?;
        let step = i64::try_from(step).ok()?;
        (step > last_used).then_some(step)
    }

    /// The code of the step at `time` (what an authenticator app shows then).
    pub fn code_at(&self, time: i64) -> String {
        self.totp("", "").generate(u64::try_from(time).unwrap_or_default()).to_string()
    }

    #[allow(clippy::expect_used, reason = "SHA-1, 6 digits, 30 s and a 160-bit secret are RFC 6238's own settings")]
    fn totp(&self, issuer: &str, account: &str) -> Totp {
        // A colon separates issuer and account in the URL's label: neither may hold one.
        let clean = |text: &str| text.replace(':', " ");
        let builder = Builder::new()
            .with_secret(Secret::new_stack(*self.0))
            .with_step_duration(STEP_SECS)
            .with_skew(1)
            .with_account_name(clean(account));
        let builder = if issuer.is_empty() { builder } else { builder.with_issuer(Some(clean(issuer))) };
        builder.build().expect("SHA-1, 6 digits, 30 s and a 160-bit secret are RFC 6238's own settings")
    }
}

/// A code as typed: six digits; spaces (as apps show them, "123 456") are ignored.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthCode(String);

impl std::fmt::Debug for AuthCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthCode(…)")
    }
}

impl AuthCode {
    pub fn parse(typed: &str) -> Option<Self> {
        let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then_some(Self(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret, "12345678901234567890".
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890").unwrap()
    }

    #[test]
    fn codes_are_rfc_6238_s_six_digit_sha1_codes() {
        // RFC 6238's test vectors give 8 digits; a 6-digit code is their last six.
        for (time, eight) in [(59, "94287082"), (1_111_111_109, "07081804"), (1_234_567_890, "89005924")] {
            assert_eq!(rfc_secret().code_at(time), eight[2..], "at {time}");
        }
    }

    #[test]
    fn the_previous_and_next_step_are_accepted_and_each_step_once() {
        let secret = rfc_secret();
        let now = 1_234_567_890;
        let step = now / 30;
        let code = |time| AuthCode::parse(&secret.code_at(time)).unwrap();
        assert_eq!(secret.accepts(&code(now), now, 0), Some(step));
        assert_eq!(secret.accepts(&code(now - 30), now, 0), Some(step - 1), "a slow phone");
        assert_eq!(secret.accepts(&code(now + 30), now, 0), Some(step + 1), "a fast phone");
        assert_eq!(secret.accepts(&code(now - 60), now, 0), None, "two steps ago");
        assert_eq!(secret.accepts(&code(now + 60), now, 0), None, "two steps ahead");
        assert_eq!(secret.accepts(&code(now), now, step), None, "a replay in the same step");
        assert_eq!(secret.accepts(&code(now - 30), now, step), None, "an older step after a newer one");
    }

    #[test]
    fn typed_codes_may_hold_spaces_but_nothing_else() {
        assert!(AuthCode::parse(" 123 456 ").is_some());
        for typed in ["12345", "1234567", "12345a", "+12345", "１２３４５６", ""] {
            assert!(AuthCode::parse(typed).is_none(), "{typed:?}");
        }
    }

    #[test]
    fn a_secret_is_160_random_bits_shown_in_groups_of_four_and_in_an_otpauth_url() {
        let (one, two) = (TotpSecret::generate(), TotpSecret::generate());
        assert_ne!(one.as_bytes(), two.as_bytes());
        let key = rfc_secret().setup_key();
        assert_eq!(key, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        assert_eq!(TotpSecret::from_setup_key(&key.to_lowercase()).unwrap().as_bytes(), rfc_secret().as_bytes());
        let url = rfc_secret().otpauth_url("Example: Hosting", "ann@example.com");
        assert!(url.starts_with("otpauth://totp/Example%20%20Hosting:ann%40example.com?"), "{url}");
        assert!(url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") && url.contains("issuer=Example"), "{url}");
    }
}
