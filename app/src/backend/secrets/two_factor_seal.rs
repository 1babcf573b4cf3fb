//! The sealing of each account's authenticator secret (and of fresh recovery codes until they are
//! shown) under the deployment key, bound to the account.

use crate::backend::ids::UserId;

use super::{
    deployment_key::{DeploymentKey, Purpose},
    recovery_codes::RecoveryCode,
    sealed_box::{SealedBox, Unreadable},
    totp::TotpSecret,
};

/// Seals authenticator secrets at rest, each bound to its account: a sealed secret copied to
/// another account's row does not open.
#[derive(Clone)]
pub struct TwoFactorSeal(SealedBox);

impl TwoFactorSeal {
    pub fn new(key: &DeploymentKey) -> Self {
        Self(SealedBox::new(key, Purpose::TotpSecret))
    }

    pub fn seal(&self, user_id: UserId, secret: &TotpSecret) -> String {
        self.0.seal(&place(b"totp", user_id), secret.as_bytes())
    }

    pub fn open(&self, user_id: UserId, stored: &str) -> Result<TotpSecret, Unreadable> {
        let bytes = zeroize::Zeroizing::new(self.0.open(&place(b"totp", user_id), stored)?);
        TotpSecret::from_bytes(&bytes).ok_or(Unreadable)
    }

    /// Recovery codes just made, kept sealed until the page that shows them once has read them.
    pub fn seal_codes(&self, user_id: UserId, codes: &[RecoveryCode]) -> String {
        let text = zeroize::Zeroizing::new(codes.iter().map(RecoveryCode::shown).collect::<Vec<_>>().join("\n"));
        self.0.seal(&place(b"recovery codes", user_id), text.as_bytes())
    }

    pub fn open_codes(&self, user_id: UserId, stored: &str) -> Result<Vec<RecoveryCode>, Unreadable> {
        let bytes = zeroize::Zeroizing::new(self.0.open(&place(b"recovery codes", user_id), stored)?);
        let text = std::str::from_utf8(&bytes).map_err(|_| Unreadable)?;
        text.lines().map(|line| RecoveryCode::parse(line).ok_or(Unreadable)).collect()
    }
}

/// What a sealed value is bound to: what it is and whose it is.
fn place(what: &[u8], user_id: UserId) -> Vec<u8> {
    [b"account-portal ".as_slice(), what, b"\0", user_id.to_string().as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_holds_no_trace_of_it_and_opens_only_for_its_account() {
        let seal = TwoFactorSeal::new(&DeploymentKey::from_text("a deployment key of at least thirty-two characters"));
        let secret = TotpSecret::generate();
        let sealed = seal.seal(UserId::from_row(7), &secret);
        let key = secret.setup_key().replace(' ', "");
        assert!(!sealed.contains(&key) && !sealed.contains(&hex::encode(secret.as_bytes())));
        assert_eq!(seal.open(UserId::from_row(7), &sealed).unwrap().as_bytes(), secret.as_bytes());
        assert!(seal.open(UserId::from_row(8), &sealed).is_err(), "bound to the account");
        let other = TwoFactorSeal::new(&DeploymentKey::from_text("another deployment key, also thirty-two chars"));
        assert!(other.open(UserId::from_row(7), &sealed).is_err(), "bound to the deployment key");
    }
}
