//! `daicho demo`: a realistic, invented sample city, so a new user sees a living ledger. Deterministic (a fixed
//! seed), so the README's example output stays true.
//!
//! みどり市 (invented): 15 部局, 60 課, 150 initiatives started over 令和元〜6年度, effects for 令和2〜6年度,
//! targets 2,400 → 5,600 hours, and the reorganisations a real city goes through: 子ども部 renamed こども部
//! (令和5年度), 市民税課 and 資産税課 merged into 課税課 (令和4年度), 広報広聴課 renamed 広報課 (令和6年度).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::Write;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{
    Basis, EffectInput, Evaluation, Grade, InitiativeFields, Kind, NewEffect, Status, Structured, Target,
};
use crate::org::Level;

/// What the demo wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoStats {
    pub bureaus: usize,
    pub sections: usize,
    pub initiatives: usize,
    pub effects: usize,
    pub targets: usize,
    pub ocr_measures: usize,
}

const ORGANISATION: &[(&str, &str, [&str; 4])] = &[
    ("01", "総務部", ["総務課", "人事課", "契約課", "情報政策課"]),
    ("02", "企画政策部", ["企画課", "財政課", "広報広聴課", "DX推進課"]),
    ("03", "財務部", ["税務課", "市民税課", "資産税課", "納税課"]),
    ("04", "市民部", ["市民課", "保険年金課", "市民相談課", "戸籍住民課"]),
    ("05", "福祉部", ["福祉総務課", "障害福祉課", "生活支援課", "介護保険課"]),
    ("06", "子ども部", ["保育課", "子育て支援課", "こども家庭課", "幼児教育課"]),
    ("07", "健康部", ["健康推進課", "保健予防課", "国民健康保険課", "地域医療課"]),
    ("08", "環境部", ["環境政策課", "ごみ対策課", "清掃事務所", "環境保全課"]),
    ("09", "経済部", ["商工振興課", "観光課", "農政課", "雇用労働課"]),
    ("10", "都市整備部", ["都市計画課", "建築指導課", "住宅課", "公園緑地課"]),
    ("11", "建設部", ["道路管理課", "道路整備課", "河川課", "用地課"]),
    ("12", "上下水道局", ["経営総務課", "料金課", "給水課", "下水道課"]),
    ("13", "教育委員会事務局", ["教育総務課", "学務課", "学校給食課", "生涯学習課"]),
    ("14", "消防局", ["消防総務課", "予防課", "警防課", "指令課"]),
    ("15", "議会事務局", ["総務課", "議事課", "調査課", "政策法務課"]),
];

const RPA_TASKS: &[&str] = &[
    "時間外勤務実績の集計",
    "会計伝票の起票",
    "給与支払報告書のデータ入力",
    "住民異動届の審査補助",
    "口座振替依頼書の登録",
    "ふるさと納税受付データの取込",
    "児童手当現況届の審査",
    "介護保険認定結果通知の作成",
    "国民健康保険資格異動処理",
    "道路占用許可台帳の更新",
    "粗大ごみ収集申込の受付入力",
    "保育料の算定補助",
    "税証明発行データの照合",
    "障害福祉サービス受給者証の発行",
    "生活保護費の支給データ作成",
    "研修受講申込の集計",
    "物品購入伺の作成",
    "施設予約データの集計",
    "健診結果データの取込",
    "予防接種履歴の登録",
    "水道開閉栓受付の入力",
    "就学援助申請の審査補助",
    "公用車運行記録の集計",
    "議会会議録の校正補助",
];

const OCR_FORMS: &[&str] = &[
    "保育所入所申込書",
    "償却資産申告書",
    "給与支払報告書",
    "住民異動届",
    "児童手当現況届",
    "介護保険要介護認定申請書",
    "口座振替依頼書",
    "アンケート調査票",
    "特定健診問診票",
    "水道使用開始届",
];

