"""pipelines.inforce: the frozen rows in force equal the live views after every kind of change, and a
freeze moves only the loads that changed."""

from __future__ import annotations

import duckdb
import pytest
from test_validate import CASES, World, build

from pipelines.fingerprints import Fingerprints
from pipelines.inforce import HELD, frozen_content, frozen_in_force, sync_in_force
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES, create_working_tables

TABLES = REGISTRY_TABLES + SECTOR_TABLES
RELOCATION = "SELECT min(row_uid) FROM norm_relocation"
# what happens to the working database between two runs -> the tables whose copy must move
CHANGES: list[tuple[str, list[str], set[str]]] = [
    ("nothing", [], set()),
    ("a relocation row corrected in place", [f"UPDATE norm_relocation SET site_name = '更正' WHERE row_uid = ({RELOCATION})"],
     {"relocation"}),
    ("a relocation row gone", [f"DELETE FROM norm_relocation WHERE row_uid = ({RELOCATION})"], {"relocation"}),
    ("a health row rejected", ["UPDATE norm_health SET outcome = 'rejected' WHERE row_uid = "
                               "(SELECT min(row_uid) FROM norm_health)"], {"health"}),
    ("the relocation file quarantined", ["UPDATE ledger SET status = 'quarantined' WHERE load_id = 'load-relocation'"],
     {"relocation"}),
    ("the relocation file back in force", ["UPDATE ledger SET status = 'accepted' WHERE load_id = 'load-relocation'"],
     {"relocation"}),
    ("a newer relocation file supersedes it", [
        "INSERT INTO ledger (file_hash, office, path, file_name, status, month, scope, load_id) "
        "SELECT 'f' || file_hash[2:], office, path || '.new', file_name, 'accepted', '2018-09', scope, 'load-new' "
        "FROM ledger WHERE load_id = 'load-relocation'",
        "INSERT INTO norm_relocation SELECT * REPLACE ('load-new' AS load_id, 'f' || file_hash[2:] AS file_hash, "
        "'新' AS site_name) FROM norm_relocation WHERE load_id = 'load-relocation'",
        "UPDATE run_context SET reporting_month = '2018-09'"], {"relocation"}),
    ("the reporting month moved back", ["UPDATE run_context SET reporting_month = '2018-08'"], {"relocation"}),
]


def _copy_is_view(con: duckdb.DuckDBPyConnection) -> None:
    """Every frozen `cur_<table>` holds the live view's rows, and its content hash is the one
    Fingerprints.content_hash computes from those rows."""
    hashes, prints = frozen_content(con), Fingerprints(con, "")
    assert hashes is not None
    for table in TABLES:
        copy = con.execute(f"SELECT * FROM cur_{table} ORDER BY ALL").fetchall()
        assert copy == con.execute(f"SELECT * FROM main.cur_{table} ORDER BY ALL").fetchall(), table
        assert hashes[f"cur_{table}"] == prints.content_hash(f"SELECT * FROM main.cur_{table}"), table


def _built() -> tuple[duckdb.DuckDBPyConnection, World]:
    """A working database holding test_validate's world (every B-D case), one file per table."""
    world = World()
    for fn in CASES.values():
        fn(world)
    con = duckdb.connect()
    build(con, world)
    return con, world


