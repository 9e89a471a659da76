"""Publish: candidate tables in the working database, the E gate, the analysts' database swapped in.

Candidates: schema `pub` of the working database (pub.household, person, village, metrics, issues from
warehouse/published/<object>.sql, typed by schemas/published.yaml; helpers pub.place_match,
pub.files_in_force, pub.pseudonym (never published), pub.metrics_previous for E6); E checks:
warehouse/checks/e1..e6.sql. The analysts' file is written aside (storage v1.4.0) with Parquet
snapshots, then os.replace()d over warehouse/published.duckdb: open readers keep the old file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.errors import OnetableError, UsageError
from pipelines.idnumbers import mask_id, mask_phone
from pipelines.schema import ROOT, Column, Schema, comment_text, load_schema, sql_type
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES

SQL_DIR = ROOT / "warehouse" / "published"
CHECKS_DIR = ROOT / "warehouse" / "checks"
CANDIDATE = "pub"
MACROS = ["place_key", "mask_text", "sources"]
OBJECTS = ["place_match", "files_in_force", "person", "household", "village", "metrics", "issues"]
TABLES = ["household", "person", "village", "metrics", "issues"]
HISTORY = {"household_history": "household", "metrics_history": "metrics"}
# schema column -> published name, where the name is taken with another meaning in schemas/
PUBLISHED_AS = {"metrics": {"place_name": "name", "metric_value": "value"}, "issues": {"column_name": "column"}}
BLOCKING = ["e1", "e2", "e3", "e4", "e5"]
WARNING = ["e6"]
STORAGE_VERSION = "v1.4.0"
_LETTERS = str.maketrans("0123456789abcdef", "ABCDEFGHIJKLMNOP")
_NEW, _PREV = "onetable_new", "onetable_prev"
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


def load_pseudonym_key(home: Path) -> bytes:
    """The key of the pseudonyms, `state/pseudonym.key`, created once (32 random bytes)."""
    path = home / "state" / "pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"pseudonym.key.{os.getpid()}.tmp")
        tmp.write_bytes(secrets.token_bytes(32))
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic create-once: a concurrent first run keeps the winner's key
        tmp.unlink()
    key = path.read_bytes()
    if len(key) < 16:
        raise OnetableError(f"the pseudonym key `{path}` is too short ({len(key)} bytes); restore it from backup")
    return key


def pseudonym(key: bytes, kind: str, raw: str) -> str:
    """HMAC-SHA256 of `<kind>:<value>` (a phone by its digits), 24 letters A-P: no digit at all."""
    value = "".join(ch for ch in raw if ch.isdigit()) if kind == "phone" else raw.strip().upper()
    digest = hmac.new(key, f"{kind}:{value or raw}".encode(), hashlib.sha256).hexdigest()
    return digest[:24].translate(_LETTERS)


def ensure_place_table(con: duckdb.DuckDBPyConnection, home: Path) -> None:
    """`place` (the gazetteer) from reference/places.csv, unless the working database has it."""
    if _exists(con, "place"):
        return
    csv = home / "reference" / "places.csv"
    if not csv.exists():
        raise UsageError(f"no place gazetteer at `{csv}` (columns county_code,county_name,township_code,"
                         "township_name,village_code,village_name)")
    _do(con, "CREATE TABLE place AS SELECT county_code, county_name, township_code, township_name, "
                f"village_code, village_name FROM read_csv({_lit(csv)}, header = true, all_varchar = true)")


def published_columns(schema: Schema, table: str) -> list[tuple[str, Column]]:
    """(published name, schema column) of a published table, in order."""
    renames = PUBLISHED_AS.get(table, {})
    return [(renames.get(c, c), schema.columns[c]) for c in schema.table_columns(table)]


def build_candidate(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Create the candidate tables `pub.*` in the working database (needs run_context and place)."""
    if con.execute("SELECT count(*) FROM run_context").fetchall() != [(1,)]:
        raise UsageError("run_context must hold exactly one row (this run) before publishing")
    if not _exists(con, "place"):
        raise UsageError("table `place` is missing: call pipelines.publish.ensure_place_table first")
    _do(con, f"CREATE SCHEMA IF NOT EXISTS {CANDIDATE}")
    for name in MACROS:
        _do(con, _read_sql(SQL_DIR / f"{name}.sql"))
    schema = load_schema()
    with _frozen_in_force(con):
        _build_pseudonyms(con, key)
        for name in OBJECTS:
            body = _read_sql(SQL_DIR / f"{name}.sql")
            if name in schema.tables:
                cols = ", ".join(f'CAST("{n}" AS {sql_type(c)}) AS "{n}"' for n, c in published_columns(schema, name))
                body = f"SELECT {cols} FROM (\n{body}\n) AS src"
            _do(con, f"CREATE OR REPLACE TABLE {CANDIDATE}.{name} AS {body}")
    _do(con, f"CREATE TABLE IF NOT EXISTS {CANDIDATE}.metrics_previous "
                "(version VARCHAR, level VARCHAR, code VARCHAR, metric VARCHAR, value DOUBLE)")


