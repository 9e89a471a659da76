"""Shared test helpers."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def run_in_process(home: Path, month: str | None = None, workers: int = 0, recompute: bool = False) -> dict[str, Any]:
    """The real flow (Prefect, DuckDB, GX) in the test process, as `onetable run --json` reports it.

    Every module's runs share the process's one ephemeral Prefect server, so a run costs the flow,
    not Prefect's start-up; tests/test_flow.py runs the `onetable` command itself in a subprocess."""
    saved = dict(os.environ)
    from pipelines.orchestrate import configure_prefect

    configure_prefect(home.parent / "prefect-state")
    try:
        from flows import flow_for

        return json.loads(json.dumps(flow_for(workers)(str(home), month, parallel=bool(workers), recompute=recompute),
                                     default=str))
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def run_flow_here() -> Callable[..., dict[str, Any]]:
    return run_in_process
