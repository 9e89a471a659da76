"""Normalize: landed raw cells -> the canonical tables of schemas/, through sources/<office>.yaml.

Each cell converts by its declared type (codes and dates stay strings until then). A row is
rejected only when its key fails (every key column failed or empty), a `required` column fails,
or it repeats an earlier row's unique key in the same file (A8); any other failing cell becomes
empty and the row is accepted with a warning. Members of a rejected registry household are
rejected with it. Every finding names the cell: sheet, row, column letter, header, raw value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import cells
from pipelines.convert import Column, convert_column
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
    """One sheet normalized, as columns: Excel rows, row ids, each target's parsed column, outcomes."""
    table: str
    rows: np.ndarray
    uids: pa.Array
    columns: dict[str, Column]
    outcome: np.ndarray
    findings: list[RawFinding] = field(default_factory=list)

    def value(self, target: str, i: int) -> object:
        return self.columns[target].at(i).value if target in self.columns else None


def _row_masks(spec: SheetSpec, columns: dict[str, Column], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key missing, some required value missing, some cell emptied by its finding), per row."""
    empty = {t: c.empty for t, c in columns.items()}
    no_key = np.ones(n, dtype=bool)
    for t in spec.key:
        no_key &= empty.get(t, np.ones(n, dtype=bool))
    no_required = np.zeros(n, dtype=bool)
    for spec_col in spec.columns:
        if spec_col.required and spec_col.target in empty:
            no_required |= empty[spec_col.target]
    failed = np.zeros(n, dtype=bool)
    for t, c in columns.items():
        failed |= c.noted & empty[t]
    return no_key, no_required, failed


def normalize_sheet(layout: Layout, sheet: str, data: pa.Table, schema: Schema, as_of: date) -> SheetResult:
    """`data`: the landed rows (row, row_uid) with one key column `k<index>` per used sheet column."""
    spec = layout.spec
    specs = {c.target: c for c in spec.columns if c.target in layout.columns}
    columns = {t: convert_column(data[f"k{layout.columns[t][0]}"], c, layout.columns[t][1], schema, as_of)
               for t, c in specs.items()}
    n = data.num_rows
    no_key, no_required, failed = _row_masks(spec, columns, n)
    rejected = no_key | no_required
    outcome = np.where(rejected, "rejected", np.where(failed, "warned", "accepted")).astype(object)
    result = SheetResult(spec.table, data["row"].to_numpy(), data["row_uid"], columns, outcome)
    noted = rejected.copy()
    for c in columns.values():
        noted |= c.noted
    for i in np.flatnonzero(noted).tolist():
        parsed = {t: c.at(i) for t, c in columns.items()}
        for t in spec.key:
            parsed.setdefault(t, cells.EMPTY)
        rejecting = list(spec.key) if no_key[i] else [c.target for c in spec.columns if c.required
                                                           and parsed[c.target].value is None]
        raw = {index: data[f"t{index}"][i].as_py() for index, _ in layout.columns.values()}
        result.findings += _row_findings(parsed, specs, rejecting if rejected[i] else [], layout, sheet,
                                         int(result.rows[i]), raw)
    return result


def _row_findings(parsed: dict[str, cells.Parsed], columns: dict[str, ColumnSpec], rejecting: list[str],
                  layout: Layout, sheet: str, row: int, raw: dict[int, str | None]) -> list[RawFinding]:
    out = []
    for t, p in parsed.items():
        if t not in columns and t in rejecting:
            out.append(RawFinding("A1.missing", "reject", sheet, row, None, None, None, "缺少关联键列"))
        elif p.rule or (t in rejecting and p.value is None):
            out.append(_cell_finding(t, p, t in rejecting, layout, sheet, row, raw))
    return out


def _cell_finding(target: str, p: cells.Parsed, rejecting: bool, layout: Layout, sheet: str, row: int,
                  raw: dict[int, str | None]) -> RawFinding:
    index = layout.columns[target][0]
    rule = p.rule or ("A1.missing" if target in layout.spec.key else "A5.missing")
    detail = p.detail or "必填内容为空"
    severity = "info" if p.rule and p.rule.startswith("A3") else ("reject" if rejecting else "warning")
    return RawFinding(rule, severity, sheet, row, layout.headers[index], column_letter(index), raw.get(index), detail)


def flag_duplicates(result: SheetResult, layout: Layout, seen: dict[tuple, int], remember: bool = True) -> None:
    """A8: a later row repeating an earlier row's unique key (in the same file) is rejected.
    `seen`: keys of the table's earlier sheets in the file; `remember`: add this sheet's keys."""
    spec = layout.spec
    if not all(t in result.columns for t in spec.unique_columns):
        return   # a unique column missing from the sheet: no row has a full key
    names = "、".join(layout.headers[layout.columns[t][0]] for t in spec.unique_columns)
    empty = np.zeros(len(result.rows), dtype=bool)
    for t in spec.unique_columns:
        empty |= result.columns[t].empty
    rows = np.flatnonzero(~empty & (result.outcome != "rejected"))
    keys = pd.DataFrame({t: result.columns[t].per_row(str)[rows] for t in spec.unique_columns})
    keys["row"] = result.rows[rows]
    first = keys.groupby(list(spec.unique_columns), sort=False)["row"].transform("first").to_numpy()
    earlier = [seen.get(tuple(k)) for k in keys[list(spec.unique_columns)].itertuples(index=False)] if seen \
        else [None] * len(rows)
    for j, i in enumerate(rows):
        was = earlier[j] if earlier[j] is not None else (first[j] if first[j] != result.rows[i] else None)
        if was is not None:
            result.outcome[i] = "rejected"
            result.findings.append(RawFinding("A8", "reject", "", int(result.rows[i]), None, None, None,
                                              f"与第 {was} 行重复（{names}相同）"))
    if remember:
        seen.update((tuple(k[:-1]), int(k[-1])) for k in keys.drop_duplicates(list(spec.unique_columns))
                    .itertuples(index=False) if tuple(k[:-1]) not in seen)


def flag_autofill(result: SheetResult, layout: Layout, data: pa.Table, sheet: str) -> None:
    """A9: consecutive rows whose raw IDs differ only by a small increasing tail (Excel auto-fill)."""
    id_cols = [t for t in layout.spec.key if t in layout.columns
               and next(c for c in layout.spec.columns if c.target == t).type == "id_number"]
    if not id_cols:
        return
    index = layout.columns[id_cols[0]][0]
    texts = data[f"t{index}"]
    plain = pc.fill_null(pc.match_substring_regex(texts, "^[0-9]{18}$"), False).to_numpy(zero_copy_only=False)
    values = texts.to_pylist()
    raws = [v if ok else (cells.normalize_text(v) or "").upper() for v, ok in zip(values, plain, strict=True)]
    digits = np.array([len(r) == 18 and r.isdigit() for r in raws], dtype=bool)
    numbers = np.array([int(r) if ok else 0 for r, ok in zip(raws, digits, strict=True)], dtype=np.int64)
    step = np.diff(numbers, prepend=0)
    hits = np.flatnonzero(digits & np.roll(digits, 1) & (step > 0) & (step <= 9))
    for i in hits[hits > 0]:
        result.findings.append(RawFinding("A9", "warning", sheet, int(result.rows[i]), layout.headers[index],
                                          column_letter(index), values[i],
                                          f"与上一行证件号 {raws[i - 1]} 仅末几位递增，疑似下拉自动填充"))


def to_arrow(result: SheetResult, lineage: dict[str, str], schema: Schema) -> pa.Table:
    n = len(result.rows)
    arrays: dict[str, pa.Array] = {}
    for name in schema.table_columns(result.table):
        typ = ARROW_TYPES[schema.columns[name].type]
        target = name.removesuffix("_original")
        if name in lineage:
            arrays[name] = pa.repeat(pa.scalar(lineage[name], typ), n)
        elif name in ("row", "row_uid", "outcome"):
            arrays[name] = pa.array({"row": result.rows, "row_uid": result.uids, "outcome": result.outcome}[name], typ)
        elif name in result.columns:
            arrays[name] = result.columns[name].values(typ)
        elif name != target and target in result.columns:
            arrays[name] = result.columns[target].originals().cast(typ)
        else:
            arrays[name] = pa.nulls(n, typ)
    return pa.table(arrays)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    con.register("_norm", data)
    con.execute(f"INSERT INTO {norm_table(table)} BY NAME SELECT * FROM _norm")
    con.unregister("_norm")


def layout_for(source: SourceSpec, table: str, headers: list[str], header_row: int) -> Layout:
    spec = source.sheet_for_table(table)
    found = map_headers(spec, [h or None for h in headers])
    return Layout(spec, header_row, headers, found)


def _sheet_data(con: duckdb.DuckDBPyConnection, load_id: str, sheet: str, layout: Layout) -> pa.Table:
    """The sheet's landed rows with, per used column, its text `t<i>` and key `k<i>` (kind + text)."""
    parts = []
    for index in sorted({index for index, _ in layout.columns.values()}):
        kind = f"coalesce(nullif(substr(kinds, {index + 1}, 1), ''), '-')"
        parts.append(f"cells[{index + 1}] AS t{index}, {kind} || coalesce(cells[{index + 1}], '') AS k{index}")
    return con.sql(f"SELECT row, row_uid{''.join(', ' + p for p in parts)} FROM landed_row "
                   "WHERE load_id = ? AND sheet = ? ORDER BY row", params=[load_id, sheet]).to_arrow_table()


