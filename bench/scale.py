"""Benchmark: a synthetic world of N households through the whole flow, against the parse floor.

    python bench/scale.py --households 2000

Prints the machine, wall time per stage, peak RSS, rows per second, and the parse floor measured
in the same run: one pass reading every cell of every input file once (python-calamine to Python
values for xlsx/xls, pyarrow's CSV reader for csv), nothing else. The ratio full run / parse floor
is the figure to watch. The flow runs in a subprocess as `onetable run` (Prefect start-up included).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.csv as pacsv
import python_calamine as pc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_floor(inbox: Path) -> tuple[float, int]:
    """Seconds to read every cell of every readable input file once, and the cells read."""
    start, cells = time.perf_counter(), 0
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        try:
            if path.suffix == ".csv":
                data = path.read_bytes()
                text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("gb18030")
                delimiter = "\t" if text.split("\n", 1)[0].count("\t") else ","
                table = pacsv.read_csv(io.BytesIO(text.encode()), parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, invalid_row_handler=lambda row: "skip"),
                    read_options=pacsv.ReadOptions(autogenerate_column_names=True))
                cells += table.num_rows * table.num_columns
            elif path.suffix in (".xlsx", ".xls"):
                book = pc.CalamineWorkbook.from_path(str(path))
                for name in book.sheet_names:
                    cells += sum(len(r) for r in book.get_sheet_by_name(name).to_python())
        except Exception:   # the planted broken files: unreadable by design, not part of the floor
            continue
    return time.perf_counter() - start, cells


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def copy_world(world: Path, home: Path) -> dict:
    """Copy a generated world (inbox, reference, generated/) into a fresh workspace; its summary."""
    shutil.rmtree(home, ignore_errors=True)
    for part in ("inbox", "reference", "generated"):
        shutil.copytree(world / part, home / part)
    return json.loads((world / "generated" / "summary.json").read_text(encoding="utf-8"))


def _world(args: argparse.Namespace, home: Path) -> tuple[dict, float]:
    """(summary, seconds to generate): a fresh world, or a copy of `--world` (its generation time)."""
    if args.world:
        summary = copy_world(args.world, home)
        args.households = summary.get("households", args.households)
        args.defect_rate = summary.get("defect_rate", args.defect_rate)
        return summary, float(summary.get("generated_seconds", float("nan")))
    from pipelines.generate import generate_world

    t0 = time.perf_counter()
    summary = generate_world(home, households=args.households, seed=args.seed, defect_rate=args.defect_rate)
    return summary, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20180831)
    parser.add_argument("--defect-rate", type=float, default=0.015,
                        help="Share of rows given a planted defect (the demo's 0.015). The generator's planting "
                             "is quadratic in the world's size: city-scale worlds need a smaller rate.")
    parser.add_argument("--home", type=Path, help="Generate into this folder and keep it (default: a temp folder).")
    parser.add_argument("--world", type=Path, help="A world generated before (generate_world, with "
                        "generated/summary.json): copied to a fresh workspace instead of generating one.")
    parser.add_argument("--workers", type=int, default=0, help="onetable run --workers N (a local Dask cluster).")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="onetable-bench-"))
    summary, generated = _world(args, home)
    floor, cells = parse_floor(home / "inbox")
    t1 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--home", str(home), "--json",
                           "--workers", str(args.workers)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):   # 1: published nothing because a rule blocked it (still a full run)
        sys.exit(f"onetable run failed (exit {done.returncode}) in {home}:\n{done.stderr[-4000:]}")
    full = time.perf_counter() - t1
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = json.loads(done.stdout)
    rows = sum(sum(s.values()) for s in summary["rows"].values())
    print(f"machine: {machine()}")
    print(f"world: {args.households} households, {summary['people']} people, {summary['file_count']} files, "
          f"{rows} data rows, {cells} cells, defect rate {args.defect_rate} (generated in {generated:.1f} s)")
    print(f"parse floor: {floor:.2f} s")
    print(f"full run (onetable run, Prefect start-up included): {full:.1f} s, peak RSS {rss:.0f} MB, "
          f"{rows / full:,.0f} rows/s, {full / floor:.1f}x the parse floor")
    peaks = result.get("peak_rss_mb", {})
    for stage, seconds in result["timings"].items():
        print(f"  {stage:<10} {seconds:6.2f} s   peak RSS so far {peaks.get(stage, float('nan')):7.0f} MB")
    print(f"  {'other':<10} {full - sum(result['timings'].values()):6.2f} s  (imports, Prefect start-up, GX context)")
    collector = result["gc"]
    print(f"garbage collector (threshold {collector['threshold']}): {collector['collections']} collections per "
          f"generation, {sum(collector['seconds']):.1f} s ({collector['seconds']})")


if __name__ == "__main__":
    main()
