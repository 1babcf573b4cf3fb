//! The captcha for browsers without JavaScript: characters in a picture, and the same
//! characters read aloud for people who cannot see it.
//!
//! Nothing is stored per challenge. A token carries an expiry and a random nonce under an
//! HMAC; the characters are drawn by an RNG seeded with another HMAC of the nonce, so the
//! server can draw the picture, play the sound and check the answer from the token alone.
//! The picture itself is [`drawing`]'s: the same token always draws the same one.

use std::io::Cursor;

use ::captcha::RngCaptcha;
use hmac::{Hmac, Mac};
use rand_09::{rngs::StdRng, SeedableRng as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest, Sha256};

use super::drawing::{self, Picture, Scheme};
use super::Refusal;

const CHARACTERS: usize = 5;
/// Lower-case letters and digits the font draws clearly: no 0/o, 1/l/i, 5/s, 2/z, 9/q. Some
/// look like capitals in this font (c, p, v, w, x, y), so the answer ignores case.
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

    fn characters(&self, key: &SecretString) -> RngCaptcha<StdRng> {
        let seed = mac(key, "picture-text", &self.nonce);
        let mut picture = RngCaptcha::from_rng(StdRng::from_seed(seed));
        picture.set_chars(ALPHABET).add_chars(CHARACTERS as u32);
        picture
    }

    /// The characters a person must type.
    pub(super) fn text(&self, key: &SecretString) -> String {
        self.characters(key).chars_as_string()
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

    /// The picture, in the colours of a page in `scheme`.
    pub fn png(&self, key: &SecretString, scheme: Scheme) -> Option<Vec<u8>> {
        self.picture(key)?.png(scheme)
    }

    fn picture(&self, key: &SecretString) -> Option<Picture> {
        drawing::draw(&self.text(key), mac(key, "picture-layout", &self.nonce))
    }

    /// The characters spoken one after another, with a pause between them, as one WAV file.
    pub fn wav(&self, key: &SecretString) -> Option<Vec<u8>> {
        let mut spec = None;
        let mut samples: Vec<i16> = Vec::new();
        for letter in self.characters(key).as_wav() {
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
    fn the_answer_ignores_case_and_spaces_but_not_a_wrong_character() {
        let token = Token::parse(&key(), &Token::issue(&key(), 100)).unwrap();
        let text = token.text(&key());
        let mixed: String =
            text.chars().enumerate().map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c }).collect();
        let spaced: String = text.chars().flat_map(|c| [c, ' ']).collect();
        for typed in [text.clone(), text.to_uppercase(), mixed, spaced] {
            assert_eq!(token.check(&key(), &typed), Ok(()), "{typed:?} for {text:?}");
        }
        let wrong = text.replacen(&text[..1], if text.starts_with('a') { "b" } else { "a" }, 1);
        for typed in [wrong, text[1..].to_owned(), format!("{text}a"), String::new()] {
            assert_eq!(token.check(&key(), &typed), Err(Refusal::WrongPicture), "{typed:?} for {text:?}");
        }
    }

    #[test]
    fn the_font_draws_every_character_of_the_alphabet() {
        for character in ALPHABET {
            assert!(drawing::draw(&character.to_string(), [0; 32]).is_some(), "{character}");
        }
        assert!(drawing::draw("o", [0; 32]).is_none(), "the font has no o");
    }

    /// What a person sees, measured on the PNG as served, over many pictures and in both colour
    /// schemes: every pixel of the characters' strokes is ink (nothing covers any of it), the
    /// ink stands out from every other colour in the picture by WCAG's 4.5:1 or more, the noise
    /// is a thin sprinkle, and no character is cut off at the edge.
    #[test]
    fn every_picture_shows_its_characters_whole_and_clear_in_both_schemes() {
        let mut lowest_contrast = f64::MAX;
        for expires_at in 0..120 {
            let token = Token::parse(&key(), &Token::issue(&key(), expires_at)).unwrap();
            let picture = token.picture(&key()).unwrap();
            let strokes = &picture.strokes;
            let stroke_count = strokes.iter().filter(|s| **s).count();
            let ink_share = stroke_count as f64 / strokes.len() as f64;
            assert!((0.05..0.25).contains(&ink_share), "characters of a readable size: {ink_share}");
            assert!(!touches_the_edge(strokes), "a character is cut off");
            for scheme in [Scheme::Light, Scheme::Dark] {
                let served = rgb(&token.png(&key(), scheme).unwrap());
                assert_eq!(served.len(), strokes.len());
                let first = strokes.iter().position(|s| *s).unwrap();
                let ink = served[first];
                let uncovered = served.iter().zip(strokes).filter(|(colour, stroke)| **stroke && **colour == ink);
                assert_eq!(uncovered.count(), stroke_count, "every stroke pixel shows the ink ({scheme:?})");

                let mut others = std::collections::BTreeMap::<[u8; 3], usize>::new();
                for (colour, _) in served.iter().zip(strokes).filter(|(_, stroke)| !**stroke) {
                    *others.entry(*colour).or_default() += 1;
                }
                assert!(!others.contains_key(&ink), "nothing but the characters is drawn in ink ({scheme:?})");
                for colour in others.keys() {
                    let ratio = contrast(ink, *colour);
                    assert!(ratio >= 4.5, "ink {ink:?} on {colour:?}: {ratio:.2}:1 ({scheme:?})");
                    lowest_contrast = lowest_contrast.min(ratio);
                }
                let paper = others.values().max().unwrap();
                let noise = (served.len() - stroke_count - paper) as f64 / served.len() as f64;
                assert!(noise <= 0.04, "a thin sprinkle of noise, not {noise:.3} of the picture ({scheme:?})");
            }
        }
        assert!(lowest_contrast >= 5.0, "{lowest_contrast:.2}");
    }

    #[test]
    fn a_token_always_draws_the_same_picture_and_each_scheme_colours_the_same_pixels() {
        let token = Token::parse(&key(), &Token::issue(&key(), 100)).unwrap();
        let light = token.png(&key(), Scheme::Light).unwrap();
        assert_eq!(token.png(&key(), Scheme::Light).unwrap(), light, "nothing new to average away");
        let dark = token.png(&key(), Scheme::Dark).unwrap();
        assert_ne!(dark, light);
        // Each light colour is always the same dark one: only the palette differs.
        let mut recoloured = std::collections::BTreeMap::new();
        for (light, dark) in rgb(&light).into_iter().zip(rgb(&dark)) {
            assert_eq!(*recoloured.entry(light).or_insert(dark), dark);
        }
        assert_eq!(recoloured.len(), 3, "paper, noise and ink");
    }

    fn touches_the_edge(strokes: &[bool]) -> bool {
        let (width, height) = (drawing::WIDTH, drawing::HEIGHT);
        strokes.iter().enumerate().any(|(i, stroke)| {
            let (x, y) = (i % width, i / width);
            *stroke && (x < 2 || y < 2 || x >= width - 2 || y >= height - 2)
        })
    }

    /// A PNG's pixels as RGB, row by row.
    fn rgb(png: &[u8]) -> Vec<[u8; 3]> {
        let mut decoder = ::png::Decoder::new(png);
        decoder.set_transformations(::png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).unwrap();
        assert_eq!(info.color_type, ::png::ColorType::Rgb);
        buffer.chunks(3).map(|p| [p[0], p[1], p[2]]).collect()
    }

    /// WCAG 2's contrast ratio of two sRGB colours.
    fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
        let luminance = |[r, g, b]: [u8; 3]| {
            let linear = |c: u8| {
                let c = f64::from(c) / 255.0;
                if c <= 0.04045 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
        };
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn the_picture_and_the_sound_are_real_files() {
        let token = Token::parse(&key(), &Token::issue(&key(), 100)).unwrap();
        let png = token.png(&key(), Scheme::Light).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let wav = token.wav(&key()).unwrap();
        assert_eq!(&wav[..4], b"RIFF");
        let reader = hound::WavReader::new(Cursor::new(wav)).unwrap();
        // Five letters and five half-second pauses: a few seconds of sound.
        assert!(reader.duration() / reader.spec().sample_rate >= 2, "{}", reader.duration());
    }
}
