use std::fmt;

use super::{Password, PasswordError};
use crate::password_policy::{assess, PasswordPolicy, StrengthReport};

/// A password chosen at sign-up or reset, known to meet the policy. Like [`Password`] it
/// never prints itself and is not `Serialize`.
pub struct NewPassword(Password);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewPasswordError {
    #[error("Choose a password.")]
    Empty,
    #[error("A password has at most 1024 characters.")]
    TooLong,
    /// The report names the dictionary words found, for the live checklist; this message
    /// leaves them out because it may end up in a redirect URL.
    #[error("Choose a stronger password. {}", .0.problems_without_words().join(" "))]
    Weak(StrengthReport),
}

impl NewPassword {
    /// Normalises `input` like any password, then checks it against `policy`, with
    /// `context` the words an attacker would try for this account
    /// ([`crate::password_policy::context_words`]).
    pub fn parse(input: &str, policy: &PasswordPolicy, context: &[String]) -> Result<Self, NewPasswordError> {
        let password = Password::parse(input).map_err(|e| match e {
            PasswordError::Empty => NewPasswordError::Empty,
            PasswordError::TooLong => NewPasswordError::TooLong,
        })?;
        let report = assess(password.expose(), policy, context);
        if !report.is_acceptable() {
            return Err(NewPasswordError::Weak(report));
        }
        Ok(Self(password))
    }

    pub fn as_password(&self) -> &Password {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(********)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password_policy::{context_words, Rule};

    fn no_context() -> Vec<String> {
        Vec::new()
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        #[test]
        fn any_text_is_judged_without_panicking(input in "\\PC{0,60}") {
            let policy = crate::password_policy::PasswordPolicy::default();
            let _ = NewPassword::parse(&input, &policy, &["alice".to_owned()]);
        }
    }

    #[test]
    fn a_strong_password_is_accepted_and_never_printed() {
        let password = NewPassword::parse("Kp8#Zq!vW3xL-tR", &PasswordPolicy::default(), &no_context()).unwrap();
        assert_eq!(password.as_password().expose(), "Kp8#Zq!vW3xL-tR");
        assert!(!format!("{password:?}").contains("Kp8"));
    }

    #[test]
    fn the_policy_judges_the_normalised_password() {
        // Full-width letters and digits fold to ASCII under NFKC before the rules run.
        let password = NewPassword::parse("Ｋｐ８#Zq!vW3xL-tR", &PasswordPolicy::default(), &no_context()).unwrap();
        assert_eq!(password.as_password().expose(), "Kp8#Zq!vW3xL-tR");
    }

    #[test]
    fn empty_and_oversized_passwords_are_refused_before_the_policy() {
        let policy = PasswordPolicy::default();
        assert_eq!(NewPassword::parse("", &policy, &no_context()).unwrap_err(), NewPasswordError::Empty);
        let long = "Aa!".repeat(400);
        assert_eq!(NewPassword::parse(&long, &policy, &no_context()).unwrap_err(), NewPasswordError::TooLong);
    }

    #[test]
    fn a_weak_password_comes_back_with_its_report() {
        let context = context_words("bob@acme.com", "Account Portal");
        let err = NewPassword::parse("acme2024!", &PasswordPolicy::default(), &context).unwrap_err();
        let NewPasswordError::Weak(report) = &err else {
            panic!("expected Weak, got {err:?}");
        };
        assert!(report.checks.iter().any(|c| c.rule == Rule::NoDictionaryWords && !c.passed));
        assert_eq!(report.dictionary_words, ["acme"]);
    }

    #[test]
    fn the_error_message_says_what_to_fix_without_quoting_the_password() {
        let err = NewPassword::parse("summer-holiday", &PasswordPolicy::default(), &no_context()).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("Choose a stronger password."), "{message}");
        assert!(message.contains("Add an upper-case letter."), "{message}");
        assert!(message.contains("Avoid dictionary words and names."), "{message}");
        assert!(!message.contains("summer"), "{message}");
    }
}
