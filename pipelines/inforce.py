"""The rows in force, kept in step with the ledger: what link, validate and publish read.

`cur_<table>` (pipelines.store) is a view: the rows of the loads in force (`loads_in_force`), not
rejected. Evaluating it copies every row in force, 2-3 s at city scale, and a run needs it many
times. So a run freezes it once (`frozen_in_force`), and the frozen rows are a persistent table per
normalized table, `inforce.<table>`, kept from run to run: a run deletes the rows of the loads that
left force and inserts those of the loads that entered it. A corrected file costs its own rows, not
a copy of every row.

Nothing is trusted: each freeze hashes every load's rows in force in `norm_<table>` (row count and
sum of 64-bit row hashes; 0.5 s at city scale), and compares them with what `inforce.held` says the
copy holds. A load whose rows differ (it entered or left force, or its rows changed) is moved
again. The same sums give the frozen tables' content hashes (pipelines.fingerprints) without a
second pass. `rebuild` (the nightly `recompute`) copies every row anew.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import duckdb

from pipelines.fingerprints import Fingerprints
from pipelines.snapshot import column_types, lit, run
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES, norm_table

SCHEMA = "inforce"
HELD = f"{SCHEMA}.held"
log = logging.getLogger(__name__)
_FROZEN: dict[int, dict[str, str]] = {}   # connection (id) whose rows in force are frozen -> their content hashes


@contextlib.contextmanager
def frozen_in_force(con: duckdb.DuckDBPyConnection, rebuild: bool = False) -> Iterator[None]:
    """The rows in force, frozen for a block: `inforce.<table>` brought up to date (`sync_in_force`),
    and TEMP views `cur_<table>` over them shadow the live views. The views' inputs (ledger,
    run_context) do not change while the block runs. Nested, the outermost block serves: a run
    freezes once for link, validate and publish (`steps.rows_in_force`)."""
    if id(con) in _FROZEN:
        yield
        return
    _FROZEN[id(con)] = sync_in_force(con, rebuild)
    for table in REGISTRY_TABLES + SECTOR_TABLES:
        run(con, f"CREATE OR REPLACE TEMP VIEW cur_{table} AS SELECT * FROM {SCHEMA}.{table}")
    try:
        yield
    finally:
        del _FROZEN[id(con)]
        for table in REGISTRY_TABLES + SECTOR_TABLES:
            run(con, f"DROP VIEW IF EXISTS temp.main.cur_{table}")


def frozen_content(con: duckdb.DuckDBPyConnection) -> dict[str, str] | None:
    """The content hashes of the frozen rows in force (`cur_<table>` -> hash), while frozen."""
    return _FROZEN.get(id(con))


def sync_in_force(con: duckdb.DuckDBPyConnection, rebuild: bool = False) -> dict[str, str]:
    """Make every `inforce.<table>` hold the rows of `cur_<table>`, moving only the loads that
    entered or left force (every row with `rebuild`), in one transaction (or the caller's, when one
    is open). Returns each `cur_<table>`'s content hash (Fingerprints.content_hash of its rows)."""
    own = _begin(con)
    try:
        run(con, f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        run(con, f"CREATE TABLE IF NOT EXISTS {HELD} (tbl VARCHAR, file_hash VARCHAR, load_id VARCHAR, "
                 "n BIGINT, h HUGEINT)")
        run(con, "CREATE OR REPLACE TEMP TABLE onetable_loads AS SELECT * FROM main.loads_in_force")
        hashes = {f"cur_{table}": _sync_table(con, table, rebuild) for table in REGISTRY_TABLES + SECTOR_TABLES}
        run(con, "DROP TABLE temp.main.onetable_loads")
        if own:
            run(con, "COMMIT")
    except BaseException:
        if own:
            run(con, "ROLLBACK")
        raise
    return hashes


def _begin(con: duckdb.DuckDBPyConnection) -> bool:
    """Open a transaction; False when the caller has one open. DuckDB's `BEGIN` inside a transaction
    fails and aborts it, so ask first: outside one, each statement is its own transaction, and two
    `txid_current()` in a row differ."""
    first, second = (con.execute("SELECT txid_current()").fetchall()[0][0] for _ in range(2))
    if first == second:
        return False
    run(con, "BEGIN TRANSACTION")
    return True


def _sync_table(con: duckdb.DuckDBPyConnection, table: str, rebuild: bool) -> str:
    """Per load in force: its rows' count and sum of row hashes in `norm_<table>` now, against what
    `inforce.held` says the copy holds; the loads that differ (entered, left, or changed) are moved."""
    target, source = f"{SCHEMA}.{table}", norm_table(table)
    if rebuild or column_types(con, None, table, SCHEMA) != column_types(con, None, source):
        run(con, f"CREATE OR REPLACE TABLE {target} AS FROM {source} LIMIT 0")
        run(con, f"DELETE FROM {HELD} WHERE tbl = {lit(table)}")
    run(con, f"""CREATE OR REPLACE TEMP TABLE onetable_fresh AS
                 SELECT n.file_hash, n.load_id, count(*) AS n, sum(hash(n)::HUGEINT) AS h
                 FROM {source} n JOIN temp.main.onetable_loads l ON l.file_hash = n.file_hash AND l.load_id = n.load_id
                 WHERE n.outcome <> 'rejected' GROUP BY ALL""")
    held = f"SELECT file_hash, load_id, n, h FROM {HELD} WHERE tbl = {lit(table)}"
    run(con, f"CREATE OR REPLACE TEMP TABLE onetable_stale AS {held} EXCEPT SELECT * FROM temp.main.onetable_fresh")
    run(con, f"CREATE OR REPLACE TEMP TABLE onetable_missing AS FROM temp.main.onetable_fresh EXCEPT {held}")
    for kept in (target, HELD):
        run(con, f"DELETE FROM {kept} t WHERE {'' if kept == target else f'tbl = {lit(table)} AND '}EXISTS "
                 "(SELECT 1 FROM temp.main.onetable_stale x WHERE x.file_hash = t.file_hash AND x.load_id = t.load_id)")
    run(con, f"INSERT INTO {target} SELECT n.* FROM {source} n JOIN temp.main.onetable_missing m "
             "ON m.file_hash = n.file_hash AND m.load_id = n.load_id WHERE n.outcome <> 'rejected'")
    run(con, f"INSERT INTO {HELD} SELECT {lit(table)}, * FROM temp.main.onetable_missing")
    shape = con.execute(f"DESCRIBE SELECT * FROM {target}").fetchall()
    totals = con.execute("SELECT coalesce(sum(n), 0), sum(h) FROM temp.main.onetable_fresh").fetchall()
    for temp in ("fresh", "stale", "missing"):
        run(con, f"DROP TABLE temp.main.onetable_{temp}")
    copied = con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]
    if copied != totals[0][0] and not rebuild:   # rows no load accounts for: written by something else
        log.warning("`%s` held %d rows where its loads in force have %d: copied anew", target, copied, totals[0][0])
        return _sync_table(con, table, rebuild=True)
    return Fingerprints.digest(shape, [(int(totals[0][0]), totals[0][1])])

