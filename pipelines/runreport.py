"""Run report: one static HTML page per run, for the people who lead the work, not the analysts.

`write_run_report` writes `state/reports/<run_id>.html` and copies it to `outbox/run-report.html`
(the latest). The page is self-contained: inline CSS, charts as inline SVG drawn here, no script,
no font, image or stylesheet fetched from anywhere. It shows the headline numbers with their trend
over published versions, the county exit tests against their thresholds, who submitted on time
per month and the open problems by rule and sender. Both databases are opened read-only; without
a published database (a first run that was blocked) it says so and shows what it can.
"""

from __future__ import annotations

import html
import math
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.rules import load_rules
from pipelines.status import SenderStatus, due_days, sender_status
from pipelines.workspace import Workspace

__all__ = ["render_report", "write_run_report"]
Con = duckdb.DuckDBPyConnection
NOT_PUBLISHED = "尚未发布 / not published yet"
HEADLINE = {"households": "Households", "people": "People", "poor_people": "Poor people",
            "poverty_incidence": "Poverty incidence", "exit_ready_rate": "Households meeting exit standard",
            "insurance_rate": "Poor people insured", "safe_housing_rate": "Safe housing", "road_rate": "Paved roads"}
TESTED_EN = {"poverty_incidence": "Poverty incidence", "road_rate": "Villages with paved roads",
             "tap_water_rate": "Tap water", "power_rate": "Electricity", "safe_housing_rate": "Safe housing",
             "insurance_rate": "Health insurance", "exit_water_pass_rate": "Safe drinking water",
             "clinic_rate": "Village clinics"}
VERDICTS = {"on_time": ("按时", "on time", "#3a9d5d"), "late": ("逾期", "late", "#e8a33d"),
            "missing": ("缺报", "missing", "#d64545")}
SEVERITIES = {"blocking": ("阻止发布", "blocking", "#7b1fa2"), "quarantine": ("整个文件未用", "quarantine", "#6d4c41"),
              "reject": ("退回", "reject", "#d64545"), "warning": ("警告", "warning", "#e8a33d"),
              "info": ("提示", "info", "#7a9cc6")}
