"""The `onetable` command: generate a synthetic world, run the flow, or both (`demo`)."""

from __future__ import annotations

import json
import re
import resource
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from pipelines.errors import OnetableError, UsageError
from pipelines.workspace import resolve_home

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="一个数、一张表、一盘棋: converge sector spreadsheets onto the poverty registry.")
console = Console(width=None if sys.stdout.isatty() else 100)  # piped output: no truncated names
Home = Annotated[Path | None, typer.Option("--home", help="Workspace folder (default ./onetable-home or $ONETABLE_HOME).")]
Month = Annotated[str | None, typer.Option("--month", help="Reporting month YYYY-MM (default: the latest month among accepted files).")]


def _check_month(month: str | None) -> str | None:
    if month is not None and not re.fullmatch(r"20\d{2}-(0[1-9]|1[0-2])", month):
        raise UsageError(f"`--month {month}` is not a month: write it as YYYY-MM, e.g. `2018-08`")
    return month


def _fail(exc: OnetableError) -> None:
    console.print(f"[red]error:[/red] {exc}", highlight=False)
    raise typer.Exit(exc.exit_code)


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (the exit code tells).")]


Workers = Annotated[int, typer.Option("--workers", min=0, help="Read and normalize files on a local Dask cluster "
                                     "of this many worker processes (0: in this process).")]
DaskAddress = Annotated[str | None, typer.Option("--dask-address", help="Read and normalize files on the Dask "
                                                    "cluster at this address (tcp://host:8786).")]


def _run(home: Path, month: str | None, poll: bool = False, bars: bool = False, workers: int = 0,
         address: str | None = None, recompute: bool = False) -> dict[str, Any]:
    """Run the flow; a failure that is not the user's to fix exits 3 with its traceback."""
    from pipelines.orchestrate import configure_prefect

    configure_prefect(home / "state")
    from flows import flow_for
    from pipelines.orchestrate import freeze_imports

    freeze_imports()
    try:
        with _progress_bars(bars and console.is_terminal):
            return flow_for(workers, address)(str(home), month, stable_only=poll, parallel=bool(workers or address),
                                              recompute=recompute)
    except OnetableError:
        raise
    except Exception:
        console.print_exception(max_frames=8)
        console.print(f"[red]failed[/red]: the run stopped; what it finished is kept. Rerun `onetable run --home {home}` "
                      "to finish the job once the cause is fixed.")
        raise typer.Exit(3) from None


@contextmanager
def _progress_bars(show: bool) -> Iterator[None]:
    """Rich progress bars for the long steps (reading, normalizing, validating, publishing), on a terminal."""
    if not show:
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipelines.progress import listen

    bars = Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)
    tasks: dict[str, Any] = {}

    def update(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bars.add_task(step, total=total)
        bars.update(tasks[step], completed=done, total=total)

    with bars, listen(update):
        yield


@app.command()
def generate(home: Home = None, households: int = 2000, seed: int = 20180831,
             month: Annotated[str, typer.Option(help="Reporting month YYYY-MM.")] = "2018-08",
             months: Annotated[str | None, typer.Option(
                 help="A history instead of one month, e.g. 2018-06..2018-08: file times follow a simulated "
                      "clock, some senders late, one missing in the last month.")] = None) -> None:
    """Write a synthetic inbox: a registry and every sender's files, with quirks and planted defects."""
    from pipelines.generate import generate_world
    from pipelines.generate.history import generate_history

    try:
        if months:
            done = generate_history(resolve_home(home), households=households, seed=seed, months=months)
            console.print(f"generated {len(done['months'])} months into {resolve_home(home)}/inbox; late: "
                          f"{', '.join(done['late'])}; missing in the last month: {done['missing']}")
            return
        summary = generate_world(resolve_home(home), households=households, seed=seed, month=_check_month(month) or month)
    except OnetableError as exc:
        _fail(exc)
    console.print(f"generated {summary['file_count']} files ({summary['households']} households, "
                  f"{summary['people']} people) into {resolve_home(home)}/inbox; planted defects: {summary['manifest']}")


@app.command()
def run(home: Home = None, month: Month = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
        poll: Annotated[bool, typer.Option("--poll", help="Poll mode (for schedules): take a file only once its size "
                                           "and mtime are unchanged since the previous poll.")] = False,
        recompute: Annotated[bool, typer.Option("--recompute", help="Run every check's SQL and build every published "
                                                "table anew, whatever their fingerprints say (as the nightly rebuild "
                                                "does).")] = False,
        quiet: Quiet = False, workers: Workers = 0, dask_address: DaskAddress = None) -> None:
    """Process whatever is in the workspace's inbox and publish. Exit 0 published (or unchanged),
    1 blocked by a rule, 2 bad usage, 3 failed."""
    try:
        result = _run(resolve_home(home), _check_month(month), poll, bars=not (quiet or as_json), workers=workers,
                      address=dask_address, recompute=recompute)
    except OnetableError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, default=str, indent=2))
    elif quiet:
        if result.get("blocked"):
            console.print(f"[red]blocked[/red]: {result['published']['blocking_message']}", highlight=False)
    else:
        from pipelines.report import print_summary

        print_summary(console, resolve_home(home), result)
    if result.get("blocked"):
        raise typer.Exit(1)


