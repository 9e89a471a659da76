"""schemas/ is the one place a column is defined: generated DDL is committed and diffed."""

from pathlib import Path

import duckdb
import pytest

from pipelines.errors import ConfigError
from pipelines.schema import TABLES_DIR, load_schema, read_yaml, render_all_ddl
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


@pytest.mark.parametrize(("text", "where"), [
    ("columns:\n  a: [1, 2\n", "line 3, column 1"),                 # a list not closed
    ("columns:\n  a: 1\n   b: 2\n", "line 3, column 5"),            # indented wrongly
    ("columns: {a: 1\n", "line 2, column 1"),
])
def test_text_that_is_no_yaml_is_a_config_error_naming_where(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"broken.yaml: `\(YAML\)`: not valid YAML at {where}: "):
        read_yaml(path)


def test_an_empty_yaml_file_reads_as_an_empty_mapping(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert read_yaml(tmp_path / "empty.yaml") == {}
