//! `daicho add`, `edit`, `list`, `show`, `delete`, `evaluate`, `log`: initiatives and their history.

use chrono::NaiveDate;
use clap::Args;
use daicho::Result;
use daicho::actions;
use daicho::db::{Read, Store};
use daicho::fiscal::FiscalYear;
use daicho::ledger::{AuditQuery, Evaluation, Kind, Status};
use daicho::number::{self, group_thousands};
use rust_decimal::Decimal;
use serde_json::json;

use super::{author, hours_text, opt};
use crate::table::{Align, Table};
use crate::{date, emit, emit_json, fiscal_year, kind, status};

#[derive(Args)]
pub struct AddArgs {
    /// 所属（部局/課/係 のパスまたは名前）
    #[arg(long)]
    unit: String,
    /// 区分: RPA / AI-OCR / RPA+AI-OCR / その他
    #[arg(long, value_parser = kind)]
    kind: Kind,
    /// 業務名
    #[arg(long)]
    title: String,
    /// ツール・製品（例: WinActor, DX Suite）
    #[arg(long)]
    tool: Option<String>,
    /// ベンダー
    #[arg(long)]
    vendor: Option<String>,
    /// 状況: 検討中 / 開発中 / 試行中 / 運用中 / 停止 / 廃止
    #[arg(long, value_parser = status, default_value = "検討中")]
    status: Status,
    /// 運用開始日（例: 2023/4/1, 令和5年4月1日）
    #[arg(long, value_parser = date)]
    start: Option<NaiveDate>,
    /// シナリオ数
    #[arg(long)]
    scenarios: Option<i64>,
    /// 担当者
    #[arg(long)]
    owner: Option<String>,
    /// 備考
    #[arg(long)]
    notes: Option<String>,
    /// 管理番号（省略時は R5-0001 のように自動採番）
    #[arg(long)]
    id: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct EditArgs {
    /// 管理番号（複数書くと、--status・--status-on・--tool を全部に同じく設定します。1件でもほかの人が変更して
    /// いたら、どれも変更しません）
    #[arg(required = true, num_args = 1.., value_name = "ID")]
    ids: Vec<String>,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long, value_parser = kind)]
    kind: Option<Kind>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    tool: Option<String>,
    #[arg(long)]
    vendor: Option<String>,
    /// 新しい状況（状況の履歴に記録されます）
    #[arg(long, value_parser = status)]
    status: Option<Status>,
    /// 状況が変わった日（省略時は今日）
    #[arg(long, value_parser = date)]
    status_on: Option<NaiveDate>,
    #[arg(long, value_parser = date)]
    start: Option<NaiveDate>,
    #[arg(long)]
    scenarios: Option<i64>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// この版から変更する（show --json の version）。その後ほかの人が変更していたら、変更せずに終了コード 4 で止まります。
    /// 管理番号を複数書くときは、その順に1つずつ書きます
    #[arg(long, value_name = "VERSION")]
    if_version: Vec<i64>,
}

#[derive(Args)]
pub struct ListArgs {
    /// この年度に効果がある取組（削減時間も表示）
    #[arg(long, value_parser = fiscal_year)]
    fy: Option<FiscalYear>,
    /// 部局（配下の課・係を含む）
    #[arg(long)]
    bureau: Option<String>,
    #[arg(long, value_parser = kind)]
    kind: Option<Kind>,
    #[arg(long, value_parser = status)]
    status: Option<Status>,
    #[arg(long)]
    json: bool,
}

pub fn add(mut store: Store, a: AddArgs) -> Result<()> {
    let new = actions::NewInitiative {
        unit: a.unit,
        kind: Some(a.kind),
        title: a.title,
        tool: a.tool,
        vendor: a.vendor,
        status: Some(a.status),
        started_on: a.start,
        fiscal_year: None,
        scenario_count: a.scenarios,
        owner: a.owner,
        notes: a.notes,
        ledger_id: a.id,
    };
    let i = actions::add_initiative(&mut store, &author(), new)?;
    if a.json {
        return emit_json(&i);
    }
    emit(&format!("取組 {}「{}」を登録しました", i.ledger_id, i.title));
    Ok(())
}

pub fn edit(mut store: Store, a: EditArgs) -> Result<()> {
    if !a.if_version.is_empty() && a.if_version.len() != a.ids.len() {
        return Err(daicho::Error::Invalid(format!(
            "--if-version は管理番号と同じ数だけ、同じ順に書いてください（管理番号 {} 件、--if-version {} 件）",
            a.ids.len(),
            a.if_version.len()
        )));
    }
    if a.ids.len() > 1 {
        return edit_many(store, a);
    }
    let id = &a.ids[0];
    // Only what is given changes.
    let changes = actions::InitiativeChanges {
        unit: a.unit,
        kind: a.kind,
        title: a.title,
        tool: a.tool.map(Some),
        vendor: a.vendor.map(Some),
        status: a.status,
        status_on: a.status_on,
        started_on: a.start.map(Some),
        scenario_count: a.scenarios.map(Some),
        owner: a.owner.map(Some),
        notes: a.notes.map(Some),
        expected_version: a.if_version.first().copied(),
    };
    let after = actions::edit_initiative(&mut store, &author(), id, changes)?;
    emit(&format!("取組 {}「{}」を変更しました", after.ledger_id, after.title));
    Ok(())
}