const OTHER_MEASURES: &[(&str, &str)] = &[
    ("電子申請による各種届出の受付", "電子申請システム"),
    ("会議録の自動作成", "議事録作成支援AI"),
    ("窓口キャッシュレス決済の導入", "POSレジ"),
    ("現場立会のリモート化", "Web会議システム"),
    ("問合せ対応のチャットボット化", "AIチャットボット"),
];

const RPA_TOOLS: &[&str] = &["WinActor", "UiPath", "BizRobo!", "Power Automate Desktop"];
const OCR_TOOLS: &[&str] = &["DX Suite", "AIよみと～る", "Tegaki"];

/// A small deterministic generator (xorshift64*), so the demo is the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

struct Planned {
    id: i64,
    kind: Kind,
    start: FiscalYear,
    /// Hours the initiative saves a year, roughly.
    size: i64,
    /// The fiscal year it stops (停止/廃止), if it does.
    ends: Option<(FiscalYear, Status)>,
    /// A robot that made the task slower: a negative result, recorded honestly.
    slower: bool,
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::Internal(format!("bad demo date {y}-{m}-{d}")))
}

/// A formula saving about `hours` a year, in one of the notations departments use.
fn effect_input(rng: &mut Rng, kind: Kind, hours: i64) -> (EffectInput, Option<Decimal>) {
    let minutes_total = hours * 60;
    let round_to = |v: i64, step: i64| ((v + step / 2) / step).max(1) * step;
    let input = match (kind, rng.below(20)) {
        (Kind::AiOcr, _) | (Kind::RpaAiOcr, 0..=2) => {
            let per = *rng.pick(&[2i64, 3, 4, 5]);
            EffectInput::Formula(format!("{per}分×{}枚", group(round_to(minutes_total / per, 10))))
        }
        (_, 0..=4) => {
            let per = *rng.pick(&[5i64, 10, 15, 20, 30]);
            EffectInput::Formula(format!("{per}分×{}件", group(round_to(minutes_total / per, 10))))
        }
        (_, 5..=7) => {
            let per = *rng.pick(&[3i64, 5, 8, 10]);
            let days = 245;
            EffectInput::Formula(format!("{per}分×{}か所×{days}日", (minutes_total / per / days).max(1)))
        }
        (_, 8..=11) => {
            let before = *rng.pick(&[20i64, 30, 45, 60]);
            let after = before / *rng.pick(&[3i64, 4, 6]);
            let count = round_to(minutes_total / (before - after), 10);
            EffectInput::Structured(Structured {
                before_minutes: Some(Decimal::from(before)),
                after_minutes: Some(Decimal::from(after)),
                count: Some(Decimal::from(count)),
                ..Structured::default()
            })
        }
        (_, 12..=14) => {
            let per = *rng.pick(&[2i64, 3, 4]);
            let times = (hours / per / 12).max(1);
            EffectInput::Formula(format!("{per}時間×{times}回×12か月"))
        }
        (_, 15..=16) => {
            let people = *rng.pick(&[2i64, 3, 4]);
            let per = *rng.pick(&[10i64, 15, 20]);
            let days = (minutes_total / people / per).max(1);
            EffectInput::Formula(format!("{per}分×{people}人×{days}日"))
        }
        (_, 17..=18) => {
            let per = *rng.pick(&[30i64, 40]);
            let cases = (minutes_total / per / 2).max(1);
            EffectInput::Formula(format!("{per}分×2(往復)×1人×{cases}件"))
        }
        _ => {
            return (EffectInput::StatedOnly, Some(Decimal::from(round_to(hours, 10))));
        }
    };
    (input, None)
}

fn group(n: i64) -> String {
    crate::number::group_thousands(Decimal::from(n), 0)
}

