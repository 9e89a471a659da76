"""Land: find each sheet's header row, keep every data row raw with its lineage.

The header row is found whatever the number of title rows: the row (within the first rows) that
matches most of the sender's header spellings after normalization (NFKC, brackets, spaces, a
unit in brackets split off). Blank rows, repeated headers and footers (填表人, 审核人, 合计, 注)
are not data. A workbook where no sheet matches the sender's layout is quarantined (A4).
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa

from pipelines import headers
from pipelines.cells import normalize_header, normalize_text
from pipelines.headers import Layout, Mismatch, a4_reason, column_letter, map_headers
from pipelines.periods import detect_month, scope_of
from pipelines.read import RawSheet
from pipelines.specs import SheetSpec, SourceSpec

FOOTER = re.compile(r"^(填表人|填表|审核人|审核|制表|负责人|单位负责人|合计|总计|小计|注[:：]|说明[:：]|备注[:：])")
__all__ = ["Layout", "Mismatch", "column_letter", "data_rows", "detect_layout", "land_file", "map_headers",
           "match_sheets"]


def detect_layout(sheet: RawSheet, spec: SheetSpec) -> Layout | Mismatch:
    """The sheet's header (one or two rows, below any number of title rows) for `spec`."""
    return headers.detect_layout(sheet.rows, spec)


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
    reason = a4_reason(worst) if not matched and worst is not None else ""
    return matched, reason


def is_footer(row: list[tuple[str | None, str]]) -> bool:
    first = next((t for t, _ in row if t and t.strip()), None)
    return first is not None and bool(FOOTER.match(normalize_text(first) or ""))


def _header_forms(sheet: RawSheet, layout: Layout) -> set[tuple[str, ...]]:
    """The normalized header as combined and as each written header row (to spot repeats)."""
    rows: list[list[str | None]] = [[t for t, _ in row] for row in
                                    sheet.rows[layout.header_row - layout.header_rows: layout.header_row]]
    combined: list[str | None] = [*layout.headers]
    return {_normalized(texts) for texts in [combined, *rows]}


def _normalized(texts: list[str | None]) -> tuple[str, ...]:
    out = [normalize_header(t) for t in texts]
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def data_rows(sheet: RawSheet, layout: Layout) -> list[tuple[int, list[tuple[str | None, str]]]]:
    """(Excel row number, cells) of every data row below the header."""
    forms = _header_forms(sheet, layout)
    firsts = {f[0] for f in forms if f}
    out = []
    for r in range(layout.header_row, len(sheet.rows)):
        row = sheet.rows[r]
        if not any(t and t.strip() for t, _ in row) or is_footer(row):
            continue
        if row and normalize_header(row[0][0]) in firsts and _normalized([t for t, _ in row]) in forms:
            continue   # a repeated header (multi-page exports)
        out.append((r + 1, row))
    return out


LANDED_SCHEMA = pa.schema([("load_id", pa.string()), ("office", pa.string()), ("file_hash", pa.string()),
                           ("file_name", pa.string()), ("sheet", pa.string()), ("row", pa.int64()),
                           ("row_uid", pa.string()), ("tbl", pa.string()),
                           ("cells", pa.list_(pa.string())), ("kinds", pa.string())])


def land_sheet(con: duckdb.DuckDBPyConnection, meta: dict[str, str], sheet: RawSheet, layout: Layout,
               rows: list[tuple[int, list[tuple[str | None, str]]]] | None = None) -> int:
    """Insert the sheet's header and data rows (`rows`: its data_rows, if known); returns their number."""
    rows = data_rows(sheet, layout) if rows is None else rows
    n = len(rows)
    numbers = [r for r, _ in rows]
    uid = f"{meta['file_hash'][:12]}:{sheet.name}:"
    texts, kinds = [], []
    for _, cells in rows:
        text, kind = zip(*cells, strict=True) if cells else ((), ())
        texts.append(list(text))
        kinds.append("".join(kind))
    table = pa.table({
        "load_id": pa.repeat(meta["load_id"], n), "office": pa.repeat(meta["office"], n),
        "file_hash": pa.repeat(meta["file_hash"], n), "file_name": pa.repeat(meta["file_name"], n),
        "sheet": pa.repeat(sheet.name, n), "row": numbers, "row_uid": [uid + str(r) for r in numbers],
        "tbl": pa.repeat(layout.spec.table, n), "cells": texts, "kinds": kinds}, schema=LANDED_SCHEMA)
    con.execute("INSERT INTO landed_sheet VALUES (?,?,?,?,?,?,?,?)",
                [meta["load_id"], meta["office"], meta["file_hash"], meta["file_name"], sheet.name,
                 layout.spec.table, layout.header_row, layout.headers])
    con.register("_landing", table)
    con.execute("INSERT INTO landed_row SELECT * FROM _landing")
    con.unregister("_landing")
    return n


def _titles(sheet: RawSheet, layout: Layout) -> list[str]:
    return [" ".join(t for t, _ in row if t) for row in sheet.rows[: layout.header_row - layout.header_rows]]


def land_file(con: duckdb.DuckDBPyConnection, meta: dict[str, str], sheets: list[RawSheet],
              source: SourceSpec, counties: dict[str, str]) -> tuple[str, str] | None:
    """Land a read file's matching sheets in one transaction; returns (rule, reason) to quarantine."""
    matched, reason = match_sheets(sheets, source)
    if not matched:
        return "A4", reason
    rows = [data_rows(sheet, layout) for sheet, layout in matched]
    if not any(rows):
        return "F3", "文件只有表头，没有数据行"
    titles = [t for sheet, layout in matched for t in _titles(sheet, layout) if t]
    month = detect_month(titles, meta["file_name"], None)
    if month is None:
        bare = detect_month(titles, meta["file_name"], 1)  # a month without a year: year filled later
        month = f"????{bare[4:]}" if bare else None
    scope_values: list[str | None] = []
    for (_, layout), sheet_rows in zip(matched, rows, strict=True):
        if source.scope in layout.columns:
            index = layout.columns[source.scope][0]
            scope_values += list({row[index][0] for _, row in sheet_rows if index < len(row)})
    scope = scope_of(scope_values, source.scope or "", counties, titles, meta["file_name"])
    con.execute("BEGIN TRANSACTION")
    for (sheet, layout), sheet_rows in zip(matched, rows, strict=True):
        land_sheet(con, meta, sheet, layout, sheet_rows)
    con.execute("UPDATE ledger SET status = 'landed', month = ?, scope = ? WHERE file_hash = ? AND path = ?",
                [month, scope, meta["file_hash"], meta["path"]])
    con.execute("COMMIT")
    return None
