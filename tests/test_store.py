"""The working database's engine settings (onetable.yaml `warehouse:`), applied to every connection."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import steps
from pipelines.errors import ConfigError
from pipelines.store import memory_limit
from pipelines.workspace import Workspace

CASES = [   # onetable.yaml; DuckDB's memory_limit, threads and checkpoint_threshold as it reports them
    ("", "2.7 GiB", None, "244.1 MiB"),                                  # 3GB, the machine's cores, 256MB
    ("warehouse:\n  memory_limit: 512MB\n  threads: 1\n  checkpoint_threshold: 1GB\n", "488.2 MiB", "1", "953.6 MiB"),
    ("warehouse:\n  memory_limit: 1.5GiB\n  checkpoint_threshold: 16MB\n", "1.5 GiB", None, "15.2 MiB"),
]


@pytest.mark.parametrize(("yaml_text", "memory", "threads", "checkpoint"), CASES)
def test_working_connection_takes_the_warehouse_settings(tmp_path: Path, yaml_text: str, memory: str,
                                                         threads: str | None, checkpoint: str) -> None:
    (tmp_path / "onetable.yaml").write_text(yaml_text, encoding="utf-8")
    with steps.working(Workspace(tmp_path)) as con:
        got = con.sql("SELECT current_setting('memory_limit'), current_setting('threads')::VARCHAR, "
                      "current_setting('checkpoint_threshold')").fetchall()[0]
        spill = con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0]
    assert got[0] == memory
    assert threads is None or got[1] == threads
    assert got[2] == checkpoint
    assert Path(spill).parent == tmp_path / "warehouse"     # spills stay in the workspace


BAD = [   # onetable.yaml, what the message must say
    ("warehouse:\n  memory_limit: lots\n", "`warehouse.memory_limit`: String should match pattern"),
    ("warehouse:\n  memory_limt: 1GB\n", "`warehouse.memory_limt`: Extra inputs are not permitted; did you mean `memory_limit`?"),
    ("warehouse:\n  threads: 0\n", "`warehouse.threads`: Input should be greater than or equal to 1"),
    ("warehouse:\n  validate_memory_limit: 2 GB of RAM\n", "`warehouse.validate_memory_limit`: String should match"),
    ("warehouse:\n  checkpoint_threshold: 10%\n", "`warehouse.checkpoint_threshold`: String should match"),
    ("warehouse:\n  normalize_memory_limit: half\n", "`warehouse.normalize_memory_limit`: String should match"),
    ("warehouse:\n  normalize_rows_ahead: 0\n", "`warehouse.normalize_rows_ahead`: Input should be greater than or equal to 1"),
    ("warehouse:\n  read_ahead_mb: 1.5GB\n", "`warehouse.read_ahead_mb`: Input should be a valid integer"),
]


@pytest.mark.parametrize(("yaml_text", "message"), BAD)
def test_bad_warehouse_settings_name_the_file_and_key(tmp_path: Path, yaml_text: str, message: str) -> None:
    (tmp_path / "onetable.yaml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught, steps.working(Workspace(tmp_path)):
        pass
    assert str(caught.value).startswith(f"{tmp_path / 'onetable.yaml'}: ")
    assert message in str(caught.value)


def test_a_lower_memory_limit_for_a_block_evicts_and_is_restored(tmp_path: Path) -> None:
    """store.memory_limit (the validate stage's `validate_memory_limit`): DuckDB gives cached pages
    back down to the lower limit while the block runs, and has its own limit again afterwards."""
    (tmp_path / "onetable.yaml").write_text("warehouse:\n  memory_limit: 1GB\n", encoding="utf-8")

    def held(con: duckdb.DuckDBPyConnection) -> int:
        return int(con.sql("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0])

    with steps.working(Workspace(tmp_path)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(3000000)")
        con.execute("SELECT count(DISTINCT s) FROM t").fetchall()
        before = held(con)
        with memory_limit(con, "16MB", "1GB"):
            assert con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0] == "15.2 MiB"
            assert held(con) <= 16_000_000 < 40_000_000 < before
        assert con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0] == "953.6 MiB"


@pytest.mark.parametrize(("yaml_text", "during", "after"), [
    ("", "1.8 GiB", "2.7 GiB"),                                                       # 2GB, then 3GB
    ("warehouse:\n  memory_limit: 1GB\n  normalize_memory_limit: 512MB\n", "488.2 MiB", "953.6 MiB"),
])
def test_normalizing_runs_duckdb_within_its_limit(tmp_path: Path, yaml_text: str, during: str,
                                                                     after: str) -> None:
    (tmp_path / "onetable.yaml").write_text(yaml_text, encoding="utf-8")
    ws = Workspace(tmp_path)
    with steps.shared_connection(ws), steps.working(ws) as con:
        with steps.normalize_memory(ws):
            assert con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0] == during
        assert con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0] == after


def _wal_bytes(ws: Workspace) -> int:
    wal = ws.working_db.with_name(ws.working_db.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_the_checkpoint_beside_a_block_empties_the_write_ahead_log(tmp_path: Path) -> None:
    ws, ran = Workspace(tmp_path), []
    with steps.shared_connection(ws), steps.working(ws) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(100000)")
        assert _wal_bytes(ws) > 1_000_000           # below the checkpoint threshold: in the log
        with steps.checkpoint_beside(ws):
            ran.append(sum(range(1_000_000)))      # the block's own work, beside it
        assert _wal_bytes(ws) < 100_000 and ran == [499999500000]
        assert con.execute("SELECT count(*), max(i) FROM t").fetchall() == [(100000, 99999)]


def test_a_checkpoint_beside_an_open_write_transaction_keeps_its_rows(tmp_path: Path) -> None:
    """None is open between the stages, but were one: the committed rows are checkpointed, and the
    open transaction's rows are there once it commits, after the connection is closed and opened."""
    ws, ran = Workspace(tmp_path), []
    with steps.shared_connection(ws), steps.working(ws) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO t VALUES (-1)")
        with steps.checkpoint_beside(ws):
            ran.append(True)
        assert _wal_bytes(ws) < 100_000
        con.execute("COMMIT")
    assert ran == [True] and _wal_bytes(ws) == 0
    with steps.working(ws) as con:
        assert con.execute("SELECT count(*), min(i) FROM t").fetchall() == [(100001, -1)]


def test_no_checkpoint_beside_a_block_without_the_runs_connection(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    with steps.checkpoint_beside(ws):
        pass
    assert not ws.working_db.exists()
