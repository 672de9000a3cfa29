//! Tree → exact minutes, with a dimension check: a value is either a time (dimension 1, in seconds) or a count
//! (dimension 0). Products add dimensions and must never go above one time factor; sums need equal dimensions.
//!
//! `÷60` on a product in minutes is the writer converting minutes to hours by hand (`10分×3,600件÷60＝600時間`):
//! [`mark_hour_conversions`] labels such a divisor `時間換算` before evaluation, and evaluation leaves the value
//! in minutes, so the figure is 600 hours and not 10. A `÷60` on a product already in hours is refused.

use rust_decimal::Decimal;

use super::ast::{Expr, Op, TimeUnit, Unit};
use super::{FormulaError, FormulaErrorKind};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Value {
    /// Seconds when `time` is true, a plain number otherwise.
    pub amount: Decimal,
    pub time: bool,
}

type Result<T> = std::result::Result<T, FormulaError>;

fn overflow(at: usize) -> FormulaError {
    FormulaError { kind: FormulaErrorKind::NumberTooLarge, position: at }
}

pub(crate) fn evaluate(expr: &Expr) -> Result<Value> {
    match expr {
        Expr::Quantity { parts, start, .. } => {
            let mut amount = Decimal::ZERO;
            let mut time = false;
            for part in parts {
                let v = match &part.unit {
                    Unit::Time(u) => {
                        time = true;
                        part.number.checked_mul(u.seconds()).ok_or_else(|| overflow(*start))?
                    }
                    Unit::Person { hours, .. } => {
                        time = true;
                        part.number
                            .checked_mul(*hours)
                            .and_then(|h| h.checked_mul(TimeUnit::Hour.seconds()))
                            .ok_or_else(|| overflow(*start))?
                    }
                    Unit::Percent => part.number / Decimal::ONE_HUNDRED,
                    Unit::Count(_) | Unit::Bare => part.number,
                };
                amount = amount.checked_add(v).ok_or_else(|| overflow(*start))?;
            }
            Ok(Value { amount, time })
        }
        Expr::Group { inner, .. } => evaluate(inner),
        Expr::Neg { inner, .. } => {
            let v = evaluate(inner)?;
            Ok(Value { amount: -v.amount, time: v.time })
        }
        Expr::Rate { per, inner, .. } => {
            let mut divisor = Decimal::ONE;
            for p in per {
                let v = evaluate(p)?;
                if v.time {
                    return Err(FormulaError { kind: FormulaErrorKind::DivideByTime, position: p.start() });
                }
                divisor = divisor.checked_mul(v.amount).ok_or_else(|| overflow(p.start()))?;
            }
            let v = evaluate(inner)?;
            if divisor.is_zero() {
                return Err(FormulaError { kind: FormulaErrorKind::DivideByZero, position: expr.start() });
            }
            let amount = v.amount.checked_div(divisor).ok_or_else(|| overflow(expr.start()))?;
            Ok(Value { amount, time: v.time })
        }
        Expr::Binary { op, lhs, rhs, at } => {
            let l = evaluate(lhs)?;
            let r = evaluate(rhs)?;
            match op {
                Op::Add | Op::Sub => {
                    if l.time != r.time {
                        return Err(FormulaError { kind: FormulaErrorKind::MixedSum, position: *at });
                    }
                    let amount =
                        if *op == Op::Add { l.amount.checked_add(r.amount) } else { l.amount.checked_sub(r.amount) };
                    Ok(Value { amount: amount.ok_or_else(|| overflow(*at))?, time: l.time })
                }
                Op::Mul => {
                    if l.time && r.time {
                        return Err(FormulaError { kind: FormulaErrorKind::TwoTimes, position: rhs.start() });
                    }
                    let amount = l.amount.checked_mul(r.amount).ok_or_else(|| overflow(*at))?;
                    Ok(Value { amount, time: l.time || r.time })
                }
                Op::Div => {
                    if is_hour_conversion(rhs) {
                        return Ok(l);
                    }
                    if r.time {
                        return Err(FormulaError { kind: FormulaErrorKind::DivideByTime, position: rhs.start() });
                    }
                    if r.amount.is_zero() {
                        return Err(FormulaError { kind: FormulaErrorKind::DivideByZero, position: rhs.start() });
                    }
                    let amount = l.amount.checked_div(r.amount).ok_or_else(|| overflow(*at))?;
                    Ok(Value { amount, time: l.time })
                }
            }
        }
    }
}

/// The label that marks a `÷60` as the writer's conversion of minutes to hours.
pub(crate) const HOUR_CONVERSION: &str = "時間換算";

