"""The shared ground of cell parsing: the `Parsed` result and text/header normalization.

Split out of `pipelines.cells` so the number and date parsers (`pipelines.quantities`) and the
code parsers share it; callers import everything from `pipelines.cells`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


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
