//! Tokens → tree. Grammar (spaces ignored):
//!
//! ```text
//! formula  = sum { "=" sum } end                 -- every result after = or ≒ is a claim, each checked
//! sum      = [ "-" ] product { ("+" | "-") product }
//! product  = factor { ("×" | "÷") factor }
//! factor   = "▲" factor                           -- ▲ and △ are minus signs, before a number or a factor
//!          | [ label ] ( rate | quantity | "(" sum ")" ) { "(" label ")" | word }
//! rate     = count { count } rate-word factor     -- 1件あたり5分, 1人1日あたり30分: per 1件, 5分
//! quantity = number [ unit [ "/" word ] ] { number time-unit }      -- compound time: 8時間24分
//! ```
//!
//! A parenthesis that follows a factor with no operator between is a label (`2(往復)`), because Daicho never
//! multiplies by juxtaposition; a parenthesis where a factor is expected is grouping (`(30分-5分)`), unless it
//! holds no number at all, in which case it is a label for the factor after it. Person-time (`人日`, `人月`, `人工`)
//! takes its hours from the [`Conversions`] given, unless the factor is written beside it (`2人日(1人日=8時間)`).

use rust_decimal::Decimal;

use super::ast::{Conversions, Expr, Op, Part, PersonUnit, TimeUnit, Unit};
use super::lexer::{Normalised, Token, TokenKind};
use super::{FormulaError, FormulaErrorKind};

pub(crate) struct Parser<'a> {
    tokens: &'a [Token],
    norm: &'a Normalised,
    pos: usize,
    conversions: Conversions,
    /// Where the last unit word read ended, for the pin of a person-time factor.
    unit_end: Option<usize>,
    /// Person-time factors taken from the conversions, to be written into the stored text: (position in the
    /// original text right after the unit word, the text to insert there).
    pub pins: Vec<(usize, String)>,
    /// How deep the factors being read are nested (parentheses, ▲, rates), bounded so that no text can exhaust the
    /// stack.
    depth: usize,
}

/// The deepest nesting of factors read (parentheses within parentheses, ▲▲…, 1件1件…あたり).
const MAX_DEPTH: usize = 64;

/// The words that make the counts before them a rate (`1件あたり`).
const RATE_WORDS: [&str; 5] = ["あたり", "当たり", "当り", "につき", "毎"];

/// Splits a rate word off the end of a unit word: `件あたり` → (`件`, `あたり`).
fn split_rate_word(word: &str) -> Option<(&str, &str)> {
    RATE_WORDS.iter().find_map(|r| word.strip_suffix(r).map(|unit| (unit, *r)))
}

/// The text that pins a person-time factor: `1人日＝7.75時間`.
pub(crate) fn pin_label(word: &str, hours: Decimal) -> String {
    format!("1{word}＝{}時間", crate::number::group_thousands(hours, 28))
}

/// Reads a pin label back (`1人日=7.75時間`, after NFKC): the hours, when the label pins this word.
fn read_pin(label: &str, word: &str) -> Option<Decimal> {
    let text: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    let (left, right) = text.split_once(['=', '＝'])?;
    let left = left.strip_prefix('1').unwrap_or(left);
    if left != word {
        return None;
    }
    let number = right.strip_suffix("時間").or_else(|| right.strip_suffix('h')).or_else(|| right.strip_suffix('H'))?;
    let hours = crate::number::parse_decimal(number)?;
    (hours > Decimal::ZERO).then_some(hours)
}

type Result<T> = std::result::Result<T, FormulaError>;

