//! The one shape of every message ([`security_notice`]: a greeting, paragraphs, the site's name,
//! as text and as self-contained HTML), and the occasion a notice tells of, cleaned and bounded.

use super::super::OutgoingMail;
use crate::{
    backend::{clock::utc_minutes, config::Config},
    domain::Email,
};

/// Longest a request-supplied detail (browser, address) may appear in a message.
pub(super) const MAX_DETAIL_CHARS: usize = 100;

/// When and by whom something was done to an account, as a notice tells it.
#[derive(Clone, Debug)]
pub struct Occasion {
    /// Unix seconds.
    pub when: i64,
    pub source: Source,
}

#[derive(Clone, Debug)]
pub enum Source {
    /// A browser: its address and its name in words ("Firefox 121 on Linux").
    Client { address: String, browser: String },
    /// The operator, at the server's command line.
    Support,
}

impl Occasion {
    /// "2027-01-15 08:00 UTC" and "from 203.0.113.9 (Firefox 121 on Linux)" (or "by our support
    /// team"), cleaned and bounded, as every notice's first sentence says them.
    pub(super) fn words(&self) -> (String, String) {
        let by = match &self.source {
            Source::Client { address, browser } => {
                format!("from {} ({})", detail(address, "an unknown address"), detail(browser, "an unknown browser"))
            }
            Source::Support => "by our support team".to_owned(),
        };
        (utc(self.when), by)
    }
}

/// A short notice about the account's security: a greeting, `paragraphs` and the site's name,
/// as text and as HTML (each paragraph escaped; the portal's own links made clickable).
pub(super) fn security_notice(config: &Config, to: &Email, subject: &str, paragraphs: &[String]) -> OutgoingMail {
    let site = config.brand.site_name.as_str();
    let text = format!("Hello,\n\n{}\n\n-- \n{site}\n", paragraphs.join("\n\n"));
    let origin = escape(config.public_url.as_str().trim_end_matches('/'));
    let body: String = std::iter::once("<p>Hello,</p>\n".to_owned())
        .chain(paragraphs.iter().map(|p| format!("<p>{}</p>\n", linked(&escape(p), &origin))))
        .collect();
    let html = html_page(&escape(site), subject, &body);
    OutgoingMail { to: to.clone(), subject: subject.to_owned(), text, html }
}

/// `html` with each of the portal's own URLs (escaped, starting with `origin`) made a link.
fn linked(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(origin) {
        let (before, from) = rest.split_at(start);
        let end = from.find(|c: char| c.is_whitespace() || c == ',').unwrap_or(from.len());
        let url = from[..end].trim_end_matches('.');
        out.push_str(before);
        out.push_str(&format!("<a href=\"{url}\">{url}</a>"));
        rest = &from[url.len()..];
    }
    out.push_str(rest);
    out
}

/// A self-contained HTML document: inline styles only, nothing loaded from elsewhere.
fn html_page(site: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n\
         <html lang=\"en\">\n\
         <head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em;\">\n\
         {body}\
         <p>&mdash;<br>{site}</p>\n\
         </body>\n\
         </html>\n",
        title = escape(title),
    )
}

/// A detail from the request, cleaned of control characters and shortened; `fallback` when empty.
fn detail(value: &str, fallback: &str) -> String {
    let cleaned: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_DETAIL_CHARS).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned.to_owned()
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn utc(unix: i64) -> String {
    utc_minutes(unix).unwrap_or_else(|| "an unknown time".into())
}
