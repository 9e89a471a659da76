"""`onetable serve`: a long-running Prefect server on 127.0.0.1 and the scheduled deployments.

Three deployments of the one flow (`onetable-run`), their schedules from `<home>/onetable.yaml`
(`schedules:`, pipelines.workspace.Schedules):

- `inbox-poll`: every few minutes, poll mode: new files whose size and mtime did not change since
  the previous poll are taken in, and only they are read (the ledger skips every file it has);
- `nightly-rebuild`: every file in the inbox (stable or not), every cross-check and candidate table
  recomputed whatever their fingerprints say (`recompute`), republished;
- `monthly-publication`: the previous month's version, once every sender's due day has passed.

One writer at a time: each deployment has a Prefect concurrency limit of 1, the runner runs one
flow run at a time (`limit=1`), and the flow itself takes the workspace's writer lock (which also
covers a `onetable run` from a terminal). No outside network: analytics are off
(PREFECT_SERVER_ANALYTICS_ENABLED=false, DO_NOT_TRACK=1, pipelines.orchestrate), the server binds
to 127.0.0.1, and its database and logs live under `<home>/state/prefect/`.

Warm runs: Prefect's runner starts each flow run in a new interpreter (`python -m prefect.engine`
for the deployments it is given; multiprocessing "spawn" for a flow it holds), which imported the
flow and Great Expectations again every time (≈ 2.7 s and 4.4 s here, of a
47.6 s republish). `start_warm_runs` keeps a forkserver that imported them once; each run is forked
from it, so it still runs in its own process (its memory goes back when it ends, a crash stays in
it) but starts with them loaded. Nothing is configured there: the schema, sources and settings are
read by each run, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from pipelines.errors import OnetableError
from pipelines.orchestrate import configure_prefect
from pipelines.workspace import Workspace

DEPLOYMENTS = ("inbox-poll", "nightly-rebuild", "monthly-publication")
FLOW_NAME = "onetable-run"
# imported once by the forkserver: modules only (no connection, no thread, no configuration); the
# last one freezes what the others made (pipelines.orchestrate.freeze_imports)
PRELOAD = ("flows", "pipelines.expect", "great_expectations", "great_expectations.expectations",
           "great_expectations.validator.v1_validator", "great_expectations.execution_engine.pandas_execution_engine",
           "pipelines.preloaded")


class _Forkserver:
    """Stands in for the `multiprocessing` module inside `prefect.flow_engine`, whose
    `run_flow_in_subprocess` (prefect 3.9.1) uses it once, for get_context("spawn"); were that to
    change, test_serve.py would see served runs start in a new interpreter again."""

    def get_context(self, method: str | None = None) -> Any:
        return multiprocessing.get_context("forkserver")

    def __getattr__(self, name: str) -> Any:
        return getattr(multiprocessing, name)


def run_flow_forked(*args: Any, **kwargs: Any) -> Any:
    """prefect.flow_engine.run_flow_in_subprocess with the process forked from the forkserver."""
    from prefect import flow_engine

    saved = flow_engine.multiprocessing
    flow_engine.multiprocessing = _Forkserver()  # type: ignore[assignment]
    try:
        return flow_engine.run_flow_in_subprocess(*args, **kwargs)
    finally:
        flow_engine.multiprocessing = saved


def start_warm_runs() -> None:
    """Start the forkserver and wait until it has imported PRELOAD (it forks a first, empty process
    only then), so that even the first run starts warm; then make the runner's direct starter,
    which Prefect documents as the place to patch, fork runs from it."""
    from prefect.runner import _starter_direct

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    probe = context.Process(target=os.getpid, name="onetable-warm-up")
    probe.start()
    probe.join()
    _starter_direct.run_flow_in_subprocess = run_flow_forked


def api_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/api"


def wait_healthy(url: str, proc: subprocess.Popen[bytes] | None, timeout: float, log: Path) -> None:
    """Until `<url>/health` answers; a server process that exits first is an error naming its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise OnetableError(f"the Prefect server exited with code {proc.returncode} before it was ready; "
                                f"see `{log}`")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise OnetableError(f"the Prefect server at `{url}` did not answer within {timeout:.0f} s; see `{log}`")


