"""A run's version and how far it got: the version derives from what went into it (every file's
standing, the configuration, the month), `run_context` holds it for the run, and a marker in
state/ names the last version whose run finished every step, so a poll with nothing new stops early.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import duckdb

from pipelines.specs import config_hash
from pipelines.steps import working
from pipelines.workspace import Workspace


def version_id(con: duckdb.DuckDBPyConnection, reporting_month: str) -> str:
    """Derived from what went into it: every file taken in or quarantined, the configuration, the month."""
    files = con.execute("""SELECT file_hash, status FROM ledger WHERE status <> 'duplicate'
                           ORDER BY file_hash, status""").fetchall()
    digest = hashlib.sha256(f"{config_hash()}|{reporting_month}|{files}".encode())
    return f"{reporting_month.replace('-', '')}-{digest.hexdigest()[:10]}"


def set_context(ws: Workspace, run_id: str, reporting_month: str, as_of: date) -> str:
    """`run_context` of this run; returns the version it publishes (which decides `nothing_new`)."""
    with working(ws) as con:
        con.execute("DELETE FROM run_context")
        version = version_id(con, reporting_month)
        con.execute("INSERT INTO run_context VALUES (?, ?, ?, ?, ?)",
                    [run_id, reporting_month, as_of, version, ws.settings().income_line])
        return version


COMPLETE_MARKER = "complete_version"   # in state/: the version whose run finished every step


def nothing_new(ws: Workspace, version: str, started: datetime) -> bool:
    """True when this run can stop before linking: the version (which derives from every file's
    standing, the configuration and the month) is the one a previous run finished end to end
    (checks, publication, feedback), and no file entered the ledger in this run (a duplicate
    changes no version but needs its receipt). A poll with nothing new then costs seconds."""
    marker = ws.state / COMPLETE_MARKER
    if not marker.exists() or marker.read_text(encoding="utf-8").strip() != version:
        return False
    with working(ws) as con:
        new = con.execute("SELECT count(*) FROM ledger WHERE first_seen >= ?", [started]).fetchall()[0][0]
    return new == 0


def mark_complete(ws: Workspace, version: str) -> None:
    """Record that every step of `version`'s run finished (written last, atomically)."""
    tmp = ws.state / f"{COMPLETE_MARKER}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    tmp.replace(ws.state / COMPLETE_MARKER)
