"""Convert a landed column set-wise: each distinct (text, kind) once, then spread by index.

Normalize used to call a cell parser per row. A sheet's column holds far fewer distinct values
than rows (codes, dates, yes/no, counties), so the column is dictionary-encoded in Arrow and the
parser of `pipelines.cells` runs once per distinct value. ID numbers are nearly all distinct: the
clean ones (18 ASCII characters, check character right, a real birth date, a known place) are
recognized with numpy a whole column at a time, and only the rest go through
`cells.parse_id_number`. Both paths give the same `Parsed`; a test holds them equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import cells
from pipelines.idnumbers import _OLDEST_BIRTH_YEAR, _PLACEHOLDER_PREFIX, id_birth_date, place_problem
from pipelines.schema import Schema
from pipelines.specs import ColumnSpec

_CLEAN_ID = re.compile(r"[0-9]{17}[0-9X]")
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)


@dataclass
class Column:
    """One target column of a sheet: `codes[i]` indexes row i's `Parsed` in `parsed`."""
    codes: np.ndarray
    parsed: list[cells.Parsed]

    def take(self, attribute: Callable[[cells.Parsed], object], dtype: type = object) -> np.ndarray:
        """A per-row array of one attribute of the parsed values."""
        return np.array([attribute(p) for p in self.parsed], dtype=dtype)[self.codes]

    def values(self, typ: pa.DataType) -> pa.Array:
        return pa.array([p.value for p in self.parsed], typ).take(pa.array(self.codes))

    def at(self, i: int) -> cells.Parsed:
        return self.parsed[self.codes[i]]


def converter(col: ColumnSpec, unit: str | None, schema: Schema, as_of: date) -> Callable[[str | None, str], cells.Parsed]:
    allowed = schema.columns[col.target].values or []
    kinds: dict[str, Callable[[str | None, str], cells.Parsed]] = {
        "text": cells.parse_text,
        "id_number": lambda t, k: cells.parse_id_number(t, k, as_of),
        "date": lambda t, k: cells.parse_date(t, k, as_of),
        "yes_no": cells.parse_yes_no,
        "code": lambda t, k: cells.parse_code(t, k, allowed, col.value_map),
        "code_list": lambda t, k: cells.parse_code_list(t, k, allowed, col.value_map, tuple(col.separators)),
    }
    if col.type in kinds:
        return kinds[col.type]
    return lambda t, k: cells.parse_number(t, k, integer=col.type == "integer", header_unit=unit,
                                           canonical_unit=col.unit, lo=col.min, hi=col.max)


def convert_column(keys: pa.Array, col: ColumnSpec, unit: str | None, schema: Schema, as_of: date) -> Column:
    """`keys`: kind character + text (empty text for an empty cell), one per row."""
    encoded = pc.dictionary_encode(keys).combine_chunks() if isinstance(keys, pa.ChunkedArray) \
        else pc.dictionary_encode(keys)
    distinct = [(k[1:] or None, k[0]) for k in encoded.dictionary.to_pylist()]
    convert = converter(col, unit, schema, as_of)
    clean = clean_ids(distinct, as_of) if col.type == "id_number" else {}
    parsed = [clean.get(i) or convert(text, kind) for i, (text, kind) in enumerate(distinct)]
    return Column(encoded.indices.to_numpy(zero_copy_only=False), parsed)


def clean_ids(distinct: list[tuple[str | None, str]], as_of: date) -> dict[int, cells.Parsed]:
    """The positions of `distinct` holding a valid 18-character ID typed as text, parsed.

    `cells.parse_id_number` on such a cell cleans nothing (NFKC, spaces, apostrophes, case leave
    it as it is) and goes straight to the check character, birth date and place: done here for
    all of them at once. Anything else is left to `cells.parse_id_number`."""
    picked = [(i, t) for i, (t, k) in enumerate(distinct)
              if k == "s" and t is not None and len(t) == 18 and _CLEAN_ID.fullmatch(t)
              and not t.startswith(_PLACEHOLDER_PREFIX)]
    if not picked:
        return {}
    digits = np.frombuffer("".join(t for _, t in picked).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    expected = _CHECK_CHARS[(digits[:, :17].astype(np.int64) - 48) @ _WEIGHTS % 11]
    good_births = {b for b in {t[6:14] for _, t in picked} if _birth_ok(b, as_of)}
    good_places = {p for p in {t[:6] for _, t in picked} if place_problem(p) is None}
    return {i: cells.Parsed(t) for (i, t), ok in zip(picked, expected == digits[:, 17], strict=True)
            if ok and t[6:14] in good_births and t[:6] in good_places}


def _birth_ok(yyyymmdd: str, as_of: date) -> bool:
    born = id_birth_date("000000" + yyyymmdd + "0000")
    return born is not None and born.year >= _OLDEST_BIRTH_YEAR and born <= as_of
