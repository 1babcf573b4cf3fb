//! Recovery codes: ten per account, each 80 random bits written as 16 characters in groups of
//! four (`7KQ4-9XMP-2R8D-W3FV`), from an alphabet without look-alikes (Crockford's base32: no
//! I, L, O or U). Only their SHA-256 is stored: at 80 bits a fast hash is enough, as for reset
//! tokens. Typed codes are read generously: any case, with or without dashes and spaces, and
//! O, I and L as the digits they look like.

use sha2::{Digest, Sha256};

/// How many codes an account gets at a time.
pub const COUNT: usize = 10;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHARS: usize = 16;

/// A recovery code as shown once to its owner.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

impl RecoveryCode {
    /// A fresh set of [`COUNT`] codes.
    pub fn generate_set() -> Vec<Self> {
        (0..COUNT).map(|_| Self::generate()).collect()
    }

    fn generate() -> Self {
        // 10 bytes = 80 bits = 16 characters of 5 bits.
        let mut bytes = [0u8; 10];
        super::fill_random(&mut bytes);
        let bits = bytes.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        Self((0..CHARS).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect())
    }

    /// A typed code, normalised; `None` when it cannot be a code.
    pub fn parse(typed: &str) -> Option<Self> {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        (code.len() == CHARS && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(Self(code))
    }

    /// "7KQ4-9XMP-2R8D-W3FV".
    pub fn shown(&self) -> String {
        crate::backend::secrets::in_fours(&self.0, "-")
    }

    /// What is stored.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_different_codes_of_sixteen_characters_in_groups_of_four() {
        let set = RecoveryCode::generate_set();
        assert_eq!(set.len(), COUNT);
        let shown: std::collections::HashSet<String> = set.iter().map(RecoveryCode::shown).collect();
        assert_eq!(shown.len(), COUNT);
        for code in &shown {
            assert_eq!(code.len(), 19, "{code}");
            assert_eq!(code.matches('-').count(), 3, "{code}");
        }
    }

    #[test]
    fn a_code_is_read_back_however_it_is_typed() {
        let code = RecoveryCode::generate();
        let shown = code.shown();
        for typed in [shown.clone(), shown.to_lowercase(), shown.replace('-', " "), shown.replace('-', "")] {
            assert_eq!(RecoveryCode::parse(&typed).map(|c| c.hash()), Some(code.hash()), "{typed}");
        }
        assert_eq!(RecoveryCode::parse("7kq4-9xmp-2r8d-w3fo"), RecoveryCode::parse("7KQ4-9XMP-2R8D-W3F0"));
        for bad in ["", "7KQ4-9XMP-2R8D", "7KQ4-9XMP-2R8D-W3FV-AAAA", "7KQ4-9XMP-2R8D-W3FU"] {
            assert!(RecoveryCode::parse(bad).is_none(), "{bad}");
        }
    }
}
