//! Secrets at rest: XChaCha20-Poly1305 under a key derived from the deployment key for one
//! [`Purpose`], a random 192-bit nonce per value, and associated data that binds each value to
//! where it belongs (a recipient, an account), so a value copied elsewhere does not open.
//!
//! Stored form: `v1.` followed by base64url(nonce ‖ ciphertext).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use secrecy::ExposeSecret as _;

use crate::backend::secrets::deployment_key::{DeploymentKey, Purpose};

const PREFIX: &str = "v1.";
const NONCE_BYTES: usize = 24;

/// A stored value that this key cannot open: another deployment key, another place, or changed.
#[derive(Debug, thiserror::Error)]
#[error("a stored secret cannot be opened with this deployment key (was PORTAL_SECRET_KEY changed?)")]
pub struct Unreadable;

#[derive(Clone)]
pub struct SealedBox(XChaCha20Poly1305);

impl SealedBox {
    pub fn new(key: &DeploymentKey, purpose: Purpose) -> Self {
        Self(XChaCha20Poly1305::new(key.derive(purpose).expose_secret().into()))
    }

    /// `plain`, encrypted and bound to `place`.
    #[allow(clippy::expect_used, reason = "XChaCha20-Poly1305 encrypts any message that fits in memory")]
    pub fn seal(&self, place: &[u8], plain: &[u8]) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(&nonce, Payload { msg: plain, aad: place })
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// What [`Self::seal`] sealed for `place`.
    pub fn open(&self, place: &[u8], stored: &str) -> Result<Vec<u8>, Unreadable> {
        let bytes = stored.strip_prefix(PREFIX).and_then(|b| URL_SAFE_NO_PAD.decode(b).ok()).ok_or(Unreadable)?;
        if bytes.len() < NONCE_BYTES {
            return Err(Unreadable);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        self.0.decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: place }).map_err(|_| Unreadable)
    }
}
