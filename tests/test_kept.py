"""pipelines.kept: the store of check rows. (Which rules run again, and that the findings are those of
running every SQL: test_validate.py.)"""

from __future__ import annotations

import duckdb

from pipelines.fingerprints import Fingerprints
from pipelines.kept import KeptChecks

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
        runs.append((kept.reused, con.execute("SELECT * FROM check_row").fetchall()))
        con.execute("DELETE FROM check_row")
    con.execute("UPDATE t SET r = 8")
    kept = KeptChecks(con, Fingerprints(con, ""), COLUMNS)
    kept.collect("B1", "SELECT r FROM t", insert)
    runs.append((kept.reused, con.execute("SELECT * FROM check_row").fetchall()))
    assert runs == [([], [("B1", 7, "s", False)]), (["B1"], [("B1", 7, "s", False)]), ([], [("B1", 8, "s", False)])]
