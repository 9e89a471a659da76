"""pipelines.duck: the small DuckDB helpers every stage shares, on a real in-memory DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.duck import attached, beside, column_names, in_transaction, lit, table_exists


@pytest.mark.parametrize(("value", "literal"), [
    ("plain", "'plain'"),
    ("O'Brien", "'O''Brien'"),             # a quote doubled, not escaped with a backslash
    ("商洛 '市'", "'商洛 ''市'''"),
    (Path("/tmp/a'b.duckdb"), "'/tmp/a''b.duckdb'"),
])
def test_a_literal_reads_back_as_its_value(value, literal) -> None:
    assert lit(value) == literal
    assert duckdb.connect().execute(f"SELECT {literal}").fetchall() == [(str(value),)]


@pytest.mark.parametrize("begin", [False, True])
def test_in_transaction_tells_an_open_transaction(begin) -> None:
    con = duckdb.connect()
    if begin:
        con.execute("BEGIN")
    assert in_transaction(con) is begin
    if begin:
        con.execute("CREATE TABLE t AS SELECT 1 AS a")   # the probe left the transaction usable
        con.execute("COMMIT")
        assert in_transaction(con) is False
        assert con.execute("SELECT a FROM t").fetchall() == [(1,)]


def test_attached_is_read_only_for_the_block_and_a_missing_file_is_skipped(tmp_path: Path) -> None:
    other = duckdb.connect(str(tmp_path / "other.duckdb"))
    other.execute("CREATE TABLE t AS SELECT 1 AS a, 'x' AS b")
    other.close()
    con = duckdb.connect()
    with attached(con, tmp_path / "other.duckdb", "o"):
        assert table_exists(con, "t", "o") and column_names(con, "o", "t") == ["a", "b"]
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("INSERT INTO o.t VALUES (2, 'y')")
    assert not table_exists(con, "t", "o")
    with attached(con, tmp_path / "missing.duckdb", "m"):   # no file: nothing attached, no error
        assert con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'm'").fetchall() == [(0,)]
    assert not (tmp_path / "missing.duckdb").exists()


def _read(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("SELECT count(*) FROM range(1000)").fetchall()


def _fail_beside(cur: duckdb.DuckDBPyConnection) -> None:
    raise OSError("beside failed")


@pytest.mark.parametrize(("work", "block_fails", "raised"), [
    (_read, False, None),                    # both end: nothing raised
    (_fail_beside, False, "beside failed"),  # the work's error, once the block has ended
    (_read, True, "block failed"),           # the block's error
    (_fail_beside, True, "block failed"),    # both failed: the block's own error
    (None, True, "block failed"),            # no work: the block alone
])
def test_work_beside_a_block_ends_with_it_and_the_blocks_error_wins(work, block_fails, raised) -> None:
    """duck.beside, shared by the analysts' file's last checkpoint (its Parquet files beside it)
    and the working database's (the Data Docs beside it)."""
    con, ended = duckdb.connect(), []

    def run_block() -> None:
        with beside(con, None if work is None else lambda cur: (work(cur), ended.append("work"))):
            if block_fails:
                raise RuntimeError("block failed")

    if raised is None:
        run_block()
        assert ended == ["work"]
    else:
        with pytest.raises((OSError, RuntimeError), match=raised):
            run_block()
