//! Writing the organisation chart (組織.xlsx) in the layout `daicho org import` reads.

use rust_xlsxwriter::Workbook;

use super::xlsx;
use crate::error::Result;
use crate::fiscal::FiscalYear;
use crate::import::org::OrgColumn;
use crate::org::OrgChart;

/// The organisation as a workbook: one row per unit (valid in `fy` when given), current names, former names and
/// aliases in 別名.
pub fn write_org(chart: &OrgChart, fy: Option<FiscalYear>) -> Result<(Vec<u8>, usize)> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("組織").map_err(xlsx)?;
    let base = super::base_format();
    let header = super::header_format();
    for (i, c) in OrgColumn::ALL.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, c.title(), &header).map_err(xlsx)?;
        ws.set_column_width(i as u16, if *c == OrgColumn::Aliases { 36.0 } else { 16.0 }).map_err(xlsx)?;
    }
    let mut row = 1u32;
    let mut write = |ids: [Option<i64>; 3], unit: &crate::org::OrgUnit| -> Result<()> {
        let names: Vec<String> = ids
            .iter()
            .map(|id| id.and_then(|i| chart.get(i)).map(|u| u.current_name().to_string()).unwrap_or_default())
            .collect();
        let former: Vec<&str> =
            std::iter::once(unit.name.as_str()).chain(unit.renames.iter().map(|r| r.name.as_str())).collect();
        let mut aliases: Vec<&str> = former.into_iter().filter(|n| *n != unit.current_name()).collect();
        aliases.extend(unit.aliases.iter().map(String::as_str));
        let values = [
            names[0].clone(),
            names[1].clone(),
            names[2].clone(),
            unit.code.clone().unwrap_or_default(),
            unit.valid_from.map(|y| y.wareki()).unwrap_or_default(),
            unit.valid_to.map(|y| y.wareki()).unwrap_or_default(),
            aliases.join("、"),
        ];
        for (i, v) in values.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string_with_format(row, i as u16, v.as_str(), &base).map_err(xlsx)?;
            }
        }
        row += 1;
        Ok(())
    };
    let valid = |u: &&crate::org::OrgUnit| fy.is_none_or(|f| u.is_valid_in(f));
    for b in chart.children(None).filter(valid) {
        write([Some(b.id), None, None], b)?;
        for s in chart.children(Some(b.id)).filter(valid) {
            write([Some(b.id), Some(s.id), None], s)?;
            for u in chart.children(Some(s.id)).filter(valid) {
                write([Some(b.id), Some(s.id), Some(u.id)], u)?;
            }
        }
    }
    let count = row as usize - 1;
    ws.set_freeze_panes(1, 0).map_err(xlsx)?;
    Ok((wb.save_to_buffer().map_err(xlsx)?, count))
}