/// The hours a department states for a computed figure, rounded by hand in one of the habits of the domain
/// primer; now and then a figure that disagrees, for the 検算 list.
fn stated_hours(rng: &mut Rng, minutes: Decimal) -> Option<Decimal> {
    let hours = minutes / Decimal::from(60);
    match rng.below(40) {
        0..=11 => None,
        12..=20 => Some(hours.ceil()),
        21..=28 => Some(hours.floor()),
        29..=38 => Some(crate::number::round_half_up(hours, 1)),
        _ => Some((hours * Decimal::new(11, 1)).round()),
    }
}

/// Fills an empty ledger with the sample city. Refuses a ledger that already holds initiatives.
/// The sample city's name: a ledger named so holds the sample, which may be removed.
pub const ORGANISATION_NAME: &str = "みどり市（架空）";

pub fn populate(tx: &mut dyn Write) -> Result<DemoStats> {
    let existing = tx.initiative_count()?;
    if existing > 0 {
        return Err(Error::Conflict(format!(
            "台帳にはすでに {existing} 件の取組があります。サンプルデータは空の台帳にだけ入れられます（--db で新しいファイルを指定してください）"
        )));
    }
    let mut stats = DemoStats::default();
    let mut rng = Rng(0x0da1_c40d_a1c4_0001);
    tx.set_setting("organisation_name", ORGANISATION_NAME)?;

    let mut sections: Vec<(i64, &str)> = Vec::new();
    let mut bureau_ids = Vec::new();
    let mut merged = (0, 0);
    let mut kouhou = 0;
    let mut kodomo = 0;
    let mut dx = 0;
    for (code, bureau, children) in ORGANISATION {
        let b = tx.add_unit(Level::Bureau, None, bureau, Some(code), None, None)?;
        bureau_ids.push(b);
        stats.bureaus += 1;
        for (i, name) in children.iter().enumerate() {
            let s = tx.add_unit(Level::Section, Some(b), name, Some(&format!("{code}{:02}", i + 1)), None, None)?;
            stats.sections += 1;
            match *name {
                "市民税課" => merged.0 = s,
                "資産税課" => merged.1 = s,
                "広報広聴課" => kouhou = s,
                "DX推進課" => dx = s,
                _ => {}
            }
            sections.push((s, name));
        }
        if *bureau == "子ども部" {
            kodomo = b;
        }
    }
    let zeimu_bureau = bureau_ids[2];
    tx.add_alias(dx, "DX推進室")?;
    tx.add_alias(kodomo, "子供部")?;
    tx.add_unit(Level::Team, Some(sections[3].0), "システム係", None, None, None)?;

    // Plan the initiatives: how many start in each fiscal year (令和元〜6年度).
    let starts: [(i32, usize); 6] = [(2019, 30), (2020, 25), (2021, 28), (2022, 27), (2023, 25), (2024, 15)];
    let mut planned: Vec<Planned> = Vec::new();
    let mut kazei = 0;
    for fy in 2020..=2024 {
        let fy = FiscalYear(fy);
        // April reorganisations take effect before anything is reported for the year.
        match fy.0 {
            2022 => {
                kazei = tx.add_unit(Level::Section, Some(zeimu_bureau), "課税課", Some("0305"), Some(fy), None)?;
                stats.sections += 1;
                tx.merge_units(&[merged.0, merged.1], kazei, fy)?;
            }
            2023 => tx.rename_unit(kodomo, "こども部", fy)?,
            2024 => tx.rename_unit(kouhou, "広報課", fy)?,
            _ => {}
        }
        let starting: Vec<(i32, usize)> =
            starts.iter().copied().filter(|(y, _)| *y == fy.0 || (fy.0 == 2020 && *y == 2019)).collect();
        for (year, count) in starting {
            for _ in 0..count {
                let kind = match rng.below(20) {
                    0..=11 => Kind::Rpa,
                    12..=15 => Kind::AiOcr,
                    16..=17 => Kind::RpaAiOcr,
                    _ => Kind::Other,
                };
                let mut unit = rng.pick(&sections).0;
                if unit == merged.0 || unit == merged.1 {
                    if year >= 2022 {
                        unit = kazei;
                    }
                } else if year < 2022 && unit == kazei {
                    unit = merged.0;
                }
                let (title, tool) = match kind {
                    Kind::Rpa => (rng.pick(RPA_TASKS).to_string(), rng.pick(RPA_TOOLS).to_string()),
                    Kind::AiOcr => (format!("{}の読取", rng.pick(OCR_FORMS)), rng.pick(OCR_TOOLS).to_string()),
                    Kind::RpaAiOcr => {
                        (format!("{}の読取・システム登録", rng.pick(OCR_FORMS)), rng.pick(OCR_TOOLS).to_string())
                    }
                    Kind::Other => {
                        let (t, tool) = rng.pick(OTHER_MEASURES);
                        (t.to_string(), tool.to_string())
                    }
                };
                let start_fy = FiscalYear(year);
                let started_on = date(year, *rng.pick(&[4u32, 4, 7, 10, 1]), 1)?;
                let started_on =
                    if started_on.format("%m").to_string() == "01" { date(year + 1, 1, 1)? } else { started_on };
                let ends = if year <= 2022 && rng.chance(8) {
                    let end = FiscalYear(year + 1 + rng.below(2) as i32);
                    Some((end, if rng.chance(50) { Status::Suspended } else { Status::Abolished }))
                } else {
                    None
                };
                let status_at_start = if year == 2024 { Status::Trial } else { Status::Operating };
                let fields = InitiativeFields {
                    ledger_id: None,
                    numbered_in: None,
                    kind,
                    title,
                    unit_id: unit,
                    tool: Some(tool),
                    vendor: None,
                    status: status_at_start,
                    started_on: Some(started_on),
                    scenario_count: matches!(kind, Kind::Rpa | Kind::RpaAiOcr).then(|| 1 + rng.below(4) as i64),
                    owner: None,
                    notes: None,
                };
                let i = tx.add_initiative(&fields)?;
                stats.initiatives += 1;
                planned.push(Planned {
                    id: i.id,
                    kind,
                    start: start_fy,
                    size: 15 + rng.below(50) as i64,
                    ends,
                    slower: false,
                });
            }
        }
        if fy.0 == 2021
            && let Some(p) = planned.iter_mut().find(|p| p.kind == Kind::Rpa && p.ends.is_none())
        {
            p.slower = true;
        }

        // The year's figures.
        for p in &planned {
            if let Some((end, status)) = p.ends {
                if fy == end {
                    let i = tx.initiative(p.id)?;
                    let fields = InitiativeFields { status, ..i.fields() };
                    tx.update_initiative(p.id, &fields, Some(fy.first_day()), None)?;
                }
                if fy >= end {
                    continue;
                }
            }
            let first_year = fy == p.start || (p.start.0 == 2019 && fy.0 == 2020);
            let growth = 100 + 8 * (fy.0 - p.start.0).max(0) as i64;
            let hours = p.size * growth / 100;
            let mut bases = Vec::new();
            if first_year {
                bases.push(Basis::Estimate);
            }
            if fy.0 == 2024 && p.start.0 == 2024 {
                bases.push(Basis::Trial);
            } else {
                bases.push(Basis::Actual);
            }
            for basis in bases {
                let (input, stated_only) = if p.slower && basis == Basis::Actual {
                    (EffectInput::Formula("(12分-15分)×800件".into()), None)
                } else {
                    effect_input(&mut rng, p.kind, if basis == Basis::Estimate { hours * 12 / 10 } else { hours })
                };
                let mut new = NewEffect { fiscal_year: fy, basis, input, stated_hours: stated_only, note: None };
                if p.slower && basis == Basis::Actual {
                    new.note = Some("ロボットの待ち時間により手作業より遅くなった（見直し中）".into());
                }
                let mut evaluated = new.evaluate(&Default::default())?;
                if evaluated.stated_hours.is_none() {
                    evaluated.stated_hours = stated_hours(&mut rng, evaluated.computed_minutes().unwrap_or_default());
                }
                tx.set_effect(p.id, &evaluated)?;
                stats.effects += 1;
            }
            if fy.0 == 2023 && rng.chance(30) {
                let grade = *rng.pick(&[Grade::A, Grade::A, Grade::B, Grade::B, Grade::C, Grade::D]);
                let reason = match grade {
                    Grade::A => "計画どおりの削減効果が出ている",
                    Grade::B => "処理件数が見込みをやや下回った",
                    Grade::C => "例外処理が多く手作業が残っている",
                    Grade::D => "業務量が減少し効果が小さい",
                };
                let e = Evaluation {
                    fiscal_year: fy,
                    grade,
                    reason: Some(reason.into()),
                    reviewer_comment: (grade >= Grade::C).then(|| "次年度に運用方法を見直すこと".to_string()),
                };
                tx.set_evaluation(p.id, &e)?;
            }
        }
    }

    for (fy, hours) in [(2020, 2400), (2021, 3200), (2022, 4000), (2023, 4800), (2024, 5600)] {
        tx.set_target(&Target { fiscal_year: FiscalYear(fy), bureau_id: None, hours: Decimal::from(hours) })?;
        stats.targets += 1;
    }
    for (bureau, hours) in [(0usize, 600), (2, 700), (4, 500)] {
        tx.set_target(&Target {
            fiscal_year: FiscalYear(2024),
            bureau_id: Some(bureau_ids[bureau]),
            hours: Decimal::from(hours),
        })?;
        stats.targets += 1;
    }
    // Yearly licence and maintenance per tool (invented, in the range municipal budgets show).
    let costs: [(&str, i64, i64); 7] = [
        ("WinActor", 1_980_000, 198_000),
        ("UiPath", 2_400_000, 240_000),
        ("BizRobo!", 1_800_000, 180_000),
        ("Power Automate Desktop", 0, 360_000),
        ("DX Suite", 1_440_000, 144_000),
        ("AIよみと～る", 1_200_000, 120_000),
        ("Tegaki", 960_000, 96_000),
    ];
    for fy in 2020..=2024 {
        for (tool, licence, maintenance) in costs {
            tx.set_cost(&crate::ledger::Cost {
                tool: tool.into(),
                fiscal_year: FiscalYear(fy),
                licence_yen: Decimal::from(licence),
                maintenance_yen: Decimal::from(maintenance),
                note: None,
            })?;
        }
    }
    // What the AI-OCR initiatives read in the last two years (a generator of its own, so the figures above stay as
    // they were): forms of the kind their 業務名 names, 150–400 characters a form, 0.3–3% of them corrected by hand,
    // about six seconds a corrected character.
    let mut rng = Rng(0x0da1_c40d_a1c4_0cc2);
    let initiatives = tx.initiatives(&Default::default())?;
    for i in initiatives.iter().filter(|i| i.kind.reads_forms()) {
        let form = i.title.split("の読取").next().unwrap_or(&i.title).to_string();
        for fy in [2023, 2024] {
            if !tx.effects_of(i.id)?.iter().any(|e| e.fiscal_year.0 == fy) {
                continue;
            }
            let sheets = 500 + rng.below(5_500) as i64;
            let read = sheets * (150 + rng.below(250) as i64);
            let corrected = read * (3 + rng.below(27) as i64) / 1_000;
            tx.set_ocr_measure(&crate::ledger::OcrMeasure {
                initiative_id: i.id,
                fiscal_year: FiscalYear(fy),
                form_type: Some(form.clone()),
                sheets: Some(sheets),
                chars_read: Some(read),
                chars_corrected: Some(corrected),
                correction_minutes: Some(Decimal::from(corrected) / Decimal::from(10)),
            })?;
            stats.ocr_measures += 1;
        }
    }
    Ok(stats)
}
