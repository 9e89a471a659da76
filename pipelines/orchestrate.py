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
