//! The totals a return writes — 小計 under each group, 合計 at the end or at the top, a row with only a figure, a
//! total above the header — are the department's own arithmetic. None is ever a line; each is checked against the
//! lines it covers, and a total that does not add up is a warning with both figures.
//!
//! Which lines a total covers: a 小計 (or a group's 計) the lines since the previous total; a 小計 right after
//! another (「課計」 then 「部計」) the lines since the previous such pair, so nested group totals each check; a 合計
//! every line since the previous 合計; a total without a label whichever of those its figure agrees with; a total
//! written before any line (at the top of the table, or above the header) every line of the table.

use rust_decimal::Decimal;

use super::row::{SkipKind, SkippedRow};
use super::vocabulary::TotalLevel;
use crate::number::{group_thousands, last_place};

/// Whether a written figure agrees with an exact sum: within one unit of the last place it was written with (as the
/// stated-result check of formulas).
pub(crate) fn agrees(written: Decimal, sum: Decimal) -> bool {
    crate::formula::compare(sum, written, last_place(written)).matches
}

/// The lines a total covers: their hours and rows.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Run {
    pub hours: Decimal,
    pub first: usize,
    pub last: usize,
    pub lines: usize,
    /// A line it covers could not be read: its sum is unknown, so it is not checked.
    pub broken: bool,
}

impl Run {
    fn add(&mut self, row: usize, hours: Decimal) {
        if self.lines == 0 {
            self.first = row;
        }
        self.last = row;
        self.hours += hours;
        self.lines += 1;
    }

    fn join(&mut self, other: &Run) {
        if other.lines > 0 {
            if self.lines == 0 {
                self.first = other.first;
            }
            self.first = self.first.min(other.first);
            self.last = self.last.max(other.last);
            self.hours += other.hours;
            self.lines += other.lines;
        }
        self.broken |= other.broken;
    }
}

/// A total row as written: where, what kind, its label, and its figure in each figure set that has one
/// (set, column, hours).
pub(crate) struct WrittenTotal {
    pub row: usize,
    pub kind: SkipKind,
    pub level: Option<TotalLevel>,
    pub label: String,
    pub figures: Vec<(usize, Option<usize>, Decimal)>,
}

/// A total checked: the row to list, and the warning (its column and message) when it does not add up.
pub(crate) struct Checked {
    pub skipped: SkippedRow,
    pub warning: Option<(Option<usize>, String)>,
}

/// The running sums of lines, per figure set (a header that splits figures by basis has one set per basis).
pub(crate) struct Tracker {
    since_total: Vec<Run>,
    block: Vec<Run>,
    since_all: Vec<Run>,
    whole: Vec<Run>,
    /// The row before was a total (a 小計 now follows another).
    after_total: bool,
    /// Totals written before any line: checked against the whole table at the end.
    pending: Vec<WrittenTotal>,
}

impl Tracker {
    pub fn new(sets: usize) -> Self {
        let runs = vec![Run::default(); sets.max(1)];
        Self {
            since_total: runs.clone(),
            block: runs.clone(),
            since_all: runs.clone(),
            whole: runs,
            after_total: false,
            pending: Vec::new(),
        }
    }

    /// A line of a figure set, with the hours it counts for (what it states, else its formula's result).
    pub fn line(&mut self, set: usize, row: usize, hours: Decimal) {
        for runs in [&mut self.since_total, &mut self.block, &mut self.since_all, &mut self.whole] {
            if let Some(run) = runs.get_mut(set) {
                run.add(row, hours);
            }
        }
        self.after_total = false;
    }

    /// A line that could not be read: the totals over it cannot be checked.
    pub fn broken(&mut self) {
        for runs in [&mut self.since_total, &mut self.block, &mut self.since_all, &mut self.whole] {
            runs.iter_mut().for_each(|r| r.broken = true);
        }
        self.after_total = false;
    }

    /// Whether any line has been read (a row with only a figure before that is not a total of anything).
    pub fn has_lines(&self) -> bool {
        self.whole.iter().any(|r| r.lines > 0 || r.broken)
    }

    /// Checks a total row against the lines it covers, and moves the running sums on.
    pub fn total(&mut self, t: WrittenTotal) -> Vec<Checked> {
        if !self.has_lines() {
            self.pending.push(t);
            return Vec::new();
        }
        let mut out = Vec::new();
        // Which running sum the total covers, decided per figure set; the sums move on once, after all sets.
        let mut covered = t.level.map(|l| if l == TotalLevel::All { Cover::All } else { self.group_cover() });
        for &(set, col, stated) in &t.figures {
            let cover = match t.level {
                Some(_) => covered.unwrap_or(Cover::Since),
                None => {
                    let found = self.unlabeled_cover(set, stated);
                    covered.get_or_insert(found);
                    found
                }
            };
            let run = self.run(cover, set);
            out.push(check(&t, col, stated, run, "その行より上の"));
        }
        if t.figures.is_empty() {
            out.push(Checked { skipped: listed(&t, None, None), warning: None });
        }
        self.advance(covered.unwrap_or_else(|| self.group_cover()));
        out
    }

    /// The totals written before any line and above the header, checked against every line of the table.
    pub fn finish(&mut self, above: Vec<WrittenTotal>) -> Vec<Checked> {
        let mut whole = Run::default();
        self.whole.iter().for_each(|r| whole.join(r));
        let sets = self.whole.len();
        let mut out = Vec::new();
        for t in std::mem::take(&mut self.pending).into_iter().chain(above) {
            for &(set, col, stated) in &t.figures {
                // Above the header a figure names no set: with several sets it could be any of them.
                let run = if t.kind == SkipKind::TitleTotal {
                    (sets == 1).then_some(whole)
                } else {
                    self.whole.get(set).copied()
                };
                match run {
                    Some(run) => out.push(check(&t, col, stated, run, "表の")),
                    None => out.push(Checked { skipped: listed(&t, Some(stated), None), warning: None }),
                }
            }
        }
        out
    }

