//! `daicho import`, `returns`, `template`, `export ledger`: the survey round trip.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use daicho::actions;
use daicho::db::{Read, Store};
use daicho::fiscal::FiscalYear;
use daicho::ledger::Basis;
use daicho::number::group_thousands;
use daicho::{Error, Result};
use serde_json::json;

use super::author;
use crate::table::{Align, Table};
use crate::{basis, column_map, emit, emit_json, fiscal_year};

#[derive(Args)]
pub struct ImportArgs {
    /// 取り込むファイル（複数可）
    #[arg(required_unless_present = "history")]
    files: Vec<std::path::PathBuf>,
    /// 確認だけして書き込まない（何が変わるかを表示します）
    #[arg(long)]
    dry_run: bool,
    /// 年度の欄が空の行に使う年度（表題に年度があればそちらを使います）
    #[arg(long, value_parser = fiscal_year)]
    fy: Option<FiscalYear>,
    /// 算定区分の記載がない回答の算定区分（試算・試行・実績）。省略時は表題の記載、なければ台帳の設定 import.basis
    #[arg(long, value_parser = basis)]
    basis: Option<Basis>,
    /// 列の対応「見出し=項目」（例: --map "年間削減時間（見込）=削減時間(時間)" --map "G=無視"）。複数指定できます。
    /// 取り込んだ課の次の回答では、同じ見出しに同じ対応を使います
    #[arg(long = "map", value_name = "見出し=項目", value_parser = column_map)]
    maps: Vec<daicho::import::ColumnMap>,
    /// 確認が必要な変更（所属の移動、業務名の変更、他の課の管理番号、同じ課の同名の取組、同時に取り込む別のファイルと
    /// 同じ取組の変更）も取り込む。まず --confirm なしで内容を確かめてください
    #[arg(long)]
    confirm: bool,
    /// 取込の履歴を表示する
    #[arg(long, conflicts_with_all = ["files", "dry_run"])]
    history: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// 台帳を調査票と同じ列の並びで書き出す（そのまま編集して取り込めます）
    Ledger {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 出力するファイル
        #[arg(short, long)]
        output: PathBuf,
        /// この部局（または 部局/課）だけを書き出す
        #[arg(long)]
        bureau: Option<String>,
    },
}

