"""Benchmark: read + land + normalize per input format, against the parse floor of the same files.

    python bench/read.py --households 2000 [--home DIR] [--repeat 3]

Generates a synthetic world (or uses DIR's inbox), then for each format (xlsx, xls, csv) times, on
the same files in the same run: the parse floor (python-calamine's bare read of every sheet to
Python values; pyarrow's CSV reader for csv after decoding), and onetable's own read
(pipelines.read), land (header detection, footers, landed_row) and normalize (every cell through
its sources/ spec, findings) into an in-memory working database. Best of --repeat runs. Prints the
machine, rows, seconds per stage, rows per second and the ratio to the floor.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import python_calamine as pc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines import normalize  # noqa: E402
from pipelines.land import land_file  # noqa: E402
from pipelines.read import Unreadable, decode_csv, read_file  # noqa: E402
from pipelines.schema import load_schema  # noqa: E402
from pipelines.specs import load_specs  # noqa: E402
from pipelines.store import create_working_tables  # noqa: E402
from pipelines.workspace import Limits  # noqa: E402

FORMATS = ("xlsx", "xls", "csv")
AS_OF = date(2018, 8, 31)


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def floor_one(path: Path) -> int:
    """The bare parse of one file; returns the number of rows parsed."""
    if path.suffix == ".csv":
        text, _ = decode_csv(path.read_bytes())
        delimiter = "\t" if text.split("\n", 1)[0].count("\t") else ","
        table = pacsv.read_csv(io.BytesIO(text.encode()), parse_options=pacsv.ParseOptions(
            delimiter=delimiter, invalid_row_handler=lambda row: "skip"),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True))
        return table.num_rows
    book = pc.CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def ours_one(path: Path, office: str, times: dict[str, float]) -> int:
    """read, land, normalize one file into a fresh in-memory database; returns the data rows."""
    source = load_specs()[office]
    con = duckdb.connect()
    create_working_tables(con)
    meta = {"file_hash": "b" * 64, "path": f"{office}/{path.name}", "office": office, "file_name": path.name,
            "load_id": "L1"}
    con.execute("INSERT INTO ledger (file_hash, office, path, file_name, first_seen, status, load_id) "
                "VALUES (?, ?, ?, ?, ?, 'received', 'L1')", [meta["file_hash"], office, meta["path"], path.name,
                                                            datetime(2018, 9, 5)])
    t0 = time.perf_counter()
    try:
        sheets = read_file(path, Limits())
    except Unreadable:
        return 0
    t1 = time.perf_counter()
    problem = land_file(con, meta, sheets, source, {})
    t2 = time.perf_counter()
    rows = 0
    if problem is None:
        counts, _ = normalize.normalize_load(con, meta | {"month": "2018-08", "scope": "*"}, source, load_schema(), AS_OF)
        rows = sum(counts.values())
    t3 = time.perf_counter()
    times["read"] += t1 - t0
    times["land"] += t2 - t1
    times["normalize"] += t3 - t2
    con.close()
    return rows


def best_of(repeat: int, run: Callable[[], tuple[dict[str, float], int]]) -> tuple[dict[str, float], int]:
    runs = [run() for _ in range(repeat)]
    return min(runs, key=lambda r: sum(r[0].values()))


def bench_format(files: list[tuple[str, Path]], repeat: int) -> dict[str, float]:
    def floor() -> tuple[dict[str, float], int]:
        start = time.perf_counter()
        n = sum(floor_one(p) for _, p in files)
        return {"floor": time.perf_counter() - start}, n

    def ours() -> tuple[dict[str, float], int]:
        times = {"read": 0.0, "land": 0.0, "normalize": 0.0}
        n = sum(ours_one(p, office, times) for office, p in files)
        return times, n

    (floor_t, floor_rows), (our_t, rows) = best_of(repeat, floor), best_of(repeat, ours)
    return {"files": len(files), "rows": rows, "parsed_rows": floor_rows, **floor_t, **our_t}


def readable_files(inbox: Path) -> dict[str, list[tuple[str, Path]]]:
    """Input files by format, skipping the planted unreadable ones and unknown senders."""
    specs = load_specs()
    out: dict[str, list[tuple[str, Path]]] = {f: [] for f in FORMATS}
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        office, fmt = path.relative_to(inbox).parts[0], path.suffix.lower().lstrip(".")
        if office not in specs or fmt not in out:
            continue
        try:
            floor_one(path)
            read_file(path, Limits())
        except Exception:   # planted broken files are not part of the benchmark
            continue
        out[fmt].append((office, path))
    return out


def report(results: dict[str, dict[str, float]]) -> None:
    print(f"{'format':6} {'files':>5} {'rows':>7} {'floor s':>8} {'read s':>7} {'land s':>7} {'norm s':>7} "
          f"{'floor rows/s':>13} {'ours rows/s':>12} {'ours/floor':>10}")
    for fmt, r in results.items():
        if not r["files"]:
            print(f"{fmt:6} {0:>5}  (no files)")
            continue
        ours = r["read"] + r["land"] + r["normalize"]
        print(f"{fmt:6} {r['files']:>5.0f} {r['rows']:>7.0f} {r['floor']:>8.3f} {r['read']:>7.3f} {r['land']:>7.3f} "
              f"{r['normalize']:>7.3f} {r['parsed_rows'] / r['floor']:>13,.0f} {r['rows'] / ours:>12,.0f} "
              f"{ours / r['floor']:>9.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--home", type=Path, default=None, help="use this workspace's inbox (no generation)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            from pipelines.generate import generate_world
            home = Path(tmp)
            start = time.perf_counter()
            generate_world(home, households=args.households, seed=20180831, month="2018-08")
            print(f"world: {args.households} households generated in {time.perf_counter() - start:.1f} s")
        files = readable_files(home / "inbox")
        report({fmt: bench_format(fs, args.repeat) for fmt, fs in files.items()})
    print("floor = python-calamine to_python of every sheet (pyarrow read_csv for csv); rows/s over data rows "
          "(ours) and parsed rows (floor); ours = read + land + normalize into an in-memory DuckDB")


if __name__ == "__main__":
    main()