/// Whether a divisor is a bare 60 (no unit; labels only of the conversion kind: `60(分)`, `60（時間換算）`).
fn is_sixty(e: &Expr) -> bool {
    match e {
        Expr::Quantity { parts, labels_after, label_before: None, approx: false, .. } => {
            matches!(parts.as_slice(), [p] if p.unit == Unit::Bare && p.per.is_none() && p.number == Decimal::from(60))
                && labels_after.iter().all(|l| l.contains("換算") || matches!(l.as_str(), "分" | "時間" | "分/時間"))
        }
        _ => false,
    }
}

fn is_hour_conversion(e: &Expr) -> bool {
    is_sixty(e) && matches!(e, Expr::Quantity { labels_after, .. } if labels_after.iter().any(|l| l.contains("換算")))
}

/// What kind of time a product is written in.
#[derive(PartialEq, Clone, Copy)]
enum Written {
    None,
    /// Minutes: one `÷60` turns them into hours.
    Minutes,
    /// Seconds: a `÷60` turns them into minutes, a second one into hours.
    Seconds,
    /// Hours or person-time: a `÷60` would be a 60× error.
    Hours,
}

fn written_time(e: &Expr) -> Written {
    let mut written = Written::None;
    for q in e.quantities() {
        if let Expr::Quantity { parts, .. } = q {
            for p in parts {
                match p.unit {
                    Unit::Time(TimeUnit::Hour) | Unit::Person { .. } => return Written::Hours,
                    Unit::Time(TimeUnit::Minute) => written = Written::Minutes,
                    Unit::Time(TimeUnit::Second) if written == Written::None => written = Written::Seconds,
                    _ => {}
                }
            }
        }
    }
    written
}

/// Labels every `÷60` of a product written in minutes or seconds as the writer's unit conversion (so the canonical
/// text says so and evaluation keeps the value), and refuses a `÷60` on a product written in hours, or more of them
/// than the units allow (one for minutes, two for seconds).
pub(crate) fn mark_hour_conversions(e: &mut Expr) -> Result<()> {
    match e {
        Expr::Binary { op: Op::Mul | Op::Div, .. } => {
            let written = written_time(e);
            let mut seen = 0;
            mark_product(e, written, &mut seen)
        }
        Expr::Binary { lhs, rhs, .. } => {
            mark_hour_conversions(lhs)?;
            mark_hour_conversions(rhs)
        }
        Expr::Group { inner, .. } | Expr::Neg { inner, .. } => mark_hour_conversions(inner),
        Expr::Rate { per, inner, .. } => {
            for p in per {
                mark_hour_conversions(p)?;
            }
            mark_hour_conversions(inner)
        }
        Expr::Quantity { .. } => Ok(()),
    }
}

/// The factors of one product (`a×b÷c`, nested to the left, and the products inside its parenthesised factors:
/// `5分×(100件÷60)` is the same conversion as `5分×100件÷60`), each `÷60` checked and counted in `seen`; a factor
/// that is a sum is a product of its own.
fn mark_product(e: &mut Expr, written: Written, seen: &mut usize) -> Result<()> {
    match e {
        Expr::Binary { op: op @ (Op::Mul | Op::Div), lhs, rhs, .. } => {
            mark_product(lhs, written, seen)?;
            if *op == Op::Div && is_sixty(rhs) {
                let allowed = match written {
                    Written::Hours => {
                        return Err(FormulaError { kind: FormulaErrorKind::SixtyOnHours, position: rhs.start() });
                    }
                    Written::Minutes => 1,
                    Written::Seconds => 2,
                    Written::None => 0,
                };
                if allowed > 0 {
                    *seen += 1;
                    if *seen > allowed {
                        return Err(FormulaError { kind: FormulaErrorKind::SixtyTooMany, position: rhs.start() });
                    }
                    let label = if written == Written::Seconds && *seen == 1 { "分換算" } else { HOUR_CONVERSION };
                    if let Expr::Quantity { labels_after, .. } = rhs.as_mut()
                        && !labels_after.iter().any(|l| l.contains("換算"))
                    {
                        labels_after.retain(|l| !matches!(l.as_str(), "分" | "時間" | "分/時間"));
                        labels_after.push(label.to_string());
                    }
                }
            }
            mark_product(rhs, written, seen)
        }
        Expr::Group { inner, .. } if matches!(**inner, Expr::Binary { op: Op::Mul | Op::Div, .. }) => {
            mark_product(inner, written, seen)
        }
        other => mark_hour_conversions(other),
    }
}