PASS, FAIL, NA, INK, PALE = "#3a9d5d", "#d64545", "#b0b7c3", "#1f5fa8", "#eef1f5"
OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
CSS = """body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;background:#f4f6f9;color:#1d2733}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 12px;
border-left:5px solid #1f5fa8;padding-left:10px}h3{font-size:15px;margin:0 0 6px}.en{color:#5b6777;font-weight:normal}
.sub{color:#5b6777;margin:0 0 12px}.grid{display:flex;flex-wrap:wrap;gap:14px}.card{background:#fff;border-radius:8px;
padding:14px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}.kpi{width:230px}.kpi .v{font-size:28px;font-weight:bold}
.kpi .d{font-size:12px;color:#5b6777}.banner{padding:10px 14px;border-radius:6px;background:#e8f1fb;margin:12px 0}
.banner.warn{background:#fdeaea}.none{color:#8a94a3;font-style:italic}table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #dde3ea;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}
footer{margin-top:36px;font-size:12px;color:#5b6777;line-height:1.7}svg text{font-size:12px;fill:#1d2733}"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@contextmanager
def _open(path: Path) -> Iterator[Con | None]:
    """A read-only connection, or None when the database does not exist yet."""
    if not path.exists():
        yield None
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _has(con: Con, table: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchall()[0][0])


def _fmt(value: float | None, unit: str | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%" if unit == "%" else f"{value:,.0f} {unit or ''}".strip()


def _none(text: str = NOT_PUBLISHED) -> str:
    return f'<p class="none">{_e(text)}</p>'


def _svg(width: float, height: float, body: Sequence[str], label: str) -> str:
    return (f'<svg viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
            f'aria-label="{_e(label)}">{"".join(body)}</svg>')


def _text(x: float, y: float, text: object, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{_e(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str = "") -> str:
    tip = f"<title>{_e(title)}</title>" if title else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}" rx="2">{tip}</rect>'


def _sparkline(points: Sequence[tuple[str, float]]) -> str:
    """The metric over the published versions (oldest first); one version: a single dot."""
    w, h, pad = 196.0, 44.0, 5.0
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    step = (w - 2 * pad) / max(len(values) - 1, 1)
    xy = [(pad + i * step if len(values) > 1 else w / 2, h / 2 if hi == lo else h - pad - (v - lo) / (hi - lo) * (h - 2 * pad))
          for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{INK}"><title>{_e(ver)}: {v:,.2f}</title></circle>'
            for (x, y), (ver, v) in zip(xy, points, strict=True)]
    body = [f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>', *dots]
    return _svg(w, h, body, f"趋势 / trend over {len(values)} versions")


def _kpi(metric: str, label: str, value: float | None, unit: str | None, points: Sequence[tuple[str, float]]) -> str:
    """One headline number: its value, its trend over versions, the change against the previous one."""
    if len(points) > 1:
        diff = points[-1][1] - points[-2][1]
        change = f"{diff:+.1f} 个百分点 pp" if unit == "%" else f"{diff:+,.0f} {unit or ''}"
        delta = f"较上一版本 vs previous version: {change}"
    else:
        delta = "仅一个发布版本 / one published version so far" if points else "暂无数据 / no data"
    return (f'<div class="card kpi"><h3>{_e(label)} <span class="en">{_e(HEADLINE[metric])}</span></h3>'
            f'<div class="v">{_e(_fmt(value, unit))}</div>{_sparkline(points) if points else ""}'
            f'<div class="d">{_e(delta.strip())}</div></div>')


def _headline(pub: Con | None) -> str:
    if pub is None:
        return _none()
    names = list(HEADLINE)
    marks = ",".join("?" * len(names))
    now = pub.execute(f"SELECT metric, metric_label, value, unit FROM metrics WHERE level = 'city' "
                      f"AND metric IN ({marks})", names).fetchall()
    trend: dict[str, list[tuple[str, float]]] = {}
    for metric, version, value in pub.execute(
            f"SELECT h.metric, concat(v.reporting_month, ' · ', h.version), h.value FROM metrics_history h "
            f"JOIN versions v USING (version) "
            f"WHERE h.level = 'city' AND h.metric IN ({marks}) AND h.value IS NOT NULL "
            f"ORDER BY v.published_at", names).fetchall():
        trend.setdefault(metric, []).append((version, value))
    cards = [_kpi(metric, label, value, unit, trend.get(metric, []))
             for metric, label, value, unit in sorted(now, key=lambda r: names.index(r[0]))]
    return f'<div class="grid">{"".join(cards)}</div>' if cards else _none("无指标 / no metrics")


TESTS_SQL = """
SELECT t.metric, coalesce(r.metric, t.metric), coalesce(r.metric_label, t.metric_label), t.threshold,
       t.name, r.value, t.passed
FROM metrics t LEFT JOIN metrics r ON r.level = t.level AND r.code = t.code
     AND r.metric = CASE WHEN t.kind = 'test' THEN t.numerator_metric ELSE t.metric END
