//! The survey workbook (調査票): instructions, the answer sheet with drop-downs, validation, a live helper formula,
//! protection and print setup; optionally prefilled from the ledger. The ledger export is the same sheet.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, FormatBorder, Formula,
    ProtectionOptions, Workbook, Worksheet,
};

use super::xlsx;
use crate::db::Read;
use crate::error::Result;
use crate::fiscal::FiscalYear;
use crate::ledger::{Basis, Kind, Status};
use crate::org::{Level, NameView, OrgChart};
use crate::survey::{ANSWER_SHEET, Column, HELPER_TITLE, INSTRUCTIONS_SHEET, column_letters};

const LIST_SHEET: &str = "リスト";
/// Rows prepared for input (validation and the helper formula) below the prefilled ones.
const SPARE_ROWS: u32 = 100;

/// What to write.
#[derive(Debug, Clone)]
pub struct SurveyOptions {
    pub fiscal_year: FiscalYear,
    /// Only this unit (a 部局 or a 課) and what is under it; `None` for the whole organisation.
    pub scope: Option<i64>,
    /// Include the instructions sheet (the template); the ledger export leaves it out.
    pub instructions: bool,
    pub organisation_name: String,
}

/// One row of the answer sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurveyRow {
    pub ledger_id: String,
    pub bureau: String,
    pub section: String,
    pub unit: String,
    pub kind: String,
    pub title: String,
    pub tool: String,
    pub status: String,
    pub scenarios: Option<i64>,
    pub started_on: Option<NaiveDate>,
    pub fiscal_year: String,
    pub basis: String,
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
    pub saved: Option<Decimal>,
    pub count: Option<Decimal>,
    pub days: Option<Decimal>,
    pub formula: String,
    pub stated_hours: Option<Decimal>,
    pub note: String,
    /// The AI-OCR measure of the initiative's year (on the first of its rows).
    pub form_type: String,
    pub sheets: Option<i64>,
    pub chars_read: Option<i64>,
    pub chars_corrected: Option<i64>,
    pub correction_minutes: Option<Decimal>,
}

fn in_scope(chart: &OrgChart, unit: i64, scope: Option<i64>) -> bool {
    let Some(scope) = scope else { return true };
    let mut next = Some(unit);
    while let Some(id) = next {
        if id == scope {
            return true;
        }
        next = chart.get(id).and_then(|u| u.parent_id);
    }
    false
}

/// The ledger's rows for a fiscal year: one per effect of the year (試算, 試行, 実績), and one without figures
/// for an initiative with no effect that year. `include_abolished` keeps 廃止 initiatives (the export does; the
/// template for departments does not).
pub fn survey_rows(ledger: &dyn Read, opts: &SurveyOptions, include_abolished: bool) -> Result<Vec<SurveyRow>> {
    let chart = ledger.org_chart()?;
    let fy = opts.fiscal_year;
    let mut out = Vec::new();
    let ocr: std::collections::HashMap<i64, crate::ledger::OcrMeasure> =
        ledger.ocr_measures(Some(fy))?.into_iter().map(|m| (m.initiative_id, m)).collect();
    for i in ledger.initiatives(&Default::default())? {
        if !in_scope(&chart, i.unit_id, opts.scope) || (!include_abolished && i.status == Status::Abolished) {
            continue;
        }
        let unit_valid = chart.get(i.unit_id).is_some_and(|u| u.is_valid_in(fy));
        let view = if unit_valid { NameView::AsReported } else { NameView::Current };
        let name_at = |level: Level| {
            chart.ancestor_at(i.unit_id, level).map(|u| chart.display_name(u.id, fy, view)).unwrap_or_default()
        };
        let base = SurveyRow {
            ledger_id: i.ledger_id.clone(),
            bureau: name_at(Level::Bureau),
            section: name_at(Level::Section),
            unit: name_at(Level::Team),
            kind: i.kind.label().into(),
            title: i.title.clone(),
            tool: i.tool.clone().unwrap_or_default(),
            status: i.status.label().into(),
            scenarios: i.scenario_count,
            started_on: i.started_on,
            fiscal_year: fy.wareki(),
            ..SurveyRow::default()
        };
        let first = out.len();
        let effects: Vec<_> = ledger.effects_of(i.id)?.into_iter().filter(|e| e.fiscal_year == fy).collect();
        if effects.is_empty() {
            out.push(SurveyRow { note: i.notes.clone().unwrap_or_default(), ..base.clone() });
        }
        for e in effects {
            let mut row = SurveyRow {
                basis: e.basis.label().into(),
                stated_hours: e.stated_hours,
                note: e.note.clone().unwrap_or_default(),
                ..base.clone()
            };
            match &e.structured {
                Some(s) if s.extra.is_empty() => {
                    row.before = s.before_minutes;
                    row.after = s.after_minutes;
                    row.saved = s.saved_minutes;
                    row.count = s.count;
                    row.days = s.days;
                }
                _ => row.formula = e.formula.clone().unwrap_or_default(),
            }
            out.push(row);
        }
        if let (Some(m), Some(row)) = (ocr.get(&i.id), out.get_mut(first)) {
            row.form_type = m.form_type.clone().unwrap_or_default();
            row.sheets = m.sheets;
            row.chars_read = m.chars_read;
            row.chars_corrected = m.chars_corrected;
            row.correction_minutes = m.correction_minutes;
        }
    }
    Ok(out)
}

