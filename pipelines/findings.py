"""Findings: every problem of every stage, one row each, with the sender's Chinese message.

Rule texts (message, fix) are data in expectations/rules.yaml; this module only fills them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.schema import load_schema


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
