//! Random passwords for the "Generate" button, drawn from the operating system's
//! CSPRNG (in the browser, `crypto.getRandomValues`) and checked against the policy.

#[cfg(feature = "assess")]
use rand::{
    rand_core::UnwrapErr,
    rngs::SysRng,
    seq::{IndexedRandom, SliceRandom},
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "assess")]
use crate::policy::assess;
use crate::policy::PasswordPolicy;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 64;
const DEFAULT_LENGTH: usize = 16;

#[cfg(feature = "assess")]
/// A random password fails the policy only by chance (a dictionary word turns up in about
/// 2 in 100 at 16 characters, 12 in 100 at 64), so this many tries are plenty for any policy
/// that random passwords can meet.
const MAX_ATTEMPTS: usize = 100;

#[cfg(feature = "assess")]
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
#[cfg(feature = "assess")]
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
#[cfg(feature = "assess")]
const DIGITS: &[u8] = b"0123456789";
#[cfg(feature = "assess")]
/// ASCII punctuation without quotes, backslash and space, which some password managers,
/// shells and on-screen keyboards mangle.
const SYMBOLS: &[u8] = b"!#$%&()*+,-./:;<=>?@[]^_{|}~";
/// Characters easily taken for one another when a password is read out or copied by hand.
pub const LOOK_ALIKES: &str = "Il1|O0o";
#[cfg(feature = "assess")]
const UPPER_CLEAR: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
#[cfg(feature = "assess")]
const LOWER_CLEAR: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
#[cfg(feature = "assess")]
const DIGITS_CLEAR: &[u8] = b"23456789";
#[cfg(feature = "assess")]
const SYMBOLS_CLEAR: &[u8] = b"!#$%&()*+,-./:;<=>?@[]^_{}~";

/// What the user asked the generator for. Classes the policy requires are used whatever
/// these say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorOptions {
    pub length: usize,
    pub upper: bool,
    pub lower: bool,
    pub digits: bool,
    pub symbols: bool,
    /// Leave out [`LOOK_ALIKES`] (on by default).
    pub avoid_look_alikes: bool,
    /// Just one symbol, the rest letters and digits: easier to type on a phone, whose keyboard
    /// hides symbols a tap away (off by default: a 16-character password has about 5).
    #[serde(default)]
    pub few_symbols: bool,
}

impl Default for GeneratorOptions {
    fn default() -> Self {
        Self {
            length: DEFAULT_LENGTH,
            upper: true,
            lower: true,
            digits: true,
            symbols: true,
            avoid_look_alikes: true,
            few_symbols: false,
        }
    }
}

/// The lengths the generator makes for `policy`: from [`MIN_LENGTH`] or the policy's minimum,
/// whichever is higher, to [`MAX_LENGTH`] (or that minimum, if it is higher still).
pub fn length_range(policy: &PasswordPolicy) -> std::ops::RangeInclusive<usize> {
    let shortest = MIN_LENGTH.max(policy.min_length);
    shortest..=MAX_LENGTH.max(shortest)
}

/// The length the generator makes when asked for `length`: the nearest in [`length_range`].
pub fn fitted_length(length: usize, policy: &PasswordPolicy) -> usize {
    let range = length_range(policy);
    length.clamp(*range.start(), *range.end())
}

impl GeneratorOptions {
    /// The defaults, long enough for the policy, with every class it requires.
    pub fn for_policy(policy: &PasswordPolicy) -> Self {
        Self { length: fitted_length(DEFAULT_LENGTH, policy), ..Self::default() }.with_required(policy)
    }

    pub fn with_required(self, policy: &PasswordPolicy) -> Self {
        Self {
            upper: self.upper || policy.require_upper,
            lower: self.lower || policy.require_lower,
            digits: self.digits || policy.require_digit,
            symbols: self.symbols || policy.require_symbol,
            ..self
        }
    }

