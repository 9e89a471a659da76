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


# ---------------------------------------------------------------- A4: another sender's template
SPECS = load_specs()


def _template(office: str) -> RawSheet:
    """A sheet laid out in `office`'s usual header spellings below one title row."""
    sheet = SPECS[office].sheets[0]
    return RawSheet("Sheet1", [[("商洛市2018年8月报表", "s")], [(c.header, "s") for c in sheet.columns]])


@pytest.mark.parametrize(("office", "other", "reason"), [
    ("ecology", "education", "没有找到本单位模板的表头，缺少列：姓名、身份证号、是否生态护林员、护林员年报酬、退耕还林面积、退耕还林补助、生态效益补偿；最接近的表头是 `学生姓名`；请使用本单位的报送模板"),
    ("education", "employment", "没有找到本单位模板的表头，缺少列：学校名称、学段、年级、就读状态、资助项目、资助金额、监护人姓名、监护人身份证号；最接近的表头是 `姓名`；请使用本单位的报送模板"),
    ("employment", "health", "没有找到本单位模板的表头，缺少列：县区、务工地域、务工单位、务工月数、月均工资、是否公益性岗位、公益性岗位类型、就业登记日期；最接近的表头是 `姓名`；请使用本单位的报送模板"),
    ("health", "housing", "没有找到本单位模板的表头，缺少列：姓名、身份证号、城乡居民基本医疗保险、大病保险、家庭医生签约、病种类别、年度住院报销金额；最接近的表头是 `户主姓名`；请使用本单位的报送模板"),
    ("housing", "industry", "没有找到本单位模板的表头，缺少列：房屋鉴定等级、改造方式、开工日期、竣工验收日期、补助金额、补助兑付日期；最接近的表头是 `县区`；请使用本单位的报送模板"),
    ("industry", "infrastructure", "没有找到本单位模板的表头，缺少列：户主姓名、户主身份证号、产业类型、带动模式、带动主体名称、扶持资金、生产经营性收入、资产收益分红；最接近的表头是 `县区`；请使用本单位的报送模板"),
    ("infrastructure", "registry", "没有找到本单位模板的表头，缺少列：饮水安全、供水方式；表头 `饮水是否安全` 无法识别，您是否指 `饮水安全`？；请核对列名，或使用本单位的报送模板"),
    ("registry", "relocation", "没有找到本单位模板的表头，缺少列：乡(镇)、行政村、自然村(组)、家庭人口数、贫困户属性、识别标准、主要致贫原因、脱贫属性等；最接近的表头是 `搬迁人数`；请使用本单位的报送模板"),
    ("relocation", "screening", "没有找到本单位模板的表头，缺少列：县区、户编号、户主姓名、搬迁人数、安置点名称、安置方式、房屋竣工日期、配套设施是否完成等；最接近的表头是 `姓名`；请使用本单位的报送模板"),
    ("screening", "social_security", "没有找到本单位模板的表头，缺少列：比对类别、比对来源、比对明细、登记日期；最接近的表头是 `保障类别`；请使用本单位的报送模板"),
    ("social_security", "ecology", "没有找到本单位模板的表头，缺少列：保障类别、保障开始日期、月保障金额、是否死亡注销、死亡日期；最接近的表头是 `是否生态护林员`；请使用本单位的报送模板"),
])
def test_another_senders_template_is_a4_with_the_exact_reason(office, other, reason):
    matched, got = match_sheets([_template(other)], SPECS[office])
    assert matched == []
    assert got == reason


def test_every_sender_is_tested_against_another_template():
    tested = {case[0] for case in test_another_senders_template_is_a4_with_the_exact_reason.pytestmark[0].args[1]}
    assert tested == set(SPECS)


# ---------------------------------------------------------------- header drift
def _usual_row(sheet_spec, replace: dict[str, str]) -> list[tuple[str | None, str]]:
    return [(replace.get(c.target, c.header), "s") for c in sheet_spec.columns]


ALIASES = [(office, i, col.target, alias) for office, spec in sorted(SPECS.items())
           for i, sheet_spec in enumerate(spec.sheets) for col in sheet_spec.columns for alias in col.spellings()]


@pytest.mark.parametrize(("office", "sheet_index", "target", "spelling"), ALIASES,
                         ids=[f"{o}-{t}-{a}" for o, _, t, a in ALIASES])
