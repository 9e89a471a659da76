"""Land: find each sheet's header row, keep every data row raw with its lineage.

The header row is found whatever the number of title rows: the row (within the first rows) that
matches most of the sender's header spellings after normalization (NFKC, brackets, spaces, a
unit in brackets split off). Blank rows, repeated headers and footers (填表人, 审核人, 合计, 注)
are not data. A workbook where no sheet matches the sender's layout is quarantined (A4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import headers
from pipelines.cells import normalize_header, normalize_text
from pipelines.headers import Layout, Mismatch, a4_reason, column_letter, map_headers
from pipelines.periods import detect_month, scope_of
from pipelines.read import RawSheet
from pipelines.specs import SheetSpec, SourceSpec

FOOTER = re.compile(r"^(填表人|填表|审核人|审核|制表|负责人|单位负责人|合计|总计|小计|注[:：]|说明[:：]|备注[:：])")
__all__ = ["Layout", "Mismatch", "column_letter", "data_rows", "detect_layout", "land_file", "map_headers",
           "match_sheets", "select_data", "shape_file", "commit_file"]


def detect_layout(sheet: RawSheet, spec: SheetSpec) -> Layout | Mismatch:
    """The sheet's header (one or two rows, below any number of title rows) for `spec`."""
    return headers.detect_layout(sheet.head(headers.search_rows(spec)), spec)


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


def _footer_text(text: str) -> bool:
    return bool(FOOTER.match(normalize_text(text) or ""))


def _matching(texts: pa.Array, test: Callable[[str], bool], may_lead: Callable[[str], bool]) -> np.ndarray:
    """Which cells pass `test`, judging each distinct text once and only texts whose first character
    passes `may_lead` (a cheap necessary condition: e.g. a footer never starts with an ASCII digit)."""
    first = pc.utf8_slice_codeunits(texts, 0, 1)
    leads = [c for c in pc.unique(first).to_pylist() if c is not None and may_lead(c)]
    if not leads:
        return np.zeros(len(texts), dtype=bool)
    candidates = pc.unique(pc.filter(texts, pc.is_in(first, pa.array(leads, pa.string())))).to_pylist()
    hits = pa.array([t for t in candidates if t is not None and test(t)], pa.string())
    return pc.is_in(texts, hits).to_numpy(zero_copy_only=False) if len(hits) else np.zeros(len(texts), dtype=bool)


def _not_ascii_alnum(c: str) -> bool:
    """Normalizing (NFKC, spaces, brackets) keeps a leading ASCII letter or digit: such a text is
    never a footer and never a header whose first cell starts otherwise."""
    return not (c.isascii() and c.isalnum())


def _header_forms(sheet: RawSheet, layout: Layout) -> set[tuple[str, ...]]:
    """The normalized header as combined and as each written header row (to spot repeats)."""
    rows: list[list[str | None]] = [[t for t, _ in row] for row in
                                    sheet.head(layout.header_row)[layout.header_row - layout.header_rows:]]
    combined: list[str | None] = [*layout.headers]
    return {_normalized(texts) for texts in [combined, *rows]}


def _normalized(texts: list[str | None]) -> tuple[str, ...]:
    out = [normalize_header(t) for t in texts]
    while out and not out[-1]:
        out.pop()
    return tuple(out)


@dataclass
class SheetData:
    """A sheet's data rows as columns: Excel row numbers, one string array per column, and the
    kind characters as a (columns x rows) uint8 matrix."""
    numbers: np.ndarray
    texts: list[pa.Array]
    kinds: np.ndarray

    def row(self, i: int) -> list[tuple[str | None, str]]:
        return [(t[i].as_py(), chr(k)) for t, k in zip(self.texts, self.kinds[:, i], strict=True)]

    def __len__(self) -> int:
        return len(self.numbers)


def select_data(sheet: RawSheet, layout: Layout) -> SheetData:
    """Every data row below the header: not blank, not a footer, not a repeated header
    (multi-page exports). Set-wise: each distinct text is judged once, not each row."""
    texts, kinds = sheet.columns(layout.header_row)
    n = len(sheet) - layout.header_row
    filled = np.vstack([t.is_valid().to_numpy(zero_copy_only=False)
                        & ~_matching(t, lambda v: not v.strip(), str.isspace) for t in texts]) \
        if texts else np.zeros((0, n), dtype=bool)
    keep = np.asarray(filled.any(axis=0), dtype=bool)
    if keep.any():
        keep &= ~_footers(texts, filled, keep)
        keep &= ~_repeated_headers(sheet, layout, texts, keep)
    idx = np.flatnonzero(keep)
    return SheetData(idx + layout.header_row + 1, [t.take(idx) for t in texts], kinds[:, idx])


