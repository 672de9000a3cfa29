//! What one cell says: a number with its unit (`約1,850時間`, `30分`, `1,200件`), and an effect cell that holds a
//! formula, a stated figure, or several measures each with its name, figure and formula
//! (`◆窓口での確認時間の削減 120時間 2分×3,600件=7,200分 ◆審査時間の削減 77.5時間 …`).

use rust_decimal::Decimal;

use super::workbook::Cell;
use crate::formula::{Conversions, Formula, TimeUnit};
use crate::number::{nfkc, parse_decimal};

/// What a number column counts, for unit conversion and messages.
#[derive(Clone, Copy)]
pub(crate) enum Quantity {
    /// Minutes: `30`, `30分`, `1時間` (→ 60), `90秒` (→ 1.5).
    Minutes,
    /// Hours: `1,850`, `1,850時間`, `30分` (→ 0.5).
    Hours,
    /// A count with any label word (`1,200件`, `245日`), never a time.
    Count,
}

impl Quantity {
    pub(crate) fn hint(self) -> &'static str {
        match self {
            Quantity::Minutes => "分単位の数値を入力してください（例: 30 または 30分）",
            Quantity::Hours => "時間単位の数値を入力してください（例: 1,850 または 1,850時間）",
            Quantity::Count => "数を入力してください（例: 1,200 または 1,200件）",
        }
    }

    pub(crate) fn convert(self, value: Decimal, unit: &str) -> Result<Decimal, String> {
        let time = TimeUnit::from_word(unit.trim());
        let seconds = |u: TimeUnit| value * u.seconds();
        match (self, time) {
            (_, None) if unit.trim().is_empty() => Ok(value),
            (Quantity::Minutes, Some(u)) => Ok((seconds(u) / Decimal::from(60)).normalize()),
            (Quantity::Hours, Some(u)) => Ok((seconds(u) / Decimal::from(3600)).normalize()),
            (Quantity::Count, Some(_)) => Err(format!(
                "件数・日数の欄に時間の単位「{unit}」があります。時間は算定式か分/件の欄に入力してください"
            )),
            (Quantity::Count, None) => Ok(value),
            (_, None) => Err(format!("単位「{unit}」は使えません。{}", self.hint())),
        }
    }
}

/// Splits `約1,850時間` into (1850, "時間"); a leading 約 and spaces are dropped, ▲ and △ are minus signs.
pub(crate) fn split_unit(text: &str) -> (Option<Decimal>, String) {
    let t = nfkc(text);
    let t = t.strip_prefix('約').unwrap_or(&t).trim();
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '−' | '▲' | '△')))
        .map_or(t.len(), |(i, _)| i);
    let (number, unit) = t.split_at(end);
    (parse_decimal(number), unit.trim().to_string())
}

/// A figure of hours written alone (`120`, `120時間`, `約1,600時間`, `90分`), if the text is one.
pub(crate) fn hours_figure(text: &str) -> Option<Decimal> {
    let (value, unit) = split_unit(text);
    let value = value?;
    Quantity::Hours.convert(value, &unit).ok()
}

/// Whether a cell holds a figure: a number, or text that is a number with a time or count word.
pub(crate) fn is_figure_cell(cell: &Cell) -> bool {
    match cell {
        Cell::Number(_) => true,
        Cell::Text(t) => {
            let (value, unit) = split_unit(t);
            value.is_some() && unit.chars().count() <= 3
        }
        _ => false,
    }
}

/// One measure of an effect cell: its name, formula and stated hours (any may be missing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub label: Option<String>,
    pub formula: Option<String>,
    pub stated_hours: Option<Decimal>,
    /// The formula, parsed once here and carried on (never parsed again on the way in).
    pub parsed: Option<Formula>,
}

/// The marks that start a measure in a cell with several (◆窓口での確認 … ◆審査 …).
fn is_item_mark(c: char) -> bool {
    matches!(c, '◆' | '◇' | '●' | '○' | '■' | '□' | '★' | '☆' | '▼' | '▽' | '▶' | '►' | '・' | '①'..='⑳')
}

