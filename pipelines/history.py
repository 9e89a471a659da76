"""The issue history: every distinct problem ever found, one row each, never deleted.

A problem is identified by what it is and where it sits (`issue_key`: rule, severity, sender,
file hash, sheet, row, column, value, household, person). Each run compares the problems open
now (`open_sql`: the same "current state" the analysts' `issues` table shows, unmasked) with the
history's open rows:

- still open: `last_seen_run`/`last_seen_month` move to this run (message and fix refreshed);
- gone: `resolved_run`/`resolved_month` are set; `resolution` is `fixed`, or `carried` when the
  same problem (`problem_key`: the problem without its file and row) is open in a newer file;
- new (or back after being resolved): a new row, first seen in this run.

Rows are only ever inserted and updated, never deleted. The update is scoped by rules.md section:
A-D and F after the checks (steps.validate), E after the publish gate (steps.publish), so one
stage never resolves the other's problems. P1 (the pipeline's own contract) is not a sender's
problem and stays out, as in the analysts' `issues`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

from pipelines.schema import load_schema, render_ddl
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES

IDENTITY = ["rule", "severity", "office", "file_hash", "sheet", "row", "column_name", "value", "household_id",
            "person_id"]
PROBLEM = ["rule", "office", "household_id", "person_id", "column_name",
           "CASE WHEN household_id IS NULL AND person_id IS NULL THEN coalesce(value, file_name) END"]


def _md5(columns: Iterable[str]) -> str:
    parts = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '\u2205')" for c in columns)
    return f"md5(concat_ws('\u241f', {parts}))"


ISSUE_KEY = _md5(IDENTITY)
PROBLEM_KEY = _md5(PROBLEM)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create issue_history (schemas/history.yaml) on a connection that lacks it (DDL with comments is
    slow, so only when missing; the working database gets it with its other tables)."""
    if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'issue_history'").fetchall():
        con.execute(render_ddl(load_schema(), "issue_history"))


def open_sql(sections: str = "ABCDEF") -> str:
    """The findings open now (full values) of rules.md `sections`: of this run, or of any run on a
    file in force, or on a file quarantined for the reporting month that no later file of its sender
    and month replaced. Keep in step with warehouse/published/issues.sql (the masked view analysts
    read). An issue's key names its rule, so the sections are chosen before its findings are keyed."""
    in_force = "\n        UNION ".join(f"SELECT file_hash FROM cur_{t}" for t in REGISTRY_TABLES + SECTOR_TABLES)
    return f"""
    WITH ctx AS (SELECT run_id, reporting_month FROM run_context LIMIT 1),
    in_force AS (SELECT l.file_hash, l.office, l.month, l.first_seen FROM ledger l
                 WHERE l.file_hash IN ({in_force})),
    files AS (
        SELECT file_hash FROM in_force
        UNION SELECT q.file_hash FROM ledger q, ctx
              WHERE q.status = 'quarantined' AND coalesce(q.month, ctx.reporting_month) = ctx.reporting_month
                AND NOT EXISTS (SELECT 1 FROM in_force f WHERE f.office = q.office
                                AND f.month = coalesce(q.month, ctx.reporting_month) AND f.first_seen > q.first_seen))
    SELECT DISTINCT ON (issue_key) *
    FROM (SELECT f.*, {ISSUE_KEY} AS issue_key, {PROBLEM_KEY} AS problem_key
          FROM finding f, ctx
          WHERE (f.run_id = ctx.run_id OR f.file_hash IN (SELECT file_hash FROM files))
            AND regexp_matches(f.rule, '^[{sections}][0-9]'))
    ORDER BY issue_key, run_id DESC"""


def update_history(con: duckdb.DuckDBPyConnection, sections: str) -> dict[str, int]:
    """Bring the history of rules.md `sections` (e.g. "ABCDF", "E") up to this run (run_context).
    Returns counts: opened (new rows), still_open, resolved."""
    ensure_table(con)
    run_id, month = con.execute("SELECT run_id, reporting_month FROM run_context").fetchall()[0]
    if not re.fullmatch("[A-F]+", sections):
        raise ValueError(f"sections are letters of rules.md A-F, not `{sections}`")
    scope = f"left(rule, 1) IN ({', '.join(repr(s) for s in sections)})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE history_open AS {open_sql(sections)}")
    try:
        still = _count(con, "UPDATE issue_history h SET last_seen_run = $run, last_seen_month = $month, "
                            "message = o.message, fix = o.fix, column_letter = o.column_letter "
                            "FROM history_open o WHERE h.issue_key = o.issue_key AND h.resolved_run IS NULL",
                       run_id, month)
        resolved = _count(con, f"""
            UPDATE issue_history SET resolved_run = $run, resolved_month = $month,
                   resolution = CASE WHEN problem_key IN (SELECT problem_key FROM history_open) THEN 'carried'
                                     ELSE 'fixed' END
            WHERE resolved_run IS NULL AND {scope}
              AND issue_key NOT IN (SELECT issue_key FROM history_open)""", run_id, month)
        columns = load_schema().table_columns("issue_history")
        given = [c for c in columns if not c.startswith(("first_", "last_", "resolved_")) and c != "resolution"]
        opened = _count(con, f"""
            INSERT INTO issue_history ({', '.join(columns)})
            SELECT {', '.join(given)}, $run, $month, $run, $month, NULL, NULL, NULL FROM history_open o
            WHERE NOT EXISTS (SELECT 1 FROM issue_history h WHERE h.issue_key = o.issue_key
                              AND h.resolved_run IS NULL)""", run_id, month)
    finally:
        con.execute("DROP TABLE IF EXISTS temp.main.history_open")
    return {"opened": opened, "still_open": still, "resolved": resolved}


def _count(con: duckdb.DuckDBPyConnection, sql: str, run_id: str, month: str) -> int:
    rows = con.execute(sql, {"run": run_id, "month": month}).fetchall()
    return int(rows[0][0]) if rows else 0