def _footers(texts: list[pa.Array], filled: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Rows whose first non-blank cell is a footer (填表人, 合计, 注: ...)."""
    first = filled.argmax(axis=0)
    footer = np.zeros(len(keep), dtype=bool)
    for c, column in enumerate(texts):
        rows = np.flatnonzero(keep & (first == c))
        if len(rows):
            footer[rows] = _matching(column.take(rows), _footer_text, _not_ascii_alnum)
    return footer


def _repeated_headers(sheet: RawSheet, layout: Layout, texts: list[pa.Array], keep: np.ndarray) -> np.ndarray:
    forms = _header_forms(sheet, layout)
    firsts = {f[0] for f in forms if f}
    leads = {f[0] for f in firsts if f}
    first = texts[0]
    candidates = _matching(first, lambda t: normalize_header(t) in firsts, lambda c: _not_ascii_alnum(c) or c in leads)
    if "" in firsts:
        candidates |= first.is_null().to_numpy(zero_copy_only=False)
    repeated = np.zeros(len(keep), dtype=bool)
    for i in np.flatnonzero(keep & candidates):
        repeated[i] = _normalized([t[i].as_py() for t in texts]) in forms
    return repeated


def data_rows(sheet: RawSheet, layout: Layout) -> list[tuple[int, list[tuple[str | None, str]]]]:
    """(Excel row number, cells) of every data row below the header."""
    data = select_data(sheet, layout)
    return [(int(number), data.row(i)) for i, number in enumerate(data.numbers)]


LANDED_SCHEMA = pa.schema([("load_id", pa.string()), ("office", pa.string()), ("file_hash", pa.string()),
                           ("file_name", pa.string()), ("sheet", pa.string()), ("row", pa.int64()),
                           ("row_uid", pa.string()), ("tbl", pa.string()),
                           ("cells", pa.list_(pa.string())), ("kinds", pa.string())])


def _row_lists(data: SheetData) -> tuple[pa.Array, pa.Array]:
    """Each row's cells (a list) and kinds (a string), from the columns, in Arrow and numpy."""
    n, width = len(data), len(data.texts)
    if not width:
        return pa.array([[]] * n, pa.list_(pa.string())), pa.array([""] * n, pa.string())
    order = (np.arange(width)[None, :] * n + np.arange(n)[:, None]).ravel()   # row-major
    flat = pa.concat_arrays(data.texts).take(pa.array(order))
    cells = pa.FixedSizeListArray.from_arrays(flat, width).cast(pa.list_(pa.string()))
    kinds = pa.array(np.ascontiguousarray(data.kinds.T).view(f"S{width}").ravel()).cast(pa.string())
    return cells, kinds


def landed_table(meta: dict[str, str], sheet: str, table: str, data: SheetData) -> pa.Table:
    """The sheet's data rows as `landed_row` rows, with their lineage."""
    n = len(data)
    numbers = pa.array(data.numbers, pa.int64())
    cells, kinds = _row_lists(data)
    uids = pc.binary_join_element_wise(f"{meta['file_hash'][:12]}:{sheet}", pc.cast(numbers, pa.string()), ":")
    return pa.table({
        "load_id": pa.repeat(meta["load_id"], n), "office": pa.repeat(meta["office"], n),
        "file_hash": pa.repeat(meta["file_hash"], n), "file_name": pa.repeat(meta["file_name"], n),
        "sheet": pa.repeat(sheet, n), "row": numbers, "row_uid": uids,
        "tbl": pa.repeat(table, n), "cells": cells, "kinds": kinds}, schema=LANDED_SCHEMA)


@dataclass
class Shaped:
    """A read file ready to land: per matching sheet its header and rows (`landed_row` rows), and
    the file's month and scope. Built without the database, so any worker can build it."""
    sheets: list[tuple[str, str, int, list[str], pa.Table]]   # sheet, table, header row, headers, rows
    month: str | None
    scope: str


def _titles(sheet: RawSheet, layout: Layout) -> list[str]:
    return [" ".join(t for t, _ in row if t) for row in sheet.head(layout.header_row - layout.header_rows)]


def shape_file(meta: dict[str, str], sheets: list[RawSheet], source: SourceSpec,
               counties: dict[str, str]) -> Shaped | tuple[str, str]:
    """A read file's matching sheets made ready to land, or (rule, reason) to quarantine it."""
    matched, reason = match_sheets(sheets, source)
    if not matched:
        return "A4", reason
    rows = [select_data(sheet, layout) for sheet, layout in matched]
    if not any(len(data) for data in rows):
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
            scope_values += pc.unique(sheet_rows.texts[index]).to_pylist() if index < len(sheet_rows.texts) else []
    scope = scope_of(scope_values, source.scope or "", counties, titles, meta["file_name"])
    return Shaped([(sheet.name, layout.spec.table, layout.header_row, layout.headers,
                    landed_table(meta, sheet.name, layout.spec.table, data))
                   for (sheet, layout), data in zip(matched, rows, strict=True)], month, scope)


def commit_file(con: duckdb.DuckDBPyConnection, meta: dict[str, str], shaped: Shaped) -> None:
    """Land a shaped file in one transaction: its sheets, its rows, its ledger status."""
    con.execute("BEGIN TRANSACTION")
    for sheet, table, header_row, written, rows in shaped.sheets:
        con.execute("INSERT INTO landed_sheet VALUES (?,?,?,?,?,?,?,?)",
                    [meta["load_id"], meta["office"], meta["file_hash"], meta["file_name"], sheet, table,
                     header_row, written])
        con.register("_landing", rows)
        con.execute("INSERT INTO landed_row SELECT * FROM _landing")
        con.unregister("_landing")
    con.execute("UPDATE ledger SET status = 'landed', month = ?, scope = ? WHERE file_hash = ? AND path = ?",
                [shaped.month, shaped.scope, meta["file_hash"], meta["path"]])
    con.execute("COMMIT")


def land_file(con: duckdb.DuckDBPyConnection, meta: dict[str, str], sheets: list[RawSheet],
              source: SourceSpec, counties: dict[str, str]) -> tuple[str, str] | None:
    """Shape and land a read file; returns (rule, reason) to quarantine."""
    shaped = shape_file(meta, sheets, source, counties)
    if isinstance(shaped, tuple):
        return shaped
    commit_file(con, meta, shaped)
    return None
