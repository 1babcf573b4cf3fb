//! How a browser reads in the session list and in mail.
//!
//! Only what the parser recognises is said, in words of its own list ("Chrome 120 on Linux"),
//! and anything else is "an unknown browser": the agent is text the client chose, and an
//! attacker's failed logins must not write their words ("call +1 555 …") into a genuine
//! security mail to the account's owner.

use woothee::woothee::VALUE_UNKNOWN;

/// What a browser the parser does not recognise is called.
pub const UNKNOWN: &str = "an unknown browser";

/// A major version longer than this is no version.
const MAX_VERSION_DIGITS: usize = 5;

/// "Chrome 120 on Linux", or [`UNKNOWN`]: never the agent's own text. The one wording for the
/// session list and for mail.
pub fn browser(user_agent: &str) -> String {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    let Some(ua) = parsed.filter(|ua| ua.name != VALUE_UNKNOWN) else {
        return UNKNOWN.into();
    };
    // The name and the system are the parser's own words; the version is what the agent wrote
    // (for some phones, whatever follows the name), so it is said only when it is a number.
    let mut words = ua.name.to_owned();
    let major = ua.version.split('.').next().unwrap_or_default();
    if (1..=MAX_VERSION_DIGITS).contains(&major.len()) && major.bytes().all(|b| b.is_ascii_digit()) {
        words.push(' ');
        words.push_str(major);
    }
    if ua.os != VALUE_UNKNOWN {
        words.push_str(" on ");
        words.push_str(ua.os);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_in_words() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(browser(chrome), "Chrome 120 on Linux");
        let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(browser(firefox), "Firefox 121 on Windows 10");
        assert_eq!(browser(""), UNKNOWN);
        // The parser calls curl's version "curl": a version that is no number is not said.
        assert_eq!(browser("curl/8.5.0"), "HTTP Library");
    }

    /// An agent the parser does not know is unknown, whatever it says: its words are the client's.
    #[test]
    fn an_unrecognised_agent_is_never_repeated() {
        for agent in [
            "SomeTool",
            "call +1 555 0100 now",
            "Your account is locked: call +1 555 0100 to unlock it",
            "<b>urgent</b> visit https://evil.example",
            "   ",
        ] {
            assert_eq!(browser(agent), UNKNOWN, "{agent:?}");
        }
    }

    #[test]
    fn what_the_agent_wrote_as_a_version_is_said_only_when_it_is_a_number() {
        // For these phones the parser's "version" is whatever follows the maker's name.
        for agent in ["DoCoMo/2.0 call+15550100now(c100;TB;W24H12)", "KDDI-call+1555 UP.Browser/6.2.0.5 (GUI) MMP/2.0"]
        {
            let words = browser(agent);
            assert!(!words.contains("call") && !words.contains("555"), "{agent:?} → {words:?}");
        }
    }
}
