//! Tree → exact minutes, with a dimension check: a value is either a time (dimension 1, in seconds) or a count
//! (dimension 0). Products add dimensions and must never go above one time factor; sums need equal dimensions.

use rust_decimal::Decimal;

use super::ast::{Expr, Op, Unit};
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