def _rowids(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    return {t: [r for (r,) in con.execute(f"SELECT rowid FROM inforce.{t} ORDER BY rowid").fetchall()] for t in TABLES}


def test_the_copy_follows_every_kind_of_change_and_moves_only_what_changed() -> None:
    con, world = _built()
    with frozen_in_force(con):
        _copy_is_view(con)
    filled = [t for t in TABLES if world.rows.get(t)]
    assert con.execute(f"SELECT count(DISTINCT load_id) FROM {HELD}").fetchall() == [(len(filled),)] != [(0,)]
    for name, statements, moved in CHANGES:
        before = _rowids(con)
        for sql in statements:
            con.execute(sql)
        with frozen_in_force(con):
            _copy_is_view(con)
        after = _rowids(con)
        assert {t for t in TABLES if after[t] != before[t]} == moved, name
    assert con.execute("SELECT count(*) FROM cur_relocation WHERE site_name = '新'").fetchall() == [(0,)]
    with frozen_in_force(con, rebuild=True):   # the nightly rebuild: every row copied anew, the same rows
        _copy_is_view(con)


def test_a_nested_freeze_uses_the_outer_one_and_the_outer_one_cleans_up() -> None:
    """A run freezes once for link, validate and publish (steps.rows_in_force): the checks' and the
    candidate build's own freezes reuse it. Afterwards `cur_<table>` is the live view again."""
    con = duckdb.connect()
    create_working_tables(con)
    with frozen_in_force(con):
        con.execute("INSERT INTO inforce.registry_household (row_uid) VALUES ('outer')")
        with frozen_in_force(con):   # what run_checks and build_candidate do inside a run
            assert con.execute("SELECT row_uid FROM cur_registry_household").fetchall() == [("outer",)]
        assert con.execute("SELECT count(*) FROM cur_registry_household").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM cur_registry_household").fetchall() == [(0,)]


def test_rows_no_load_accounts_for_are_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    con = duckdb.connect()
    create_working_tables(con)
    sync_in_force(con)
    con.execute("INSERT INTO inforce.registry_household (row_uid) VALUES ('stray')")
    sync_in_force(con)
    assert con.execute("SELECT count(*) FROM inforce.registry_household").fetchall() == [(0,)]
    assert "`inforce.registry_household` held 1 rows where its loads in force have 0: copied anew" in caplog.text


def test_one_sync_moves_one_table_and_copies_another_anew(caplog: pytest.LogCaptureFixture) -> None:
    """The loads of every table are hashed in one statement; in the same sync a table whose load
    changed is moved by load and a table holding a stray row is copied anew, the others untouched."""
    con, _ = _built()
    with frozen_in_force(con):
        _copy_is_view(con)
    before = _rowids(con)
    con.execute(f"DELETE FROM norm_relocation WHERE row_uid = ({RELOCATION})")
    con.execute("INSERT INTO inforce.health (row_uid) VALUES ('stray')")
    with frozen_in_force(con):
        _copy_is_view(con)
    after = _rowids(con)
    # health's copy is written anew (its row ids start again from 0, so they cannot tell)
    assert {t for t in TABLES if t != "health" and after[t] != before[t]} == {"relocation"}
    assert "`inforce.health` held" in caplog.text and "relocation" not in caplog.text
    assert con.execute(f"SELECT count(*) FROM {HELD} WHERE tbl = 'health'").fetchall() == \
        con.execute("SELECT count(DISTINCT load_id) FROM main.cur_health").fetchall() != [(0,)]


def test_a_failed_sync_leaves_the_copy_as_it_was() -> None:
    """The copy and its record move in one transaction: a failure half-way leaves both as before
    (here `norm_screening` is gone, so the last table fails)."""
    con, _ = _built()
    sync_in_force(con)
    held = con.execute(f"SELECT * FROM {HELD} ORDER BY ALL").fetchall()
    con.execute("UPDATE norm_relocation SET site_name = '改'")
    con.execute("ALTER TABLE norm_screening RENAME TO screening_gone")
    with pytest.raises(duckdb.CatalogException, match="norm_screening"):
        sync_in_force(con)
    assert con.execute(f"SELECT * FROM {HELD} ORDER BY ALL").fetchall() == held
    assert con.execute("SELECT count(*) FROM inforce.relocation WHERE site_name = '改'").fetchall() == [(0,)]


def test_inside_a_callers_transaction_the_sync_is_part_of_it() -> None:
    """A test (or a step) that opened a transaction keeps it: the sync neither commits nor aborts it."""
    con, _ = _built()
    sync_in_force(con)
    con.execute("BEGIN")
    con.execute("UPDATE norm_relocation SET site_name = '改'")
    sync_in_force(con)
    assert con.execute("SELECT count(*) FROM inforce.relocation WHERE site_name = '改'").fetchall() != [(0,)]
    con.execute("ROLLBACK")
    assert con.execute("SELECT count(*) FROM inforce.relocation WHERE site_name = '改'").fetchall() == [(0,)]
