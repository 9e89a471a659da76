"""The issue history, the correction list and the publish gate over a tiny real world (60 households).

One world runs through the real flow (`onetable run` in a subprocess: Prefect, DuckDB, GX, Excel),
then the relocation bureau drops a corrected file for the same month (the B2 name fixed, the rest
unchanged) and the flow runs again: the fixed problem is resolved, not deleted; the problems of
the replaced file that the corrected file still has are `carried` to new rows. The E rules are
then tripped one by one on the candidate tables and gated through the real GX run.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from pipelines import publish, steps
from pipelines.generate import generate_world
from pipelines.history import open_sql, update_history
from pipelines.pseudonyms import load_pseudonym_key
from pipelines.validate import run_gate
from pipelines.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
RELOCATION = "易地扶贫搬迁安置台账2018.8.xlsx"


def planted(home: Path, rule: str, office: str) -> dict[str, str]:
    with open(home / "generated" / "manifest.csv", encoding="utf-8") as fh:
        return next(d for d in csv.DictReader(fh) if d["rule"] == rule and d["office"] == office)


def correct(home: Path, defect: dict[str, str]) -> str:
    """Fix the B2 name in a copy of the relocation file, dropped beside it under a new name."""
    source = home / "inbox" / "relocation" / defect["file_name"]
    book = openpyxl.load_workbook(source)
    sheet = book[defect["sheet"]]
    header = next(c for row in sheet.iter_rows(max_row=6) for c in row if c.value == defect["column"])
    sheet.cell(row=int(defect["row"]), column=header.column).value = defect["note"].split("(")[1].rstrip(")")
    target = source.with_name(source.stem + "（更正）.xlsx")
    book.save(target)
    return target.name


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, run_flow_here: Any) -> Any:
    home = tmp_path_factory.mktemp("history")
    generate_world(home, households=60, seed=5, month="2018-08")   # a seed whose world plants B2 in relocation
    b2 = planted(home, "B2", "relocation")
    assert b2["file_name"] == RELOCATION
    first = run_flow_here(home)
    before = list_rows(home, "relocation")
    written = {p: p.stat().st_mtime_ns for p in (home / "outbox").rglob("*.xlsx")}
    corrected = correct(home, b2)
    second = run_flow_here(home)
    checked = [cross_checks(home)]
    recomputed = run_flow_here(home, recompute=True)   # the nightly rebuild, nothing new since
    checked.append(cross_checks(home))
    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"))
    yield {"home": home, "first": first, "second": second, "b2": b2, "corrected": corrected, "con": con,
           "before": before, "written": written, "recomputed": recomputed, "checked": checked}
    con.close()


def cross_checks(home: Path) -> list[tuple[Any, ...]]:
    """The B-D findings of the latest run (each run replaces them)."""
    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"), read_only=True)
    try:
        return con.execute("SELECT rule, file_hash, sheet, row, column_name, value, household_id, person_id, message "
                           "FROM finding WHERE regexp_matches(rule, '^[B-D]') ORDER BY ALL").fetchall()
    finally:
        con.close()


def list_rows(home: Path, office: str) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(home / "outbox" / office / f"纠错清单_{office}_2018-08.xlsx")
    return {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book}


def test_both_runs_published(world: Any) -> None:
    assert world["first"]["published"]["status"] == "published"
    assert world["second"]["published"]["status"] == "published"


def test_the_corrected_file_leaves_what_it_does_not_touch(world: Any) -> None:
    """pipelines.fingerprints: relocation feeds no person column, so `person` is kept in the carried
    file (and its candidate was not rebuilt); `household` holds relocation's columns and is written."""
    kept = world["second"]["published"]["kept_tables"]
    assert "person" in kept and "household" not in kept and world["first"]["published"]["kept_tables"] == []


def test_the_nightly_rebuild_recomputes_and_finds_what_the_fingerprints_kept(world: Any) -> None:
    """With nothing new, `recompute` still runs every check and writes the same version again, and
    finds the same findings and tables as the run that kept what its fingerprints allowed."""
    second, again = world["second"], world["recomputed"]
    assert (again["version"], again["published"]["status"], again["published"]["kept_tables"],
            again["published"]["updated_tables"]) == (second["version"], "published", [], [])
    assert second["published"]["updated_tables"] == ["household"]   # the corrected relocation row, by key
    assert world["checked"][0] == world["checked"][1] != []


