"""Header detection, footers, A4 on a wrong template."""

from pathlib import Path

import pytest

from pipelines.land import Layout, Mismatch, column_letter, data_rows, detect_layout, match_sheets
from pipelines.read import RawSheet, read_file
from pipelines.specs import load_specs
from pipelines.workspace import Limits

FIX = Path(__file__).parent / "fixtures"
REGISTRY = load_specs()["registry"]


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index, letter):
    assert column_letter(index) == letter


def test_registry_header_found_below_title_rows_and_footer_skipped():
    sheets = read_file(FIX / "registry" / "registry_2018-08.xlsx", Limits())
    matched, reason = match_sheets(sheets, REGISTRY)
    assert reason == ""
    layouts = {sheet.name: layout for sheet, layout in matched}
    assert layouts["户信息"].header_row == 3
    assert layouts["户信息"].columns["income_per_capita"] == (16, "元")   # 年人均纯收入（元）
    rows = data_rows(next(s for s in sheets if s.name == "户信息"), layouts["户信息"])
    assert [r for r, _ in rows] == [4, 5, 6]                               # row 8 is the footer


@pytest.mark.parametrize("titles", [0, 1, 2, 4])
def test_any_number_of_title_rows_with_aliases(titles):
    spec = REGISTRY.sheet_for_table("registry_household")
    headers = ["县区", "镇办", "村", "组", "户编号", "户主姓名", "户主身份证号", "人数", "贫困户属性", "识别标准",
               "主要致贫原因", "脱贫标志", "计划脱贫年度", "脱贫年度", "首次识别时间", "是否易地搬迁户", "人均纯收入",
               "联系电话"]
    sheet = RawSheet("户信息", [[("标题", "s")]] * titles + [[(h, "s") for h in headers]])
    layout = detect_layout(sheet, spec)
    assert isinstance(layout, Layout)
    assert layout.header_row == titles + 1
    assert layout.columns["household_size"] == (7, None)


def test_wrong_template_is_a4_with_missing_columns_and_closest_header():
    sheets = read_file(FIX / "bad" / "industry_template.xlsx", Limits())
    matched, reason = match_sheets(sheets, REGISTRY)
    assert matched == []
    assert reason.startswith("没有找到本单位模板的表头，缺少列：")
    assert "户编号" in reason and "最接近的表头是 `户主身份证号`" in reason


def test_mismatch_lists_missing_columns():
    spec = REGISTRY.sheet_for_table("registry_person")
    result = detect_layout(RawSheet("x", [[("户编号", "s"), ("人编号", "s"), ("姓名", "s")]]), spec)
    assert isinstance(result, Mismatch)
    assert result.missing[:2] == ["证件号码", "性别"]
