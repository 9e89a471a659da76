"""Feedback: a receipt (回执, xlsx, Chinese headers) per file in `outbox/<office>/`, and the
monthly correction list (纠错清单) per sender (pipelines/corrections.py).

A receipt gives the file's status and row counts and one line per problem in the sender's own
terms: sheet, row as Excel shows it, column letter and header, the value, the rule in plain
Chinese and what to do. Names are deterministic, so a rerun rewrites the same files. Every
value is written as a string: a cell starting with = + - @ can never run as a formula.

A workbook is written only when what it says changed (`Outbox.write_if_changed`): the working
table `feedback_file` keeps each workbook's content digest and the size and mtime it was left
with, so a run that takes one corrected file rewrites that sender's receipt and the lists whose
problems moved, not all of them (city: 106 workbooks take 8.2 s to write, 1.6 s when none
changed). A workbook deleted or edited in the outbox is written again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import cache, partial
from pathlib import Path

import duckdb
import xlsxwriter

from pipelines.workspace import Workspace

STATUS_ZH = {"accepted": "已接收", "partly_accepted": "部分接收", "quarantined": "已隔离（未使用）",
             "duplicate": "重复文件（未重复计入）", "superseded": "已被新文件替换", "landed": "处理中",
             "received": "处理中"}
SEVERITY_ZH = {"reject": "退回", "warning": "警告（已接收，该单元格置空）", "info": "提示",
               "quarantine": "整个文件未使用", "blocking": "阻止发布"}
SUMMARY = [("文件名", "file_name"), ("报送单位", "office"), ("文件指纹(SHA-256)", "file_hash"),
           ("首次收到时间", "first_seen"), ("状态", "status"), ("原因", "reason"), ("报送月份", "month"),
           ("报送范围", "scope"), ("读取行数", "rows_read"), ("接收行数", "rows_accepted"),
           ("带警告接收行数", "rows_warned"), ("退回行数", "rows_rejected")]
DETAIL = [("工作表", "sheet"), ("行号", "row"), ("列号", "column_letter"), ("列名", "column_name"),
          ("原值", "value"), ("规则", "rule"), ("处理方式", "severity"), ("问题说明", "message"),
          ("处理建议", "fix")]
FIXED_TIME = datetime(2000, 1, 1)


def receipt_path(ws: Workspace, office: str, file_name: str, file_hash: str) -> Path:
    return ws.outbox / office / f"回执_{Path(file_name).stem}_{file_hash[:8]}.xlsx"


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)


def write_receipt(path: Path, summary: dict[str, object], problems: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                           "strings_to_urls": False})
    book.set_properties({"title": "回执", "created": FIXED_TIME})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("回执")
    for r, (label, key) in enumerate(SUMMARY):
        value = summary.get(key)
        if key == "status":
            value = STATUS_ZH.get(str(value), value)
        sheet.write_string(r, 0, label, bold)
        sheet.write_string(r, 1, _text(value))
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 70)
    detail = book.add_worksheet("问题明细")
    for c, (label, _) in enumerate(DETAIL):
        detail.write_string(0, c, label, bold)
    for r, problem in enumerate(problems, start=1):
        for c, (_, key) in enumerate(DETAIL):
            value = problem.get(key)
            detail.write_string(r, c, SEVERITY_ZH.get(str(value), str(value)) if key == "severity" else _text(value))
    detail.freeze_panes(1, 0)
    book.close()


def shown_values(row: dict[str, object], columns: list[tuple[str, str]]) -> list[object]:
    """The values of `row` a workbook shows (a finding's run id, for one, is not shown)."""
    return [row.get(key) for _, key in columns]


@cache
def _layout_code() -> bytes:
    """The code that lays a workbook out: a change to it rewrites every workbook."""
    here = Path(__file__)
    return here.read_bytes() + here.with_name("corrections.py").read_bytes()


class Outbox:
    """The outbox's workbooks and what each was written from (working table `feedback_file`): read
    once per run, and the workbooks written recorded in one transaction by `save`, not a query and
    a commit per workbook. A run killed before `save` rewrites its workbooks next time."""

    def __init__(self, con: duckdb.DuckDBPyConnection, ws: Workspace) -> None:
        self.con, self.ws = con, ws
        self.known = {path: (digest, size, mtime) for path, digest, size, mtime in con.execute(
            "SELECT outbox_path, content_digest, size, mtime_ns FROM feedback_file").fetchall()}
        self.written: dict[str, tuple[str, int, int]] = {}

    def write_if_changed(self, path: Path, content: object, write: Callable[[], None]) -> bool:
        """Call `write` (which writes `path` from `content`) unless the workbook there was written from
        the same content and layout code and is still as it was left (size, mtime). True if written."""
        key = path.relative_to(self.ws.outbox).as_posix()
        digest = hashlib.sha256(_layout_code() + repr(content).encode()).hexdigest()
        if key in self.known and path.exists():
            stat = path.stat()
            if self.known[key] == (digest, stat.st_size, stat.st_mtime_ns):
                return False
        write()
        stat = path.stat()
        self.written[key] = self.known[key] = (digest, stat.st_size, stat.st_mtime_ns)
        return True

    def save(self) -> None:
        if not self.written:
            return
        rows = [(key, *fields) for key, fields in self.written.items()]
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM feedback_file WHERE list_contains(?, outbox_path)", [list(self.written)])
        self.con.executemany("INSERT INTO feedback_file VALUES (?, ?, ?, ?)", rows)
        self.con.execute("COMMIT")
        self.written.clear()


def write_feedback(ws: Workspace, run_id: str) -> dict[str, int]:
    """The receipt of every file in the ledger and each sender's correction list of the reporting
    month, each written when what it says changed; returns how many were written and kept."""
    from pipelines.corrections import write_correction_lists
    from pipelines.steps import working

    with working(ws) as con:
        outbox = Outbox(con, ws)
        lists = write_correction_lists(ws, con, outbox)
        files = _dicts(con, "SELECT * FROM ledger ORDER BY first_seen, path")
        written = sum(lists.values())
        found: dict[tuple[object, object], list[dict[str, object]]] = {}   # one query, not one per file
        for x in _dicts(con, """SELECT * FROM finding WHERE rule LIKE 'A%' OR rule LIKE 'F%'
                                ORDER BY file_hash, file_name, sheet NULLS FIRST, row NULLS FIRST, column_letter, rule"""):
            found.setdefault((x["file_hash"], x["file_name"]), []).append(x)
        for f in files:
            problems = found.get((f["file_hash"], f["file_name"]), [])
            path = receipt_path(ws, str(f["office"]), str(f["file_name"]), str(f["file_hash"]))
            shown = (shown_values(f, SUMMARY), [shown_values(x, DETAIL) for x in problems])
            written += outbox.write_if_changed(path, shown, partial(write_receipt, path, f, problems))
        outbox.save()
    total = len(files) + len(lists)
    return {"written": written, "unchanged": total - written}


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list[dict[str, object]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