def test_the_second_run_rewrites_only_the_feedback_that_changed(world: Any) -> None:
    home, first = world["home"], world["written"]
    now = {p: p.stat().st_mtime_ns for p in (home / "outbox").rglob("*.xlsx")}
    rewritten = {p.relative_to(home / "outbox").as_posix() for p in first if now[p] != first[p]}
    new = {p.relative_to(home / "outbox").as_posix() for p in set(now) - set(first)}
    old_receipt = next(p for p in map(str, first) if "回执_易地扶贫搬迁安置台账2018.8_" in p)
    assert {"relocation/纠错清单_relocation_2018-08.xlsx", old_receipt.split("/outbox/")[1]} <= rewritten  # fixed, superseded
    assert [n.split("_")[1] for n in new] == [Path(world["corrected"]).stem]   # the corrected file's receipt
    assert not any(n.startswith(("registry/", "health/")) for n in rewritten)
    assert world["second"]["feedback"] == {"written": len(rewritten) + 1, "unchanged": len(now) - len(rewritten) - 1}
    assert world["first"]["feedback"] == {"written": len(first), "unchanged": 0}


def test_a_fixed_problem_is_resolved_not_deleted(world: Any) -> None:
    con, b2 = world["con"], world["b2"]
    rows = con.execute("""SELECT file_name, first_seen_run, last_seen_run, resolved_run, resolution FROM issue_history
                          WHERE rule = 'B2' AND office = 'relocation' AND row = ?""", [int(b2["row"])]).fetchall()
    first, second = world["first"]["run_id"], world["second"]["run_id"]
    assert (RELOCATION, first, first, second, "fixed") in rows
    assert all(r[0] == RELOCATION for r in rows)          # the corrected file has no B2 on that row


def test_a_problem_still_in_the_corrected_file_is_carried(world: Any) -> None:
    con = world["con"]
    d5 = con.execute("""SELECT file_name, resolved_run, resolution FROM issue_history
                        WHERE rule = 'D5' AND office = 'relocation' ORDER BY file_name, row""").fetchall()
    old = [r for r in d5 if r[0] == RELOCATION]
    new = [r for r in d5 if r[0] == world["corrected"]]
    assert old and all(r[1] == world["second"]["run_id"] and r[2] == "carried" for r in old)
    assert len(new) == len(old) and all(r[1] is None for r in new)


def test_history_is_append_only_and_open_rows_match_the_current_state(world: Any) -> None:
    con = world["con"]
    total, resolved = con.execute("SELECT count(*), count(resolved_run) FROM issue_history").fetchall()[0]
    assert resolved >= 1 and total > resolved
    duplicates = con.execute("""SELECT issue_key FROM issue_history WHERE resolved_run IS NULL
                                GROUP BY 1 HAVING count(*) > 1""").fetchall()
    assert duplicates == []
    still = {r[0] for r in con.execute("SELECT issue_key FROM issue_history WHERE resolved_run IS NULL "
                                       "AND rule NOT LIKE 'E%'").fetchall()}
    now = {r[0] for r in con.execute(f"SELECT issue_key FROM ({open_sql()}) WHERE rule NOT LIKE 'E%'").fetchall()}
    assert still == now
    published = duckdb.connect(str(world["home"] / "warehouse" / "published.duckdb"), read_only=True)
    issues = published.execute("SELECT count(*) FROM issues WHERE rule NOT LIKE 'E%'").fetchall()[0][0]
    published.close()
    assert issues == len(still)
    # sections chosen before keying: the same open issues as choosing them after
    for sections in ("ABCDF", "E", "B"):
        chosen = con.execute(f"SELECT issue_key FROM ({open_sql(sections)}) ORDER BY 1").fetchall()
        assert chosen == con.execute(f"SELECT issue_key FROM ({open_sql()}) "
                                     f"WHERE list_contains(split('{sections}', ''), left(rule, 1)) ORDER BY 1").fetchall()
        assert chosen or sections == "E"
    with pytest.raises(ValueError, match="sections are letters of rules.md A-F, not `E' OR 1`"):
        update_history(con, "E' OR 1")


def test_the_correction_list_marks_the_fix_resolved(world: Any) -> None:
    before, after, b2 = world["before"], list_rows(world["home"], "relocation"), world["b2"]
    assert set(after) == {"汇总", "问题清单", "已解决"}
    header = after["问题清单"][0]
    assert header[:7] == ("序号", "文件名", "工作表", "行号", "列号", "列名", "原值")
    row_of = {h: i for i, h in enumerate(header)}
    opened_b2 = [r for r in before["问题清单"][1:] if r[row_of["规则"]] == "B2"]
    assert [(r[row_of["文件名"]], r[row_of["行号"]]) for r in opened_b2] == [(RELOCATION, b2["row"])]
    assert not [r for r in after["问题清单"][1:] if r[row_of["规则"]] == "B2"]
    fixed = after["已解决"]
    assert [(r[9], r[15], r[16]) for r in fixed[1:] if r[9] == "B2"] == [("B2", "已解决", "2018-08")]
    summary = {r[0]: r for r in after["汇总"] if r[0]}
    assert summary["B2"][4] == 1 and summary["D5"][3] >= 1
    assert all(c.data_type != "f" for s in openpyxl.load_workbook(
        world["home"] / "outbox" / "relocation" / "纠错清单_relocation_2018-08.xlsx") for row in s.iter_rows()
        for c in row)


