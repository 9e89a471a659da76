"""Numbers with units (A7) and dates (A6): one raw cell -> value or finding.

Units come from the header (扶持资金（万元）) or the cell (1234.5元); a cell unit that is not the
column's unit is an error, not a conversion (0.35万元 in a 元 column). Callers import through
`pipelines.cells`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from pipelines.parsed import _KIND_NAMES, EMPTY, Parsed, normalize_header, normalize_text

# unit -> (what it measures, factor to that measure's base unit)
UNITS: dict[str, tuple[str, Decimal]] = {
    "元": ("金额", Decimal(1)), "万元": ("金额", Decimal(10000)),
    "米": ("长度", Decimal(1)), "公里": ("长度", Decimal(1000)), "千米": ("长度", Decimal(1000)),
    "亩": ("面积", Decimal(1)), "公顷": ("面积", Decimal(15)),
    "月": ("月数", Decimal(1)), "人": ("人数", Decimal(1)), "户": ("户数", Decimal(1)),
    "个": ("个数", Decimal(1)),
}
_CELL_UNIT_SPELLINGS = {"km": "公里", "m": "米", "个月": "月", "元整": "元", "圆": "元", "万": "万元"}
_COUNT_UNITS = frozenset({"月", "人", "户", "个"})   # harmless in a column without a unit
_HEADER_UNIT = re.compile(r"(.+?)\((?:单位:?)?([^()]+)\)")


def split_header_unit(header_normalized: str) -> tuple[str, str | None]:
    """("扶持资金", "万元") from 扶持资金(万元); (header, None) unless the brackets hold a unit."""
    h = normalize_header(header_normalized)
    m = _HEADER_UNIT.fullmatch(h)
    if m and m.group(2) in UNITS:
        return m.group(1), m.group(2)
    return h, None


def unit_factor(from_unit: str, to_unit: str) -> Decimal | None:
    """What a value in `from_unit` is multiplied by to be in `to_unit`; None if incompatible."""
    a, b = UNITS.get(from_unit), UNITS.get(to_unit)
    if a is None or b is None or a[0] != b[0]:
        return None if from_unit != to_unit else Decimal(1)
    return a[1] / b[1]


# ---------------------------------------------------------------- numbers
_NONE_MARKS = frozenset({"-", "--", "—", "——", "–", "―", "−"})
_NUMBER_TIDY: dict[int, str | None] = dict.fromkeys(map(ord, ", "), None) | {ord("−"): "-"}
_AMOUNT = re.compile(r"([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d{1,2}))?(.*)")


def _split_amount(s: str) -> tuple[Decimal, str | None] | None:
    """(amount, unit written in the cell) or None when it is not a number."""
    t = s.translate(_NUMBER_TIDY)
    prefix_unit = "元" if t.startswith("¥") else None
    m = _AMOUNT.fullmatch(t.removeprefix("¥"))
    if m is None:
        return None
    sign, digits, exponent, suffix = m.groups()
    unit = _CELL_UNIT_SPELLINGS.get(suffix.casefold(), suffix) if suffix else prefix_unit
    if unit is not None and unit not in UNITS:
        return None
    return Decimal(sign + digits + (f"E{exponent}" if exponent else "")), unit


def _factor(cell_unit: str | None, header_unit: str | None, canonical: str | None) -> Decimal | Parsed:
    """The multiplier to the canonical unit, or an A7.unit finding."""
    column_unit = header_unit or canonical
    where = "表头" if header_unit else "该列"
    if cell_unit and cell_unit != column_unit:
        if column_unit is None and cell_unit in _COUNT_UNITS:
            return Decimal(1)
        measure = UNITS[cell_unit][0] if column_unit and cell_unit in UNITS else "数值"
        wanted = f"{where}单位为{column_unit}" if column_unit else "该列没有单位"
        return Parsed(None, "A7.unit", f"{measure}单位为{cell_unit}，但{wanted}")
    if header_unit and canonical:
        factor = unit_factor(header_unit, canonical)
        if factor is None:
            return Parsed(None, "A7.unit", f"表头单位{header_unit}无法换算为{canonical}")
        return factor
    return Decimal(1)


def _plain(x: float | Decimal) -> str:
    s = format(Decimal(str(x)), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def _bounds(value: Decimal, lo: float | None, hi: float | None, unit: str) -> Parsed | None:
    if (lo is not None and value < Decimal(str(lo))) or (hi is not None and value > Decimal(str(hi))):
        span = f"{'' if lo is None else _plain(lo)}～{'' if hi is None else _plain(hi)}"
        return Parsed(None, "A7.range", f"数值{_plain(value)}{unit}超出合理范围（{span}）")
    return None


def parse_number(text: str | None, kind: str, *, integer: bool, header_unit: str | None,
                 canonical_unit: str | None, lo: float | None, hi: float | None) -> Parsed:
    """Money, counts, areas (A7); the header's unit converts to the canonical one first."""
    s = normalize_text(text)
    if s is None or kind == "":
        return EMPTY
    if kind not in ("s", "n"):
        return Parsed(None, "A7.format", f"数值单元格为{_KIND_NAMES.get(kind, kind)}：{s}")
    if s in _NONE_MARKS:
        return Parsed(0 if integer else 0.0)
    split = _split_amount(s)
    if split is None:
        return Parsed(None, "A7.format", f"数值无法识别：{s}")
    factor = _factor(split[1], header_unit, canonical_unit)
    if isinstance(factor, Parsed):
        return factor
    value = split[0] * factor + 0   # + 0 turns -0 into 0
    if value < 0:
        return Parsed(None, "A7.negative", f"数值不能为负数：{s}")
    if integer and value != value.to_integral_value():
        return Parsed(None, "A7.format", f"应为整数：{s}")
    out_of_range = _bounds(value, lo, hi, canonical_unit or header_unit or "")
    if out_of_range:
        return out_of_range
    return Parsed(int(value) if integer else float(value))


