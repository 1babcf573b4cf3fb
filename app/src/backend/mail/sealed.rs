//! The outbox's message bodies at rest: encrypted (XChaCha20-Poly1305, a random nonce per body)
//! under a key derived from the deployment key, with the recipient and which body it is as
//! associated data, so a body can be read only by the portal and only for the address it was
//! written to. A reset link waiting in the outbox is thus no live link to whoever reads the
//! database or a backup of it. The sealing itself is [`SealedBox`]'s.

use super::OutgoingMail;
pub use crate::backend::secrets::sealed_box::Unreadable;
pub use crate::backend::store::SealedMail;
use crate::{
    backend::secrets::{
        deployment_key::{DeploymentKey, Purpose},
        sealed_box::SealedBox,
    },
    domain::Email,
};

#[derive(Clone)]
pub struct OutboxSeal(SealedBox);

impl OutboxSeal {
    pub fn new(key: &DeploymentKey) -> Self {
        Self(SealedBox::new(key, Purpose::Outbox))
    }

    /// Seals both bodies; `secret_until` when they carry something that stops working then.
    pub fn seal(&self, mail: OutgoingMail, secret_until: Option<i64>) -> SealedMail {
        SealedMail {
            text: self.seal_body(mail.to.as_str(), "text", &mail.text),
            html: self.seal_body(mail.to.as_str(), "html", &mail.html),
            to: mail.to,
            subject: mail.subject,
            secret_until,
        }
    }

    /// The message as it was queued.
    pub fn open(&self, to: &Email, subject: &str, text: &str, html: &str) -> Result<OutgoingMail, Unreadable> {
        Ok(OutgoingMail {
            to: to.clone(),
            subject: subject.to_owned(),
            text: self.open_body(to.as_str(), "text", text)?,
            html: self.open_body(to.as_str(), "html", html)?,
        })
    }

    fn seal_body(&self, to: &str, part: &str, body: &str) -> String {
        self.0.seal(&associated(to, part), body.as_bytes())
    }

    fn open_body(&self, to: &str, part: &str, stored: &str) -> Result<String, Unreadable> {
        String::from_utf8(self.0.open(&associated(to, part), stored)?).map_err(|_| Unreadable)
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
            to: Email::parse("alice@example.com").unwrap(),
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
        assert!(
            seal().open(&Email::parse("mallory@example.com").unwrap(), "", &sealed.text, &sealed.html).is_err(),
            "bound to the recipient"
        );
        assert!(seal().open(&sealed.to, "", &sealed.html, &sealed.text).is_err(), "bound to which body it is");
        let mut tampered = sealed.text.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(seal().open(&sealed.to, "", &String::from_utf8(tampered).unwrap(), &sealed.html).is_err());
        assert!(seal().open(&sealed.to, "", "plain text", &sealed.html).is_err(), "no clear text accepted");
    }
}
