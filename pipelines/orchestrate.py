"""Prefect set-up for an embedded run: its home inside the workspace, no outside host.

Prefect's first flow in a process starts a local ephemeral server (≈ 6.5 s; ≈ 20 s more in a new
home, whose database Prefect migrates step by step: a new home is seeded instead). With analytics on
it looks up an outside host and logs an error, so analytics are off (DO_NOT_TRACK too), its
home lives in the workspace, and slow CI machines get a longer start-up timeout. These must be
set before prefect is imported.
"""

from __future__ import annotations

import gc
import inspect
import logging
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

PREFECT_SCHEMA = Path(__file__).with_name("prefect_schema.sql")
_HEADER = "-- Prefect {version}: its database schema as its migrations leave it (pipelines.orchestrate)\n"


def configure_prefect(state_dir: Path, quiet: bool = True) -> None:
    home = state_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    seed_prefect_database(Path(os.environ["PREFECT_HOME"]))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    if quiet:
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


def end_runs_without_heartbeat_wait() -> None:
    """Let a sync flow run end without waiting for its heartbeat thread. Prefect 3.9.1 emits a flow
    run heartbeat every 180 s (`PREFECT_FLOWS_HEARTBEAT_FREQUENCY`; they feed zombie-flow
    automations, and stay on) from a thread that sleeps one second at a time, and its sync engine
    joins that thread when the run ends: every run ended on the next whole second of its duration
    (a 0.1 s flow took 1.1 s; a served poll, on average 0.5 s more). Its async engine does not
    join (`join_on_exit=False`): the thread stops at its next tick, and emits nothing once the run
    is final. The sync engine is made to do the same. Idempotent; on a Prefect whose
    `_send_heartbeats` takes no `join_on_exit`, an error (tests/test_orchestrate.py pins 3.9.1's)."""
    from prefect import flow_engine

    current = flow_engine._send_heartbeats
    if getattr(current, "onetable_unjoined", False):
        return
    if "join_on_exit" not in inspect.signature(current).parameters:
        raise RuntimeError(f"prefect {version('prefect')}: `prefect.flow_engine._send_heartbeats` takes no "
                           "`join_on_exit`; review pipelines.orchestrate.end_runs_without_heartbeat_wait")

    @contextmanager
    def unjoined(engine: Any, join_on_exit: bool = True) -> Iterator[None]:
        with current(engine, join_on_exit=False):
            yield

    unjoined.onetable_unjoined = True   # type: ignore[attr-defined]
    flow_engine._send_heartbeats = unjoined


