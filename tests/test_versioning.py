"""pipelines.versioning: a version derives from what went into it; a finished version stops a poll early."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines import versioning
from pipelines.steps import working
from pipelines.store import create_working_tables
from pipelines.workspace import Workspace, open_workspace

EARLIER = datetime(2018, 9, 1, 8, 0, tzinfo=UTC)


def ledger_workspace(home: Path) -> Workspace:
    ws = open_workspace(home)
    with working(ws) as con:
        create_working_tables(con)
        con.execute("INSERT INTO ledger (file_hash, path, office, status, first_seen) VALUES "
                    "('h1', 'inbox/health/a.xlsx', 'health', 'accepted', ?), "
                    "('h2', 'inbox/housing/b.xlsx', 'housing', 'duplicate', ?)", [EARLIER, EARLIER])
    return ws


@pytest.mark.parametrize(("change", "month", "same"), [
    (None, "2018-08", True),                                                         # nothing: the same version
    ("UPDATE ledger SET status = 'quarantined' WHERE file_hash = 'h1'", "2018-08", False),  # a file's standing
    ("INSERT INTO ledger (file_hash, path, office, status) VALUES ('h3', 'c.csv', 'civil', 'accepted')",
     "2018-08", False),                                                              # one more file
    ("INSERT INTO ledger (file_hash, path, office, status) VALUES ('h4', 'd.csv', 'civil', 'duplicate')",
     "2018-08", True),                                                               # a duplicate adds nothing
    (None, "2018-09", False),                                                        # another month
])
def test_a_version_changes_with_what_went_into_it(tmp_path: Path, change, month, same) -> None:
    ws = ledger_workspace(tmp_path)
    with working(ws) as con:
        before = versioning.version_id(con, "2018-08")
        if change:
            con.execute(change)
        after = versioning.version_id(con, month)
    assert before.startswith("201808-") and after.startswith(month.replace("-", "") + "-")
    assert (after == before) is same


def test_set_context_holds_one_row_for_the_run(tmp_path: Path) -> None:
    ws = ledger_workspace(tmp_path)
    first = versioning.set_context(ws, "run-1", "2018-08", date(2018, 9, 11))
    second = versioning.set_context(ws, "run-2", "2018-08", date(2018, 9, 12))
    assert first == second
    with working(ws) as con:
        rows = con.execute("SELECT run_id, reporting_month, version_id FROM run_context").fetchall()
    assert rows == [("run-2", "2018-08", first)]


@pytest.mark.parametrize(("marked", "new_file", "expected"), [
    (None, False, False),          # no run finished yet
    ("other", False, False),       # the last finished run published another version
    ("this", False, True),         # finished, nothing new: the poll stops early
    ("this", True, False),         # a file entered the ledger in this run (a duplicate needs its receipt)
])
def test_nothing_new_only_for_a_finished_version_and_no_new_file(tmp_path: Path, marked, new_file, expected) -> None:
    ws = ledger_workspace(tmp_path)
    started = EARLIER + timedelta(hours=1)
    with working(ws) as con:
        version = versioning.version_id(con, "2018-08")
        if new_file:
            con.execute("INSERT INTO ledger (file_hash, path, office, status, first_seen) VALUES "
                        "('h5', 'e.xlsx', 'health', 'duplicate', ?)", [started + timedelta(seconds=5)])
    if marked:
        versioning.mark_complete(ws, version if marked == "this" else "201808-0000000000")
    assert versioning.nothing_new(ws, version, started) is expected
    assert not (ws.state / f"{versioning.COMPLETE_MARKER}.tmp").exists()