def test_the_registry_list_holds_c_rules_and_d_mirrors(world: Any) -> None:
    rules = {r[9] for r in list_rows(world["home"], "registry")["问题清单"][1:]}
    assert {"C1", "C2", "C3", "C8"} <= rules and {"D1", "D2", "D8"} <= rules
    assert "C7" not in rules                                # info: not on the correction list


def test_b5_names_the_person_on_the_health_list(world: Any) -> None:
    rows = [r for r in list_rows(world["home"], "health")["问题清单"][1:] if r[9] == "B5"]
    assert rows and all(not r[1] and r[7] and "户编号" in r[12] for r in rows)


# --------------------------------------------------------------------------- the E gate through GX

TAMPER = [
    ("E1", "INSERT INTO pub.household SELECT * FROM pub.household LIMIT 1"),
    ("E2", "UPDATE pub.person SET household_id = 'NOSUCH' WHERE person_id = (SELECT min(person_id) FROM pub.person)"),
    ("E3", "UPDATE pub.metrics SET value = value + 1 WHERE level = 'county' AND metric = 'households' "
           "AND code = (SELECT min(code) FROM pub.metrics WHERE level = 'county')"),
    ("E4", "DELETE FROM landed_row WHERE row_uid = (SELECT min(row_uid) FROM pub.household)"),
    ("E5", "UPDATE pub.household SET exit_ready = NOT exit_ready WHERE household_id = "
           "(SELECT min(household_id) FROM pub.household)"),
]


@pytest.fixture(scope="module")
def candidate(world: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("gate")
    shutil.copytree(world["home"] / "warehouse", home / "warehouse")
    shutil.copytree(world["home"] / "state", home / "state", ignore=shutil.ignore_patterns("prefect*", "*.lock"))
    con = duckdb.connect(str(home / "warehouse" / "onetable.duckdb"))
    publish.build_candidate(con, load_pseudonym_key(con))
    yield con, home
    con.close()


def test_the_untampered_candidate_passes_every_e_rule(candidate: Any, tmp_path: Path) -> None:
    con, _ = candidate
    assert run_gate(con, "gate-pass", tmp_path) == []
    assert (tmp_path / "published.json").exists()


@pytest.mark.parametrize(("rule", "tamper"), TAMPER)
def test_each_e_rule_trips_through_gx(candidate: Any, tmp_path: Path, rule: str, tamper: str) -> None:
    con, _ = candidate
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute(tamper)
        assert rule in run_gate(cur, "gate-trip", tmp_path)
        rows = cur.execute("SELECT office, severity, file_name, row FROM finding WHERE run_id = 'gate-trip' "
                           "AND rule = ?", [rule]).fetchall()
        assert rows and set(rows) == {("data_office", "blocking", None, None)}
    finally:
        cur.execute("ROLLBACK")


def test_a_blocked_run_says_which_rules_and_how_to_see_the_rows(world: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(world["home"] / "warehouse", home / "warehouse")
    (home / "state").mkdir()
    ws = Workspace(home)
    path = publish.published_path(home)
    before = path.read_bytes()
    with steps.working(ws) as con:   # H registered twice: a second row of one registry household
        uid = con.execute("SELECT min(row_uid) FROM cur_registry_household").fetchall()[0][0]
        for table in ("norm_registry_household", "landed_row"):
            con.execute(f"INSERT INTO {table} SELECT * REPLACE (row_uid || 'dup' AS row_uid, row + 1000 AS row) "
                        f"FROM {table} WHERE row_uid = ?", [uid])
        run_id = con.execute("SELECT run_id FROM run_context").fetchall()[0][0]
    result = steps.publish(ws, run_id, "v-blocked")
    assert result["status"] == "blocked" and "E1" in result["blocking_rules"]
    assert path.read_bytes() == before
    assert result["blocking_counts"]["E1"] >= 1
    assert "E1" in str(result["blocking_message"]) and "duckdb -readonly" in str(result["how_to_see"])
    with steps.working(ws) as con:
        listed = con.execute(str(result["blocking_sql"])).fetchall()
        assert {r[0] for r in listed} >= {"E1"}
        history = con.execute("SELECT count(*) FROM issue_history WHERE rule = 'E1' AND resolved_run IS NULL "
                              "AND office = 'data_office'").fetchall()[0][0]
    assert history >= 1
