"""The monthly correction list (纠错清单) per sender: `outbox/<office>/纠错清单_<office>_<YYYY-MM>.xlsx`.

Built from the issue history (pipelines/history.py) for the run's reporting month:

- 汇总 (summary): sender, month, open and resolved counts, then one line per rule (rule id, its
  Chinese title, how it is handled, open, fixed this month);
- 问题清单 (open problems): one line per open problem in the sender's own terms: file name, sheet,
  Excel row, column letter and header, the value, household/person, the rule in plain Chinese and
  what to do. B5 (no row: a person/household the sender must list) names them in the message.
  The registry's list holds its C rules and the registry-row mirrors of D1, D2, D6-D8, D11, D12;
- 已解决 (resolved): problems the sender fixed this month (gone in a later file or run), marked 已解决.

Only rules on the correction list (rules.yaml `correction_list`, default: every severity but info)
appear. Every cell is written as a string (xlsxwriter, no string is ever turned into a formula,
number or link), so a value beginning with = + - @ cannot run in Excel or WPS. Names are
deterministic and the workbook carries a fixed creation time: a rerun rewrites the same file.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

from pipelines.feedback import FIXED_TIME, Outbox
from pipelines.findings import base_rule
from pipelines.history import ensure_table
from pipelines.rules import RULES_PATH
from pipelines.schema import load_schema
from pipelines.validate import Rule, load_rules
from pipelines.workspace import Workspace

COLUMNS = [("序号", "n"), ("文件名", "file_name"), ("工作表", "sheet"), ("行号", "row"), ("列号", "column_letter"),
           ("列名", "column_name"), ("原值", "value"), ("户编号", "household_id"), ("人员编号", "person_id"),
           ("规则", "rule"), ("规则名称", "title"), ("处理方式", "severity"), ("问题说明", "message"),
           ("处理建议", "fix"), ("首次发现月份", "first_seen_month"), ("状态", "status")]
RESOLVED_EXTRA = [("解决月份", "resolved_month")]
SHEETS = ("汇总", "问题清单", "已解决")
SEVERITY_ZH = {"reject": "退回（该行未使用）", "warning": "警告（请核实更正）", "info": "提示",
               "quarantine": "整个文件未使用"}


def list_path(ws: Workspace, office: str, month: str) -> Path:
    return ws.outbox / office / f"纠错清单_{office}_{month}.xlsx"


def _rows(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows of issue_history that match, per office, in the order of a list (one query for the
    offices asked: a query per office cost about 0.1 s each at city scale)."""
    cur = con.execute(f"""SELECT * FROM issue_history WHERE {where}
                          ORDER BY office, file_name NULLS LAST, sheet NULLS FIRST, row NULLS FIRST, column_letter,
                                   rule, household_id, person_id, value""", params)
    names = [d[0] for d in cur.description]
    found: dict[str, list[dict[str, Any]]] = {}
    for r in cur.fetchall():
        row = dict(zip(names, r, strict=True))
        found.setdefault(row["office"], []).append(row)
    return found


def _listed(rows: list[dict[str, Any]], rules: dict[str, Rule]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        rule = rules.get(base_rule(r["rule"]))
        if rule is not None and rule.section in "FABCD" and rule.on_correction_list:
            out.append({**r, "title": rule.title_zh})
    return out


def problems(con: duckdb.DuckDBPyConnection, month: str,
             offices: list[str] | None = None) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """office -> (open problems, problems fixed in `month`) on its correction list, for `offices`
    (default: every office); an office with neither is absent."""
    rules = load_rules()
    scope = "" if offices is None else " AND list_contains($offices, office)"
    asked: dict[str, Any] = {} if offices is None else {"offices": offices}
    still = _rows(con, "resolved_run IS NULL" + scope, asked)
    fixed = _rows(con, "resolved_month = $month AND resolution = 'fixed'" + scope, {**asked, "month": month})
    return {office: (_listed(still.get(office, []), rules), _listed(fixed.get(office, []), rules))
            for office in sorted(still.keys() | fixed.keys())}


def _sources(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, tuple[int, int]]:
    """office -> (rows, sum of row hashes) of the issue_history columns its list shows, over the rows
    `problems` reads: a list is written from what it shows, so equal sums (and the same rules and
    layout code) mean an equal workbook, and its rows need not be read (city: 0.4 s of Python per run)."""
    shown = [key for _, key in COLUMNS + RESOLVED_EXTRA if key in load_schema().table_columns("issue_history")]
    return {office: (n, h) for office, n, h in con.execute(f"""
        SELECT office, count(*), sum(hash(resolved_run IS NULL, {', '.join(shown)})::HUGEINT) FROM issue_history
        WHERE resolved_run IS NULL OR (resolved_month = $month AND resolution = 'fixed') GROUP BY office""",
        {"month": month}).fetchall()}


def _write_office(con: duckdb.DuckDBPyConnection, path: Path, office: str, month: str) -> None:
    still, fixed = problems(con, month, [office]).get(office, ([], []))
    write_correction_list(path, office, month, still, fixed)


def write_correction_list(path: Path, office: str, month: str, still: list[dict[str, Any]],
                          fixed: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                           "strings_to_urls": False})
    book.set_properties({"title": f"纠错清单 {office} {month}", "created": FIXED_TIME})
    bold = book.add_format({"bold": True})
    _summary(book.add_worksheet(SHEETS[0]), bold, office, month, still, fixed)
    _table(book.add_worksheet(SHEETS[1]), bold, COLUMNS, still, "未解决")
    _table(book.add_worksheet(SHEETS[2]), bold, COLUMNS + RESOLVED_EXTRA, fixed, "已解决")
    book.close()