WHERE t.level = 'county' AND t.threshold IS NOT NULL
ORDER BY t.metric, t.code
"""


def _nice(value: float) -> float:
    """A round axis end at or above `value` (1, 1.5, 2, 3, 5 x a power of ten)."""
    step = 10.0 ** math.floor(math.log10(value)) if value > 0 else 1.0
    return next(m * step for m in (1, 1.5, 2, 3, 5, 10) if m * step >= value)


def _threshold_chart(rows: Sequence[tuple[str, float | None, bool | None]], op: str, limit: float) -> str:
    """Horizontal bars per county, green passed / red failed, and a dashed line at the threshold."""
    label_w, plot_w, row_h, top_h = 80.0, 300.0, 24.0, 20.0
    top = 100.0 if op.startswith(">") else _nice(max([limit, *(v or 0.0 for _, v, _ in rows)]) * 1.05)
    x_of = lambda v: label_w + plot_w * min(max(v, 0.0), top) / top  # noqa: E731
    height = top_h + row_h * len(rows) + 18
    body = [_text(x_of(t), height - 4, f"{t:g}", "middle", ' class="tick"') for t in (0.0, top / 2, top)]
    for i, (name, value, passed) in enumerate(rows):
        y = top_h + i * row_h
        colour = NA if passed is None else PASS if passed else FAIL
        verdict = "未能计算 / n/a" if passed is None else "达标 / pass" if passed else "未达标 / fail"
        body += [_text(label_w - 6, y + 12, name, "end", ' class="county"'),
                 _rect(label_w, y, plot_w, row_h - 8, PALE),
                 _rect(label_w, y, x_of(value or 0.0) - label_w, row_h - 8, colour, f"{name}: {_fmt(value, '%')} {verdict}"),
                 _text(label_w + plot_w + 8, y + 12, _fmt(value, "%"))]
    tx, sign = x_of(limit), OPS.get(op, op)
    body += [f'<line class="threshold" data-threshold="{limit:g}" x1="{tx:.1f}" y1="{top_h - 4:.1f}" x2="{tx:.1f}" '
             f'y2="{height - 16:.1f}" stroke="#1d2733" stroke-width="1.5" stroke-dasharray="5 3"/>',
             _text(tx, 12, f"达标线 threshold {sign} {limit:g}%", "end" if tx > label_w + plot_w / 2 else "start")]
    return _svg(label_w + plot_w + 60, height, body, f"threshold {sign} {limit:g}%")


def _thresholds(pub: Con | None) -> str:
    if pub is None:
        return _none()
    groups: dict[str, list[tuple[str, str, str, str, float | None, bool | None]]] = {}
    for test, rate, label, threshold, name, value, passed in pub.execute(TESTS_SQL).fetchall():
        groups.setdefault(test, []).append((rate, label, threshold, name, value, passed))
    cards = []
    for rows in groups.values():
        rate, label, threshold = rows[0][:3]
        found = re.fullmatch(r"\s*([<>]=?)\s*(-?[0-9.]+)\s*", threshold)
        if found is None:
            continue
        passed = sum(1 for r in rows if r[5])
        cards.append(f'<div class="card"><h3>{_e(label)} <span class="en">{_e(TESTED_EN.get(rate, rate))}</span></h3>'
                     f'<p class="sub">达标标准 threshold {_e(OPS.get(found[1], found[1]))} {float(found[2]):g}% · '
                     f'达标县 counties passing {passed}/{len(rows)}</p>'
                     f'{_threshold_chart([(r[3], r[4], r[5]) for r in rows], found[1], float(found[2]))}</div>')
    return f'<div class="grid">{"".join(cards)}</div>' if cards else _none("无检验指标 / no tested metrics")


def _legend(items: Sequence[tuple[str, str]]) -> str:
    body = []
    for i, (label, colour) in enumerate(items):
        body += [_rect(i * 150, 4, 14, 14, colour), _text(i * 150 + 20, 16, label)]
    return _svg(150 * len(items), 22, body, "图例 / legend")


def _completeness(work: Con | None) -> str:
    if work is None or not _has(work, "ledger"):
        return _none("尚无运行数据 / no run data yet")
    months = [m for (m,) in work.execute("SELECT DISTINCT month FROM ledger WHERE regexp_full_match(month, ?) "
                                         "ORDER BY month", [r"\d{4}-\d{2}"]).fetchall()]
    if not months:
        return _none("尚无带月份的文件 / no file with a month yet")
    days = due_days()
    grid = {m: {s.office: s for s in sender_status(work, m, days)} for m in months}
    legend = _legend([(f"{zh} {en}", colour) for zh, en, colour in VERDICTS.values()])
    return f'<div class="card">{_heatmap(sorted(days), months, grid)}{legend}</div>'


def _heatmap(senders: Sequence[str], months: Sequence[str], grid: dict[str, dict[str, SenderStatus]]) -> str:
    label_w, cell_w, cell_h = 130.0, 86.0, 26.0
    body = [_text(label_w + i * cell_w + cell_w / 2, 16, month, "middle") for i, month in enumerate(months)]
    for j, office in enumerate(senders):
        y = 24 + j * cell_h
        body.append(_text(label_w - 8, y + 17, office, "end", ' class="sender"'))
        for i, month in enumerate(months):
            status = grid[month].get(office)
            verdict = status.verdict if status else "missing"
            zh, en, colour = VERDICTS[verdict]
            when = status.submitted_at if status and status.submitted_at else "—"
            tip = f"{office} {month}: {zh} {en}; submitted {when}; due {status.due if status else '—'}"
            x = label_w + i * cell_w
            body += [_rect(x + 2, y + 2, cell_w - 4, cell_h - 4, colour, tip),
                     _text(x + cell_w / 2, y + 17, zh, "middle", ' style="fill:#fff"')]
    return _svg(label_w + cell_w * len(months) + 10, 30 + cell_h * len(senders), body, "报送完整性 / completeness")


def _problem_rows(pub: Con | None, work: Con | None, run_id: str) -> tuple[list[tuple[str, str, str, int]], str]:
    """(rule, severity, office, count): the analysts' open issues, else this run's findings."""
    sql = "SELECT coalesce(rule, '?'), coalesce(severity, 'info'), coalesce(office, '—'), count(*) FROM {} GROUP BY ALL"
    if pub is not None:
        return pub.execute(sql.format("issues")).fetchall(), "来源：已发布问题清单 / source: published issues"
    if work is not None and _has(work, "finding"):
        rows = work.execute(sql.format("finding WHERE run_id = ?"), [run_id]).fetchall()
        return rows, f"{NOT_PUBLISHED}；来源：本次运行发现 / source: this run's findings"
    return [], NOT_PUBLISHED


def _rule_chart(rows: Sequence[tuple[str, str, str, int]]) -> str:
    """One stacked bar per rule (base id), segments by severity."""
    titles = {rid: rule.title_zh for rid, rule in load_rules().items()}
    per: dict[str, dict[str, int]] = {}
    for rule, severity, _office, n in rows:
        bucket = per.setdefault(rule.split(".")[0], {})
        bucket[severity] = bucket.get(severity, 0) + n
    order = sorted(per, key=lambda r: (-sum(per[r].values()), r))
    label_w, plot_w, row_h = 230.0, 520.0, 22.0
    most = max(sum(v.values()) for v in per.values())
    body = []
    for i, rid in enumerate(order):
        y, x = 4 + i * row_h, label_w
        body.append(_text(label_w - 8, y + 12, f"{rid} {titles.get(rid, '')}", "end", ' class="rule"'))
        for severity, (zh, en, colour) in SEVERITIES.items():
            n = per[rid].get(severity, 0)
            if n:
                body.append(_rect(x, y, plot_w * n / most, row_h - 6, colour, f"{rid} {zh} {en}: {n}"))
                x += plot_w * n / most
        body.append(_text(x + 4, y + 12, sum(per[rid].values())))
    return _svg(label_w + plot_w + 50, 8 + row_h * len(order), body, "问题按规则 / problems by rule")


def _sender_table(rows: Sequence[tuple[str, str, str, int]]) -> str:
    cells: dict[str, dict[str, int]] = {}
    for _rule, severity, office, n in rows:
        cells.setdefault(office, {})[severity] = cells.get(office, {}).get(severity, 0) + n
    shown = [s for s in SEVERITIES if any(s in c for c in cells.values())]
    head = "".join(f"<th>{_e(SEVERITIES[s][0])}<br><span class='en'>{_e(SEVERITIES[s][1])}</span></th>" for s in shown)
    body = []
    for office in sorted(cells, key=lambda o: (-sum(cells[o].values()), o)):
        tds = "".join(f"<td>{cells[office].get(s, 0) or ''}</td>" for s in shown)
        body.append(f"<tr><td>{_e(office)}</td>{tds}<td><b>{sum(cells[office].values())}</b></td></tr>")
    return (f"<table><tr><th>报送单位 <span class='en'>sender</span></th>{head}"
            f"<th>合计 <span class='en'>total</span></th></tr>{''.join(body)}</table>")


def _problems(pub: Con | None, work: Con | None, run_id: str) -> str:
    rows, source = _problem_rows(pub, work, run_id)
    if not rows:
        return _none(source if pub is None and work is None else "无问题 / no open problems")
    legend = _legend([(f"{zh} {en}", colour) for zh, en, colour in SEVERITIES.values()])
    return (f'<p class="sub">{_e(source)}</p><div class="card"><h3>按规则 <span class="en">by rule</span></h3>'
            f'{legend}{_rule_chart(rows)}</div><div class="card" style="margin-top:14px"><h3>按报送单位与处理方式 '
            f'<span class="en">by sender and severity</span></h3>{_sender_table(rows)}</div>')


def _run_facts(pub: Con | None, work: Con | None, run_id: str) -> dict[str, str]:
    facts = {"run_id": run_id, "version": "—", "published_at": "—", "month": "—", "run_version": "—"}
    if pub is not None:
        for version, published_at, month in pub.execute(
                "SELECT version, published_at, reporting_month FROM versions ORDER BY published_at DESC LIMIT 1").fetchall():
            facts.update(version=str(version), published_at=f"{published_at:%Y-%m-%d %H:%M}", month=str(month))
    if work is not None and _has(work, "run_context"):
        for month, version in work.execute("SELECT reporting_month, version_id FROM run_context WHERE run_id = ?",
                                           [run_id]).fetchall():
            facts.update(run_version=str(version), month=str(month))
    return facts


def _banner(facts: dict[str, str]) -> str:
    if facts["version"] == "—":
        return f'<div class="banner warn">{_e(NOT_PUBLISHED)}：本次运行未能发布 / this run could not publish</div>'
    if facts["run_version"] not in ("—", facts["version"]):
        return (f'<div class="banner warn">本次运行未发布，以下为上一发布版本 {_e(facts["version"])} / this run did not '
                f'publish; figures are from the last published version</div>')
    return f'<div class="banner">已发布版本 published version {_e(facts["version"])} · {_e(facts["published_at"])}</div>'


def _section(zh: str, en: str, content: str) -> str:
    return f'<section><h2>{_e(zh)} <span class="en">{_e(en)}</span></h2>{content}</section>'


def _footer(ws: Workspace, facts: dict[str, str]) -> str:
    lines = [("运行编号 / run id", facts["run_id"]), ("发布版本 / version", facts["version"]),
             ("生成时间 / generated", datetime.now().astimezone().isoformat(timespec="seconds")),
             ("数据文档 / Data Docs", ws.state / "gx" / facts["run_id"] / "docs" / "index.html"),
             ("反馈回执 / feedback folder", ws.outbox)]
    return "<footer>" + "<br>".join(f"{_e(k)}: {_e(v)}" for k, v in lines) + "</footer>"


def render_report(ws: Workspace, run_id: str) -> str:
    """The report page for `run_id`, as one self-contained HTML string."""
    with _open(ws.published_db) as pub, _open(ws.working_db) as work:
        facts = _run_facts(pub, work, run_id)
        sections = [_section("一、核心指标及趋势", "Headline numbers and trend", _headline(pub)),
                    _section("二、县级脱贫检验达标情况", "County exit tests against thresholds", _thresholds(pub)),
                    _section("三、各单位报送完整性", "Submission completeness by sender and month", _completeness(work)),
                    _section("四、问题分布", "Open problems by rule and sender", _problems(pub, work, run_id))]
    title = f"脱贫攻坚数据运行报告 Run report · {facts['month']}"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
            f'<body><main><h1>{_e(title)}</h1><p class="sub">报告月份 reporting month {_e(facts["month"])} · '
            f'运行 run {_e(run_id)}</p>{_banner(facts)}{"".join(sections)}{_footer(ws, facts)}</main></body></html>')


def write_run_report(ws: Workspace, run_id: str) -> Path:
    """Write `state/reports/<run_id>.html` and copy it to `outbox/run-report.html`; returns the first."""
    target = ws.state / "reports" / f"{run_id}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(ws, run_id), encoding="utf-8")
    latest = ws.outbox / "run-report.html"
    latest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, latest)
    return target
