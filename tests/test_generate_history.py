"""A multi-month synthetic history: a simulated clock in the file times, late and missing senders."""

import csv
from datetime import datetime

import pytest

from pipelines.errors import UsageError
from pipelines.generate.history import DUE_DAY, generate_history, month_range


@pytest.mark.parametrize(("text", "months"), [
    ("2018-06..2018-08", ["2018-06", "2018-07", "2018-08"]),
    ("2018-11..2019-02", ["2018-11", "2018-12", "2019-01", "2019-02"]),
    ("2018-08", ["2018-08"]),
])
def test_month_range(text, months):
    assert month_range(text) == months


@pytest.mark.parametrize(("text", "message"), [
    ("2018-08..2018-06", "`2018-08..2018-06` must name 1 to 36 months, first to last"),
    ("June..2018-08", "`June..2018-08` is not a month range: write it as YYYY-MM..YYYY-MM, e.g. `2018-06..2018-08`"),
])
def test_bad_month_ranges(text, message):
    with pytest.raises(UsageError) as caught:
        month_range(text)
    assert str(caught.value) == message


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    home = tmp_path_factory.mktemp("history")
    generate_history(home, households=40, seed=3, months="2018-06..2018-08")
    with open(home / "generated" / "submissions.csv", encoding="utf-8") as fh:
        return home, list(csv.DictReader(fh))


def test_every_sender_every_month_with_one_missing(history):
    _, rows = history
    assert len(rows) == 11 * 3
    assert [(r["office"], r["month"]) for r in rows if r["verdict"] == "missing"] == [("screening", "2018-08")]
    assert not any("201808" in p.name or "2018年8月" in p.name for p in (history[0] / "inbox" / "screening").iterdir())


def test_file_times_follow_the_simulated_clock(history):
    home, rows = history
    late = {(r["office"], r["month"]) for r in rows if r["verdict"] == "late"}
    assert late == {(o, m) for o in ("education", "housing") for m in ("2018-07", "2018-08")}
    for r in rows:
        if r["verdict"] == "missing":
            continue
        when = datetime.fromisoformat(r["submitted_at"])
        assert (when.day > DUE_DAY) == (r["verdict"] == "late")
        compact = r["month"].replace("-", "")
        files = [p for p in (home / "inbox" / r["office"]).iterdir()
                 if compact in p.name or f"{int(r['month'][:4])}年{int(r['month'][5:])}月" in p.name
                 or f"{r['month'][:4]}.{int(r['month'][5:])}" in p.name]
        assert files, r
        assert {p.lstat().st_mtime for p in files if not p.is_symlink()} == {when.timestamp()}


def test_a_history_needs_a_fresh_inbox(history):
    with pytest.raises(UsageError, match="is not empty"):
        generate_history(history[0], households=40, seed=3, months="2018-08")
