"""Normalize: landed raw cells -> the canonical tables of schemas/, through sources/<office>.yaml.

Each cell converts by its declared type (codes and dates stay strings until then). A row is
rejected only when its key fails (every key column failed or empty), a `required` column fails,
or it repeats an earlier row's unique key in the same file (A8); any other failing cell becomes
empty and the row is accepted with a warning. Members of a rejected registry household are
rejected with it. Every finding names the cell: sheet, row, column letter, header, raw value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from pipelines import cells
from pipelines.headers import Layout, column_letter, map_headers
from pipelines.schema import Schema
from pipelines.specs import ColumnSpec, SheetSpec, SourceSpec
from pipelines.store import norm_table

ARROW_TYPES = {"varchar": pa.string(), "bigint": pa.int64(), "double": pa.float64(), "date": pa.date32(),
               "boolean": pa.bool_(), "varchar[]": pa.list_(pa.string())}


@dataclass
class RawFinding:
    rule: str
    severity: str
    sheet: str
    row: int
    column_name: str | None
    column_letter: str | None
    value: str | None
    detail: str
    household_id: str | None = None
    person_id: str | None = None


@dataclass
class SheetResult:
    table: str
    records: list[dict[str, Any]] = field(default_factory=list)
    findings: list[RawFinding] = field(default_factory=list)


def converter(col: ColumnSpec, unit: str | None, schema: Schema, as_of: date) -> Callable[[str | None, str], cells.Parsed]:
    allowed = schema.columns[col.target].values or []
    kinds: dict[str, Callable[[str | None, str], cells.Parsed]] = {
        "text": cells.parse_text,
        "id_number": lambda t, k: cells.parse_id_number(t, k, as_of),
        "date": lambda t, k: cells.parse_date(t, k, as_of),
        "yes_no": cells.parse_yes_no,
        "code": lambda t, k: cells.parse_code(t, k, allowed, col.value_map),
        "code_list": lambda t, k: cells.parse_code_list(t, k, allowed, col.value_map, tuple(col.separators)),
    }
    if col.type in kinds:
        return kinds[col.type]
    return lambda t, k: cells.parse_number(t, k, integer=col.type == "integer", header_unit=unit,
                                           canonical_unit=col.unit, lo=col.min, hi=col.max)


def _parse_column(col: ColumnSpec, index: int, unit: str | None, rows: list[tuple], schema: Schema,
                  as_of: date) -> list[cells.Parsed]:
    convert = converter(col, unit, schema, as_of)
    cache: dict[tuple[str | None, str], cells.Parsed] = {}
    out = []
    for _row, _uid, values, kinds in rows:
        key = (values[index], kinds[index]) if index < len(values) else (None, "-")
        if key not in cache:
            cache[key] = convert(*key)
        out.append(cache[key])
    return out


def _row_outcome(spec: SheetSpec, parsed: dict[str, cells.Parsed], failed: bool) -> tuple[str, list[str]]:
    """(outcome, targets whose failure rejects the row); `failed`: some cell of the row failed."""
    if all(parsed[t].value is None for t in spec.key):
        return "rejected", list(spec.key)
    required = [c.target for c in spec.columns if c.required and parsed[c.target].value is None]
    if required:
        return "rejected", required
    return ("warned" if failed else "accepted"), []


def _noted_rows(parsed_cols: dict[str, list[cells.Parsed]]) -> tuple[set[int], set[int]]:
    """(rows with any finding, rows with a cell emptied by its finding), one pass per column."""
    noted: set[int] = set()
    failed: set[int] = set()
    for column in parsed_cols.values():
        for i, p in enumerate(column):
            if p.rule is not None:
                noted.add(i)
                if p.value is None:
                    failed.add(i)
    return noted, failed


def normalize_sheet(layout: Layout, sheet: str, rows: list[tuple], schema: Schema, as_of: date) -> SheetResult:
    spec = layout.spec
    result = SheetResult(spec.table)
    columns = {c.target: c for c in spec.columns if c.target in layout.columns}
    parsed_cols = {t: _parse_column(c, *layout.columns[t], rows, schema, as_of) for t, c in columns.items()}
    noted, failed = _noted_rows(parsed_cols)
    originals = [t for t in columns if f"{t}_original" in schema.columns]
    for i, (row, uid, values, _kinds) in enumerate(rows):
        parsed = {t: parsed_cols[t][i] for t in columns}
        for t in spec.key:
            parsed.setdefault(t, cells.EMPTY)
        outcome, rejecting = _row_outcome(spec, parsed, i in failed)
        record: dict[str, Any] = {"row": row, "row_uid": uid, "outcome": outcome}
        record.update((t, p.value) for t, p in parsed.items())
        record.update((f"{t}_original", parsed[t].original) for t in originals if parsed[t].original)
        result.records.append(record)
        if i in noted or rejecting:
            result.findings += _row_findings(parsed, columns, rejecting, layout, sheet, row, values)
    return result


def _row_findings(parsed: dict[str, cells.Parsed], columns: dict[str, ColumnSpec], rejecting: list[str],
                  layout: Layout, sheet: str, row: int, values: list[str | None]) -> list[RawFinding]:
    out = []
    for t, p in parsed.items():
        if t not in columns and t in rejecting:
            out.append(RawFinding("A1.missing", "reject", sheet, row, None, None, None, "缺少关联键列"))
        elif p.rule or (t in rejecting and p.value is None):
            out.append(_cell_finding(t, p, t in rejecting, layout, sheet, row, values))
    return out


def _cell_finding(target: str, p: cells.Parsed, rejecting: bool, layout: Layout, sheet: str, row: int,
                  values: list[str | None]) -> RawFinding:
    index = layout.columns[target][0]
    rule = p.rule or ("A1.missing" if target in layout.spec.key else "A5.missing")
    detail = p.detail or "必填内容为空"
    severity = "info" if p.rule and p.rule.startswith("A3") else ("reject" if rejecting else "warning")
    return RawFinding(rule, severity, sheet, row, layout.headers[index], column_letter(index),
                      values[index] if index < len(values) else None, detail)


def flag_duplicates(result: SheetResult, layout: Layout, seen: dict[tuple, int]) -> None:
    """A8: a later row repeating an earlier row's unique key (in the same file) is rejected."""
    spec = layout.spec
    names = "、".join(layout.headers[layout.columns[t][0]] if t in layout.columns else t
                     for t in spec.unique_columns)
    for rec in result.records:
        if rec["outcome"] == "rejected":
            continue
        key = tuple(str(rec.get(t)) for t in spec.unique_columns)
        if any(rec.get(t) is None for t in spec.unique_columns):
            continue
        if key in seen:
            rec["outcome"] = "rejected"
            result.findings.append(RawFinding("A8", "reject", "", rec["row"], None, None, None,
                                              f"与第 {seen[key]} 行重复（{names}相同）"))
        else:
            seen[key] = rec["row"]


