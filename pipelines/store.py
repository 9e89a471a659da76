"""The working database: connection, DDL from schemas/, current-row views."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.schema import ROOT, Schema, load_schema, render_ddl

SECTOR_TABLES = ["industry", "employment", "relocation", "ecology", "education", "health",
                 "social_security", "housing", "infra_village", "infra_household", "screening"]
REGISTRY_TABLES = ["registry_household", "registry_person"]
PIPELINE_TABLES = ["ledger", "ledger_event", "intake_observation", "intake_run", "landed_sheet", "landed_row", "link",
                   "finding", "run_context", "issue_history", "pseudonym_key", "feedback_file"]


def norm_table(table: str) -> str:
    return f"norm_{table}"


def schema_fingerprint() -> str:
    """What the working tables were created from: changes when schemas/ or the views change."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for p in sorted((ROOT / "schemas").glob("*.yaml")):
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def connect_working(path: Path, memory_limit: str | None = None, threads: int | None = None,
                    checkpoint_threshold: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the working database; create its tables the first time (DDL with comments is slow).
    `memory_limit`, `threads` and `checkpoint_threshold` are DuckDB's (onetable.yaml `warehouse:`);
    None keeps DuckDB's default."""
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = {"memory_limit": memory_limit, "threads": threads, "checkpoint_threshold": checkpoint_threshold}
    config: dict[str, str | bool | int | float | list[str]] = {k: v for k, v in settings.items() if v}
    con = duckdb.connect(str(path), config=config)
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (fingerprint VARCHAR)")
    if con.execute("SELECT fingerprint FROM schema_version").fetchall() != [(schema_fingerprint(),)]:
        create_working_tables(con)
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version VALUES (?)", [schema_fingerprint()])
    return con


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, during: str, after: str) -> Iterator[None]:
    """DuckDB's memory limit `during` a block, `after` it: lowering it evicts cached pages (and
    spills) down to the new limit, for a stage whose Python side needs the memory."""
    con.execute(f"SET memory_limit = '{during}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{after}'")


def create_working_tables(con: duckdb.DuckDBPyConnection, schema: Schema | None = None) -> None:
    """Create every pipeline and normalized table (idempotent)."""
    schema = schema or load_schema()
    for table in PIPELINE_TABLES:
        con.execute(render_ddl(schema, table))
    for table in REGISTRY_TABLES + SECTOR_TABLES:
        con.execute(render_ddl(schema, table).replace(f"TABLE IF NOT EXISTS {table} ",
                                                       f"TABLE IF NOT EXISTS {norm_table(table)} ")
                    .replace(f" ON TABLE {table} ", f" ON TABLE {norm_table(table)} ")
                    .replace(f" ON COLUMN {table}.", f" ON COLUMN {norm_table(table)}."))
    create_current_views(con)


def create_current_views(con: duckdb.DuckDBPyConnection) -> None:
    """`loads_in_force`: the loads whose rows are in force, and `cur_<table>`: their rows, not rejected.

    A file in force is an accepted file of its sender's latest month (up to the run's reporting
    month) for its scope; superseded, duplicate and quarantined files are never in force. The
    stages read these rows frozen (pipelines.inforce keeps a copy in step with `loads_in_force`).
    """
    con.execute("""
        CREATE OR REPLACE VIEW loads_in_force AS
        SELECT DISTINCT l.file_hash, l.load_id FROM ledger l
        WHERE l.status IN ('accepted', 'partly_accepted')
          AND l.month = (
            SELECT max(l2.month) FROM ledger l2
            WHERE l2.office = l.office AND l2.scope = l.scope
              AND l2.status IN ('accepted', 'partly_accepted')
              AND l2.month <= coalesce((SELECT max(reporting_month) FROM run_context), l2.month))
    """)
    for table in REGISTRY_TABLES + SECTOR_TABLES:
        con.execute(f"""
            CREATE OR REPLACE VIEW cur_{table} AS
            SELECT n.* FROM {norm_table(table)} n
            JOIN loads_in_force l ON l.file_hash = n.file_hash AND l.load_id = n.load_id
            WHERE n.outcome <> 'rejected'
        """)
