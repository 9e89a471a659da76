"""pipelines.link: the link stage over the table-driven world of test_validate (every B-D case)."""

from __future__ import annotations

import duckdb
from test_validate import CASES, World, build

from pipelines.fingerprints import relations_read
from pipelines.inforce import frozen_in_force
from pipelines.link import link_rows
from pipelines.schema import ROOT


def _link(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT * FROM link ORDER BY ALL").fetchall()


def test_link_ties_rows_as_modelled_and_rewrites_only_the_rows_that_changed() -> None:
    world = World()
    for fn in CASES.values():
        fn(world)
    con = duckdb.connect()
    build(con, world)                       # with the link rows the test world models for every sector row
    modelled = _link(con)
    con.execute("DELETE FROM link WHERE tbl = 'health'")
    con.execute("UPDATE link SET person_id = 'P-stale' WHERE tbl = 'education'")
    assert link_rows(con) == len(modelled) > 100
    assert _link(con) == modelled
    before = dict(con.execute("SELECT row_uid, rowid FROM link").fetchall())

    # a corrected relocation row (now tied by a head's ID only) and a relocation row gone
    gone, changed = (r for (r,) in con.execute("SELECT row_uid FROM norm_relocation ORDER BY row_uid LIMIT 2").fetchall())
    con.execute("DELETE FROM norm_relocation WHERE row_uid = ?", [gone])
    con.execute("UPDATE norm_relocation SET household_id = NULL WHERE row_uid = ?", [changed])
    link_rows(con)
    after = dict(con.execute("SELECT row_uid, rowid FROM link").fetchall())
    assert gone not in after and changed in after
    assert {uid for uid, rowid in after.items() if before.get(uid) != rowid} == {changed}   # the others untouched
    select = (ROOT / "warehouse" / "stages" / "link.sql").read_text(encoding="utf-8").strip().rstrip(";")
    assert _link(con) == con.execute(f"SELECT * FROM ({select}) ORDER BY ALL").fetchall()
    link_rows(con, rewrite=True)            # the nightly rebuild writes every row anew
    rewritten = dict(con.execute("SELECT row_uid, rowid FROM link").fetchall())
    assert rewritten.keys() == after.keys() and not any(rewritten[uid] == after[uid] for uid in after)
    assert _link(con) == con.execute(f"SELECT * FROM ({select}) ORDER BY ALL").fetchall()


def test_inside_a_freeze_only_the_sector_tables_whose_rows_changed_are_linked_again() -> None:
    """link_basis: while the registry's rows stand, a corrected sector file relinks its own table
    only; a registry change relinks every row. Either way `link` equals the SQL over every row."""
    world = World()
    for fn in CASES.values():
        fn(world)
    con = duckdb.connect()
    build(con, world)
    select = (ROOT / "warehouse" / "stages" / "link.sql").read_text(encoding="utf-8").strip().rstrip(";")
    relocation = "SELECT min(row_uid) FROM norm_relocation"
    basis = len(relations_read(con, select).tables) + 1   # each table link.sql reads (12: not infra_village), the SQL
    assert basis == 13
    for change, relinked in [
        ("DELETE FROM link", None),                                          # a first run: every row
        ("SELECT 1", set()),                                                 # nothing new: nothing relinked
        (f"UPDATE norm_relocation SET household_id = NULL WHERE row_uid = ({relocation})", {"relocation"}),
        (f"DELETE FROM norm_relocation WHERE row_uid = ({relocation})", {"relocation"}),
        ("UPDATE norm_registry_person SET id_number = NULL WHERE person_id = "
         "(SELECT min(l.person_id) FROM link l WHERE l.tbl = 'health')", None),   # the registry: every table
    ]:
        con.execute(change)
        before = dict(con.execute("SELECT row_uid, (tbl, rowid) FROM link").fetchall())
        with frozen_in_force(con):
            link_rows(con)
        assert _link(con) == con.execute(f"SELECT * FROM ({select}) ORDER BY ALL").fetchall(), change
        after = dict(con.execute("SELECT row_uid, (tbl, rowid) FROM link").fetchall())
        moved = {after[uid][0] for uid in after if before.get(uid) != after[uid]}
        moved |= {before[uid][0] for uid in before if uid not in after}
        if relinked is None:
            assert con.execute("SELECT count(*) FROM link_basis").fetchall() == [(basis,)], change
        else:
            assert moved <= relinked, change
        assert con.execute("SELECT count(*) FROM link_basis").fetchall() == [(basis,)]
    assert "health" in moved   # the registry change moved a health row's link
    # relinking a table relies on link's `tbl` naming the table its row came from
    read = {t.removeprefix("cur_") for t in relations_read(con, select).tables}
    assert {t for (t,) in con.execute("SELECT DISTINCT tbl FROM link").fetchall()} == read - {
        "registry_person", "registry_household"}
