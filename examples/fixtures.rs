//! Writes the import fixtures that need rust_xlsxwriter: a return whose 削減時間(時間) column holds live Excel
//! formulas with cached values (openpyxl cannot store cached values). Run by `tests/fixtures/generate.sh`:
//! `cargo run --example fixtures -- tests/fixtures`.

use rust_xlsxwriter::{Formula, Workbook, XlsxError};

fn main() -> Result<(), XlsxError> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("回答")?;
    let header =
        ["管理番号", "部局", "課", "区分", "業務名", "年度", "算定区分", "削減時間(分/件)", "件数", "削減時間(時間)"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    // (部局, 課, 区分, 業務名, minutes per case, cases): 削減時間(時間) = ROUND(minutes × cases ÷ 60, 1), cached.
    let rows = [
        ("総務部", "総務課", "RPA", "文書収受の登録", 6.0_f64, 2_450.0_f64),
        ("財務部", "税務課", "RPA", "税証明発行データの照合", 4.0, 1_000.0),
    ];
    for (i, (bureau, section, kind, title, per, count)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 1, *bureau)?;
        ws.write_string(r, 2, *section)?;
        ws.write_string(r, 3, *kind)?;
        ws.write_string(r, 4, *title)?;
        ws.write_number(r, 5, 2024.0)?;
        ws.write_string(r, 6, "実績")?;
        ws.write_number(r, 7, *per)?;
        ws.write_number(r, 8, *count)?;
        let cached = ((per * count / 60.0) * 10.0).round() / 10.0;
        ws.write_formula(r, 9, Formula::new(format!("=ROUND(H{0}*I{0}/60,1)", r + 1)).set_result(cached.to_string()))?;
    }
    wb.save(format!("{dir}/formula_cached.xlsx"))
}