def _reject_orphan_members(results: list[SheetResult]) -> None:
    """Member rows of a rejected registry household are rejected with it."""
    rejected = {str(r.value("household_id", i)): int(r.rows[i]) for r in results if r.table == "registry_household"
                for i in np.flatnonzero(r.outcome == "rejected").tolist() if r.value("household_id", i)}
    for res in results:
        if res.table != "registry_person" or not rejected or "household_id" not in res.columns:
            continue
        ids = res.columns["household_id"].per_row()
        for i in np.flatnonzero((res.outcome != "rejected") & np.isin(ids, list(rejected))):
            res.outcome[i] = "rejected"
            res.findings.append(RawFinding("A8.household", "reject", "", int(res.rows[i]), None, None, None,
                                           f"所属户（户信息第 {rejected[ids[i]]} 行）被退回，成员随户退回"))


@dataclass
class Normalized:
    """One file normalized: row counts by outcome, the findings, and the rows of each canonical table."""
    counts: dict[str, int]
    findings: list[RawFinding]
    tables: list[tuple[str, pa.Table]]


def fetch_load(con: duckdb.DuckDBPyConnection, load_id: str, source: SourceSpec) -> list[tuple[str, Layout, pa.Table]]:
    """Every landed sheet of one file: its name, its layout, and the cells normalize needs."""
    sheets = con.execute("SELECT sheet, tbl, header_row, headers FROM landed_sheet WHERE load_id = ? "
                         "ORDER BY sheet", [load_id]).fetchall()
    out = []
    for sheet, table, header_row, headers in sheets:
        layout = layout_for(source, table, headers, header_row)
        out.append((sheet, layout, _sheet_data(con, load_id, sheet, layout)))
    return out