/// Splits a cell at its item marks (a mark at the start or after a space or line break).
/// Splits a cell at its item marks (a mark at the start or after a space or line break): the text before the first
/// mark, if any, and the items. A cell without marks is one item.
pub(crate) fn split_items(text: &str) -> (Option<String>, Vec<String>) {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_space = true;
    let mut marks = 0;
    for c in text.chars() {
        if is_item_mark(c) && prev_space {
            parts.push(current.trim().to_string());
            marks += 1;
            current.clear();
            prev_space = true;
            continue;
        }
        prev_space = c.is_whitespace();
        current.push(c);
    }
    parts.push(current.trim().to_string());
    if marks == 0 {
        return (None, vec![text.trim().to_string()]);
    }
    let preamble = Some(parts.remove(0)).filter(|p| !p.is_empty());
    (preamble, parts.into_iter().filter(|p| !p.is_empty()).collect())
}

/// Reads one measure: `窓口での確認時間の削減 120時間 2分×3,600件=7,200分` → its name, its stated 120 hours and its
/// formula. The name is the words before the first number; a figure of hours alone before or after the formula is
/// the stated figure.
fn read_item(text: &str, conversions: &Conversions) -> Result<Item, String> {
    let chunks: Vec<&str> = text.split_whitespace().collect();
    let has_digit = |s: &str| nfkc(s).chars().any(|c| c.is_ascii_digit());
    let label_end = chunks.iter().position(|c| has_digit(c)).unwrap_or(chunks.len());
    let label = (label_end > 0).then(|| chunks[..label_end].join(" ").trim_end_matches([':', '：']).to_string());
    let mut rest: Vec<&str> = chunks[label_end..].to_vec();
    let mut stated = None;
    if rest.len() == 1
        && let Some(h) = hours_figure(rest[0])
    {
        return Ok(Item { label, formula: None, stated_hours: Some(h), parsed: None });
    }
    loop {
        if rest.is_empty() {
            return match stated {
                Some(_) => Ok(Item { label, formula: None, stated_hours: stated, parsed: None }),
                None => Err("数値も算定式もありません".into()),
            };
        }
        let joined = rest.join(" ");
        if let Ok(f) = Formula::parse_with(&joined, conversions) {
            return Ok(Item { label, formula: Some(joined), stated_hours: stated, parsed: Some(f) });
        }
        if stated.is_none()
            && let Some(h) = hours_figure(rest[0])
        {
            stated = Some(h);
            rest.remove(0);
            continue;
        }
        if stated.is_none()
            && let Some(h) = rest.last().and_then(|l| hours_figure(l))
        {
            stated = Some(h);
            rest.pop();
            continue;
        }
        // The formula's own refusal says where it fails.
        return Err(match Formula::parse_with(&joined, conversions) {
            Err(e) => format!("「{joined}」を算定式として読めません（{e}）"),
            Ok(_) => format!("「{joined}」を読めません"),
        });
    }
}

/// What an effect cell holds: its measures, and the figure written before the first mark (「計 197.5時間 ◆…」), which
/// is their total, to check.
#[derive(Debug)]
pub(crate) struct ItemCell {
    pub items: Vec<Item>,
    pub total: Option<Decimal>,
}

/// Why an effect cell cannot be read.
#[derive(Debug)]
pub(crate) enum ItemError {
    /// A plain formula the engine refuses, with its own position.
    Formula(crate::formula::FormulaError),
    /// A cell of several measures, or a measure with a name and a figure, that cannot be read: why.
    Measure(String),
}