# ---------------------------------------------------------------- dates
_EXCEL_EPOCH = date(1899, 12, 30)   # 1900 system, right for every serial after 1900-03-01
_SERIAL_MIN, _SERIAL_MAX = 20000, 60000   # 1954-10-03 .. 2064-04-08
_OLDEST_YEAR = 1900
_TIME = r"(?:[ T]*\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?"
_DATE_PATTERNS = tuple(re.compile(p + _TIME) for p in (
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?",
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
))
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")


def _date_from_text(s: str) -> date | None:
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(s)
        if m:
            try:
                found = date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
            return found if found.year >= _OLDEST_YEAR else None
    return None


def _date_from_serial(s: str) -> date | None:
    split = _split_amount(s)
    if split is None or split[1] is not None:
        return None
    serial = split[0]
    if serial == serial.to_integral_value() and len(str(int(serial))) == 8:
        return _date_from_text(str(int(serial)))     # 20180831 typed as a number
    if _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return _EXCEL_EPOCH + timedelta(days=int(serial))
    return None


def parse_date(text: str | None, kind: str, as_of: date) -> Parsed:
    """A date (A6): ISO, 2018/8/31, 2018.8.31, 2018年8月31日, 20180831, Excel serials."""
    s = normalize_text(text)
    if s is None or kind == "":
        return EMPTY
    serial = kind == "n" or (kind == "s" and _SERIAL_TEXT.fullmatch(s) is not None)
    found = _date_from_serial(s) if serial else _date_from_text(s) if kind in ("s", "d") else None
    if found is None:
        if serial:
            return Parsed(None, "A6", f"日期数值{s}不是有效的Excel日期（应在{_SERIAL_MIN}～{_SERIAL_MAX}之间）")
        return Parsed(None, "A6", f"日期无法识别：{s}")
    if found > as_of:
        return Parsed(None, "A6.future", f"日期{found.isoformat()}晚于统计截止日{as_of.isoformat()}")
    return Parsed(found)