impl<'a> Parser<'a> {
    pub fn new(tokens: &'a [Token], norm: &'a Normalised, conversions: Conversions) -> Self {
        Self { tokens, norm, pos: 0, conversions, unit_end: None, pins: Vec::new(), depth: 0 }
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self) -> Option<&'a TokenKind> {
        self.peek().map(|t| &t.kind)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.norm.original_len, |t| t.start)
    }

    fn error<T>(&self, kind: FormulaErrorKind, position: usize) -> Result<T> {
        Err(FormulaError { kind, position })
    }

    /// Parses the whole formula: the expression and, after each `=`, a stated result (`=7,200分=120時間`).
    pub fn formula(&mut self) -> Result<(Expr, Vec<Expr>)> {
        if self.tokens.is_empty() {
            return self.error(FormulaErrorKind::Empty, 0);
        }
        let expr = self.sum()?;
        let mut stated = Vec::new();
        while let Some(TokenKind::Equals) = self.peek_kind() {
            let at = self.here();
            self.pos += 1;
            if self.peek().is_none() {
                return self.error(FormulaErrorKind::MissingStated, at);
            }
            stated.push(self.sum()?);
        }
        match self.peek() {
            None => Ok((expr, stated)),
            Some(t) => match t.kind {
                TokenKind::RParen => self.error(FormulaErrorKind::UnbalancedClose, t.start),
                TokenKind::Number(_) | TokenKind::LParen => self.error(FormulaErrorKind::MissingOperator, t.start),
                _ => self.error(FormulaErrorKind::Unexpected, t.start),
            },
        }
    }

    fn sum(&mut self) -> Result<Expr> {
        let mut lhs = if let Some(TokenKind::Sub) = self.peek_kind() {
            let start = self.here();
            self.pos += 1;
            Expr::Neg { inner: Box::new(self.product()?), start, marker: false }
        } else {
            self.product()?
        };
        loop {
            let op = match self.peek_kind() {
                Some(TokenKind::Add) => Op::Add,
                Some(TokenKind::Sub) => Op::Sub,
                _ => return Ok(lhs),
            };
            let at = self.here();
            self.pos += 1;
            let rhs = self.product()?;
            lhs = Expr::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs), at };
        }
    }

    fn product(&mut self) -> Result<Expr> {
        let mut lhs = self.factor()?;
        loop {
            let op = match self.peek_kind() {
                Some(TokenKind::Mul) => Op::Mul,
                Some(TokenKind::Div) => Op::Div,
                _ => return Ok(lhs),
            };
            let at = self.here();
            self.pos += 1;
            let rhs = self.factor()?;
            lhs = Expr::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs), at };
        }
    }

    /// Index of the parenthesis that closes the one at `open`, or `None` when it is never closed.
    fn matching_close(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (i, t) in self.tokens.iter().enumerate().skip(open) {
            match t.kind {
                TokenKind::LParen => depth += 1,
                TokenKind::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Takes the parenthesised text at the cursor verbatim as a label.
    fn paren_label(&mut self) -> Result<String> {
        let open = self.pos;
        let Some(close) = self.matching_close(open) else {
            return self.error(FormulaErrorKind::UnbalancedOpen, self.tokens[open].start);
        };
        let text = self.norm.text_between(self.tokens[open].end, self.tokens[close].start);
        self.pos = close + 1;
        Ok(text.trim().to_string())
    }

    fn factor(&mut self) -> Result<Expr> {
        if self.depth >= MAX_DEPTH {
            return self.error(FormulaErrorKind::TooDeep, self.here());
        }
        self.depth += 1;
        let factor = self.factor_within();
        self.depth -= 1;
        factor
    }

    fn factor_within(&mut self) -> Result<Expr> {
        let start = self.here();
        // ▲5分: a minus sign before a factor.
        if let Some(TokenKind::Sign) = self.peek_kind() {
            self.pos += 1;
            let inner = self.factor()?;
            return Ok(Expr::Neg { inner: Box::new(inner), start, marker: true });
        }
        // Words, and parentheses holding no number, before the first number are labels (`選考業務1,300時間`).
        let mut label = String::new();
        let mut approx = false;
        let mut negate = false;
        loop {
            match self.peek_kind() {
                Some(TokenKind::Word(w)) => {
                    label.push_str(w);
                    self.pos += 1;
                }
                // `削減▲5分`: the sign after a label still negates the factor.
                Some(TokenKind::Sign) if !label.is_empty() => {
                    negate = !negate;
                    self.pos += 1;
                }
                Some(TokenKind::LParen) => {
                    let close = self.matching_close(self.pos);
                    let holds_number = close.is_some_and(|c| {
                        self.tokens[self.pos..c].iter().any(|t| matches!(t.kind, TokenKind::Number(_)))
                    });
                    if holds_number {
                        break;
                    }
                    let text = self.paren_label()?;
                    label.push('(');
                    label.push_str(&text);
                    label.push(')');
                }
                _ => break,
            }
        }
        if let Some(rest) = label.strip_suffix('約') {
            approx = true;
            label = rest.to_string();
        }
        let label_before = (!label.is_empty()).then_some(label);

        let mut expr = match self.peek() {
            Some(Token { kind: TokenKind::Number(_), .. }) => self.quantity(label_before, approx, start)?,
            Some(Token { kind: TokenKind::LParen, start: open_at, .. }) => {
                let open_at = *open_at;
                self.pos += 1;
                let inner = self.sum()?;
                match self.peek() {
                    Some(Token { kind: TokenKind::RParen, end, .. }) => {
                        let end = *end;
                        self.pos += 1;
                        Expr::Group {
                            inner: Box::new(inner),
                            label_before,
                            labels_after: Vec::new(),
                            start: if approx { start } else { open_at.min(start) },
                            end,
                        }
                    }
                    _ => return self.error(FormulaErrorKind::UnbalancedOpen, open_at),
                }
            }
            Some(t) => {
                // A label with no number (`分×件`) is a missing number, reported where the label starts.
                if label_before.is_some() || approx {
                    return self.error(FormulaErrorKind::MissingNumber, start);
                }
                let kind = match t.kind {
                    TokenKind::Mul | TokenKind::Div | TokenKind::Add | TokenKind::Sub => {
                        FormulaErrorKind::DoubleOperator
                    }
                    TokenKind::RParen => FormulaErrorKind::UnbalancedClose,
                    _ => FormulaErrorKind::MissingNumber,
                };
                return self.error(kind, t.start);
            }
            None => {
                let at = if self.pos > 0 && start < self.here() { start } else { self.here() };
                return self.error(FormulaErrorKind::MissingNumber, at);
            }
        };

        // After a factor: parenthesised labels and stray words are labels of that factor.
        loop {
            match self.peek_kind() {
                Some(TokenKind::LParen) => {
                    let text = self.paren_label()?;
                    let end = self.tokens[self.pos - 1].end;
                    push_label_after(&mut expr, text, end);
                }
                Some(TokenKind::Word(w)) => {
                    let text = w.clone();
                    let end = self.tokens[self.pos].end;
                    self.pos += 1;
                    push_label_after(&mut expr, text, end);
                }
                _ => break,
            }
        }
        self.pin_person_time(&mut expr)?;
        let expr = self.rate(expr, start)?;
        Ok(if negate { Expr::Neg { inner: Box::new(expr), start, marker: true } } else { expr })
    }

    /// A person-time quantity takes its hours from a pin label written beside it (`2人日(1人日=8時間)`, which is
    /// how canonical text carries it), else from the conversions, and then the pin is recorded for the stored text.
    fn pin_person_time(&mut self, expr: &mut Expr) -> Result<()> {
        let Expr::Quantity { parts, labels_after, start, .. } = expr else { return Ok(()) };
        let Some(Part { unit: Unit::Person { word, hours, .. }, .. }) = parts.first_mut() else { return Ok(()) };
        if let Some(i) = labels_after.iter().position(|l| read_pin(l, word).is_some()) {
            if let Some(h) = read_pin(&labels_after[i], word) {
                *hours = h;
            }
            labels_after.remove(i);
            return Ok(());
        }
        // A factor written any other way (`(1日=8時間)`) would be a label while the setting is used: refused.
        if labels_after.iter().any(|l| l.contains(['=', '＝'])) {
            return Err(FormulaError { kind: FormulaErrorKind::PersonFactor, position: *start });
        }
        // Right after the unit word (and any `/件`), before any label: where the canonical text puts the pin.
        let at = self.unit_end.unwrap_or(*start);
        self.pins.push((at, format!("（{}）", pin_label(word, *hours))));
        Ok(())
    }

    /// `1件あたり5分`: when the factor just read is a count ending in a rate word, the next factor is the rated
    /// quantity. `1人1日あたり30分`: counts side by side, the last with the rate word, are all per-counts.
    fn rate(&mut self, mut expr: Expr, start: usize) -> Result<Expr> {
        let Expr::Quantity { parts, labels_after, .. } = &mut expr else { return Ok(expr) };
        let [Part { unit: unit @ Unit::Count(_), .. }] = parts.as_mut_slice() else {
            return Ok(expr);
        };
        let Unit::Count(word) = &*unit else { return Ok(expr) };
        // The rate word at the end of the unit word (`件あたり`) or as a word of its own (`1件 あたり`).
        let split = split_rate_word(word).map(|(unit, rate)| (unit.to_string(), rate.to_string()));
        let rate_word = match split {
            Some((word, rate)) => {
                // `1時間あたり`: what is left may be a time, which a rate cannot be per (evaluation refuses it).
                *unit = TimeUnit::from_word(&word).map_or(Unit::Count(word), Unit::Time);
                Some(rate)
            }
            None => match labels_after.last() {
                Some(l) if RATE_WORDS.contains(&l.as_str()) => labels_after.pop(),
                _ => None,
            },
        };
        if let Some(rate_word) = rate_word {
            if !matches!(
                self.peek_kind(),
                Some(TokenKind::Number(_) | TokenKind::Word(_) | TokenKind::LParen | TokenKind::Sign)
            ) {
                return self.error(FormulaErrorKind::MissingNumber, self.here());
            }
            let inner = self.factor()?;
            return Ok(Expr::Rate { per: vec![expr], word: rate_word, inner: Box::new(inner), start });
        }
        // A count followed by a number with no operator: the start of `1人1日あたり…`, or a missing operator that
        // the caller reports. Looked ahead and undone unless a rate follows.
        if let Some(TokenKind::Number(_)) = self.peek_kind() {
            let (saved, pins) = (self.pos, self.pins.len());
            if let Ok(Expr::Rate { mut per, word, inner, .. }) = self.factor() {
                per.insert(0, expr);
                return Ok(Expr::Rate { per, word, inner, start });
            }
            self.pos = saved;
            self.pins.truncate(pins);
        }
        Ok(expr)
    }

    fn quantity(&mut self, label_before: Option<String>, approx: bool, start: usize) -> Result<Expr> {
        let mut parts: Vec<Part> = Vec::new();
        let mut end = start;
        while let Some(Token { kind: TokenKind::Number(number), end: number_end, .. }) = self.peek() {
            let unit_word = match self.tokens.get(self.pos + 1) {
                Some(Token { kind: TokenKind::Word(w), .. }) => Some(w.as_str()),
                _ => None,
            };
            let unit =
                match unit_word {
                    Some(w) if TimeUnit::from_word(w).is_some() => TimeUnit::from_word(w).map(Unit::Time),
                    Some(w) if PersonUnit::from_word(w).is_some() => PersonUnit::from_word(w)
                        .map(|unit| Unit::Person { word: w.to_string(), unit, hours: unit.hours(&self.conversions) }),
                    Some("%") => Some(Unit::Percent),
                    Some(w) => Some(Unit::Count(w.to_string())),
                    None => None,
                };
            // A further part is taken only to continue a compound time written as one word (`8時間24分`,
            // `2分30秒`). After a space it is another figure: in `120時間 2分×3,600件` the 120 hours are the stated
            // result beside the formula, never 120 hours and 2 minutes.
            if !parts.is_empty() {
                let adjacent = self.tokens.get(self.pos).is_some_and(|t| t.start == end);
                let continues = adjacent
                    && matches!(unit, Some(Unit::Time(_)))
                    && parts.iter().all(|p| matches!(p.unit, Unit::Time(_)));
                if !continues {
                    break;
                }
            }
            self.pos += 1;
            end = *number_end;
            let unit = match unit {
                Some(u) => {
                    end = self.tokens[self.pos].end;
                    self.unit_end = Some(end);
                    self.pos += 1;
                    u
                }
                None => Unit::Bare,
            };
            // `5分/件`: a slash followed by a word, not a number, is part of the unit (minutes per case).
            let mut per = None;
            if !matches!(unit, Unit::Bare)
                && let (Some(TokenKind::Div), Some(Token { kind: TokenKind::Word(w), end: w_end, .. })) =
                    (self.peek_kind(), self.tokens.get(self.pos + 1))
            {
                per = Some(format!("/{w}"));
                end = *w_end;
                self.unit_end = Some(end);
                self.pos += 2;
            }
            parts.push(Part { number: *number, unit, per });
            if !matches!(parts[0].unit, Unit::Time(_)) {
                break;
            }
        }
        Ok(Expr::Quantity { parts, approx, label_before, labels_after: Vec::new(), start, end })
    }
}

fn push_label_after(expr: &mut Expr, text: String, new_end: usize) {
    match expr {
        Expr::Quantity { labels_after, end, .. } | Expr::Group { labels_after, end, .. } => {
            labels_after.push(text);
            *end = new_end;
        }
        Expr::Neg { .. } | Expr::Binary { .. } | Expr::Rate { .. } => {}
    }
}
