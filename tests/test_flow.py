"""The spine end to end: a demo-scale synthetic world through the real flow (Prefect, DuckDB, GX, Excel).

One world is generated and run once for the module (as `onetable run` would, in a subprocess),
then run again to prove a rerun changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipelines.generate import generate_world

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT.parent / "shared" / "tools" / "check_published.py"
HOUSEHOLDS = int(os.environ.get("ONETABLE_TEST_HOUSEHOLDS", "2000"))
pytestmark = pytest.mark.slow


def onetable(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)


def published_tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        con.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("demo")
    summary = generate_world(home, households=HOUSEHOLDS, seed=20180831, month="2018-08")
    first = onetable("run", "--home", str(home), "--json")
    assert first.returncode == 0, first.stdout + first.stderr
    result = json.loads(first.stdout)
    db = home / "warehouse" / "published.duckdb"
    before = published_tables(db), hashlib.sha256(db.read_bytes()).hexdigest()
    second = onetable("run", "--home", str(home), "--quiet")     # a script's run: nothing printed, exit 0
    assert second.returncode == 0, second.stdout + second.stderr
    after = published_tables(db), hashlib.sha256(db.read_bytes()).hexdigest()
    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"), read_only=True)
    yield {"home": home, "summary": summary, "result": result, "rerun": second,
           "before": before, "after": after, "con": con}
    con.close()


def manifest(home: Path) -> list[dict[str, str]]:
    with open(home / "generated" / "manifest.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_run_published_a_version(world):
    assert world["result"]["published"]["status"] == "published"
    assert world["result"]["reporting_month"] == "2018-08"


def test_the_run_counted_its_garbage_collections_with_the_imports_frozen(world):
    collector = world["result"]["gc"]
    assert collector["threshold"] == [700, 10, 10]    # Python's default (pipelines.orchestrate.count_collections)
    assert collector["collections"][0] >= 1          # a demo run allocates millions of objects
    frozen = re.search(r"; ([\d,]+) objects of its imports frozen", world["result"]["process"])   # by `onetable run`
    assert frozen and int(frozen.group(1).replace(",", "")) > 100_000, world["result"]["process"]


def test_row_accounting_per_file(world):
    con = world["con"]
    bad = con.execute("""
        SELECT l.path, l.rows_read, l.rows_accepted + l.rows_warned + l.rows_rejected,
               (SELECT count(*) FROM landed_row r WHERE r.load_id = l.load_id)
        FROM ledger l WHERE l.status IN ('accepted', 'partly_accepted')
          AND NOT (l.rows_read = l.rows_accepted + l.rows_warned + l.rows_rejected
                   AND l.rows_read = (SELECT count(*) FROM landed_row r WHERE r.load_id = l.load_id))""").fetchall()
    assert bad == []
    dupes = con.execute("SELECT row_uid, count(*) FROM landed_row GROUP BY 1 HAVING count(*) > 1").fetchall()
    assert dupes == []


def test_each_data_row_lands_exactly_once(world):
    """The generator's own count of the data rows it wrote is the independent oracle."""
    con = world["con"]
    landed = dict(con.execute("""SELECT l.path, count(r.row_uid) FROM ledger l LEFT JOIN landed_row r USING (load_id)
                                 WHERE l.status IN ('accepted', 'partly_accepted', 'superseded')
                                 GROUP BY 1""").fetchall())
    written = {path: sum(sheets.values()) for path, sheets in world["summary"]["rows"].items()}
    assert {p: landed[p] for p in landed} == {p: written[p] for p in landed}
    every_row_normalized = con.execute("""
        SELECT count(*) FROM landed_row r WHERE (SELECT count(*) FROM (
            SELECT row_uid FROM norm_registry_household UNION ALL SELECT row_uid FROM norm_registry_person
            UNION ALL SELECT row_uid FROM norm_industry UNION ALL SELECT row_uid FROM norm_employment
            UNION ALL SELECT row_uid FROM norm_relocation UNION ALL SELECT row_uid FROM norm_ecology
            UNION ALL SELECT row_uid FROM norm_education UNION ALL SELECT row_uid FROM norm_health
            UNION ALL SELECT row_uid FROM norm_social_security UNION ALL SELECT row_uid FROM norm_housing
            UNION ALL SELECT row_uid FROM norm_infra_village UNION ALL SELECT row_uid FROM norm_infra_household
            UNION ALL SELECT row_uid FROM norm_screening) n WHERE n.row_uid = r.row_uid) <> 1""").fetchall()
    assert every_row_normalized == [(0,)]


def _found(con: duckdb.DuckDBPyConnection, defect: dict[str, str]) -> bool:
    rule = defect["rule"]
    if not defect["file_name"]:      # B5: an exhaustive sender's missing row, reported by person/household
        return bool(con.execute("""SELECT 1 FROM finding WHERE office = ? AND rule LIKE ? || '%'
                                   AND (person_id = ? OR (? = '' AND household_id = ?))""",
                                [defect["office"], rule, defect["person_id"], defect["person_id"],
                                 defect["household_id"]]).fetchall())
    if not defect["row"]:            # F rules and A4: the file
        return bool(con.execute("SELECT 1 FROM finding WHERE office = ? AND file_name = ? AND rule LIKE ? || '%'",
                                [defect["office"], defect["file_name"], rule]).fetchall())
    return bool(con.execute("""SELECT 1 FROM finding WHERE office = ? AND file_name = ? AND sheet = ? AND row = ?
                               AND rule LIKE ? || '%'""",
                            [defect["office"], defect["file_name"], defect["sheet"], int(defect["row"]),
                             rule]).fetchall())