def start_server(ws: Workspace, host: str, port: int, timeout: float = 180) -> subprocess.Popen[bytes]:
    """`prefect server start` in its own process (its UI at http://host:port), logging to the workspace.

    The server gets a process group of its own, so Ctrl-C in a terminal (a signal to the whole
    foreground group) reaches only `onetable serve`, which stops the runner first and the server
    last (stop_server). When the server stopped with it, the runner's shutdown (pausing the
    deployments) asked a dead server for 69 s and ended in a ConnectError traceback, exit 1."""
    configure_prefect(ws.state, quiet=False)
    log = ws.state / "prefect" / "server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", host,
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ),
                                process_group=0)
    try:
        wait_healthy(api_url(host, port), proc, timeout, log)
    except OnetableError:
        stop_server(proc)
        raise
    return proc


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, SIGKILL after 30 s or at once on a further Ctrl-C or SIGTERM (re-raised): the server,
    in a process group of its own, is never left running without serve."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def deployment_options(ws: Workspace) -> dict[str, dict[str, Any]]:
    """The three deployments of the flow (Runner.add_flow's arguments), scheduled as the workspace's
    settings say."""
    from prefect.schedules import Cron, Interval
    from prefect.types.entrypoint import EntrypointType

    plan = ws.settings().schedules
    home = str(ws.home)
    common: dict[str, Any] = {"concurrency_limit": 1, "entrypoint_type": EntrypointType.MODULE_PATH,
                              "tags": ["onetable"]}
    return {
        "inbox-poll": dict(parameters={"home": home, "stable_only": True},
                           schedule=Interval(timedelta(minutes=plan.inbox_poll_minutes), timezone=plan.timezone),
                           description="New stable files in the inbox: take them in and republish.", **common),
        "nightly-rebuild": dict(parameters={"home": home, "recompute": True},
                                schedule=Cron(plan.nightly_rebuild, timezone=plan.timezone),
                                description="Every file, every check recomputed, republished.", **common),
        "monthly-publication": dict(parameters={"home": home, "month": "previous"},
                                    schedule=Cron(plan.monthly_publication, timezone=plan.timezone),
                                    description="The previous month's version, after every sender's due day.",
                                    **common),
    }


def serve_deployments(ws: Workspace) -> None:
    """Serve the deployments until stopped, one run at a time, each forked warm. Runner.add_flow,
    not prefect.serve(deployments): only a flow the runner holds is started by its direct starter
    (`python -m prefect.engine` otherwise, which start_warm_runs cannot reach)."""
    from prefect.runner import Runner

    from flows import run_flow

    start_warm_runs()   # first: a deployment is triggered as soon as it appears
    runner = Runner(name="onetable", pause_on_shutdown=True, limit=1,
                    query_seconds=ws.settings().schedules.runner_poll_seconds)
    for name, options in deployment_options(ws).items():
        runner.add_flow(run_flow, name=name, **options)
    print(f"serving {', '.join(DEPLOYMENTS)} of `{FLOW_NAME}` (Ctrl-C stops)", flush=True)
    signal.signal(signal.SIGINT, _interrupt(runner))
    with contextlib.suppress(KeyboardInterrupt):   # a second Ctrl-C: stop without waiting
        asyncio.run(runner.start())


def _interrupt(runner: Any) -> Any:
    """Ctrl-C stops the runner as SIGTERM does (Runner.handle_sigterm: pause the deployments, cancel
    the run in flight, let `start` return), and a second one stops at once. Left to asyncio.run,
    Ctrl-C cancelled the runner's main task, and one time in a CI run the runner's task groups
    swallowed that cancellation: serve went on serving until SIGTERM, 60 s later."""
    def handle(signum: int, frame: object) -> None:
        if runner.stopping:
            raise KeyboardInterrupt
        print("Ctrl-C: stopping the runner, then the server (Ctrl-C again: at once)", flush=True)
        runner.handle_sigterm()
    return handle


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def serve_workspace(ws: Workspace, host: str = "127.0.0.1", port: int = 4200, server: bool = True) -> None:
    """Start the server (unless `server` is False: PREFECT_API_URL names one) and serve until stopped."""
    configure_prefect(ws.state, quiet=False)
    signal.signal(signal.SIGTERM, _stop)   # `kill`, systemd, a test: stop the server with us
    proc = None
    if server:
        proc = start_server(ws, host, port)
        os.environ["PREFECT_API_URL"] = api_url(host, port)
    elif not os.environ.get("PREFECT_API_URL"):
        raise OnetableError("`--no-server` needs PREFECT_API_URL naming a running Prefect server")
    try:
        serve_deployments(ws)
    finally:
        if proc is not None:
            stop_server(proc)
