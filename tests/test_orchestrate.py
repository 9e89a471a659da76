"""A new Prefect home is seeded with the schema Prefect's migrations build (pipelines/prefect_schema.sql);
a run counts the garbage collector's work."""

from __future__ import annotations

import gc
import sqlite3
from importlib.metadata import version
from pathlib import Path

import pytest

from pipelines.orchestrate import (
    PREFECT_SCHEMA,
    configure_prefect,
    count_collections,
    end_runs_without_heartbeat_wait,
    migrate_prefect_database,
    schema_facts,
    seed_prefect_database,
)


def facts(database: Path) -> dict[str, object]:
    con = sqlite3.connect(database)
    try:
        return schema_facts(con)
    finally:
        con.close()


def test_the_seed_is_what_the_pinned_prefects_migrations_build(tmp_path: Path) -> None:
    """Regenerate (Prefect's migrations on an empty database) and compare: tables, columns, foreign
    keys, indexes and the alembic revision. After a Prefect upgrade this fails: run
    `python -c "from pipelines.orchestrate import write_prefect_schema; write_prefect_schema()"`."""
    assert PREFECT_SCHEMA.read_text(encoding="utf-8").startswith(f"-- Prefect {version('prefect')}: ")
    assert seed_prefect_database(tmp_path / "seeded")
    migrated = facts(migrate_prefect_database(tmp_path / "migrated"))
    assert len(migrated) > 30 and migrated["alembic_version"]["rows"]
    assert facts(tmp_path / "seeded" / "prefect.db") == migrated


@pytest.mark.parametrize(("setting", "value"), [("PREFECT_API_URL", "http://127.0.0.1:4200/api"),
                                                 ("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://x/y")])
def test_a_home_is_seeded_only_for_its_own_sqlite_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        setting: str, value: str) -> None:
    monkeypatch.setenv(setting, value)
    assert not seed_prefect_database(tmp_path)
    assert not (tmp_path / "prefect.db").exists()


def test_an_existing_database_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "prefect.db").write_bytes(b"runs of last month")
    assert not seed_prefect_database(tmp_path)
    assert (tmp_path / "prefect.db").read_bytes() == b"runs of last month"
    assert list(tmp_path.iterdir()) == [tmp_path / "prefect.db"]   # no temporary file left behind


def test_another_prefect_version_migrates_as_usual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipelines.orchestrate.version", lambda _package: "3.99.0")
    assert not seed_prefect_database(tmp_path)
    assert not (tmp_path / "prefect.db").exists()


def test_a_run_counts_the_collectors_work_and_leaves_its_threshold() -> None:
    before = gc.get_threshold()
    with count_collections() as tally:
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1          # the cycle is found, and the full collection counted
        gc.collect(0)
    assert gc.get_threshold() == before and tally["threshold"] == list(before)
    assert tally["collections"][2] >= 1 and tally["collections"][0] >= 1
    assert all(isinstance(s, float) and s >= 0 for s in tally["seconds"])
    counted = list(tally["collections"])
    gc.collect()
    assert tally["collections"] == counted   # the tally stops with the run


def test_the_count_stops_when_the_run_fails() -> None:
    callbacks = list(gc.callbacks)
    with pytest.raises(RuntimeError, match="stage failed"), count_collections():
        raise RuntimeError("stage failed")
    assert gc.callbacks == callbacks


def test_a_flow_run_ends_without_waiting_for_its_heartbeat_thread(tmp_path: Path) -> None:
    """Pinned Prefect 3.9.1: its sync engine joined the heartbeat thread, which sleeps one second at
    a time, so a 0.05 s flow took about 1.1 s. Importing flows.py makes runs end when their work does;
    the heartbeat thread is still started, and stops by itself."""
    import time

    configure_prefect(tmp_path / "state")
    from prefect import flow, flow_engine

    import flows  # noqa: F401 - applies end_runs_without_heartbeat_wait

    end_runs_without_heartbeat_wait()   # idempotent
    assert getattr(flow_engine._send_heartbeats, "onetable_unjoined", False)

    @flow
    def brief() -> None:
        time.sleep(0.05)

    brief()   # the process's first flow starts Prefect's server
    walls = []
    for _ in range(3):
        start = time.perf_counter()
        brief()
        walls.append(time.perf_counter() - start)
    assert max(walls) < 0.6, walls
