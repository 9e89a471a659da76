"""pipelines.cells (and the ID logic in pipelines.idnumbers): one raw cell -> value or A finding."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from pipelines.cells import (
    Parsed,
    id_birth_date,
    id_check_char,
    id_sex,
    mask_id,
    mask_phone,
    normalize_header,
    normalize_text,
    parse_code,
    parse_code_list,
    parse_date,
    parse_id_number,
    parse_number,
    parse_text,
    parse_yes_no,
    split_header_unit,
    unit_factor,
    upgrade_id15,
)
from pipelines.idnumbers import SHANGLUO_PLACES

AS_OF = date(2018, 8, 31)
VALID_IDS = ["611025200501010011", "611024201008080030", "61100219900315002X",
             "612522196501010011", "61252619800101001X"]
ATTRIBUTE = ["一般贫困户", "低保贫困户", "特困供养贫困户"]
ATTRIBUTE_MAP = {"1": "一般贫困户", "2": "低保贫困户", "3": "特困供养贫困户",
                 "五保户": "特困供养贫困户", "低保户": "低保贫困户"}
HEALTH = ["健康", "长期慢性病", "患有大病", "残疾"]


def with_check(body17: str) -> str:
    return body17 + id_check_char(body17)


def money(text: str | None, kind: str = "s", *, integer: bool = False, header: str | None = None,
          canonical: str | None = "元", lo: float | None = 0, hi: float | None = 1_000_000) -> Parsed:
    return parse_number(text, kind, integer=integer, header_unit=header, canonical_unit=canonical,
                        lo=lo, hi=hi)


# ---------------------------------------------------------------- ID numbers: vectors

@pytest.mark.parametrize("id18", VALID_IDS)
@pytest.mark.parametrize("kind", ["s"])
def test_valid_ids_pass_unchanged(id18: str, kind: str) -> None:
    assert parse_id_number(id18, kind, AS_OF) == Parsed(id18)
    assert id_check_char(id18[:17]) == id18[17]


@pytest.mark.parametrize("kind", ["s", "n"])
def test_fifteen_digit_id_is_upgraded_and_kept(kind: str) -> None:
    assert upgrade_id15("612526650101001") == "612526196501010017"
    got = parse_id_number("612526650101001", kind, AS_OF)
    assert got == Parsed("612526196501010017", "A3", got.detail, "612526650101001")
    assert got.detail and not got.failed


def test_bad_check_digit() -> None:
    got = parse_id_number("612526198001010012", "s", AS_OF)
    assert (got.value, got.rule, got.detail) == (None, "A1.checksum", "身份证号校验位错误：应为X，实际为2")
    assert got.failed


@pytest.mark.parametrize(("text", "kind", "rule"), [
    ("611025200501010011", "n", "A2"),                      # numeric 18 digits: damaged, check passes
    ("611025200501010000", "n", "A2"),
    ("6.11025E+17", "s", "A2"),                             # CSV scientific notation
    ("6.11025e+17", "s", "A2"),
    ("611025200501010011.0", "s", "A2"),                    # went through a float
    ("6.12526650101001E+14", "s", "A3"),                    # all 15 digits spelled out: exact
    ("612526650101001", "n", "A3"),
    ("612526650101001.0", "s", "A3"),
    ("999999200501010011", "s", "A1.placeholder"),
    ("999999200501010011", "n", "A1.placeholder"),
    ("99999919800101001X", "s", "A1.placeholder"),
    ("61102520050101001", "s", "A1.length"),
    ("6110252005010100111", "s", "A1.length"),
    ("61102520050101001", "n", "A1.length"),
    ("61102520050101001A", "s", "A1.format"),
    ("6110252005-0101-0011", "s", "A1.format"),
    ("无", "s", "A1.format"),
    ("6110252005X1010011", "s", "A1.format"),               # X not last
    ("61252665010100X", "s", "A1.format"),                  # X in an old 15-digit ID
    ("2018-08-31", "d", "A1.format"),
    ("#N/A", "e", "A1.format"),
    ("true", "b", "A1.format"),
    (with_check("61102520050231001"), "s", "A1.birthdate"),  # 31 February
    (with_check("61102518000101001"), "s", "A1.birthdate"),  # born 1800
    ("612526651301001", "s", "A1.birthdate"),                # upgraded, month 13
    (with_check("61102520200101001"), "s", "A1.future"),
    (with_check("61102520180901001"), "s", "A1.future"),
    (with_check("61109920050101001"), "s", "A1.place"),      # not a Shangluo county
    (with_check("61259920050101001"), "s", "A1.place"),      # not an old 商洛地区 code
    (with_check("00102520050101001"), "s", "A1.place"),      # no province 00
    (with_check("99102520050101001"), "s", "A1.place"),
])
def test_id_findings(text: str, kind: str, rule: str) -> None:
    got = parse_id_number(text, kind, AS_OF)
    assert got.rule == rule
    assert got.detail
    assert got.failed == (rule != "A3")
    assert "611025200501010011" not in got.detail   # details never repeat the ID


@pytest.mark.parametrize("id18", [
    with_check("11010519491231002"),   # Beijing
    with_check("61010219800101001"),   # Xi'an: other 61 prefixes pass on the province
    with_check("44030519991231002"),
    with_check("81000019800101001"),
    with_check("61252119800101001"),   # 商县, before 1988
    with_check("61100019800101001"),
    with_check("61102520180831001"),   # born on the as-of date
])
def test_other_valid_places(id18: str) -> None:
    assert parse_id_number(id18, "s", AS_OF) == Parsed(id18)


@pytest.mark.parametrize(("spelling", "expected"), [
    ("61100219900315002x", "61100219900315002X"),
    (" 611025200501010011 ", "611025200501010011"),
    ("\u00a0611025200501010011\u3000", "611025200501010011"),
    ("'611025200501010011", "611025200501010011"),
    ("６１１０２５２００５０１０１００１１", "611025200501010011"),
    ("611025 20050101 0011", "611025200501010011"),
    ("6110252005\u200b01010011", "611025200501010011"),
    ("６１１００２１９９００３１５００２ｘ", "61100219900315002X"),
])
def test_id_spellings(spelling: str, expected: str) -> None:
    assert parse_id_number(spelling, "s", AS_OF) == Parsed(expected)


@pytest.mark.parametrize(("text", "kind"), [(None, "s"), ("", "s"), ("  ", "s"), (None, ""), ("'", "s")])
def test_empty_id_is_no_finding(text: str | None, kind: str) -> None:
    assert parse_id_number(text, kind, AS_OF) == Parsed(None)


def test_id_helpers() -> None:
    assert id_birth_date("611025200501010011") == date(2005, 1, 1)
    assert id_birth_date("612526650101001") == date(1965, 1, 1)
    assert id_birth_date("611025200502310011") is None
    assert id_birth_date("6110") is None
    assert [id_sex(i) for i in VALID_IDS] == ["男", "男", "女", "男", "男"]
    assert id_sex("612526650101002") == "女"
    with pytest.raises(ValueError):
        id_sex("6110")
    assert mask_id("611025200501010011") == "6110**********0011"
    assert mask_id("61100219900315002X") == "6110**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("12345") == "***45"
    with pytest.raises(ValueError):
        id_check_char("6110252005010100")
    with pytest.raises(ValueError):
        upgrade_id15("61252665010100X")


def test_check_char_agrees_with_stdnum() -> None:
    rng = random.Random(20180831)
    bodies = [f"{rng.randrange(10**17):017d}" for _ in range(100_000)]
    mismatches = [b for b in bodies if id_check_char(b) != ric.calc_check_digit(b + "0")]
    assert mismatches == []
    assert {id_check_char(b) for b in bodies} == set("0123456789X")


# ---------------------------------------------------------------- ID numbers: properties

_PLACES = st.sampled_from(sorted(SHANGLUO_PLACES) + ["110105", "440305", "610102", "653101"])
_ORDERS = st.integers(0, 999).map(lambda n: f"{n:03d}")


@settings(max_examples=300, deadline=None, database=None)
@given(place=st.sampled_from(sorted(SHANGLUO_PLACES)),
       born=st.dates(date(1900, 1, 1), date(1999, 12, 31)), order=_ORDERS)
def test_upgrade_keeps_place_birth_order_and_checks(place: str, born: date, order: str) -> None:
    id15 = place + born.strftime("%y%m%d") + order
    id18 = upgrade_id15(id15)
    assert len(id18) == 18
    assert id_check_char(id18[:17]) == id18[17]
    assert (id18[:6], id_birth_date(id18), id18[14:17]) == (place, born, order)
    assert ric.calc_check_digit(id18) == id18[17]
    assert parse_id_number(id15, "s", AS_OF) == Parsed(id18, "A3", "15位旧身份证号已升级为18位", id15)


_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
_JUNK = [" ", "\u00a0", "\u3000", "\u200b", "\ufeff"]


@st.composite
def _spelling(draw: st.DrawFn, id18: str) -> str:
    s = id18.lower() if draw(st.booleans()) else id18
    if draw(st.booleans()):
        s = s.translate(_FULL_WIDTH)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(s)))
        s = s[:at] + draw(st.sampled_from(_JUNK)) + s[at:]
    if draw(st.booleans()):
        s = draw(st.sampled_from(_JUNK)) + "'" + s
    return s


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data(), place=_PLACES, born=st.dates(date(1900, 1, 1), AS_OF), order=_ORDERS)
def test_valid_id_survives_any_spelling(data: st.DataObject, place: str, born: date, order: str) -> None:
    id18 = with_check(place + born.strftime("%Y%m%d") + order)
    assert parse_id_number(id18, "s", AS_OF) == Parsed(id18)
    spelled = data.draw(_spelling(id18))
    assert parse_id_number(spelled, "s", AS_OF) == Parsed(id18)


# ---------------------------------------------------------------- text and headers

@pytest.mark.parametrize(("raw", "expected"), [
    (None, None), ("", None), ("   ", None), ("\u00a0\u3000", None), ("\u200b", None), ("'", None),
    (" 张三 ", "张三"), ("\u00a0张三\u3000", "张三"), ("'0914123", "0914123"), ("张\u200b三", "张三"),
    ("ＡＢＣ１２３", "ABC123"), ("乡（镇）", "乡(镇)"), ("张  三", "张  三"),
])
def test_normalize_text(raw: str | None, expected: str | None) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("扶持资金（万元）", "扶持资金(万元)"), ("年人均纯收入 【元】", "年人均纯收入(元)"),
    ("县（市、区）", "县(市、区)"), ("户主\n姓名", "户主姓名"), (" 退耕还林面积[亩] ", "退耕还林面积(亩)"),
    ("务工时间\u3000（月）", "务工时间(月)"), (None, ""),
])
def test_normalize_header(raw: str | None, expected: str) -> None:
    assert normalize_header(raw) == expected


@pytest.mark.parametrize(("header", "expected"), [
    ("扶持资金(万元)", ("扶持资金", "万元")), ("退耕还林面积(亩)", ("退耕还林面积", "亩")),
    ("年人均纯收入(元)", ("年人均纯收入", "元")), ("务工时间(月)", ("务工时间", "月")),
    ("道路长度(公里)", ("道路长度", "公里")), ("家庭人口数(人)", ("家庭人口数", "人")),
    ("扶持资金(单位:万元)", ("扶持资金", "万元")), ("扶持资金（万元）", ("扶持资金", "万元")),
    ("县(市、区)", ("县(市、区)", None)), ("乡(镇)", ("乡(镇)", None)), ("扶持资金", ("扶持资金", None)),
    ("是否通沥青(水泥)路", ("是否通沥青(水泥)路", None)), ("(元)", ("(元)", None)),
])
def test_split_header_unit(header: str, expected: tuple[str, str | None]) -> None:
    assert split_header_unit(header) == expected


def test_unit_factor() -> None:
    assert unit_factor("万元", "元") == 10000
    assert unit_factor("公里", "米") == 1000
    assert unit_factor("公顷", "亩") == 15
    assert unit_factor("元", "亩") is None
    assert unit_factor("人", "户") is None


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("611025200501010048", "n", "611025200501010048"), (" 张三 ", "s", "张三"), ("0.35", "n", "0.35"),
    ("2018-08-31 00:00:00", "d", "2018-08-31"), ("#N/A", "e", None), (None, "s", None), ("", "", None),
])
def test_parse_text(text: str | None, kind: str, expected: str | None) -> None:
    assert parse_text(text, kind) == Parsed(expected)


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize(("text", "kind"), [
    ("2018-08-31", "s"), ("2018/8/31", "s"), ("2018.8.31", "s"), ("2018年8月31日", "s"),
    ("20180831", "s"), ("2018-8-31", "s"), ("2018/08/31", "s"), ("2018年08月31号", "s"),
    ("２０１８年８月３１日", "s"), ("２０１８－０８－３１", "s"), ("２０１８/８/３１", "s"), ("２０１８０８３１", "s"),
    (" 2018-08-31 ", "s"), ("2018-08-31 00:00:00", "s"), ("43343", "s"),
    ("43343", "n"), ("43343.75", "n"), ("20180831", "n"),
    ("2018-08-31", "d"), ("2018-08-31 00:00:00", "d"), ("2018-08-31T00:00:00", "d"),
])
def test_date_spellings(text: str, kind: str) -> None:
    assert parse_date(text, kind, AS_OF) == Parsed(date(2018, 8, 31))


@pytest.mark.parametrize(("text", "kind", "rule", "detail"), [
    ("2018-13-45", "s", "A6", "日期无法识别：2018-13-45"),
    ("2018-02-30", "s", "A6", "日期无法识别：2018-02-30"),
    ("2018/8-31", "s", "A6", "日期无法识别：2018/8-31"),
    ("2018年8月", "s", "A6", "日期无法识别：2018年8月"),
    ("去年", "s", "A6", "日期无法识别：去年"),
    ("1018-08-31", "s", "A6", "日期无法识别：1018-08-31"),
    ("12", "n", "A6", "日期数值12不是有效的Excel日期（应在20000～60000之间）"),
    ("99999", "n", "A6", "日期数值99999不是有效的Excel日期（应在20000～60000之间）"),
    ("true", "b", "A6", "日期无法识别：true"),
    ("#VALUE!", "e", "A6", "日期无法识别：#VALUE!"),
    ("2018-09-01", "s", "A6.future", "日期2018-09-01晚于统计截止日2018-08-31"),
    ("43344", "n", "A6.future", "日期2018-09-01晚于统计截止日2018-08-31"),
    ("2019-01-01 00:00:00", "d", "A6.future", "日期2019-01-01晚于统计截止日2018-08-31"),
])
def test_date_findings(text: str, kind: str, rule: str, detail: str) -> None:
    assert parse_date(text, kind, AS_OF) == Parsed(None, rule, detail)


@pytest.mark.parametrize(("text", "kind"), [(None, "s"), ("", "s"), (" ", "s"), (None, "")])
def test_empty_date(text: str | None, kind: str) -> None:
    assert parse_date(text, kind, AS_OF) == Parsed(None)


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize(("text", "kind", "header", "canonical", "expected"), [
    ("1,234.50", "s", None, "元", 1234.5), ("1234.5元", "s", None, "元", 1234.5),
    ("１２３４．５元", "s", None, "元", 1234.5), ("1234.5", "n", None, "元", 1234.5),
    ("¥1,234.5", "s", None, "元", 1234.5), (" 1 234.5 ", "s", None, "元", 1234.5),
    ("0.35", "n", "万元", "元", 3500.0), ("0.35万元", "s", "万元", "元", 3500.0),
    ("1.2", "s", "万元", "元", 12000.0), ("1.2e3", "s", None, "元", 1200.0),
    ("3.5", "s", "公里", "米", 3500.0), ("3.5km", "s", "公里", "米", 3500.0),
    ("2", "n", "公顷", "亩", 30.0), ("12.5亩", "s", None, "亩", 12.5), ("800", "s", "元", "元", 800.0),
    ("-", "s", None, "元", 0.0), ("—", "s", None, "元", 0.0), ("－", "s", None, "元", 0.0),
    ("——", "s", None, "元", 0.0), ("0", "n", None, "元", 0.0), ("-0", "s", None, "元", 0.0),
    ("12", "s", None, None, 12.0),
])
def test_money_values(text: str, kind: str, header: str | None, canonical: str | None,
                      expected: float) -> None:
    got = money(text, kind, header=header, canonical=canonical)
    assert got == Parsed(expected)
    assert isinstance(got.value, float)


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("4", "n", 4), ("4.0", "s", 4), ("4人", "s", 4), ("-", "s", 0), ("１２", "s", 12), ("6个月", "s", 6),
])
def test_integer_values(text: str, kind: str, expected: int) -> None:
    got = money(text, kind, integer=True, canonical=None, lo=0, hi=20)
    assert got == Parsed(expected)
    assert type(got.value) is int


@pytest.mark.parametrize(("text", "kind", "integer", "header", "canonical", "rule", "detail"), [
    ("0.35万元", "s", False, None, "元", "A7.unit", "金额单位为万元，但该列单位为元"),
    ("0.35万元", "s", False, "元", "元", "A7.unit", "金额单位为万元，但表头单位为元"),
    ("0.35万", "s", False, "元", "元", "A7.unit", "金额单位为万元，但表头单位为元"),
    ("350元", "s", False, "万元", "元", "A7.unit", "金额单位为元，但表头单位为万元"),
    ("3米", "s", False, "公里", "米", "A7.unit", "长度单位为米，但表头单位为公里"),
    ("12", "s", False, "亩", "元", "A7.unit", "表头单位亩无法换算为元"),
    ("3万元", "s", True, None, None, "A7.unit", "数值单位为万元，但该列没有单位"),
    ("-5", "s", False, None, "元", "A7.negative", "数值不能为负数：-5"),
    ("−5", "s", False, None, "元", "A7.negative", "数值不能为负数：−5"),
    ("-0.1", "n", False, "万元", "元", "A7.negative", "数值不能为负数：-0.1"),
    ("2000000", "n", False, None, "元", "A7.range", "数值2000000元超出合理范围（0～1000000）"),
    ("120", "s", False, "万元", "元", "A7.range", "数值1200000元超出合理范围（0～1000000）"),
    ("abc", "s", False, None, "元", "A7.format", "数值无法识别：abc"),
    ("12元5角", "s", False, None, "元", "A7.format", "数值无法识别：12元5角"),
    ("3-5", "s", False, None, "元", "A7.format", "数值无法识别：3-5"),
    ("35%", "s", False, None, "元", "A7.format", "数值无法识别：35%"),
    ("1e999999999", "s", False, None, "元", "A7.format", "数值无法识别：1e999999999"),
    ("3.5", "s", True, None, None, "A7.format", "应为整数：3.5"),
    ("#DIV/0!", "e", False, None, "元", "A7.format", "数值单元格为错误值：#DIV/0!"),
    ("2018-08-31", "d", False, None, "元", "A7.format", "数值单元格为日期：2018-08-31"),
])
def test_money_findings(text: str, kind: str, integer: bool, header: str | None, canonical: str | None,
                        rule: str, detail: str) -> None:
    got = money(text, kind, integer=integer, header=header, canonical=canonical)
    assert got == Parsed(None, rule, detail)


def test_money_bounds_are_optional_and_empty_is_unknown() -> None:
    assert money("2000000", lo=None, hi=None) == Parsed(2000000.0)
    assert money("5", lo=10, hi=None).rule == "A7.range"
    assert money(None) == Parsed(None)
    assert money("", "") == Parsed(None)
    assert money("  ") == Parsed(None)


# ---------------------------------------------------------------- yes / no

YES = ["是", "有", "√", "Y", "y", "1", "已", "已完成", "已拆除", "已通", "true", "TRUE", " 是 ", "Ｙ"]
NO = ["否", "无", "×", "N", "n", "0", "未", "未完成", "未拆除", "未通", "false", "False"]


@pytest.mark.parametrize(("text", "kind", "expected"), [
    *[(t, "s", True) for t in YES], *[(t, "s", False) for t in NO],
    ("1", "n", True), ("1.0", "n", True), ("0", "n", False), ("0.0", "n", False), ("1.0", "s", True),
    ("true", "b", True), ("false", "b", False),
])
def test_yes_no(text: str, kind: str, expected: bool) -> None:
    assert parse_yes_no(text, kind) == Parsed(expected)


@pytest.mark.parametrize(("text", "kind"), [("可能", "s"), ("2", "n"), ("0.5", "n"), ("#N/A", "e"), ("是否", "s")])
def test_yes_no_findings(text: str, kind: str) -> None:
    got = parse_yes_no(text, kind)
    assert (got.value, got.rule) == (None, "A5")
    assert got.detail == f"取值“{text}”无法识别为是/否，应为：是、否"


def test_yes_no_empty() -> None:
    assert parse_yes_no(None, "s") == parse_yes_no(" ", "s") == parse_yes_no("", "") == Parsed(None)


# ---------------------------------------------------------------- codes

@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("一般贫困户", "s", "一般贫困户"), (" 低保贫困户\u00a0", "s", "低保贫困户"), ("特困供养 贫困户", "s", "特困供养贫困户"),
    ("1", "n", "一般贫困户"), ("1.0", "n", "一般贫困户"), ("2", "s", "低保贫困户"), ("3.0", "s", "特困供养贫困户"),
    ("３", "s", "特困供养贫困户"), ("五保户", "s", "特困供养贫困户"), ("低保户", "s", "低保贫困户"),
])
def test_code_labels_numbers_and_legacy(text: str, kind: str, expected: str) -> None:
    assert parse_code(text, kind, ATTRIBUTE, ATTRIBUTE_MAP) == Parsed(expected)


@pytest.mark.parametrize(("text", "allowed", "value_map", "expected"), [
    ("乡(镇)内务工", ["乡（镇）内务工", "其他"], {}, "乡（镇）内务工"),   # canonical label as configured
    ("乡（镇）内务工", ["乡(镇)内务工", "其他"], {}, "乡(镇)内务工"),
    ("a", ["A级", "B级"], {"a": "A级"}, "A级"),
    ("A", ["A级", "B级"], {"a": "A级"}, "A级"),
    ("b", ["A级", "B级"], {"B": "B级"}, "B级"),
    ("0", ["未脱贫", "已脱贫"], {"0": "未脱贫", "1": "已脱贫"}, "未脱贫"),
    ("男", ["男", "女"], {}, "男"),
])
def test_code_variants(text: str, allowed: list[str], value_map: dict[str, str], expected: str) -> None:
    assert parse_code(text, "s", allowed, value_map) == Parsed(expected)


@pytest.mark.parametrize(("text", "kind"), [("4", "n"), ("贫困户", "s"), ("#N/A", "e"), ("true", "b")])
def test_code_findings(text: str, kind: str) -> None:
    got = parse_code(text, kind, ATTRIBUTE, ATTRIBUTE_MAP)
    assert got == Parsed(None, "A5", f"取值“{text}”不在允许范围内，应为：一般贫困户、低保贫困户、特困供养贫困户")


def test_code_detail_lists_long_sets_briefly() -> None:
    allowed = [f"值{i}" for i in range(25)]
    got = parse_code("x", "s", allowed, {})
    assert got.rule == "A5" and got.detail and got.detail.endswith("值19等25项")
    assert parse_code(None, "s", allowed, {}) == Parsed(None)


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("残疾", "s", ["残疾"]), ("残疾,长期慢性病", "s", ["残疾", "长期慢性病"]),
    ("残疾，长期慢性病", "s", ["残疾", "长期慢性病"]), ("残疾、患有大病；健康", "s", ["残疾", "患有大病", "健康"]),
    ("残疾/残疾, 长期慢性病", "s", ["残疾", "长期慢性病"]), ("残疾,,", "s", ["残疾"]),
    ("1,4", "s", ["健康", "残疾"]), ("4", "n", ["残疾"]),
])
def test_code_list(text: str, kind: str, expected: list[str]) -> None:
    value_map = {"1": "健康", "2": "长期慢性病", "3": "患有大病", "4": "残疾"}
    assert parse_code_list(text, kind, HEALTH, value_map) == Parsed(expected)


def test_code_list_findings_and_edges() -> None:
    got = parse_code_list("残疾；感冒、发烧", "s", HEALTH, {})
    assert got == Parsed(None, "A5", "取值“感冒、发烧”不在允许范围内，应为：健康、长期慢性病、患有大病、残疾")
    assert parse_code_list("#N/A", "e", HEALTH, {}).rule == "A5"
    assert parse_code_list(None, "s", HEALTH, {}) == Parsed(None)
    assert parse_code_list("、", "s", HEALTH, {}) == Parsed(None)
    assert parse_code_list("种植/养殖", "s", ["种植/养殖", "其他"], {}) == Parsed(["种植/养殖"])
    assert parse_code_list("健康 残疾", "s", HEALTH, {}, separators=(" ",)) == Parsed(["健康", "残疾"])


# ---------------------------------------------------------------- every rule is reachable

RULE_CASES: dict[str, Callable[[], Parsed]] = {
    "A1.checksum": lambda: parse_id_number("612526198001010012", "s", AS_OF),
    "A1.placeholder": lambda: parse_id_number("999999198001010012", "s", AS_OF),
    "A1.length": lambda: parse_id_number("6125261980", "s", AS_OF),
    "A1.format": lambda: parse_id_number("61252619800101001?", "s", AS_OF),
    "A1.birthdate": lambda: parse_id_number(with_check("61252619800230001"), "s", AS_OF),
    "A1.future": lambda: parse_id_number(with_check("61102520190101001"), "s", AS_OF),
    "A1.place": lambda: parse_id_number(with_check("61102720050101001"), "s", AS_OF),
    "A2": lambda: parse_id_number("611025200501010011", "n", AS_OF),
    "A3": lambda: parse_id_number("612526650101001", "s", AS_OF),
    "A5": lambda: parse_code("9", "n", ATTRIBUTE, ATTRIBUTE_MAP),
    "A6": lambda: parse_date("2018-13-45", "s", AS_OF),
    "A6.future": lambda: parse_date("2018-09-01", "s", AS_OF),
    "A7.unit": lambda: money("0.35万元", header="元"),
    "A7.negative": lambda: money("-1"),
    "A7.range": lambda: money("1000001"),
    "A7.format": lambda: money("一千"),
}


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_every_rule_is_reached(rule: str) -> None:
    got = RULE_CASES[rule]()
    assert got.rule == rule
    assert got.detail
    assert got.failed == (rule != "A3")
