//! Tokens → tree. Grammar (spaces ignored):
//!
//! ```text
//! formula  = sum [ "=" sum ] end
//! sum      = [ "-" ] product { ("+" | "-") product }
//! product  = factor { ("×" | "÷") factor }
//! factor   = [ label ] ( quantity | "(" sum ")" ) { "(" label ")" | word }
//! quantity = number [ unit [ "/" word ] ] { number time-unit }      -- compound time: 8時間24分
//! ```
//!
//! A parenthesis that follows a factor with no operator between is a label (`2(往復)`), because Daicho never
//! multiplies by juxtaposition; a parenthesis where a factor is expected is grouping (`(30分-5分)`), unless it
//! holds no number at all, in which case it is a label for the factor after it.

use super::ast::{Expr, Op, Part, TimeUnit, Unit};
use super::lexer::{Normalised, Token, TokenKind};
use super::{FormulaError, FormulaErrorKind};

pub(crate) struct Parser<'a> {
    tokens: &'a [Token],
    norm: &'a Normalised,
    pos: usize,
}

type Result<T> = std::result::Result<T, FormulaError>;

impl<'a> Parser<'a> {
    pub fn new(tokens: &'a [Token], norm: &'a Normalised) -> Self {
        Self { tokens, norm, pos: 0 }
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

    /// Parses the whole formula: the expression and, after `=`, the stated result.
    pub fn formula(&mut self) -> Result<(Expr, Option<Expr>)> {
        if self.tokens.is_empty() {
            return self.error(FormulaErrorKind::Empty, 0);
        }
        let expr = self.sum()?;
        let stated = match self.peek_kind() {
            Some(TokenKind::Equals) => {
                let at = self.here();
                self.pos += 1;
                if self.peek().is_none() {
                    return self.error(FormulaErrorKind::MissingStated, at);
                }
                Some(self.sum()?)
            }
            _ => None,
        };
        match self.peek() {
            None => Ok((expr, stated)),
            Some(t) => match t.kind {
                TokenKind::Equals => self.error(FormulaErrorKind::SecondEquals, t.start),
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
            Expr::Neg { inner: Box::new(self.product()?), start }
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
        let start = self.here();
        // Words, and parentheses holding no number, before the first number are labels (`選考業務1,300時間`).
        let mut label = String::new();
        let mut approx = false;
        loop {
            match self.peek_kind() {
                Some(TokenKind::Word(w)) => {
                    label.push_str(w);
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
                _ => return Ok(expr),
            }
        }
    }

    fn quantity(&mut self, label_before: Option<String>, approx: bool, start: usize) -> Result<Expr> {
        let mut parts: Vec<Part> = Vec::new();
        let mut end = start;
        while let Some(Token { kind: TokenKind::Number(number), end: number_end, .. }) = self.peek() {
            let unit_word = match self.tokens.get(self.pos + 1) {
                Some(Token { kind: TokenKind::Word(w), .. }) => Some(w.as_str()),
                _ => None,
            };
            let unit = match unit_word {
                Some(w) if TimeUnit::from_word(w).is_some() => TimeUnit::from_word(w).map(Unit::Time),
                Some("%") => Some(Unit::Percent),
                Some(w) => Some(Unit::Count(w.to_string())),
                None => None,
            };
            // A further part is taken only to continue a compound time (`8時間24分`, `2分30秒`).
            if !parts.is_empty() {
                let continues =
                    matches!(unit, Some(Unit::Time(_))) && parts.iter().all(|p| matches!(p.unit, Unit::Time(_)));
                if !continues {
                    break;
                }
            }
            self.pos += 1;
            end = *number_end;
            let unit = match unit {
                Some(u) => {
                    end = self.tokens[self.pos].end;
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
        Expr::Neg { .. } | Expr::Binary { .. } => {}
    }
}
