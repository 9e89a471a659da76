"""Publish: candidate tables in the working database, the E gate, the analysts' database swapped in.

Candidates: schema `pub` of the working database (pub.household, person, village, metrics, issues from
warehouse/published/<object>.sql, typed by schemas/published.yaml; helpers pub.place_match,
pub.files_in_force, pub.household_members and the household-level senders' rows per household
(pub.household_housing, _relocation, _infrastructure, _industry: pipelines.keyed), pub.pseudonym
(never published), pub.metrics_previous for E6); E checks: warehouse/checks/e1..e6.sql. The
analysts' file is written aside while the gate runs (pipelines.snapshot: storage v1.4.0, history
tables, the `changes` view, comments, Parquet snapshots staged), then, if the gate lets it out,
os.replace()d over warehouse/published.duckdb: open readers keep the old file.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

import duckdb
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.duck import attached, beside, fsync, lit, read_sql, run, table_exists
from pipelines.errors import UsageError
from pipelines.fingerprints import Fingerprints
from pipelines.inforce import frozen_content, frozen_in_force
from pipelines.keyed import NARROWED_LOG, KeyedBuild, Pending
from pipelines.pseudonyms import build_pseudonyms
from pipelines.schema import load_schema, sql_type
from pipelines.snapshot import (
    CANDIDATE,
    HISTORY,
    PUBLISHED_AS,
    SQL_DIR,
    STORAGE_VERSION,
    TABLES,
    VERSIONED,
    VIEWS,
    macro_sql,
    place_snapshots,
    published_columns,
    write_database,
    write_snapshots,
)
from pipelines.snapshot import PREV as _PREV
from pipelines.status import due_days, register_calendar

__all__ = ["CANDIDATE", "HISTORY", "PUBLISHED_AS", "STORAGE_VERSION", "TABLES", "VIEWS", "published_columns"]
CHECKS_DIR = SQL_DIR.parent / "checks"
OBJECTS = ["place_match", "files_in_force", "person", "household_members", "household_housing", "household_relocation",
           "household_infrastructure", "household_industry", "household", "village", "metrics", "issues", "submissions"]
BLOCKING = ["e1", "e2", "e3", "e4", "e5"]
WARNING = ["e6"]
Gate = Callable[[duckdb.DuckDBPyConnection], Sequence[str]]


@dataclass(frozen=True)
class PublishResult:
    status: Literal["published", "unchanged", "blocked"]
    version_id: str
    blocking_rules: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    path: Path | None = None
    size_bytes: int = 0
    seconds: float = 0.0
    carried_forward: bool = False   # the file started as a copy of the previous one (pipelines.snapshot)
    kept: tuple[str, ...] = ()      # tables of that copy kept as they were (their candidates did not change)
    updated: tuple[str, ...] = ()   # tables of that copy updated by key (pipelines.snapshot.UPDATED)


def narrowed_builds(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The candidates the last build_candidate built for some keys only, and for how many."""
    return dict(con.execute(f"SELECT object, keys FROM {NARROWED_LOG} ORDER BY object").fetchall())


def ensure_place_table(con: duckdb.DuckDBPyConnection, home: Path) -> None:
    """`place` (the gazetteer) from reference/places.csv, unless the working database has it."""
    if table_exists(con, "place"):
        return
    csv = home / "reference" / "places.csv"
    if not csv.exists():
        raise UsageError(f"no place gazetteer at `{csv}` (columns county_code,county_name,township_code,"
                         "township_name,village_code,village_name)")
    run(con, "CREATE TABLE place AS SELECT county_code, county_name, township_code, township_name, "
                f"village_code, village_name FROM read_csv({lit(csv)}, header = true, all_varchar = true)")