/// `daicho edit R6-0001 R6-0002 --status 運用中`: the bulk edit of 状況 and ツール.
fn edit_many(mut store: Store, a: EditArgs) -> Result<()> {
    let one_by_one = [
        ("--unit", a.unit.is_some()),
        ("--kind", a.kind.is_some()),
        ("--title", a.title.is_some()),
        ("--vendor", a.vendor.is_some()),
        ("--start", a.start.is_some()),
        ("--scenarios", a.scenarios.is_some()),
        ("--owner", a.owner.is_some()),
        ("--notes", a.notes.is_some()),
    ];
    let given: Vec<&str> = one_by_one.iter().filter(|(_, given)| *given).map(|(name, _)| *name).collect();
    if !given.is_empty() {
        return Err(daicho::Error::Invalid(format!(
            "複数の取組をまとめて変更できるのは --status（--status-on）と --tool だけです。{} は1件ずつ変更してください",
            given.join("・")
        )));
    }
    let picked: Vec<actions::Picked> = a
        .ids
        .iter()
        .enumerate()
        .map(|(n, id)| actions::Picked { ledger_id: id.clone(), version: a.if_version.get(n).copied() })
        .collect();
    let changes = actions::BulkChanges { status: a.status, status_on: a.status_on, tool: a.tool.map(Some) };
    let done = actions::edit_initiatives(&mut store, &author(), &picked, &changes)?;
    let ids =
        |list: &[daicho::ledger::Initiative]| list.iter().map(|i| i.ledger_id.as_str()).collect::<Vec<_>>().join(", ");
    let mut out = format!("{} 件の取組を変更しました", done.changed.len());
    if !done.changed.is_empty() {
        out += &format!(": {}", ids(&done.changed));
    }
    if !done.unchanged.is_empty() {
        out += &format!("（すでにその内容だった {} 件は変更なし: {}）", done.unchanged.len(), ids(&done.unchanged));
    }
    emit(&out);
    Ok(())
}

pub fn delete(mut store: Store, id: &str, if_version: Option<i64>) -> Result<()> {
    let i = actions::delete_initiative(&mut store, &author(), id, if_version)?;
    emit(&format!("取組 {}「{}」を削除しました", i.ledger_id, i.title));
    Ok(())
}

pub fn undo(mut store: Store, dry_run: bool) -> Result<()> {
    let author = author();
    let Some(change) = actions::last_change(&store, &author)? else {
        return Err(daicho::Error::NotFound(format!("{} さんの変更は、この台帳にありません", author.user)));
    };
    let at = change.at.get(..19).unwrap_or(&change.at).replace('T', " ");
    if dry_run {
        emit(&format!("元に戻す変更: {}（{at}、{}）", change.description, change.actor));
        return Ok(());
    }
    let done = actions::undo_last_change(&mut store, &author, &change.at)?;
    emit(&format!("元に戻しました: {}（{at}、{}）", done.description, done.actor));
    Ok(())
}

pub fn evaluate(mut store: Store, id: &str, e: &Evaluation) -> Result<()> {
    let i = actions::evaluate(&mut store, &author(), id, e, None)?;
    emit(&format!("{} の{}の評価を {} にしました", i.ledger_id, e.fiscal_year.label(), e.grade));
    Ok(())
}

pub fn log(store: Store, id: Option<&str>, limit: u32, json: bool) -> Result<()> {
    let key = match id {
        Some(id) => Some(store.initiative_by_ledger_id(id)?.ledger_id),
        None => None,
    };
    let entity = key.as_ref().map(|_| "initiative");
    let entries = store.audit_log(AuditQuery { entity, key: key.as_deref(), limit })?;
    if json {
        return emit_json(&entries);
    }
    let mut t = Table::new(&[
        ("日時", Align::Left),
        ("利用者", Align::Left),
        ("操作", Align::Left),
        ("対象", Align::Left),
        ("キー", Align::Left),
    ]);
    for e in entries {
        let action = match e.action.as_str() {
            "create" => "登録",
            "update" => "変更",
            _ => "削除",
        };
        t.row(vec![e.at.chars().take(19).collect(), e.actor, action.into(), e.entity, e.entity_key]);
    }
    emit(&t.render());
    Ok(())
}

