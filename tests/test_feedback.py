"""Correction lists (xlsx, no formula) and GX Data Docs (offline) without running the whole flow."""

from __future__ import annotations

import os
import re
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines import corrections
from pipelines.corrections import SHEETS, list_path, problems, write_correction_list, write_correction_lists
from pipelines.expect import flag_suite, validate_frame
from pipelines.feedback import Outbox
from pipelines.gxdocs import build_data_docs
from pipelines.history import ensure_table
from pipelines.store import create_working_tables
from pipelines.workspace import Workspace

# any URL naming a host: scheme-relative or http(s), except localhost
OUTSIDE = re.compile(r"(?:https?:)?//(?!localhost\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.I)


def problem(rule: str, **fields: Any) -> dict[str, Any]:
    base = {"rule": rule, "severity": "warning", "office": "health", "file_name": "台账.xlsx", "file_hash": "h",
            "sheet": "Sheet1", "row": 5, "column_name": "姓名", "column_letter": "B", "value": "张三",
            "household_id": "H1", "person_id": "H1.1", "message": "问题", "fix": "请更正",
            "first_seen_month": "2018-08", "resolved_month": None, "title": "标题"}
    return {**base, **fields}


def test_correction_list_opens_with_every_sheet_and_no_formula(tmp_path: Path) -> None:
    path = list_path(Workspace(tmp_path), "health", "2018-08")
    still = [problem("B2", value="=HYPERLINK(\"x\")"), problem("A7", value="+123", column_name="-金额"),
             problem("B5", file_name=None, sheet=None, row=None, value="@SUM(A1)")]
    fixed = [problem("B2", value="-1", resolved_month="2018-08")]
    write_correction_list(path, "health", "2018-08", still, fixed)
    assert path.name == "纠错清单_health_2018-08.xlsx"
    book = openpyxl.load_workbook(path)
    assert tuple(book.sheetnames) == SHEETS
    cells = [c for s in book for row in s.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    risky = [c for c in cells if str(c.value)[:1] and str(c.value)[0] in "=+-@"]
    assert len(risky) == 5 and all(c.data_type == "s" for c in risky)
    listed = [r for r in book["问题清单"].iter_rows(values_only=True)]
    assert listed[0][:4] == ("序号", "文件名", "工作表", "行号") and len(listed) == 4
    assert listed[1][6] == "=HYPERLINK(\"x\")" and listed[1][15] == "未解决"
    resolved = list(book["已解决"].iter_rows(values_only=True))
    assert len(resolved) == 2 and resolved[1][15] == "已解决" and resolved[1][16] == "2018-08"
    summary = {r[0]: r for r in book["汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["B2"][1:] == ("姓名与建档立卡不一致", "警告（请核实更正）", 1, 1)
    assert summary["未解决问题数"][1] == "3"


def test_a_rerun_rewrites_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    write_correction_list(path, "health", "2018-08", [problem("B2")], [])
    first = path.read_bytes()
    write_correction_list(path, "health", "2018-08", [problem("B2")], [])
    assert path.read_bytes() == first


def _edit(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b" ")


def _later_mtime(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


# (what happens after the first write, the content of the second call, whether it writes again)
SECOND_WRITE = [
    ("nothing", ["B2"], False),
    ("nothing", ["B2", "C6"], True),            # the content changed
    ("deleted", ["B2"], True),                  # someone removed it from the outbox
    ("edited", ["B2"], True),                   # someone changed its bytes
    ("touched", ["B2"], True),                  # same size, another mtime: it may have been changed
]


@pytest.mark.parametrize(("after", "rules", "again"), SECOND_WRITE)
def test_a_workbook_is_written_again_only_when_it_would_say_something_else(
        tmp_path: Path, after: str, rules: list[str], again: bool) -> None:
    ws, con = Workspace(tmp_path), duckdb.connect()
    create_working_tables(con)
    path = list_path(ws, "health", "2018-08")

    def write(listed: list[str]) -> bool:   # as one run does: the outbox read, the workbook written, saved
        still, outbox = [problem(r) for r in listed], Outbox(con, ws)
        written = outbox.write_if_changed(path, still, partial(write_correction_list, path, "health", "2018-08",
                                                                still, []))
        outbox.save()
        return written

    assert write(["B2"]) is True and path.exists()
    {"nothing": lambda p: None, "deleted": Path.unlink, "edited": _edit, "touched": _later_mtime}[after](path)
    before = path.stat().st_mtime_ns if path.exists() else None
    assert write(rules) is again
    assert path.exists() and (path.stat().st_mtime_ns != before) == again
    assert con.execute("SELECT outbox_path, size FROM feedback_file").fetchall() == \
        [("health/纠错清单_health_2018-08.xlsx", path.stat().st_size)]


# (what changes in issue_history after the first run, the lists the second run writes again)
HISTORY_CHANGES = [
    ("", set()),
    ("UPDATE issue_history SET last_seen_run = 'r2', last_seen_month = '2018-09'", set()),   # seen again
    ("UPDATE issue_history SET message = '问题（新）' WHERE issue_key = 'k1'", {"health"}),
    ("UPDATE issue_history SET resolved_run = 'r2', resolved_month = '2018-08', resolution = 'fixed' "
     "WHERE issue_key = 'k1'", {"health"}),                                                      # fixed this month
    ("UPDATE issue_history SET resolved_run = 'r2', resolved_month = '2018-08', resolution = 'carried' "
     "WHERE issue_key = 'k1'", {"health"}),                                                      # off the list
    ("INSERT INTO issue_history (issue_key, rule, severity, office, message) "
     "VALUES ('k9', 'B2', 'warning', 'civil', '另一个')", {"civil"}),
]


@pytest.mark.parametrize(("change", "again"), HISTORY_CHANGES)
def test_a_list_is_read_and_written_again_only_when_what_it_shows_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, again: set[str]) -> None:
    ws, con = Workspace(tmp_path), duckdb.connect()
    create_working_tables(con)
    ensure_table(con)
    con.execute("INSERT INTO run_context (run_id, reporting_month) VALUES ('r1', '2018-08')")
    for key, office in (("k1", "health"), ("k2", "health"), ("k3", "civil")):
        con.execute("INSERT INTO issue_history (issue_key, rule, severity, office, message, last_seen_run) "
                    "VALUES (?, 'B2', 'warning', ?, '问题', 'r1')", [key, office])

    def second_run() -> set[str]:
        outbox = Outbox(con, ws)
        written = write_correction_lists(ws, con, outbox)
        outbox.save()
        return {path.parent.name for path, done in written.items() if done}

    assert second_run() == {"health", "civil"}
    if change:
        con.execute(change)
    read: list[list[str] | None] = []
    real = corrections.problems
    monkeypatch.setattr(corrections, "problems", lambda c, m, offices=None: read.append(offices) or real(c, m, offices))
    assert second_run() == again
    assert read == [[office] for office in sorted(again)]
    health = openpyxl.load_workbook(list_path(ws, "health", "2018-08"))
    assert health[SHEETS[1]].max_row - 1 == len(problems(con, "2018-08")["health"][0])


def test_lists_take_open_and_fixed_problems_from_the_history() -> None:
    con = duckdb.connect()
    ensure_table(con)
    rows = [("k1", "B2", "warning", None, None), ("k2", "C6", "info", None, None),
            ("k3", "B1", "warning", "2018-08", "fixed"), ("k4", "B3", "warning", "2018-08", "carried"),
            ("k5", "P1.in_set", "warning", None, None)]
    for key, rule, severity, month, resolution in rows:
        con.execute("INSERT INTO issue_history (issue_key, rule, severity, office, resolved_run, resolved_month, "
                    "resolution) VALUES (?, ?, ?, 'health', ?, ?, ?)", [key, rule, severity, month and "r2", month,
                                                                        resolution])
    con.execute("INSERT INTO issue_history (issue_key, rule, severity, office) VALUES ('k6', 'B2', 'warning', 'civil')")
    found = problems(con, "2018-08")
    still, fixed = found["health"]
    assert [p["rule"] for p in still] == ["B2"]          # info and the pipeline's P1 stay off the list
    assert [p["rule"] for p in fixed] == ["B1"]          # carried to a newer file is not fixed
    assert {office: [len(x) for x in lists] for office, lists in found.items()} == {"civil": [1, 0], "health": [1, 1]}
    assert [p["issue_key"] for p in found["civil"][0]] == ["k6"]


def test_data_docs_are_built_offline(tmp_path: Path) -> None:
    gx_dir = tmp_path / "gx" / "run-20180901T101010000001"
    frame = pd.DataFrame({"row_uid": [f"u{i}" for i in range(30)]})
    frame["B1"], frame["B2"] = frame.index % 7 == 0, False
    validate_frame(flag_suite("health", ("B1", "B2")), frame, "row_uid", gx_dir / "health.json")
    validate_frame(flag_suite("industry", ("B2",)), frame[["row_uid", "B2"]], "row_uid", gx_dir / "industry.json")
    index = build_data_docs(gx_dir, gx_dir.name)
    assert index is not None and index == gx_dir / "docs" / "index.html"
    text = index.read_text(encoding="utf-8")
    assert "health[B1,B2]" in text and "industry[B2]" in text and "未通过" in text
    pages = [p for p in index.parent.rglob("*") if p.suffix in (".html", ".css", ".js")]
    assert len([p for p in pages if p.suffix == ".html"]) >= 3
    leaks = {str(p.relative_to(index.parent)): OUTSIDE.findall(p.read_text(encoding="utf-8")) for p in pages}
    assert {k: v for k, v in leaks.items() if v} == {}
    for href in re.findall(r'<a href="([^"#]+)"', text):
        from urllib.parse import unquote

        assert (index.parent / unquote(href)).exists()
    again = build_data_docs(gx_dir, gx_dir.name)   # a second build in the same process: only this run's suites
    assert again == index and "industry[B2]" in index.read_text(encoding="utf-8")
