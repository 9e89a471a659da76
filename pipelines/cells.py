"""One raw cell -> one canonical value, or a section A finding (rules.md).

A raw cell is `(text, kind)`: kind "s" string, "n" number (integral floats as integer text), "d"
date/datetime (ISO text), "b" boolean ("true"/"false"), "e" error cell, "" empty; CSV cells are
always "s". Every function is pure and deterministic on hashable arguments, so callers may run
them once per distinct value. Empty cells give `Parsed(None)` with no rule: emptiness is the
caller's business (required columns). ID numbers live in `pipelines.idnumbers`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from pipelines.idnumbers import (
    check_id_number,
    id_birth_date,
    id_check_char,
    id_sex,
    mask_id,
    mask_phone,
    upgrade_id15,
)

__all__ = [
    "EMPTY", "UNITS", "Parsed", "id_birth_date", "id_check_char", "id_sex", "mask_id", "mask_phone",
    "normalize_header", "normalize_text", "parse_code", "parse_code_list", "parse_date",
    "parse_id_number", "parse_number", "parse_text", "parse_yes_no", "split_header_unit",
    "unit_factor", "upgrade_id15",
]


@dataclass(frozen=True, slots=True)
class Parsed:
    value: object | None            # canonical python value or None
    rule: str | None = None         # finding rule id (A1.checksum, A2, A3, A5, A6.future, A7.unit...)
    detail: str | None = None       # short Chinese explanation
    original: str | None = None     # A3: the 15-digit original ID

    @property
    def failed(self) -> bool:
        """A finding that emptied the cell (A3 is info: its value is set)."""
        return self.rule is not None and self.value is None


EMPTY = Parsed(None)
_KIND_NAMES = {"d": "日期", "b": "逻辑值", "e": "错误值", "n": "数字", "s": "文本"}

# ---------------------------------------------------------------- text and headers
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_APOSTROPHES = "'`\u2018\u2019"
_HEADER_BRACKETS = str.maketrans("【】[]〔〕〖〗（）", "()()()()()")


def normalize_text(text: str | None) -> str | None:
    """NFKC; no zero-width characters; spaces, NBSP, U+3000 and one leading apostrophe stripped."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).strip()
    if s and s[0] in _APOSTROPHES:
        s = s[1:].strip()
    return s or None


def normalize_header(text: str | None) -> str:
    """The form headers are compared in: NFKC, no whitespace at all, every bracket kind -> ( )."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_HEADER_BRACKETS)
    return "".join(s.split())


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


# ---------------------------------------------------------------- yes/no and codes
_YES_NO: dict[str, bool] = {
    **dict.fromkeys(("是", "有", "√", "✓", "✔", "y", "1", "已", "已完成", "已拆除", "已通", "true"), True),
    **dict.fromkeys(("否", "无", "×", "✗", "✘", "n", "0", "未", "未完成", "未拆除", "未通", "false"), False),
}
_INTEGRAL_FLOAT = re.compile(r"(-?\d+)\.0*")


def parse_yes_no(text: str | None, kind: str) -> Parsed:
    """是/否 and their spellings (offices.yaml value_spellings.yes_no); else A5."""
    s = normalize_text(text)
    if s is None or kind == "":
        return EMPTY
    m = _INTEGRAL_FLOAT.fullmatch(s)
    answer = _YES_NO.get((m.group(1) if m else s).casefold()) if kind != "e" else None
    if answer is None:
        return Parsed(None, "A5", f"取值“{s}”无法识别为是/否，应为：是、否")
    return Parsed(answer)


def _code_key(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).translate(_ZERO_WIDTH).split())


@lru_cache(maxsize=512)
def _code_index(allowed: tuple[str, ...], mapping: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Comparison key -> canonical label: allowed labels win over the value map."""
    labels = {_code_key(a): a for a in allowed}
    index = {_code_key(k): labels.get(_code_key(v), v) for k, v in mapping} | labels
    for key, label in list(index.items()):
        index.setdefault(key.casefold(), label)
    return index


def _listing(allowed: Sequence[str], limit: int = 20) -> str:
    shown = "、".join(allowed[:limit])
    return shown + (f"等{len(allowed)}项" if len(allowed) > limit else "")


def parse_code(text: str | None, kind: str, allowed: Sequence[str],
               value_map: Mapping[str, str]) -> Parsed:
    """A label of a closed value set (A5): labels, numeric codes, legacy labels, short forms."""
    s = normalize_text(text)
    if s is None or kind == "":
        return EMPTY
    if kind != "e":
        index = _code_index(tuple(allowed), tuple(value_map.items()))
        key = _code_key(s)
        m = _INTEGRAL_FLOAT.fullmatch(key)
        for candidate in (key, m.group(1) if m else key, key.casefold()):
            if candidate in index:
                return Parsed(index[candidate])
    return Parsed(None, "A5", f"取值“{s}”不在允许范围内，应为：{_listing(allowed)}")


@lru_cache(maxsize=32)
def _splitter(separators: tuple[str, ...]) -> re.Pattern[str]:
    forms = {f for sep in separators for f in (sep, unicodedata.normalize("NFKC", sep)) if f}
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def parse_code_list(text: str | None, kind: str, allowed: Sequence[str], value_map: Mapping[str, str],
                    separators: Sequence[str] = (",", "，", "、", ";", "；", "/")) -> Parsed:
    """Several labels in one cell (残疾,长期慢性病): each parsed as a code, deduplicated in order."""
    s = normalize_text(text)
    if s is None or kind == "":
        return EMPTY
    whole = parse_code(s, kind, allowed, value_map)   # a label may contain a separator
    if not whole.failed:
        return Parsed([whole.value])
    if kind == "e":
        return whole
    parts = [p.strip() for p in _splitter(tuple(separators)).split(s) if p.strip()]
    results = [(part, parse_code(part, "s", allowed, value_map)) for part in parts]
    bad = [part for part, r in results if r.failed]
    if bad:
        return Parsed(None, "A5", f"取值“{'、'.join(bad)}”不在允许范围内，应为：{_listing(allowed)}")
    labels = [str(r.value) for _, r in results]
    return Parsed(list(dict.fromkeys(labels))) if labels else EMPTY


def parse_text(text: str | None, kind: str) -> Parsed:
    """Free text: normalized; numbers give their text, datetimes at midnight their date.

    Error cells give None without a rule (no section A rule covers free text).
    """
    if kind in ("", "e"):
        return EMPTY
    s = normalize_text(text)
    if s is not None and kind == "d":
        s = s.removesuffix(" 00:00:00").removesuffix("T00:00:00")
    return Parsed(s)


def parse_id_number(text: str | None, kind: str, as_of: date) -> Parsed:
    """An ID number (A1-A3): the normalized 18-character ID, or the finding."""
    found = check_id_number(text, kind, as_of)
    return Parsed(found.value, found.rule, found.detail, found.original)
