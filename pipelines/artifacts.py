"""Prefect artifacts of a run: a table per sender and a markdown summary, shown in Prefect's UI.

Every run (embedded or served) attaches them to its flow run: `sender-<office>` (files, rows
read/accepted/warned/rejected, open problems) and `run-summary` (the headline numbers, the version,
what blocked it, and links to the feedback files, the Data Docs and the run report). Artifact keys
allow lowercase letters, digits and dashes only, so `social_security` becomes `sender-social-security`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines.report import city_headline, format_value
from pipelines.workspace import Workspace

SENDER_SQL = """
WITH in_force AS (SELECT * FROM ledger WHERE status IN ('accepted', 'partly_accepted'))
SELECT l.office,
       count(*) FILTER (WHERE l.status IN ('accepted', 'partly_accepted')) AS files_in_force,
       count(*) FILTER (WHERE l.status = 'quarantined') AS files_quarantined,
       count(*) FILTER (WHERE l.status = 'superseded') AS files_superseded,
       count(*) FILTER (WHERE l.status = 'duplicate') AS files_duplicate,
       coalesce(sum(l.rows_read) FILTER (WHERE l.status IN ('accepted', 'partly_accepted')), 0) AS rows_read,
       coalesce(sum(l.rows_accepted) FILTER (WHERE l.status IN ('accepted', 'partly_accepted')), 0) AS rows_accepted,
       coalesce(sum(l.rows_warned) FILTER (WHERE l.status IN ('accepted', 'partly_accepted')), 0) AS rows_warned,
       coalesce(sum(l.rows_rejected) FILTER (WHERE l.status IN ('accepted', 'partly_accepted')), 0) AS rows_rejected,
       (SELECT count(*) FROM finding f WHERE f.office = l.office AND f.severity IN ('reject', 'warning')
          AND (f.file_hash IS NULL OR f.file_hash IN (SELECT file_hash FROM in_force))) AS open_problems
FROM ledger l GROUP BY l.office ORDER BY l.office
"""
HEADLINE = ["households", "people", "poor_people", "poverty_incidence", "exit_ready_rate", "insurance_rate",
            "safe_housing_rate"]


def sender_table(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per sender (office): the row of its table artifact."""
    cur = con.execute(SENDER_SQL)
    names = [d[0] for d in cur.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def artifact_key(office: str) -> str:
    return "sender-" + office.strip("_").lower().replace("_", "-")


def summary_markdown(ws: Workspace, result: dict[str, Any], senders: dict[str, dict[str, Any]]) -> str:
    published = result.get("published") or {}
    lines = [f"# onetable run `{result['run_id']}`", "",
             f"- reporting month **{result.get('reporting_month')}**, version `{result.get('version')}`: "
             f"**{published.get('status', 'no data')}**"]
    if published.get("blocking_rules"):
        lines.append(f"- blocked by {', '.join(published['blocking_rules'])}: {published.get('how_to_see', '')}")
    lines += ["", "| 指标 metric | value |", "|---|---:|"]
    lines += [f"| {label} | {format_value(value, unit)} |"
              for _m, label, value, unit in city_headline(ws.published_db, HEADLINE)]
    seconds = result.get("timings") or {}
    lines += ["", "stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()),
              f"stages total: {sum(seconds.values()):.1f} s", "", f"process: {result.get('process')}"]
    total = {k: sum(int(s[k]) for s in senders.values()) for k in ("rows_read", "rows_rejected", "open_problems")}
    lines += ["", f"{len(senders)} senders, {total['rows_read']:,} rows read, {total['rows_rejected']:,} rejected, "
              f"{total['open_problems']:,} open problems.", "", "## Files"]
    links = [("feedback (回执, 纠错清单)", ws.outbox), ("analysts' database", ws.published_db),
             ("run report", ws.outbox / "run-report.html")]
    if result.get("data_docs"):
        links.append(("GX Data Docs", Path(str(result["data_docs"]))))
    lines += [f"- [{name}]({path.resolve().as_uri()})" for name, path in links]
    return "\n".join(lines) + "\n"


def publish_artifacts(ws: Workspace, result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Attach the sender tables and the summary to the current flow run; returns the sender rows."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    con = duckdb.connect(str(ws.working_db), read_only=True)
    try:
        senders = sender_table(con)
    finally:
        con.close()
    for office, row in senders.items():
        create_table_artifact(key=artifact_key(office), table=[{k: _plain(v) for k, v in row.items()}],
                              description=f"{office}: files and rows of run {result['run_id']}")
    create_markdown_artifact(key="run-summary", markdown=summary_markdown(ws, result, senders),
                             description=f"onetable run {result['run_id']}")
    return senders


def _plain(value: Any) -> Any:
    return int(value) if hasattr(value, "__int__") and not isinstance(value, (str, bool, float)) else value
