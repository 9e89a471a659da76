"""Land: find each sheet's header row, keep every data row raw with its lineage.

The header row is found whatever the number of title rows: the row (within the first rows) that
matches most of the sender's header spellings after normalization (NFKC, brackets, spaces, a
unit in brackets split off). Blank rows, repeated headers and footers (填表人, 审核人, 合计, 注)
are not data. A workbook where no sheet matches the sender's layout is quarantined (A4).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

import duckdb
import pyarrow as pa

from pipelines.cells import normalize_header, normalize_text, split_header_unit
from pipelines.periods import detect_month, scope_of
from pipelines.read import RawSheet
from pipelines.specs import ColumnSpec, SheetSpec, SourceSpec

HEADER_SEARCH_ROWS = 12
FOOTER = re.compile(r"^(填表人|填表|审核人|审核|制表|负责人|单位负责人|合计|总计|小计|注[:：]|说明[:：]|备注[:：])")


@dataclass
class Layout:
    spec: SheetSpec
    header_row: int                                   # Excel row number
    headers: list[str]                                # as written
    columns: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # target -> (index, unit)


@dataclass
class Mismatch:
    missing: list[str]
    closest: str | None


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@cache
def _spellings(spellings: tuple[str, ...]) -> frozenset[str]:
    return frozenset(split_header_unit(normalize_header(s))[0] for s in spellings)


def _match(spec: ColumnSpec, base: str) -> bool:
    return base in _spellings(tuple(spec.spellings()))


def _map_row(spec: SheetSpec, row: list[tuple[str | None, str]]) -> dict[str, tuple[int, str | None]]:
    found: dict[str, tuple[int, str | None]] = {}
    for index, (text, _kind) in enumerate(row):
        if not text:
            continue
        base, unit = split_header_unit(normalize_header(text))
        for col in spec.columns:
            if col.target not in found and _match(col, base):
                found[col.target] = (index, unit)
                break
    return found


def detect_layout(sheet: RawSheet, spec: SheetSpec) -> Layout | Mismatch:
    best: tuple[int, int, dict[str, tuple[int, str | None]]] = (-1, 0, {})
    for r, row in enumerate(sheet.rows[: max(HEADER_SEARCH_ROWS, spec.title_rows[1] + 3)]):
        found = _map_row(spec, row)
        if len(found) > best[0]:
            best = (len(found), r, found)
    _, r, found = best
    needed = [c for c in spec.columns if not c.optional]
    missing = [c.header for c in needed if c.target not in found]
    if not missing:
        headers = [t or "" for t, _ in sheet.rows[r]]
        return Layout(spec, r + 1, headers, found)
    written = [t for t, _ in (sheet.rows[r] if sheet.rows else []) if t]
    close = [m for h in missing for m in difflib.get_close_matches(h, written, n=1, cutoff=0.3)]
    return Mismatch(missing, close[0] if close else (written[0] if written else None))


def match_sheets(sheets: list[RawSheet], source: SourceSpec) -> tuple[list[tuple[RawSheet, Layout]], str]:
    """Each sheet with the layout it matches; the A4 reason when none matches."""
    matched: list[tuple[RawSheet, Layout]] = []
    worst: Mismatch | None = None
    for sheet in sheets:
        for spec in source.sheets:
            if any(layout.spec.table == spec.table for _, layout in matched) and spec.names \
                    and sheet.name not in spec.names:
                continue
            result = detect_layout(sheet, spec)
            if isinstance(result, Layout):
                matched.append((sheet, result))
                break
            if worst is None or len(result.missing) < len(worst.missing):
                worst = result
    reason = ""
    if not matched and worst is not None:
        reason = (f"没有找到本单位模板的表头，缺少列：{'、'.join(worst.missing[:8])}"
                  + (f"；最接近的表头是 `{worst.closest}`" if worst.closest else "")
                  + "；请使用本单位的报送模板")
    return matched, reason


def is_footer(row: list[tuple[str | None, str]]) -> bool:
    texts = [t for t, _ in row if t and t.strip()]
    return bool(texts) and bool(FOOTER.match(normalize_text(texts[0]) or ""))


def data_rows(sheet: RawSheet, layout: Layout) -> list[tuple[int, list[tuple[str | None, str]]]]:
    """(Excel row number, cells) of every data row below the header."""
    header = [normalize_header(h) for h in layout.headers]
    out = []
    for r in range(layout.header_row, len(sheet.rows)):
        row = sheet.rows[r]
        if not any(t and t.strip() for t, _ in row) or is_footer(row):
            continue
        if [normalize_header(t) for t, _ in row][: len(header)] == header:
            continue   # a repeated header (multi-page exports)
        out.append((r + 1, row))
    return out


LANDED_SCHEMA = pa.schema([("load_id", pa.string()), ("office", pa.string()), ("file_hash", pa.string()),
                           ("file_name", pa.string()), ("sheet", pa.string()), ("row", pa.int64()),
                           ("row_uid", pa.string()), ("tbl", pa.string()),
                           ("cells", pa.list_(pa.string())), ("kinds", pa.string())])


def land_sheet(con: duckdb.DuckDBPyConnection, meta: dict[str, str], sheet: RawSheet, layout: Layout) -> int:
    """Insert the sheet's header and data rows; returns the number of data rows."""
    rows = data_rows(sheet, layout)
    n = len(rows)
    table = pa.table({
        "load_id": [meta["load_id"]] * n, "office": [meta["office"]] * n,
        "file_hash": [meta["file_hash"]] * n, "file_name": [meta["file_name"]] * n,
        "sheet": [sheet.name] * n, "row": [r for r, _ in rows],
        "row_uid": [f"{meta['file_hash'][:12]}:{sheet.name}:{r}" for r, _ in rows],
        "tbl": [layout.spec.table] * n,
        "cells": [[t for t, _ in cells] for _, cells in rows],
        "kinds": ["".join(k for _, k in cells) for _, cells in rows]}, schema=LANDED_SCHEMA)
    con.execute("INSERT INTO landed_sheet VALUES (?,?,?,?,?,?,?,?)",
                [meta["load_id"], meta["office"], meta["file_hash"], meta["file_name"], sheet.name,
                 layout.spec.table, layout.header_row, layout.headers])
    con.register("_landing", table)
    con.execute("INSERT INTO landed_row SELECT * FROM _landing")
    con.unregister("_landing")
    return n


