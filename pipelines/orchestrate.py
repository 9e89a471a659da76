"""Prefect set-up for an embedded run: its home inside the workspace, no outside host.

Prefect's first flow in a process starts a local ephemeral server (≈ 6.5 s). With analytics on
it looks up an outside host and logs an error, so analytics are off (DO_NOT_TRACK too), its
home lives in the workspace, and slow CI machines get a longer start-up timeout. These must be
set before prefect is imported.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any


def configure_prefect(state_dir: Path, quiet: bool = True) -> None:
    home = state_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    if quiet:
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


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
