"""pipelines.charts: the run report's SVG pieces."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pipelines import charts


@pytest.mark.parametrize(("value", "axis_end"), [
    (0.0, 1.0), (0.7, 1.0), (1.0, 1.0), (1.2, 1.5), (1.6, 2.0), (2.5, 3.0), (4.0, 5.0), (7.0, 10.0), (31.5, 50.0),
])
def test_an_axis_ends_at_a_round_value_at_or_above(value, axis_end) -> None:
    assert charts.nice(value) == pytest.approx(axis_end)


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (None, "%", "—"), (2.345, "%", "2.3%"), (523764.0, "人", "523,764 人"), (12.0, None, "12"),
])
def test_numbers_are_shown_with_their_unit(value, unit, shown) -> None:
    assert charts.fmt(value, unit) == shown


def test_a_threshold_chart_is_valid_svg_with_one_bar_per_county_coloured_by_verdict() -> None:
    rows = [("商州区", 2.1, True), ("洛南县<&>", 3.4, False), ("丹凤县", None, None)]
    drawn = ET.fromstring(charts.threshold_chart(rows, "<", 3.0))     # escaped: parses as XML
    bars = [r for r in drawn.iter("rect") if r.get("fill") != charts.PALE]   # the pale ones: the tracks
    assert [b.get("fill") for b in bars] == [charts.PASS, charts.FAIL, charts.NA]
    assert any("洛南县<&>" in (t.text or "") for t in drawn.iter())
    line = next(e for e in drawn.iter() if e.get("class") == "threshold")
    assert line.get("data-threshold") == "3"
