"""schemas/ is the one place a column is defined: generated DDL is committed and diffed."""

import duckdb

from pipelines.schema import TABLES_DIR, load_schema, render_all_ddl
from pipelines.store import create_working_tables


def test_committed_ddl_matches_the_schema():
    rendered = render_all_ddl()
    committed = {p.name: p.read_text(encoding="utf-8") for p in TABLES_DIR.glob("*.sql")}
    assert committed == rendered, "run `onetable schema` and commit warehouse/tables/"


def test_columns_carry_chinese_comments_in_duckdb():
    con = duckdb.connect()
    create_working_tables(con)
    comment = con.execute("""SELECT comment FROM duckdb_columns()
                             WHERE table_name = 'norm_registry_household' AND column_name = 'income_per_capita'""").fetchall()
    assert comment == [("年人均纯收入（元）: Registry annual net income per capita.",)]


def test_every_table_column_is_defined_once():
    schema = load_schema()
    for table in schema.tables.values():
        assert all(c in schema.columns for c in table.columns)