def test_every_spelling_in_sources_is_accepted(office, sheet_index, target, spelling):
    sheet_spec = SPECS[office].sheets[sheet_index]
    rows = [[("标题", "s")], _usual_row(sheet_spec, {target: spelling})]
    layout = detect_layout(RawSheet("x", rows), sheet_spec)
    assert isinstance(layout, Layout), layout
    index = [c.target for c in sheet_spec.columns].index(target)
    assert layout.columns[target][0] == index


@pytest.mark.parametrize(("office", "target", "written", "reason"), [
    ("social_security", "monthly_amount", "月保障金（元）",
     "没有找到本单位模板的表头，缺少列：月保障金额；表头 `月保障金（元）` 无法识别，您是否指 `月保障金额`？；请核对列名，或使用本单位的报送模板"),
    ("health", "family_doctor_signed", "家庭医生签约情况",
     "没有找到本单位模板的表头，缺少列：家庭医生签约；表头 `家庭医生签约情况` 无法识别，您是否指 `家庭医生签约`？；请核对列名，或使用本单位的报送模板"),
    ("industry", "head_id_number", "户主身份证",
     "没有找到本单位模板的表头，缺少列：户主身份证号；表头 `户主身份证` 无法识别，您是否指 `户主身份证号`？；请核对列名，或使用本单位的报送模板"),
    ("registry", "household_id", "农户编号",
     "没有找到本单位模板的表头，缺少列：户编号；表头 `农户编号` 无法识别，您是否指 `户编号`？；请核对列名，或使用本单位的报送模板"),
])
def test_an_unknown_spelling_is_a4_with_did_you_mean(office, target, written, reason):
    sheet_spec = SPECS[office].sheets[0]
    rows = [[("标题", "s")], _usual_row(sheet_spec, {target: written})]
    matched, got = match_sheets([RawSheet("x", rows)], SPECS[office])
    assert matched == []
    assert got == reason


# ---------------------------------------------------------------- two-row headers
def test_group_header_above_and_unit_below_are_combined():
    spec = REGISTRY.sheet_for_table("registry_household")
    names = [c.header for c in spec.columns]
    upper = [(h, "s") for h in names[:16]] + [("年人均纯收入", "s"), ("住房条件", "s"), (None, "-"), (None, "-"),
                                             ("联系电话", "s")]
    lower = [(None, "-")] * 16 + [("（元）", "s"), ("是否危房户", "s"), ("饮水是否安全", "s"), ("是否通生活用电", "s"),
                                  (None, "-")]
    layout = detect_layout(RawSheet("户信息", [[("标题", "s")], upper, lower, [("1", "s")]]), spec)
    assert isinstance(layout, Layout)
    assert (layout.header_row, layout.header_rows) == (3, 2)
    assert layout.columns["income_per_capita"] == (16, "元")
    assert layout.columns["household_id"] == (4, None)
    assert layout.columns["water_safe"] == (18, None)
    assert layout.headers[16:] == ["年人均纯收入（元）", "是否危房户", "饮水是否安全", "是否通生活用电", "联系电话"]


def test_header_split_over_two_rows_without_brackets():
    spec = SPECS["ecology"].sheets[0]
    upper = [("姓名", "s"), ("身份证号", "s"), ("是否生态护林员", "s"), ("护林员年报酬", "s"), ("退耕还林面积", "s"),
             ("退耕还林补助", "s"), ("生态效益补偿", "s")]
    lower = [(None, "-")] * 3 + [("元", "s"), ("公顷", "s"), ("元", "s"), ("元", "s")]
    layout = detect_layout(RawSheet("x", [upper, lower]), spec)
    assert isinstance(layout, Layout)
    assert layout.header_row == 2
    assert layout.columns["grain_for_green_area"] == (4, "公顷")


def test_group_prefix_spelling_is_found():
    """A group header whose text completes the sub-header: 护林员 over 年报酬（元）."""
    spec = SPECS["ecology"].sheets[0]
    upper = [("姓名", "s"), ("身份证号", "s"), ("是否生态护林员", "s"), ("护林员", "s"), ("退耕还林", "s"), (None, "-"),
             ("生态效益补偿（元）", "s")]
    lower = [(None, "-")] * 3 + [("年报酬（元）", "s"), ("面积（亩）", "s"), ("补助（元）", "s"), (None, "-")]
    layout = detect_layout(RawSheet("x", [upper, lower]), spec)
    assert isinstance(layout, Layout), layout
    assert layout.columns["grain_for_green_subsidy"] == (5, "元")
    assert layout.headers[3:6] == ["护林员年报酬（元）", "退耕还林面积（亩）", "退耕还林补助（元）"]
