//! A bearer secret: 256 random bits from the OS CSPRNG, base64url. Session cookies, password
//! reset links and the OpenID clients' secrets are one; only its SHA-256 is ever stored (256
//! random bits cannot be guessed, so a fast hash is enough: no dictionary to run through).

use std::fmt;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use sha2::{Digest, Sha256};

pub struct SecretToken(String);

const TOKEN_BYTES: usize = 32;

impl SecretToken {
    /// A fresh token from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        super::fill_random(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only what [`SecretToken::generate`] could have made; anything else is no session.
    pub fn parse(value: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
        (bytes.len() == TOKEN_BYTES).then(|| Self(value.to_owned()))
    }

    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }

    /// Whether `stored` is this token's hash, compared in constant time: where the stored hash
    /// is looked up by something else (a client's id), the comparison must not tell a guesser
    /// how many of its first bytes were right.
    pub fn matches_hash(&self, stored: &[u8]) -> bool {
        use subtle::ConstantTimeEq as _;
        self.hash().as_slice().ct_eq(stored).into()
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(********)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_text_is_a_token_or_nothing_and_a_token_is_the_text(input in "\\PC{0,60}|[A-Za-z0-9_-]{43}") {
            if let Some(token) = SecretToken::parse(&input) {
                proptest::prop_assert_eq!(token.expose(), input.as_str());
            }
        }
    }

    #[test]
    fn tokens_are_unique_and_parse_back() {
        let a = SecretToken::generate();
        let b = SecretToken::generate();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43);
        assert_eq!(SecretToken::parse(a.expose()).unwrap().hash(), a.hash());
    }

    #[test]
    fn a_token_matches_its_own_hash_only() {
        let token = SecretToken::generate();
        assert!(token.matches_hash(&token.hash()));
        assert!(!token.matches_hash(&SecretToken::generate().hash()));
        assert!(!token.matches_hash(&token.hash()[..31]), "a shorter value");
        assert!(!token.matches_hash(b""));
    }

    #[test]
    fn forged_values_are_not_tokens() {
        for value in ["", "abc", "x".repeat(43).as_str(), &"A".repeat(5000), "%%%"] {
            assert!(SecretToken::parse(value).is_none(), "{value}");
        }
    }

    #[test]
    fn debug_output_hides_the_token() {
        let token = SecretToken::generate();
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
