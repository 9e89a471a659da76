"""Convert a landed column set-wise: each distinct (text, kind) once, then spread by index.

Normalize used to call a cell parser per row. A sheet's column holds far fewer distinct values
than rows (codes, dates, yes/no, counties), so the column is dictionary-encoded in Arrow and the
parser of `pipelines.cells` runs once per distinct value. ID numbers are nearly all distinct: the
clean ones (18 ASCII characters, check character right, a real birth date, a known place) are
recognized with numpy a whole column at a time, and only the rest go through
`cells.parse_id_number`. Both paths give the same `Parsed`; a test holds them equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import cells
from pipelines.idnumbers import _OLDEST_BIRTH_YEAR, _PLACEHOLDER_PREFIX, id_birth_date, place_problem
from pipelines.schema import Schema
from pipelines.specs import ColumnSpec

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)


@dataclass
class Column:
    """One target column of a sheet. `codes[i]` indexes row i's distinct value: parsed
    (`parsed[j]`), or kept as it is where `parsed[j]` is None (its text `texts[j]` is the value,
    with no finding: a clean ID, a plain name)."""
    codes: np.ndarray
    texts: list[str | None]
    parsed: list[cells.Parsed | None]

    def _per_row(self, values: list[object], dtype: type = object) -> np.ndarray:
        return np.fromiter(values, dtype=dtype, count=len(values))[self.codes]

    def per_row(self, transform: Callable[[object], object] = lambda v: v) -> np.ndarray:
        """Each row's value (transformed), as a numpy object array."""
        return self._per_row([transform(t if p is None else p.value) for p, t in zip(self.parsed, self.texts, strict=True)])

    @cached_property
    def empty(self) -> np.ndarray:
        return self._per_row([p is not None and p.value is None for p in self.parsed], bool)

    @cached_property
    def noted(self) -> np.ndarray:
        return self._per_row([p is not None and p.rule is not None for p in self.parsed], bool)

    def values(self, typ: pa.DataType) -> pa.Array:
        distinct = [t if p is None else p.value for p, t in zip(self.parsed, self.texts, strict=True)]
        return pa.array(distinct, typ).take(pa.array(self.codes))

    def originals(self) -> pa.Array:
        distinct = [None if p is None else p.original or None for p in self.parsed]
        return pa.array(distinct, pa.string()).take(pa.array(self.codes))

    def at(self, i: int) -> cells.Parsed:
        p = self.parsed[self.codes[i]]
        return cells.Parsed(self.texts[self.codes[i]]) if p is None else p


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


def convert_column(keys: pa.Array | pa.ChunkedArray, col: ColumnSpec, unit: str | None, schema: Schema,
                   as_of: date) -> Column:
    """`keys`: kind character + text (empty text for an empty cell), one per row."""
    encoded = pc.dictionary_encode(keys)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries().combine_chunks() if encoded.num_chunks else \
            pa.array([], pa.dictionary(pa.int32(), pa.string()))
    dictionary = encoded.dictionary
    distinct = [(k[1:] or None, k[0]) for k in dictionary.to_pylist()]
    if col.type == "id_number":
        kept = clean_ids(dictionary, as_of)
    elif col.type == "text":   # only CJK unified ideographs and ASCII letters/digits: NFKC and strip keep them
        kept = pc.match_substring_regex(dictionary, r"^[sn][\x{4e00}-\x{9fff}0-9A-Za-z]+$").to_numpy(zero_copy_only=False)
    else:
        kept = np.zeros(len(distinct), dtype=bool)
    convert = converter(col, unit, schema, as_of)
    parsed = [None if keep else convert(text, kind) for (text, kind), keep in zip(distinct, kept.tolist(), strict=True)]
    return Column(encoded.indices.to_numpy(zero_copy_only=False), [t for t, _ in distinct], parsed)


def clean_ids(keys: pa.Array, as_of: date) -> np.ndarray:
    """Which distinct keys hold a valid 18-character ID typed as text (kind "s").

    `cells.parse_id_number` on such a cell cleans nothing (NFKC, spaces, apostrophes, case leave
    it as it is) and goes straight to the check character, birth date and place: done here for
    all of them at once. Anything else is left to `cells.parse_id_number`."""
    kept = np.zeros(len(keys), dtype=bool)
    shaped = pc.and_(pc.match_substring_regex(keys, r"^s[0-9]{17}[0-9X]$"),
                     pc.invert(pc.starts_with(keys, "s" + _PLACEHOLDER_PREFIX)))
    idx = np.flatnonzero(shaped.to_numpy(zero_copy_only=False))
    if not len(idx):
        return kept
    ids = pc.utf8_slice_codeunits(keys.take(pa.array(idx)), 1, 19)
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int32)[ids.offset: ids.offset + len(ids) + 1]
    digits = np.frombuffer(ids.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]].reshape(-1, 18)
    ok = _CHECK_CHARS[(digits[:, :17].astype(np.int64) - 48) @ _WEIGHTS % 11] == digits[:, 17]
    births, places = pc.utf8_slice_codeunits(ids, 6, 14), pc.utf8_slice_codeunits(ids, 0, 6)
    good_births = [b for b in pc.unique(births).to_pylist() if _birth_ok(b, as_of)]
    good_places = [p for p in pc.unique(places).to_pylist() if place_problem(p) is None]
    ok &= pc.is_in(births, pa.array(good_births, pa.string())).to_numpy(zero_copy_only=False)
    ok &= pc.is_in(places, pa.array(good_places, pa.string())).to_numpy(zero_copy_only=False)
    kept[idx[ok]] = True
    return kept


def _birth_ok(yyyymmdd: str, as_of: date) -> bool:
    born = id_birth_date("000000" + yyyymmdd + "0000")
    return born is not None and born.year >= _OLDEST_BIRTH_YEAR and born <= as_of
