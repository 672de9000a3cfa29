//! `daicho target`, `cost`, `settings`: what the team sets for the year.

use clap::Subcommand;
use daicho::actions;
use daicho::db::{Location, Read, Store};
use daicho::fiscal::FiscalYear;
use daicho::ledger::SETTING_KEYS;
use daicho::number::group_thousands;
use daicho::org::NameView;
use daicho::{Error, Result};
use rust_decimal::Decimal;

use super::author;
use crate::table::{Align, Table};
use crate::{decimal, emit, emit_json, fiscal_year};

#[derive(Subcommand)]
pub enum TargetCommand {
    /// 目標値を設定する
    Set {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 目標の削減時間
        #[arg(long, value_parser = decimal)]
        hours: Decimal,
        /// 部局の目標にする（省略時は団体全体）
        #[arg(long)]
        bureau: Option<String>,
    },
    /// 目標値を削除する
    Delete {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 部局の目標を削除する（省略時は団体全体）
        #[arg(long)]
        bureau: Option<String>,
    },
    /// 目標値を一覧する
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum CostCommand {
    /// 年度のツール費用を登録する（同じツール・年度は置き換え）
    Set {
        /// ツール名（取組のツール欄と同じ名前）
        #[arg(long)]
        tool: String,
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// ライセンス費（円）
        #[arg(long, value_parser = decimal, default_value = "0")]
        licence: Decimal,
        /// 保守費（円）
        #[arg(long, value_parser = decimal, default_value = "0")]
        maintenance: Decimal,
        #[arg(long)]
        note: Option<String>,
    },
    /// 年度のツール費用を削除する
    Delete {
        #[arg(long)]
        tool: String,
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
    },
    /// 登録したツール費用を一覧する
    List {
        #[arg(long, value_parser = fiscal_year)]
        fy: Option<FiscalYear>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// 設定を表示する（項目を省略すると全項目）
    Get { key: Option<String> },
    /// 設定を変更する（例: daicho settings set rounding.mode 切り上げ）
    Set { key: String, value: String },
}

pub fn target(mut store: Store, c: TargetCommand) -> Result<()> {
    match c {
        TargetCommand::Set { fy, hours, bureau } => {
            actions::set_target(&mut store, &author(), fy, bureau.as_deref(), hours, None)?;
            let whom = bureau.unwrap_or_else(|| "団体全体".into());
            emit(&format!("{} の目標値（{whom}）を {} 時間にしました", fy.label(), group_thousands(hours, 2)));
        }
        TargetCommand::Delete { fy, bureau } => {
            actions::delete_target(&mut store, &author(), fy, bureau.as_deref(), None)?;
            emit(&format!("{} の目標値（{}）を削除しました", fy.label(), bureau.as_deref().unwrap_or("団体全体")));
        }
        TargetCommand::List { json } => {
            let targets = store.targets(None)?;
            if json {
                return emit_json(&targets);
            }
            let chart = store.org_chart()?;
            let mut t = Table::new(&[("年度", Align::Left), ("対象", Align::Left), ("目標(h)", Align::Right)]);
            for x in targets {
                let whom = x
                    .bureau_id
                    .map_or("団体全体".into(), |b| chart.display_name(b, x.fiscal_year, NameView::AsReported));
                t.row(vec![x.fiscal_year.label(), whom, group_thousands(x.hours, 2)]);
            }
            emit(&t.render());
        }
    }
    Ok(())
}

pub fn settings(mut store: Store, c: SettingsCommand) -> Result<()> {
    match c {
        SettingsCommand::Get { key } => {
            let s = store.settings()?;
            let keys: Vec<&(&str, &str)> = match &key {
                Some(k) => {
                    let found: Vec<_> = SETTING_KEYS.iter().filter(|(x, _)| x == k).collect();
                    if found.is_empty() {
                        let all: Vec<&str> = SETTING_KEYS.iter().map(|(k, _)| *k).collect();
                        return Err(Error::NotFound(format!(
                            "設定項目「{k}」はありません。使える項目: {}",
                            all.join(", ")
                        )));
                    }
                    found
                }
                None => SETTING_KEYS.iter().collect(),
            };
            let mut t = Table::new(&[("項目", Align::Left), ("値", Align::Left), ("説明", Align::Left)]);
            for (k, help) in keys {
                t.row(vec![k.to_string(), s.get(k).unwrap_or_default(), help.to_string()]);
            }
            emit(&format!("{}{}", t.render(), s.rounding.describe()));
        }
        SettingsCommand::Set { key, value } => {
            let s = actions::set_setting(&mut store, &author(), &key, &value)?;
            emit(&format!("{key} = {}\n{}", s.get(&key).unwrap_or_default(), s.rounding.describe()));
        }
    }
    Ok(())
}

pub fn cost(mut store: Store, c: CostCommand) -> Result<()> {
    match c {
        CostCommand::Set { tool, fy, licence, maintenance, note } => {
            let cost = daicho::ledger::Cost {
                tool: tool.clone(),
                fiscal_year: fy,
                licence_yen: licence,
                maintenance_yen: maintenance,
                note,
            };
            actions::set_cost(&mut store, &author(), &cost, None)?;
            emit(&format!(
                "{} の {} の費用を登録しました: ライセンス費 {}円、保守費 {}円",
                fy.label(),
                tool,
                group_thousands(licence, 0),
                group_thousands(maintenance, 0)
            ));
        }
        CostCommand::Delete { tool, fy } => {
            actions::delete_cost(&mut store, &author(), &tool, fy, None)?;
            emit(&format!("{} の {tool} の費用を削除しました", fy.label()));
        }
        CostCommand::List { fy, json } => {
            let costs = store.costs(fy)?;
            if json {
                return emit_json(&costs);
            }
            let mut t = Table::new(&[
                ("年度", Align::Left),
                ("ツール", Align::Left),
                ("ライセンス費(円)", Align::Right),
                ("保守費(円)", Align::Right),
                ("備考", Align::Left),
            ]);
            for c in &costs {
                t.row(vec![
                    c.fiscal_year.wareki(),
                    c.tool.clone(),
                    group_thousands(c.licence_yen, 0),
                    group_thousands(c.maintenance_yen, 0),
                    c.note.clone().unwrap_or_default(),
                ]);
            }
            emit(&format!("{}{} 件", t.render(), costs.len()));
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// 台帳を丸ごと写す（記録・履歴・変更の記録・取込の記録すべて）。SQLite のファイルから PostgreSQL の共有台帳へ、
    /// またはその逆（バックアップや持ち出し用の写し）。写し先は新しいファイルか空のデータベースに限ります
    Copy {
        /// 写し元: 台帳のファイル、またはサーバーの接続文字列
        from: String,
        /// 写し先: 新しいファイル、または空のデータベースの接続文字列
        to: String,
        #[arg(long)]
        json: bool,
    },
}

/// `daicho db …`: the ledger as a whole.
pub fn db(c: DbCommand) -> Result<()> {
    let DbCommand::Copy { from, to, json } = c;
    let source = match Location::parse(&from) {
        Location::File(path) => Store::open_existing(&path)?,
        Location::Server(conn) => Store::connect(&conn)?,
    };
    let mut target = match Location::parse(&to) {
        // A new file only: an existing ledger is never written over.
        Location::File(path) => Store::create(&path)?,
        Location::Server(conn) => Store::connect(&conn)?,
    };
    let done = actions::copy_ledger(&source, &mut target)?;
    if json {
        return emit_json(&done);
    }
    let mut t = Table::new(&[("表", Align::Left), ("行数", Align::Right)]);
    for (table, rows) in &done.copy.tables {
        t.row(vec![table.clone(), group_thousands(Decimal::from(*rows as u64), 0)]);
    }
    emit(&t.render());
    let years: Vec<String> = done.years_checked.iter().map(|fy| fy.0.to_string()).collect();
    emit(&format!(
        "{} から {} へ {} 行を写し、読み直して一致を確かめました。集計も一致しています（年度: {}）",
        Location::parse(&from).shown(),
        Location::parse(&to).shown(),
        done.copy.rows(),
        if years.is_empty() { "なし".to_string() } else { years.join(", ") }
    ));
    Ok(())
}

#[derive(Subcommand)]
pub enum ServerCommand {
    /// PostgreSQL のデータベースを共有台帳として準備する（スキーマ、編集者 daicho_editor と閲覧者 daicho_viewer の
    /// ロールと権限）。データベースの所有者のログインで実行し、Daicho を更新したあとにも実行します
    Init {
        /// 所有者として接続する接続文字列（例: postgresql://daicho_owner@db.city.local/daicho?sslmode=verify-full）
        conn: String,
    },
}

/// `daicho server …`: what the IT section runs on the shared ledger's server.
pub fn server(c: ServerCommand) -> Result<()> {
    let ServerCommand::Init { conn } = c;
    let Location::Server(conn) = Location::parse(&conn) else {
        return Err(Error::Invalid(format!(
            "{} はサーバーの接続文字列ではありません（postgresql://サーバー/データベース または host=… dbname=…）",
            daicho::db::redact(&conn)
        )));
    };
    Store::init_server(&conn)?;
    emit(&format!(
        "{} を共有台帳として準備しました（スキーマ {}）。職員のログインを daicho_editor（編集）か daicho_viewer（閲覧）に\n\
         加えてください: CREATE ROLE 氏名 LOGIN PASSWORD '…' IN ROLE daicho_editor;",
        Location::Server(conn.clone()).shown(),
        daicho::db::latest_schema_version()
    ));
    Ok(())
}
