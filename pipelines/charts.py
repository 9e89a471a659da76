"""The run report's charts: inline SVG drawn here (no script, no font or image fetched), with the
colours and labels they share with the page (pipelines.runreport)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from pipelines.rules import load_rules
from pipelines.status import SenderStatus

VERDICTS = {"on_time": ("按时", "on time", "#3a9d5d"), "late": ("逾期", "late", "#e8a33d"),
            "missing": ("缺报", "missing", "#d64545")}
SEVERITIES = {"blocking": ("阻止发布", "blocking", "#7b1fa2"), "quarantine": ("整个文件未用", "quarantine", "#6d4c41"),
              "reject": ("退回", "reject", "#d64545"), "warning": ("警告", "warning", "#e8a33d"),
              "info": ("提示", "info", "#7a9cc6")}
PASS, FAIL, NA, INK, PALE = "#3a9d5d", "#d64545", "#b0b7c3", "#1f5fa8", "#eef1f5"
OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def fmt(value: float | None, unit: str | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%" if unit == "%" else f"{value:,.0f} {unit or ''}".strip()


def svg(width: float, height: float, body: Sequence[str], label: str) -> str:
    return (f'<svg viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
            f'aria-label="{escape(label)}">{"".join(body)}</svg>')


def svg_text(x: float, y: float, text: object, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def rect(x: float, y: float, w: float, h: float, fill: str, title: str = "") -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}" rx="2">{tip}</rect>'


def sparkline(points: Sequence[tuple[str, float]]) -> str:
    """The metric over the published versions (oldest first); one version: a single dot."""
    w, h, pad = 196.0, 44.0, 5.0
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    step = (w - 2 * pad) / max(len(values) - 1, 1)
    xy = [(pad + i * step if len(values) > 1 else w / 2, h / 2 if hi == lo else h - pad - (v - lo) / (hi - lo) * (h - 2 * pad))
          for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{INK}"><title>{escape(ver)}: {v:,.2f}</title></circle>'
            for (x, y), (ver, v) in zip(xy, points, strict=True)]
    body = [f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>', *dots]
    return svg(w, h, body, f"趋势 / trend over {len(values)} versions")


def nice(value: float) -> float:
    """A round axis end at or above `value` (1, 1.5, 2, 3, 5 x a power of ten)."""
    step = 10.0 ** math.floor(math.log10(value)) if value > 0 else 1.0
    return next(m * step for m in (1, 1.5, 2, 3, 5, 10) if m * step >= value)


def threshold_chart(rows: Sequence[tuple[str, float | None, bool | None]], op: str, limit: float) -> str:
    """Horizontal bars per county, green passed / red failed, and a dashed line at the threshold."""
    label_w, plot_w, row_h, top_h = 80.0, 300.0, 24.0, 20.0
    top = 100.0 if op.startswith(">") else nice(max([limit, *(v or 0.0 for _, v, _ in rows)]) * 1.05)
    x_of = lambda v: label_w + plot_w * min(max(v, 0.0), top) / top  # noqa: E731
    height = top_h + row_h * len(rows) + 18
    body = [svg_text(x_of(t), height - 4, f"{t:g}", "middle", ' class="tick"') for t in (0.0, top / 2, top)]
    for i, (name, value, passed) in enumerate(rows):
        y = top_h + i * row_h
        colour = NA if passed is None else PASS if passed else FAIL
        verdict = "未能计算 / n/a" if passed is None else "达标 / pass" if passed else "未达标 / fail"
        body += [svg_text(label_w - 6, y + 12, name, "end", ' class="county"'),
                 rect(label_w, y, plot_w, row_h - 8, PALE),
                 rect(label_w, y, x_of(value or 0.0) - label_w, row_h - 8, colour, f"{name}: {fmt(value, '%')} {verdict}"),
                 svg_text(label_w + plot_w + 8, y + 12, fmt(value, "%"))]
    tx, sign = x_of(limit), OPS.get(op, op)
    body += [f'<line class="threshold" data-threshold="{limit:g}" x1="{tx:.1f}" y1="{top_h - 4:.1f}" x2="{tx:.1f}" '
             f'y2="{height - 16:.1f}" stroke="#1d2733" stroke-width="1.5" stroke-dasharray="5 3"/>',
             svg_text(tx, 12, f"达标线 threshold {sign} {limit:g}%", "end" if tx > label_w + plot_w / 2 else "start")]
    return svg(label_w + plot_w + 60, height, body, f"threshold {sign} {limit:g}%")


def legend(items: Sequence[tuple[str, str]]) -> str:
    body = []
    for i, (label, colour) in enumerate(items):
        body += [rect(i * 150, 4, 14, 14, colour), svg_text(i * 150 + 20, 16, label)]
    return svg(150 * len(items), 22, body, "图例 / legend")


def heatmap(senders: Sequence[str], months: Sequence[str], grid: dict[str, dict[str, SenderStatus]]) -> str:
    label_w, cell_w, cell_h = 130.0, 86.0, 26.0
    body = [svg_text(label_w + i * cell_w + cell_w / 2, 16, month, "middle") for i, month in enumerate(months)]
    for j, office in enumerate(senders):
        y = 24 + j * cell_h
        body.append(svg_text(label_w - 8, y + 17, office, "end", ' class="sender"'))
        for i, month in enumerate(months):
            status = grid[month].get(office)
            verdict = status.verdict if status else "missing"
            zh, en, colour = VERDICTS[verdict]
            when = status.submitted_at if status and status.submitted_at else "—"
            tip = f"{office} {month}: {zh} {en}; submitted {when}; due {status.due if status else '—'}"
            x = label_w + i * cell_w
            body += [rect(x + 2, y + 2, cell_w - 4, cell_h - 4, colour, tip),
                     svg_text(x + cell_w / 2, y + 17, zh, "middle", ' style="fill:#fff"')]
    return svg(label_w + cell_w * len(months) + 10, 30 + cell_h * len(senders), body, "报送完整性 / completeness")


def rule_chart(rows: Sequence[tuple[str, str, str, int]]) -> str:
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
        body.append(svg_text(label_w - 8, y + 12, f"{rid} {titles.get(rid, '')}", "end", ' class="rule"'))
        for severity, (zh, en, colour) in SEVERITIES.items():
            n = per[rid].get(severity, 0)
            if n:
                body.append(rect(x, y, plot_w * n / most, row_h - 6, colour, f"{rid} {zh} {en}: {n}"))
                x += plot_w * n / most
        body.append(svg_text(x + 4, y + 12, sum(per[rid].values())))
    return svg(label_w + plot_w + 50, 8 + row_h * len(order), body, "问题按规则 / problems by rule")