def build_candidate(con: duckdb.DuckDBPyConnection, key: bytes, reuse: bool = True) -> list[str]:
    """Create the candidate tables `pub.*` in the working database (needs run_context and place).
    A candidate whose fingerprint (pipelines.fingerprints: its SQL and what it reads) is the one it
    was last built with is kept as it is (a corrected relocation file leaves `pub.person` alone),
    unless `reuse` is off (the nightly rebuild); pub.household is built again for the households
    whose per-household inputs changed when only they did (pipelines.keyed; `built_narrowed` says
    for how many). Returns the candidates kept."""
    if con.execute("SELECT count(*) FROM run_context").fetchall() != [(1,)]:
        raise UsageError("run_context must hold exactly one row (this run) before publishing")
    if not table_exists(con, "place"):
        raise UsageError("table `place` is missing: call pipelines.publish.ensure_place_table first")
    run(con, f"CREATE SCHEMA IF NOT EXISTS {CANDIDATE}")
    macros = macro_sql()
    for sql in macros:
        run(con, sql)
    run(con, f"CREATE TABLE IF NOT EXISTS {CANDIDATE}.built (object VARCHAR PRIMARY KEY, fingerprint VARCHAR)")
    schema, kept = load_schema(), []
    register_calendar(con, due_days())
    with frozen_in_force(con):
        prints = Fingerprints(con, "\0".join(macros), frozen_content(con))
        build_pseudonyms(con, key, prints, reuse)
        before = dict(con.execute(f"FROM {CANDIDATE}.built").fetchall()) if reuse else {}
        build, pending = KeyedBuild(con, before, reuse), Pending(con)
        for name in OBJECTS:
            body = read_sql(SQL_DIR / f"{name}.sql")
            if name in schema.tables:
                cols = ", ".join(f'CAST("{n}" AS {sql_type(c)}) AS "{n}"' for n, c in published_columns(schema, name))
                body = f"SELECT {cols} FROM (\n{body}\n) AS src"
            fingerprint = prints.of(f"{CANDIDATE}.{name}", body)
            parts = prints.parts.get(f"{CANDIDATE}.{name}") if fingerprint is not None else None
            pending.wait_for(parts)
            if fingerprint is not None and before.get(name) == fingerprint and table_exists(con, name, schema=CANDIDATE):
                kept.append(name)
                continue
            run(con, f"DELETE FROM {CANDIDATE}.built WHERE object = {lit(name)}")   # a crash here: built again
            record = None if fingerprint is None else \
                f"INSERT INTO {CANDIDATE}.built VALUES ({lit(name)}, {lit(fingerprint)})"
            pending.add(name, build.build(name, body, parts, beside=pending.may_go_beside(parts)), record)
        pending.wait_for(None)
    run(con, f"CREATE TABLE IF NOT EXISTS {CANDIDATE}.metrics_previous "
                "(version VARCHAR, level VARCHAR, code VARCHAR, metric VARCHAR, value DOUBLE)")
    return kept


def check_sql(rule: str) -> str:
    """The SQL of an E check (`e1`...`e6`): its bad rows, in the common finding columns."""
    return read_sql(CHECKS_DIR / f"{rule.lower()}.sql")


def failing_checks(con: duckdb.DuckDBPyConnection, rules: Sequence[str]) -> list[str]:
    """The rule ids (E1...) among `rules` whose check selects at least one row."""
    return [r.upper() for r in rules if con.execute(f"SELECT count(*) FROM ({check_sql(r)})").fetchall() != [(0,)]]


def sql_gate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A plain gate: the blocking E rules that fail (the flow wires the GX gate instead)."""
    return failing_checks(con, BLOCKING)


def published_path(home: Path) -> Path:
    return home / "warehouse" / "published.duckdb"


def publish_version(con: duckdb.DuckDBPyConnection, home: Path, version_id: str, gate: Gate,
                    reuse: bool = True) -> PublishResult:
    """Gate the candidates while the analysts' database is written aside (`_write_aside`), and swap it
    in if the gate lets it out (see module doc).
    With `reuse` off every table of the file is written anew, none kept from the previous file, even
    for the version the file already holds (its rows are replaced)."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", version_id):
        raise UsageError(f"version id `{version_id}` may hold only letters, digits, '.', '_' and '-'")
    started, target = time.perf_counter(), published_path(home)
    with attached(con, target, _PREV):  # no previous file: every _PREV table is absent
        previous = _current_version(con)
        if reuse and previous == version_id:
            return PublishResult("unchanged", version_id, path=target)
        _load_previous_metrics(con)
        tmp = target.with_name(f"{target.name}.{version_id}.tmp")
        same = _same_as_written(con, previous) if reuse else []
        versions = home / "warehouse" / "versions"
        staged = versions / f"{version_id}.tmp"
        for stale in versions.glob("*.tmp"):   # left by a crashed run
            shutil.rmtree(stale)
        written: list[tuple[bool, tuple[str, ...]]] = []
        write = partial(_write_aside, written, tmp, version_id, same, reuse,
                        partial(write_snapshots, staged=staged, tables=["versions"]))
        snapshots = partial(write_snapshots, staged=staged, tables=TABLES, source=CANDIDATE, stamp=version_id,
                            earlier=versions / previous if previous else None, same=same)
        # the file and the Parquet files of its tables are written aside while the gate decides
        # whether they go out: three threads, DuckDB's work in two of them (it releases the GIL)
        with beside(con, snapshots), beside(con, write):
            blocking = tuple(gate(con))
            warnings = () if blocking else tuple(failing_checks(con, WARNING))
        if blocking:
            tmp.unlink(missing_ok=True)
            shutil.rmtree(staged, ignore_errors=True)
            return PublishResult("blocked", version_id, blocking)
        forward, updated = written[0]
        place_snapshots(staged, versions / version_id)
    os.replace(tmp, target)
    fsync(target.parent)
    _record_written(con, version_id)
    return PublishResult("published", version_id, (), warnings, target, target.stat().st_size,
                         round(time.perf_counter() - started, 3), forward, tuple(same) if forward else (), updated)