/// The items of an effect cell: one for a plain formula (read as it is), several for a cell with several measures.
pub(crate) fn read_items(text: &str, conversions: &Conversions) -> Result<ItemCell, ItemError> {
    let (preamble, parts) = split_items(text);
    if let ([one], None) = (parts.as_slice(), &preamble) {
        // A plain formula is read as it is, labels and all (`選考業務1,300時間`, `約1,600時間`); only what the
        // engine refuses is tried as a measure with a name and a stated figure.
        return match Formula::parse_with(one, conversions) {
            Ok(f) => Ok(ItemCell {
                items: vec![Item { label: None, formula: Some(one.clone()), stated_hours: None, parsed: Some(f) }],
                total: None,
            }),
            Err(e) => match read_item(one, conversions) {
                Ok(item) if item.label.is_some() || item.stated_hours.is_some() => {
                    Ok(ItemCell { items: vec![item], total: None })
                }
                _ => Err(ItemError::Formula(e)),
            },
        };
    }
    // Before the first mark, only their total may stand (「計 197.5時間」「合計：197.5時間」「197.5時間」).
    let total = match &preamble {
        None => None,
        Some(p) => {
            let figure = p.find(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)).and_then(|at| {
                let head = p[..at].trim().trim_end_matches([':', '：']).trim();
                let named = head.is_empty() || super::vocabulary::total_label(head, |_| false).is_some();
                named.then(|| hours_figure(&p[at..])).flatten()
            });
            match figure {
                Some(h) => Some(h),
                None => {
                    return Err(ItemError::Measure(format!(
                        "最初の項目の印（◆・など）の前に「{p}」があります。項目の合計なら「計 197.5時間」の形にするか、削除してください"
                    )));
                }
            }
        }
    };
    let items =
        parts.iter().map(|p| read_item(p, conversions)).collect::<Result<Vec<_>, _>>().map_err(ItemError::Measure)?;
    Ok(ItemCell { items, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_cell_with_several_measures_gives_one_item_each() {
        let c = Conversions::default();
        let items = read_items(
            "◆窓口での確認時間の削減 120時間 2分×3,600件=7,200分 ◆審査時間の削減 77.5時間 2人×7.75時間×5日=77.5時間",
            &c,
        )
        .unwrap()
        .items;
        let items: Vec<(Option<String>, Option<String>, Option<Decimal>)> =
            items.into_iter().map(|i| (i.label, i.formula, i.stated_hours)).collect();
        assert_eq!(
            items,
            [
                (Some("窓口での確認時間の削減".into()), Some("2分×3,600件=7,200分".into()), Some(d("120"))),
                (Some("審査時間の削減".into()), Some("2人×7.75時間×5日=77.5時間".into()), Some(d("77.5"))),
            ]
        );
        let plain = read_items("選考業務1,300時間", &c).unwrap().items;
        assert_eq!(plain[0].formula.as_deref(), Some("選考業務1,300時間"), "a plain formula is read as it is");
        let approx = read_items("約1,600時間", &c).unwrap().items;
        assert_eq!(approx[0].formula.as_deref(), Some("約1,600時間"), "a figure in the formula column is a formula");
        let stated = read_items("◆窓口 120時間 ◆審査 30時間", &c).unwrap().items;
        assert_eq!((stated[0].formula.clone(), stated[1].stated_hours), (None, Some(d("30"))), "stated figures alone");
        let one = read_items("120時間 2分×3,600件", &c).unwrap().items;
        assert_eq!((one[0].formula.as_deref(), one[0].stated_hours), (Some("2分×3,600件"), Some(d("120"))));
        assert!(read_items("◆窓口 ◆審査 5分", &c).is_err(), "a measure without a figure is refused");
        assert_eq!(split_items("AI・OCRの導入 5分×40件").1.len(), 1, "a ・ inside a word is not an item mark");
        let with_total =
            read_items("計 197.5時間 ◆窓口 120時間 2分×3,600件 ◆審査 77.5時間 2人×7.75時間×5日", &c).unwrap();
        assert_eq!(
            (with_total.total, with_total.items.len()),
            (Some(d("197.5")), 2),
            "the figure before the marks is their total"
        );
        assert!(read_items("窓口の対応 ◆入力 10時間 ◆照合 5時間", &c).is_err(), "a name before the marks is refused");
    }
}
