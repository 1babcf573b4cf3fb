use std::fmt;

/// An email address as the user typed it (trimmed, case preserved), known to be well formed.
///
/// Accounts are unique case-insensitively: [`Email::key`] is the form used for lookups.
#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

/// RFC 5321 caps a forward path at 256 octets including the angle brackets.
const MAX_LEN: usize = 254;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum EmailError {
    #[error("Enter your email address.")]
    Empty,
    #[error("An email address has at most 254 characters.")]
    TooLong,
    #[error("Enter an email address like name@example.com.")]
    Malformed,
}

impl Email {
    /// The address as a page may show it to whoever holds a link meant for it: the first
    /// character of the local part, then "••" ("a••@example.com").
    pub fn masked(&self) -> String {
        let (local, domain) = self.as_str().rsplit_once('@').unwrap_or((self.as_str(), ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}\u{2022}\u{2022}@{domain}")
    }

    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let options = email_address::Options::default().without_display_text().without_domain_literal();
        let parsed =
            email_address::EmailAddress::parse_with_options(trimmed, options).map_err(|_| EmailError::Malformed)?;
        // A bare host ("user@localhost") is valid in the RFC but never a customer's mailbox.
        if !parsed.domain().contains('.') || parsed.domain().ends_with('.') {
            return Err(EmailError::Malformed);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the address, used for uniqueness and lookups.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// An address read back from where only parsed addresses were written (the database).
impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(stored: String) -> Result<Self, EmailError> {
        Self::parse(&stored)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_text_is_an_address_or_a_refusal_and_an_address_parses_again(input in "\\PC{0,80}|[a-zA-Z0-9.+_-]{1,30}@[a-z0-9.-]{1,30}") {
            if let Ok(email) = Email::parse(&input) {
                let again = Email::parse(email.as_str()).expect("a parsed address parses again");
                proptest::prop_assert_eq!(again.key(), email.key());
                proptest::prop_assert!(email.as_str().len() <= MAX_LEN);
            }
        }
    }

    #[test]
    fn a_masked_address_keeps_the_first_character_and_the_domain() {
        assert_eq!(Email::parse("alice@example.com").unwrap().masked(), "a\u{2022}\u{2022}@example.com");
        assert_eq!(Email::parse("B@x.org").unwrap().masked(), "B\u{2022}\u{2022}@x.org");
    }

    #[test]
    fn surrounding_space_is_trimmed_and_case_is_kept() {
        let email = Email::parse("  Alice.Smith@Example.COM \n").unwrap();
        assert_eq!(email.as_str(), "Alice.Smith@Example.COM");
        assert_eq!(email.key(), "alice.smith@example.com");
    }

    #[test]
    fn empty_and_blank_input_ask_for_an_address() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for input in [
            "alice",
            "alice@",
            "@example.com",
            "a b@example.com",
            "alice@localhost",
            "Alice <a@example.com>",
            "a@[127.0.0.1]",
        ] {
            assert_eq!(Email::parse(input), Err(EmailError::Malformed), "{input}");
        }
    }

    #[test]
    fn a_five_thousand_character_address_is_too_long() {
        let long = format!("{}@example.com", "a".repeat(5000));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn international_addresses_are_accepted() {
        assert!(Email::parse("jürgen@bücher.de").is_ok());
    }
}
