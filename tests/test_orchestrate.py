"""A new Prefect home is seeded with the schema Prefect's migrations build (pipelines/prefect_schema.sql)."""

from __future__ import annotations

import sqlite3
from importlib.metadata import version
from pathlib import Path

import pytest

from pipelines.orchestrate import (
    PREFECT_SCHEMA,
    migrate_prefect_database,
    schema_facts,
    seed_prefect_database,
)


def facts(database: Path) -> dict[str, object]:
    con = sqlite3.connect(database)
    try:
        return schema_facts(con)
    finally:
        con.close()


def test_the_seed_is_what_the_pinned_prefects_migrations_build(tmp_path: Path) -> None:
    """Regenerate (Prefect's migrations on an empty database) and compare: tables, columns, foreign
    keys, indexes and the alembic revision. After a Prefect upgrade this fails: run
    `python -c "from pipelines.orchestrate import write_prefect_schema; write_prefect_schema()"`."""
    assert PREFECT_SCHEMA.read_text(encoding="utf-8").startswith(f"-- Prefect {version('prefect')}: ")
    assert seed_prefect_database(tmp_path / "seeded")
    migrated = facts(migrate_prefect_database(tmp_path / "migrated"))
    assert len(migrated) > 30 and migrated["alembic_version"]["rows"]
    assert facts(tmp_path / "seeded" / "prefect.db") == migrated


@pytest.mark.parametrize(("setting", "value"), [("PREFECT_API_URL", "http://127.0.0.1:4200/api"),
                                                 ("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://x/y")])
def test_a_home_is_seeded_only_for_its_own_sqlite_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        setting: str, value: str) -> None:
    monkeypatch.setenv(setting, value)
    assert not seed_prefect_database(tmp_path)
    assert not (tmp_path / "prefect.db").exists()


def test_an_existing_database_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "prefect.db").write_bytes(b"runs of last month")
    assert not seed_prefect_database(tmp_path)
    assert (tmp_path / "prefect.db").read_bytes() == b"runs of last month"
    assert list(tmp_path.iterdir()) == [tmp_path / "prefect.db"]   # no temporary file left behind


def test_another_prefect_version_migrates_as_usual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipelines.orchestrate.version", lambda _package: "3.99.0")
    assert not seed_prefect_database(tmp_path)
    assert not (tmp_path / "prefect.db").exists()
