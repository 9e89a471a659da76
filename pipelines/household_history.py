"""`household_history` of the analysts' file: every published version's households, each distinct row stored once.

Analysts query the view `household_history` (version + every `household` column, one row per
household per version, as before). Underneath, a household row that several versions share is
stored once:

- `household_history_rows`: `row_hash` and the `household` columns, one row per distinct
  (household_id, row_hash);
- `household_history_versions`: (version, household_id, row_hash), one row per household per version.

A version whose inputs changed for a few hundred of the city's 178,000 households adds a few hundred
rows and 178,000 short ones: 0.6 s where appending the whole table took 1.8 s, and the file no longer
grows by a full copy of `household` with every version (seven versions at city scale held 1,246,000
history rows, 178,002 of them distinct). `row_hash` is DuckDB's 64-bit hash of the row's columns in
their published order, written as 16 letters A-P like the pseudonyms (a number of 18 digits could pass
for an ID number): two contents of one household that hash alike would be stored as one, with odds
of 2^-64 per changed row.
"""

from __future__ import annotations

import duckdb

from pipelines.schema import Column, Schema

VIEW = "household_history"
ROWS = "household_history_rows"
MEMBERS = "household_history_versions"
HASHED = "onetable_history_hashed"


def row_hash_sql(columns: list[str], alias: str = "") -> str:
    """The row_hash of a household row, from its columns in published order."""
    prefix = f"{alias}." if alias else ""
    hashed = "hash(" + ", ".join(f'{prefix}"{c}"' for c in columns) + ")"
    return f"translate(printf('%016x', {hashed}), '0123456789abcdef', 'ABCDEFGHIJKLMNOP')"


def create_history(con: duckdb.DuckDBPyConnection, db: str) -> None:
    """The two tables (with `household`'s columns, from the file's `household`) and the view."""
    con.execute(f"CREATE TABLE {db}.main.{ROWS} AS SELECT NULL::VARCHAR AS row_hash, * "
                f"FROM {db}.main.household LIMIT 0").fetchall()
    con.execute(f"CREATE TABLE {db}.main.{MEMBERS} (version VARCHAR, household_id VARCHAR, row_hash VARCHAR)").fetchall()
    con.execute(f"CREATE VIEW {db}.main.{VIEW} AS SELECT m.version, r.* EXCLUDE (row_hash) "
                f"FROM {MEMBERS} m JOIN {ROWS} r "
                "ON r.household_id IS NOT DISTINCT FROM m.household_id AND r.row_hash = m.row_hash").fetchall()


def append_version(con: duckdb.DuckDBPyConnection, db: str, version_id: str, columns: list[str],
                   since: tuple[str, str] | None = None) -> None:
    """`version_id`'s households (the file's `household`) into the history; a version published again
    (its inputs came back) replaces its earlier membership. The row hashes are computed in each of
    the two statements rather than kept in a TEMP table of every household column (city: 0.37 s
    against 0.51 s). With `since` (the previous version, a table of household ids): the file's
    `household` is that version's, but for the rows of those ids (pipelines.snapshot: carried
    forward, updated by key); only their rows are hashed, the others' hashes are the previous
    version's (city, one household corrected: about 0.2 s, most of it copying the previous
    version's 178,000 memberships, against 0.49 s)."""
    con.execute(f"DELETE FROM {db}.main.{MEMBERS} WHERE version = ?", [version_id]).fetchall()
    hashed = f"SELECT {row_hash_sql(columns, 'h')} AS row_hash, h.* FROM {db}.main.household h"
    if since is not None and _holds_previous(con, db, *since):
        previous, changed = since
        hashed += f" WHERE h.household_id IN (SELECT k FROM {changed})"
        con.execute(f"INSERT INTO {db}.main.{MEMBERS} SELECT ?, household_id, row_hash FROM {db}.main.{MEMBERS} m "
                    f"WHERE version = ? AND m.household_id NOT IN (SELECT k FROM {changed})",
                    [version_id, previous]).fetchall()
    _store_new_rows(con, db, hashed)
    con.execute(f"INSERT INTO {db}.main.{MEMBERS} SELECT ?, household_id, row_hash FROM ({hashed})",
                [version_id]).fetchall()