def _summary(sheet: Any, bold: Any, office: str, month: str, still: list[dict[str, Any]],
             fixed: list[dict[str, Any]]) -> None:
    head = [("报送单位", office), ("月份", month), ("未解决问题数", str(len(still))),
            ("本月已解决问题数", str(len(fixed))),
            ("说明", "请按“问题清单”逐条核实更正，更正后的文件按原样式重新报送；已更正的问题会列入“已解决”。")]
    for r, (label, value) in enumerate(head):
        sheet.write_string(r, 0, label, bold)
        sheet.write_string(r, 1, value)
    top = len(head) + 1
    for c, label in enumerate(("规则", "规则名称", "处理方式", "未解决", "本月已解决")):
        sheet.write_string(top, c, label, bold)
    rules = load_rules()
    open_by, fixed_by = Counter(base_rule(p["rule"]) for p in still), Counter(base_rule(p["rule"]) for p in fixed)
    for r, rid in enumerate(sorted(set(open_by) | set(fixed_by), key=_rule_order), start=top + 1):
        sheet.write_string(r, 0, rid)
        sheet.write_string(r, 1, rules[rid].title_zh)
        sheet.write_string(r, 2, SEVERITY_ZH.get(rules[rid].severity, rules[rid].severity))
        sheet.write_number(r, 3, open_by[rid])
        sheet.write_number(r, 4, fixed_by[rid])
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 40)


def _rule_order(rule: str) -> tuple[int, int]:
    return "FABCDE".find(rule[0]), int(rule[1:]) if rule[1:].isdigit() else 0


def _table(sheet: Any, bold: Any, columns: list[tuple[str, str]], rows: list[dict[str, Any]], status: str) -> None:
    for c, (label, _) in enumerate(columns):
        sheet.write_string(0, c, label, bold)
    for i, row in enumerate(rows, start=1):
        values = {**row, "n": i, "status": status, "severity": SEVERITY_ZH.get(str(row["severity"]), row["severity"])}
        for c, (_, key) in enumerate(columns):
            value = values.get(key)
            sheet.write_string(i, c, "" if value is None else str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def write_correction_lists(ws: Workspace, con: duckdb.DuckDBPyConnection, outbox: Outbox) -> dict[Path, bool]:
    """One list per sender with a file in the ledger or a problem in the history, for the reporting
    month: path -> whether it was written (False: it already says this; feedback.Outbox)."""
    ensure_table(con)
    context = con.execute("SELECT reporting_month FROM run_context").fetchall()
    if not context:
        return {}
    month = str(context[0][0])
    offices = [o for (o,) in con.execute("""SELECT office FROM ledger UNION SELECT office FROM issue_history
                                            ORDER BY 1""").fetchall() if o and o != "data_office"]
    written, sources, rules = {}, _sources(con, month), RULES_PATH.read_bytes()
    for office in offices:
        path = list_path(ws, office, month)
        written[path] = outbox.write_if_changed(path, (office, month, sources.get(office), rules),
                                                partial(_write_office, con, path, office, month))
    return written
