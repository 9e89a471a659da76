"""The run report: a tiny real world through the real flow once, then the HTML page it leaves.

The page must be self-contained (no host named anywhere, nothing fetched) and show the county
tests, the completeness grid and the problems of the run; without a published database it still
renders and says so.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.generate import generate_world
from pipelines.runreport import NOT_PUBLISHED, write_run_report
from pipelines.workspace import Workspace

KEEP = ("registry", "health", "employment", "social_security", "housing")
pytestmark = pytest.mark.slow


def tiny_world(home: Path, households: int = 40) -> None:
    """A synthetic world of a few senders (as tests/test_bad_inputs.py builds it)."""
    generate_world(home, households=households, seed=7, month="2018-08")
    for folder in (home / "inbox").iterdir():
        if folder.is_dir() and folder.name not in KEEP:
            shutil.rmtree(folder)
        elif folder.is_file():
            folder.unlink()


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, run_flow_here: Any) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("runreport") / "home"
    tiny_world(home)
    result = run_flow_here(home)
    assert result["published"]["status"] == "published", result
    ws = Workspace(home)
    path = write_run_report(ws, result["run_id"])
    return {"ws": ws, "run_id": result["run_id"], "path": path, "html": path.read_text(encoding="utf-8")}


def test_written_per_run_and_as_the_latest(report: dict[str, Any]) -> None:
    ws, path = report["ws"], report["path"]
    assert path == ws.state / "reports" / f"{report['run_id']}.html"
    latest = ws.home / "outbox" / "run-report.html"
    assert path.exists() and latest.exists()
    assert latest.read_bytes() == path.read_bytes()


def test_self_contained(report: dict[str, Any]) -> None:
    html = report["html"]
    assert "http" not in html.lower()
    assert not re.findall(r"(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html)
    for banned in ("src=", "<link", "<script", "<img", "@import", "url("):
        assert banned not in html.lower(), banned
    assert html.count("<svg") >= 4


def test_county_tests_against_thresholds(report: dict[str, Any]) -> None:
    html, db = report["html"], report["ws"].published_db
    counties = {name for (name,) in query(db, "SELECT DISTINCT name FROM metrics WHERE level = 'county'")}
    assert counties
    for name in counties:
        assert f'class="county">{name}<' in html
    assert 'class="threshold" data-threshold="97"' in html
    assert "threshold ≥ 97%" in html and "threshold &lt; 3%" in html


def test_completeness_grid_names_every_sender_of_the_ledger(report: dict[str, Any]) -> None:
    html, db = report["html"], report["ws"].working_db
    senders = {o for (o,) in query(db, "SELECT DISTINCT office FROM ledger WHERE month IS NOT NULL")}
    assert set(KEEP) <= senders
    for office in senders:
        assert f'class="sender">{office}<' in html
    assert "2018-08" in html
    for word in ("按时 on time", "逾期 late", "缺报 missing"):
        assert word in html


def test_problems_by_rule_and_sender(report: dict[str, Any]) -> None:
    html, ws = report["html"], report["ws"]
    rules = {r.split(".")[0] for (r,) in query(ws.working_db, "SELECT DISTINCT rule FROM finding WHERE run_id = ?",
                                               [report["run_id"]])}
    assert rules
    for rule in rules:
        assert re.search(rf'class="rule">{rule} ', html), rule
    offices = {o for (o,) in query(ws.published_db, "SELECT DISTINCT office FROM issues")}
    for office in offices:
        assert f"<tr><td>{office}</td>" in html
    assert report["run_id"] in html and str(ws.state / "gx" / report["run_id"] / "docs" / "index.html") in html


def test_renders_before_anything_is_published(report: dict[str, Any], tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(report["ws"].home, home, ignore=shutil.ignore_patterns("inbox", "quarantine", "generated"))
    ws = Workspace(home)
    ws.published_db.unlink()
    html = write_run_report(ws, report["run_id"]).read_text(encoding="utf-8")
    assert NOT_PUBLISHED in html
    assert 'class="sender">registry<' in html          # the completeness grid comes from the working database
    assert 'class="rule">' in html                     # problems fall back to this run's findings
    assert "http" not in html.lower()