def _holds_previous(con: duckdb.DuckDBPyConnection, db: str, previous: str, changed: str) -> bool:
    """Whether the previous version's membership can stand for the file's unchanged households: it
    has rows, as many outside `changed` as the file's `household`, and no household without an id
    on either side (NOT IN would drop it)."""
    outside = f"WHERE household_id NOT IN (SELECT k FROM {changed})"
    return con.execute(
        f"SELECT (SELECT count(*) FROM {db}.main.household {outside}) = "
        f"(SELECT count(*) FROM {db}.main.{MEMBERS} WHERE version = ? AND household_id NOT IN (SELECT k FROM {changed})) "
        f"AND (SELECT count(*) FROM {db}.main.{MEMBERS} WHERE version = ? AND household_id IS NULL) = 0 "
        f"AND (SELECT count(*) FROM {db}.main.household WHERE household_id IS NULL) = 0 "
        f"AND (SELECT count(*) FROM {db}.main.{MEMBERS} WHERE version = ?) > 0",
        [previous, previous, previous]).fetchall() == [(True,)]


def carry_over(con: duckdb.DuckDBPyConnection, db: str, previous: str, version_id: str,
               columns: list[tuple[str, str]]) -> None:
    """The households of every earlier version but `version_id` from the previous file's `household_history`
    (a view or, from an earlier release, a table), in this file's columns: one the previous file
    does not have is NULL."""
    old = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = ? "
                                     "AND schema_name = 'main' AND table_name = ?", [previous, VIEW]).fetchall()}
    if not old:
        return
    names = [name for name, _ in columns]
    select = ", ".join(f'"{n}"' if n in old else f'NULL::{kind} AS "{n}"' for n, kind in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {HASHED} AS SELECT version, {row_hash_sql(names)} AS row_hash, "
                "* EXCLUDE (version) "
                f"FROM (SELECT version, {select} FROM {previous}.main.{VIEW} WHERE version IS DISTINCT FROM ?)",
                [version_id]).fetchall()
    _store_hashed(con, db)


def _store_hashed(con: duckdb.DuckDBPyConnection, db: str) -> None:
    """The rows of the TEMP table HASHED (version, row_hash, household columns) into the history:
    the contents not yet stored, and every (version, household_id, row_hash)."""
    _store_new_rows(con, db, f"SELECT * EXCLUDE (version) FROM {HASHED}")
    con.execute(f"INSERT INTO {db}.main.{MEMBERS} SELECT version, household_id, row_hash FROM {HASHED}").fetchall()
    con.execute(f"DROP TABLE {HASHED}").fetchall()


def _store_new_rows(con: duckdb.DuckDBPyConnection, db: str, hashed: str) -> None:
    """The contents among `hashed` (row_hash, household columns) the history does not store yet."""
    con.execute(f"""INSERT INTO {db}.main.{ROWS}
                    SELECT DISTINCT ON (household_id, row_hash) * FROM ({hashed}) n
                    WHERE NOT EXISTS (SELECT 1 FROM {db}.main.{ROWS} r
                                      WHERE r.household_id IS NOT DISTINCT FROM n.household_id
                                      AND r.row_hash = n.row_hash)""").fetchall()


def storage_comments(schema: Schema, row_hash: Column) -> dict[str, tuple[str, dict[str, Column]]]:
    """Table comment and columns of the two storage tables, from `household` and the schema's `row_hash`."""
    household = schema.tables["household"]
    columns = {c: schema.columns[c] for c in household.columns}
    note = "（household_history 视图的存储 / storage of the household_history view）"
    return {ROWS: (f"{household.description}；历次发布版本中的每种户行内容各存一次{note}", {"row_hash": row_hash, **columns}),
            MEMBERS: (f"每个发布版本包含的户行{note}", {"version": schema.columns["version"],
                                                   "household_id": schema.columns["household_id"], "row_hash": row_hash})}
