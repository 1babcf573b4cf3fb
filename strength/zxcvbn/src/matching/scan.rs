//! The five regular expressions zxcvbn's matchers used, as plain code with the same results,
//! so that the strength worker carries no regular-expression engine (regex, fancy-regex,
//! aho-corasick and their Unicode tables were about half of its size).
//!
//! Each function names the expression it stands for and follows its semantics exactly: `.`
//! is any character but `\n`, `[0-9]` is ASCII digits, `\s` is Unicode white space, matches
//! are leftmost-first. `strength`'s tests compare the whole estimator with the unmodified
//! zxcvbn crate over many passwords.

use std::ops::Range;

/// A match of [`repeated`]: byte ranges of the whole match and of its first group.
pub(crate) struct Repeat {
    pub(crate) whole: Range<usize>,
    pub(crate) base: Range<usize>,
}

/// `(.+)\1+` (greedy, `lazy == false`) or `(.+?)\1+` (lazy): the first match in `text`.
pub(crate) fn repeated(text: &str, lazy: bool) -> Option<Repeat> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |index: usize| chars.get(index).map_or(text.len(), |&(at, _)| at);
    for start in 0..chars.len() {
        // `.+` stops at a line break; a repeat of the group cannot hold one either.
        let line = chars[start..].iter().take_while(|(_, c)| *c != '\n').count();
        let repeats = |len: usize| same(&chars, start, start + len, len);
        let len = if lazy { (1..=line / 2).find(|&len| repeats(len)) } else { (1..=line / 2).rev().find(|&len| repeats(len)) };
        if let Some(len) = len {
            // `\1+` is greedy: as many whole copies as follow.
            let mut end = start + 2 * len;
            while chars.len() - end >= len && same(&chars, start, end, len) {
                end += len;
            }
            return Some(Repeat { whole: byte(start)..byte(end), base: byte(start)..byte(start + len) });
        }
    }
    None
}

/// `^(.+?)\1+$`: the shortest piece that `text` (a match of [`repeated`]) is made of.
pub(crate) fn repeated_unit(text: &str) -> Option<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.iter().any(|(_, c)| *c == '\n') {
        return None;
    }
    let count = chars.len();
    (1..=count / 2)
        .find(|&len| count.is_multiple_of(len) && (len..count).step_by(len).all(|at| same(&chars, 0, at, len)))
        .map(|len| &text[..chars.get(len).map_or(text.len(), |&(at, _)| at)])
}

fn same(chars: &[(usize, char)], a: usize, b: usize, len: usize) -> bool {
    (0..len).all(|k| chars[a + k].1 == chars[b + k].1)
}

/// `19[0-9]{2}|20[0-9]{2}`, every match left to right: their byte ranges.
pub(crate) fn recent_years(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at + 4 <= bytes.len() {
        let year = &bytes[at..at + 4];
        if matches!(&year[..2], b"19" | b"20") && year[2..].iter().all(u8::is_ascii_digit) {
            found.push(at..at + 4);
            at += 4;
        } else {
            at += 1;
        }
    }
    found
}

/// `^[0-9]{4,8}$`.
pub(crate) fn is_date_without_separator(text: &str) -> bool {
    (4..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// `^([0-9]{1,4})([\s/\\_.-])([0-9]{1,2})([\s/\\_.-])([0-9]{1,4})$`: its five groups.
pub(crate) fn date_with_separators(text: &str) -> Option<[&str; 5]> {
    // A separator is never a digit, so each run of digits is taken whole.
    let (first, rest) = digits(text, 4)?;
    let (sep1, rest) = separator(rest)?;
    let (second, rest) = digits(rest, 2)?;
    let (sep2, rest) = separator(rest)?;
    let (third, rest) = digits(rest, 4)?;
    rest.is_empty().then_some([first, sep1, second, sep2, third])
}

fn digits(text: &str, max: usize) -> Option<(&str, &str)> {
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    (1..=max).contains(&len).then(|| text.split_at(len))
}

fn separator(text: &str) -> Option<(&str, &str)> {
    let c = text.chars().next()?;
    (c.is_whitespace() || "/\\_.-".contains(c)).then(|| text.split_at(c.len_utf8()))
}