def _titles(sheet: RawSheet, layout: Layout) -> list[str]:
    return [" ".join(t for t, _ in row if t) for row in sheet.rows[: layout.header_row - 1]]


def land_file(con: duckdb.DuckDBPyConnection, meta: dict[str, str], sheets: list[RawSheet],
              source: SourceSpec, counties: dict[str, str]) -> tuple[str, str] | None:
    """Land a read file's matching sheets in one transaction; returns (rule, reason) to quarantine."""
    matched, reason = match_sheets(sheets, source)
    if not matched:
        return "A4", reason
    if all(not data_rows(sheet, layout) for sheet, layout in matched):
        return "F3", "文件只有表头，没有数据行"
    titles = [t for sheet, layout in matched for t in _titles(sheet, layout) if t]
    month = detect_month(titles, meta["file_name"], None)
    if month is None:
        bare = detect_month(titles, meta["file_name"], 1)  # a month without a year: year filled later
        month = f"????{bare[4:]}" if bare else None
    scope_values: list[str | None] = []
    for sheet, layout in matched:
        if source.scope in layout.columns:
            index = layout.columns[source.scope][0]
            scope_values += list({row[index][0] for _, row in data_rows(sheet, layout) if index < len(row)})
    scope = scope_of(scope_values, source.scope or "", counties, titles, meta["file_name"])
    con.execute("BEGIN TRANSACTION")
    for sheet, layout in matched:
        land_sheet(con, meta, sheet, layout)
    con.execute("UPDATE ledger SET status = 'landed', month = ?, scope = ? WHERE file_hash = ? AND path = ?",
                [month, scope, meta["file_hash"], meta["path"]])
    con.execute("COMMIT")
    return None