struct Formats {
    header: Format,
    input: Format,
    date: Format,
    number: Format,
    helper: Format,
    title: Format,
    text: Format,
    heading: Format,
    blank: Format,
}

fn formats() -> Formats {
    let base = super::base_format();
    Formats {
        header: super::header_format(),
        input: base.clone().set_unlocked(),
        date: base.clone().set_unlocked().set_num_format("yyyy/m/d"),
        number: base.clone().set_unlocked().set_num_format("#,##0.##"),
        // Zero shows blank: an empty row's helper cell reads as 0 in tools that do not recalculate on opening.
        helper: base.clone().set_num_format("#,##0.0#;-#,##0.0#;;@").set_background_color(Color::RGB(0xF2F2F2)),
        title: base.clone().set_bold().set_font_size(14),
        text: base.clone().set_text_wrap().set_align(FormatAlign::Top),
        heading: base.clone().set_bold().set_font_size(11),
        blank: base.set_unlocked().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xFFF2CC)),
    }
}

fn num(d: Option<Decimal>) -> Option<f64> {
    d.and_then(|d| d.to_f64())
}

/// Writes the workbook and returns its bytes.
pub fn write_survey(ledger: &dyn Read, opts: &SurveyOptions, rows: &[SurveyRow]) -> Result<Vec<u8>> {
    let chart = ledger.org_chart()?;
    let f = formats();
    let mut wb = Workbook::new();
    if opts.instructions {
        let ws = wb.add_worksheet().set_name(INSTRUCTIONS_SHEET).map_err(xlsx)?;
        write_instructions(ws, opts, &chart, &f)?;
    }
    let ws = wb.add_worksheet().set_name(ANSWER_SHEET).map_err(xlsx)?;
    write_answer_sheet(ws, rows, &f)?;
    let lists = lists(ledger, &chart, opts)?;
    let ws = wb.add_worksheet().set_name(LIST_SHEET).map_err(xlsx)?;
    for (c, (title, values)) in lists.iter().enumerate() {
        ws.write_string(0, c as u16, *title).map_err(xlsx)?;
        for (r, v) in values.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).map_err(xlsx)?;
        }
    }
    ws.set_hidden(true);
    let last_row = rows.len() as u32 + SPARE_ROWS;
    let ws = wb.worksheet_from_name(ANSWER_SHEET).map_err(xlsx)?;
    add_validations(ws, &lists, last_row)?;
    ws.set_active(true);
    wb.save_to_buffer().map_err(xlsx)
}

