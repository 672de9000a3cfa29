//! `daicho org`: the organisation (部局・課・係), its names over the years, and its workbook.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use daicho::actions;
use daicho::db::{Read, Store};
use daicho::fiscal::FiscalYear;
use daicho::{Error, Result};

use super::author;
use crate::{emit, emit_json, fiscal_year};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// 組織を登録する（例: daicho org add 総務部/人事課）。途中の階層もなければ登録します
    Add {
        /// 部局/課/係 のパス
        path: String,
        /// 組織コード（最後の階層に付けます）
        #[arg(long)]
        code: Option<String>,
        /// 開始年度
        #[arg(long, value_parser = fiscal_year)]
        from: Option<FiscalYear>,
        /// 終了年度
        #[arg(long, value_parser = fiscal_year)]
        to: Option<FiscalYear>,
    },
    /// 組織を一覧する
    List {
        /// この年度の組織と名称で表示する
        #[arg(long, value_parser = fiscal_year)]
        fy: Option<FiscalYear>,
        #[arg(long)]
        json: bool,
    },
    /// 組織表（Excel: 部局・課・係・コード・開始年度・終了年度・別名）を取り込む
    Import {
        file: PathBuf,
        /// 確認だけして書き込まない
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// 組織表を Excel に書き出す（org import と同じ列）
    Export {
        #[arg(short, long)]
        output: PathBuf,
        /// この年度にある組織だけを書き出す
        #[arg(long, value_parser = fiscal_year)]
        fy: Option<FiscalYear>,
    },
    /// 組織の別名（表記ゆれ・旧称）を登録する
    Alias {
        /// 組織（部局/課/係 のパスまたは名前）
        unit: String,
        /// 別名
        #[arg(required = true)]
        aliases: Vec<String>,
    },
    /// 組織のコード・開始年度・終了年度（廃止）を変更する（指定した項目だけ変わります）
    Set {
        /// 組織（部局/課/係 のパスまたは名前）
        unit: String,
        /// 組織コード
        #[arg(long)]
        code: Option<String>,
        /// 開始年度
        #[arg(long, value_parser = fiscal_year)]
        from: Option<FiscalYear>,
        /// 終了年度（この年度を最後に廃止）
        #[arg(long, value_parser = fiscal_year)]
        to: Option<FiscalYear>,
    },
    /// 組織の名称を変更する（過去の年度の数値は旧名称のまま残ります）
    Rename {
        /// 組織（部局/課/係 のパスまたは名前）
        unit: String,
        /// 新しい名称
        new_name: String,
        /// 新名称になった年度
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
    },
    /// 組織を統合する（統合元の取組は統合先に移り、過去の数値は報告時の組織に残ります）
    Merge {
        /// 統合元の組織
        #[arg(required = true)]
        units: Vec<String>,
        /// 統合先の組織
        #[arg(long)]
        into: String,
        /// 統合した年度
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
    },
}

