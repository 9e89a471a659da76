"""Resident ID numbers (GB 11643-1999, check character ISO 7064 MOD 11-2) and masking.

Pure functions, no I/O. `pipelines.cells.parse_id_number` wraps `check_id_number` into a
`Parsed`; the rule ids are those of rules.md section A (A1.*, A2, A3). Details never repeat the
full ID number (they end up in logs and the issue history).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from operator import mul
from typing import NamedTuple

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# GB/T 2260 province codes (first two digits).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
})
# Shangluo, both families: 6110xx (since 2001) and the pre-2001 6125xx (商洛地区).
SHANGLUO_PLACES = frozenset({
    "611000", "611002", "611021", "611022", "611023", "611024", "611025", "611026",
    "612500", "612501", "612521", "612522", "612523", "612524", "612525", "612526", "612527",
})
_SHANGLUO_FAMILIES = ("6110", "6125")
_OLDEST_BIRTH_YEAR = 1890
_PLACEHOLDER_PREFIX = "999999"
# Removed anywhere in an ID cell (after NFKC: NBSP and U+3000 have become plain spaces).
_JUNK = dict.fromkeys(map(ord, " \t\r\n\u200b\u200c\u200d\u2060\ufeff"), None)
_APOSTROPHES = "'`\u2018\u2019"
_SCIENTIFIC = re.compile(r"\d+(?:\.\d*)?E[+-]?\d+")
_FLOAT_TEXT = re.compile(r"(\d+)\.0*")
_DIGITS = frozenset("0123456789")
_ID_CHARS = _DIGITS | {"X"}


class IdCheck(NamedTuple):
    value: str | None
    rule: str | None = None
    detail: str | None = None
    original: str | None = None


def id_check_char(first17: str) -> str:
    """The MOD 11-2 check character of a 17-digit body."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"an ID body must be 17 ASCII digits, got {first17!r}")
    total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def upgrade_id15(id15: str) -> str:
    """A 15-digit (pre-1999) ID as 18 characters: insert the century 19, append the check."""
    if len(id15) != 15 or not id15.isascii() or not id15.isdigit():
        raise ValueError(f"a 15-digit ID must be 15 ASCII digits, got {id15!r}")
    body = id15[:6] + "19" + id15[6:]
    return body + id_check_char(body)