    /// The enabled character sets; all of them when none is.
    #[cfg(feature = "assess")]
    fn classes(&self) -> Vec<&'static [u8]> {
        let all = if self.avoid_look_alikes {
            [
                (self.upper, UPPER_CLEAR),
                (self.lower, LOWER_CLEAR),
                (self.digits, DIGITS_CLEAR),
                (self.symbols, SYMBOLS_CLEAR),
            ]
        } else {
            [(self.upper, UPPER), (self.lower, LOWER), (self.digits, DIGITS), (self.symbols, SYMBOLS)]
        };
        let enabled: Vec<&[u8]> = all.iter().filter(|(on, _)| *on).map(|(_, set)| *set).collect();
        if enabled.is_empty() {
            all.iter().map(|(_, set)| *set).collect()
        } else {
            enabled
        }
    }

    /// What the characters beyond one of each class are drawn from: every enabled class, or
    /// with `few_symbols` all of them but the symbols (unless symbols are all there is).
    #[cfg(feature = "assess")]
    fn filling(&self, classes: &[&'static [u8]]) -> Vec<u8> {
        let symbols = if self.avoid_look_alikes { SYMBOLS_CLEAR } else { SYMBOLS };
        let others: Vec<&[u8]> = classes.iter().copied().filter(|set| *set != symbols).collect();
        if self.few_symbols && !others.is_empty() {
            others.concat()
        } else {
            classes.concat()
        }
    }
}

#[cfg(feature = "assess")]
/// A password that `policy` accepts (with no context words): at least one character of each
/// enabled class, the rest drawn uniformly from all of them (but the symbols, with
/// `few_symbols`), shuffled.
///
/// The length is [`fitted_length`]: the page says so when it is not the one asked for. A
/// policy no random password can meet (a `min_score` above 4) gets the last candidate after a
/// bounded number of tries, which it then refuses.
pub fn generate(options: GeneratorOptions, policy: &PasswordPolicy) -> String {
    let options = options.with_required(policy);
    let length = fitted_length(options.length, policy);
    let classes = options.classes();
    let union = options.filling(&classes);
    // `choose` and `shuffle` sample uniformly (the `unbiased` feature removes even rand's
    // 2^-96 rounding bias); no `% len` anywhere.
    let mut rng = UnwrapErr(SysRng);

    let mut candidate = String::new();
    for _ in 0..MAX_ATTEMPTS {
        let mut chars: Vec<u8> = classes.iter().filter_map(|set| set.choose(&mut rng)).copied().collect();
        while chars.len() < length {
            chars.extend(union.choose(&mut rng));
        }
        chars.shuffle(&mut rng);
        candidate = chars.into_iter().map(char::from).collect();
        if assess(&candidate, policy, &[]).is_acceptable() {
            break;
        }
    }
    candidate
}

#[cfg(all(test, feature = "assess"))]
mod tests {
    use super::*;

    fn classes_in(password: &str) -> [bool; 4] {
        let has = |set: &[u8]| password.bytes().any(|b| set.contains(&b));
        [has(UPPER), has(LOWER), has(DIGITS), has(SYMBOLS)]
    }

    #[test]
    fn a_suggested_password_has_sixteen_characters_of_every_kind() {
        let password = generate(GeneratorOptions::default(), &PasswordPolicy::default());
        assert_eq!(password.len(), 16);
        assert_eq!(classes_in(&password), [true; 4]);
    }

    #[test]
    fn two_suggestions_differ() {
        let policy = PasswordPolicy::default();
        let a = generate(GeneratorOptions::default(), &policy);
        let b = generate(GeneratorOptions::default(), &policy);
        assert_ne!(a, b);
    }

    #[test]
    fn the_length_stays_between_the_policy_minimum_and_sixty_four() {
        let policy = PasswordPolicy::default();
        let with_length = |length| GeneratorOptions { length, ..GeneratorOptions::default() };
        assert_eq!(generate(with_length(0), &policy).len(), MIN_LENGTH);
        assert_eq!(generate(with_length(40), &policy).len(), 40);
        assert_eq!(generate(with_length(1000), &policy).len(), MAX_LENGTH);
        assert_eq!(generate(with_length(12), &PasswordPolicy::nist()).len(), 15);
    }