def normalize_fetched(meta: dict[str, str], sheets: list[tuple[str, Layout, pa.Table]], schema: Schema,
                      as_of: date) -> Normalized:
    """Normalize a fetched file (no database: any worker can do it)."""
    results: list[tuple[str, SheetResult]] = []
    seen: dict[str, dict[tuple, int]] = {}
    for n, (sheet, layout, data) in enumerate(sheets):
        table = layout.spec.table
        res = normalize_sheet(layout, sheet, data, schema, as_of)
        flag_duplicates(res, layout, seen.setdefault(table, {}), any(s[1].spec.table == table for s in sheets[n + 1:]))
        flag_autofill(res, layout, data, sheet)
        results.append((sheet, res))
    _reject_orphan_members([r for _, r in results])
    done = Normalized({"accepted": 0, "warned": 0, "rejected": 0}, [], [])
    for sheet, res in results:
        for f in res.findings:
            f.sheet = f.sheet or sheet
        _tie_registry_ids(res)
        for outcome in done.counts:
            done.counts[outcome] += int((res.outcome == outcome).sum())
        done.tables.append((res.table, to_arrow(res, meta | {"sheet": sheet}, schema)))
        done.findings += res.findings
    return done


def normalize_load(con: duckdb.DuckDBPyConnection, meta: dict[str, str], source: SourceSpec, schema: Schema,
                   as_of: date) -> tuple[dict[str, int], list[RawFinding]]:
    """Normalize every landed sheet of one file; returns row counts by outcome and the findings."""
    done = normalize_fetched(meta, fetch_load(con, meta["load_id"], source), schema, as_of)
    for table, rows in done.tables:
        insert_rows(con, table, rows)
    return done.counts, done.findings


def _tie_registry_ids(res: SheetResult) -> None:
    """Registry findings name their household/person (they are the registry's own rows)."""
    if not res.table.startswith("registry_"):
        return
    position = {int(r): i for i, r in enumerate(res.rows)} if res.findings else {}
    for f in res.findings:
        i = position.get(f.row)
        if i is not None:
            f.household_id = res.value("household_id", i)  # type: ignore[assignment]
            f.person_id = res.value("person_id", i)  # type: ignore[assignment]
