"""pipelines.keyed: pub.household built again for the households whose per-household inputs changed.
The cases of what is built and narrowed, each against a full build, are in test_publish.py
(test_a_candidate_is_built_again_only_when_what_it_reads_changed)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_publish import _candidates, new_working

from pipelines import keyed, publish
from pipelines.duck import start_beside
from pipelines.pseudonyms import load_pseudonym_key


def _build(con: duckdb.DuckDBPyConnection) -> list[str]:
    return publish.build_candidate(con, load_pseudonym_key(con))


def test_a_build_that_stopped_between_an_input_and_the_household_builds_it_in_full(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pub.household_relocation updated by key, then the build stops before pub.household. The next
    build, after another correction, updates pub.household_relocation by key again: the keys it finds
    are those of the second change only, and the first is in no key it recorded, so pub.household is
    built in full (pub.household_relocation was not built from the fingerprint pub.household last saw)."""
    con = new_working(tmp_path / "home")
    con.execute("UPDATE norm_relocation SET site_name = '新安置点'")
    build = keyed.KeyedBuild.build

    def stop_at_household(self: keyed.KeyedBuild, name: str, body: str, parts: Any, beside: bool = False) -> Any:
        if name == "household":
            raise RuntimeError("stopped")
        return build(self, name, body, parts, beside)

    monkeypatch.setattr(keyed.KeyedBuild, "build", stop_at_household)
    with pytest.raises(RuntimeError, match="stopped"):
        _build(con)
    monkeypatch.setattr(keyed.KeyedBuild, "build", build)
    con.execute("UPDATE norm_relocation SET site_name = '再更正安置点' WHERE row_uid = (SELECT min(row_uid) FROM norm_relocation)")
    kept = _build(con)
    assert "household_relocation" not in kept and "household" not in kept
    assert publish.narrowed_builds(con) == {}               # built in full
    after = _candidates(con)
    assert publish.build_candidate(con, load_pseudonym_key(con), reuse=False) == []
    assert _candidates(con) == after
    assert con.execute("SELECT count(*) FROM pub.household WHERE site_name = '新安置点'").fetchone()[0] > 0


def test_household_sql_without_its_narrowing_line_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = new_working(tmp_path / "home")
    con.execute("UPDATE norm_relocation SET site_name = '新安置点'")
    key, line, narrowed = keyed.NARROWED["household"]
    monkeypatch.setitem(keyed.NARROWED, "household", (key, line.replace("registry AS", "reg AS"), narrowed))
    with pytest.raises(ValueError, match=r"must hold the line `reg AS \(SELECT \* FROM cur_registry_household\)` once"):
        _build(con)


def test_a_candidate_goes_beside_only_when_a_cursor_sees_what_it_reads_and_is_waited_for() -> None:
    """keyed.Pending: not beside when it reads a TEMP relation, or inside an open transaction (a
    cursor sees neither); a later candidate that reads it waits; its pub.built row comes after it."""
    from pipelines.keyed import Pending

    con = duckdb.connect()
    con.execute("CREATE SCHEMA pub; CREATE TABLE pub.built (object VARCHAR, fingerprint VARCHAR); "
                "CREATE TABLE main_rows AS SELECT range AS i FROM range(10); CREATE TEMP VIEW cur_x AS SELECT 1 AS i")
    pending = Pending(con)
    assert pending.may_go_beside({"": "sql", "main_rows": "h"})
    assert not pending.may_go_beside({"": "sql", "cur_x": "h"}) and not pending.may_go_beside(None)
    con.execute("BEGIN TRANSACTION")
    assert not Pending(con).may_go_beside({"": "sql", "main_rows": "h"})
    con.execute("COMMIT")
    release, order = threading.Event(), []

    def slow(cursor: duckdb.DuckDBPyConnection) -> None:
        release.wait(10)
        cursor.execute("CREATE TABLE pub.metrics AS SELECT sum(i) AS s FROM main_rows")
        order.append("metrics written")

    pending.add("metrics", start_beside(con, slow), "INSERT INTO pub.built VALUES ('metrics', 'f1')")
    pending.wait_for({"": "sql", "ledger": "h"})            # reads no pending candidate: no wait
    assert order == [] and con.execute("SELECT count(*) FROM pub.built").fetchall() == [(0,)]
    release.set()
    pending.wait_for({"": "sql", "pub.metrics": "f1"})      # reads it: waits, then its row is recorded
    assert order == ["metrics written"]
    assert con.execute("SELECT object FROM pub.built").fetchall() == [("metrics",)]
    assert con.execute("SELECT s FROM pub.metrics").fetchall() == [(45,)]

    def fail(cursor: duckdb.DuckDBPyConnection) -> None:
        cursor.execute("CREATE TABLE pub.issues AS SELECT * FROM no_such_table")

    pending.add("issues", start_beside(con, fail), "INSERT INTO pub.built VALUES ('issues', 'f2')")
    pending.add("village", start_beside(con, lambda cursor: cursor.execute("CREATE TABLE pub.village AS SELECT 1 AS v")),
                "INSERT INTO pub.built VALUES ('village', 'f3')")
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        pending.wait_for(None)   # the failed one gets no row; the other one ended, and has its row
    assert con.execute("SELECT object FROM pub.built ORDER BY object").fetchall() == [("metrics",), ("village",)]