    #[test]
    fn classes_the_policy_requires_are_used_even_when_switched_off() {
        let bare = GeneratorOptions {
            upper: false,
            lower: false,
            digits: true,
            symbols: false,
            ..GeneratorOptions::default()
        };
        let password = generate(bare, &PasswordPolicy::default());
        assert_eq!(classes_in(&password), [true, true, true, true]);
        // Under NIST nothing is required: digits only, as asked.
        let policy = PasswordPolicy { min_score: 0, ..PasswordPolicy::nist() };
        assert_eq!(classes_in(&generate(bare, &policy)), [false, false, true, false]);
    }

    #[test]
    fn with_every_class_switched_off_all_of_them_are_used() {
        let none = GeneratorOptions {
            length: 40,
            upper: false,
            lower: false,
            digits: false,
            symbols: false,
            avoid_look_alikes: false,
            few_symbols: false,
        };
        let policy = PasswordPolicy::nist();
        assert!(generate(none, &policy).bytes().all(|b| b.is_ascii_graphic() && !b"\"'`\\".contains(&b)));
    }

    #[test]
    fn the_options_for_a_policy_are_long_enough_and_complete() {
        let options = GeneratorOptions::for_policy(&PasswordPolicy::default());
        assert_eq!(options, GeneratorOptions::default());
        let long = PasswordPolicy { min_length: 20, ..PasswordPolicy::nist() };
        assert_eq!(GeneratorOptions::for_policy(&long).length, 20);
    }

    #[test]
    fn with_few_symbols_a_password_has_one_symbol_and_still_meets_the_rules() {
        let policy = PasswordPolicy::default();
        let few = GeneratorOptions { few_symbols: true, ..GeneratorOptions::for_policy(&policy) };
        for _ in 0..500 {
            let password = generate(few, &policy);
            assert_eq!(password.len(), 16);
            assert_eq!(password.bytes().filter(|b| SYMBOLS.contains(b)).count(), 1, "{password}");
            assert_eq!(classes_in(&password), [true; 4], "{password}");
            assert!(assess(&password, &policy, &[]).is_acceptable(), "{password}");
        }
        // Without the option, a 16-character password has several.
        let many: usize = (0..200)
            .map(|_| generate(GeneratorOptions::default(), &policy).bytes().filter(|b| SYMBOLS.contains(b)).count())
            .sum();
        assert!(many > 200 * 3, "about five symbols each: {many} in 200");
        // Symbols only: there is nothing else to draw from.
        let only = GeneratorOptions { upper: false, lower: false, digits: false, ..few };
        let policy = PasswordPolicy { min_score: 0, reject_dictionary_words: false, ..PasswordPolicy::nist() };
        let password = generate(GeneratorOptions { symbols: true, ..only }, &policy);
        assert!(password.bytes().all(|b| SYMBOLS.contains(&b)), "{password}");
    }

    #[test]
    fn a_length_out_of_range_is_fitted_to_it() {
        let policy = PasswordPolicy::default();
        assert_eq!(length_range(&policy), 12..=64);
        assert_eq!(fitted_length(8, &policy), 12);
        assert_eq!(fitted_length(20, &policy), 20);
        assert_eq!(fitted_length(100, &policy), 64);
        let long = PasswordPolicy { min_length: 80, ..PasswordPolicy::nist() };
        assert_eq!(length_range(&long), 80..=80, "a policy longer than the generator's maximum");
        assert_eq!(fitted_length(16, &long), 80);
    }

    #[test]
    fn symbols_are_ones_keyboards_and_password_managers_handle() {
        assert!(SYMBOLS.iter().all(u8::is_ascii_punctuation));
        assert!(!SYMBOLS.iter().any(|b| b"\"'`\\ ".contains(b)));
    }

