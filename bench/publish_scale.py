"""Benchmark the publish step alone at scale: a real working database multiplied, then published twice.

    python bench/publish_scale.py --home DIR --copies 85

DIR is a workspace the flow has run on (e.g. `onetable generate --households 2000` + `onetable run`).
Its working database is copied aside and every registry and sector row in force is repeated `copies`
times with new household numbers, person numbers, row ids and personal numbers (landed rows and links
too), so 2,000 households x 85 = 170,000 households, about 500,000 people. Then the publish step of
the flow (pipelines.steps.publish: candidate tables, the E gate through GX, the analysts' file written
aside with history and Parquet, the swap) runs for a first version, 1 % of the households' drinking
water is changed, and it runs again for a second version. Prints seconds, database and Parquet sizes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines import steps  # noqa: E402
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES  # noqa: E402
from pipelines.workspace import Workspace  # noqa: E402

PERSONAL = {"id_number": "id", "head_id_number": "id", "head_id_number_original": "id", "phone": "phone"}


def copy_workspace(source: Path) -> Path:
    home = Path(tempfile.mkdtemp(prefix="onetable-publish-scale-"))
    for part in ("reference", "state"):
        shutil.copytree(source / part, home / part, ignore=shutil.ignore_patterns("prefect*", "gx", "*.lock"))
    (home / "warehouse").mkdir()
    shutil.copy(source / "warehouse" / "onetable.duckdb", home / "warehouse" / "onetable.duckdb")
    return home


def replace_expr(column: str) -> str:
    """The copy `k` of a column's value: new household/person numbers, row ids and personal numbers."""
    if column in ("household_id", "person_id"):
        return f"CASE WHEN {column} IS NULL THEN NULL ELSE {column} || lpad(k::VARCHAR, 3, '0') END"
    if column == "row_uid":
        return "row_uid || ':copy' || k"
    if PERSONAL.get(column) == "id":   # another 6-digit area code, same birth date (ages unchanged)
        return f"CASE WHEN length({column}) = 18 THEN (610000 + k)::VARCHAR || substr({column}, 7) ELSE {column} END"
    return "CASE WHEN length(phone) = 11 THEN substr(phone, 1, 3) || lpad(k::VARCHAR, 4, '0') || substr(phone, 8) " \
           "ELSE phone END"


def multiply(con: duckdb.DuckDBPyConnection, copies: int) -> None:
    con.execute(f"CREATE TEMP TABLE copies AS SELECT range AS k FROM range(1, {copies})")
    tables = [f"norm_{t}" for t in REGISTRY_TABLES + SECTOR_TABLES] + ["link", "landed_row"]
    for table in tables:
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        changed = [c for c in columns if c in ("household_id", "person_id", "row_uid") or c in PERSONAL]
        replaced = ", ".join(f"{replace_expr(c)} AS {c}" for c in changed)
        con.execute(f"INSERT INTO {table} SELECT * EXCLUDE (k) REPLACE ({replaced}) FROM {table} CROSS JOIN copies")


def publish(home: Path, run_id: str) -> dict[str, object]:
    ws = Workspace(home)
    with steps.working(ws) as con:
        month = con.execute("SELECT reporting_month, as_of FROM run_context").fetchall()[0]
        version = f"{month[0].replace('-', '')}-{run_id}"
        con.execute("UPDATE run_context SET run_id = ?, version_id = ?", [run_id, version])
    start = time.perf_counter()
    result = steps.publish(ws, run_id, version)
    return {**result, "wall": time.perf_counter() - start}


def sizes(home: Path) -> str:
    db = home / "warehouse" / "published.duckdb"
    parquet = {p.name: sum(f.stat().st_size for f in p.glob("*.parquet")) for p in (home / "warehouse" / "versions").iterdir()}
    return f"published.duckdb {db.stat().st_size / 1e6:.1f} MB; Parquet per version: " + \
        ", ".join(f"{v} {n / 1e6:.1f} MB" for v, n in sorted(parquet.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=85)
    args = parser.parse_args()
    home = copy_workspace(args.home)
    t0 = time.perf_counter()
    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"))
    multiply(con, args.copies)
    households, people = (con.execute(f"SELECT count(*) FROM cur_{t}").fetchall()[0][0] for t in REGISTRY_TABLES)
    con.close()
    print(f"workspace {home}: {households:,} households, {people:,} people ({time.perf_counter() - t0:.0f} s to build)")
    first = publish(home, "scale1")
    print(f"version 1: {first['status']} in {first['wall']:.1f} s (publish_version {first['seconds']} s); {sizes(home)}")
    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"))
    con.execute("UPDATE norm_infra_household SET drinking_water_safety = '不达标' WHERE hash(row_uid) % 100 = 0")
    con.close()
    second = publish(home, "scale2")
    print(f"version 2: {second['status']} in {second['wall']:.1f} s (publish_version {second['seconds']} s); {sizes(home)}")
    db = duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True)
    t1 = time.perf_counter()
    changed = db.execute("SELECT count(DISTINCT household_id), count(*) FROM changes WHERE consecutive").fetchall()[0]
    print(f"changes v1 -> v2: {changed[0]:,} households, {changed[1]:,} rows, query {time.perf_counter() - t1:.1f} s")


if __name__ == "__main__":
    main()
