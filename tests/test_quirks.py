"""One fixture per quirk of offices.yaml, read -> land -> normalize, against golden canonical output.

Each case is a small real file under tests/fixtures/<office>/ (made by tests/fixtures/make_quirks.py).
The exact outcome (header row, every canonical value of every row, every finding with its cell and
its Chinese message) is in tests/golden/<case>.json: regenerate with `ONETABLE_UPDATE_GOLDEN=1
pytest tests/test_quirks.py` and review the diff; otherwise any difference fails.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines import normalize
from pipelines.findings import describe
from pipelines.land import land_file
from pipelines.read import Unreadable, read_file
from pipelines.schema import load_schema
from pipelines.specs import load_specs
from pipelines.store import create_working_tables, norm_table
from pipelines.workspace import Limits

FIX = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
AS_OF = date(2018, 8, 31)
COUNTIES = {"镇安县": "611025", "镇安": "611025", "商州区": "611002"}
LINEAGE = {"load_id", "office", "file_hash", "file_name", "row_uid"}

# case -> (fixture file under tests/fixtures/, the quirk it pins)
CASES: dict[str, tuple[str, str]] = {
    "title_rows_3": ("industry/title_rows_3.xlsx", "three title rows, the first merged"),
    "title_rows_0": ("ecology/title_rows_0.xls", "no title row"),
    "header_aliases": ("employment/header_aliases.xlsx", "every column under an alias spelling"),
    "footers": ("housing/footers.xlsx", "blank row, repeated header, 合计, 填表人/审核人, 注"),
    "fullwidth": ("health/fullwidth.xlsx", "full-width digits, commas and brackets"),
    "spaces_nbsp": ("screening/spaces_nbsp.xlsx", "stray spaces, NBSP, U+3000, zero-width, apostrophe"),
    "numeric_ids": ("education/numeric_ids.xlsx", "IDs stored as numbers: 18 -> A2, 15 -> A3"),
    "id15": ("relocation/id15.xlsx", "15-digit IDs upgraded, original kept"),
    "lower_x": ("employment/lower_x.xlsx", "lower-case x"),
    "dates": ("relocation/dates.xlsx", "every date spelling, Excel serials, bad and future dates"),
    "datetime_cells": ("housing/datetime_cells.xlsx", "datetime cells with and without a time"),
    "header_units": ("industry/header_units.xlsx", "万元 in the header converts to 元"),
    "area_units": ("ecology/area_units.xls", "公顷 -> 亩; 公里 on an area column is A7.unit"),
    "wan_in_yuan": ("industry/wan_in_yuan.xlsx", "0.35万元 in a 元 column is an error"),
    "dash_zero": ("ecology/dash_zero.xls", "'-' means 0, empty means unknown"),
    "codes": ("registry/codes.xlsx", "codes as numbers and legacy labels"),
    "multi_valued": ("registry/multi_valued.xlsx", "multi-valued cells with each separator"),
    "yes_no": ("relocation/yes_no.xlsx", "every yes/no spelling"),
    "merged_title": ("housing/merged_title.xlsx", "title merged over two rows"),
    "multi_sheet": ("infrastructure/multi_sheet.xlsx", "village and household sheets in one workbook"),
    "per_school": ("education/per_school.xlsx", "one sheet per school"),
    "xls_continued": ("ecology/xls_continued.xls", "the .xls sender, list continued on a second sheet"),
    "gb18030": ("social_security/gb18030.csv", "GB18030 CSV"),
    "utf16": ("employment/utf16.csv", "UTF-16 tab-separated CSV"),
    "a8_unique": ("social_security/a8_unique.csv", "A8 on unique [身份证号, 保障类别]"),
    "a9_autofill": ("health/a9_autofill.xlsx", "A9 auto-filled ID run"),
    "two_row_header": ("registry/two_row_header.xlsx", "two-row header, merged header cells"),
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def run_case(relpath: str) -> dict[str, Any]:
    """Read, land and normalize one fixture in a fresh working database; everything it produced."""
    office, name = relpath.split("/")
    source = load_specs()[office]
    con = duckdb.connect()
    create_working_tables(con)
    meta = {"file_hash": "c" * 64, "path": relpath, "office": office, "file_name": name, "load_id": "L1"}
    con.execute("INSERT INTO ledger (file_hash, office, path, file_name, first_seen, status, load_id) "
                "VALUES (?, ?, ?, ?, ?, 'received', 'L1')", [meta["file_hash"], office, relpath, name,
                                                            datetime(2018, 9, 5)])
    try:
        problem = land_file(con, meta, read_file(FIX / relpath, Limits()), source, COUNTIES)
    except Unreadable as exc:
        problem = (exc.rule, exc.reason)
    if problem:
        return {"quarantine": list(problem)}
    month, scope = con.execute("SELECT month, scope FROM ledger").fetchall()[0]
    counts, findings = normalize.normalize_load(con, meta | {"month": month, "scope": scope}, source,
                                                load_schema(), AS_OF)
    sheets = con.execute("SELECT sheet, tbl, header_row, headers FROM landed_sheet ORDER BY sheet").fetchall()
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in sorted({s[1] for s in sheets}):
        cur = con.execute(f"SELECT * FROM {norm_table(table)} ORDER BY sheet, row")
        names = [d[0] for d in cur.description]
        rows[table] = [{k: _plain(v) for k, v in zip(names, rec, strict=True) if k not in LINEAGE}
                       for rec in cur.fetchall()]
    return {
        "month": month, "scope": scope, "counts": counts,
        "sheets": [{"sheet": s, "table": t, "header_row": r, "headers": h} for s, t, r, h in sheets],
        "rows": rows,
        "findings": sorted(({"sheet": f.sheet, "row": f.row, "column": f.column_letter, "header": f.column_name,
                             "value": f.value, "rule": f.rule, "severity": f.severity,
                             "message": describe(f.rule, f.detail)[0]} for f in findings),
                           key=lambda f: (f["sheet"], f["row"], f["column"] or "", f["rule"])),
    }


def check_golden(case: str, got: dict[str, Any]) -> None:
    path = GOLDEN / f"{case}.json"
    text = json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("ONETABLE_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with ONETABLE_UPDATE_GOLDEN=1 and review it"
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    return {case: run_case(relpath) for case, (relpath, _) in CASES.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_quirk_matches_golden(case: str, results: dict[str, dict[str, Any]]) -> None:
    check_golden(case, results[case])


def test_every_fixture_file_is_a_case() -> None:
    from tests.fixtures.make_quirks import WRITERS
    assert sorted(WRITERS) == sorted(relpath for relpath, _ in CASES.values())
