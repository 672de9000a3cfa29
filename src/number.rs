//! Number text as Japanese offices write it, and as Daicho displays it.
//!
//! Parsing accepts full-width digits, thousands separators (`,` `，`) and decimals; display groups thousands
//! with `,` and trims trailing zeros, which is what readers of municipal tables expect (`49,000`, `816.7`).

use rust_decimal::{Decimal, RoundingStrategy};
use unicode_normalization::UnicodeNormalization;

/// Normalises one piece of text the way every parser in Daicho sees it: NFKC (full-width digits, letters,
/// parentheses and spaces become ASCII), then trimmed.
pub fn nfkc(text: &str) -> String {
    if is_nfkc(text) {
        return text.trim().to_string();
    }
    text.nfkc().collect::<String>().trim().to_string()
}

/// Whether NFKC leaves the text as it is, decided by a quick check (most cells: kanji, hiragana, full-width
/// katakana, ASCII), so the normalisation itself runs only on text that needs it.
pub fn is_nfkc(text: &str) -> bool {
    // Characters NFKC never changes, checked first without the normalisation tables: printable ASCII, kanji,
    // hiragana, katakana (not the half-width forms), the long-vowel mark and the common Japanese punctuation.
    let plain = |c: char| {
        matches!(c, ' '..='~' | '\u{4E00}'..='\u{9FFF}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー'
            | '、' | '。' | '「' | '」' | '『' | '』' | '・' | '×' | '÷')
    };
    text.chars().all(plain)
        || matches!(unicode_normalization::is_nfkc_quick(text.chars()), unicode_normalization::IsNormalized::Yes)
}

/// Parses a plain decimal written by a person: `1,166`, `１，１６６`, `7.75`, `-3`, `約1,850`.
/// Returns `None` when the text holds anything else (units are the caller's business).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let n = nfkc(text);
    let n = n.strip_prefix('約').unwrap_or(&n).trim();
    if n.is_empty() {
        return None;
    }
    let (negative, digits) = match n.strip_prefix(['-', '−', '▲', '△']) {
        Some(rest) => (true, rest.trim()),
        None => (false, n),
    };
    let mut plain = String::with_capacity(digits.len());
    let mut seen_dot = false;
    let mut run = 0usize; // digits since the last separator, to reject `1,00`
    let mut seen_sep = false;
    for c in digits.chars() {
        match c {
            '0'..='9' => {
                plain.push(c);
                run += 1;
            }
            ',' if !seen_dot && run > 0 && (!seen_sep || run == 3) => {
                seen_sep = true;
                run = 0;
            }
            '.' if !seen_dot && (!seen_sep || run == 3) => {
                seen_dot = true;
                seen_sep = false;
                plain.push('.');
                run = 0;
            }
            _ => return None,
        }
    }
    if seen_sep && run != 3 {
        return None;
    }
    let value: Decimal = plain.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Rounds half away from zero to `places` decimals (四捨五入).
