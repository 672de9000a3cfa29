"""The script a business-improvement team would otherwise write: consolidate every department's return into totals
per 課 with openpyxl. It is the benchmark's reference (benches/suite.rs), written the straightforward way such a
script is written — load each workbook, find the header row, map the columns by their names, parse each row's
formula or stated hours, add up — and doing the same parsing the benchmark's returns need: renamed headers, title
rows above the table, full-width digits, 約, thousands separators, 和暦 or western years, labels in parentheses,
parenthesised differences like (30分-5分).

Usage: python3 consolidate.py FOLDER   (prints the total hours per 課 and overall)
"""

import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import openpyxl

HEADERS = {
    "section": ["課", "所属名", "所属"],
    "bureau": ["部局", "部局名"],
    "title": ["業務名", "事務名"],
    "year": ["年度", "対象年度"],
    "basis": ["算定区分"],
    "formula": ["算定式"],
    "hours": ["削減時間(時間)", "年間削減時間(h)", "年間削減時間(ｈ)"],
}
UNIT_MINUTES = {"秒": 1 / 60, "分": 1, "時間": 60}


def norm(text):
    return unicodedata.normalize("NFKC", str(text)).replace("\n", "").replace(" ", "").strip()


def find_header(ws):
    for r, row in enumerate(ws.iter_rows(max_row=20, values_only=True)):
        names = [norm(v) if v is not None else "" for v in row]
        columns = {}
        for key, options in HEADERS.items():
            for c, name in enumerate(names):
                if name in [norm(o) for o in options]:
                    columns[key] = c
                    break
        if "title" in columns and "section" in columns:
            return r, columns
    return None, None


def fiscal_year(value):
    text = norm(value)
    m = re.match(r"^(令和|R)(\d+|元)年?度?$", text)
    if m:
        return 2018 + (1 if m.group(2) == "元" else int(m.group(2)))
    m = re.match(r"^(\d{4})", text)
    return int(m.group(1)) if m else None


def term_minutes(term):
    """A product like 5分×2(往復)×1人×4回×150件: one factor carries the time unit, the others are counts."""
    minutes = 1.0
    timed = False
    for factor in term.split("×"):
        factor = re.sub(r"\([^)]*\)$", "", factor) if not factor.startswith("(") else factor
        m = re.match(r"^\((.*)\)(.*)$", factor)
        if m:  # a parenthesised difference or sum of times: (30分-5分)
            inner = m.group(1)
            parts = re.findall(r"([+-]?)([\d.,]+)(秒|分|時間)", inner)
            value = sum((-1 if s == "-" else 1) * float(n.replace(",", "")) * UNIT_MINUTES[u] for s, n, u in parts)
            minutes *= value
            timed = True
            continue
        m = re.match(r"^([\d.,]+)(秒|分|時間)?", factor)
        if not m:
            raise ValueError(f"cannot read factor {factor!r}")
        minutes *= float(m.group(1).replace(",", ""))
        if m.group(2):
            minutes *= UNIT_MINUTES[m.group(2)]
            timed = True
    if not timed:
        raise ValueError(f"no time unit in {term!r}")
    return minutes


def row_hours(formula, stated):
    if formula is not None and norm(formula):
        text = norm(formula).replace("*", "×").replace("x", "×").removeprefix("約")
        text = text.split("=")[0]
        return sum(term_minutes(t) for t in text.split("+")) / 60
    if stated is not None and norm(stated):
        text = norm(stated).removeprefix("約").removesuffix("時間").replace(",", "")
        return float(text)
    return None


def main(folder):
    totals = defaultdict(float)
    rows = 0
    for path in sorted(Path(folder).glob("*.xlsx")):
        wb = openpyxl.load_workbook(path, data_only=True)
        for ws in wb.worksheets:
            header, cols = find_header(ws)
            if header is None:
                continue
            for row in ws.iter_rows(min_row=header + 2, values_only=True):
                if all(v is None for v in row):
                    continue
                get = lambda key: row[cols[key]] if key in cols and cols[key] < len(row) else None
                if fiscal_year(get("year")) is None:
                    raise ValueError(f"{path.name}: year {get('year')!r}")
                hours = row_hours(get("formula"), get("hours"))
                if hours is None:
                    continue
                totals[norm(get("section"))] += hours
                rows += 1
    for section in sorted(totals):
        print(f"{section}\t{totals[section]:.1f}")
    print(f"合計\t{sum(totals.values()):.1f}\t({rows} 行)")


if __name__ == "__main__":
    main(sys.argv[1])