def seed_prefect_database(prefect_home: Path) -> bool:
    """Create a new Prefect home's database from `prefect_schema.sql` (the schema Prefect's own
    migrations build, at their head revision) instead of letting the ephemeral server run its
    migrations one by one: 12.6 s of a fresh workspace's first run, here. Only for the installed
    Prefect version the file was made with, and only for the default SQLite database of an
    ephemeral server; otherwise Prefect migrates as usual. Returns whether it seeded."""
    database = prefect_home / "prefect.db"
    own_server = not any(os.environ.get(k) for k in ("PREFECT_API_URL", "PREFECT_API_DATABASE_CONNECTION_URL",
                                                       "PREFECT_SERVER_DATABASE_CONNECTION_URL"))
    if database.exists() or not own_server:   # every later run: no need to read the seed
        return False
    text = PREFECT_SCHEMA.read_text(encoding="utf-8")
    if not text.startswith(_HEADER.format(version=version("prefect"))):
        return False
    prefect_home.mkdir(parents=True, exist_ok=True)
    tmp = database.with_name(f"prefect.db.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)   # left by a killed seeding of a process with this pid
    with sqlite3.connect(tmp) as con:
        con.executescript(text)
    con.close()
    os.replace(tmp, database)   # whole or not at all: a killed seeding leaves no half database
    return True


def migrate_prefect_database(prefect_home: Path) -> Path:
    """Prefect's own migrations on a new database in `prefect_home` (a subprocess: Prefect reads its
    home when imported); returns the database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(prefect_home), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    subprocess.run([sys.executable, "-c", "import asyncio; from prefect.server.database import "
                    "provide_database_interface as db; asyncio.run(db().create_db())"],
                   env=env, check=True, capture_output=True)
    return prefect_home / "prefect.db"


def render_prefect_schema() -> str:
    """`prefect_schema.sql` as the installed Prefect makes it: its migrations, dumped."""
    with tempfile.TemporaryDirectory() as scratch:
        con = sqlite3.connect(migrate_prefect_database(Path(scratch)))
        try:
            return _HEADER.format(version=version("prefect")) + "\n".join(con.iterdump()) + "\n"
        finally:
            con.close()


def schema_facts(con: sqlite3.Connection) -> dict[str, Any]:
    """A SQLite schema as comparable facts: per table its columns, foreign keys and indexes (the
    migrations write constraints and indexes in a different order from one run to the next)."""
    facts: dict[str, Any] = {}
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
        indexes = {row[1]: (row[2], tuple(c[2] for c in con.execute(f'PRAGMA index_info("{row[1]}")')))
                   for row in con.execute(f'PRAGMA index_list("{table}")')}
        facts[table] = {"columns": con.execute(f'PRAGMA table_info("{table}")').fetchall(),
                        "foreign_keys": sorted(r[2:] for r in con.execute(f'PRAGMA foreign_key_list("{table}")')),
                        "indexes": indexes}
    facts["alembic_version"]["rows"] = con.execute("SELECT * FROM alembic_version").fetchall()
    return facts


def write_prefect_schema() -> Path:
    """Regenerate `prefect_schema.sql` (after upgrading Prefect)."""
    PREFECT_SCHEMA.write_text(render_prefect_schema(), encoding="utf-8")
    return PREFECT_SCHEMA


def dask_runner(workers: int = 0, address: str | None = None) -> Any:
    """Prefect's DaskTaskRunner on a Dask cluster at `address`, or on a local cluster of `workers`
    processes (one thread each: parsing holds the GIL)."""
    from prefect_dask import DaskTaskRunner

    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")   # workers inherit it: no INFO chatter
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": ":0"})   # any free port


def share_api_with_workers() -> None:
    """Dask workers are new processes: not knowing this process's ephemeral Prefect server, each
    would start its own (seconds each, and its task runs would land in another database). They
    inherit the environment, so the server's address goes there before the cluster starts."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        os.environ.setdefault("PREFECT_API_URL", PREFECT_API_URL.value())
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if server.server_process is not None:
        os.environ["PREFECT_API_URL"] = server.api_url


def describe_process() -> str:
    """How this run's process began, for the run summary (call it before the run imports GX)."""
    kind = type(multiprocessing.current_process()).__name__
    began = {"ForkServerProcess": "forked from the warm forkserver of `onetable serve`",
             "SpawnProcess": "a new interpreter"}.get(kind, "the caller's process")
    loaded = "great_expectations" in sys.modules
    count = gc.get_freeze_count()  # walks the permanent generation: 25 ms for a served process's 356,000
    frozen = f"; {count:,} objects of its imports frozen" if count else ""
    return f"{began}; Great Expectations {'already' if loaded else 'not yet'} imported{frozen}"


def freeze_imports() -> None:
    """Move every object alive now (what the imports made) to the collector's permanent generation:
    no collection of this process, or of a process forked from it, goes over them again. Importing
    Prefect and GX leaves about 350,000 objects, which took 1.5-2.4 s per full collection here. In
    a warm city republish the full collections Prefect's engine made before and after the flow took
    4.5 s; served, the republish's overhead outside the stages went from 24.4 to 4.5 s."""
    gc.freeze()


@contextmanager
def count_collections() -> Iterator[dict[str, Any]]:
    """Count the cyclic garbage collector's work during a run: yields its tally (the threshold,
    collections and seconds per generation), filled in as the run goes, for the run's result.

    Python's default threshold (700, 10, 10) stays. A run at (100000, 50, 10) had its city stages
    take 159 s instead of 242 s in one warm process, but a province run then peaked at 7,665 MiB
    against 5,297 before: garbage in cycles waited for a collection that seldom came (which
    objects held the memory was not measured). freeze_imports takes the imports out of every
    collection instead."""
    tally: dict[str, Any] = {"threshold": list(gc.get_threshold()), "collections": [0, 0, 0], "seconds": [0.0, 0.0, 0.0]}
    began = [0.0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
            return
        tally["collections"][info["generation"]] += 1
        tally["seconds"][info["generation"]] += time.perf_counter() - began[0]

    gc.callbacks.append(count)
    try:
        yield tally
    finally:
        gc.callbacks.remove(count)
        tally["seconds"] = [round(s, 2) for s in tally["seconds"]]


class Timings:
    """Wall time per stage, in seconds, and the process's peak RSS (MB) at each stage's end, for the
    run summary and the benchmarks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        import resource
        import time

        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start
            self.peak_mb[stage] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