pub fn list(store: Store, a: ListArgs) -> Result<()> {
    let chart = store.org_chart()?;
    let query = actions::ListQuery { fiscal_year: a.fy, bureau: a.bureau, kind: a.kind, status: a.status };
    let items = actions::initiatives(&store, &query)?;
    // The year's figure of each initiative (best basis, adoption rule), as the app's ledger shows it.
    let minutes: Option<std::collections::HashMap<String, Decimal>> = match a.fy {
        Some(fy) => Some(
            daicho::views::ledger_rows(&store, fy)?
                .into_iter()
                .filter_map(|r| r.minutes.map(|m| (r.ledger_id, m)))
                .collect(),
        ),
        None => None,
    };
    if a.json {
        let rows: Vec<_> = items
            .iter()
            .map(|i| {
                let mut v = serde_json::to_value(i).unwrap_or_default();
                v["unit"] = json!(chart.current_path(i.unit_id));
                if let Some(m) = minutes.as_ref().and_then(|m| m.get(&i.ledger_id)) {
                    v["minutes"] = number::json(*m);
                }
                v
            })
            .collect();
        return emit_json(&rows);
    }
    let mut columns = vec![
        ("管理番号", Align::Left),
        ("区分", Align::Left),
        ("業務名", Align::Left),
        ("所属", Align::Left),
        ("ツール", Align::Left),
        ("状況", Align::Left),
        ("シナリオ", Align::Right),
    ];
    if minutes.is_some() {
        columns.push(("削減時間(h)", Align::Right));
    }
    let mut t = Table::new(&columns);
    let mut total = Decimal::ZERO;
    for i in &items {
        let mut row = vec![
            i.ledger_id.clone(),
            i.kind.label().into(),
            i.title.clone(),
            chart.current_path(i.unit_id),
            opt(&i.tool).into(),
            i.status.label().into(),
            i.scenario_count.map_or(String::new(), |n| n.to_string()),
        ];
        if let Some(m) = &minutes {
            let v = m.get(&i.ledger_id).copied().unwrap_or_default();
            total += v;
            row.push(hours_text(v));
        }
        t.row(row);
    }
    let mut out = t.render();
    out.push_str(&format!("{} 件", items.len()));
    if minutes.is_some() {
        out.push_str(&format!("、削減時間 計 {} 時間（端数処理前）", hours_text(total)));
    }
    emit(&out);
    Ok(())
}

pub fn show(store: Store, id: &str, json: bool) -> Result<()> {
    let d = daicho::views::initiative_detail(&store, id, daicho::fiscal::DateStyle::Wareki)?;
    let (i, history, evaluations) = (&d.initiative, &d.status_history, &d.evaluations);
    if json {
        let effects: Vec<_> = d.effects.iter().map(|e| &e.effect).collect();
        let evaluations: Vec<_> = evaluations.iter().map(|e| &e.evaluation).collect();
        return emit_json(&json!({
            "initiative": i,
            "unit": d.unit,
            "effects": effects,
            "status_history": history,
            "evaluations": evaluations,
        }));
    }
    let mut out = format!("{}  {}\n", i.ledger_id, i.title);
    let fields = [
        ("区分", i.kind.label().to_string()),
        ("所属", d.unit.clone()),
        ("ツール", opt(&i.tool).to_string()),
        ("ベンダー", opt(&i.vendor).to_string()),
        ("状況", i.status.label().to_string()),
        ("運用開始", i.started_on.map_or(String::new(), daicho::fiscal::wareki_date)),
        ("シナリオ数", i.scenario_count.map_or(String::new(), |n| n.to_string())),
        ("担当者", opt(&i.owner).to_string()),
        ("備考", opt(&i.notes).to_string()),
    ];
    for (label, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        let pad = " ".repeat(12usize.saturating_sub(unicode_width::UnicodeWidthStr::width(*label)));
        out.push_str(&format!("  {label}{pad}{value}\n"));
    }
    out.push_str("\n効果\n");
    let mut t = Table::new(&[
        ("年度", Align::Left),
        ("算定区分", Align::Left),
        ("算定式", Align::Left),
        ("計算値(h)", Align::Right),
        ("申告値(h)", Align::Right),
        ("検算", Align::Left),
        ("報告時の所属", Align::Left),
    ]);
    for v in &d.effects {
        let e = &v.effect;
        t.row(vec![
            v.fiscal_year_label.clone(),
            e.basis.label().into(),
            opt(&e.formula).into(),
            e.computed_minutes.map_or(String::new(), hours_text),
            e.stated_hours.map_or(String::new(), |h| group_thousands(h, 2)),
            v.check.clone().unwrap_or_default(),
            v.reported_under.clone(),
        ]);
    }
    out.push_str(&t.render());
    out.push_str("\n状況の履歴\n");
    for h in history {
        out.push_str(&format!("  {}  {}\n", h.changed_on_label, h.change.status));
    }
    if !evaluations.is_empty() {
        out.push_str("\n評価\n");
        for e in evaluations.iter().map(|v| &v.evaluation) {
            out.push_str(&format!(
                "  {}  {}  {}{}\n",
                e.fiscal_year.wareki(),
                e.grade,
                opt(&e.reason),
                e.reviewer_comment.as_ref().map_or(String::new(), |c| format!("（所見: {c}）"))
            ));
        }
    }
    emit(&out);
    Ok(())
}
