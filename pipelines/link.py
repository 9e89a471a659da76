"""Link: the place gazetteer, and sector rows tied to registry persons and households by ID."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from pipelines.duck import lit
from pipelines.errors import OnetableError
from pipelines.fingerprints import relations_read
from pipelines.inforce import frozen_content
from pipelines.schema import ROOT
from pipelines.snapshot import update_rows
from pipelines.store import SECTOR_TABLES
from pipelines.workspace import Workspace

PLACE_COLUMNS = ["county_code", "county_name", "township_code", "township_name", "village_code", "village_name"]
LEGACY_COUNTY_NAMES = {"商州市": "611002"}   # renamed places keep their old spellings in the field


def load_places(con: duckdb.DuckDBPyConnection, ws: Workspace) -> int:
    """(Re)load reference/places.csv into `place`; its columns are checked exactly."""
    path = ws.reference / "places.csv"
    if not path.exists():
        raise OnetableError(f"no place gazetteer at `{path}` (columns {', '.join(PLACE_COLUMNS)})",
                            next_command=f"onetable generate --home {ws.home}")
    header = path.read_text(encoding="utf-8-sig").split("\n", 1)[0].strip().split(",")
    if header != PLACE_COLUMNS:
        raise OnetableError(f"`{path}` has columns {header}; expected exactly {PLACE_COLUMNS}")
    con.execute("CREATE OR REPLACE TABLE place AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                [str(path)])
    return int(con.execute("SELECT count(*) FROM place").fetchall()[0][0])


def county_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """County name spellings (full and short) -> code, from the gazetteer."""
    names = dict(LEGACY_COUNTY_NAMES)
    for code, name in con.execute("SELECT DISTINCT county_code, county_name FROM place").fetchall():
        names[name] = code
        if len(name) > 2:
            names.setdefault(name.rstrip("县区市"), code)
    return names


def link_rows(con: duckdb.DuckDBPyConnection, sql_dir: Path = ROOT / "warehouse" / "stages",
              rewrite: bool = False) -> int:
    """Table `link` made to hold what warehouse/stages/link.sql selects: computed in memory, then
    only the rows that changed are deleted and inserted (city: 1.27 M rows; deleting and inserting
    them all took 1.3-1.7 s of a run that takes one corrected file), or all of them with `rewrite`
    (the nightly rebuild). Returns the rows linked.

    Each sector row's link depends only on that row and the registry. So inside a freeze
    (pipelines.inforce), `link_basis` records the content hash of every table the rows were linked
    from: while the registry's and the SQL's hashes stand, only the sector tables whose hash
    changed are linked again (a corrected relocation file: its 35,000 rows, not 1.27 M)."""
    select = (sql_dir / "link.sql").read_text(encoding="utf-8").strip().rstrip(";")
    con.execute("CREATE TABLE IF NOT EXISTS link_basis (name VARCHAR, content VARCHAR)").fetchall()
    basis = _basis_now(con, select)
    tables = None if rewrite or basis is None else _changed_tables(con, basis)
    if tables == []:
        return int(con.execute("SELECT count(*) FROM link").fetchall()[0][0])
    listed = None if tables is None else ", ".join(map(lit, tables))
    scope = None if listed is None else f"tbl IN ({listed})"
    forget = "" if listed is None else f" WHERE name IN ({listed})"
    con.execute(f"DELETE FROM link_basis{forget}").fetchall()   # a crash from here: linked again next run
    con.execute(f"CREATE OR REPLACE TEMP TABLE onetable_link AS SELECT * FROM ({select}) AS l"
                + ("" if scope is None else f" WHERE {scope}")).fetchall()
    if rewrite:
        con.execute("DELETE FROM main.link").fetchall()
    update_rows(con, "main.link", "temp.main.onetable_link", "row_uid", scope)
    con.execute("DROP TABLE temp.main.onetable_link").fetchall()
    if basis is not None:
        con.executemany("INSERT INTO link_basis VALUES (?, ?)",
                        [[name, content] for name, content in basis.items() if tables is None or name in tables])
    return int(con.execute("SELECT count(*) FROM link").fetchall()[0][0])


def _basis_now(con: duckdb.DuckDBPyConnection, select: str) -> dict[str, str] | None:
    """What link's rows derive from, now: the SQL's hash (`sql`) and the content hash of each frozen
    table it reads, by table name (`relocation`); None outside a freeze, or when it reads a table
    that is not a frozen `cur_<table>`."""
    frozen = frozen_content(con)
    reads = relations_read(con, select)
    if frozen is None or reads.volatile or any(t not in frozen for t in reads.tables):
        return None
    basis = {t.removeprefix("cur_"): frozen[t] for t in reads.tables}
    return basis | {"sql": hashlib.sha256(select.encode()).hexdigest()}


def _changed_tables(con: duckdb.DuckDBPyConnection, basis: dict[str, str]) -> list[str] | None:
    """The sector tables to link again; None (every row) when the registry or the SQL changed."""
    before = dict(con.execute("SELECT name, content FROM link_basis").fetchall())
    changed = sorted(name for name, content in basis.items() if before.get(name) != content)
    if any(name not in SECTOR_TABLES for name in changed):
        return None
    return changed

