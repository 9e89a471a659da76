"""The analysts' file of one version: published tables, versions, history, `changes`, comments, Parquet.

`write_database` copies the candidate tables `pub.*` of the working database into a new file (storage
v1.4.0, so DuckDB 1.4+ clients read it), with the rows of earlier versions from the file published
before (attached as `prev`), adds the `changes` view (warehouse/published/changes.sql, its column
comparisons generated from schemas/published.yaml) and COMMENT ON every table, view and column.
`write_snapshots` writes the version's Parquet files (pipelines.publish: from the candidates, and
`versions` beside the file's last checkpoint).
pipelines.publish swaps the file in.

Earlier versions are carried forward, not rewritten: when the previous file holds exactly this
code's tables and views and its history tables have this code's columns (`carried_forward`), the
new file starts as a byte copy of it, its current tables are refilled (`household` and `person`
updated by key: `update_rows`; a table whose columns changed is created anew) and the version's
rows appended to the history (`household_history` stores each distinct household row once:
pipelines.household_history). Re-inserting every earlier version's rows (the other way, kept for a
first file or a changed layout) made each publication slower than the last: at city scale
`write_database` took 15-21 s with a dozen earlier versions, against 6-8 s carried forward.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines import household_history
from pipelines.duck import beside, column_names, column_types, fsync, lit, read_sql, run, table_exists
from pipelines.schema import ROOT, Column, Schema, comment_text, load_schema, sql_type

SQL_DIR = ROOT / "warehouse" / "published"
CANDIDATE = "pub"
STORAGE_VERSION = "v1.4.0"
TABLES = ["household", "person", "village", "metrics", "issues", "submissions"]
MACROS = ["place_key", "mask_text", "sources"]
VERSIONED = {"metrics"}   # published tables whose rows carry the version they were published in
HISTORY = {"household_history": "household", "metrics_history": "metrics"}   # what analysts query
# carried forward, these tables are updated by key, not written anew: a corrected file of one
# sender changes a few hundred of 178,000 households (city: 1.5 s to write the table again)
UPDATED = {"household": "household_id", "person": "person_id"}
CHANGED = "onetable_household_changed"
VIEWS = ["changes"]
# the file's relations: household_history is a view over two tables (pipelines.household_history)
STORED = [*TABLES, "versions", "metrics_history", household_history.ROWS, household_history.MEMBERS]
RELATIONS = [*STORED, household_history.VIEW, *VIEWS]
# schema column -> published name, where the name is taken with another meaning in schemas/
PUBLISHED_AS = {"metrics": {"place_name": "name", "metric_value": "value"}, "issues": {"column_name": "column"}}
# household columns `changes` leaves out (the registry row's lineage moves with every new registry file)
NOT_COMPARED = {"load_id", "office", "file_hash", "file_name", "sheet", "row", "row_uid", "month"}
# household columns of the registry's own record (topic `status`); exit_* is `exit_check`, the rest `indicator`
STATUS_EXTRA = {"county_code", "township_code", "village_code", "gazetteer_county_name", "gazetteer_township_name",
                "gazetteer_village_name", "place_match", "is_unknown_village", "head_id_masked", "head_id_pseudonym",
                "phone_masked", "phone_pseudonym", "member_count", "is_new", "income_line"}
NEW, PREV = "onetable_new", "onetable_prev"


def published_columns(schema: Schema, table: str) -> list[tuple[str, Column]]:
    """(published name, schema column) of a published table or view, in order."""
    renames = PUBLISHED_AS.get(table, {})
    return [(renames.get(c, c), schema.columns[c]) for c in schema.table_columns(table)]


def write_database(con: duckdb.DuckDBPyConnection, tmp: Path, version_id: str,
                   same: Collection[str] = (), update: bool = True,
                   beside: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> tuple[bool, tuple[str, ...]]:
    """The analysts' file of `version_id` at `tmp` (the previous file, if any, attached as PREV).
    Returns whether it was carried forward from the previous file (module doc), and the tables it
    updated by key (UPDATED, when their columns are the candidate's, unless `update` is off) instead
    of writing them anew. Carried forward, the tables of `same` (the previous file holds what their candidates hold now)
    are kept as they are. `beside(cursor)`, which only reads the file (attached as NEW), runs in a
    thread while the file's last checkpoint does (write_snapshots of `versions`, whose earlier rows
    only the file holds: DuckDB's work, which releases the GIL)."""
    tmp.parent.mkdir(parents=True, exist_ok=True)
    for stale in tmp.parent.glob("published.duckdb.*.tmp*"):  # left by a crashed run
        stale.unlink()
    schema = load_schema()
    previous = carried_forward(con, schema)
    forward = previous is not None
    if previous is not None:
        shutil.copyfile(previous, tmp)
    run(con, f"ATTACH {lit(tmp)} AS {NEW} (STORAGE_VERSION '{STORAGE_VERSION}')")
    try:
        updated = {t for t in UPDATED if update and forward and t not in same and _same_columns(con, t)}
        # the other tables to write: refilled where their columns are the candidate's (the table, and
        # its comments, stay), dropped and created anew where they are not
        refilled = {t for t in TABLES if forward and t not in same and t not in updated and _same_columns(con, t)}
        if forward:
            run(con, f"DROP VIEW {NEW}.main.changes")
            dropped = [t for t in TABLES if t not in same and t not in updated and t not in refilled]
            for table in dropped:
                run(con, f"DROP TABLE {NEW}.main.{table}")
            if dropped:
                run(con, f"CHECKPOINT {NEW}")   # their blocks become free, and the new tables reuse them
        last = _latest_version(con) if forward else None
        run(con, f"CREATE OR REPLACE TEMP TABLE {CHANGED} (k VARCHAR)")   # households updated by key
        for table in TABLES:
            if forward and table in same:
                continue
            if table in updated:
                update_rows(con, f"{NEW}.main.{table}", f"{CANDIDATE}.{table}", UPDATED[table],
                            record=f"temp.main.{CHANGED}" if table == "household" else None)
                continue
            stamp = f" REPLACE ({lit(version_id)} AS version)" if table in VERSIONED else ""
            if table in refilled:
                run(con, f"DELETE FROM {NEW}.main.{table}")
                run(con, f"INSERT INTO {NEW}.main.{table} SELECT *{stamp} FROM {CANDIDATE}.{table}")
            else:
                run(con, f"CREATE TABLE {NEW}.main.{table} AS SELECT *{stamp} FROM {CANDIDATE}.{table}")
        _write_versions(con, schema, version_id, append=forward)
        _write_metrics_history(con, version_id, append=forward)
        if not forward:
            household_history.create_history(con, NEW)
            household_history.carry_over(con, NEW, PREV, version_id, column_types(con, NEW, "household"))
        since = (last, f"temp.main.{CHANGED}") if last and ("household" in same or "household" in updated) else None
        household_history.append_version(con, NEW, version_id, column_names(con, NEW, "household"), since)
        run(con, f"DROP TABLE temp.main.{CHANGED}")
        run(con, f"CREATE VIEW {NEW}.main.changes AS {changes_sql(schema)}")
        _write_comments(con, schema)
        _checkpoint_beside(con, beside)
    finally:
        run(con, f"DETACH {NEW}")
    fsync(tmp)
    return forward, tuple(sorted(updated))


def _latest_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The version the file carried forward holds (its `versions`' latest), before this one is added."""
    rows = con.execute(f"SELECT version FROM {NEW}.main.versions ORDER BY published_at DESC LIMIT 1").fetchall()
    return str(rows[0][0]) if rows else None


def _same_columns(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return column_types(con, NEW, table) == column_types(con, None, table, CANDIDATE)


def update_rows(con: duckdb.DuckDBPyConnection, target: str, source: str, key: str, scope: str | None = None,
                record: str | None = None) -> bool:
    """Make `target` hold the rows of `source` (same columns): the rows of every key that has a row in
    one and not in the other are deleted and `source`'s rows of those keys inserted (whether or not
    the key is unique). A key's rows are compared by their count and the sum of their 64-bit row
    hashes (city link, 1.27 M rows: 0.7 s; EXCEPT ALL over the hashes 1.3 s, over the rows themselves
    4.7 s for the 178,000 households); a changed row hashing as it did goes unseen with odds of 2^-64,
    and the nightly rebuild (`recompute`) writes every table anew. An empty `target` (a first run)
    is filled without comparing. With `scope` (a condition on `target`'s columns), `source` holds
    the rows of that scope only, and the rows of `target` outside it are left alone. With `record`
    (a table of one column), the keys found changed are inserted into it. Returns whether keys were
    compared (False: `target` was empty, every key is new)."""
    where = f" WHERE {scope}" if scope else ""
    if con.execute(f"SELECT count(*) FROM (FROM {target} LIMIT 1)").fetchall() == [(0,)]:
        run(con, f"INSERT INTO {target} SELECT * FROM {source}")
        return False
    each = 'SELECT "{k}" AS k, count(*) AS n, sum(hash(t)::HUGEINT) AS h FROM {t} t{w} GROUP BY ALL'
    run(con, f"""CREATE OR REPLACE TEMP TABLE onetable_affected AS
                 SELECT k FROM ({each.format(k=key, t=target, w=where)}) o
                 FULL JOIN ({each.format(k=key, t=source, w="")}) s USING (k)
                 WHERE o.n IS DISTINCT FROM s.n OR o.h IS DISTINCT FROM s.h""")
    match = f'EXISTS (SELECT 1 FROM onetable_affected a WHERE a.k IS NOT DISTINCT FROM t."{key}")'
    run(con, f"DELETE FROM {target} t WHERE {match}")
    run(con, f"INSERT INTO {target} SELECT * FROM {source} t WHERE {match}")
    if record:
        run(con, f"INSERT INTO {record} SELECT k FROM onetable_affected")
    run(con, "DROP TABLE onetable_affected")
    return True


def carried_forward(con: duckdb.DuckDBPyConnection, schema: Schema) -> Path | None:
    """The previous file (attached as PREV) when it holds exactly the tables and views this code
    writes and its tables of earlier versions have exactly this code's columns (names, types,
    order); None otherwise (no file, or a changed layout: nothing stale is carried)."""
    found = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = ?", [PREV]).fetchall()
    relations = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = $1 UNION ALL "
                            "SELECT view_name FROM duckdb_views() WHERE database_name = $1 AND NOT internal",
                            [PREV]).fetchall()
    if not found or sorted(r for (r,) in relations) != sorted(RELATIONS):
        return None
    expected = {"versions": [(n, sql_type(c)) for n, c in published_columns(schema, "versions")],
                household_history.ROWS: [("row_hash", "VARCHAR"), *column_types(con, None, "household", CANDIDATE)],
                household_history.MEMBERS: [("version", "VARCHAR"), ("household_id", "VARCHAR"), ("row_hash", "VARCHAR")],
                "metrics_history": column_types(con, None, "metrics", CANDIDATE)}
    same = all(column_types(con, PREV, table) == columns for table, columns in expected.items())
    return Path(found[0][0]) if same else None


def changes_sql(schema: Schema) -> str:
    """The `changes` view: warehouse/published/changes.sql with one comparison per household column."""
    entries = []
    for name, column in published_columns(schema, "household"):
        if name in NOT_COMPARED or name == "household_id":
            continue
        topic = "exit_check" if name.startswith("exit_") else \
            "status" if name in STATUS_EXTRA or name in schema.tables["registry_household"].columns else "indicator"
        entries.append(f"{{'topic': {lit(topic)}, 'col': {lit(name)}, 'label': {lit(column.label)}, "
                       f"'old_value': CAST(o.\"{name}\" AS VARCHAR), 'new_value': CAST(n.\"{name}\" AS VARCHAR)}}")
    return read_sql(SQL_DIR / "changes.sql").replace("/*compared*/", ",\n        ".join(entries))


def _write_versions(con: duckdb.DuckDBPyConnection, schema: Schema, version_id: str, append: bool) -> None:
    if append:
        run(con, f"DELETE FROM {NEW}.main.versions WHERE version = {lit(version_id)}")
    else:
        cols = ", ".join(f'"{n}" {sql_type(c)}' for n, c in published_columns(schema, "versions"))
        run(con, f"CREATE TABLE {NEW}.main.versions ({cols})")
        _carry_over(con, "versions", version_id)
    summary = dict(con.execute(f"SELECT rule, count(*) FROM {CANDIDATE}.issues GROUP BY rule ORDER BY rule").fetchall())
    params = {"version": version_id, "published_at": datetime.now(UTC).replace(tzinfo=None),
              "rule_summary": json.dumps(summary, ensure_ascii=False)}
    run(con, f"INSERT INTO {NEW}.main.versions BY NAME {read_sql(SQL_DIR / 'versions.sql')}", params)


def _write_metrics_history(con: duckdb.DuckDBPyConnection, version_id: str, append: bool) -> None:
    select = f"SELECT * FROM {NEW}.main.metrics"   # its rows carry the version (VERSIONED)
    if append:   # a version published again (its inputs came back) replaces its earlier rows
        run(con, f"DELETE FROM {NEW}.main.metrics_history WHERE version = {lit(version_id)}")
        run(con, f"INSERT INTO {NEW}.main.metrics_history {select}")
        return
    run(con, f"CREATE TABLE {NEW}.main.metrics_history AS {select}")
    _carry_over(con, "metrics_history", version_id)


def _carry_over(con: duckdb.DuckDBPyConnection, table: str, version_id: str) -> None:
    """Rows of earlier versions from the previous published file (columns both files have)."""
    if not table_exists(con, table, PREV):
        return
    old, new = (column_names(con, db, table) for db in (PREV, NEW))
    common = ", ".join(f'"{c}"' for c in old if c in new)
    run(con, f"INSERT INTO {NEW}.main.{table} BY NAME SELECT {common} FROM {PREV}.main.{table} "
             f"WHERE version IS DISTINCT FROM {lit(version_id)}")


def _write_comments(con: duckdb.DuckDBPyConnection, schema: Schema) -> None:
    """COMMENT ON every table, view and column: Chinese label, unit and English meaning from schemas/.
    Only the comments the file does not hold already: a file carried forward keeps those of the
    tables it kept or updated (city: 320 statements, 0.7-0.9 s, against the few of the tables and
    the view written anew)."""
    held = {(t, c): text for t, c, text in con.execute(
        "SELECT table_name, NULL, comment FROM duckdb_tables() WHERE database_name = $1 UNION ALL "
        "SELECT view_name, NULL, comment FROM duckdb_views() WHERE database_name = $1 AND NOT internal UNION ALL "
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = $1", [NEW]).fetchall()}
    for (table, column), (kind, text) in _comments(schema).items():
        if held.get((table, column)) == text:
            continue
        target = f'COLUMN {NEW}.main.{table}."{column}"' if column else f"{kind} {NEW}.main.{table}"
        run(con, f"COMMENT ON {target} IS {lit(text)}")


def _comments(schema: Schema) -> dict[tuple[str, str | None], tuple[str, str]]:
    """(relation, column or None) -> (TABLE or VIEW, comment) for every relation of the file."""
    wanted: dict[tuple[str, str | None], tuple[str, str]] = {}
    version_col = comment_text(schema.columns["version"])
    for table in [*TABLES, "versions", *HISTORY, *VIEWS]:
        base = HISTORY.get(table, table)
        kind = "VIEW" if table in VIEWS or table == household_history.VIEW else "TABLE"
        text = schema.tables[base].description + ("；历次发布版本（history of every version）" if table in HISTORY else "")
        wanted[(table, None)] = (kind, text)
        columns = [(n, comment_text(c)) for n, c in published_columns(schema, base)]
        if table in HISTORY and "version" not in dict(columns):
            columns.insert(0, ("version", version_col))
        wanted.update({(table, name): ("COLUMN", comment) for name, comment in columns})
    for table, (text, stored) in household_history.storage_comments(schema, schema.columns["row_hash"]).items():
        wanted[(table, None)] = ("TABLE", text)
        wanted.update({(table, name): ("COLUMN", comment_text(column)) for name, column in stored.items()})
    return wanted


def _checkpoint_beside(con: duckdb.DuckDBPyConnection,
                       work: Callable[[duckdb.DuckDBPyConnection], None] | None) -> None:
    """CHECKPOINT the new file, with `work` beside it: DuckDB lets reads run during a checkpoint."""
    with beside(con, work):
        run(con, f"CHECKPOINT {NEW}")


def write_snapshots(con: duckdb.DuckDBPyConnection, staged: Path, tables: Collection[str],
                    source: str = f"{NEW}.main", stamp: str | None = None, earlier: Path | None = None,
                    same: Collection[str] = ()) -> None:
    """Parquet files of `tables` of the version, from the relations of `source` (the file attached as
    NEW, or the candidates: their rows are the file's, with the version `stamp` on VERSIONED ones),
    written into the folder `staged` (`place_snapshots` moves it into place once the version goes
    out). A table of `same` is copied from the `earlier` version's folder, whose file it is equal to."""
    staged.mkdir(parents=True, exist_ok=True)
    for table in tables:
        kept = earlier / f"{table}.parquet" if earlier is not None and table in same else None
        if kept is not None and kept.exists():
            shutil.copyfile(kept, staged / kept.name)
            continue
        replace = f" REPLACE ({lit(stamp)} AS version)" if stamp is not None and table in VERSIONED else ""
        run(con, f"COPY (SELECT *{replace} FROM {source}.{table}) TO {lit(staged / f'{table}.parquet')} "
                 "(FORMAT parquet)")


def place_snapshots(staged: Path, folder: Path) -> None:
    """The Parquet files `write_snapshots` staged, renamed into `folder` (replacing an earlier one)."""
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staged, folder)


def macro_sql() -> list[str]:
    """The CREATE MACRO statements of the published SQL (pub.place_key, mask_text, sources)."""
    return [read_sql(SQL_DIR / f"{name}.sql") for name in MACROS]
