"""Small DuckDB helpers the stages share: a statement run and drained, SQL literals and files, what
the catalogue holds (tables, columns), a file attached for a block, whether a transaction is open,
and work on a cursor of its own in a thread beside the caller's (`beside`)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb


def start_beside(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], None]
                 ) -> Callable[[], None]:
    """Start `work(cursor)` in a thread, on a cursor of its own (its own transactions; it sees no
    TEMP object of `con`): DuckDB's work beside the caller's. DuckDB releases the GIL and a statement
    over fewer rows than a row group (122,880) runs on one thread, so two such run side by side on
    two cores. Returns what waits for it and raises its error."""
    cursor, failed = con.cursor(), []

    def target() -> None:
        try:
            work(cursor)
        except BaseException as exc:   # raised by wait(), in the caller's thread
            failed.append(exc)
        finally:
            cursor.close()

    thread = threading.Thread(target=target, name="onetable-beside")
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return wait


@contextlib.contextmanager
def beside(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], None] | None
           ) -> Iterator[None]:
    """`work(cursor)` (start_beside) while the block runs; the block ends once both have. The
    block's own error is the one raised when both fail; else `work`'s."""
    wait = start_beside(con, work) if work is not None else None
    try:
        yield
    except BaseException:
        if wait is not None:
            with contextlib.suppress(Exception):
                wait()
        raise
    if wait is not None:
        wait()


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a transaction is open on `con`. Outside one each statement is its own transaction,
    so two `txid_current()` in a row differ (DuckDB's `BEGIN` inside one fails and aborts it)."""
    first, second = (con.execute("SELECT txid_current()").fetchall()[0][0] for _ in range(2))
    return bool(first == second)


@contextlib.contextmanager
def attached(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> Iterator[None]:
    """ATTACH `path` read-only as `alias` for the block, when the file exists."""
    present = path.exists()
    if present:
        run(con, f"ATTACH {lit(path)} AS {alias} (READ_ONLY)")
    try:
        yield
    finally:
        if present:
            run(con, f"DETACH {alias}")


def table_exists(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None,
                 schema: str = "main") -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
                       "AND database_name = coalesce(?, current_database())",
                       [schema, table, database]).fetchall() != [(0,)]


def column_names(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [name for name, _ in column_types(con, database, table)]


def column_types(con: duckdb.DuckDBPyConnection, database: str | None, table: str,
                 schema: str = "main") -> list[tuple[str, str]]:
    """(name, DuckDB type) of a table's columns, in order; `database` None: the current one."""
    return [(r[0], r[1]) for r in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = coalesce(?, current_database()) "
        "AND schema_name = ? AND table_name = ? ORDER BY column_index", [database, schema, table]).fetchall()]


def run(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> None:
    """Run a statement and consume its result: DuckDB 2 refuses new work (`con.sql`, as in the GX
    gate) while a result of `execute` is pending."""
    con.execute(sql, params).fetchall()


def read_sql(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
