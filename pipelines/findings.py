"""Findings: every problem of every stage, one row each, with the sender's Chinese message.

Rule texts (message, fix) are data in expectations/rules.yaml; this module only fills them in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

FINDING_COLUMNS = ["run_id", "rule", "severity", "office", "file_name", "file_hash", "sheet", "row",
                   "column_name", "column_letter", "value", "household_id", "person_id", "message", "fix"]


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
    if rows:
        table = pa.Table.from_pylist(rows, schema=pa.schema(
            [(c, pa.int64() if c == "row" else pa.string()) for c in FINDING_COLUMNS]))
        con.register("_findings", table)
        con.execute("INSERT INTO finding BY NAME SELECT * FROM _findings")
        con.unregister("_findings")
    return len(rows)
