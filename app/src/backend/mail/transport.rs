//! Turning an [`OutgoingMail`] into a MIME message and handing it to the configured transport:
//! an SMTP server, or a folder of `.eml` files.

use std::{
    net::IpAddr,
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
use secrecy::{ExposeSecret as _, SecretString};
use url::{Host, Url};

use super::OutgoingMail;
use crate::backend::config::{Config, MailTransport};

/// How long one SMTP command (or the connection) may take.
const SMTP_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one message may take from connecting to the server's answer.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("PORTAL_MAIL_FROM: '{0}' is not a mailbox such as 'Account Portal <no-reply@example.com>'")]
    InvalidFrom(String),
    /// Never carries the URL itself: it may hold the SMTP password.
    #[error("PORTAL_SMTP_URL: {0}")]
    InvalidSmtpUrl(String),
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
    /// Checks the sender and the transport settings; fails start-up when either is unusable.
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let from: Mailbox = config.mail_from.parse().map_err(|_| MailError::InvalidFrom(config.mail_from.clone()))?;
        let transport = match &config.mail_transport {
            MailTransport::Smtp(url) => Transport::Smtp(SmtpSettings::from_url(url)?.transport()?),
            MailTransport::Files(dir) => Transport::Files(dir.clone()),
        };
        Ok(Self { from, transport })
    }

    /// Sends one message; `Ok` means the server accepted it (or the file was written).
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = self.build(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                tokio::time::timeout(SEND_TIMEOUT, smtp.send(message)).await.map_err(|_| MailError::Timeout)??;
            }
            Transport::Files(dir) => write_eml(dir, &message.formatted()).await?,
        }
        Ok(())
    }

    /// A multipart/alternative message, plain text first so that it is the fallback.
    fn build(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to: Mailbox = mail.to.parse().map_err(|_| MailError::InvalidRecipient)?;
        let message_id = format!("<{}@{}>", uuid::Uuid::new_v4().simple(), self.from.email.domain());
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp://`: the connection must be upgraded with STARTTLS before anything is sent.
    StartTls,
    /// `smtp://` to a loopback address: a local relay or a test server.
    Plain,
}

/// What `PORTAL_SMTP_URL` says, checked.
#[derive(Debug)]
struct SmtpSettings {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<(String, SecretString)>,
}

impl SmtpSettings {
    fn from_url(url: &Url) -> Result<Self, MailError> {
        let bad = |message: &str| MailError::InvalidSmtpUrl(message.to_owned());
        // `smtp` is not one of the URL standard's special schemes, so an IPv4 address arrives
        // as a domain name.
        let (host, loopback) = match url.host() {
            Some(Host::Domain(name)) => {
                let loopback =
                    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
                (name.to_owned(), loopback)
            }
            Some(Host::Ipv4(ip)) => (ip.to_string(), ip.is_loopback()),
            Some(Host::Ipv6(ip)) => (ip.to_string(), IpAddr::V6(ip).is_loopback()),
            None => return Err(bad("the URL names no host")),
        };
        if url.query().is_some() || !matches!(url.path(), "" | "/") {
            return Err(bad("give only scheme, credentials, host and port: smtps:// is implicit TLS, \
                 smtp:// requires STARTTLS (plain SMTP only to a loopback address)"));
        }
        let (security, default_port) = match (url.scheme(), loopback) {
            ("smtps", _) => (Security::ImplicitTls, 465),
            ("smtp", false) => (Security::StartTls, 587),
            ("smtp", true) => (Security::Plain, 25),
            _ => return Err(bad("expected smtp:// or smtps://")),
        };
        let credentials = if url.username().is_empty() {
            None
        } else {
            let user = percent_decode(url.username()).ok_or_else(|| bad("the user name is not valid UTF-8"))?;
            let password = percent_decode(url.password().unwrap_or_default())
                .ok_or_else(|| bad("the password is not valid UTF-8"))?;
            Some((user, SecretString::from(password)))
        };
        Ok(Self { host, port: url.port().unwrap_or(default_port), security, credentials })
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
        let parameters = || {
            TlsParameters::new(self.host.clone())
                .map_err(|e| MailError::InvalidSmtpUrl(format!("cannot set up TLS: {e}")))
        };
        let tls = match self.security {
            Security::ImplicitTls => Tls::Wrapper(parameters()?),
            Security::StartTls => Tls::Required(parameters()?),
            Security::Plain => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(SMTP_COMMAND_TIMEOUT));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        Ok(builder.build())
    }
}

fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text).decode_utf8().ok().map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> SmtpSettings {
        SmtpSettings::from_url(&Url::parse(url).unwrap()).unwrap()
    }

    #[test]
    fn smtps_is_implicit_tls_on_the_submissions_port() {
        let s = settings("smtps://mail.example.com");
        assert_eq!((s.host.as_str(), s.port), ("mail.example.com", 465));
        assert_eq!(s.security, Security::ImplicitTls);
        assert!(s.credentials.is_none());
    }

    #[test]
    fn smtp_to_a_remote_host_requires_starttls() {
        let s = settings("smtp://mail.example.com");
        assert_eq!((s.port, s.security), (587, Security::StartTls));
        assert_eq!(settings("smtp://mail.example.com:2525").port, 2525);
    }

    #[test]
    fn smtp_to_loopback_may_be_plain() {
        for url in ["smtp://127.0.0.1", "smtp://127.0.0.2", "smtp://localhost", "smtp://[::1]"] {
            let s = settings(url);
            assert_eq!((s.port, s.security), (25, Security::Plain), "{url}");
        }
        assert_eq!(settings("smtp://[::1]:2525").host, "::1");
        assert_eq!(settings("smtp://10.0.0.1").security, Security::StartTls);
        assert_eq!(settings("smtps://localhost").security, Security::ImplicitTls);
    }

    #[test]
    fn credentials_are_percent_decoded() {
        let s = settings("smtps://me%40example.com:p%3Ass%2Fw0rd@mail.example.com");
        let (user, password) = s.credentials.unwrap();
        assert_eq!(user, "me@example.com");
        assert_eq!(password.expose_secret(), "p:ss/w0rd");
    }

    #[test]
    fn the_password_never_reaches_debug_output_or_errors() {
        let s = settings("smtps://me:hunter2@mail.example.com");
        assert!(!format!("{s:?}").contains("hunter2"));
        let err = SmtpSettings::from_url(&Url::parse("smtp://me:hunter2@x.example/?tls=no").unwrap()).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn options_lettre_would_read_differently_are_refused() {
        for url in ["smtp://mail.example.com?tls=opportunistic", "smtp://mail.example.com/ehlo"] {
            assert!(SmtpSettings::from_url(&Url::parse(url).unwrap()).is_err(), "{url}");
        }
    }

    fn config(from: &str) -> Config {
        let mut config = Config::for_database("sqlite://unused").unwrap();
        config.mail_from = from.into();
        config
    }

    #[test]
    fn an_unparsable_sender_fails_start_up_naming_the_setting() {
        let err = Mailer::from_config(&config("no-reply@@portal.invalid")).unwrap_err();
        assert!(err.to_string().starts_with("PORTAL_MAIL_FROM:"), "{err}");
    }

    #[test]
    fn messages_are_multipart_alternative_from_the_configured_sender() {
        let mailer = Mailer::from_config(&config("Portal <no-reply@example.com>")).unwrap();
        let mail = OutgoingMail {
            to: "alice@example.com".into(),
            subject: "Hello".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
        };
        let raw = String::from_utf8(mailer.build(&mail).unwrap().formatted()).unwrap();
        assert!(raw.contains("From: Portal <no-reply@example.com>"), "{raw}");
        assert!(raw.contains("To: alice@example.com"));
        assert!(raw.contains("Subject: Hello"));
        assert!(raw.contains("Message-ID: <"));
        assert!(raw.contains("@example.com>"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
    }

    #[test]
    fn a_recipient_cannot_smuggle_headers() {
        let mailer = Mailer::from_config(&config("Portal <no-reply@example.com>")).unwrap();
        for to in ["alice@example.com\r\nBcc: eve@example.com", "alice@example.com, eve@example.com", "not an address"]
        {
            let mail =
                OutgoingMail { to: to.into(), subject: "Hello".into(), text: String::new(), html: String::new() };
            let err = mailer.build(&mail).unwrap_err();
            assert!(err.is_permanent(), "{to:?}");
        }
    }
}
