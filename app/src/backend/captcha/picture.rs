//! The captcha for browsers without JavaScript: characters in a distorted picture, and the
//! same characters read aloud for people who cannot see it.
//!
//! Nothing is stored per challenge. A token carries an expiry and a random nonce under an
//! HMAC; the characters are drawn by an RNG seeded with another HMAC of the nonce, so the
//! server can draw the picture, play the sound and check the answer from the token alone.

use std::io::Cursor;

use ::captcha::{
    filters::{Dots, Noise, Wave},
    RngCaptcha,
};
use hmac::{Hmac, Mac};
use rand_09::{rngs::StdRng, SeedableRng as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest, Sha256};

use super::Refusal;

const CHARACTERS: usize = 5;
/// Lower-case letters and digits the font draws clearly: no 0/o, 1/l/i, 5/s, 2/z.
const ALPHABET: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k', 'm', 'n', 'p', 'r', 't', 'u', 'v', 'w', 'x', 'y', '3', '4', '6', '7',
    '8', '9',
];

/// A checked token: its nonce and expiry.
pub struct Token {
    nonce: [u8; 16],
    pub expires_at: i64,
}

impl Token {
    pub fn issue(key: &SecretString, expires_at: i64) -> String {
        let mut nonce = [0u8; 16];
        crate::backend::secrets::fill_random(&mut nonce);
        let body = format!("{expires_at}.{}", hex::encode(nonce));
        format!("{body}.{}", hex::encode(mac(key, "picture-token", body.as_bytes())))
    }

    /// The token if `key` signed it. Expiry is the caller's to check.
    pub fn parse(key: &SecretString, text: &str) -> Option<Self> {
        let (body, signature) = text.rsplit_once('.')?;
        let signature = hex::decode(signature).ok()?;
        let mut check = Hmac::<Sha256>::new_from_slice(key.expose_secret().as_bytes()).ok()?;
        check.update(b"picture-token|");
        check.update(body.as_bytes());
        check.verify_slice(&signature).ok()?;
        let (expires_at, nonce) = body.split_once('.')?;
        Some(Self { nonce: hex::decode(nonce).ok()?.try_into().ok()?, expires_at: expires_at.parse().ok()? })
    }

    pub fn id(&self) -> [u8; 32] {
        Sha256::new().chain_update(b"picture|").chain_update(self.nonce).finalize().into()
    }

    fn drawing(&self, key: &SecretString) -> RngCaptcha<StdRng> {
        let seed = mac(key, "picture-text", &self.nonce);
        let mut picture = RngCaptcha::from_rng(StdRng::from_seed(seed));
        picture.set_chars(ALPHABET).add_chars(CHARACTERS as u32);
        picture
    }

    /// The characters a person must type.
    pub(super) fn text(&self, key: &SecretString) -> String {
        self.drawing(key).chars_as_string()
    }

    /// Whether `answer` is the picture's text, case and spaces aside.
    pub fn check(&self, key: &SecretString, answer: &str) -> Result<(), Refusal> {
        let typed: String = answer.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect();
        if constant_time_equal(typed.as_bytes(), self.text(key).as_bytes()) {
            Ok(())
        } else {
            Err(Refusal::WrongPicture)
        }
    }

    pub fn png(&self, key: &SecretString) -> Option<Vec<u8>> {
        let mut picture = self.drawing(key);
        picture.apply_filter(Noise::new(0.2)).apply_filter(Wave::new(2.0, 12.0)).view(220, 100);
        picture.apply_filter(Dots::new(10)).as_png()
    }

    /// The characters spoken one after another, with a pause between them, as one WAV file.
    pub fn wav(&self, key: &SecretString) -> Option<Vec<u8>> {
        let mut spec = None;
        let mut samples: Vec<i16> = Vec::new();
        for letter in self.drawing(key).as_wav() {
            let reader = hound::WavReader::new(Cursor::new(letter?)).ok()?;
            let letter_spec = *spec.get_or_insert(reader.spec());
            for sample in reader.into_samples::<i16>() {
                samples.push(sample.ok()?);
            }
            let pause = letter_spec.sample_rate / 2 * u32::from(letter_spec.channels);
            samples.extend(std::iter::repeat_n(0, pause as usize));
        }
        let mut out = Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut out, spec?).ok()?;
        for sample in samples {
            writer.write_sample(sample).ok()?;
        }
        writer.finalize().ok()?;
        Some(out.into_inner())
    }
}

#[allow(clippy::expect_used, reason = "HMAC-SHA-256 takes a key of any length")]
fn mac(key: &SecretString, purpose: &str, data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose_secret().as_bytes()).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(b"|");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn constant_time_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretString {
        "k".repeat(32).into()
    }

    proptest::proptest! {
        #[test]
        fn a_forged_picture_token_is_refused_without_panicking(text in "\\PC{0,120}|[0-9]{1,12}\\.[A-Za-z0-9_-]{0,64}") {
            proptest::prop_assert!(Token::parse(&key(), &text).is_none());
        }
    }

    #[test]
    fn the_text_is_the_same_every_time_the_token_is_drawn() {
        let token = Token::parse(&key(), &Token::issue(&key(), 100)).unwrap();
        let text = token.text(&key());
        assert_eq!(text.chars().count(), CHARACTERS);
        assert!(text.chars().all(|c| ALPHABET.contains(&c)));
        assert_eq!(token.text(&key()), text);
        assert!(token.check(&key(), &format!(" {} ", text.to_uppercase())).is_ok());
    }

    #[test]
    fn another_key_draws_other_characters_and_cannot_read_the_token() {
        let other: SecretString = "o".repeat(32).into();
        let text = Token::issue(&key(), 100);
        assert!(Token::parse(&other, &text).is_none());
        let tampered = text.replacen("100", "999", 1);
        assert!(Token::parse(&key(), &tampered).is_none());
        assert!(Token::parse(&key(), "garbage").is_none());
    }

    #[test]
    fn the_picture_and_the_sound_are_real_files() {
        let token = Token::parse(&key(), &Token::issue(&key(), 100)).unwrap();
        let png = token.png(&key()).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let wav = token.wav(&key()).unwrap();
        assert_eq!(&wav[..4], b"RIFF");
        let reader = hound::WavReader::new(Cursor::new(wav)).unwrap();
        // Five letters and five half-second pauses: a few seconds of sound.
        assert!(reader.duration() / reader.spec().sample_rate >= 2, "{}", reader.duration());
    }
}
