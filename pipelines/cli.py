"""The `onetable` command: generate a synthetic world, run the flow, or both (`demo`)."""

from __future__ import annotations

import json
import re
import resource
import shutil
import sys
import time
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


def _run(home: Path, month: str | None) -> dict[str, Any]:
    """Run the flow; a failure that is not the user's to fix exits 3 with its traceback."""
    from pipelines.orchestrate import configure_prefect

    configure_prefect(home / "state")
    from flows import run_flow

    try:
        return run_flow(str(home), month)
    except OnetableError:
        raise
    except Exception:
        console.print_exception(max_frames=8)
        console.print(f"[red]failed[/red]: the run stopped; what it finished is kept. Rerun `onetable run --home {home}` "
                      "to finish the job once the cause is fixed.")
        raise typer.Exit(3) from None


@app.command()
def generate(home: Home = None, households: int = 2000, seed: int = 20180831,
             month: Annotated[str, typer.Option(help="Reporting month YYYY-MM.")] = "2018-08") -> None:
    """Write a synthetic inbox: a registry and every sender's files, with quirks and planted defects."""
    from pipelines.generate import generate_world

    try:
        summary = generate_world(resolve_home(home), households=households, seed=seed, month=_check_month(month) or month)
    except OnetableError as exc:
        _fail(exc)
    console.print(f"generated {summary['file_count']} files ({summary['households']} households, "
                  f"{summary['people']} people) into {resolve_home(home)}/inbox; planted defects: {summary['manifest']}")


@app.command()
def run(home: Home = None, month: Month = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False) -> None:
    """Process whatever is in the workspace's inbox and publish."""
    try:
        result = _run(resolve_home(home), _check_month(month))
    except OnetableError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, default=str, indent=2))
    else:
        from pipelines.report import print_summary

        print_summary(console, resolve_home(home), result)
    if result.get("blocked"):
        raise typer.Exit(1)


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
        result = _run(target, None)
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


if __name__ == "__main__":  # `python -m pipelines.cli`, as the tests run it
    app()
