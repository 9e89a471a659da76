"""Status, DHIS2-style: per sender and month, submitted or missing, on time or late, rows, problems.

A sender's files for a month are due by day D (its spec's `due_day`) of the following month;
submitted = the earliest modification time the ledger saw among that month's files taken in
(Beijing time). Missing = no file of the sender's taken in for that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.generate.model import Period
from pipelines.schema import ROOT


@dataclass(frozen=True)
class SenderStatus:
    office: str
    month: str
    verdict: str                 # on_time | late | missing
    submitted_at: str | None
    due: date
    files: int
    rows_accepted: int
    rows_rejected: int
    open_problems: int
    change: int | None           # rows accepted against the previous month (None: no previous month)


def due_date(month: str, due_day: int) -> date:
    year, mon = Period.parse(month).next_month
    return date(year, mon, due_day)


def previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


SUBMISSIONS_SQL = ROOT / "warehouse" / "published" / "submissions.sql"


def register_calendar(con: duckdb.DuckDBPyConnection, due_days: dict[str, int]) -> None:
    """The temp table `due_calendar` (office, due_day) that submissions.sql reads."""
    con.execute("CREATE OR REPLACE TEMP TABLE due_calendar (office VARCHAR, due_day INTEGER)")
    con.executemany("INSERT INTO due_calendar VALUES (?, ?)", sorted(due_days.items()))


def submissions_sql() -> str:
    return SUBMISSIONS_SQL.read_text(encoding="utf-8").strip().rstrip(";")


def sender_status(con: duckdb.DuckDBPyConnection, month: str, due_days: dict[str, int]) -> list[SenderStatus]:
    """One row per sender of `due_days` for `month`, in sender order (the published `submissions`)."""
    register_calendar(con, due_days)
    rows = con.execute(f"SELECT * FROM (\n{submissions_sql()}\n) AS s WHERE reporting_month = ? ORDER BY office",
                       [month]).fetchall()
    if not rows:   # a month no file named: every sender is missing
        rows = [(month, office, "missing", None, due_date(month, day), 0, 0, 0, 0, None)
                for office, day in sorted(due_days.items())]
    return [SenderStatus(office, m, verdict, None if at is None else at.isoformat(sep=" "), due, int(files),
                         int(accepted), int(rejected), int(problems), None if change is None else int(change))
            for m, office, verdict, at, due, files, accepted, rejected, problems, change in rows]


def due_days() -> dict[str, int]:
    """The expected-submission calendar: each sender's due day (sources/<office>.yaml `due_day`)."""
    from pipelines.specs import load_specs

    return {office: spec.due_day for office, spec in load_specs().items()}


def latest_month(con: duckdb.DuckDBPyConnection) -> str:
    from pipelines.errors import UsageError

    found = con.execute("SELECT max(month) FROM ledger WHERE month NOT LIKE '????%'").fetchall()[0][0]
    if found is None:
        raise UsageError("no file with a month has been taken in yet")
    return str(found)
