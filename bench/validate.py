"""Benchmark: validation time per GX suite, and the share of the full run spent in GX.

    python bench/validate.py --households 2000          # demo scale
    python bench/validate.py --home DEMO --copies 85    # a run demo world x 85: ≈ 170,000 households, 500,000 persons

Generates a world, runs it through `onetable run` (subprocess, timed), then validates the run's
working database again in this process, suite by suite, with the stage's own functions: the reader
layers (F, A), the cross-check layers (B-D), the generated schema suites (P1) and the publish gate
(E). With `--copies K`, a run workspace is copied and its rows in force multiplied K times first
(bench/publish_scale.py: new household, person and personal numbers, landed rows and links too).
The baseline, measured in the same run, is the same bad-row selection in DuckDB without GX
(every check's SQL, counted); the difference is what GX costs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import machine  # noqa: E402


def full_run(home: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--home", str(home), "--json"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def sql_baseline(con: duckdb.DuckDBPyConnection) -> tuple[float, int]:
    """Every B-E check's bad rows selected in DuckDB and counted, no GX."""
    from pipelines.validate import CHECKS_DIR, load_rules

    start, rows = time.perf_counter(), 0
    for rule in load_rules().values():
        if rule.check.endswith(".sql") and rule.section in "BCD":
            sql = (CHECKS_DIR / rule.check).read_text(encoding="utf-8").strip().rstrip(";")
            rows += con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
    return time.perf_counter() - start, rows


def per_suite(home: Path, run_id: str) -> None:
    from pipelines import validate as checks
    from pipelines.expect import run_contract_checks

    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"))
    gx_dir = Path(tempfile.mkdtemp(prefix="onetable-gx-"))
    loads = [r[0] for r in con.execute("SELECT load_id FROM ledger WHERE load_id IS NOT NULL AND status IN "
                                       "('accepted', 'partly_accepted')").fetchall()]
    from pipelines import publish
    from pipelines.pseudonyms import load_pseudonym_key

    publish.build_candidate(con, load_pseudonym_key(con))   # the gate's subjects, at this size
    con.execute("BEGIN TRANSACTION")      # rolled back: the bench leaves the findings as the run wrote them
    from pipelines.expect import gx_context

    start = time.perf_counter()
    gx_context()
    print(f"GX import and ephemeral context (once per process): {time.perf_counter() - start:.2f} s")
    timings: dict[str, float] = {}
    for name, fn in [("reader (F, A)", lambda: checks.run_reader_checks(con, run_id, gx_dir, loads)),
                     ("cross-checks (B-D)", lambda: checks.run_checks(con, run_id, gx_dir)),
                     ("publish gate (E)", lambda: checks._run(con, run_id, gx_dir, [
                         r for r in checks.load_rules().values() if r.section == "E"], checks.CHECKS_DIR,
                         checks.RULES_PATH))]:
        start = time.perf_counter()
        summary = fn()
        timings[name] = time.perf_counter() - start
        print(f"{name}: {timings[name]:.2f} s (SQL {summary.sql_seconds:.2f} s, GX and findings "
              f"{summary.gx_seconds:.2f} s)")
        for layer, seconds in sorted((summary.layer_seconds or {}).items(), key=lambda kv: -kv[1]):
            print(f"    suite {layer:<20} {seconds:6.2f} s")
    start = time.perf_counter()
    run_contract_checks(con, run_id, gx_dir, loads)
    timings["contract (P1)"] = time.perf_counter() - start
    print(f"contract (P1, 13 generated suites): {timings['contract (P1)']:.2f} s")
    baseline, rows = sql_baseline(con)
    print(f"baseline: B-D bad rows selected and counted in DuckDB, no GX: {baseline:.2f} s ({rows} rows)")
    con.execute("ROLLBACK")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20180831)
    parser.add_argument("--home", type=Path, help="Reuse a generated workspace instead of generating one.")
    parser.add_argument("--copies", type=int, default=1, help="Multiply the run workspace's rows (needs --home).")
    args = parser.parse_args()
    from pipelines.generate import generate_world

    home = args.home or Path(tempfile.mkdtemp(prefix="onetable-bench-"))
    print(f"machine: {machine()}")
    if args.copies > 1:
        from bench.publish_scale import copy_workspace, multiply

        home = copy_workspace(home)
        con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"))
        multiply(con, args.copies)
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("cur_registry_household", "cur_registry_person", "landed_row")]
        con.close()
        print(f"multiplied x{args.copies}: {counts[0]:,} households, {counts[1]:,} people, {counts[2]:,} landed rows")
    if (home / "warehouse" / "onetable.duckdb").exists():   # a world already run (bench/scale.py --home)
        con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"), read_only=True)
        run_id = con.execute("SELECT run_id FROM run_context").fetchall()[0][0]
        con.close()
        print(f"reusing the run {run_id} in {home}")
        per_suite(home, run_id)
        return
    if not (home / "inbox").exists():
        summary = generate_world(home, households=args.households, seed=args.seed)
        print(f"world: {summary['households']} households, {summary['people']} people")
    wall, result = full_run(home)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stages = result["timings"]
    print(f"full run: {wall:.1f} s wall, peak RSS {rss:.0f} MB; validate stage {stages['validate']:.1f} s, publish "
          f"{stages['publish']:.1f} s (the E gate inside)")
    print(f"share of the full run in the validate stage: {100 * stages['validate'] / wall:.0f} %")
    per_suite(home, result["run_id"])


if __name__ == "__main__":
    main()
