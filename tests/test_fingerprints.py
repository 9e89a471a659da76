"""pipelines.fingerprints: which relations a candidate's SQL reads, as DuckDB's parser names them.
(How the fingerprints decide what is built again: test_publish.py.)"""

from __future__ import annotations

import duckdb
import pytest

from pipelines.duck import read_sql
from pipelines.fingerprints import Fingerprints, relations_read
from pipelines.publish import OBJECTS, SQL_DIR


@pytest.mark.parametrize(("sql", "tables", "columns"), [
    ("SELECT a FROM t", ["t"], {"a"}),
    ("SELECT x.a FROM pub.t x JOIN u USING (k)", ["pub.t", "u"], {"a"}),
    ("WITH c AS (SELECT a FROM t) SELECT a FROM c", ["t"], {"a"}),                       # a CTE is no relation
    ("WITH t AS (SELECT 1 AS a) SELECT a FROM t", [], {"a"}),                            # even named like one
    ("SELECT (SELECT max(b) FROM s) FROM t WHERE k IN (SELECT k FROM u)", ["s", "t", "u"], {"b", "k"}),
    ("SELECT ctx.as_of FROM run_context ctx, (WITH d AS (FROM v) FROM d) e", ["run_context", "v"], {"as_of"}),
    ("SELECT 1", [], set()),
])
def test_relations_read(sql: str, tables: list[str], columns: set[str]) -> None:
    reads = relations_read(duckdb.connect(), sql)
    assert (reads.tables, reads.columns, reads.volatile) == (tables, columns, False)


@pytest.mark.parametrize("sql", ["SELECT now()", "SELECT a FROM t WHERE d < current_date",
                                 "SELECT random() FROM t", "SELECT date_diff('day', d, today()) FROM t"])
def test_sql_whose_value_is_no_function_of_its_inputs_is_volatile(sql: str) -> None:
    assert relations_read(duckdb.connect(), sql).volatile


def test_the_published_sql_reads_what_it_says() -> None:
    """Every object's SQL parses, and pub.person reads the registry, the person senders and link."""
    con = duckdb.connect()
    read = {name: relations_read(con, read_sql(SQL_DIR / f"{name}.sql")).tables for name in OBJECTS}
    assert {"cur_registry_person", "cur_health", "cur_education", "link", "pub.place_match",
            "pub.pseudonym", "run_context"} <= set(read["person"])
    assert "cur_relocation" not in read["person"] and read["household_members"] == ["pub.person"]
    assert read["household_relocation"] == ["cur_relocation", "link"]
    assert {"pub.household_relocation", "pub.household_members"} <= set(read["household"])
    assert not {"pub.person", "cur_relocation", "link"} & set(read["household"])   # its inputs by household_id only


def test_sql_that_does_not_parse_is_an_error() -> None:
    with pytest.raises(ValueError, match="DuckDB cannot parse the SQL to fingerprint it"):
        relations_read(duckdb.connect(), "SELEC a FROM t")


def test_a_volatile_candidate_and_what_reads_it_are_built_every_time() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA pub; CREATE TABLE pub.a AS SELECT 1 AS x")
    first, second = Fingerprints(con, ""), Fingerprints(con, "")
    assert first.of("pub.a", "SELECT now() AS x") is None and second.of("pub.a", "SELECT now() AS x") is None
    assert first.of("pub.b", "SELECT x FROM pub.a") != second.of("pub.b", "SELECT x FROM pub.a")
    assert first.of("pub.c", "SELECT 2 AS x") == second.of("pub.c", "SELECT 2 AS x")