def test_every_planted_defect_is_reported_at_its_sender_file_and_row(world):
    planted = manifest(world["home"])
    missed = [d for d in planted if not _found(world["con"], d)]
    by_rule = Counter(d["rule"] for d in planted)
    print(f"\nrecall: {len(planted) - len(missed)}/{len(planted)} planted defects found; by rule: {dict(sorted(by_rule.items()))}")
    assert missed == []
    assert {d["rule"][0] for d in planted} >= set("FABCD")


def test_no_clean_row_is_rejected(world):
    planted = {(d["office"], d["file_name"], d["sheet"], d["row"]) for d in manifest(world["home"])
               if d["rule"][0] == "A" and d["row"]}
    con = world["con"]
    rejected = con.execute("""SELECT DISTINCT office, file_name, sheet, row FROM finding
                              WHERE severity = 'reject'""").fetchall()
    total = con.execute("SELECT sum(rows_read) FROM ledger").fetchall()[0][0]
    false = [r for r in rejected if (r[0], r[1], r[2], str(r[3])) not in planted]
    print(f"\nfalse rejections: {len(false)} of {total} rows read ({len(rejected)} rows rejected)")
    assert false == []


def test_one_household_row_per_registry_household(world):
    tables = world["before"][0]
    registry = world["con"].execute("SELECT count(DISTINCT household_id) FROM cur_registry_household").fetchall()[0][0]
    assert len(tables["household"]) == registry == HOUSEHOLDS


def test_count_metrics_add_up_across_levels(world):
    db = world["home"] / "warehouse" / "published.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    sums = con.execute("""SELECT metric, level, sum(value) FROM metrics
                          WHERE unit IN ('户', '人', '个') AND level IN ('city', 'county', 'township', 'village')
                          GROUP BY ALL""").fetchall()
    con.close()
    by_metric: dict[str, dict[str, float]] = {}
    for metric, level, value in sums:
        by_metric.setdefault(metric, {})[level] = value
    uneven = {m: v for m, v in by_metric.items() if len(set(round(x, 6) for x in v.values())) != 1 or len(v) != 4}
    assert "households" in by_metric
    assert uneven == {}


def test_a_rerun_changes_nothing(world):
    assert world["rerun"].stdout == ""                 # --quiet
    runs = world["con"].execute("SELECT count(*) FROM intake_run").fetchall()[0][0]
    assert runs == 2
    db = duckdb.connect(str(world["home"] / "warehouse" / "published.duckdb"), read_only=True)
    assert db.execute("SELECT count(*) FROM versions").fetchall() == [(1,)]   # unchanged: no new version
    db.close()
    # nothing new: the rerun stopped after linking (no second GX run)
    assert [p.name for p in (world["home"] / "state" / "gx").iterdir()] == [world["result"]["run_id"]]
    assert world["after"] == world["before"]


def test_gx_results_are_kept_per_run(world):
    folder = world["home"] / "state" / "gx" / world["result"]["run_id"]
    results = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}
    assert {"registry_household", "health"} <= set(results)
    assert all("success" in r for r in results.values())
    assert any(r["success"] is False for r in results.values())   # the planted defects fail some suites


def _gx_result(world: dict, suite: str) -> dict[str, dict]:
    """The first run's GX result of `suite`, by the rule of each expectation."""
    path = world["home"] / "state" / "gx" / world["result"]["run_id"] / f"{suite}.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    return {r["expectation_config"]["meta"]["rule"]: r for r in result["results"]}


@pytest.mark.parametrize("rule", ["A1", "A2", "A3", "A5", "A6", "A7", "A8", "A9"])
def test_every_row_rule_trips_and_passes_through_gx(world, rule):
    """GX's `sender_rows` suite decides the reader's A detections: the rule's expectation fails on
    every row planted for it, passes on the other rows, and the findings that stand are exactly the
    rows GX flagged."""
    con = world["con"]
    res = _gx_result(world, "sender_rows")[rule]
    flagged = {uid for e in res["result"]["unexpected_index_list"]
               for uid in (e["row_uid"] if isinstance(e["row_uid"], list) else [e["row_uid"]])}
    planted = {con.execute("SELECT row_uid FROM landed_row WHERE office = ? AND file_name = ? AND sheet = ? AND row = ?",
                           [d["office"], d["file_name"], d["sheet"], int(d["row"])]).fetchall()[0][0]
               for d in manifest(world["home"]) if d["rule"] == rule}
    found = {uid for (uid,) in con.execute("""SELECT r.row_uid FROM finding f JOIN landed_row r
                                                ON r.file_hash = f.file_hash AND r.sheet = f.sheet AND r.row = f.row
                                              WHERE split_part(f.rule, '.', 1) = ?""", [rule]).fetchall()}
    print(f"\n{rule}: GX flagged {len(flagged)} of {res['result']['element_count']} rows; planted {len(planted)}")
    assert res["success"] is False and planted and planted <= flagged
    assert found == flagged
    assert res["result"]["element_count"] > len(flagged) > 0


def test_receipts_for_every_file(world):
    con = world["con"]
    files = con.execute("SELECT office, file_name, file_hash FROM ledger").fetchall()
    outbox = world["home"] / "outbox"
    missing = [f for f in files if not (outbox / f[0] / f"回执_{Path(f[1]).stem}_{f[2][:8]}.xlsx").exists()]
    assert missing == []


@pytest.mark.skipif(not CHECKER.exists(), reason="../shared/tools/check_published.py is not beside the checkout")
def test_analysts_promises_hold(world):
    done = subprocess.run([sys.executable, str(CHECKER), str(world["home"])], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip().startswith("ok:")
