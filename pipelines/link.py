"""Link: the place gazetteer, and sector rows tied to registry persons and households by ID."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.errors import OnetableError
from pipelines.schema import ROOT
from pipelines.snapshot import update_rows
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
    (the nightly rebuild). Returns the rows linked."""
    select = (sql_dir / "link.sql").read_text(encoding="utf-8").strip().rstrip(";")
    con.execute(f"CREATE OR REPLACE TEMP TABLE onetable_link AS {select}").fetchall()
    if rewrite:
        con.execute("DELETE FROM main.link").fetchall()
    update_rows(con, "main.link", "temp.main.onetable_link", "row_uid")
    con.execute("DROP TABLE temp.main.onetable_link").fetchall()
    return int(con.execute("SELECT count(*) FROM link").fetchall()[0][0])
