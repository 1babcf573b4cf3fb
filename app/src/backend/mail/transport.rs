//! Turning an [`OutgoingMail`] into a MIME message and handing it to the configured transport:
//! an SMTP server, or a folder of `.eml` files.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use lettre::{
    message::{Mailbox, MultiPart},
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
    },
    AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor,
};
use secrecy::ExposeSecret as _;
use sha2::{Digest as _, Sha256};

use super::OutgoingMail;
use crate::backend::{
    config::{Config, MailTransport, Security, SmtpSettings},
    store::ClaimedMail,
};

/// How long one SMTP command (or the connection) may take.
const SMTP_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one message may take from connecting to the server's answer.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// lettre could not prepare TLS for the configured host (at start-up).
    #[error("cannot set up TLS for the SMTP server: {0}")]
    TlsSetup(String),
    #[error("the recipient is not a valid email address")]
    InvalidRecipient,
    #[error("the message could not be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP delivery failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("SMTP delivery took longer than {}s", SEND_TIMEOUT.as_secs())]
    Timeout,
    #[error("cannot write the message file: {0}")]
    Files(#[from] std::io::Error),
}

impl MailError {
    /// Errors that sending again cannot fix: the message itself is wrong. Everything else (an
    /// unreachable server, a refused login, a full disk) may be fixed by the time of a retry.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::InvalidRecipient | Self::Build(_))
    }
}

/// What names one outbox row's message in its `Message-ID` (`<…@` the From address's domain`>`):
/// the same on every attempt and on every node, so that a receiving side can recognise a second
/// copy. Delivery is at least once (see [`super::worker`]); this is what makes a copy a copy.
///
/// A SHA-256 of the row's id, when it was queued and its sealed text body. That body was sealed
/// under this deployment's key with a random 192-bit nonce when the row was written, and stays
/// as it is until the row is sent, so no other row, database or deployment makes the same name;
/// the hash tells nothing of the body, nor how many messages came before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageId(String);

impl MessageId {
    pub fn of(row: &ClaimedMail) -> Self {
        let hash = Sha256::new()
            .chain_update(b"account-portal message-id v1\0")
            .chain_update(row.id.to_be_bytes())
            .chain_update(row.created_at.to_be_bytes())
            .chain_update(row.text_body.as_bytes())
            .finalize();
        Self(hex::encode(&hash[..16]))
    }
}

/// Sends messages from the configured sender through the configured transport.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    /// Pooled connections; TLS as [`SmtpSettings`] decided.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message in this folder, created when the first message is written.
    Files(PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Files(_) => "files",
        };
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("transport", &transport).finish()
    }
}

impl Mailer {
    /// Prepares the configured transport; fails start-up when TLS cannot be set up.
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let transport = match &config.mail_transport {
            MailTransport::Smtp(settings) => Transport::Smtp(smtp_transport(settings)?),
            MailTransport::Files(dir) => Transport::Files(dir.clone()),
        };
        Ok(Self { from: config.mail_from.clone(), transport })
    }

    /// Sends one message under `id`; `Ok` means the server accepted it (or the file was written).
    pub async fn send(&self, mail: &OutgoingMail, id: &MessageId) -> Result<(), MailError> {
        let message = self.build(mail, id)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                tokio::time::timeout(SEND_TIMEOUT, smtp.send(message)).await.map_err(|_| MailError::Timeout)??;
            }
            Transport::Files(dir) => write_eml(dir, &message.formatted()).await?,
        }
        Ok(())
    }

    /// A multipart/alternative message, plain text first so that it is the fallback.
    fn build(&self, mail: &OutgoingMail, id: &MessageId) -> Result<Message, MailError> {
        let to: Mailbox = mail.to.as_str().parse().map_err(|_| MailError::InvalidRecipient)?;
        let message_id = format!("<{}@{}>", id.0, self.from.email.domain());
        Ok(Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(message_id))
            .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))?)
    }
}

/// Writes the message under a temporary name and renames it, so that a reader of the folder
/// never sees half a message; readable by the owner only, as a message may carry a secret link.
async fn write_eml(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt as _;

    tokio::fs::create_dir_all(dir).await?;
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let name = format!("{millis}-{}", uuid::Uuid::new_v4().simple());
    let partial = dir.join(format!(".{name}.partial"));
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(&partial).await?;
    file.write_all(bytes).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&partial, dir.join(format!("{name}.eml"))).await
}

/// A pooled SMTP transport with the TLS the settings require.
fn smtp_transport(settings: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let parameters = || TlsParameters::new(settings.host.clone()).map_err(|e| MailError::TlsSetup(e.to_string()));
    let tls = match settings.security {
        Security::ImplicitTls => Tls::Wrapper(parameters()?),
        Security::StartTls => Tls::Required(parameters()?),
        Security::Plain => Tls::None,
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
        .port(settings.port)
        .tls(tls)
        .timeout(Some(SMTP_COMMAND_TIMEOUT));
    if let Some((user, password)) = &settings.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;

    fn config(from: &str) -> Config {
        let mut config = Config::for_database("sqlite://unused").unwrap();
        config.mail_from = from.parse().unwrap();
        config
    }

    #[test]
    fn messages_are_multipart_alternative_from_the_configured_sender() {
        let mailer = Mailer::from_config(&config("Portal <no-reply@example.com>")).unwrap();
        let mail = OutgoingMail {
            to: Email::parse("alice@example.com").unwrap(),
            subject: "Hello".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
        };
        let id = MessageId::of(&row(7, 1_800_000_000, "v1.sealed"));
        let raw = String::from_utf8(mailer.build(&mail, &id).unwrap().formatted()).unwrap();
        assert!(raw.contains("From: Portal <no-reply@example.com>"), "{raw}");
        assert!(raw.contains("To: alice@example.com"));
        assert!(raw.contains("Subject: Hello"));
        assert!(raw.contains(&format!("Message-ID: <{}@example.com>", id.0)), "{raw}");
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
    }

    fn row(id: i64, created_at: i64, text_body: &str) -> ClaimedMail {
        ClaimedMail {
            id,
            created_at,
            recipient: Email::parse("alice@example.com").unwrap(),
            subject: "Hello".into(),
            text_body: text_body.into(),
            html_body: "v1.html".into(),
            attempts: 1,
        }
    }

    #[test]
    fn a_row_s_message_id_is_the_same_on_every_attempt_and_no_other_row_s() {
        let first = row(7, 1_800_000_000, "v1.sealed");
        let id = MessageId::of(&first);
        assert_eq!(MessageId::of(&ClaimedMail { attempts: 5, ..first.clone() }), id, "a retry, on any node");
        assert_eq!(id.0.len(), 32);
        assert!(id.0.bytes().all(|b| b.is_ascii_hexdigit()), "{id:?}");
        for other in [
            row(8, 1_800_000_000, "v1.sealed"),
            row(7, 1_800_000_001, "v1.sealed"),
            row(7, 1_800_000_000, "v1.sealed under another nonce"),
        ] {
            assert_ne!(MessageId::of(&other), id, "{other:?}");
        }
    }

    #[test]
    fn a_recipient_cannot_smuggle_headers() {
        // A recipient is an `Email`, so a message to anything else cannot even be written.
        for to in ["alice@example.com\r\nBcc: eve@example.com", "alice@example.com, eve@example.com", "not an address"]
        {
            assert!(Email::parse(to).is_err(), "{to:?}");
        }
    }
}