def flag_autofill(result: SheetResult, layout: Layout, rows: list[tuple], sheet: str) -> None:
    """A9: consecutive rows whose raw IDs differ only by a small increasing tail (Excel auto-fill)."""
    id_cols = [t for t in layout.spec.key if t in layout.columns
               and next(c for c in layout.spec.columns if c.target == t).type == "id_number"]
    if not id_cols:
        return
    index = layout.columns[id_cols[0]][0]
    previous: str | None = None
    for row, _uid, values, _kinds in rows:
        raw = cells.normalize_text(values[index] if index < len(values) else None) or ""
        raw = raw.upper()
        if previous and len(raw) == len(previous) == 18 and raw.isdigit() and previous.isdigit() \
                and 0 < int(raw) - int(previous) <= 9:
            result.findings.append(RawFinding("A9", "warning", sheet, row, layout.headers[index],
                                              column_letter(index), values[index],
                                              f"与上一行证件号 {previous} 仅末几位递增，疑似下拉自动填充"))
        previous = raw


def to_arrow(records: list[dict[str, Any]], table: str, lineage: dict[str, str], schema: Schema) -> pa.Table:
    names = schema.table_columns(table)
    arrays = {}
    for name in names:
        typ = ARROW_TYPES[schema.columns[name].type]
        if name in lineage:
            arrays[name] = pa.array([lineage[name]] * len(records), typ)
        else:
            arrays[name] = pa.array([r.get(name) for r in records], typ)
    return pa.table(arrays)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    con.register("_norm", data)
    con.execute(f"INSERT INTO {norm_table(table)} BY NAME SELECT * FROM _norm")
    con.unregister("_norm")


