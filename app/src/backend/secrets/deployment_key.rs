//! The deployment key (`PORTAL_SECRET_KEY`, or one generated on first start into
//! `PORTAL_SECRET_KEY_FILE`, mode 0600): every node of one deployment uses the same. Each use
//! gets a key of its own derived from it with HKDF-SHA-256, so one secret serves them all and
//! no two uses ever share a key.

use std::io;

use hkdf::Hkdf;
use secrecy::{ExposeSecret as _, SecretBox};
use sha2::Sha256;

use crate::backend::{config::KeySource, secrets::key_file};

/// What a derived key is for; its label goes into the derivation.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    /// Encrypting the outbox's message bodies at rest.
    Outbox,
    /// Encrypting the accounts' authenticator (TOTP) secrets at rest.
    TotpSecret,
    /// Encrypting the OpenID provider's ID-token signing keys at rest.
    OidcSigningKey,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Outbox => b"account-portal outbox bodies v1",
            Self::TotpSecret => b"account-portal totp secrets v1",
            Self::OidcSigningKey => b"account-portal oidc signing keys v1",
        }
    }
}

pub struct DeploymentKey(Hkdf<Sha256>);

impl DeploymentKey {
    pub fn load(source: &KeySource) -> io::Result<Self> {
        Ok(Self::from_text(key_file::load(source)?.expose_secret()))
    }

    /// Any text of 32 characters or more (a generated key is 64 hex digits).
    pub fn from_text(text: &str) -> Self {
        Self(Hkdf::<Sha256>::new(Some(b"account-portal deployment key"), text.as_bytes()))
    }

    /// The 256-bit key for `purpose`.
    #[allow(clippy::expect_used, reason = "32 bytes is a valid HKDF-SHA-256 output length")]
    pub fn derive(&self, purpose: Purpose) -> SecretBox<[u8; 32]> {
        let mut key = Box::new([0u8; 32]);
        self.0.expand(purpose.label(), key.as_mut()).expect("32 bytes is a valid HKDF-SHA-256 output length");
        SecretBox::new(key)
    }
}
