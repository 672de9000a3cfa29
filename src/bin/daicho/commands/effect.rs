//! `daicho effect`: an initiative's figure of a fiscal year and basis.

use clap::{Args, Subcommand};
use daicho::Result;
use daicho::actions;
use daicho::db::Store;
use daicho::fiscal::FiscalYear;
use daicho::formula::result_text;
use daicho::ledger::{Basis, NewEffect, Structured};
use daicho::number::group_thousands;
use rust_decimal::Decimal;

use super::author;
use crate::{basis, decimal, emit, fiscal_year};

#[derive(Subcommand)]
pub enum EffectCommand {
    /// 効果を登録する（同じ年度・算定区分があれば置き換えます）
    Set(EffectSetArgs),
    /// 効果を削除する
    Delete {
        /// 管理番号
        id: String,
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        #[arg(long, value_parser = basis)]
        basis: Basis,
    },
}

#[derive(Args)]
pub struct EffectSetArgs {
    /// 管理番号
    id: String,
    #[arg(long, value_parser = fiscal_year)]
    fy: FiscalYear,
    /// 算定区分: 試算 / 試行 / 実績
    #[arg(long, value_parser = basis)]
    basis: Basis,
    /// 算定式（例: "5分×40か所×245日"）
    #[arg(long, conflicts_with_all = ["saved_minutes", "before_minutes", "after_minutes", "count", "days"])]
    formula: Option<String>,
    /// 削減時間（分/件）
    #[arg(long, value_parser = decimal)]
    saved_minutes: Option<Decimal>,
    /// 導入前（分/件）
    #[arg(long, value_parser = decimal, requires = "after_minutes")]
    before_minutes: Option<Decimal>,
    /// 導入後（分/件）
    #[arg(long, value_parser = decimal, requires = "before_minutes")]
    after_minutes: Option<Decimal>,
    /// 件数
    #[arg(long, value_parser = decimal)]
    count: Option<Decimal>,
    /// 日数
    #[arg(long, value_parser = decimal)]
    days: Option<Decimal>,
    /// 所属が申告した削減時間（時間）
    #[arg(long, value_parser = decimal)]
    stated_hours: Option<Decimal>,
    /// 備考
    #[arg(long)]
    note: Option<String>,
}

pub fn run(mut store: Store, c: EffectCommand) -> Result<()> {
    match c {
        EffectCommand::Set(a) => {
            let structured = Structured {
                before_minutes: a.before_minutes,
                after_minutes: a.after_minutes,
                saved_minutes: a.saved_minutes,
                count: a.count,
                days: a.days,
                extra: Vec::new(),
            };
            let new = NewEffect {
                fiscal_year: a.fy,
                basis: a.basis,
                input: actions::effect_input(a.formula, structured),
                stated_hours: a.stated_hours,
                note: a.note,
            };
            let (i, e) = actions::set_effect(&mut store, &author(), &a.id, &new, None)?;
            let mut out = format!("{} {} {}の効果を登録しました\n", i.ledger_id, a.fy.label(), a.basis);
            if let Some(m) = e.computed_minutes {
                out.push_str(&format!("  計算値  {}\n", e.canonical.clone().unwrap_or_else(|| result_text(m))));
            }
            if let Some(h) = e.stated_hours {
                out.push_str(&format!("  申告値  {}時間\n", group_thousands(h, 2)));
            }
            if let Some(c) = e.stated_check() {
                out.push_str(&if c.matches {
                    "  検算    一致（申告値の桁数の範囲内）\n".to_string()
                } else {
                    format!("  検算    不一致: 計算値−申告値 = {}分\n", group_thousands(c.difference_minutes, 2))
                });
            }
            emit(&out);
        }
        EffectCommand::Delete { id, fy, basis } => {
            let i = actions::delete_effect(&mut store, &author(), &id, fy, basis, None)?;
            emit(&format!("{} {} {}の効果を削除しました", i.ledger_id, fy.label(), basis));
        }
    }
    Ok(())
}
