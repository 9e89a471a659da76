"""Scale-out: `onetable run --workers 2` reads and normalizes files on Prefect's DaskTaskRunner (a
Dask LocalCluster of two processes) and publishes exactly the tables one process publishes. Both
runs happen in the test process, so they share its Prefect server (and workers get its address)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.generate import generate_world
from pipelines.store import connect_working

RUN_SPECIFIC = {"run_id", "published_at"}   # which run found a problem, when a version was published


@pytest.fixture(scope="module")
def twins(tmp_path_factory, run_flow_here):
    world = tmp_path_factory.mktemp("world") / "home"
    generate_world(world, households=60)
    one, many = tmp_path_factory.mktemp("one") / "home", tmp_path_factory.mktemp("many") / "home"
    shutil.copytree(world, one)
    shutil.copytree(world, many)
    single = run_flow_here(one)
    _share_pseudonym_key(one, many)
    return one, many, single, run_flow_here(many, workers=2)   # `onetable run --workers 2`, in this process


def _share_pseudonym_key(source: Path, target: Path) -> None:
    """Pseudonyms are keyed by a random key per workspace: give the twin the same key."""
    with duckdb.connect(str(source / "warehouse" / "onetable.duckdb"), read_only=True) as con:
        key = con.execute("SELECT key_hex FROM pseudonym_key").fetchall()
    con = connect_working(target / "warehouse" / "onetable.duckdb")
    con.executemany("INSERT INTO pseudonym_key VALUES (?)", key)
    con.close()


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return sorted(t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall())


def test_dask_run_publishes_the_same_version(twins):
    _, _, single, parallel = twins
    assert (single["task_runner"], parallel["task_runner"]) == ("ThreadPoolTaskRunner", "DaskTaskRunner")
    assert parallel["published"]["status"] == "published"
    assert parallel["version"] == single["version"]


def test_dask_run_publishes_identical_tables(twins):
    one, many, _, _ = twins
    con = duckdb.connect()
    con.execute(f"ATTACH '{one / 'warehouse' / 'published.duckdb'}' AS one (READ_ONLY)")
    con.execute(f"ATTACH '{many / 'warehouse' / 'published.duckdb'}' AS many (READ_ONLY)")
    tables = _tables(duckdb.connect(str(one / "warehouse" / "published.duckdb"), read_only=True))
    assert len(tables) >= 8
    for table in tables:
        n = con.execute(f"SELECT count(*) FROM one.{table}").fetchall()[0][0]
        columns = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE one.{table})").fetchall()
                   if c not in RUN_SPECIFIC]
        listed = ', '.join(f'"{c}"' for c in columns)
        one_rows, many_rows = (f"SELECT {listed} FROM {db}.{table}" for db in ("one", "many"))
        diff = con.execute(f"""SELECT count(*) FROM (({one_rows} EXCEPT ALL {many_rows})
                               UNION ALL ({many_rows} EXCEPT ALL {one_rows}))""").fetchall()
        assert diff == [(0,)], f"{table}: {diff[0][0]} of {n} rows differ"