def _write_aside(written: list[tuple[bool, tuple[str, ...]]], tmp: Path, version_id: str, same: list[str],
                 reuse: bool, snapshots: Callable[[duckdb.DuckDBPyConnection], None],
                 cursor: duckdb.DuckDBPyConnection) -> None:
    """write_database on a cursor of its own, in a thread beside the gate (duck.beside): the file
    is DuckDB's work, which releases the GIL, and the gate is GX's Python as much as DuckDB's (city
    republish: gate 0.6 s, file 1.3 s with its Parquet files, one after the other before). The
    Parquet files of the published tables are written from the candidates, which hold the file's
    rows, in a thread of their own (household.parquet alone: 0.5 s); `versions`, whose earlier rows
    only the file holds, beside the file's last checkpoint. A blocked gate discards the file and the
    staged Parquet files: a blocked version costs files written in vain, not a wait."""
    written.append(write_database(cursor, tmp, version_id, same, update=reuse, beside=snapshots))


def _same_as_written(con: duckdb.DuckDBPyConnection, previous: str | None) -> list[str]:
    """The published tables whose candidates hold what the previous file (version `previous`) holds:
    built with the fingerprints they had when that file was written (`pub.written`). Not the tables
    whose rows carry the version (VERSIONED)."""
    if previous is None or not table_exists(con, "written", schema=CANDIDATE):
        return []
    rows = con.execute(f"SELECT object FROM {CANDIDATE}.written JOIN {CANDIDATE}.built USING (object, fingerprint) "
                       "WHERE version = ? ORDER BY object", [previous]).fetchall()
    return [t for (t,) in rows if t in TABLES and t not in VERSIONED]


def _record_written(con: duckdb.DuckDBPyConnection, version_id: str) -> None:
    """After the swap: the fingerprints of the candidates the file of `version_id` was written from
    (a crash before this only costs the next publication a full write)."""
    run(con, f"CREATE TABLE IF NOT EXISTS {CANDIDATE}.written (object VARCHAR, fingerprint VARCHAR, version VARCHAR)")
    run(con, f"DELETE FROM {CANDIDATE}.written")
    run(con, f"INSERT INTO {CANDIDATE}.written SELECT object, fingerprint, {lit(version_id)} FROM {CANDIDATE}.built")


def _load_previous_metrics(con: duckdb.DuckDBPyConnection) -> None:
    """pub.metrics_previous (for E6): the metrics of the published version attached as _PREV."""
    run(con, f"DELETE FROM {CANDIDATE}.metrics_previous")
    if table_exists(con, "metrics", _PREV):
        run(con, f"INSERT INTO {CANDIDATE}.metrics_previous BY NAME "
                    f"SELECT version, level, code, metric, value FROM {_PREV}.main.metrics")


def _current_version(con: duckdb.DuckDBPyConnection) -> str | None:
    if not table_exists(con, "versions", _PREV):
        return None
    rows = con.execute(f"SELECT version FROM {_PREV}.main.versions ORDER BY published_at DESC LIMIT 1").fetchall()
    return str(rows[0][0]) if rows else None


def analyst_engine(path: Path) -> sa.Engine:
    """A read-only SQLAlchemy engine (duckdb-engine) on the analysts' database; no pooling, so
    every connection opens the file anew and sees the version published last."""
    return sa.create_engine(f"duckdb:///{path}", connect_args={"read_only": True}, poolclass=NullPool)
