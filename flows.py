"""Prefect flows: wire the stages of pipelines/ into runs. No logic lives here.

I/O tasks (taking files in, reading them, writing feedback) retry; transformations do not.
A run's stages share one connection to the working database; a failing task rolls its transaction
back, so a task retried (or a run resumed after a crash) starts clean. Per-file reading and
normalizing touch no database and run on the flow's task runner, a few files ahead of the flow,
which commits each result in file order (one writer): threads of this process by default (the
flow's DuckDB inserts run meanwhile; at city scale land and normalize take 20 % less than one
file at a time), a Dask cluster with --workers or --dask-address.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from pipelines import artifacts, feedback, gxdocs, runreport, steps, versioning
from pipelines.orchestrate import (
    Timings,
    count_collections,
    dask_runner,
    describe_process,
    end_runs_without_heartbeat_wait,
    share_api_with_workers,
)
from pipelines.progress import report
from pipelines.workspace import Workspace, open_workspace, writer_lock

end_runs_without_heartbeat_wait()   # for every run of this module's flows, served ones too


def io_task(fn: Callable[..., Any], name: str) -> Any:
    """File I/O: retried (a share or a disk can hiccup)."""
    return task(name=name, retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)(fn)


def pure_task(fn: Callable[..., Any], name: str) -> Any:
    """A transformation: never retried (it would fail the same way again)."""
    return task(name=name, cache_policy=NO_CACHE)(fn)


take_in = io_task(steps.take_in, "intake")
shape_one = io_task(steps.shape_one, "read")             # per file, no database: runs on the task runner
land_shaped = io_task(steps.land_shaped, "land")
settle = pure_task(steps.settle, "settle")
normalize_rows = pure_task(steps.normalize_rows, "normalize")   # per file, no database: on the task runner
commit_normalized = io_task(steps.commit_normalized, "store")
set_context = pure_task(versioning.set_context, "context")
link_current = pure_task(steps.link_current, "link")
validate = pure_task(steps.validate, "validate")
publish = pure_task(steps.publish, "publish")
write_feedback = io_task(feedback.write_feedback, "feedback")
write_docs = io_task(gxdocs.write_run_docs, "gx-docs")
write_report = io_task(runreport.write_run_report, "run-report")
attach_artifacts = io_task(artifacts.publish_artifacts, "artifacts")
AHEAD = 3   # files read or normalized ahead of the one being committed


def each(step: Any, calls: Iterable[tuple[Any, ...]], ahead: int = AHEAD, weights: Sequence[int] | None = None,
         budget: int | None = None) -> Iterator[Any]:
    """Run `step` on each argument tuple on the flow's task runner, results in order, with `ahead`
    more submitted while the caller uses one: the next files are read (or normalized) while this
    process commits the previous one, and finished files wait in memory only briefly. With
    `weights` (one per call, e.g. its rows) and a `budget`, the next call is taken from `calls`
    (which may fetch its data) only once the calls pending weigh at most `budget` with it; a call
    heavier than the budget runs with none pending."""
    pending: deque[tuple[Any, int]] = deque()
    weighed = iter(weights) if weights is not None else None
    held = 0
    calls = iter(calls)
    while True:
        weight = next(weighed, 0) if weighed is not None else 0
        while pending and budget is not None and held + weight > budget:
            done, w = pending.popleft()
            held -= w
            yield done.result()
        args = next(calls, None)
        if args is None:
            break
        pending.append((step.submit(*args), weight))
        held += weight
        if len(pending) > ahead:
            done, w = pending.popleft()
            held -= w
            yield done.result()
    while pending:
        yield pending.popleft()[0].result()


def flow_for(workers: int = 0, address: str | None = None) -> Any:
    """`run_flow`, on a Dask task runner when workers or a cluster address are given."""
    if not workers and not address:
        return run_flow
    return run_flow.with_options(task_runner=dask_runner(workers, address))


@flow(name="onetable-run", log_prints=False)
def run_flow(home: str, month: str | None = None, now: datetime | None = None,
             stable_only: bool = False, parallel: bool = False, recompute: bool = False) -> dict[str, Any]:
    """intake -> land -> normalize -> link -> validate -> publish -> feedback, over one workspace.

    `stable_only` is poll mode (`onetable run --poll`, the inbox-poll deployment): a file is taken
    only once its size and mtime are unchanged since the previous poll; a one-off run takes every
    file. `month="previous"` (the monthly-publication deployment): the latest month before this one.
    `parallel`: the task runner is a Dask cluster, whose workers must reach this run's Prefect API.
    `recompute` (the nightly-rebuild deployment): every check's SQL and every candidate table anew,
    whatever their fingerprints say (pipelines.fingerprints), and the version written again even when
    nothing is new: what the fingerprints kept is checked against a full recomputation every night."""
    process = describe_process()
    ws: Workspace = open_workspace(Path(home), steps.offices())
    started = now or datetime.now()
    run_id = f"run-{started:%Y%m%dT%H%M%S%f}"
    if parallel:
        share_api_with_workers()
    with count_collections() as collector, writer_lock(ws, wait=True):
        with steps.shared_connection(ws):
            result = _stages(ws, run_id, started, month, stable_only, recompute)
        timer = result.pop("timer")
        result["process"] = process
        with timer("report"):   # the run report and Prefect artifacts
            result["run_report"] = str(write_report(ws, run_id))
            attach_artifacts(ws, result)
        result["peak_rss_mb"] = timer.peak_mb
        result["gc"] = collector
        context = FlowRunContext.get()
        result["task_runner"] = type(context.task_runner).__name__ if context else None
    return result


def _stages(ws: Workspace, run_id: str, started: datetime, month: str | None, stable_only: bool,
            recompute: bool) -> dict[str, Any]:
    timings = Timings()
    with timings("intake"):
        received = take_in(ws, run_id, started, stable_only)
    with timings("land"):
        jobs = steps.read_jobs(ws, received)   # the files read ahead hold at most `read_ahead_mb` of files
        shaped = each(shape_one, ((job,) for job in jobs), weights=[job.size for job in jobs],
                      budget=ws.settings().warehouse.read_ahead_mb * 1_000_000)
        for i, (ref, result) in enumerate(zip(received, shaped, strict=True)):
            land_shaped(ws, run_id, ref, result)
            report("reading", i + 1, len(received))
    settled = settle(ws, run_id, month, started)
    if settled is None:
        return {"run_id": run_id, "published": None, "reason": "no data", "timings": timings.seconds, "timer": timings}
    reporting_month, as_of = settled
    with timings("normalize"), steps.normalize_memory(ws):
        landed = steps.landed_files(ws)
        fetched = (steps.fetch_one(ws, ref) + (as_of,) for ref, _load in landed)
        rows = steps.landed_rows(ws)   # the files normalized ahead hold at most `normalize_rows_ahead` rows
        weights = [rows.get(load, 0) for _ref, load in landed]
        normalized = each(normalize_rows, fetched, weights=weights, budget=ws.settings().warehouse.normalize_rows_ahead)
        for i, ((ref, _load), done) in enumerate(zip(landed, normalized, strict=True)):
            commit_normalized(ws, run_id, ref, done)
            report("normalizing", i + 1, len(landed))
    with timings("link"):
        version = set_context(ws, run_id, reporting_month, as_of)
    if not recompute and versioning.nothing_new(ws, version, started):   # e.g. a poll with nothing new
        return {"run_id": run_id, "reporting_month": reporting_month, "as_of": as_of.isoformat(), "version": version,
                "published": {"status": "unchanged", "published": False, "version": version, "blocking_rules": []},
                "blocked": False, "data_docs": None, "timings": timings.seconds, "timer": timings}
    with ExitStack() as in_force:
        with timings("link"):
            in_force.enter_context(steps.rows_in_force(ws, recompute))   # frozen once, for link, validate and publish
            link_current(ws, recompute)
        with timings("validate"):
            report("validating", 0, 1)
            validate(ws, run_id, [load for _ref, load in landed], recompute)
            report("validating", 1, 1)
        with timings("publish"):
            report("publishing", 0, 1)
            published = publish(ws, run_id, version, recompute)
            report("publishing", 1, 1)
    with timings("feedback"):
        feedback_files = write_feedback(ws, run_id)
    with timings("gx_docs"), steps.checkpoint_beside(ws):   # Data Docs do not touch the working database
        docs = write_docs(ws, run_id)
    if published["status"] != "blocked":
        versioning.mark_complete(ws, version)
    return {"run_id": run_id, "reporting_month": reporting_month, "as_of": as_of.isoformat(),
            "version": version, "published": published, "blocked": published["status"] == "blocked",
            "feedback": feedback_files, "data_docs": docs, "timings": timings.seconds, "timer": timings}
