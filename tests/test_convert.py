"""Set-wise conversion (pipelines/convert.py) gives exactly what the per-cell parsers give."""

from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from pipelines import cells
from pipelines.convert import clean_ids, convert_column
from pipelines.idnumbers import id_check_char
from pipelines.schema import load_schema
from pipelines.specs import ColumnSpec

AS_OF = date(2018, 8, 31)


def _valid(body17: str) -> str:
    return body17 + id_check_char(body17)


IDS = [
    ("s", _valid("61102519800101001")),            # clean: the fast path
    ("s", _valid("61102519800101001")[:-1] + "0"),  # wrong check character (unless it is 0)
    ("s", _valid("61102520300101001")),            # born after the as-of date
    ("s", _valid("61102518800101001")),            # born before 1890
    ("s", _valid("61102519800231001")),            # 31 February
    ("s", _valid("61109919800101001")),            # not a Shangluo county
    ("s", _valid("99999919800101001")),            # placeholder
    ("s", _valid("61102519800101002").lower()),    # a lower-case x (when the check is X) or the same
    ("s", "６１１０２５１９８００１０１００１" + id_check_char("61102519800101001")),   # full-width digits
    ("s", " " + _valid("61102519800101001")),      # a leading space
    ("n", _valid("61102519800101001")),            # typed as a number
    ("s", "611025800101001"),                       # 15 digits
    ("s", None), ("-", None), ("e", "#N/A"),
]
TEXTS = [("s", "张三"), ("s", "Zhang3"), ("s", "张 三"), ("s", " 张三"), ("s", "\uf900"), ("n", "12"),
         ("d", "2018-01-01 00:00:00"), ("s", "李四\u200b"), ("s", "'王五"), ("e", "#REF!"), ("-", None),
         ("s", "ＡＢ"), ("s", "㈠")]


def _keys(cells_: list[tuple[str, str | None]]) -> pa.Array:
    return pa.array([k + (t or "") for k, t in cells_], pa.string())


@pytest.mark.parametrize(("typ", "samples", "parse"), [
    ("id_number", IDS, lambda t, k: cells.parse_id_number(t, k, AS_OF)),
    ("text", TEXTS, cells.parse_text),
])
def test_set_wise_equals_per_cell(typ, samples, parse):
    target = "id_number" if typ == "id_number" else "name"
    col = ColumnSpec(header="x", target=target, type=typ)
    rows = samples + samples[::-1]                      # repeated values share one conversion
    column = convert_column(_keys(rows), col, None, load_schema(), AS_OF)
    assert len(column.parsed) == len(samples)
    for i, (kind, text) in enumerate(rows):
        assert column.at(i) == parse(text, kind), (kind, text)


def test_clean_ids_take_only_the_fast_cases():
    keys = _keys(IDS)
    kept = clean_ids(keys, AS_OF)
    assert kept.dtype == np.bool_
    assert kept[0] and not kept[2] and not kept[3] and not kept[4] and not kept[5] and not kept[6]
    assert not kept[8] and not kept[9] and not kept[10]   # full-width, spaced and numeric cells: the slow path
