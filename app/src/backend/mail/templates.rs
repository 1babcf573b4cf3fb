//! The portal's messages, each a plain-text and an HTML body saying the same thing.
//!
//! Subjects are fixed strings. Everything that comes from a request (an address, a browser
//! name) is cleaned of control characters, shortened and, in HTML, escaped. No images, no
//! tracking, no links but to the portal itself.

use time::{macros::format_description, OffsetDateTime};

use super::OutgoingMail;

const SIGNATURE: &str = "Account Portal";
/// Longest a request-supplied detail (browser, address) may appear in a message.
const MAX_DETAIL_CHARS: usize = 100;

/// "Your password was changed": when and from where, what happened to the other sessions, and
/// what to do if it was not the account's owner. Never contains the password.
pub fn password_changed(to: &str, when: i64, ip: &str, browser: &str, public_url: &str) -> OutgoingMail {
    let when = utc(when);
    let ip = detail(ip, "an unknown address");
    let browser = detail(browser, "an unknown browser");
    let origin = public_url.trim_end_matches('/');
    let login = format!("{origin}/login");
    let account = format!("{origin}/account");

    let text = format!(
        "Hello,\n\
         \n\
         The password of your {SIGNATURE} account was changed on {when}\n\
         from {ip} ({browser}).\n\
         \n\
         All other sessions were signed out; only the browser that made the change is still\n\
         signed in.\n\
         \n\
         If this was you, there is nothing more to do.\n\
         \n\
         If it wasn't you, someone else knows your password. Reset it now: open\n\
         {login}\n\
         and choose \"Forgot?\" to get a reset link. Then review your sessions at\n\
         {account}\n\
         and sign out any you don't recognise.\n\
         \n\
         -- \n\
         {SIGNATURE}\n"
    );

    let (when, ip, browser) = (escape(&when), escape(&ip), escape(&browser));
    let (login, account) = (escape(&login), escape(&account));
    let html = html_page(
        "Your password was changed",
        &format!(
            "<p>Hello,</p>\n\
             <p>The password of your {SIGNATURE} account was changed on <strong>{when}</strong> \
             from <strong>{ip}</strong> ({browser}).</p>\n\
             <p>All other sessions were signed out; only the browser that made the change is \
             still signed in.</p>\n\
             <p>If this was you, there is nothing more to do.</p>\n\
             <p>If it wasn't you, someone else knows your password. Reset it now: open \
             <a href=\"{login}\">{login}</a> and choose &ldquo;Forgot?&rdquo; to get a reset \
             link. Then <a href=\"{account}\">review your sessions</a> and sign out any you \
             don't recognise.</p>\n"
        ),
    );

    OutgoingMail { to: to.to_owned(), subject: "Your password was changed".into(), text, html }
}

// The password-reset message comes next, here, in the same shape:
// `pub fn password_reset(to: &str, link: &str, valid_for_minutes: i64) -> OutgoingMail`,
// with the link written out in the text body and as the only link in the HTML body.

/// A self-contained HTML document: inline styles only, nothing loaded from elsewhere.
fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n\
         <html lang=\"en\">\n\
         <head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em;\">\n\
         {body}\
         <p>&mdash;<br>{SIGNATURE}</p>\n\
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

fn utc(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).ok())
        .unwrap_or_else(|| "an unknown time".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHEN: i64 = 1_800_000_000; // 2027-01-15 08:00 UTC

    fn changed() -> OutgoingMail {
        password_changed(
            "alice@example.com",
            WHEN,
            "203.0.113.9",
            "Firefox 121 on Linux",
            "https://account.example.com/",
        )
    }

    #[test]
    fn it_says_when_and_from_where_in_both_bodies() {
        let mail = changed();
        assert_eq!(mail.to, "alice@example.com");
        assert_eq!(mail.subject, "Your password was changed");
        for body in [&mail.text, &mail.html] {
            assert!(body.contains("2027-01-15 08:00 UTC"), "{body}");
            assert!(body.contains("203.0.113.9"));
            assert!(body.contains("Firefox 121 on Linux"));
            assert!(body.contains("All other sessions were signed out"));
        }
    }

    #[test]
    fn it_tells_a_stranger_how_to_take_the_account_back() {
        let mail = changed();
        for body in [&mail.text, &mail.html] {
            assert!(body.contains("https://account.example.com/login"), "{body}");
            assert!(body.contains("Forgot?"));
            assert!(body.contains("https://account.example.com/account"));
        }
        assert!(mail.html.contains(r#"<a href="https://account.example.com/login">"#));
    }

    #[test]
    fn the_html_loads_nothing_and_links_only_to_the_portal() {
        let html = changed().html;
        assert!(!html.contains("<img"));
        assert!(!html.contains("src="));
        assert!(!html.contains("url("));
        let links: Vec<&str> = html.split("href=\"").skip(1).collect();
        assert_eq!(links.len(), 2);
        assert!(links.iter().all(|l| l.starts_with("https://account.example.com/")));
    }

    #[test]
    fn what_a_request_supplied_is_escaped_and_bounded() {
        let agent = format!("<script>alert(1)</script>\r\nBcc: x{}", "a".repeat(500));
        let mail = password_changed("a@example.com", WHEN, "", &agent, "http://x");
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(!mail.text.contains('\r'));
        assert!(!mail.text.contains(&"a".repeat(MAX_DETAIL_CHARS)));
        assert!(mail.text.contains("from an unknown address"));
    }
}
