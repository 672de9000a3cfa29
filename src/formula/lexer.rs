//! Text → tokens. Every token remembers where it stood in the text the person typed (character positions), so
//! refusals can point at the right character even after full-width characters were normalised.

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use super::{FormulaError, FormulaErrorKind};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    Number(Decimal),
    /// A unit or a label: any run of characters that is not a number, an operator, a parenthesis or a space.
    Word(String),
    Mul,
    Div,
    Add,
    Sub,
    /// ▲ or △ before a number or a factor: the minus sign of Japanese public accounts.
    Sign,
    LParen,
    RParen,
    Equals,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    /// Position of the first character in the original text (0-based, in characters).
    pub start: usize,
    /// Position one past the last character in the original text.
    pub end: usize,
}

/// The text after NFKC, one entry per normalised character, each with the position of the original character
/// it came from.
pub(crate) struct Normalised {
    pub chars: Vec<char>,
    pub origin: Vec<usize>,
    pub original_len: usize,
}

impl Normalised {
    pub fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut original_len = 0;
        if crate::number::is_nfkc(text) {
            // Already normal (most formulas once typed in half-width): each character maps to itself.
            for (i, c) in text.chars().enumerate() {
                chars.push(c);
                origin.push(i);
                original_len = i + 1;
            }
            return Self { chars, origin, original_len };
        }
        for (i, c) in text.chars().enumerate() {
            original_len = i + 1;
            let mut buf = [0u8; 4];
            for n in c.encode_utf8(&mut buf).nfkc() {
                chars.push(n);
                origin.push(i);
            }
        }
        Self { chars, origin, original_len }
    }

    fn origin_of(&self, index: usize) -> usize {
        self.origin.get(index).copied().unwrap_or(self.original_len)
    }

    /// The normalised text between two original positions, for labels captured verbatim.
    pub fn text_between(&self, start: usize, end: usize) -> String {
        self.chars.iter().zip(&self.origin).filter(|(_, o)| **o >= start && **o < end).map(|(c, _)| *c).collect()
    }
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A1}'..='\u{30FF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Whether the character at `i` is an operator, a parenthesis or an equals sign in its context.
fn symbol_at(chars: &[char], i: usize) -> Option<TokenKind> {
    let c = chars[i];
    let prev = i.checked_sub(1).map(|p| chars[p]);
    let next = chars.get(i + 1).copied();
    Some(match c {
        '×' | '✕' | '✖' | '⨯' | '*' => TokenKind::Mul,
        // A Latin x is a times sign only between things that are not Latin letters (`5分x3件`, `5 x 3`), so
        // words such as `box` or `max` stay words.
        'x' | 'X' => {
            let letter = |o: Option<char>| o.is_some_and(|c| c.is_ascii_alphabetic());
            if letter(prev) || letter(next) {
                return None;
            }
            TokenKind::Mul
        }
        '÷' | '/' => TokenKind::Div,
        '+' => TokenKind::Add,
        '-' | '−' | '‐' | '–' => TokenKind::Sub,
        // The long-vowel mark is a minus only where it cannot belong to a katakana word (`30分ー5分`), never in
        // `センター`. It belongs to a word when the nearest character before it that is not itself a long-vowel
        // mark is kana: so `ーー7分` is two minus signs both times it is read, not a minus and then a word (found by
        // fuzzing: the canonical text of one did not parse as the other).
        'ー' => {
            if chars[..i].iter().rev().find(|c| **c != 'ー').is_some_and(|c| is_kana(*c)) {
                return None;
            }
            TokenKind::Sub
        }
        '▲' | '△' => TokenKind::Sign,
        '(' | '[' | '【' | '〔' => TokenKind::LParen,
        ')' | ']' | '】' | '〕' => TokenKind::RParen,
        '=' | '≒' => TokenKind::Equals,
        _ => return None,
    })
}

/// Reads a number starting at `i`: digits, thousands separators followed by exactly three digits, decimals.
fn read_number(chars: &[char], mut i: usize) -> (String, usize) {
    let mut text = String::new();
    let digit = |j: usize| chars.get(j).is_some_and(|c| c.is_ascii_digit());
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            text.push(c);
            i += 1;
        } else if c == ',' && !text.contains('.') && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4) {
            i += 1;
        } else if c == '.' && !text.contains('.') && digit(i + 1) {
            text.push('.');
            i += 1;
        } else {
            break;
        }
    }
    (text, i)
}

pub(crate) fn tokenize(norm: &Normalised) -> Result<Vec<Token>, FormulaError> {
    let chars = &norm.chars;
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = norm.origin_of(i);
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let (text, next) = read_number(chars, i);
            let value: Decimal =
                text.parse().map_err(|_| FormulaError { kind: FormulaErrorKind::NumberTooLarge, position: start })?;
            tokens.push(Token { kind: TokenKind::Number(value), start, end: norm.origin_of(next) });
            i = next;
            continue;
        }
        if let Some(kind) = symbol_at(chars, i) {
            tokens.push(Token { kind, start, end: norm.origin_of(i + 1) });
            i += 1;
            continue;
        }
        let mut word = String::new();
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() || c.is_ascii_digit() || symbol_at(chars, i).is_some() {
                break;
            }
            word.push(c);
            i += 1;
        }
        tokens.push(Token { kind: TokenKind::Word(word), start, end: norm.origin_of(i) });
    }
    Ok(tokens)
}
