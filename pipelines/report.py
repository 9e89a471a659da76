"""The run summary a person reads: per sender files and rows, the headline numbers, where things are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from pipelines.workspace import Workspace

HEADLINE = ["households", "people", "poor_people", "exit_ready_households", "exit_ready_rate",
            "poverty_incidence", "insurance_rate", "safe_housing_rate"]


def sender_table(con: duckdb.DuckDBPyConnection) -> Table:
    table = Table(title="files and rows per sender", title_justify="left", min_width=90)
    for name in ("sender", "files", "quarantined", "rows read", "accepted", "warned", "rejected"):
        table.add_column(name, justify="left" if name == "sender" else "right")
    rows = con.execute("""
        SELECT office, count(*) FILTER (WHERE status <> 'duplicate'),
               count(*) FILTER (WHERE status = 'quarantined'),
               coalesce(sum(rows_read), 0), coalesce(sum(rows_accepted), 0),
               coalesce(sum(rows_warned), 0), coalesce(sum(rows_rejected), 0)
        FROM ledger GROUP BY office ORDER BY office""").fetchall()
    for office, files, quarantined, read, accepted, warned, rejected in rows:
        table.add_row(office, str(files), f"[red]{quarantined}[/red]" if quarantined else "0", str(read),
                      f"[green]{accepted}[/green]", f"[yellow]{warned}[/yellow]", f"[red]{rejected}[/red]")
    return table


def city_headline(published: Path, metrics: list[str]) -> list[tuple[str, str, float | None, str]]:
    """(metric, label, value, unit) of the city's `metrics` in the published database, in that order."""
    if not published.exists():
        return []
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute("SELECT metric, metric_label, value, unit FROM metrics WHERE level = 'city' "
                           "AND list_contains(?, metric)", [metrics]).fetchall()
    finally:
        con.close()
    order = {m: i for i, m in enumerate(metrics)}
    return sorted(rows, key=lambda r: order[r[0]])


def format_value(value: float | None, unit: str | None) -> str:
    """1,234 户 / 9.5 %; a rate with no denominator (a sender missing) is empty, said so."""
    if value is None:
        return "— (无数据 no data)"
    return f"{value:,.1f} %" if unit == "%" else f"{value:,.0f} {unit or ''}".strip()


def headline_table(published: Path) -> Table | None:
    if not published.exists():
        return None
    table = Table(title="the one number (city)", title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for metric, _label, value, unit in sorted(city_headline(published, HEADLINE)):
        table.add_row(metric, format_value(value, unit))
    return table


def print_summary(console: Console, home: Path, result: dict[str, Any]) -> None:
    ws = Workspace(home)
    con = duckdb.connect(str(ws.working_db), read_only=True)
    try:
        console.print(sender_table(con))
        findings = con.execute("SELECT severity, count(*) FROM finding GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    head = headline_table(ws.published_db)
    if head is not None:
        console.print(head)
    console.print("findings: " + ", ".join(f"{s} {n}" for s, n in findings))
    published = result.get("published") or {}
    status = published.get("status", result.get("reason", "not published"))
    if published.get("blocking_rules"):
        status += " by " + ", ".join(published["blocking_rules"]) + "; the previous version stays"
        if published.get("blocking_message"):
            status += f"\n{published['blocking_message']}"
        if published.get("how_to_see"):
            status += f"\nsee the rows: {published['how_to_see']}"
    console.print(f"reporting month {result.get('reporting_month')}, as of {result.get('as_of')}, "
                  f"version {result.get('version')}: {status}")
    timings = result.get("timings", {})
    console.print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    console.print(f"analysts' database: {shown(ws.published_db)}\nfeedback: {shown(ws.outbox)}/<office>/ "
                  "(回执 per file, 纠错清单 per sender and month)")
    if result.get("data_docs"):
        console.print(f"GX Data Docs: {shown(result['data_docs'])}")
    if result.get("run_report"):
        console.print(f"run report: {shown(result['run_report'])} (latest: {shown(ws.outbox / 'run-report.html')})")


def shown(path: object) -> str:
    """A path as the user typed it: relative to the current folder when it is inside it."""
    full = Path(str(path))
    try:
        return f"./{full.relative_to(Path.cwd())}"
    except ValueError:
        return str(full)