    #[test]
    fn characters_are_drawn_as_often_as_the_algorithm_says() {
        // Each password: one character from each of the four sets (without look-alikes, the
        // default), twelve from all of them. A wrong set, a stuck index or a gross bias shows;
        // a modulo bias would be too small to.
        const PASSWORDS: usize = 2_500;
        let policy = PasswordPolicy { min_score: 0, reject_dictionary_words: false, ..PasswordPolicy::nist() };
        let mut counts = [0u32; 128];
        for _ in 0..PASSWORDS {
            for b in generate(GeneratorOptions::default(), &policy).bytes() {
                counts[usize::from(b)] += 1;
            }
        }
        let sets = [UPPER_CLEAR, LOWER_CLEAR, DIGITS_CLEAR, SYMBOLS_CLEAR];
        let union_len = sets.concat().len() as f64;
        for set in sets {
            let from_all = (DEFAULT_LENGTH - 4) as f64 / union_len;
            let expected = PASSWORDS as f64 * (1.0 / set.len() as f64 + from_all);
            for &b in set {
                let n = f64::from(counts[usize::from(b)]);
                assert!(
                    (n - expected).abs() < expected / 4.0,
                    "{} drawn {n} times, expected about {expected:.0}",
                    char::from(b)
                );
            }
        }
        let total: u32 = counts.iter().sum();
        assert_eq!(total as usize, PASSWORDS * DEFAULT_LENGTH);
    }

    /// The property the button promises: whatever it suggests, the policy accepts. Checked
    /// from the outside, on as many threads as there are cores.
    #[test]
    fn twenty_thousand_suggestions_all_meet_the_product_rules() {
        const TOTAL: usize = 20_000;
        let variants = [
            GeneratorOptions { length: 12, ..GeneratorOptions::default() },
            GeneratorOptions { length: 24, digits: false, ..GeneratorOptions::default() },
            GeneratorOptions {
                length: 13,
                upper: false,
                lower: false,
                digits: false,
                symbols: false,
                avoid_look_alikes: true,
                few_symbols: false,
            },
            GeneratorOptions { few_symbols: true, ..GeneratorOptions::default() },
            GeneratorOptions { few_symbols: true, length: 12, avoid_look_alikes: false, ..GeneratorOptions::default() },
        ];
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        std::thread::scope(|scope| {
            for worker in 0..workers {
                scope.spawn(move || {
                    let policy = PasswordPolicy::default();
                    for i in (worker..TOTAL).step_by(workers) {
                        // Mostly the default, which is what the button uses.
                        let options = if i % 10 < 6 { GeneratorOptions::default() } else { variants[i % 5] };
                        let password = generate(options, &policy);
                        let report = assess(&password, &policy, &[]);
                        assert!(report.is_acceptable(), "{password}: {report:?}");
                        assert!(password.len() >= options.length.max(MIN_LENGTH));
                    }
                });
            }
        });
    }

    #[test]
    fn look_alikes_are_left_out_by_default_and_only_then() {
        let policy = PasswordPolicy::default();
        let clear_sets = [UPPER_CLEAR, LOWER_CLEAR, DIGITS_CLEAR, SYMBOLS_CLEAR].concat();
        assert!(!clear_sets.iter().any(|b| LOOK_ALIKES.as_bytes().contains(b)));
        assert!(GeneratorOptions::default().avoid_look_alikes);
        for _ in 0..200 {
            let password = generate(GeneratorOptions::default(), &policy);
            assert!(!password.chars().any(|c| LOOK_ALIKES.contains(c)), "{password}");
        }
        let everything =
            GeneratorOptions { avoid_look_alikes: false, length: MAX_LENGTH, ..GeneratorOptions::default() };
        let drawn: String = (0..200).map(|_| generate(everything, &policy)).collect();
        assert!(drawn.chars().any(|c| LOOK_ALIKES.contains(c)), "every character can be drawn when asked");
    }
}
