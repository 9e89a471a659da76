import pytest

from pipelines.periods import detect_month, find_month, scope_covers, scope_of, scopes_overlap

COUNTIES = {"镇安县": "611025", "镇安": "611025", "商州区": "611002", "商州": "611002", "商州市": "611002"}


@pytest.mark.parametrize(("text", "month"), [
    ("商洛市镇安县2018年8月产业统计表", "2018-08"),
    ("2018.8", "2018-08"),
    ("就业_201808.xlsx", "2018-08"),
    ("报表 2018/08", "2018-08"),
    ("2018-09-03", None),          # a day, not a reporting month
    ("8月就业台账.xlsx", "2018-08"),
    ("无日期", None),
])
def test_find_month(text, month):
    assert find_month(text, 2018) == month


def test_export_time_lines_are_not_periods():
    assert detect_month(["建档立卡信息", "导出时间：2018-09-03"], "registry_2018年8月.xlsx", None) == "2018-08"


@pytest.mark.parametrize(("values", "titles", "name", "scope"), [
    (["镇安县", "镇安", " 商州市 "], [], "x.xlsx", "611002|611025"),
    ([None, ""], ["商洛市商州区2018年8月"], "x.xlsx", "611002"),
    ([], [], "镇安县_8月.xlsx", "611025"),
    ([], [], "全市.xlsx", "*"),
])
def test_scope_of_county_files(values, titles, name, scope):
    assert scope_of(values, "county_name", COUNTIES, titles, name) == scope


@pytest.mark.parametrize(("new", "old", "covers", "overlap"), [
    ("*", "611025", True, True),
    ("611025", "611025", True, True),
    ("611002|611025", "611025", True, True),
    ("611025", "611002", False, False),
    ("611002|611025", "611025|611026", False, True),
    ("611025", "*", False, True),
])
def test_scope_algebra(new, old, covers, overlap):
    assert scope_covers(new, old) is covers
    assert scopes_overlap(new, old) is overlap