type Lists = Vec<(&'static str, Vec<String>)>;

/// The drop-down lists: 部局 and 課 valid in the fiscal year (within the scope), known tools.
fn lists(ledger: &dyn Read, chart: &OrgChart, opts: &SurveyOptions) -> Result<Lists> {
    let fy = opts.fiscal_year;
    let mut bureaus = Vec::new();
    let mut sections = Vec::new();
    for u in chart.units().filter(|u| u.is_valid_in(fy) && in_scope(chart, u.id, opts.scope)) {
        let name = u.name_in(fy).to_string();
        match u.level {
            Level::Bureau => bureaus.push(name),
            Level::Section if !sections.contains(&name) => sections.push(name),
            _ => {}
        }
    }
    if let Some(scope) = opts.scope
        && let Some(b) = chart.ancestor_at(scope, Level::Bureau)
        && bureaus.is_empty()
    {
        bureaus.push(b.name_in(fy).to_string());
    }
    let mut tools: Vec<String> = ledger
        .initiatives(&Default::default())?
        .into_iter()
        .filter_map(|i| i.tool)
        .filter(|t| !t.trim().is_empty())
        .collect();
    tools.sort();
    tools.dedup();
    Ok(vec![("部局", bureaus), ("課", sections), ("ツール", tools)])
}

fn write_answer_sheet(ws: &mut Worksheet, rows: &[SurveyRow], f: &Formats) -> Result<()> {
    for c in Column::ALL {
        let col = c.index() as u16;
        ws.set_column_width(col, c.width()).map_err(xlsx)?;
        let format = match c {
            Column::StartDate => &f.date,
            Column::Scenarios
            | Column::BeforeMinutes
            | Column::AfterMinutes
            | Column::SavedMinutes
            | Column::Count
            | Column::Days
            | Column::StatedHours
            | Column::Sheets
            | Column::CharsRead
            | Column::CharsCorrected
            | Column::CorrectionMinutes => &f.number,
            _ => &f.input,
        };
        ws.set_column_format(col, format).map_err(xlsx)?;
        ws.write_string_with_format(0, col, c.title(), &f.header).map_err(xlsx)?;
    }
    let helper = Column::ALL.len() as u16;
    ws.set_column_width(helper, 11.0).map_err(xlsx)?;
    ws.write_string_with_format(0, helper, HELPER_TITLE, &f.header).map_err(xlsx)?;
    ws.set_row_height(0, 30).map_err(xlsx)?;

    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let texts = [
            (Column::LedgerId, &r.ledger_id),
            (Column::Bureau, &r.bureau),
            (Column::Section, &r.section),
            (Column::Team, &r.unit),
            (Column::Kind, &r.kind),
            (Column::Title, &r.title),
            (Column::Tool, &r.tool),
            (Column::Status, &r.status),
            (Column::FiscalYear, &r.fiscal_year),
            (Column::Basis, &r.basis),
            (Column::Formula, &r.formula),
            (Column::Note, &r.note),
            (Column::FormType, &r.form_type),
        ];
        for (c, v) in texts {
            if !v.is_empty() {
                ws.write_string_with_format(row, c.index() as u16, v.as_str(), &f.input).map_err(xlsx)?;
            }
        }
        let numbers = [
            (Column::Scenarios, r.scenarios.map(|n| n as f64)),
            (Column::BeforeMinutes, num(r.before)),
            (Column::AfterMinutes, num(r.after)),
            (Column::SavedMinutes, num(r.saved)),
            (Column::Count, num(r.count)),
            (Column::Days, num(r.days)),
            (Column::StatedHours, num(r.stated_hours)),
            (Column::Sheets, r.sheets.map(|n| n as f64)),
            (Column::CharsRead, r.chars_read.map(|n| n as f64)),
            (Column::CharsCorrected, r.chars_corrected.map(|n| n as f64)),
            (Column::CorrectionMinutes, num(r.correction_minutes)),
        ];
        for (c, v) in numbers {
            if let Some(v) = v {
                ws.write_number_with_format(row, c.index() as u16, v, &f.number).map_err(xlsx)?;
            }
        }
        if let Some(d) = r.started_on {
            let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                .map_err(xlsx)?;
            ws.write_datetime_with_format(row, Column::StartDate.index() as u16, &dt, &f.date).map_err(xlsx)?;
        }
    }
    // The helper: hours the structured inputs give, so a department sees the result while typing.
    let letter = |c: Column| column_letters(c.index() as u32);
    let (m, n, o, p, q) = (
        letter(Column::BeforeMinutes),
        letter(Column::AfterMinutes),
        letter(Column::SavedMinutes),
        letter(Column::Count),
        letter(Column::Days),
    );
    for row in 1..=rows.len() as u32 + SPARE_ROWS {
        let x = row + 1;
        let formula = format!(
            "=IF(AND({o}{x}=\"\",OR({m}{x}=\"\",{n}{x}=\"\")),\"\",ROUND(IF({o}{x}<>\"\",{o}{x},{m}{x}-{n}{x})*IF({p}{x}=\"\",1,{p}{x})*IF({q}{x}=\"\",1,{q}{x})/60,2))"
        );
        let cached = rows.get(row as usize - 1).and_then(helper_value).map_or(String::new(), |v| v.to_string());
        ws.write_formula_with_format(row, helper, Formula::new(formula).set_result(cached), &f.helper).map_err(xlsx)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0).map_err(xlsx)?;
    ws.set_footer("&C&P / &N ページ");
    ws.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_rows: true,
        delete_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}

