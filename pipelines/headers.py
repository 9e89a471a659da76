"""Header detection: which row (or pair of rows) of a sheet is the sender's header, and what it maps to.

The header is the row, within the first rows, that matches most of the sender's spellings after
normalization (NFKC, brackets, spaces, a unit in brackets split off), whatever the number of title
rows above it. A header may span two rows: a group header merged across the columns below it
(房屋信息 above 是否危房户 | 饮水是否安全), a header cell merged down over both rows (户编号), or
a header split over two rows (年人均纯收入 / （元）). Each column of a two-row header is read as
the lower cell, the upper + lower cells, the upper cell alone, or the group above + the lower cell,
whichever is a known spelling. A sheet matching no layout gives a `Mismatch`: the missing columns,
and for each unknown header the known spelling it most resembles (the A4 reason).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipelines.cells import UNITS, normalize_header, split_header_unit
from pipelines.specs import ColumnSpec, SheetSpec

HEADER_SEARCH_ROWS = 12
Row = list[tuple[str | None, str]]
Found = dict[str, tuple[int, str | None]]          # target -> (column index, unit in the header)
DRIFT_CUTOFF = 0.5                                 # difflib ratio for "did you mean"


@dataclass
class Layout:
    spec: SheetSpec
    header_row: int                                   # Excel row number of the (lower) header row
    headers: list[str]                                # as written; a two-row header combined per column
    columns: Found = field(default_factory=dict)
    header_rows: int = 1                              # 2 when the header spans two rows


@dataclass
class Mismatch:
    missing: list[str]                                # usual spellings of the missing columns
    closest: str | None                               # the written header closest to a missing one
    unknown: list[tuple[str, str]] = field(default_factory=list)   # (written, did you mean)
    matched: int = 0


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@lru_cache(maxsize=16384)
def header_base(text: str) -> tuple[str, str | None]:
    """(normalized header without its unit, the unit in brackets or None)."""
    return split_header_unit(normalize_header(text))


@cache
def _bases(spellings: tuple[str, ...]) -> frozenset[str]:
    return frozenset(header_base(s)[0] for s in spellings)


def _spellings(spec: ColumnSpec) -> frozenset[str]:
    return _bases(tuple(spec.spellings()))


_INDEX: dict[int, tuple[SheetSpec, dict[str, list[str]]]] = {}


def _index(spec: SheetSpec) -> dict[str, list[str]]:
    """Normalized spelling -> the targets it may name, in column order (built once per spec)."""
    held = _INDEX.get(id(spec))
    if held is None or held[0] is not spec:
        index: dict[str, list[str]] = {}
        for col in spec.columns:
            for base in _spellings(col):
                index.setdefault(base, []).append(col.target)
        held = _INDEX[id(spec)] = (spec, index)
    return held[1]


def _target(spec: SheetSpec, text: str | None, taken: Found) -> tuple[str, str | None] | None:
    if not text:
        return None
    base, unit = header_base(text)
    target = next((t for t in _index(spec).get(base, ()) if t not in taken), None)
    return (target, unit) if target else None


def map_headers(spec: SheetSpec, headers: list[str | None]) -> Found:
    """Each target of `spec` whose spelling appears among `headers` -> (index, unit)."""
    found: Found = {}
    for index, text in enumerate(headers):
        hit = _target(spec, text, found)
        if hit:
            found[hit[0]] = (index, hit[1])
    return found


def _texts(row: Row) -> list[str | None]:
    return [t if t and t.strip() else None for t, _ in row]


def _candidates(upper: str | None, lower: str | None, group: str | None) -> list[str]:
    """The ways one column of a two-row header may be spelled, most specific first."""
    if not lower:
        return [upper] if upper else []
    out = [lower]
    if upper:
        out.append(upper + lower)
        if normalize_header(lower).strip("()") in UNITS:
            out.append(f"{upper}({normalize_header(lower).strip('()')})")
    if group and group != upper:
        out.append(group + lower)
    return out


def _groups(upper: list[str | None], lower: list[str | None]) -> list[str | None]:
    """The upper text spread right over the columns a merged group header covers."""
    out: list[str | None] = []
    for c, text in enumerate(upper):
        spread = out[-1] if c and not text and lower[c] and lower[c - 1] else None
        out.append(text or spread)
    return out


def combine(spec: SheetSpec, upper_row: Row, lower_row: Row) -> tuple[Found, list[str]]:
    """Read two rows as one header: the targets found and the combined header per column."""
    width = max(len(upper_row), len(lower_row))
    upper = (_texts(upper_row) + [None] * width)[:width]
    lower = (_texts(lower_row) + [None] * width)[:width]
    groups = _groups(upper, lower)
    found: Found = {}
    headers: list[str] = []
    for c in range(width):
        candidates = _candidates(upper[c], lower[c], groups[c])
        chosen = next(((t, hit) for t in candidates if (hit := _target(spec, t, found))), None)
        if chosen:
            found[chosen[1][0]] = (c, chosen[1][1])
        headers.append(chosen[0] if chosen else (candidates[0] if candidates else ""))
    return found, headers


def _score(found: Found) -> tuple[int, int]:
    return len(found), sum(1 for _, unit in found.values() if unit)


def search_rows(spec: SheetSpec) -> int:
    """How many rows from the top may hold the header."""
    return max(HEADER_SEARCH_ROWS, spec.title_rows[1] + 3)


def _best(sheet_rows: list[Row], spec: SheetSpec) -> tuple[Found, int, list[str], int]:
    """(found, Excel row of the lower header row, combined headers, 1 or 2 header rows)."""
    best: tuple[Found, int, list[str], int] = ({}, 1, [], 1)
    filled = -1                                   # no match anywhere: the fullest row is the header
    limit = search_rows(spec)
    for r, row in enumerate(sheet_rows[:limit]):
        texts = _texts(row)
        found = map_headers(spec, texts)
        width = sum(1 for t in texts if t)
        if len(found) > len(best[0]) or (not best[0] and not found and width > filled):
            best, filled = (found, r + 1, [t or "" for t in texts], 1), width
        if r:
            pair, headers = combine(spec, sheet_rows[r - 1], row)
            if _score(pair) > _score(best[0]):     # a unit row below a full header counts
                best = (pair, r + 1, headers, 2)
    return best


def detect_layout(sheet_rows: list[Row], spec: SheetSpec) -> Layout | Mismatch:
    found, row, headers, n = _best(sheet_rows, spec)
    needed = [c for c in spec.columns if not c.optional]
    missing = [c for c in needed if c.target not in found]
    if not missing:
        return Layout(spec, row, headers, found, n)
    return mismatch(spec, missing, headers, found)


def mismatch(spec: SheetSpec, missing: list[ColumnSpec], headers: list[str], found: Found) -> Mismatch:
    used = {index for index, _ in found.values()}
    unknown = [h for i, h in enumerate(headers) if h and i not in used]
    pairs: list[tuple[str, str]] = []
    for col in missing:
        scored = [(difflib.SequenceMatcher(None, header_base(h)[0], s).ratio(), h)
                  for h in unknown for s in _spellings(col)]
        score, written = max(scored, default=(0.0, ""))
        if score >= DRIFT_CUTOFF:
            pairs.append((written, col.header))
            unknown.remove(written)
    written_all = [h for h in headers if h]
    close = [m for c in missing for m in difflib.get_close_matches(c.header, written_all, n=1, cutoff=0.3)]
    closest = close[0] if close else (written_all[0] if written_all else None)
    return Mismatch([c.header for c in missing], closest, pairs, len(found))


def a4_reason(worst: Mismatch) -> str:
    """The sender's reason for quarantining a file whose header fits none of its layouts."""
    parts = [f"没有找到本单位模板的表头，缺少列：{'、'.join(worst.missing[:8])}"
             + ("等" if len(worst.missing) > 8 else "")]
    drift = bool(worst.unknown) and worst.matched > len(worst.missing)
    if drift:
        parts += [f"表头 `{w}` 无法识别，您是否指 `{h}`？" for w, h in worst.unknown]
    elif worst.closest:
        parts.append(f"最接近的表头是 `{worst.closest}`")
    parts.append("请核对列名，或使用本单位的报送模板" if drift else "请使用本单位的报送模板")
    return "；".join(parts)
