//! Tree → canonical text: full-width operators and parentheses, thousands separators, time units in Japanese,
//! labels kept. `5分×40か所×245日＝49,000分（816.7時間）`.

use super::ast::{Expr, Part, Unit};
use crate::number::group_thousands_into;

/// Decimals kept when rendering an input number: all of them (28 is the most a Decimal has). Input numbers are
/// exact, and the canonical text must parse back to the same value; rounding here once turned
/// `488888888.88888888888885` into a different formula (found by fuzzing: tests/fixtures/fuzz/formula).
const INPUT_PLACES: u32 = 28;

fn part(p: &Part, out: &mut String) {
    group_thousands_into(out, p.number, INPUT_PLACES);
    match &p.unit {
        Unit::Time(u) => out.push_str(u.canonical()),
        Unit::Person { word, .. } | Unit::Count(word) => out.push_str(word),
        Unit::Percent => out.push('％'),
        Unit::Bare => {}
    }
    if let Some(per) = &p.per {
        out.push_str(per);
    }
    // The factor is part of the canonical text (after any `/件`), so it reads back to the same minutes under any
    // settings.
    if let Unit::Person { word, hours, .. } = &p.unit {
        out.push('（');
        out.push_str(&super::parser::pin_label(word, *hours));
        out.push('）');
    }
}

fn labels(labels_after: &[String], out: &mut String) {
    for l in labels_after {
        out.push('（');
        out.push_str(l);
        out.push('）');
    }
}

/// Whether an operand needs parentheses to keep its meaning under `parent` (a sum inside a product).
fn needs_group(e: &Expr, parent_is_product: bool, right_of_minus_or_div: bool) -> bool {
    match e {
        Expr::Binary { op, .. } => {
            let is_sum = matches!(op, super::ast::Op::Add | super::ast::Op::Sub);
            (parent_is_product && is_sum) || right_of_minus_or_div
        }
        Expr::Neg { marker: false, .. } => parent_is_product,
        _ => false,
    }
}

pub(crate) fn render(e: &Expr, out: &mut String) {
    match e {
        Expr::Quantity { parts, approx, label_before, labels_after, .. } => {
            if let Some(l) = label_before {
                out.push_str(l);
            }
            if *approx {
                out.push('約');
            }
            for p in parts {
                part(p, out);
            }
            labels(labels_after, out);
        }
        Expr::Group { inner, label_before, labels_after, .. } => {
            if let Some(l) = label_before {
                out.push_str(l);
            }
            out.push('（');
            render(inner, out);
            out.push('）');
            labels(labels_after, out);
        }
        Expr::Neg { inner, marker, .. } => {
            out.push(if *marker { '▲' } else { '－' });
            render(inner, out);
        }
        Expr::Rate { per, word, inner, .. } => {
            for p in per {
                render(p, out);
            }
            out.push_str(word);
            render(inner, out);
        }
        Expr::Binary { op, lhs, rhs, .. } => {
            use super::ast::Op;
            let product = matches!(op, Op::Mul | Op::Div);
            let wrap = |e: &Expr, right: bool, out: &mut String| {
                let strict_right = right && matches!(op, Op::Sub | Op::Div);
                let same_level_right = right
                    && matches!(e, Expr::Binary { op: inner, .. }
                        if matches!(inner, Op::Mul | Op::Div) == product);
                if needs_group(e, product, strict_right && same_level_right) {
                    out.push('（');
                    render(e, out);
                    out.push('）');
                } else {
                    render(e, out);
                }
            };
            wrap(lhs, false, out);
            out.push(op.canonical());
            wrap(rhs, true, out);
        }
    }
}
