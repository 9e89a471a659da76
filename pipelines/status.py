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

STATUS_SQL = """
WITH files AS (
    SELECT office, month, file_hash, submitted_at, rows_accepted, rows_warned, rows_rejected
    FROM ledger WHERE status IN ('accepted', 'partly_accepted', 'superseded') AND month IS NOT NULL
), problems AS (
    SELECT l.office, l.month, count(*) AS open_problems
    FROM finding f JOIN ledger l ON l.file_hash = f.file_hash AND l.file_name = f.file_name
    WHERE f.severity IN ('reject', 'warning') AND l.status IN ('accepted', 'partly_accepted')
    GROUP BY ALL
)
SELECT f.office, f.month, min(f.submitted_at) AS submitted_at, count(DISTINCT f.file_hash) AS files,
       sum(f.rows_accepted + f.rows_warned) AS rows_accepted, sum(f.rows_rejected) AS rows_rejected,
       coalesce(any_value(p.open_problems), 0) AS open_problems
FROM files f LEFT JOIN problems p USING (office, month)
GROUP BY f.office, f.month
"""


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


def sender_status(con: duckdb.DuckDBPyConnection, month: str, due_days: dict[str, int]) -> list[SenderStatus]:
    """One row per sender of `due_days` for `month`, in sender order."""
    seen = {(o, m): rest for o, m, *rest in con.execute(STATUS_SQL).fetchall()}
    out = []
    for office, day in sorted(due_days.items()):
        due, row = due_date(month, day), seen.get((office, month))
        prev = seen.get((office, previous_month(month)))
        if row is None:
            out.append(SenderStatus(office, month, "missing", None, due, 0, 0, 0, 0, None))
            continue
        submitted, files, accepted, rejected, problems = row
        verdict = "late" if submitted.date() > due else "on_time"
        change = int(accepted) - int(prev[2]) if prev else None
        out.append(SenderStatus(office, month, verdict, submitted.isoformat(sep=" "), due, int(files),
                                int(accepted), int(rejected), int(problems), change))
    return out


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
