"""Findings: every problem of every stage, one row each, with the sender's Chinese message.

Rule texts (message, fix) are data in expectations/rules.yaml; this module only fills them in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
from openpyxl.utils import get_column_letter

from pipelines.cells import normalize_header, split_header_unit
from pipelines.schema import load_schema
from pipelines.specs import load_specs

if TYPE_CHECKING:
    from pipelines.rules import Rule


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    office: str
    file_name: str | None = None
    file_hash: str | None = None
    sheet: str | None = None
    row: int | None = None
    column_name: str | None = None
    column_letter: str | None = None
    value: str | None = None
    household_id: str | None = None
    person_id: str | None = None
    detail: str = ""


def base_rule(rule: str) -> str:
    return rule.split(".", 1)[0]


def describe(rule: str, detail: str) -> tuple[str, str]:
    """(message, fix) for a rule id (finer suffixes allowed: A1.checksum -> A1)."""
    from pipelines.validate import load_rules  # the rule catalogue lives with the checks

    spec = load_rules()[base_rule(rule)]
    message = spec.message_zh.format(detail=detail) if "{detail}" in spec.message_zh \
        else (f"{spec.message_zh}：{detail}" if detail else spec.message_zh)
    return message, spec.fix_zh


def record_findings(con: duckdb.DuckDBPyConnection, run_id: str, findings: Iterable[Finding]) -> int:
    rows = []
    for f in findings:
        message, fix = describe(f.rule, f.detail)
        rows.append({"run_id": run_id, "rule": f.rule, "severity": f.severity, "office": f.office,
                     "file_name": f.file_name, "file_hash": f.file_hash, "sheet": f.sheet, "row": f.row,
                     "column_name": f.column_name, "column_letter": f.column_letter, "value": f.value,
                     "household_id": f.household_id, "person_id": f.person_id, "message": message,
                     "fix": fix})
    return insert_findings(con, rows)


def insert_findings(con: duckdb.DuckDBPyConnection, records: Sequence[Mapping[str, Any]]) -> int:
    """Append finding rows (dicts keyed by the columns of `finding` in schemas/pipeline.yaml)."""
    if records:
        columns = load_schema().table_columns("finding")
        table = pa.Table.from_pylist(records, schema=pa.schema(
            [(c, pa.int64() if c == "row" else pa.string()) for c in columns]))
        con.register("_findings", table)
        con.execute("INSERT INTO finding BY NAME SELECT * FROM _findings")
        con.unregister("_findings")
    return len(records)


def gate_report(con: duckdb.DuckDBPyConnection, run_id: str, blocking: Sequence[str], working_db: object
                ) -> dict[str, Any]:
    """What a blocked run says: which rules blocked (rows found by each, title) and how to list the
    rows (the E findings are in the working database's `finding`, office data_office)."""
    from pipelines.validate import load_rules

    rules = load_rules()
    counts = dict(con.execute("SELECT rule, count(*) FROM finding WHERE run_id = ? AND office = 'data_office' "
                              "AND list_contains(?, rule) GROUP BY rule", [run_id, list(blocking)]).fetchall())
    sql = ("SELECT rule, household_id, person_id, value, message FROM finding WHERE office = 'data_office' "
           f"AND severity = 'blocking' AND run_id = '{run_id}' ORDER BY rule, household_id")
    command = f'duckdb -readonly "{working_db}" "{sql}"'
    lines = [f"{r} {rules[r].title_zh}: {counts.get(r, 0)} row(s)" for r in blocking]
    message = ("publication blocked (发布被阻止), the previous version stays: " + "; ".join(lines)
               + f". List the rows: {command}")
    return {"blocking_counts": {r: counts.get(r, 0) for r in blocking}, "blocking_sql": sql,
            "how_to_see": command, "blocking_message": message}


def record_failed(con: duckdb.DuckDBPyConnection, run_id: str, rules: list[Rule]) -> Counter[str]:
    """The findings of `rules`, replacing this run's earlier ones: their check rows whose subject GX
    failed (`check_failed`), recorded in SQL (29,000 rows of a city run never become Python objects)
    with the rule's texts for the office it is reported to (data_office for the data office's rules,
    whose rows then name no file) and, in column_name, the header as the sender wrote it (_headers).
    Returns the findings per rule."""
    con.execute("DELETE FROM finding WHERE run_id = ? AND split_part(rule, '.', 1) IN (SELECT unnest(?))",
                [run_id, [r.id for r in rules]])
    texts = [(r.id, registry, r.severity, r.owner == "data_office", *r.texts("registry" if registry else None))
             for r in rules for registry in (False, True)]
    names = ["rule", "registry", "severity", "ours", "message", "fix"]
    con.register("onetable_rule_text", pa.table({n: [t[i] for t in texts] for i, n in enumerate(names)}))
    try:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE onetable_failed AS
            SELECT c.rule, t.severity, CASE WHEN t.ours THEN 'data_office' ELSE c.office END AS office,
                   {", ".join(f"CASE WHEN NOT t.ours THEN c.{k} END AS {k}" for k in ("file_name", "file_hash", "sheet", "row"))},
                   c.column_name, c.value, c.household_id, c.person_id,
                   replace(t.message, '{{detail}}', coalesce(c.detail, '')) AS message, t.fix
            FROM check_row c JOIN onetable_rule_text t ON t.rule = c.rule
                 AND t.registry = (NOT t.ours AND coalesce(c.office = 'registry', false))
            WHERE EXISTS (SELECT 1 FROM check_failed d WHERE d.rule = c.rule AND d.subject = c.subject)""")
    finally:
        con.unregister("onetable_rule_text")
    con.register("onetable_header", _headers(con))
    try:
        con.execute("""INSERT INTO finding BY NAME
            SELECT f.* REPLACE (coalesce(h.shown, f.column_name) AS column_name), h.letter AS column_letter,
                   $1 AS run_id
            FROM onetable_failed f LEFT JOIN onetable_header h ON h.office IS NOT DISTINCT FROM f.office
                 AND h.file_hash IS NOT DISTINCT FROM f.file_hash AND h.sheet IS NOT DISTINCT FROM f.sheet
                 AND h.column_name = f.column_name""", [run_id])
    finally:
        con.unregister("onetable_header")
    counts = Counter(dict(con.execute("SELECT rule, count(*) FROM onetable_failed GROUP BY rule").fetchall()))
    con.execute("DROP TABLE temp.main.onetable_failed")
    return counts


@cache
def _locate(office: str, table: str, headers: tuple[str, ...], column: str) -> tuple[str, str] | None:
    spec = load_specs().get(office)
    sheet = next((s for s in spec.sheets if s.table == table), None) if spec else None
    spelled = next((c for c in sheet.columns if c.target == column), None) if sheet else None
    if spelled is None:
        return None
    wanted = {split_header_unit(normalize_header(h))[0] for h in spelled.spellings()}
    return next(((h, get_column_letter(i + 1)) for i, h in enumerate(headers)
                 if h and split_header_unit(normalize_header(h))[0] in wanted), None)


def _headers(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Per (office, file_hash, sheet, column_name) of the findings in `onetable_failed`: the header
    as the sender wrote the canonical column, with its Excel letter, or else the column's Chinese label."""
    found = con.execute("SELECT DISTINCT office, file_hash, sheet, column_name FROM onetable_failed "
                        "WHERE column_name IS NOT NULL").fetchall()
    hashes = sorted({h for _, h, _, _ in found if h})
    sheets = {(h, s): (t, tuple(hs or [])) for h, s, t, hs in con.execute(
        "SELECT file_hash, sheet, tbl, headers FROM landed_sheet WHERE list_contains($1, file_hash)",
        [hashes]).fetchall()} if hashes else {}
    labels = load_schema().columns
    rows = []
    for office, file_hash, sheet, column in found:
        spelled = sheets.get((file_hash, sheet))
        located = _locate(office, *spelled, column) if spelled else None
        shown, letter = located or (labels[column].label if column in labels else column, None)
        rows.append((office, file_hash, sheet, column, shown, letter))
    names = ["office", "file_hash", "sheet", "column_name", "shown", "letter"]
    return pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})


def store_findings(con: duckdb.DuckDBPyConnection, run_id: str, rules: list[str],
                   records: list[dict[str, Any]]) -> None:
    """Replace this run's findings of `rules` (a rerun records them once) with `records`."""
    con.execute("DELETE FROM finding WHERE run_id = ? AND split_part(rule, '.', 1) IN (SELECT unnest(?))",
                [run_id, rules])
    insert_findings(con, records)