@app.command()
def restore(file_hash: Annotated[str, typer.Argument(help="The superseded file's content hash (at least 6 hex digits).")],
            home: Home = None) -> None:
    """Make an earlier, superseded file the one in force again (recorded in the ledger); the next run publishes it."""
    from datetime import datetime

    from pipelines.ledger import restore as restore_file
    from pipelines.steps import working
    from pipelines.workspace import open_workspace, writer_lock

    try:
        ws = open_workspace(resolve_home(home))
        with writer_lock(ws), working(ws) as con:
            done = restore_file(con, file_hash, datetime.now())
    except OnetableError as exc:
        _fail(exc)
    console.print(f"restored {done.path} ({done.file_hash[:12]}): now {done.status}; superseded "
                  f"{', '.join(done.replaced) or 'nothing'}. Run `onetable run --home {ws.home}` to publish.")


@app.command()
def serve(home: Home = None,
          port: Annotated[int, typer.Option(help="Port of the Prefect server and its UI on 127.0.0.1.")] = 4200,
          no_server: Annotated[bool, typer.Option("--no-server", help="Use the Prefect server PREFECT_API_URL names "
                                                  "instead of starting one.")] = False) -> None:
    """Start a local Prefect server (UI at http://127.0.0.1:PORT) and serve the scheduled deployments:
    inbox-poll, nightly-rebuild, monthly-publication (schedules: `schedules:` in <home>/onetable.yaml)."""
    from pipelines.serve import serve_workspace
    from pipelines.steps import offices
    from pipelines.workspace import open_workspace

    try:
        ws = open_workspace(resolve_home(home), offices())
        plan = ws.settings().schedules
        console.print(f"serving {ws.home}: inbox-poll every {plan.inbox_poll_minutes} min, nightly-rebuild "
                      f"`{plan.nightly_rebuild}`, monthly-publication `{plan.monthly_publication}` ({plan.timezone}); "
                      f"Prefect UI http://127.0.0.1:{port}; analytics off. Ctrl-C stops.")
        serve_workspace(ws, port=port, server=not no_server)
    except OnetableError as exc:
        _fail(exc)


@app.command()
def demo(home: Home = None, households: int = 2000, seed: int = 20180831) -> None:
    """Generate a synthetic world into a fresh workspace, run the whole flow, print a summary."""
    from pipelines.generate import generate_world
    from pipelines.report import print_summary

    target = resolve_home(home)
    if target.exists():
        shutil.rmtree(target)
    start = time.perf_counter()
    summary = generate_world(target, households=households, seed=seed, month="2018-08")
    console.print(f"[bold]onetable demo[/bold]: synthetic Shangluo, {households} households, seed {seed}, "
                  f"{summary['file_count']} files generated in {time.perf_counter() - start:.1f} s")
    try:
        result = _run(target, None, bars=True)
    except OnetableError as exc:
        _fail(exc)
    print_summary(console, target, result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"wall time {time.perf_counter() - start:.1f} s, peak memory {peak:.0f} MB")


@app.command()
def schema() -> None:
    """Regenerate the artefacts derived from schemas/: DDL in warehouse/tables/, GX suites in expectations/generated/."""
    from pipelines.expect import write_expectations
    from pipelines.schema import write_ddl

    for path in [*write_ddl(), *write_expectations()]:
        console.print(f"wrote {path}")


@app.command()
def status(home: Home = None, month: Month = None,
           as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False) -> None:
    """Per sender: submitted or missing, on time or late, rows, open problems, change against last month."""
    import dataclasses

    import duckdb
    from rich.table import Table

    from pipelines.status import due_days, latest_month, sender_status
    from pipelines.workspace import Workspace

    ws = Workspace(resolve_home(home))
    try:
        if not ws.working_db.exists():
            raise UsageError(f"no run yet in `{ws.home}`", next_command=f"onetable run --home {ws.home}")
        con = duckdb.connect(str(ws.working_db), read_only=True)
        rows = sender_status(con, _check_month(month) or latest_month(con), due_days())
    except OnetableError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, default=str, indent=2))
        return
    table = Table(title=f"submissions for {rows[0].month} (due day D of the following month)", title_justify="left")
    for name in ("sender", "status", "submitted (Beijing)", "due", "files", "accepted", "rejected", "problems", "Δ accepted"):
        table.add_column(name)
    colour = {"on_time": "green", "late": "yellow", "missing": "red"}
    for r in rows:
        table.add_row(r.office, f"[{colour[r.verdict]}]{r.verdict}[/]", r.submitted_at or "", str(r.due), str(r.files),
                      str(r.rows_accepted), str(r.rows_rejected), str(r.open_problems),
                      "" if r.change is None else f"{r.change:+d}")
    console.print(table)


if __name__ == "__main__":  # `python -m pipelines.cli`, as the tests run it
    app()
