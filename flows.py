"""Prefect flows: wire the stages of pipelines/ into runs. No logic lives here.

I/O tasks (taking files in, reading them, writing feedback) retry; transformations do not.
Every task reopens the working database, so a task retried or resumed after a crash starts clean.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipelines import feedback, steps
from pipelines.workspace import Workspace, open_workspace, writer_lock

IO = {"retries": 2, "retry_delay_seconds": 1, "cache_policy": NO_CACHE}
PURE = {"cache_policy": NO_CACHE}

take_in = task(name="intake", **IO)(steps.take_in)
land_one = task(name="land", **IO)(steps.land_one)
settle = task(name="settle", **PURE)(steps.settle)
normalize_one = task(name="normalize", **PURE)(steps.normalize_one)
link_and_context = task(name="link", **PURE)(steps.link_and_context)
validate = task(name="validate", **PURE)(steps.validate)
publish = task(name="publish", **PURE)(steps.publish)
write_feedback = task(name="feedback", **IO)(feedback.write_feedback)


@flow(name="onetable-run", log_prints=False)
def run_flow(home: str, month: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """intake -> land -> normalize -> link -> validate -> publish -> feedback, over one workspace."""
    ws: Workspace = open_workspace(Path(home), steps.offices())
    started = now or datetime.now()
    run_id = f"run-{started:%Y%m%dT%H%M%S%f}"
    with writer_lock(ws, wait=True):
        timings = steps.Timings()
        with timings("intake"):
            received = take_in(ws, run_id, started)
        with timings("land"):
            for ref in received:
                land_one(ws, run_id, ref)
        settled = settle(ws, run_id, month)
        if settled is None:
            return {"run_id": run_id, "published": None, "reason": "no data", "timings": timings.seconds}
        reporting_month, as_of = settled
        with timings("normalize"):
            for ref in steps.landed_files(ws):
                normalize_one(ws, run_id, ref, as_of)
        with timings("link"):
            version = link_and_context(ws, run_id, reporting_month, as_of)
        with timings("validate"):
            validate(ws, run_id)
        with timings("publish"):
            published = publish(ws, run_id, version)
        with timings("feedback"):
            write_feedback(ws, run_id)
    return {"run_id": run_id, "reporting_month": reporting_month, "as_of": as_of.isoformat(),
            "version": version, "published": published, "blocked": published["status"] == "blocked",
            "timings": timings.seconds}