pub fn run(mut store: Store, c: OrgCommand) -> Result<ExitCode> {
    match c {
        OrgCommand::Add { path, code, from, to } => {
            let added = actions::add_units(&mut store, &author(), &path, code.as_deref(), from, to)?;
            emit(&format!("登録しました: {}", added.join("、")));
        }
        OrgCommand::Import { file, dry_run, json } => {
            use daicho::import::Outcome;
            let bytes = std::fs::read(&file).map_err(|source| Error::Io { path: file.clone(), source })?;
            let report = actions::import_org(&mut store, &author(), &file.display().to_string(), &bytes, !dry_run)?;
            let ok = report.errors.is_empty();
            if json {
                emit_json(&report)?;
            } else {
                let counts = format!(
                    "新規 {}、更新 {}、変更なし {}",
                    report.count(Outcome::Created),
                    report.count(Outcome::Updated),
                    report.count(Outcome::Unchanged)
                );
                let mut out = format!("== {}\n", report.file);
                out.push_str(&if !ok {
                    format!("取り込みませんでした: エラー {} 件（何も登録していません）\n", report.errors.len())
                } else if dry_run {
                    format!("確認のみ（--dry-run のため書き込んでいません）: {counts}\n")
                } else {
                    format!("取り込みました: {counts}\n")
                });
                for e in &report.errors {
                    out.push_str(&format!("  エラー: {e}\n"));
                }
                if ok {
                    for r in report.rows.iter().filter(|r| r.outcome != Outcome::Unchanged) {
                        out.push_str(&format!("  {}  {}行目  {}\n", r.outcome.label(), r.row, r.path));
                        for c in &r.changes {
                            let before = if c.before.is_empty() { String::new() } else { format!("{} → ", c.before) };
                            out.push_str(&format!("      {}: {before}{}\n", c.field, c.after));
                        }
                    }
                }
                emit(&out);
            }
            if !ok {
                return Ok(ExitCode::from(2));
            }
        }
        OrgCommand::Export { output, fy } => {
            let (bytes, count) = daicho::export::write_org(&*store.org_chart()?, fy)?;
            daicho::export::write_atomically(&output, &bytes)?;
            emit(&format!("組織表を書き出しました: {}（{count} 行）", output.display()));
        }
        OrgCommand::List { fy, json } => {
            if json {
                let chart = store.org_chart()?;
                let units: Vec<_> = chart.units().filter(|u| fy.is_none_or(|f| u.is_valid_in(f))).collect();
                return emit_json(&units).map(|_| ExitCode::SUCCESS);
            }
            let mut out = tree_text(&daicho::views::org_tree(&store, fy)?);
            if out.is_empty() {
                out = "組織が登録されていません（daicho org add 総務部/人事課 のように登録できます）".into();
            }
            emit(&out);
        }
        OrgCommand::Alias { unit, aliases } => {
            let path = actions::add_aliases(&mut store, &author(), &unit, &aliases)?;
            emit(&format!("「{path}」の別名を登録しました: {}", aliases.join("、")));
        }
        OrgCommand::Set { unit, code, from, to } => {
            let path = actions::update_unit(&mut store, &author(), &unit, code.as_deref(), from, to)?;
            let mut what = Vec::new();
            if let Some(c) = code {
                what.push(format!("コード {c}"));
            }
            if let Some(f) = from {
                what.push(format!("開始 {}", f.label()));
            }
            if let Some(t) = to {
                what.push(format!("終了 {}", t.label()));
            }
            emit(&format!("「{path}」を変更しました: {}", what.join("、")));
        }
        OrgCommand::Rename { unit, new_name, fy } => {
            actions::rename_unit(&mut store, &author(), &unit, &new_name, fy)?;
            emit(&format!(
                "{}から「{}」を「{new_name}」に名称変更しました（それより前の年度は旧名称で表示されます）",
                fy.label(),
                unit
            ));
        }
        OrgCommand::Merge { units, into, fy } => {
            actions::merge_units(&mut store, &author(), &units, &into, fy)?;
            emit(&format!("{}から {} を「{into}」に統合しました", fy.label(), units.join("、")));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The organisation tree as the terminal shows it: a unit per line, indented, with its code, period, names over
/// the years, aliases and merge in brackets.
fn tree_text(nodes: &[daicho::views::OrgNode]) -> String {
    let mut out = String::new();
    for n in nodes {
        let mut notes = Vec::new();
        if let Some(code) = &n.code {
            notes.push(format!("コード {code}"));
        }
        if !n.period.is_empty() {
            notes.push(n.period.clone());
        }
        if let Some(history) = &n.history {
            notes.push(format!("名称: {history}"));
        }
        if !n.aliases.is_empty() {
            notes.push(format!("別名: {}", n.aliases.join("、")));
        }
        if let Some(m) = &n.merged_into {
            notes.push(m.clone());
        }
        let notes = if notes.is_empty() { String::new() } else { format!("  [{}]", notes.join(" / ")) };
        out.push_str(&format!("{}{}{notes}\n", "  ".repeat(n.depth), n.name));
    }
    out
}
