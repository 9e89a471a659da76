"""Status on a generated three-month history (some senders late, one missing): the right verdicts."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.generate.history import generate_history

ROOT = Path(__file__).resolve().parent.parent


def onetable(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def history(tmp_path_factory, run_flow_here):
    home = tmp_path_factory.mktemp("status")
    generate_history(home, households=40, seed=5, months="2018-06..2018-08")
    run_flow_here(home)
    with open(home / "generated" / "submissions.csv", encoding="utf-8") as fh:
        return home, list(csv.DictReader(fh))


@pytest.mark.parametrize("month", ["2018-06", "2018-07", "2018-08"])
def test_verdicts_match_the_simulated_clock(history, month):
    home, truth = history
    shown = json.loads(onetable("status", "--home", str(home), "--month", month, "--json"))
    assert {r["office"]: r["verdict"] for r in shown} == {t["office"]: t["verdict"] for t in truth if t["month"] == month}


def test_status_counts_rows_and_change(history):
    home, _ = history
    rows = {r["office"]: r for r in json.loads(onetable("status", "--home", str(home), "--month", "2018-08", "--json"))}
    assert rows["screening"]["files"] == 0 and rows["screening"]["change"] is None
    assert rows["registry"]["rows_accepted"] > 0
    assert rows["registry"]["change"] is not None
    assert rows["housing"]["submitted_at"].startswith("2018-09-1")


def test_status_before_any_run_says_what_to_do(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "status", "--home", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "no run yet in" in done.stdout and "next: `onetable run --home" in done.stdout


def test_the_analysts_database_has_the_same_verdicts(history):
    """The published `submissions` table: every sender and month, the same verdicts as the truth."""
    import duckdb

    home, truth = history
    con = duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True)
    rows = con.execute("SELECT reporting_month, office, verdict, files_in FROM submissions").fetchall()
    con.close()
    assert {(m, o): v for m, o, v, _ in rows} == {(t["month"], t["office"]): t["verdict"] for t in truth}
    assert all((n == 0) == (v == "missing") for _, _, v, n in rows)