pub fn round_half_up(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats with thousands separators and at most `max_places` decimals (rounded half up), trailing zeros
/// trimmed: `49000` → `49,000`, `816.666…` with 1 place → `816.7`, `-1234.50` → `-1,234.5`.
pub fn group_thousands(value: Decimal, max_places: u32) -> String {
    let mut out = String::with_capacity(24);
    group_thousands_into(&mut out, value, max_places);
    out
}

/// [`group_thousands`] written onto the end of `out` (canonical formula text is built this way, without a string per
/// number).
pub fn group_thousands_into(out: &mut String, value: Decimal, max_places: u32) {
    group_into(out, value, max_places, '-');
}

/// [`group_thousands`] with a negative figure marked `▲` as Japanese public accounts write it (`▲1,234.5`): a figure
/// in a sentence or a formula's result, where a hyphen reads as a dash.
pub fn group_marked(value: Decimal, max_places: u32) -> String {
    let mut out = String::with_capacity(24);
    group_into(&mut out, value, max_places, '▲');
    out
}

/// [`group_marked`] written onto the end of `out`.
pub fn group_marked_into(out: &mut String, value: Decimal, max_places: u32) {
    group_into(out, value, max_places, '▲');
}

fn group_into(out: &mut String, value: Decimal, max_places: u32, minus: char) {
    // Rounding is needed only when the value has more decimals than allowed.
    let rounded = if value.scale() > max_places { round_half_up(value, max_places) } else { value }.normalize();
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push(minus);
    }
    // The digits without sign or point, and how many of them are decimals.
    let mantissa = rounded.mantissa().unsigned_abs();
    let scale = rounded.scale() as usize;
    let mut digits = [0u8; 40];
    let mut n = 0;
    let mut m = mantissa;
    loop {
        digits[n] = b'0' + (m % 10) as u8;
        n += 1;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    // At least one integer digit: 0.5 has the mantissa 5 and scale 1.
    while n <= scale {
        digits[n] = b'0';
        n += 1;
    }
    let int_len = n - scale;
    for i in 0..int_len {
        if i > 0 && (int_len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(digits[n - 1 - i]));
    }
    if scale > 0 {
        out.push('.');
        for i in int_len..n {
            out.push(char::from(digits[n - 1 - i]));
        }
    }
}

/// Like [`group_thousands`] but always with exactly `places` decimals, as a printed table shows them:
/// `4308` with 1 place → `4,308.0`.
pub fn group_fixed(value: Decimal, places: u32) -> String {
    let text = group_thousands(value, places);
    if places == 0 {
        return text;
    }
    let have = text.split_once('.').map_or(0, |(_, f)| f.len());
    let mut out = text;
    if have == 0 {
        out.push('.');
    }
    out.push_str(&"0".repeat(places as usize - have));
    out
}

/// A decimal as an exact JSON number (`816.5`, not `"816.5"` and not a rounded float).
pub fn json(value: Decimal) -> serde_json::Value {
    serde_json::from_str(&value.normalize().to_string()).unwrap_or(serde_json::Value::Null)
}

/// One unit in the last decimal place the text was written with: `817` → 1, `816.7` → 0.1, `48.08` → 0.01.
/// Used to judge whether a hand-rounded figure agrees with an exact one.
pub fn last_place(value: Decimal) -> Decimal {
    Decimal::new(1, value.scale())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parses_what_people_type() {
        let cases = [
            ("1,166", Some("1166")),
            ("１，１６６", Some("1166")),
            ("7.75", Some("7.75")),
            ("約1,850", Some("1850")),
            ("-3", Some("-3")),
            ("▲120", Some("-120")),
            ("1,00", None),
            ("12,3456", None),
            ("1.2.3", None),
            ("", None),
            ("30分", None),
            ("1,234.5", Some("1234.5")),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_decimal(input), expected.map(d), "parse_decimal({input:?})");
        }
    }

    #[test]
    fn groups_thousands_and_trims() {
        let cases = [
            ("49000", 2, "49,000"),
            ("816.6666", 1, "816.7"),
            ("-1234.50", 2, "-1,234.5"),
            ("0", 1, "0"),
            ("999", 0, "999"),
            ("1000000.25", 2, "1,000,000.25"),
            ("-0.04", 1, "0"),
        ];
        for (input, places, expected) in cases {
            assert_eq!(group_thousands(d(input), places), expected, "group_thousands({input}, {places})");
        }
    }

    #[test]
    fn fixed_decimals_as_printed_tables_show_them() {
        let cases = [
            ("4308", 1, "4,308.0"),
            ("101", 1, "101.0"),
            ("2.5", 2, "2.50"),
            ("1234.56", 0, "1,235"),
            ("0.05", 1, "0.1"),
        ];
        for (input, places, expected) in cases {
            assert_eq!(group_fixed(d(input), places), expected, "group_fixed({input}, {places})");
        }
    }
}
