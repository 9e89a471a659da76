"""A file's month and scope (contract.md "Files and months")."""

from __future__ import annotations

import re
import unicodedata

from pipelines.cells import normalize_text

MONTH_PATTERNS = [
    re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月"),
    re.compile(r"(20\d{2})[.\-_/](\d{1,2})(?![\d.\-_/])"),
    re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?!\d)"),
]
MONTH_ONLY = re.compile(r"(?<![\d年.])(\d{1,2})\s*月")


NOT_A_PERIOD = re.compile(r"(导出|打印|制表|填报|填表)(时间|日期)")


def find_month(text: str, default_year: int | None) -> str | None:
    """`YYYY-MM` from 2018年8月 / 2018.8 / 2018-08 / 201808; a bare 8月 takes `default_year`.

    A full date (2018-09-03) is a day, not a reporting month, and is not taken.
    """
    text = unicodedata.normalize("NFKC", text)
    for pattern in MONTH_PATTERNS:
        m = pattern.search(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    m = MONTH_ONLY.search(text)
    if m and default_year and 1 <= int(m.group(1)) <= 12:
        return f"{default_year:04d}-{int(m.group(1)):02d}"
    return None


def detect_month(titles: list[str], file_name: str, default_year: int | None) -> str | None:
    """The title rows first (export-time lines are not periods), then the file name."""
    for text in [*titles, file_name]:
        if NOT_A_PERIOD.search(text):
            continue
        month = find_month(text, default_year)
        if month:
            return month
    return None


def county_code(name: str | None, counties: dict[str, str]) -> str | None:
    """A county name (full, short, or old) -> its code, using the gazetteer's names."""
    text = normalize_text(name)
    if not text:
        return None
    if text in counties:
        return counties[text]
    return counties.get(text.rstrip("县区市")) or counties.get(text + "县") or counties.get(text + "区")


def counties_in(text: str, counties: dict[str, str]) -> set[str]:
    return {code for name, code in counties.items() if len(name) >= 2 and name in text}


def scope_of(values: list[str | None], kind: str, counties: dict[str, str], titles: list[str],
             file_name: str) -> str:
    """Sorted `|`-joined scope values; `*` = the whole sender."""
    found: set[str] = set()
    for value in values:
        text = normalize_text(value)
        if not text:
            continue
        found.add((county_code(text, counties) or text) if kind == "county_name" else text)
    if not found:
        for text in [*titles, file_name]:
            found |= counties_in(unicodedata.normalize("NFKC", text), counties)
            if found:
                break
    return "|".join(sorted(found)) if found else "*"


def scope_covers(new: str, old: str) -> bool:
    return new == "*" or (old != "*" and set(old.split("|")) <= set(new.split("|")))


def scopes_overlap(a: str, b: str) -> bool:
    return a == "*" or b == "*" or bool(set(a.split("|")) & set(b.split("|")))
