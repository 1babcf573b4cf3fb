//! The portal's messages, each a plain-text and an HTML body saying the same thing, all of one
//! shape ([`security_notice`]): a greeting, a few paragraphs, the site's name.
//!
//! Subjects are fixed strings. Everything that comes from a request (an address, a browser
//! name) is cleaned of control characters, shortened and, in HTML, escaped. No images, no
//! tracking, no links but to the portal itself.

mod shape;

use shape::{security_notice, utc};
pub use shape::{Occasion, Source};

use super::OutgoingMail;
use crate::{backend::config::Config, domain::Email, routes};

/// "Your password was changed": when and from where, what happened to the other sessions, and
/// what to do if it was not the account's owner. Never contains the password.
pub fn password_changed(config: &Config, to: &Email, occasion: &Occasion) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    security_notice(
        config,
        to,
        "Your password was changed",
        &[
            format!("The password of your {site} account was changed on {when} {by}."),
            "All other sessions were signed out; only the browser that made the change is still signed in.".into(),
            "If this was you, there is nothing more to do.".into(),
            format!(
                "If it wasn't you, someone else knows your password. Reset it now: open {} and choose \
                 \"Forgot?\" to get a reset link. Then review your sessions at {} and sign out any you don't \
                 recognize.",
                config.link(routes::LOGIN),
                config.link(routes::ACCOUNT)
            ),
        ],
    )
}

/// The reset link: where it leads, how long it works, and what to do if nobody asked for it.
pub fn password_reset(config: &Config, to: &Email, link: &str) -> OutgoingMail {
    let site = &config.brand.site_name;
    security_notice(
        config,
        to,
        "Reset your password",
        &[
            format!("Someone asked to reset the password of the {site} account for {to}. To choose a new password, open this link:"),
            link.to_owned(),
            format!("The link is valid for {} and works once.", config.reset_link_lifetime_words()),
            format!(
                "If you did not ask for this, ignore this email: your password stays as it is and nobody can use \
                 this link without access to your inbox. If it keeps happening, sign in at {} and review your \
                 sessions.",
                config.link(routes::LOGIN)
            ),
        ],
    )
}

/// "Your password was reset": when and from where, and what to do if it was not the owner.
pub fn password_reset_done(config: &Config, to: &Email, occasion: &Occasion) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    let login = config.link(routes::LOGIN);
    security_notice(
        config,
        to,
        "Your password was reset",
        &[
            format!(
                "The password of your {site} account was reset with an emailed link on {when} {by}. Every \
                 session was signed out and every other reset link ended."
            ),
            format!("If this was you, log in with your new password at {login}"),
            format!(
                "If it wasn't you, someone can read your email. Secure your mailbox first, then use \"Forgot?\" \
                 at {login} to choose a new password."
            ),
        ],
    )
}

/// "Someone tried to sign in to your account": the lock after failed password checks, when and
/// from where the last try came, until when sign-ins are paused (or until a reset, after
/// [`crate::backend::steps::login_throttle::MAX_CONSECUTIVE_FAILURES`]), and how to reset the password.
pub fn sign_ins_paused(config: &Config, to: &Email, occasion: &Occasion, until: Option<i64>) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    security_notice(
        config,
        to,
        "Someone tried to sign in to your account",
        &[
            format!(
                "Someone tried to sign in to your {site} account with a wrong password, many times. The last \
                 try was on {when} {by}."
            ),
            format!("To protect your account, we have {}.", paused_until(until)),
            format!(
                "If this was you and you no longer know your password, choose a new one here: {}",
                config.link(routes::FORGOT)
            ),
            "If it wasn't you, the tries failed and there is nothing you must do. Choosing a new password at the \
             same address also ends the pause."
                .into(),
        ],
    )
}

/// "Someone has your password": sign-ins paused after many wrong sign-in codes, which only
/// someone who typed the right password could try.
pub fn codes_paused(config: &Config, to: &Email, occasion: &Occasion, until: Option<i64>) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    security_notice(
        config,
        to,
        "Someone has your password",
        &[
            format!(
                "Someone signed in to your {site} account with the right password, then entered wrong \
                 authentication codes many times. The last try was on {when} {by}."
            ),
            format!("We have {}.", paused_until(until)),
            format!(
                "If this wasn't you, someone knows your password: choose a new one now with \"Forgot?\" at {}. \
                 Two-factor sign-in stopped them; it stays on.",
                config.link(routes::LOGIN)
            ),
        ],
    )
}

/// "paused sign-ins to your account until …".
fn paused_until(until: Option<i64>) -> String {
    match until {
        Some(until) => format!("paused sign-ins to your account until {}", utc(until)),
        None => "paused sign-ins to your account until its password is reset".to_owned(),
    }
}