def layout_for(source: SourceSpec, table: str, headers: list[str], header_row: int) -> Layout:
    spec = source.sheet_for_table(table)
    found = map_headers(spec, [h or None for h in headers])
    return Layout(spec, header_row, headers, found)


def _sheet_rows(con: duckdb.DuckDBPyConnection, load_id: str, sheet: str) -> list[tuple]:
    return con.execute("SELECT row, row_uid, cells, kinds FROM landed_row WHERE load_id = ? AND sheet = ? "
                       "ORDER BY row", [load_id, sheet]).fetchall()


def _reject_orphan_members(results: list[SheetResult]) -> None:
    """Member rows of a rejected registry household are rejected with it."""
    rejected = {r.get("household_id"): r["row"] for res in results if res.table == "registry_household"
                for r in res.records if r["outcome"] == "rejected" and r.get("household_id")}
    for res in results:
        if res.table != "registry_person":
            continue
        for rec in res.records:
            if rec["outcome"] != "rejected" and rec.get("household_id") in rejected:
                rec["outcome"] = "rejected"
                res.findings.append(RawFinding("A8.household", "reject", "", rec["row"], None, None, None,
                                               f"所属户（户信息第 {rejected[rec['household_id']]} 行）被退回，成员随户退回"))


def normalize_load(con: duckdb.DuckDBPyConnection, meta: dict[str, str], source: SourceSpec, schema: Schema,
                   as_of: date) -> tuple[dict[str, int], list[RawFinding]]:
    """Normalize every landed sheet of one file; returns row counts by outcome and the findings."""
    sheets = con.execute("SELECT sheet, tbl, header_row, headers FROM landed_sheet WHERE load_id = ? "
                         "ORDER BY sheet", [meta["load_id"]]).fetchall()
    results: list[tuple[str, SheetResult]] = []
    seen: dict[str, dict[tuple, int]] = {}
    for sheet, table, header_row, headers in sheets:
        layout = layout_for(source, table, headers, header_row)
        rows = _sheet_rows(con, meta["load_id"], sheet)
        res = normalize_sheet(layout, sheet, rows, schema, as_of)
        flag_duplicates(res, layout, seen.setdefault(table, {}))
        flag_autofill(res, layout, rows, sheet)
        for f in res.findings:
            f.sheet = f.sheet or sheet
        results.append((sheet, res))
    _reject_orphan_members([r for _, r in results])
    counts = {"accepted": 0, "warned": 0, "rejected": 0}
    findings: list[RawFinding] = []
    for sheet, res in results:
        for f in res.findings:
            f.sheet = f.sheet or sheet
        _tie_registry_ids(res)
        for rec in res.records:
            counts[rec["outcome"]] += 1
        insert_rows(con, res.table, to_arrow(res.records, res.table, meta | {"sheet": sheet}, schema))
        findings += res.findings
    return counts, findings


def _tie_registry_ids(res: SheetResult) -> None:
    """Registry findings name their household/person (they are the registry's own rows)."""
    if not res.table.startswith("registry_"):
        return
    by_row = {r["row"]: r for r in res.records}
    for f in res.findings:
        rec = by_row.get(f.row, {})
        f.household_id, f.person_id = rec.get("household_id"), rec.get("person_id")
