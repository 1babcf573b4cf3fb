//! Checking a password against the rules, with zxcvbn.

use zxcvbn::matching::patterns::MatchPattern;

use super::{checks, composition_rule, PasswordPolicy, Rule, StrengthReport, MAX_LENGTH};

/// zxcvbn's cost grows steeply with length (about 7 ms at 64 characters natively, 0.3 s at
/// 100), so only this many characters are scored and searched for words. The length and
/// character-class rules always see the whole password.
const SCORED_PREFIX_CHARS: usize = 64;

/// Shorter dictionary matches ("cat", "1ov") turn up by chance in random strings.
const MIN_WORD_CHARS: usize = 4;
/// Longer stretches are not looked up as one word (the words within them still are).
const MAX_WORD_CHARS: usize = 16;

/// A stretch counts as a word when zxcvbn, given that stretch alone, explains it as one
/// dictionary entry needing fewer guesses than this (rank times its case and l33t variants).
///
/// The bound makes the answer certain. zxcvbn's search for the cheapest explanation visits
/// candidates in hash-map order, which Rust randomises per map, and it prunes as it goes, so
/// on a whole password it sometimes misses the cheapest one: the same password was reported
/// as holding "fact" ("f@<T") in 56 runs out of 100 and not in the others. An explanation in
/// two or more parts always costs zxcvbn more than 10,000 guesses, and four random characters
/// cost 10,000, so a single entry below that wins whatever the order.
const WORD_GUESS_LIMIT: u64 = 10_000;

/// Checks `password` (already NFKC-normalised, as the server's `Password` type and the page do) against
/// `policy`. `context` holds words an attacker would try for this account
/// ([`super::context_words`]); zxcvbn treats them as a dictionary of their own.
///
/// The length and character-class rules are [`composition_rule`]'s, which the page also runs
/// by itself as the person types ([`StrengthReport::composition`]).
///
/// Dictionary words are found stretch by stretch (see [`WORD_GUESS_LIMIT`]), so the verdict
/// is the same on every run, in the browser and on the server. Random characters hold such a
/// word by chance ("fact" in "…f@<T…"): some random passwords are refused for it (the
/// generator simply draws again; `cargo bench -p app --bench password_policy` counts how many).
pub fn assess(password: &str, policy: &PasswordPolicy, context: &[String]) -> StrengthReport {
    if password.is_empty() {
        return StrengthReport::unchecked(policy); // nothing typed, nothing ticked
    }
    let estimate = Estimate::of(password, context, policy.reject_dictionary_words);
    let words = estimate.dictionary_words;
    let passed = |rule: Rule| match rule {
        Rule::NoDictionaryWords => Some(words.is_empty()),
        Rule::Strength => Some(estimate.score >= policy.min_score),
        composition => composition_rule(password, composition),
    };
    let too_long = composition_rule(password, Rule::MaxLength(MAX_LENGTH)) == Some(false);
    let checks = checks(policy, passed, &words, too_long);

    StrengthReport {
        checks,
        score: estimate.score,
        dictionary_words: words,
        warning: estimate.warning,
        suggestions: estimate.suggestions,
    }
}

/// What zxcvbn makes of the scored prefix of a password.
#[derive(Default)]
struct Estimate {
    score: u8,
    dictionary_words: Vec<String>,
    warning: Option<String>,
    suggestions: Vec<String>,
}

impl Estimate {
    fn of(password: &str, context: &[String], find_words: bool) -> Self {
        if password.is_empty() {
            // Nothing to score (zxcvbn would suggest "no need for symbols" whatever the
            // policy says); the length rule already fails.
            return Self::default();
        }
        let prefix = first_chars(password, SCORED_PREFIX_CHARS);
        let inputs: Vec<&str> = context.iter().map(String::as_str).collect();
        let entropy = zxcvbn::zxcvbn(prefix, &inputs);

        let dictionary_words = if find_words { dictionary_words(prefix, &inputs) } else { Vec::new() };
        let feedback = entropy.feedback();
        Self {
            score: u8::from(entropy.score()),
            dictionary_words,
            warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
            suggestions: feedback.map(|f| f.suggestions().iter().map(|s| s.to_string()).collect()).unwrap_or_default(),
        }
    }
}

fn first_chars(text: &str, count: usize) -> &str {
    match text.char_indices().nth(count) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The dictionary words (lower case, each once, in the order they appear) in `text`: every
/// stretch of letters, digits and l33t symbols is looked up, longest first, and a word found
/// inside or across one already found ("inter" in "winter") is not reported again.
fn dictionary_words(text: &str, context: &[&str]) -> Vec<String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |index: usize| chars.get(index).map_or(text.len(), |&(at, _)| at);

    // (first char, char count, word) for each stretch that is one word on its own.
    let mut found = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let run = chars[start..].iter().take_while(|(_, c)| may_spell_a_word(*c)).count();
        for first in start..start + run {
            let longest = MAX_WORD_CHARS.min(start + run - first);
            for len in MIN_WORD_CHARS..=longest {
                if let Some(word) = one_word(&text[byte(first)..byte(first + len)], context) {
                    found.push((first, len, word));
                }
            }
        }
        start += run + 1;
    }

    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut kept: Vec<(usize, usize, String)> = Vec::new();
    for (first, len, word) in found {
        if kept.iter().all(|&(other, other_len, _)| first + len <= other || other + other_len <= first) {
            kept.push((first, len, word));
        }
    }
    kept.sort_by_key(|&(first, _, _)| first);
    let mut words: Vec<String> = Vec::new();
    for (_, _, word) in kept {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// Letters, digits and the symbols zxcvbn reads as letters ("@" for "a", "|" for "l").
fn may_spell_a_word(c: char) -> bool {
    c.is_alphanumeric() || "@({[<!|$+%".contains(c)
}

/// The dictionary word `token` is, when zxcvbn explains all of it as one (see
/// [`WORD_GUESS_LIMIT`]).
fn one_word(token: &str, context: &[&str]) -> Option<String> {
    match zxcvbn::zxcvbn(token, context).sequence() {
        [only] if only.guesses.is_some_and(|guesses| guesses < WORD_GUESS_LIMIT) => match &only.pattern {
            MatchPattern::Dictionary(word) => Some(word.matched_word.to_lowercase()),
            _ => None,
        },
        _ => None,
    }
}
