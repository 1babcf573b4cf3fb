//! The outbox's message bodies at rest: encrypted (XChaCha20-Poly1305, a random nonce per body)
//! under a key derived from the deployment key, with the recipient and which body it is as
//! associated data, so a body can be read only by the portal and only for the address it was
//! written to. A reset link waiting in the outbox is thus no live link to whoever reads the
//! database or a backup of it.
//!
//! Stored form: `v1.` followed by base64url(nonce ‖ ciphertext).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use secrecy::ExposeSecret as _;

use super::OutgoingMail;
use crate::backend::secret_key::{DeploymentKey, Purpose};

const PREFIX: &str = "v1.";
const NONCE_BYTES: usize = 24;

/// A message as the outbox stores it: the envelope in clear, the bodies sealed, and until when
/// a secret in them (a reset link) is worth anything.
pub struct SealedMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// After this the message is not sent but blanked: its link no longer works.
    pub secret_until: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
#[error("the message body cannot be opened with this deployment key (was PORTAL_SECRET_KEY changed?)")]
pub struct Unreadable;

#[derive(Clone)]
pub struct OutboxSeal(XChaCha20Poly1305);

impl OutboxSeal {
    pub fn new(key: &DeploymentKey) -> Self {
        Self(XChaCha20Poly1305::new(key.derive(Purpose::Outbox).expose_secret().into()))
    }

    /// Seals both bodies; `secret_until` when they carry something that stops working then.
    pub fn seal(&self, mail: OutgoingMail, secret_until: Option<i64>) -> SealedMail {
        SealedMail {
            text: self.seal_body(&mail.to, "text", &mail.text),
            html: self.seal_body(&mail.to, "html", &mail.html),
            to: mail.to,
            subject: mail.subject,
            secret_until,
        }
    }

    /// The message as it was queued.
    pub fn open(&self, to: &str, subject: &str, text: &str, html: &str) -> Result<OutgoingMail, Unreadable> {
        Ok(OutgoingMail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: self.open_body(to, "text", text)?,
            html: self.open_body(to, "html", html)?,
        })
    }

    fn seal_body(&self, to: &str, part: &str, body: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = associated(to, part);
        let sealed = self
            .0
            .encrypt(&nonce, Payload { msg: body.as_bytes(), aad: &aad })
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    fn open_body(&self, to: &str, part: &str, stored: &str) -> Result<String, Unreadable> {
        let bytes = stored.strip_prefix(PREFIX).and_then(|b| URL_SAFE_NO_PAD.decode(b).ok()).ok_or(Unreadable)?;
        if bytes.len() < NONCE_BYTES {
            return Err(Unreadable);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let aad = associated(to, part);
        let plain =
            self.0.decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: &aad }).map_err(|_| Unreadable)?;
        String::from_utf8(plain).map_err(|_| Unreadable)
    }
}

fn associated(to: &str, part: &str) -> Vec<u8> {
    [b"account-portal outbox\0".as_slice(), to.as_bytes(), b"\0", part.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal() -> OutboxSeal {
        OutboxSeal::new(&DeploymentKey::from_text("a deployment key of at least thirty-two characters"))
    }

    fn mail() -> OutgoingMail {
        OutgoingMail {
            to: "alice@example.com".into(),
            subject: "Reset your password".into(),
            text: "open https://portal.example/reset?token=SECRET".into(),
            html: "<a href=\"https://portal.example/reset?token=SECRET\">reset</a>".into(),
        }
    }

    #[test]
    fn a_sealed_body_holds_no_trace_of_the_link_and_opens_to_the_same_message() {
        let sealed = seal().seal(mail(), Some(7200));
        assert!(!sealed.text.contains("SECRET") && !sealed.html.contains("SECRET"));
        assert!(sealed.text.starts_with("v1."));
        assert_ne!(seal().seal(mail(), None).text, sealed.text, "a fresh nonce every time");
        let opened = seal().open(&sealed.to, &sealed.subject, &sealed.text, &sealed.html).unwrap();
        assert!(opened == mail());
    }

    #[test]
    fn another_key_another_recipient_or_a_changed_byte_cannot_open_it() {
        let sealed = seal().seal(mail(), None);
        let other = OutboxSeal::new(&DeploymentKey::from_text("another deployment key, also thirty-two chars"));
        assert!(other.open(&sealed.to, "", &sealed.text, &sealed.html).is_err());
        assert!(seal().open("mallory@example.com", "", &sealed.text, &sealed.html).is_err(), "bound to the recipient");
        assert!(seal().open(&sealed.to, "", &sealed.html, &sealed.text).is_err(), "bound to which body it is");
        let mut tampered = sealed.text.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(seal().open(&sealed.to, "", &String::from_utf8(tampered).unwrap(), &sealed.html).is_err());
        assert!(seal().open(&sealed.to, "", "plain text", &sealed.html).is_err(), "no clear text accepted");
    }
}
