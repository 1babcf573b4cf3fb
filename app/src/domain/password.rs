use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroize;

/// A password as submitted, NFKC-normalised so that the same characters typed on different
/// keyboards hash alike. It never prints itself and is not `Serialize`.
///
/// This type only bounds the input; the strength rules for new passwords live elsewhere.
#[derive(Clone)]
pub struct Password(String);

/// Long enough for any passphrase or manager-generated secret, short enough to bound hashing work.
pub const MAX_PASSWORD_CHARS: usize = crate::password_policy::MAX_LENGTH;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum PasswordError {
    #[error("Enter your password.")]
    Empty,
    #[error("A password has at most 1024 characters.")]
    TooLong,
}

impl Password {
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        if input.is_empty() {
            return Err(PasswordError::Empty);
        }
        // Checked before normalising so an oversized input costs nothing more.
        if input.chars().count() > MAX_PASSWORD_CHARS * 4 {
            return Err(PasswordError::TooLong);
        }
        let normalized: String = input.nfkc().collect();
        if normalized.chars().count() > MAX_PASSWORD_CHARS {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(normalized))
    }

    /// The normalised password; callers hand it straight to the hasher.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(********)")
    }
}

impl Drop for Password {
    fn drop(&mut self) {
        // Overwrite the bytes before the allocation is freed.
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_text_is_a_password_or_a_refusal_and_a_password_parses_again(input in proptest::prelude::any::<String>()) {
            if let Ok(password) = Password::parse(&input) {
                proptest::prop_assert!(password.expose().chars().count() <= MAX_PASSWORD_CHARS);
                proptest::prop_assert!(Password::parse(password.expose()).is_ok());
            }
        }
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = Password::parse("hunter2-but-longer").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn compatibility_forms_normalise_to_the_same_password() {
        // U+FB01 LATIN SMALL LIGATURE FI and full-width letters fold under NFKC.
        let a = Password::parse("\u{FB01}sh-ＡＢＣ").unwrap();
        let b = Password::parse("fish-ABC").unwrap();
        assert_eq!(a.expose(), b.expose());
    }

    #[test]
    fn empty_and_oversized_passwords_are_refused() {
        assert_eq!(Password::parse("").unwrap_err(), PasswordError::Empty);
        let long = "x".repeat(MAX_PASSWORD_CHARS + 1);
        assert_eq!(Password::parse(&long).unwrap_err(), PasswordError::TooLong);
        assert!(Password::parse(&"é".repeat(MAX_PASSWORD_CHARS)).is_ok());
    }

    #[test]
    fn spaces_are_kept() {
        assert_eq!(Password::parse(" a b ").unwrap().expose(), " a b ");
    }
}
