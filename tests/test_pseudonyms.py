"""pipelines.pseudonyms: the key, the pseudonyms of ID and phone numbers, and their reuse across builds."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from test_publish import new_working

from pipelines import pseudonyms, publish
from pipelines.errors import OnetableError
from pipelines.pseudonyms import load_pseudonym_key, pseudonym
from pipelines.store import create_working_tables


def test_pseudonym_key_created_once_in_the_working_database(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "onetable.duckdb"))
    create_working_tables(con)
    key = load_pseudonym_key(con)
    assert len(key) == 32 and load_pseudonym_key(con) == key
    assert con.execute("SELECT count(*) FROM pseudonym_key").fetchall() == [(1,)]
    con.execute("INSERT INTO pseudonym_key VALUES ('00')")
    with pytest.raises(OnetableError, match="exactly one pseudonym key"):
        load_pseudonym_key(con)
    con.close()
    alias = pseudonym(key, "id", "611025200501010011")
    assert re.fullmatch("[A-P]{24}", alias) and alias == pseudonym(key, "id", " 611025200501010011")
    assert pseudonym(key, "phone", "138 1234 5678") == pseudonym(key, "phone", "13812345678")
    assert pseudonym(b"another key 1234", "id", "611025200501010011") != alias


def test_a_rebuild_keeps_known_pseudonyms_computes_new_ones_and_drops_gone_ones(tmp_path: Path) -> None:
    """build_candidate reuses the previous build's pseudonyms (one corrected file should not cost
    700,000 HMACs), as long as the key and the code that made them are the same."""
    con = new_working(tmp_path / "home")
    key = load_pseudonym_key(con)
    wanted = con.execute("SELECT kind, raw, masked, pseudonym FROM pub.pseudonym ORDER BY ALL").fetchall()
    assert len(wanted) > 20 and all(p == pseudonym(key, k, r) for k, r, _, p in wanted)
    con.execute("UPDATE pub.pseudonym SET pseudonym = 'KEPT' WHERE kind = 'phone'")  # a mark: kept, not recomputed
    con.execute("DELETE FROM pub.pseudonym WHERE kind = 'id' AND raw = ?", [wanted[0][1]])  # as if new to this run
    con.execute("INSERT INTO pub.pseudonym VALUES ('id', '611025200501019999', 'x', 'GONE')")  # no longer in force
    publish.build_candidate(con, key)
    rebuilt = con.execute("SELECT kind, raw, masked, pseudonym FROM pub.pseudonym ORDER BY ALL").fetchall()
    assert [(k, r, m) for k, r, m, _ in rebuilt] == [(k, r, m) for k, r, m, _ in wanted]
    assert {p for k, _, _, p in rebuilt if k == "phone"} == {"KEPT"}
    assert rebuilt[0] == wanted[0]
    other = b"another key, of thirty-two bytes"
    publish.build_candidate(con, other)   # another key: every value computed anew
    assert all(p == pseudonym(other, k, r)
               for k, r, _, p in con.execute("SELECT * FROM pub.pseudonym").fetchall())


def test_pseudonyms_are_left_alone_while_the_registry_rows_and_the_table_are_as_the_last_build_left_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = new_working(tmp_path / "home")
    key = load_pseudonym_key(con)
    compared: list[int] = []
    real_run = pseudonyms.run

    def spying(c: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> None:
        if "TEMP TABLE pseudonym_wanted" in sql:
            compared.append(1)
        real_run(c, sql, params)

    monkeypatch.setattr(pseudonyms, "run", spying)
    built = []
    for change in ("", "", "UPDATE norm_relocation SET site_name = 'x'",              # nothing of the registry
                   "UPDATE norm_registry_household SET phone = '13900000000' WHERE phone IS NOT NULL",
                   "DELETE FROM pub.pseudonym WHERE raw = (SELECT min(raw) FROM pub.pseudonym)", ""):  # the table
        if change:
            con.execute(change)
        compared.clear()
        publish.build_candidate(con, key)
        built.append(len(compared))
    assert built == [0, 0, 0, 1, 1, 0]
    rows = con.execute("SELECT kind, raw, pseudonym FROM pub.pseudonym").fetchall()
    assert ("phone", "13900000000", pseudonym(key, "phone", "13900000000")) in rows
    assert all(p == pseudonym(key, k, r) for k, r, p in rows)
    assert len(rows) == con.execute(f"SELECT count(*) FROM ({pseudonyms.WANTED})").fetchone()[0]   # the deleted one is back
    publish.build_candidate(con, key, reuse=False)   # the nightly rebuild compares every time
    assert len(compared) == 1
