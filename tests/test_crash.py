"""Crash safety and one writer at a time, with real `onetable run` subprocesses on a tiny world.

A chain of runs is SIGKILLed at seven points, each run resuming what the killed one left:
mid-intake, between recording a quarantine and moving the file, after landing k files,
inside a file's normalize transaction (hooks: `ONETABLE_CRASH_AT=<stage>:<n>`), and, watched from
outside, mid-validate, mid-publish before the swap and after the swap before feedback is done.
The last run must publish exactly what one uninterrupted run of the same inbox publishes.
The subprocesses share one Prefect API server (started here) so each run skips Prefect's start-up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from test_bad_inputs import tiny_world

from pipelines.pseudonyms import load_pseudonym_key
from pipelines.store import connect_working

ROOT = Path(__file__).resolve().parent.parent
KEEP = ("registry", "health", "social_security")
IGNORED = {"published_at", "run_id"}   # when and by which run, not what
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Subprocess environment pointing at one Prefect API server for the module."""
    saved = dict(os.environ)
    from pipelines.orchestrate import configure_prefect

    configure_prefect(tmp_path_factory.mktemp("prefect"))
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    child = {**os.environ, "PREFECT_API_URL": server.api_url}
    os.environ.clear()
    os.environ.update(saved)
    return child


def onetable(env: dict[str, str], home: Path, crash: str | None = None) -> subprocess.Popen[str]:
    extra = {"ONETABLE_CRASH_AT": crash} if crash else {}
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--home", str(home), "--json"],
                            cwd=ROOT, env={**env, **extra}, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, out + err
    return out


def kill_when(proc: subprocess.Popen[str], reached: Callable[[], bool]) -> None:
    """SIGKILL the run as soon as `reached()` holds; the point must be reached before the run ends."""
    while proc.poll() is None:
        if reached():
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL, "the run ended before the kill point was reached"


def published(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True)
    try:
        tables = {}
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            cols = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                              "ORDER BY column_index", [name]).fetchall() if c not in IGNORED]
            rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}"').fetchall()
            tables[name] = sorted(rows, key=repr)
        return tables
    finally:
        con.close()


def ledger(home: Path) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"), read_only=True)
    try:
        return con.execute("""SELECT path, status, rule, reason, month, scope, load_id, rows_read, rows_accepted,
                              rows_warned, rows_rejected, (SELECT count(*) FROM landed_row r WHERE r.load_id = l.load_id)
                              FROM ledger l ORDER BY path""").fetchall()
    finally:
        con.close()


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def runs(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("crash")
    world = tiny_world(base / "once", keep=KEEP)
    con = connect_working(base / "once" / "warehouse" / "onetable.duckdb")
    load_pseudonym_key(con)   # one key for the three copies (it lives in the working database): pseudonyms compare equal
    con.close()
    for name in ("chain", "twice"):
        shutil.copytree(base / "once", base / name, symlinks=True)
    once = finish(onetable(env, base / "once"))
    return {"base": base, "world": world, "once": once}


def _gx_files(home: Path) -> set[Path]:
    return set((home / "state" / "gx").rglob("*.json")) if (home / "state" / "gx").exists() else set()


def test_killed_at_seven_points_a_rerun_publishes_what_one_run_publishes(env, runs):
    home = runs["base"] / "chain"
    warehouse = home / "warehouse"
    for point in ("intake:3", "land:2", "quarantine:1", "normalize:2"):
        proc = onetable(env, home, crash=point)
        proc.communicate(timeout=600)
        assert proc.returncode == -signal.SIGKILL, f"{point} was never reached"
        assert not (warehouse / "published.duckdb").exists()
    seen = _gx_files(home)
    kill_when(onetable(env, home), lambda: bool(_gx_files(home) - seen))                        # mid-validate
    kill_when(onetable(env, home), lambda: any(warehouse.glob("published.duckdb.*.tmp")))      # before the swap
    assert not (warehouse / "published.duckdb").exists()
    kill_when(onetable(env, home), lambda: (warehouse / "published.duckdb").exists())          # after the swap
    finish(onetable(env, home))
    once = runs["base"] / "once"
    assert ledger(home) == ledger(once)                      # every file judged alike, no row lost or doubled
    assert published(home) == published(once)               # every table, row for row
    assert files(home / "quarantine") == files(once / "quarantine")   # every quarantine move finished
    assert files(home / "inbox") == files(once / "inbox")
    assert files(home / "outbox") == files(once / "outbox")
    lost = sum(n for *_rest, n in ledger(once)) - sum(n for *_rest, n in ledger(home))
    assert lost == 0


def test_two_concurrent_runs_publish_what_one_run_publishes(env, runs):
    home = runs["base"] / "twice"
    first, second = onetable(env, home), onetable(env, home)
    outs = [finish(first), finish(second)]
    once = runs["base"] / "once"
    assert published(home) == published(once)
    assert ledger(home) == ledger(once)
    assert sorted('"status": "unchanged"' in out for out in outs) == [False, True]   # the second waited
