//! `PORTAL_SMTP_URL` and `PORTAL_MAIL_FROM`: where mail goes and who it is from, checked once.

use std::{net::IpAddr, path::PathBuf};

use lettre::message::Mailbox;
use secrecy::SecretString;
use url::{Host, Url};

use super::{bad, ConfigError};

#[derive(Debug, Clone)]
pub enum MailTransport {
    /// `smtp://` (STARTTLS required unless the host is loopback) or `smtps://` (implicit TLS).
    Smtp(SmtpSettings),
    /// `file://DIR`: each message is written to DIR as an `.eml` file.
    Files(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp://`: the connection must be upgraded with STARTTLS before anything is sent.
    StartTls,
    /// `smtp://` to a loopback address: a local relay or a test server.
    Plain,
}

/// What `PORTAL_SMTP_URL` says, checked. `Debug` leaves the password out.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, SecretString)>,
}

/// Why an SMTP URL cannot be used; never carries the URL itself, which may hold a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadSmtpUrl(String);

impl SmtpSettings {
    pub fn from_url(url: &Url) -> Result<Self, BadSmtpUrl> {
        let bad = |message: &str| BadSmtpUrl(message.to_owned());
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
}

fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text).decode_utf8().ok().map(|s| s.into_owned())
}

pub(super) fn parse_transport(value: &str) -> Result<MailTransport, ConfigError> {
    if let Some(dir) = value.strip_prefix("file://") {
        if dir.is_empty() {
            return Err(bad("PORTAL_SMTP_URL", "file:// needs a directory, e.g. file://./data/mail"));
        }
        return Ok(MailTransport::Files(PathBuf::from(dir)));
    }
    let url = Url::parse(value).map_err(|e| bad("PORTAL_SMTP_URL", format!("not a URL: {e}")))?;
    match url.scheme() {
        "smtp" | "smtps" => {
            Ok(MailTransport::Smtp(SmtpSettings::from_url(&url).map_err(|e| bad("PORTAL_SMTP_URL", e.0))?))
        }
        _ => Err(bad("PORTAL_SMTP_URL", "expected smtp://HOST:PORT, smtps://HOST:PORT or file://DIR")),
    }
}

pub(super) fn parse_from(value: &str) -> Result<Mailbox, ConfigError> {
    value.parse().map_err(|_| {
        bad("PORTAL_MAIL_FROM", format!("'{value}' is not a mailbox such as 'Account Portal <no-reply@example.com>'"))
    })
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret as _;

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
        let err = parse_transport("smtp://me:hunter2@x.example/?tls=no").unwrap_err();
        assert_eq!(err.setting, "PORTAL_SMTP_URL");
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn options_lettre_would_read_differently_are_refused() {
        for url in ["smtp://mail.example.com?tls=opportunistic", "smtp://mail.example.com/ehlo"] {
            assert!(SmtpSettings::from_url(&Url::parse(url).unwrap()).is_err(), "{url}");
        }
    }

    #[test]
    fn an_unparsable_sender_names_the_setting() {
        assert_eq!(parse_from("no-reply@@portal.invalid").unwrap_err().setting, "PORTAL_MAIL_FROM");
        assert_eq!(parse_from("Portal <no-reply@example.com>").unwrap().email.domain(), "example.com");
    }
}