@contextlib.contextmanager
def _frozen_in_force(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The rows in force, frozen for the build: TEMP tables `cur_<table>` shadow the views (one
    evaluation each, and true row counts for the join planner); dropped afterwards."""
    for table in REGISTRY_TABLES + SECTOR_TABLES:
        _do(con, f"CREATE OR REPLACE TEMP TABLE cur_{table} AS SELECT * FROM main.cur_{table}")
    try:
        yield
    finally:
        for table in REGISTRY_TABLES + SECTOR_TABLES:
            _do(con, f"DROP TABLE IF EXISTS temp.main.cur_{table}")


def _build_pseudonyms(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    rows = con.execute("""
        SELECT 'id', id_number FROM cur_registry_person WHERE id_number IS NOT NULL
        UNION SELECT 'id', head_id_number FROM cur_registry_household WHERE head_id_number IS NOT NULL
        UNION SELECT 'phone', phone FROM cur_registry_household WHERE phone IS NOT NULL""").fetchall()
    table = pa.table({
        "kind": pa.array([k for k, _ in rows], pa.string()),
        "raw": pa.array([r for _, r in rows], pa.string()),
        "masked": pa.array([mask_id(r) if k == "id" else mask_phone(r) for k, r in rows], pa.string()),
        "pseudonym": pa.array([pseudonym(key, k, r) for k, r in rows], pa.string())})
    con.register("onetable_pseudonyms", table)
    try:
        _do(con, f"CREATE OR REPLACE TABLE {CANDIDATE}.pseudonym AS SELECT * FROM onetable_pseudonyms")
    finally:
        con.unregister("onetable_pseudonyms")


def check_sql(rule: str) -> str:
    """The SQL of an E check (`e1`...`e6`): its bad rows, in the common finding columns."""
    return _read_sql(CHECKS_DIR / f"{rule.lower()}.sql")


def failing_checks(con: duckdb.DuckDBPyConnection, rules: Sequence[str]) -> list[str]:
    """The rule ids (E1...) among `rules` whose check selects at least one row."""
    return [r.upper() for r in rules if con.execute(f"SELECT count(*) FROM ({check_sql(r)})").fetchall() != [(0,)]]


def sql_gate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A plain gate: the blocking E rules that fail (the flow wires the GX gate instead)."""
    return failing_checks(con, BLOCKING)


def published_path(home: Path) -> Path:
    return home / "warehouse" / "published.duckdb"


def publish_version(con: duckdb.DuckDBPyConnection, home: Path, version_id: str, gate: Gate) -> PublishResult:
    """Gate the candidates, then write the analysts' database aside and swap it in (see module doc)."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", version_id):
        raise UsageError(f"version id `{version_id}` may hold only letters, digits, '.', '_' and '-'")
    started, target = time.perf_counter(), published_path(home)
    with _attached(con, target, _PREV):  # no previous file: every _PREV table is absent
        if _current_version(con) == version_id:
            return PublishResult("unchanged", version_id, path=target)
        _load_previous_metrics(con)
        blocking = tuple(gate(con))
        if blocking:
            return PublishResult("blocked", version_id, blocking)
        warnings = tuple(failing_checks(con, WARNING))
        tmp = target.with_name(f"{target.name}.{version_id}.tmp")
        _write_database(con, tmp, version_id)
        _write_snapshots(con, tmp, home / "warehouse" / "versions" / version_id)
    os.replace(tmp, target)
    _fsync(target.parent)
    return PublishResult("published", version_id, (), warnings, target, target.stat().st_size,
                         round(time.perf_counter() - started, 3))


def _load_previous_metrics(con: duckdb.DuckDBPyConnection) -> None:
    """pub.metrics_previous (for E6): the metrics of the published version attached as _PREV."""
    _do(con, f"DELETE FROM {CANDIDATE}.metrics_previous")
    if _exists(con, "metrics", _PREV):
        _do(con, f"INSERT INTO {CANDIDATE}.metrics_previous BY NAME "
                    f"SELECT version, level, code, metric, value FROM {_PREV}.main.metrics")


def _current_version(con: duckdb.DuckDBPyConnection) -> str | None:
    if not _exists(con, "versions", _PREV):
        return None
    rows = con.execute(f"SELECT version FROM {_PREV}.main.versions ORDER BY published_at DESC LIMIT 1").fetchall()
    return str(rows[0][0]) if rows else None


def _write_database(con: duckdb.DuckDBPyConnection, tmp: Path, version_id: str) -> None:
    tmp.parent.mkdir(parents=True, exist_ok=True)
    for stale in tmp.parent.glob("published.duckdb.*.tmp*"):  # left by a crashed run
        stale.unlink()
    schema = load_schema()
    _do(con, f"ATTACH {_lit(tmp)} AS {_NEW} (STORAGE_VERSION '{STORAGE_VERSION}')")
    try:
        for table in TABLES:
            stamp = f" REPLACE ({_lit(version_id)} AS version)" if table == "metrics" else ""
            _do(con, f"CREATE TABLE {_NEW}.main.{table} AS SELECT *{stamp} FROM {CANDIDATE}.{table}")
        _write_versions(con, schema, version_id)
        for history, base in HISTORY.items():
            _write_history(con, history, base, version_id)
        _write_comments(con, schema)
        _do(con, f"CHECKPOINT {_NEW}")
    finally:
        _do(con, f"DETACH {_NEW}")
    _fsync(tmp)


def _write_versions(con: duckdb.DuckDBPyConnection, schema: Schema, version_id: str) -> None:
    cols = ", ".join(f'"{n}" {sql_type(c)}' for n, c in published_columns(schema, "versions"))
    _do(con, f"CREATE TABLE {_NEW}.main.versions ({cols})")
    _carry_over(con, "versions", version_id)
    summary = dict(con.execute(f"SELECT rule, count(*) FROM {CANDIDATE}.issues GROUP BY rule ORDER BY rule").fetchall())
    params = {"version": version_id, "published_at": datetime.now(UTC).replace(tzinfo=None),
              "rule_summary": json.dumps(summary, ensure_ascii=False)}
    _do(con, f"INSERT INTO {_NEW}.main.versions BY NAME {_read_sql(SQL_DIR / 'versions.sql')}", params)


def _write_history(con: duckdb.DuckDBPyConnection, history: str, base: str, version_id: str) -> None:
    select = f"SELECT * FROM {_NEW}.main.{base}" if base == "metrics" else \
        f"SELECT {_lit(version_id)} AS version, * FROM {_NEW}.main.{base}"
    _do(con, f"CREATE TABLE {_NEW}.main.{history} AS {select}")
    _carry_over(con, history, version_id)


def _carry_over(con: duckdb.DuckDBPyConnection, table: str, version_id: str) -> None:
    """Rows of earlier versions from the previous published file (columns both files have)."""
    if not _exists(con, table, _PREV):
        return
    old, new = (_column_names(con, db, table) for db in (_PREV, _NEW))
    common = ", ".join(f'"{c}"' for c in old if c in new)
    _do(con, f"INSERT INTO {_NEW}.main.{table} BY NAME SELECT {common} FROM {_PREV}.main.{table} "
                f"WHERE version IS DISTINCT FROM {_lit(version_id)}")


def _write_comments(con: duckdb.DuckDBPyConnection, schema: Schema) -> None:
    """COMMENT ON every table and column: Chinese label, unit and English meaning from schemas/."""
    version_col = comment_text(schema.columns["version"])
    for table in [*TABLES, "versions", *HISTORY]:
        base = HISTORY.get(table, table)
        text = schema.tables[base].description + ("；历次发布版本（history of every version）" if table in HISTORY else "")
        _do(con, f"COMMENT ON TABLE {_NEW}.main.{table} IS {_lit(text)}")
        columns = [(n, comment_text(c)) for n, c in published_columns(schema, base)]
        if table in HISTORY and "version" not in dict(columns):
            columns.insert(0, ("version", version_col))
        for name, comment in columns:
            _do(con, f'COMMENT ON COLUMN {_NEW}.main.{table}."{name}" IS {_lit(comment)}')


def _write_snapshots(con: duckdb.DuckDBPyConnection, database: Path, folder: Path) -> None:
    """Parquet per published table of the version, written aside then renamed into place."""
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with _attached(con, database, _NEW):
        for table in [*TABLES, "versions"]:
            _do(con, f"COPY (SELECT * FROM {_NEW}.main.{table}) TO {_lit(tmp / f'{table}.parquet')} "
                        "(FORMAT parquet)")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def analyst_engine(path: Path) -> sa.Engine:
    """A read-only SQLAlchemy engine (duckdb-engine) on the analysts' database; no pooling, so
    every connection opens the file anew and sees the version published last."""
    return sa.create_engine(f"duckdb:///{path}", connect_args={"read_only": True}, poolclass=NullPool)


@contextlib.contextmanager
def _attached(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> Iterator[None]:
    """ATTACH `path` read-only as `alias` for the block, when the file exists."""
    present = path.exists()
    if present:
        _do(con, f"ATTACH {_lit(path)} AS {alias} (READ_ONLY)")
    try:
        yield
    finally:
        if present:
            _do(con, f"DETACH {alias}")


def _exists(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ? "
                       "AND database_name = coalesce(?, current_database())", [table, database]).fetchall() != [(0,)]


def _column_names(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = ? ORDER BY column_index", [database, table]).fetchall()]


def _do(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> None:
    """Run a statement and consume its result: DuckDB 2 refuses new work (`con.sql`, as in the GX
    gate) while a result of `execute` is pending."""
    con.execute(sql, params).fetchall()


def _read_sql(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def _lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