pub fn import(mut store: Store, a: ImportArgs) -> Result<ExitCode> {
    if a.history {
        let history = store.import_history()?;
        if a.json {
            emit_json(&history)?;
        } else {
            let mut t = Table::new(&[
                ("日時", Align::Left),
                ("利用者", Align::Left),
                ("ファイル", Align::Left),
                ("新規", Align::Right),
                ("更新", Align::Right),
                ("変更なし", Align::Right),
                ("警告", Align::Right),
            ]);
            for h in &history {
                t.row(vec![
                    h.at.chars().take(19).collect(),
                    h.actor.clone(),
                    h.file_name.clone(),
                    h.created.to_string(),
                    h.updated.to_string(),
                    h.unchanged.to_string(),
                    h.warnings.len().to_string(),
                ]);
            }
            emit(&format!("{}{} 件", t.render(), history.len()));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let total = a.files.len();
    // Files are read and checked on every core; each is then planned against the ledger and committed in order.
    let names: Vec<String> = a.files.iter().map(|p| p.display().to_string()).collect();
    let options = daicho::import::ImportOptions {
        fiscal_year: a.fy,
        basis: a.basis,
        maps: a.maps.clone(),
        confirm: a.confirm,
        confirmed: Vec::new(),
        date_style: daicho::fiscal::DateStyle::Wareki,
    };
    let read = |i: usize| std::fs::read(&a.files[i]).map_err(|source| Error::Io { path: a.files[i].clone(), source });
    let reports = actions::import_returns(
        &std::cell::RefCell::new(&mut store),
        &author(),
        &actions::ImportBatch { names: &names, commit: !a.dry_run },
        read,
        |_| options.clone(),
        &|| false,
        &mut |event| match event {
            actions::ImportEvent::File { index, total, name } if total > 1 && !a.json => {
                eprintln!("[{}/{total}] {name}", index + 1);
            }
            // Once per batch, before its first write: `daicho restore` undoes the whole batch.
            actions::ImportEvent::BackedUp(_) => eprintln!("取り込む前の台帳を backups フォルダにバックアップしました"),
            actions::ImportEvent::Done(report) if !a.json => emit(&import_text(report, a.dry_run)),
            _ => {}
        },
    )?;
    // A dry run only reports the cautions; an import leaves their files out until they are confirmed.
    let failed = reports.iter().filter(|r| !r.errors.is_empty() || (!a.dry_run && r.needs_confirmation())).count();
    if a.json {
        emit_json(&reports)?;
    } else if total > 1 {
        emit(&format!(
            "{total} ファイル中 {} ファイルを{}、{failed} ファイルは{}",
            total - failed,
            if a.dry_run { "確認しました（書き込みなし）" } else { "処理しました" },
            if a.dry_run {
                "エラーのため取り込めません"
            } else {
                "エラーか確認が必要な変更のため取り込みませんでした"
            }
        ));
        let cautious = reports.iter().filter(|r| r.needs_confirmation()).count();
        if a.dry_run && cautious > 0 {
            emit(&format!("{cautious} ファイルに確認が必要な変更があります（取り込むときは --confirm が必要です）"));
        }
    }
    Ok(if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

pub fn import_text(r: &daicho::import::FileReport, dry_run: bool) -> String {
    use daicho::import::{Outcome, Role, Source};
    let mut out = format!("== {}", r.file);
    if let (Some(sheet), Some(first), Some(last)) = (&r.sheet, r.header_first_row, r.header_row) {
        let rows = if first == last { format!("{last}行目") } else { format!("{first}〜{last}行目") };
        out.push_str(&format!("（シート「{sheet}」、見出し {rows}）"));
    }
    out.push('\n');
    // What each column is read as: in a dry run every column, otherwise only what was not taken as written.
    let listed: Vec<&daicho::import::ColumnInfo> = r
        .columns
        .iter()
        .filter(|c| !c.header.is_empty() || c.role != Role::Unknown || c.figures)
        .filter(|c| dry_run || c.source != Source::Header || !matches!(c.role, Role::Field(_)))
        .collect();
    if !listed.is_empty() && r.already_imported.is_none() {
        // Columns whose header is the field's own title are listed on one line; every other column on its own.
        let (plain, other): (Vec<_>, Vec<_>) = listed.into_iter().partition(|c| {
            c.source == Source::Header && c.basis.is_none() && matches!(c.role, Role::Field(f) if f.title() == c.header)
        });
        out.push_str("列の対応:\n");
        if !plain.is_empty() {
            let names: Vec<String> = plain.iter().map(|c| format!("{}「{}」", c.letter, c.header)).collect();
            out.push_str(&format!("  見出しのとおり: {}\n", names.join("、")));
        }
        for c in other {
            let what = match c.role {
                Role::Field(f) => match c.basis {
                    Some(b) => format!("→ {}（{}）", f.title(), b.label()),
                    None => format!("→ {}", f.title()),
                },
                Role::RowNumber => "行番号（取り込みません）".into(),
                Role::Helper => "自動計算の列（取り込みません）".into(),
                Role::Ignored => "取り込みません".into(),
                Role::Duplicate(f) => format!("{}の2列目（取り込みません）", f.title()),
                Role::Unknown if c.figures => "数値の列ですが、どの項目か分かりません（列の対応の指定が必要）".into(),
                Role::Unknown => "調査票の列ではありません（取り込みません）".into(),
            };
            let why = match &c.source {
                Source::Header => String::new(),
                Source::Values if c.role == Role::RowNumber => "（1, 2, 3 … の列）".into(),
                Source::Values => "（中身から判断）".into(),
                Source::Map => "（--map の指定）".into(),
                Source::Remembered(section) => format!("（{section}の前回の回答での指定）"),
            };
            out.push_str(&format!("  {}  {what}{why}\n", c.label()));
        }
    }
    if let Some(b) = &r.basis {
        out.push_str(&format!("算定区分: {}（{}、{} 行）\n", b.basis, b.reason, b.lines));
    }
    if let Some(y) = &r.fiscal_year {
        out.push_str(&format!("年度: {}（{}、{} 行）\n", FiscalYear(y.fiscal_year).wareki(), y.reason, y.lines));
    }
    for s in &r.skipped {
        let text = if s.text.is_empty() { String::new() } else { format!("「{}」", s.text) };
        let check = match (s.stated_hours, s.lines_hours, s.matches) {
            (Some(st), Some(lines), Some(true)) => {
                format!("  記載 {}時間 ＝ 対象行の合計 {}時間", group_thousands(st, 2), group_thousands(lines, 2))
            }
            (Some(st), Some(lines), Some(false)) => {
                format!("  記載 {}時間 ≠ 対象行の合計 {}時間", group_thousands(st, 2), group_thousands(lines, 2))
            }
            _ => String::new(),
        };
        out.push_str(&format!("取り込まない行: {}行目 {}{text}{check}\n", s.row, s.kind.label()));
    }
    let counts = format!(
        "新規 {}、更新 {}、変更なし {}、警告 {}",
        r.count(Outcome::Created),
        r.count(Outcome::Updated),
        r.count(Outcome::Unchanged),
        r.warnings.len()
    );
    if let Some(previous) = &r.already_imported {
        out.push_str(&format!(
            "同じ内容のファイルを {} に取り込み済みです（{}）。変更はありません\n",
            r.already_imported_at.as_deref().unwrap_or(&previous.at),
            previous.file_name
        ));
        return out;
    }
    if !r.errors.is_empty() {
        out.push_str(&format!(
            "取り込みませんでした: エラー {} 件（このファイルからは何も登録していません。直して再度取り込んでください）\n",
            r.errors.len()
        ));
    } else if r.needs_confirmation() && !dry_run {
        out.push_str(&format!(
            "取り込みませんでした: 確認が必要な変更が {} 件あります（内容を確かめ、--confirm を付けて取り込んでください）\n",
            r.cautions.len()
        ));
    } else if dry_run {
        out.push_str(&format!("確認のみ（--dry-run のため書き込んでいません）: {counts}\n"));
    } else {
        out.push_str(&format!("取り込みました: {counts}\n"));
    }
    for e in &r.errors {
        out.push_str(&format!("  エラー: {e}\n"));
    }
    for w in &r.warnings {
        out.push_str(&format!("  警告: {w}\n"));
    }
    for c in &r.cautions {
        let mark = if r.confirmed { "確認済み" } else { "要確認" };
        out.push_str(&format!("  {mark}: {c}\n"));
    }
    if r.columns.iter().any(|c| c.figures) {
        out.push_str("  列の対応は --map \"見出し=項目\" で指定できます（例: --map \"年間削減時間=削減時間(時間)\" --map \"G=無視\"）\n");
    }
    if r.errors.is_empty() {
        for row in r.rows.iter().filter(|x| x.outcome != Outcome::Unchanged) {
            let id = row.ledger_id.as_ref().map_or(String::new(), |id| format!("{id}  "));
            out.push_str(&format!(
                "  {}  {}行目{}  {id}{}  {}{}\n",
                row.outcome.label(),
                row.row,
                row.item.as_ref().map_or(String::new(), |i| format!("（{i}）")),
                row.title,
                FiscalYear(row.fiscal_year).wareki(),
                row.basis.as_ref().map_or(String::new(), |b| format!("・{b}"))
            ));
            for c in &row.changes {
                if c.before.is_empty() {
                    out.push_str(&format!("      {}: {}\n", c.field, c.after));
                } else {
                    out.push_str(&format!(
                        "      {}: {} → {}\n",
                        c.field,
                        c.before,
                        if c.after.is_empty() { "（空欄）" } else { &c.after }
                    ));
                }
            }
        }
    }
    out
}

pub fn returns(store: Store, fy: FiscalYear, json: bool) -> Result<()> {
    let rows = daicho::views::returns_status(&store, fy)?;
    let done = rows.iter().filter(|r| r.returned).count();
    if json {
        return emit_json(&json!({ "fiscal_year": fy.0, "returned": done, "sections": rows.len(), "items": rows }));
    }
    let mut t =
        Table::new(&[("課", Align::Left), ("提出", Align::Left), ("取込日時", Align::Left), ("ファイル", Align::Left)]);
    for r in &rows {
        let mark = if r.returned { "済" } else { "未提出" };
        t.row(vec![
            r.section.clone(),
            mark.into(),
            r.at.clone().unwrap_or_default(),
            r.file.clone().unwrap_or_default(),
        ]);
    }
    emit(&format!(
        "{} の回答の提出状況\n{}提出済み {done} 課 / {} 課（未提出 {} 課）",
        fy.label(),
        t.render(),
        rows.len(),
        rows.len() - done
    ));
    Ok(())
}

/// The template (`instructions`: with 記入要領, rows only with `prefill`) or the ledger export (no instructions,
/// every initiative of the scope including 廃止).
pub fn survey(
    store: Store,
    fy: FiscalYear,
    output: &std::path::Path,
    scope: Option<&str>,
    instructions: bool,
    prefill: bool,
) -> Result<()> {
    let (bytes, rows) = daicho::export::survey_file(&store, fy, scope, instructions, prefill)?;
    daicho::export::write_atomically(output, &bytes)?;
    let what = if instructions { "調査票" } else { "台帳" };
    emit(&format!("{what}を書き出しました: {}（{}、{rows} 行）", output.display(), fy.label()));
    Ok(())
}
