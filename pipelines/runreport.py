"""Run report: one static HTML page per run, for the people who lead the work, not the analysts.

`write_run_report` writes `state/reports/<run_id>.html` and copies it to `outbox/run-report.html`
(the latest). The page is self-contained: inline CSS, charts as inline SVG (pipelines.charts), no script,
no font, image or stylesheet fetched from anywhere. It shows the headline numbers with their trend
over published versions, the county exit tests against their thresholds, who submitted on time
per month and the open problems by rule and sender. Both databases are opened read-only; without
a published database (a first run that was blocked) it says so and shows what it can.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines import charts
from pipelines.charts import OPS, SEVERITIES, VERDICTS, escape, fmt
from pipelines.status import due_days, sender_status
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
CSS = """body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;background:#f4f6f9;color:#1d2733}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 12px;
border-left:5px solid #1f5fa8;padding-left:10px}h3{font-size:15px;margin:0 0 6px}.en{color:#5b6777;font-weight:normal}
.sub{color:#5b6777;margin:0 0 12px}.grid{display:flex;flex-wrap:wrap;gap:14px}.card{background:#fff;border-radius:8px;
padding:14px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}.kpi{width:230px}.kpi .v{font-size:28px;font-weight:bold}
.kpi .d{font-size:12px;color:#5b6777}.banner{padding:10px 14px;border-radius:6px;background:#e8f1fb;margin:12px 0}
.banner.warn{background:#fdeaea}.none{color:#8a94a3;font-style:italic}table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #dde3ea;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}
footer{margin-top:36px;font-size:12px;color:#5b6777;line-height:1.7}svg text{font-size:12px;fill:#1d2733}"""


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


def _none(text: str = NOT_PUBLISHED) -> str:
    return f'<p class="none">{escape(text)}</p>'


def _kpi(metric: str, label: str, value: float | None, unit: str | None, points: Sequence[tuple[str, float]]) -> str:
    """One headline number: its value, its trend over versions, the change against the previous one."""
    if len(points) > 1:
        diff = points[-1][1] - points[-2][1]
        change = f"{diff:+.1f} 个百分点 pp" if unit == "%" else f"{diff:+,.0f} {unit or ''}"
        delta = f"较上一版本 vs previous version: {change}"
    else:
        delta = "仅一个发布版本 / one published version so far" if points else "暂无数据 / no data"
    return (f'<div class="card kpi"><h3>{escape(label)} <span class="en">{escape(HEADLINE[metric])}</span></h3>'
            f'<div class="v">{escape(fmt(value, unit))}</div>{charts.sparkline(points) if points else ""}'
            f'<div class="d">{escape(delta.strip())}</div></div>')


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
        cards.append(f'<div class="card"><h3>{escape(label)} <span class="en">{escape(TESTED_EN.get(rate, rate))}</span></h3>'
                     f'<p class="sub">达标标准 threshold {escape(OPS.get(found[1], found[1]))} {float(found[2]):g}% · '
                     f'达标县 counties passing {passed}/{len(rows)}</p>'
                     f'{charts.threshold_chart([(r[3], r[4], r[5]) for r in rows], found[1], float(found[2]))}</div>')
    return f'<div class="grid">{"".join(cards)}</div>' if cards else _none("无检验指标 / no tested metrics")


def _completeness(work: Con | None) -> str:
    if work is None or not _has(work, "ledger"):
        return _none("尚无运行数据 / no run data yet")
    months = [m for (m,) in work.execute("SELECT DISTINCT month FROM ledger WHERE regexp_full_match(month, ?) "
                                         "ORDER BY month", [r"\d{4}-\d{2}"]).fetchall()]
    if not months:
        return _none("尚无带月份的文件 / no file with a month yet")
    days = due_days()
    grid = {m: {s.office: s for s in sender_status(work, m, days)} for m in months}
    legend = charts.legend([(f"{zh} {en}", colour) for zh, en, colour in VERDICTS.values()])
    return f'<div class="card">{charts.heatmap(sorted(days), months, grid)}{legend}</div>'


def _problem_rows(pub: Con | None, work: Con | None, run_id: str) -> tuple[list[tuple[str, str, str, int]], str]:
    """(rule, severity, office, count): the analysts' open issues, else this run's findings."""
    sql = "SELECT coalesce(rule, '?'), coalesce(severity, 'info'), coalesce(office, '—'), count(*) FROM {} GROUP BY ALL"
    if pub is not None:
        return pub.execute(sql.format("issues")).fetchall(), "来源：已发布问题清单 / source: published issues"
    if work is not None and _has(work, "finding"):
        rows = work.execute(sql.format("finding WHERE run_id = ?"), [run_id]).fetchall()
        return rows, f"{NOT_PUBLISHED}；来源：本次运行发现 / source: this run's findings"
    return [], NOT_PUBLISHED


def _sender_table(rows: Sequence[tuple[str, str, str, int]]) -> str:
    cells: dict[str, dict[str, int]] = {}
    for _rule, severity, office, n in rows:
        cells.setdefault(office, {})[severity] = cells.get(office, {}).get(severity, 0) + n
    shown = [s for s in SEVERITIES if any(s in c for c in cells.values())]
    head = "".join(f"<th>{escape(SEVERITIES[s][0])}<br><span class='en'>{escape(SEVERITIES[s][1])}</span></th>" for s in shown)
    body = []
    for office in sorted(cells, key=lambda o: (-sum(cells[o].values()), o)):
        tds = "".join(f"<td>{cells[office].get(s, 0) or ''}</td>" for s in shown)
        body.append(f"<tr><td>{escape(office)}</td>{tds}<td><b>{sum(cells[office].values())}</b></td></tr>")
    return (f"<table><tr><th>报送单位 <span class='en'>sender</span></th>{head}"
            f"<th>合计 <span class='en'>total</span></th></tr>{''.join(body)}</table>")


def _problems(pub: Con | None, work: Con | None, run_id: str) -> str:
    rows, source = _problem_rows(pub, work, run_id)
    if not rows:
        return _none(source if pub is None and work is None else "无问题 / no open problems")
    legend = charts.legend([(f"{zh} {en}", colour) for zh, en, colour in SEVERITIES.values()])
    return (f'<p class="sub">{escape(source)}</p><div class="card"><h3>按规则 <span class="en">by rule</span></h3>'
            f'{legend}{charts.rule_chart(rows)}</div><div class="card" style="margin-top:14px"><h3>按报送单位与处理方式 '
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
        return f'<div class="banner warn">{escape(NOT_PUBLISHED)}：本次运行未能发布 / this run could not publish</div>'
    if facts["run_version"] not in ("—", facts["version"]):
        return (f'<div class="banner warn">本次运行未发布，以下为上一发布版本 {escape(facts["version"])} / this run did not '
                f'publish; figures are from the last published version</div>')
    return f'<div class="banner">已发布版本 published version {escape(facts["version"])} · {escape(facts["published_at"])}</div>'


def _section(zh: str, en: str, content: str) -> str:
    return f'<section><h2>{escape(zh)} <span class="en">{escape(en)}</span></h2>{content}</section>'


def _footer(ws: Workspace, facts: dict[str, str]) -> str:
    lines = [("运行编号 / run id", facts["run_id"]), ("发布版本 / version", facts["version"]),
             ("生成时间 / generated", datetime.now().astimezone().isoformat(timespec="seconds")),
             ("数据文档 / Data Docs", ws.state / "gx" / facts["run_id"] / "docs" / "index.html"),
             ("反馈回执 / feedback folder", ws.outbox)]
    return "<footer>" + "<br>".join(f"{escape(k)}: {escape(v)}" for k, v in lines) + "</footer>"


def render_report(ws: Workspace, run_id: str) -> str:
    """The report page for `run_id`, as one self-contained HTML string."""
    with _open(ws.published_db) as pub, _open(ws.working_db) as work:
        facts = _run_facts(pub, work, run_id)
        sections = [_section("一、核心指标及趋势", "Headline numbers and trend", _headline(pub)),
                    _section("二、县级脱贫检验达标情况", "County exit tests against thresholds", _thresholds(pub)),
                    _section("三、各单位报送完整性", "Submission completeness by sender and month", _completeness(work)),
                    _section("四、问题分布", "Open problems by rule and sender", _problems(pub, work, run_id))]
    title = f"脱贫攻坚数据运行报告 Run report · {facts['month']}"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
            f'<body><main><h1>{escape(title)}</h1><p class="sub">报告月份 reporting month {escape(facts["month"])} · '
            f'运行 run {escape(run_id)}</p>{_banner(facts)}{"".join(sections)}{_footer(ws, facts)}</main></body></html>')


def write_run_report(ws: Workspace, run_id: str) -> Path:
    """Write `state/reports/<run_id>.html` and copy it to `outbox/run-report.html`; returns the first."""
    target = ws.state / "reports" / f"{run_id}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(ws, run_id), encoding="utf-8")
    latest = ws.outbox / "run-report.html"
    latest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, latest)
    return target