    fn group_cover(&self) -> Cover {
        if self.after_total { Cover::Block } else { Cover::Since }
    }

    /// A total without a label covers whichever run its figure agrees with: the lines since the previous total,
    /// the block of nested totals, or every line since the previous 合計.
    fn unlabeled_cover(&self, set: usize, stated: Decimal) -> Cover {
        let natural = self.group_cover();
        [natural, Cover::Block, Cover::All]
            .into_iter()
            .find(|c| {
                let run = self.run(*c, set);
                run.lines > 0 && !run.broken && agrees(stated, run.hours)
            })
            .unwrap_or(natural)
    }

    fn run(&self, cover: Cover, set: usize) -> Run {
        let runs = match cover {
            Cover::Since => &self.since_total,
            Cover::Block => &self.block,
            Cover::All => &self.since_all,
        };
        runs.get(set).copied().unwrap_or_default()
    }

    fn advance(&mut self, cover: Cover) {
        let reset = |runs: &mut Vec<Run>| runs.iter_mut().for_each(|r| *r = Run::default());
        reset(&mut self.since_total);
        if cover != Cover::Since {
            reset(&mut self.block);
        }
        if cover == Cover::All {
            reset(&mut self.since_all);
        }
        self.after_total = true;
    }
}

/// Which running sum a total covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cover {
    Since,
    Block,
    All,
}

fn listed(t: &WrittenTotal, stated: Option<Decimal>, run: Option<&Run>) -> SkippedRow {
    SkippedRow {
        row: t.row,
        kind: t.kind,
        text: t.label.clone(),
        stated_hours: stated,
        lines_hours: run.filter(|r| !r.broken).map(|r| r.hours.normalize()),
        covers: run.filter(|r| r.lines > 0 && !r.broken).map(|r| (r.first, r.last)),
        matches: run.filter(|r| !r.broken).map(|r| r.lines > 0 && agrees(stated.unwrap_or_default(), r.hours)),
    }
}

fn check(t: &WrittenTotal, col: Option<usize>, stated: Decimal, run: Run, scope: &str) -> Checked {
    let skipped = listed(t, Some(stated), Some(&run));
    if skipped.matches != Some(false) {
        return Checked { skipped, warning: None };
    }
    let what = match (t.kind, t.label.is_empty()) {
        (SkipKind::TitleTotal, _) => format!("表の上の「{}」", t.label),
        (_, true) => "業務名のない数値だけの行（小計・合計の行と見て取り込みません）".to_string(),
        (_, false) => format!("「{}」の行", t.label),
    };
    let covered = if run.lines > 0 {
        format!("{}〜{}行目の{}行の合計 {}時間", run.first, run.last, run.lines, group_thousands(run.hours, 2))
    } else {
        format!("{scope}行の合計 0時間（対象の行がありません）")
    };
    let message = format!(
        "{what}: 記載の {}時間 が、{covered} と一致しません（差 {}時間）。この行は取り込まず、各行の値を取り込みます。記載の誤りか、行の漏れがないか提出元に確認してください",
        group_thousands(stated, 2),
        group_thousands(stated - run.hours, 2)
    );
    Checked { skipped, warning: Some((col, message)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn total(tracker: &mut Tracker, row: usize, level: Option<TotalLevel>, hours: &str) -> Option<bool> {
        let t = WrittenTotal {
            row,
            kind: SkipKind::Subtotal,
            level,
            label: String::new(),
            figures: vec![(0, None, d(hours))],
        };
        tracker.total(t).first().and_then(|c| c.skipped.matches)
    }

    /// 課計, 課計, 部計, then again, then 合計: each covers its own lines; a total at the top covers the whole table.
    #[test]
    fn nested_and_top_totals_cover_their_lines() {
        let mut t = Tracker::new(1);
        let top = WrittenTotal {
            row: 1,
            kind: SkipKind::Total,
            level: Some(TotalLevel::All),
            label: "合計".into(),
            figures: vec![(0, None, d("60"))],
        };
        assert!(t.total(top).is_empty(), "a total before any line waits for the table");
        t.line(0, 2, d("10"));
        assert_eq!(total(&mut t, 3, Some(TotalLevel::Group), "10"), Some(true), "課1計");
        t.line(0, 4, d("20"));
        assert_eq!(total(&mut t, 5, Some(TotalLevel::Group), "20"), Some(true), "課2計");
        assert_eq!(total(&mut t, 6, Some(TotalLevel::Group), "30"), Some(true), "部計 right after covers both");
        t.line(0, 7, d("30"));
        assert_eq!(total(&mut t, 8, None, "30"), Some(true), "a figure-only 課計");
        assert_eq!(total(&mut t, 9, None, "30"), Some(true), "a figure-only 部計 right after it");
        assert_eq!(total(&mut t, 10, Some(TotalLevel::All), "60"), Some(true), "合計");
        assert_eq!(total(&mut t, 11, None, "61"), Some(false), "a wrong figure-only total after everything");
        let end = t.finish(Vec::new());
        assert_eq!(end.len(), 1);
        assert_eq!(end[0].skipped.matches, Some(true), "the top 合計 is the whole table");
    }
}