def _yyyymmdd(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def id_birth_date(id18: str) -> date | None:
    """The birth date in an 18-character ID (or a 15-digit one), None when it is no date."""
    if len(id18) == 15:
        return _yyyymmdd("19" + id18[6:12])
    return _yyyymmdd(id18[6:14]) if len(id18) == 18 else None


def id_sex(id18: str) -> str:
    """男 when the order code (17th digit; 15th of an old ID) is odd, else 女."""
    digit = id18[16] if len(id18) == 18 else id18[14] if len(id18) == 15 else ""
    if not digit.isdigit():
        raise ValueError("not an ID number: its sex digit is missing")
    return "男" if int(digit) % 2 else "女"


def mask_id(id18: str) -> str:
    """First 4 and last 4 characters kept: 6110**********0011."""
    if len(id18) <= 8:
        return "*" * len(id18)
    return id18[:4] + "*" * (len(id18) - 8) + id18[-4:]


def mask_phone(phone: str) -> str:
    """First 3 and last 4 characters kept: 138****5678 (short numbers: all but the last 2)."""
    p = "".join(phone.split())
    if len(p) < 8:
        return "*" * max(len(p) - 2, 0) + p[-2:]
    return p[:3] + "*" * (len(p) - 7) + p[-4:]


def place_problem(code6: str) -> str | None:
    """Why a 6-digit place prefix is not valid, or None.

    The full GB/T 2260 code list is not shipped: only Shangluo's codes (both families) are checked
    exactly; any other prefix is accepted when its province code is real.
    """
    if code6[:2] not in PROVINCES:
        return f"身份证号地区码{code6}无效：省级代码{code6[:2]}不存在"
    if code6.startswith(_SHANGLUO_FAMILIES) and code6 not in SHANGLUO_PLACES:
        return f"身份证号地区码{code6}不是商洛市的有效区县代码"
    return None


def _check18(id18: str, as_of: date) -> IdCheck:
    """Check, birth date and place of a cleaned 18-character ID."""
    expected = id_check_char(id18[:17])
    if id18[17] != expected:
        return IdCheck(None, "A1.checksum", f"身份证号校验位错误：应为{expected}，实际为{id18[17]}")
    born = id_birth_date(id18)
    if born is None or born.year < _OLDEST_BIRTH_YEAR:
        return IdCheck(None, "A1.birthdate", f"身份证号中的出生日期{id18[6:14]}不存在")
    if born > as_of:
        return IdCheck(None, "A1.future", f"身份证号中的出生日期{born.isoformat()}晚于统计截止日{as_of.isoformat()}")
    problem = place_problem(id18[:6])
    if problem:
        return IdCheck(None, "A1.place", problem)
    return IdCheck(id18)


def clean_id_text(text: str) -> str:
    """NFKC, no whitespace (NBSP, U+3000, zero-width) anywhere, no leading apostrophe, upper-case."""
    cleaned = unicodedata.normalize("NFKC", text).translate(_JUNK).lstrip(_APOSTROPHES)
    return cleaned.upper()


def _upgrade(id15: str, as_of: date) -> IdCheck:
    upgraded = upgrade_id15(id15)
    found = _check18(upgraded, as_of)
    if found.rule:
        return found._replace(original=id15)
    return IdCheck(upgraded, "A3", "15位旧身份证号已升级为18位", id15)


def _numeric(digits: str, as_of: date) -> IdCheck:
    """An ID that went through a float: 15 digits are exact, 18 are damaged."""
    if digits.startswith(_PLACEHOLDER_PREFIX):
        return IdCheck(None, "A1.placeholder", "身份证号为占位号码（999999开头）")
    if not set(digits) <= _DIGITS:
        return IdCheck(None, "A1.format", "身份证号数值单元格含有非数字字符")
    if len(digits) == 15:
        return _upgrade(digits, as_of)
    if len(digits) == 18:
        return IdCheck(None, "A2", "身份证号以数字形式存储，Excel只保留15位有效数字，末几位已损坏，请将该列设为文本后重新填写")
    return IdCheck(None, "A1.length", f"身份证号应为18位，实际为{len(digits)}位数字")


def _scientific(text: str, as_of: date) -> IdCheck:
    """6.11025E+17 lost its tail; only a mantissa spelling out all 15 digits of an old ID is exact."""
    mantissa, exponent = text.split("E")
    digits = mantissa.replace(".", "")
    if len(digits) == 15 and int(exponent) == 14:
        return _numeric(digits, as_of)
    return IdCheck(None, "A2", f"身份证号被Excel存为科学计数法（{text}），后几位已丢失，请重新填写")


def check_id_number(text: str | None, kind: str, as_of: date) -> IdCheck:
    """rules.md A1-A3 on one raw cell; see `pipelines.cells.parse_id_number`."""
    if text is None or kind == "":
        return IdCheck(None)
    cleaned = clean_id_text(text)
    if not cleaned:
        return IdCheck(None)
    if kind not in ("s", "n"):
        return IdCheck(None, "A1.format", "身份证号单元格不是文本（日期、逻辑值或错误值）")
    if _SCIENTIFIC.fullmatch(cleaned):
        return _scientific(cleaned, as_of)
    as_float = _FLOAT_TEXT.fullmatch(cleaned)
    if kind == "n" or as_float:
        return _numeric(as_float.group(1) if as_float else cleaned, as_of)
    if cleaned.startswith(_PLACEHOLDER_PREFIX):
        return IdCheck(None, "A1.placeholder", "身份证号为占位号码（999999开头）")
    if not set(cleaned) <= _ID_CHARS:
        return IdCheck(None, "A1.format", "身份证号含有数字和X以外的字符")
    if len(cleaned) not in (15, 18):
        return IdCheck(None, "A1.length", f"身份证号应为18位（或15位旧号），实际为{len(cleaned)}位")
    if "X" in cleaned[:-1] or (len(cleaned) == 15 and cleaned.endswith("X")):
        return IdCheck(None, "A1.format", "身份证号中X只能出现在18位号码的最后一位")
    if len(cleaned) == 15:
        return _upgrade(cleaned, as_of)
    return _check18(cleaned, as_of)