/// What the helper formula shows for a prefilled row (its cached value), rounded as the formula rounds.
fn helper_value(r: &SurveyRow) -> Option<Decimal> {
    let per = r.saved.or_else(|| Some(r.before? - r.after?))?;
    let minutes = per * r.count.unwrap_or(Decimal::ONE) * r.days.unwrap_or(Decimal::ONE);
    Some(crate::number::round_half_up(minutes / Decimal::from(60), 2).normalize())
}

fn add_validations(ws: &mut Worksheet, lists: &Lists, last_row: u32) -> Result<()> {
    let col = |c: Column| c.index() as u16;
    let range = |i: usize| {
        let letter = column_letters(i as u32);
        let n = lists[i].1.len().max(1) + 1;
        Formula::new(format!("='{LIST_SHEET}'!${letter}$2:${letter}${n}"))
    };
    let strict = |v: DataValidation, title: &str, message: &str| -> Result<DataValidation> {
        v.set_error_title(title).map_err(xlsx)?.set_error_message(message).map_err(xlsx)
    };
    let add = |ws: &mut Worksheet, c: Column, v: &DataValidation| -> Result<()> {
        ws.add_data_validation(1, col(c), last_row, col(c), v).map_err(xlsx)?;
        Ok(())
    };
    let labels = |all: Vec<&str>| all.into_iter().map(String::from).collect::<Vec<_>>();
    add(
        ws,
        Column::Bureau,
        &strict(DataValidation::new().allow_list_formula(range(0)), "部局", "一覧から部局を選んでください")?,
    )?;
    let section =
        strict(DataValidation::new().allow_list_formula(range(1)), "課", "一覧にない課です。名称を確認してください")?
            .set_error_style(DataValidationErrorStyle::Warning);
    add(ws, Column::Section, &section)?;
    let tool = DataValidation::new()
        .allow_list_formula(range(2))
        .set_error_style(DataValidationErrorStyle::Information)
        .show_error_message(false);
    add(ws, Column::Tool, &tool)?;
    let fixed = [
        (Column::Kind, labels(Kind::ALL.iter().map(|k| k.label()).collect())),
        (Column::Status, labels(Status::ALL.iter().map(|s| s.label()).collect())),
        (Column::Basis, labels(Basis::ALL.iter().map(|b| b.label()).collect())),
    ];
    for (c, values) in fixed {
        let v = DataValidation::new().allow_list_strings(&values).map_err(xlsx)?;
        add(ws, c, &strict(v, c.title(), &format!("{} から選んでください", values.join("・")))?)?;
    }
    let non_negative = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_error_style(DataValidationErrorStyle::Warning);
    for c in [Column::BeforeMinutes, Column::AfterMinutes, Column::SavedMinutes, Column::Count, Column::Days] {
        add(ws, c, &strict(non_negative.clone(), c.title(), "0以上の数値を入力してください（単位は不要です）")?)?;
    }
    let whole = DataValidation::new()
        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        .set_error_style(DataValidationErrorStyle::Warning);
    add(ws, Column::Scenarios, &strict(whole, "シナリオ数", "0以上の整数を入力してください")?)?;
    let any_number = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1.0e9, 1.0e9))
        .set_error_style(DataValidationErrorStyle::Warning);
    add(ws, Column::StatedHours, &strict(any_number, "削減時間(時間)", "時間数を数値で入力してください（例: 1850）")?)?;
    Ok(())
}