/// "Two-factor sign-in was turned on": when and from where, and what to do if it was not the
/// owner. No secret, code or recovery code is ever in a message.
pub fn two_factor_on(config: &Config, to: &Email, occasion: &Occasion) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    security_notice(
        config,
        to,
        "Two-factor sign-in was turned on",
        &[
            format!(
                "Two-factor sign-in was turned on for your {site} account on {when} {by}. \
                 From now on, logging in asks for a code from your authenticator app after your password."
            ),
            "Keep your recovery codes somewhere safe: each one lets you in once if you lose your phone.".into(),
            format!(
                "If this wasn't you, someone else knows your password: reset it with \"Forgot?\" at {}, \
                 then turn two-factor sign-in off and on again in Security Settings.",
                config.link(routes::LOGIN)
            ),
        ],
    )
}

/// "Two-factor sign-in was turned off": by the person or by support.
pub fn two_factor_off(config: &Config, to: &Email, occasion: &Occasion) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    security_notice(
        config,
        to,
        "Two-factor sign-in was turned off",
        &[
            format!(
                "Two-factor sign-in was turned off for your {site} account on {when} {by}. Logging in now \
                 asks for your password only."
            ),
            format!("You can turn it on again in Security Settings: {}", config.link(routes::SECURITY)),
            format!(
                "If this wasn't you, reset your password with \"Forgot?\" at {} and turn two-factor sign-in \
                 on again.",
                config.link(routes::LOGIN)
            ),
        ],
    )
}

/// "A recovery code was used": when, from where, and how many are left.
pub fn recovery_code_used(config: &Config, to: &Email, occasion: &Occasion, left: i64) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    let left_words = match left {
        0 => "You have no recovery codes left: make new ones in Security Settings now.".to_owned(),
        1 => "You have 1 recovery code left.".to_owned(),
        n => format!("You have {n} recovery codes left."),
    };
    security_notice(
        config,
        to,
        "A recovery code was used",
        &[
            format!("A recovery code of your {site} account was used on {when} {by}."),
            left_words,
            format!(
                "If you lost your phone, set up two-factor sign-in again with your new phone in Security \
                 Settings: {}",
                config.link(routes::SECURITY)
            ),
            format!(
                "If this wasn't you, someone has your password and a recovery code: reset your password with \
                 \"Forgot?\" at {} and make new recovery codes.",
                config.link(routes::LOGIN)
            ),
        ],
    )
}

/// "New recovery codes were made": the old ones no longer work.
pub fn recovery_codes_renewed(config: &Config, to: &Email, occasion: &Occasion) -> OutgoingMail {
    let site = &config.brand.site_name;
    let (when, by) = occasion.words();
    security_notice(
        config,
        to,
        "New recovery codes were made",
        &[
            format!(
                "New recovery codes were made for your {site} account on {when} {by}. \
                 The earlier codes no longer work."
            ),
            format!(
                "If this wasn't you, reset your password with \"Forgot?\" at {} and make new recovery codes.",
                config.link(routes::LOGIN)
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::{shape::MAX_DETAIL_CHARS, *};

    fn config(public_url: &str) -> Config {
        let mut config = Config::for_database("sqlite://unused").unwrap();
        config.public_url = public_url.parse().unwrap();
        config
    }

    #[test]
    fn the_reset_message_carries_the_link_and_says_how_long_it_works() {
        let mut config = config("https://portal.example/");
        let mail = password_reset(&config, &alice(), "https://portal.example/reset?token=abc");
        assert_eq!(mail.subject, "Reset your password");
        assert!(mail.text.contains("https://portal.example/reset?token=abc"));
        assert!(mail.text.contains("valid for 2 hours"));
        assert!(mail.html.contains("href=\"https://portal.example/reset?token=abc\""));
        assert!(mail.text.contains("If you did not ask for this"));

        config.reset_link_lifetime = std::time::Duration::from_secs(3600);
        let mail = password_reset(&config, &alice(), "https://portal.example/reset?token=abc");
        assert!(mail.text.contains("valid for 1 hour and works once"), "{}", mail.text);
    }

    fn alice() -> Email {
        Email::parse("alice@example.com").unwrap()
    }

    const WHEN: i64 = 1_800_000_000; // 2027-01-15 08:00 UTC

    fn changed() -> OutgoingMail {
        let occasion = Occasion {
            when: WHEN,
            source: Source::Client { address: "203.0.113.9".into(), browser: "Firefox 121 on Linux".into() },
        };
        password_changed(&config("https://account.example.com/"), &alice(), &occasion)
    }

    #[test]
    fn it_says_when_and_from_where_in_both_bodies() {
        let mail = changed();
        assert_eq!(mail.to.as_str(), "alice@example.com");
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
        let occasion = Occasion { when: WHEN, source: Source::Client { address: String::new(), browser: agent } };
        let mail = password_changed(&config("http://x"), &alice(), &occasion);
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(!mail.text.contains('\r'));
        assert!(!mail.text.contains(&"a".repeat(MAX_DETAIL_CHARS)));
        assert!(mail.text.contains("from an unknown address"));
    }
}
