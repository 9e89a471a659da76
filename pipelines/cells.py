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
from datetime import date
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
from pipelines.parsed import _ZERO_WIDTH, EMPTY, Parsed, normalize_header, normalize_text
from pipelines.quantities import UNITS, parse_date, parse_number, split_header_unit, unit_factor

__all__ = [
    "EMPTY", "UNITS", "Parsed", "id_birth_date", "id_check_char", "id_sex", "mask_id", "mask_phone",
    "normalize_header", "normalize_text", "parse_code", "parse_code_list", "parse_date",
    "parse_id_number", "parse_number", "parse_text", "parse_yes_no", "split_header_unit",
    "unit_factor", "upgrade_id15",
]


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
