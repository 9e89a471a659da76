"""pipelines.kept: the store of check rows. (Which rules run again, and that the findings are those of
running every SQL: test_validate.py.)"""

from __future__ import annotations

import duckdb
import pytest

from pipelines.fingerprints import Fingerprints
from pipelines.kept import KeptChecks, split_parts

COLUMNS = [("rule", "VARCHAR"), ("row", "BIGINT"), ("subject", "VARCHAR")]


def test_rows_kept_by_other_code_are_dropped_with_their_fingerprints() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA kept; CREATE TABLE kept.check_row (rule VARCHAR, subject VARCHAR); "
                "INSERT INTO kept.check_row VALUES ('B1', 'x'); "
                "CREATE TABLE kept.check_fingerprint (rule VARCHAR PRIMARY KEY, fingerprint VARCHAR); "
                "INSERT INTO kept.check_fingerprint VALUES ('B1', 'f')")
    KeptChecks(con, Fingerprints(con, ""), COLUMNS)
    assert con.execute("DESCRIBE kept.check_row").fetchall() == [
        (n, t, "YES", None, None, None) for n, t in COLUMNS]
    assert con.execute("SELECT count(*) FROM kept.check_fingerprint").fetchone() == (0,)


def test_a_rule_runs_once_then_its_rows_are_copied() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 7 AS r; CREATE TEMP TABLE check_row (rule VARCHAR, row BIGINT, "
                "subject VARCHAR, known BOOLEAN)")
    insert = "INSERT INTO check_row SELECT 'B1', r, 's', false FROM (SELECT r FROM t) AS q"
    runs = []
    for _ in range(2):
        kept = KeptChecks(con, Fingerprints(con, ""), COLUMNS)
        kept.collect("B1", "SELECT r FROM t", insert)
        collected = con.execute("SELECT count(*) FROM check_row").fetchall()[0][0]
        kept.copy_reused()   # the kept rows come now, all keys in one statement
        runs.append((kept.reused, collected, con.execute("SELECT * FROM check_row").fetchall()))
        con.execute("DELETE FROM check_row")
    con.execute("UPDATE t SET r = 8")
    kept = KeptChecks(con, Fingerprints(con, ""), COLUMNS)
    kept.collect("B1", "SELECT r FROM t", insert)
    kept.copy_reused()
    runs.append((kept.reused, 1, con.execute("SELECT * FROM check_row").fetchall()))
    assert runs == [([], 1, [("B1", 7, "s", False)]), (["B1"], 0, [("B1", 7, "s", False)]),
                    ([], 1, [("B1", 8, "s", False)])]


def test_every_unchanged_key_is_copied_once_and_no_other() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 7 AS r; CREATE TABLE u AS SELECT 1 AS r; CREATE TEMP TABLE check_row "
                "(rule VARCHAR, row BIGINT, subject VARCHAR, known BOOLEAN)")
    keys = {"B1@cur_a": "t", "B1@cur_b": "t", "C2": "u"}
    for change in (None, "UPDATE u SET r = 2"):
        if change:
            con.execute(change)
        con.execute("DELETE FROM check_row")
        kept = KeptChecks(con, Fingerprints(con, ""), COLUMNS)
        for key, table in keys.items():
            kept.collect(key, f"SELECT r FROM {table}", f"INSERT INTO check_row SELECT '{key}', r, 's', false FROM {table}")
        kept.copy_reused()
    assert kept.reused == ["B1@cur_a", "B1@cur_b"]
    assert con.execute("SELECT rule, row FROM check_row ORDER BY rule").fetchall() == [
        ("B1@cur_a", 7), ("B1@cur_b", 7), ("C2", 2)]


WHOLE = """-- a check
WITH sector AS (
    SELECT row_uid, 'a(''UNION ALL'')' AS note FROM cur_a   -- not a cut: UNION ALL (
    UNION ALL SELECT row_uid, concat('x', ')') FROM cur_b
    union all select row_uid, 'c' from cur_c
)
SELECT s.* FROM sector s LEFT JOIN link l USING (row_uid) WHERE l.row_uid IS NULL"""
HEAD = '-- a check\nWITH sector ("row_uid", "note") AS (\n    '
REST = "\n)\nSELECT s.* FROM sector s LEFT JOIN link l USING (row_uid) WHERE l.row_uid IS NULL"


def test_a_check_splits_into_one_part_per_branch_of_its_cte() -> None:
    con = duckdb.connect()   # each part is SQL DuckDB runs, and together they select what the whole does
    con.execute("CREATE TABLE cur_a AS SELECT 1 AS row_uid; CREATE TABLE cur_b AS SELECT 2 AS row_uid; "
                "CREATE TABLE cur_c AS SELECT unnest([3, 4]) AS row_uid; CREATE TABLE link AS SELECT 4 AS row_uid")
    parts = split_parts(con, WHOLE, "sector")
    assert [t for t, _ in parts] == ["cur_a", "cur_b", "cur_c"]
    assert parts[1][1] == HEAD + "SELECT row_uid, concat('x', ')') FROM cur_b" + REST
    assert parts[0][1].startswith(HEAD + "SELECT row_uid, 'a(''UNION ALL'')' AS note FROM cur_a   -- not a cut: "
                                  "UNION ALL (\n)")
    assert parts[2][1] == HEAD + "select row_uid, 'c' from cur_c" + REST
    rows = sorted(r for _, sql in parts for r in con.execute(sql).fetchall())
    assert rows == sorted(con.execute(WHOLE).fetchall()) == [(1, "a('UNION ALL')"), (2, "x)"), (3, "c")]


@pytest.mark.parametrize(("sql", "problem"), [
    ("SELECT 1 FROM cur_a", "no `WITH sector AS (` in the check"),
    ("WITH sector AS (SELECT 1 FROM cur_a UNION ALL SELECT 2 FROM cur_b", "the CTE `sector` is not closed"),
    ("WITH sector AS (SELECT 1 FROM cur_a) SELECT * FROM sector", "must be a UNION ALL of SELECTs of one table each"),
    ("WITH sector AS (SELECT 1 FROM cur_a UNION ALL SELECT 2 FROM cur_a) FROM sector", "each table once"),
    ("WITH sector AS (SELECT 1 FROM cur_a UNION ALL SELECT 2 FROM cur_b JOIN x ON true, (FROM cur_c)) FROM sector",
     "one table each"),
])
def test_a_check_that_does_not_split_says_why(sql: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("(", r"\(")):
        split_parts(duckdb.connect(), sql, "sector")


def test_rows_of_keys_no_longer_collected_are_forgotten() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 7 AS r; CREATE TEMP TABLE check_row (rule VARCHAR, row BIGINT, "
                "subject VARCHAR, known BOOLEAN)")
    for key in ("B1", "B1@cur_a"):   # B1 kept whole, then split into parts
        kept = KeptChecks(con, Fingerprints(con, ""), COLUMNS)
        kept.collect(key, "SELECT r FROM t", f"INSERT INTO check_row SELECT '{key}', r, 's', false FROM t")
        kept.forget_others()
    assert con.execute("SELECT rule FROM kept.check_row UNION ALL SELECT rule FROM kept.check_fingerprint"
                       ).fetchall() == [("B1@cur_a",), ("B1@cur_a",)]