fn write_instructions(ws: &mut Worksheet, opts: &SurveyOptions, chart: &OrgChart, f: &Formats) -> Result<()> {
    let fy = opts.fiscal_year;
    ws.set_column_width(0, 22.0).map_err(xlsx)?;
    ws.set_column_width(1, 90.0).map_err(xlsx)?;
    let org = if opts.organisation_name.is_empty() { String::new() } else { format!("{} ", opts.organisation_name) };
    ws.write_string_with_format(0, 0, format!("{org}{} RPA・AI-OCR等 導入効果調査 記入要領", fy.wareki()), &f.title)
        .map_err(xlsx)?;
    let mut row = 2;
    // Whom the file was sent to: read back by the importer when the answer sheet names no section (a section with
    // nothing to report returns the file empty, and is still received).
    if let Some(scope) = opts.scope {
        {
            let path = chart.path(scope, fy, crate::org::NameView::AsReported);
            ws.write_string_with_format(row, 0, crate::survey::ADDRESSEE_LABEL, &f.heading).map_err(xlsx)?;
            ws.write_string_with_format(row, 1, path, &f.text).map_err(xlsx)?;
            row += 1;
            ws.write_string_with_format(row, 0, crate::survey::SURVEY_YEAR_LABEL, &f.heading).map_err(xlsx)?;
            ws.write_string_with_format(row, 1, fy.wareki(), &f.text).map_err(xlsx)?;
            row += 1;
        }
    }
    for (label, _) in [("提出期限", ()), ("提出先・問合せ先", ())] {
        ws.write_string_with_format(row, 0, label, &f.heading).map_err(xlsx)?;
        ws.write_blank(row, 1, &f.blank).map_err(xlsx)?;
        row += 1;
    }
    row += 1;
    let sections: &[(&str, &[&str])] = &[
        (
            "記入のしかた",
            &[
                "「回答」シートに、所属の RPA・AI-OCR 等の取組を1行に1件ずつ記入してください。同じ取組の試算と実績は別の行にします。",
                "管理番号が入っている行は台帳に登録済みの取組です。管理番号は変えずに、今年度の数値を更新してください。",
                "新しい取組は管理番号を空欄にして、部局・課・区分・業務名を記入してください。",
                "課・係は、部局全体の取組（例: 部局で31業務・1,420時間）のときは空欄にできます。",
                "灰色の「自動計算(時間)」列は入力した数値から自動で計算されます（入力不要です）。",
                "列の追加は右端（備考の右）にしてください。見出しの名前と順番は変えないでください。",
            ],
        ),
        (
            "削減時間の書き方",
            &[
                "1件あたりの削減時間（分）を「削減時間(分/件)」に、または導入前・導入後の時間（分/件）を両方入力し、件数・日数を入力します。日数が空欄のときは1として計算します。",
                "より複雑な計算は「算定式」に書いてください。そのときは導入前・導入後などの欄は空欄にします。",
                "算定式の例: 5分×40か所×245日 ／ 45分×1,210件 ／ 40分×2(往復)×1人×4回×150件 ／ (30分-5分)×20件×12か月 ／ 8時間24分×240日",
                "掛け算の中で時間の単位（秒・分・時間）が付くのは1つだけです。件・回・日・人・か所などは回数として扱います。「2(往復)」のような括弧書きは説明として読み飛ばします。",
                "「削減時間(時間)」は所属で算出した年間の削減時間です。算定式などがなく別途積算した場合は、この欄だけ入力してください。",
                "算定区分は 試算（導入前の見込み）・試行（試行期間の実績を年換算）・実績 のいずれかです。空欄は実績として扱います。",
            ],
        ),
    ];
    for (heading, lines) in sections {
        ws.write_string_with_format(row, 0, *heading, &f.heading).map_err(xlsx)?;
        row += 1;
        for line in *lines {
            let text = format!("・{line}");
            ws.write_string_with_format(row, 1, &text, &f.text).map_err(xlsx)?;
            // Wrapped text does not grow its row in every spreadsheet program: size it from the display width
            // (column B holds about 88 half-width characters a line).
            let lines = unicode_width::UnicodeWidthStr::width(text.as_str()).div_ceil(88).max(1);
            ws.set_row_height(row, 14.0 * lines as f64).map_err(xlsx)?;
            row += 1;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "各列の説明", &f.heading).map_err(xlsx)?;
    row += 1;
    for c in Column::ALL {
        ws.write_string_with_format(row, 0, c.title(), &f.text).map_err(xlsx)?;
        ws.write_string_with_format(row, 1, column_help(c), &f.text).map_err(xlsx)?;
        row += 1;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn column_help(c: Column) -> &'static str {
    match c {
        Column::LedgerId => "台帳の管理番号（例: R5-0012）。新しい取組は空欄",
        Column::Bureau => "部局名（一覧から選択）",
        Column::Section => "課名（一覧から選択）。部局全体の取組は空欄",
        Column::Team => "係名（任意）",
        Column::Kind => "RPA / AI-OCR / RPA+AI-OCR / その他",
        Column::Title => "業務の名称（例: 保育所入所申込書の読取）",
        Column::Tool => "使用している製品（例: WinActor、DX Suite）。一覧にないものは直接入力",
        Column::Status => "検討中 / 開発中 / 試行中 / 運用中 / 停止 / 廃止",
        Column::Scenarios => "RPA のシナリオ（ロボット）の本数",
        Column::StartDate => "運用を始めた日（例: 2023/4/1、令和5年4月1日）",
        Column::FiscalYear => "削減時間の対象年度（例: 令和6年度、2024）",
        Column::Basis => "試算 / 試行 / 実績（空欄は実績）",
        Column::BeforeMinutes => "導入前の1件あたりの作業時間（分）",
        Column::AfterMinutes => "導入後の1件あたりの作業時間（分）",
        Column::SavedMinutes => "1件あたりの削減時間（分）。導入前・導入後の代わりに入力できます",
        Column::Count => "年間の件数",
        Column::Days => "年間の日数（空欄は1）",
        Column::Formula => "上の欄で表せない場合の算定式（例: 5分×40か所×245日）",
        Column::StatedHours => "所属で算出した年間の削減時間（時間）",
        Column::Note => "補足があれば記入",
        Column::FormType => "AI-OCR の取組: 読み取る帳票の種類（例: 保育所入所申込書）",
        Column::Sheets => "AI-OCR の取組: 年度の読取枚数",
        Column::CharsRead => "AI-OCR の取組: 年度に読み取った文字数",
        Column::CharsCorrected => "AI-OCR の取組: そのうち手で修正した文字数（正読率＝(読取−修正)÷読取）",
        Column::CorrectionMinutes => "AI-OCR の取組: 年度に修正にかかった時間の合計（分）",
    }
}
