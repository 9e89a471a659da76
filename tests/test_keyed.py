"""pipelines.keyed: pub.household built again for the households whose per-household inputs changed.
The cases of what is built and narrowed, each against a full build, are in test_publish.py
(test_a_candidate_is_built_again_only_when_what_it_reads_changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_publish import _candidates, new_working

from pipelines import keyed, publish


def _build(con: duckdb.DuckDBPyConnection) -> list[str]:
    return publish.build_candidate(con, publish.load_pseudonym_key(con))


def test_a_build_that_stopped_between_an_input_and_the_household_builds_it_in_full(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pub.household_relocation updated by key, then the build stops before pub.household. The next
    build, after another correction, updates pub.household_relocation by key again: the keys it finds
    are those of the second change only, and the first is in no key it recorded, so pub.household is
    built in full (pub.household_relocation was not built from the fingerprint pub.household last saw)."""
    con = new_working(tmp_path / "home")
    con.execute("UPDATE norm_relocation SET site_name = '新安置点'")
    build = keyed.KeyedBuild.build

    def stop_at_household(self: keyed.KeyedBuild, name: str, body: str, parts: Any) -> None:
        if name == "household":
            raise RuntimeError("stopped")
        build(self, name, body, parts)

    monkeypatch.setattr(keyed.KeyedBuild, "build", stop_at_household)
    with pytest.raises(RuntimeError, match="stopped"):
        _build(con)
    monkeypatch.setattr(keyed.KeyedBuild, "build", build)
    con.execute("UPDATE norm_relocation SET site_name = '再更正安置点' WHERE row_uid = (SELECT min(row_uid) FROM norm_relocation)")
    kept = _build(con)
    assert "household_relocation" not in kept and "household" not in kept
    assert publish.narrowed_builds(con) == {}               # built in full
    after = _candidates(con)
    assert publish.build_candidate(con, publish.load_pseudonym_key(con), reuse=False) == []
    assert _candidates(con) == after
    assert con.execute("SELECT count(*) FROM pub.household WHERE site_name = '新安置点'").fetchone()[0] > 0


def test_household_sql_without_its_narrowing_line_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = new_working(tmp_path / "home")
    con.execute("UPDATE norm_relocation SET site_name = '新安置点'")
    key, line, narrowed = keyed.NARROWED["household"]
    monkeypatch.setitem(keyed.NARROWED, "household", (key, line.replace("registry AS", "reg AS"), narrowed))
    with pytest.raises(ValueError, match=r"must hold the line `reg AS \(SELECT \* FROM cur_registry_household\)` once"):
        _build(con)
