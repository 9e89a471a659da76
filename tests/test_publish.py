"""The publish stage on a small hand-built working database (real DuckDB, no other stage needed)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines import household_history, publish, snapshot
from pipelines.duck import read_sql
from pipelines.errors import OnetableError
from pipelines.fingerprints import relations_read
from pipelines.idnumbers import id_check_char
from pipelines.pseudonyms import load_pseudonym_key
from pipelines.schema import load_schema
from pipelines.store import create_working_tables

CHECKER = Path("/work/shared/tools/check_published.py")
PERSONAL = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")
PLACES = """county_code,county_name,township_code,township_name,village_code,village_name
611025,镇安县,611025100,云盖寺镇,611025100201,西华村
611025,镇安县,611025100,云盖寺镇,611025100202,金光村
611025,镇安县,611025200,木王镇,611025200201,朝阳村
611026,柞水县,611026100,下梁镇,611026100201,西川村
"""
XIHUA = ("镇安县", "云盖寺镇", "西华村")
JINGUANG = ("镇安", "云盖寺镇", "金光村委会")  # loose spellings match the gazetteer
CHAOYANG = ("镇安县", "木王镇", "朝阳村")
XICHUAN = ("柞水县", "下梁镇", "西川村")
CHECK_COLUMNS = ["row_uid", "office", "file_name", "file_hash", "sheet", "row", "column_name", "value",
                 "household_id", "person_id", "detail"]


def make_id(birth: str, seq: int, place: str = "611025") -> str:
    body = f"{place}{birth}{seq:03d}"
    return body + id_check_char(body)


class World:
    """Rows of the working database, with ledger, landed rows and links, written by `flush`."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.files: dict[tuple[str, str], dict[str, str]] = {}
        self.seq = 0

    def file(self, office: str, month: str) -> dict[str, str]:
        if (office, month) not in self.files:
            digest = hashlib.sha256(f"{office}/{month}".encode()).hexdigest()
            self.files[office, month] = {"file_hash": digest, "load_id": "L" + digest[:10], "office": office,
                                         "file_name": f"{office}_{month}.xlsx", "month": month, "scope": "*"}
        return self.files[office, month]

    def add(self, tbl: str, office: str, values: dict[str, Any], *, month: str = "2018-08",
            household_id: str | None = None, person_id: str | None = None) -> str:
        meta = self.file(office, month)
        row = len([r for r in self.rows[tbl] if r["file_hash"] == meta["file_hash"]]) + 3
        row_uid = f"{meta['file_hash'][:12]}:{tbl}:{row}"
        self.rows[tbl].append({**{k: meta[k] for k in ("load_id", "office", "file_hash", "file_name", "month", "scope")},
                               "sheet": tbl, "row": row, "row_uid": row_uid, "outcome": "accepted", **values})
        self.rows["landed_row"].append({"load_id": meta["load_id"], "office": office, "file_hash": meta["file_hash"],
                                        "file_name": meta["file_name"], "sheet": tbl, "row": row,
                                        "row_uid": row_uid, "tbl": tbl})
        if not tbl.startswith("registry"):
            self.rows["link"].append({"row_uid": row_uid, "office": office, "tbl": tbl, "household_id": household_id,
                                      "person_id": person_id, "matched_by": "id_number"})
        return row_uid

    def household(self, hid: str, *, place: tuple[str, str, str] = XIHUA, status: str = "已脱贫",
                  income: float | None = 4000.0, dangerous: bool | None = False, water: str | None = "达标",
                  water_safe: bool | None = None, first: date = date(2015, 3, 1), phone: str | None = None,
                  members: list[dict[str, Any]] | None = None, housing: dict[str, Any] | None = None,
                  relocation: dict[str, Any] | None = None, attribute: str = "一般贫困户") -> list[str]:
        """A registry household with its members; by default every exit test passes."""
        members = members or [{}]
        person_ids, head_id = [], ""
        for i, spec in enumerate(members):
            self.seq += 1
            pid, idn = f"{hid}{i + 1:02d}", make_id(spec.get("birth", "19700101"), self.seq)
            head_id = head_id or idn
            person_ids.append(pid)
            self.add("registry_person", "registry", {
                "household_id": hid, "person_id": pid, "name": f"成员{pid}", "id_number": idn,
                "sex": "男", "relation_to_head": "户主" if i == 0 else "之子",
                "has_basic_medical": spec.get("reg", True), "has_serious_illness_insurance": spec.get("reg", True)})
            health = spec.get("health", ("已参保", "已参保"))
            if health:
                self.add("health", "health", {"name": "x", "id_number": idn, "basic_medical_insurance": health[0],
                                              "serious_illness_insurance": health[1]}, household_id=hid, person_id=pid)
            if spec.get("school"):
                self.add("education", "education", {"id_number": idn, "school_name": "云盖寺中学",
                                                    "enrolment_status": spec["school"]}, household_id=hid, person_id=pid)
        self.add("registry_household", "registry", {
            "county_name": place[0], "township_name": place[1], "village_name": place[2], "household_id": hid,
            "head_name": f"户主{hid}", "head_id_number": head_id, "household_size": len(members),
            "poverty_attribute": attribute, "poverty_status": status, "first_identified_date": first,
            "income_per_capita": income, "is_dangerous_house": dangerous, "water_safe": water_safe, "phone": phone})
        if water:
            self.add("infra_household", "infrastructure", {"head_id_number": head_id, "drinking_water_safety": water,
                                                           "has_power": True}, household_id=hid)
        if housing:
            self.add("housing", "housing", {"head_id_number": head_id, **housing},
                     month=housing.pop("month", "2018-08"), household_id=hid)
        if relocation:
            self.add("relocation", "relocation", {"head_id_number": head_id, "household_id": hid, **relocation},
                     household_id=hid)
        return person_ids

    def flush(self, run_id: str = "run1", version_id: str = "v1") -> None:
        con = self.con
        for (office, month), meta in self.files.items():
            con.execute("INSERT INTO ledger (file_hash, office, path, file_name, status, month, scope, load_id) "
                        "VALUES (?, ?, ?, ?, 'accepted', ?, '*', ?)",
                        [meta["file_hash"], office, f"{office}/{meta['file_name']}", meta["file_name"], month,
                         meta["load_id"]])
        for tbl, rows in self.rows.items():
            target = tbl if tbl in ("landed_row", "link") else f"norm_{tbl}"
            for r in rows:
                cols = list(r)
                con.execute(f"INSERT INTO {target} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            list(r.values()))
        con.execute("INSERT INTO run_context VALUES (?, '2018-08', DATE '2018-08-31', ?, 2995)", [run_id, version_id])


def build_world(con: duckdb.DuckDBPyConnection) -> World:
    w = World(con)
    w.household("H01", phone="13812345678", members=[{}, {"birth": "19950101"}])
    w.household("H02", income=2000, status="未脱贫")
    w.household("H03", income=None, status="返贫")
    w.household("H04", housing={"house_grade": "C级"}, status="预脱贫", place=JINGUANG)
    w.household("H05", housing={"house_grade": "D级", "acceptance_date": date(2018, 6, 1),
                                "subsidy_paid_date": date(2018, 6, 20)}, place=JINGUANG)
    w.household("H06", dangerous=True, status="未脱贫", place=CHAOYANG)
    w.household("H07", dangerous=True, relocation={"site_name": "云盖寺安置点", "house_completed_date": date(2018, 5, 1),
                                                   "facilities_complete": True, "moved_in_date": date(2018, 7, 1)})
    w.household("H08", dangerous=None, housing={"house_grade": None})
    w.household("H09", members=[{}, {"birth": "20080501", "school": "辍学"}])
    w.household("H10", members=[{}, {"birth": "20010101", "school": "辍学"}])
    w.household("H11", members=[{}, {"health": None, "reg": None}])
    w.household("H12", members=[{"health": ("未参保", "已参保")}, {"health": None, "reg": None}])
    w.household("H13", water=None, water_safe=None)
    w.household("H14", water="不达标")
    w.household("H15", water=None, water_safe=True)
    w.household("H16", first=date(2018, 3, 1), status="未脱贫")
    w.household("H17", place=("镇安县", "云盖寺镇", "不存在村"))
    w.household("H18", place=("镇安县", "不存在镇", "某村"))
    a, b = w.household("H19", members=[{}, {"birth": "19900101"}], place=XICHUAN, status="未脱贫")
    ida, idb = w.rows["registry_person"][-2]["id_number"], w.rows["registry_person"][-1]["id_number"]
    w.add("employment", "employment", {"id_number": ida, "monthly_wage": 800.0, "work_months": 12,
                                       "is_welfare_post": True, "welfare_post_type": "护林员"}, household_id="H19", person_id=a)
    w.add("employment", "employment", {"id_number": idb, "monthly_wage": 3000.0, "work_months": 10,
                                       "is_welfare_post": False}, household_id="H19", person_id=b)
    w.add("ecology", "ecology", {"id_number": ida, "is_forest_ranger": True, "ranger_annual_pay": 10000.0,
                                 "grain_for_green_subsidy": 500.0, "eco_compensation": 300.0}, household_id="H19", person_id=a)
    w.add("industry", "industry", {"operating_income": 5000.0, "dividend_income": 1000.0, "support_funds": 20000.0,
                                   "industry_types": ["种植", "养殖"]}, household_id="H19")
    w.add("social_security", "social_security", {"id_number": ida, "assistance_type": "农村低保", "monthly_amount": 200.0},
          household_id="H19", person_id=a)
    w.add("social_security", "social_security", {"id_number": idb, "assistance_type": "临时救助", "monthly_amount": 1000.0},
          household_id="H19", person_id=b)
    w.add("education", "education", {"id_number": idb, "enrolment_status": "在读", "aid_amount": 3000.0},
          household_id="H19", person_id=b)
    (c,) = w.household("H20", place=XICHUAN)
    w.add("employment", "employment", {"id_number": w.rows["registry_person"][-1]["id_number"], "monthly_wage": 600.0,
                                       "work_months": 10, "welfare_post_type": "护林员"}, household_id="H20", person_id=c)
    w.household("H21", housing={"house_grade": "A级"},
                relocation={"site_name": "云盖寺安置点", "house_completed_date": date(2018, 6, 1), "facilities_complete": False})
    w.household("H22", housing={"house_grade": "C级", "month": "2018-07"})
    w.household("H23", housing={"house_grade": "D级", "acceptance_date": date(2018, 5, 1)}, place=CHAOYANG)
    w.household("H24", income=1000, water="不达标", members=[{"health": None, "reg": None}], status="未脱贫")
    w.household("H25", water="基本达标", dangerous=None, status="未脱贫", attribute="低保贫困户", place=XICHUAN)
    w.add("infra_village", "infrastructure", {"county_name": "镇安县", "township_name": "云盖寺镇", "village_name": "西华",
                                              "village_code": "611025100201", "has_paved_road": True,
                                              "farm_households": 300, "registered_population": 1000,
                                              "households_with_power": 300, "households_with_tap_water": 280,
                                              "has_standard_clinic": True})
    w.add("infra_village", "infrastructure", {"county_name": "镇安县", "township_name": "木王镇", "village_name": "朝阳村",
                                              "has_paved_road": False, "farm_households": 100, "registered_population": 400,
                                              "households_with_power": 95, "households_with_tap_water": 50,
                                              "has_standard_clinic": False})
    w.add("infra_village", "infrastructure", {"county_name": "柞水县", "township_name": "下梁镇", "village_name": "西川村",
                                              "has_paved_road": True, "farm_households": 200})
    health = w.file("health", "2018-08")
    con.execute("INSERT INTO finding (run_id, rule, severity, office, file_name, file_hash, sheet, row, column_name, "
                "column_letter, value, household_id, person_id, message, fix) VALUES "
                "('run0', 'A1.checksum', 'warning', 'health', ?, ?, 'health', 7, '身份证号', 'B', '611025200501010012', "
                "NULL, NULL, '身份证号611025200501010012校验位错误，联系电话13812345678', '核对后重报'), "
                "('run1', 'C8', 'warning', 'registry', 'registry_2018-08.xlsx', NULL, '户信息', 9, '行政村', 'C', "
                "'不存在村', 'H17', NULL, '行政村不存在村不在区划表中', NULL), "
                "('old', 'A6', 'warning', 'health', 'gone.xlsx', 'deadbeef', 'x', 3, 'd', 'D', 'x', NULL, NULL, 'm', NULL)",
                [health["file_name"], health["file_hash"]])
    w.flush()
    return w


def new_working(home: Path) -> duckdb.DuckDBPyConnection:
    (home / "reference").mkdir(parents=True, exist_ok=True)
    (home / "reference" / "places.csv").write_text(PLACES, encoding="utf-8")
    con = duckdb.connect()
    create_working_tables(con)
    build_world(con)
    publish.ensure_place_table(con, home)
    publish.build_candidate(con, load_pseudonym_key(con))
    return con


def next_version(con: duckdb.DuckDBPyConnection, home: Path, version: str) -> None:
    con.execute("UPDATE run_context SET version_id = ?, run_id = ?", [version, "run-" + version])
    publish.build_candidate(con, load_pseudonym_key(con))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return new_working(tmp_path_factory.mktemp("home"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def household(con: duckdb.DuckDBPyConnection, hid: str) -> dict[str, Any]:
    cur = con.execute("SELECT * FROM pub.household WHERE household_id = ?", [hid])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None, hid
    return dict(zip(names, row, strict=True))


# --- the exit check -----------------------------------------------------------------------------------
P, F, U = "pass", "fail", "unknown"
EXIT_CASES = [  # household, (income, housing, education, insurance, water), exit_failed_tests
    ("H01", (P, P, P, P, P), []),
    ("H02", (F, P, P, P, P), ["income"]),
    ("H03", (U, P, P, P, P), ["unknown:income"]),
    ("H04", (P, F, P, P, P), ["housing"]),                 # C级, no renovation accepted
    ("H05", (P, P, P, P, P), []),                          # D级 with 竣工验收日期
    ("H06", (P, F, P, P, P), ["housing"]),                 # no housing row, registry 是否危房户 = 是
    ("H07", (P, P, P, P, P), []),                          # 危房户 but moved in (relocation)
    ("H08", (P, U, P, P, P), ["unknown:housing"]),         # grade emptied, no registry value
    ("H09", (P, P, F, P, P), ["education"]),               # aged 10, 辍学
    ("H10", (P, P, P, P, P), []),                          # aged 17, 辍学: not compulsory age
    ("H11", (P, P, P, U, P), ["unknown:insurance"]),       # no health row, no registry value
    ("H12", (P, P, P, F, P), ["insurance"]),               # one 未参保 + one unknown: fail wins
    ("H13", (P, P, P, P, U), ["unknown:water"]),           # exhaustive sender, no row, no registry value
    ("H14", (P, P, P, P, F), ["water"]),
    ("H15", (P, P, P, P, P), []),                          # no infra row, registry 饮水是否安全 = 是
    ("H16", (P, P, P, P, P), ["new"]),                     # first identified in 2018
    ("H22", (P, P, P, P, P), []),                          # C级 only in an older month: not in force
    ("H24", (F, P, P, U, F), ["income", "water", "unknown:insurance"]),
    ("H25", (P, P, P, P, P), []),                          # 基本达标
]


@pytest.mark.parametrize(("hid", "tests", "failed"), EXIT_CASES)
def test_exit_check(built: duckdb.DuckDBPyConnection, hid: str, tests: tuple[str, ...], failed: list[str]) -> None:
    h = household(built, hid)
    assert (h["exit_income"], h["exit_housing"], h["exit_education"], h["exit_insurance"], h["exit_water"]) == tests
    assert h["exit_failed_tests"] == failed
    assert h["exit_ready"] is (not failed)


def test_sources_and_fallbacks(built: duckdb.DuckDBPyConnection) -> None:
    src = {hid: household(built, hid) for hid in ("H01", "H04", "H06", "H07", "H13", "H14", "H15", "H22")}
    assert src["H04"]["housing_source"] == "housing" and src["H04"]["housing_reported"]
    assert src["H06"]["housing_source"] == "registry" and not src["H06"]["housing_reported"]
    assert src["H07"]["housing_source"] == "relocation"
    assert not src["H22"]["housing_reported"] and src["H22"]["house_grade"] is None   # older month not in force
    assert (src["H14"]["drinking_water_safety"], src["H14"]["drinking_water_safety_source"]) == ("不达标", "infrastructure")
    assert (src["H15"]["drinking_water_safety"], src["H15"]["drinking_water_safety_source"]) == ("达标", "registry")
    assert (src["H13"]["drinking_water_safety"], src["H13"]["drinking_water_safety_source"]) == (None, None)
    assert src["H01"]["insurance_source"] == "health"
    assert src["H01"]["income_wages_source"] is None and src["H01"]["income_wages"] == 0   # sparse: not concerned
    persons = dict(built.execute("SELECT person_id, insurance_source FROM pub.person "
                                 "WHERE household_id IN ('H11', 'H12')").fetchall())
    assert persons == {"H1101": "health", "H1102": None, "H1201": "health", "H1202": None}


def test_income_components(built: duckdb.DuckDBPyConnection) -> None:
    h = household(built, "H19")
    assert h["income_wages"] == 30000          # 3000 x 10; the 护林员 post is paid by ecology
    assert (h["income_operating"], h["income_dividends"]) == (5000, 1000)   # 扶持资金 is not income
    assert h["income_transfers"] == 200 * 12 + 1000                          # 临时救助 counted once
    assert h["income_eco"] == 10000 + 500 + 300
    assert h["income_total"] == 50200 and h["income_per_capita_sectors"] == 25100
    assert (h["income_wages_source"], h["income_eco_source"], h["industry_source"]) == ("employment", "ecology", "industry")
    assert h["assistance_types"] == ["临时救助", "农村低保"] and h["industry_types"] == ["养殖", "种植"]
    excluded = built.execute("SELECT ranger_wage_excluded FROM pub.person WHERE person_id = 'H1901'").fetchone()
    assert excluded == (True,)
    assert household(built, "H20")["income_wages"] == 6000   # 护林员 post, no ecology pay: counted


def test_unknown_villages(built: duckdb.DuckDBPyConnection) -> None:
    h17, h18, h04 = household(built, "H17"), household(built, "H18"), household(built, "H04")
    assert (h17["township_code"], h17["village_code"], h17["place_match"]) == ("611025100", "611025100999", "township")
    assert (h18["county_code"], h18["township_code"], h18["village_code"]) == ("611025", "611025999", "611025999999")
    assert h04["village_code"] == "611025100202" and not h04["is_unknown_village"]
    villages = {r[0]: r[1] for r in built.execute("SELECT village_code, is_unknown_village FROM pub.village").fetchall()}
    assert villages["611025100999"] and villages["611025999999"] and not villages["611025200201"]
    codes = {r[0] for r in built.execute("SELECT DISTINCT code FROM pub.metrics WHERE level IN ('village', 'township')")
             .fetchall()}
    assert {"611025100999", "611025999999", "611025999"} <= codes


def metric(con: duckdb.DuckDBPyConnection, level: str, code: str, name: str) -> float | None:
    row = con.execute("SELECT value FROM pub.metrics WHERE level = ? AND code = ? AND metric = ?",
                      [level, code, name]).fetchone()
    assert row is not None, (level, code, name)
    return None if row[0] is None else float(row[0])


def test_metrics_roll_up(built: duckdb.DuckDBPyConnection) -> None:
    hh = built.execute("SELECT * FROM pub.household").df()
    people = built.execute("SELECT p.household_id, h.poverty_status FROM pub.person p "
                           "JOIN pub.household h USING (household_id)").df()
    poor = people[people.poverty_status.isin(["未脱贫", "返贫", "预脱贫"])]
    assert metric(built, "city", "611000", "households") == len(hh)
    assert metric(built, "city", "611000", "poor_people") == len(poor)
    for county, group in hh.groupby("county_code"):
        assert metric(built, "county", str(county), "households") == len(group)
        assert metric(built, "county", str(county), "exit_ready_rate") == pytest.approx(100 * group.exit_ready.mean())
        passing = (group.exit_housing == "pass").mean()
        assert metric(built, "county", str(county), "safe_housing_rate") == pytest.approx(100 * passing)
    for township, group in hh.groupby("township_code"):
        assert metric(built, "township", str(township), "exit_water_pass_households") == (group.exit_water == "pass").sum()
    # incidence only over villages whose 户籍人口数 is reported (西华村 1000, 朝阳村 400)
    reported = hh[hh.village_code.isin(["611025100201", "611025200201"])]
    poor_reported = people[people.household_id.isin(reported.household_id)].poverty_status.isin(["未脱贫", "返贫", "预脱贫"])
    assert metric(built, "county", "611025", "poverty_incidence") == pytest.approx(100 * poor_reported.sum() / 1400)
    assert metric(built, "county", "611026", "poverty_incidence") is None
    assert metric(built, "county", "611025", "road_rate") == 50 and metric(built, "county", "611025", "road_rate_test") == 0
    assert metric(built, "county", "611025", "tap_water_rate") == pytest.approx(100 * 330 / 400)
    assert metric(built, "site", "611025/云盖寺安置点", "relocation_occupancy_rate") == 50
    assert metric(built, "county", "611025", "subsidy_30d_rate") == 50   # H05 paid in 19 days, H23 unpaid
    assert publish.failing_checks(built, publish.BLOCKING) == []


# --- the E checks -------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", publish.BLOCKING + publish.WARNING)
def test_check_columns(built: duckdb.DuckDBPyConnection, rule: str) -> None:
    cur = built.execute(f"SELECT * FROM ({publish.check_sql(rule)}) LIMIT 0")
    assert [d[0] for d in cur.description] == CHECK_COLUMNS


TAMPER = [  # rules expected to fail, the tampering
    ("E1 E3", "INSERT INTO pub.household SELECT * FROM pub.household WHERE household_id = 'H01'"),
    ("E2 E3", "UPDATE pub.person SET household_id = 'H99' WHERE person_id = 'H0101'"),
    ("E3", "UPDATE pub.metrics SET value = value + 1 WHERE level = 'county' AND metric = 'households'"),
    ("E3", "UPDATE pub.metrics SET value = 1 WHERE level = 'city' AND metric = 'exit_ready_rate'"),
    ("E4", "DELETE FROM landed_row WHERE row_uid = (SELECT row_uid FROM pub.household WHERE household_id = 'H02')"),
    ("E5", "UPDATE pub.household SET exit_ready = true WHERE household_id = 'H02'"),
    ("E5", "UPDATE pub.household SET exit_failed_tests = [] WHERE household_id = 'H16'"),
]


@contextmanager
def rolled_back(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of `con` in a transaction that is rolled back at the end of the block."""
    cursor = con.cursor()
    cursor.execute("BEGIN TRANSACTION")
    try:
        yield cursor
    finally:
        cursor.execute("ROLLBACK")


@pytest.mark.parametrize(("rule", "tamper"), TAMPER)
def test_checks_catch_tampering(built: duckdb.DuckDBPyConnection, rule: str, tamper: str) -> None:
    with rolled_back(built) as con:
        con.execute(tamper)
        assert publish.failing_checks(con, publish.BLOCKING) == rule.split()


BASE_COUNTS = [  # tampering that moves a base count only (the roll-up still adds up), the E3 rows expected
    ("UPDATE pub.household SET village_code = (SELECT min(village_code) FROM pub.household WHERE village_code <> "
     "(SELECT village_code FROM pub.household WHERE household_id = 'H01')) WHERE household_id = 'H01'",
     "village:{old}:households village:{new}:households"),
    ("DELETE FROM pub.person WHERE person_id = 'H0101'", "city:611000:people"),
    ("DELETE FROM pub.metrics WHERE level = 'city' AND metric = 'people'", "city::people"),
]


@pytest.mark.parametrize(("tamper", "expected"), BASE_COUNTS)
def test_e3_compares_base_counts_with_the_one_table(built: duckdb.DuckDBPyConnection, tamper: str, expected: str) -> None:
    with rolled_back(built) as con:
        old = con.execute("SELECT village_code FROM pub.household WHERE household_id = 'H01'").fetchone()[0]
        con.execute(tamper)
        new = con.execute("SELECT village_code FROM pub.household WHERE household_id = 'H01'").fetchone()[0]
        rows = con.execute(f"SELECT row_uid, detail FROM ({publish.check_sql('e3')}) "
                           "WHERE detail LIKE '%一张表中计数为%' ORDER BY row_uid").fetchall()
    assert [r[0].removeprefix("metrics:") for r in rows] == sorted(expected.format(old=old, new=new).split())


def test_e6_warns_on_a_large_move(built: duckdb.DuckDBPyConnection) -> None:
    con = built.cursor()
    assert publish.failing_checks(con, publish.WARNING) == []
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO pub.metrics_previous SELECT version, level, code, metric, "
                "CASE WHEN level = 'city' AND metric = 'poor_people' THEN 2 * value ELSE value END FROM pub.metrics")
    rows = con.execute(f"SELECT row_uid, detail FROM ({publish.check_sql('e6')})").fetchall()
    con.execute("ROLLBACK")
    assert [r[0] for r in rows] == ["metrics:city:611000:poor_people"] and "-50.0%" in rows[0][1]


# --- publishing ---------------------------------------------------------------------------------------
def scan(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    found = []
    for name in names:
        for (value,) in con.execute(f'SELECT DISTINCT CAST("{name}" AS VARCHAR) FROM {relation}').fetchall():
            if value and name not in ("household_id", "county_code", "township_code", "village_code", "code"):
                found += [f"{relation}.{name}: {m}" for m in PERSONAL.findall(value)]
    return found


def test_publish_masks_every_personal_number(home: Path) -> None:
    con = new_working(home)
    result = publish.publish_version(con, home, "v1", publish.sql_gate)
    assert result.status == "published" and result.warnings == ()
    db = duckdb.connect(str(result.path), read_only=True)
    tables = [r[0] for r in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    assert set(tables) == {"household", "person", "village", "metrics", "issues", "submissions", "versions",
                           "household_history_rows", "household_history_versions", "metrics_history"}
    leaks = [leak for t in tables for leak in scan(db, t)]
    leaks += [leak for p in home.rglob("*.parquet") for leak in scan(db, f"read_parquet('{p}')")]
    assert leaks == []
    h01 = db.execute("SELECT phone_masked, phone_pseudonym, head_id_masked, head_id_pseudonym FROM household "
                     "WHERE household_id = 'H01'").fetchone()
    assert h01 is not None and h01[0] == "138****5678" and re.fullmatch(r"6110\*{10}\d{3}[\dX]", h01[2])
    assert re.fullmatch("[A-P]{24}", h01[1]) and re.fullmatch("[A-P]{24}", h01[3])
    assert db.execute("SELECT id_pseudonym FROM person WHERE person_id = 'H0101'").fetchone() == (h01[3],)
    issue = db.execute("SELECT value, message, \"column\", row FROM issues WHERE rule = 'A1.checksum'").fetchone()
    assert issue == ("6110**********0012", "身份证号6110**********0012校验位错误，联系电话138****5678", "身份证号", 7)
    assert db.execute("SELECT count(*) FROM issues WHERE rule = 'A6'").fetchone() == (0,)   # file not in force
    db.close()
    checked = subprocess.run([sys.executable, str(CHECKER), str(home)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_published_file_is_documented_and_readable_by_duckdb_14(home: Path) -> None:
    con = new_working(home)
    path = publish.publish_version(con, home, "v1", publish.sql_gate).path
    assert path is not None
    header = path.read_bytes()[:20]
    assert header[8:12] == b"DUCK" and 64 <= int.from_bytes(header[12:20], "little") <= 67   # v1.4.0 storage
    db = duckdb.connect(str(path), read_only=True)
    missing = db.execute("SELECT table_name, column_name FROM duckdb_columns() "
                         "WHERE NOT internal AND (comment IS NULL OR comment = '')").fetchall()
    assert missing == []
    assert db.execute("SELECT count(*) FROM duckdb_tables() WHERE comment IS NULL").fetchone() == (0,)
    comment = db.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'household' "
                         "AND column_name = 'income_wages'").fetchone()
    assert comment is not None and comment[0].startswith("工资性收入（元）")
    schema = load_schema()
    for table in publish.TABLES:
        cols = [r[0] for r in db.execute(f"DESCRIBE {table}").fetchall()]
        assert cols == [n for n, _ in publish.published_columns(schema, table)]
    db.close()


DUCKDB_CLI = "duckdb-cli==1.4.4"   # PyPI wheel shipping the standalone `duckdb` 1.4.4 binary (no Python module clash)


@pytest.fixture(scope="session")
def duckdb_14(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DuckDB 1.4.4 CLI: $ONETABLE_DUCKDB_14 if set, else the environment's own `duckdb` if it is
    1.4.4, else `duckdb-cli==1.4.4` from PyPI pip-installed into a directory of its own (pip --target
    puts the binary in <dir>/bin)."""
    given = os.environ.get("ONETABLE_DUCKDB_14")
    if given:
        return Path(given)
    beside = Path(sys.executable).parent / "duckdb"      # duckdb-cli installed in this environment
    if beside.exists() and not os.access(beside, os.X_OK):
        beside.chmod(0o755)                              # pip installs the wheel's binary without its x bit
    if beside.exists() and subprocess.run([str(beside), "--version"], capture_output=True, text=True,
                                          check=False).stdout.startswith("v1.4.4"):
        return beside
    target = tmp_path_factory.mktemp("duckdb-cli")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                           "--target", str(target), DUCKDB_CLI], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"pip install {DUCKDB_CLI} failed (set ONETABLE_DUCKDB_14 to a 1.4.4 binary " \
                                 f"to run offline):\n{done.stderr}"
    binary = target / "bin" / "duckdb"
    binary.chmod(0o755)
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1.4.4"), version
    return binary


def cli(binary: Path, db: Path, sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), "-readonly", "-csv", "-bail", str(db), "-c", sql], capture_output=True,
                          text=True, timeout=120)


def test_a_carried_forward_file_gets_only_the_comments_it_lacks_and_corrects_stale_ones(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = new_working(home)
    path = publish.publish_version(con, home, "v1", publish.sql_gate).path
    assert path is not None
    db = duckdb.connect(str(path))    # as if schemas/ had changed a label since v1 was written
    db.execute("COMMENT ON COLUMN household.income_wages IS 'stale'; COMMENT ON TABLE person IS 'stale'")
    db.close()
    written: list[str] = []
    real_run = snapshot.run

    def counting(c: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> None:
        if sql.startswith("COMMENT ON"):
            written.append(sql)
        real_run(c, sql, params)

    con.execute("UPDATE norm_relocation SET site_name = '新安置点'")
    next_version(con, home, "v2")
    monkeypatch.setattr(snapshot, "run", counting)
    result = publish.publish_version(con, home, "v2", publish.sql_gate)
    monkeypatch.undo()
    assert result.carried_forward and result.updated == ("household",)
    db = duckdb.connect(str(path), read_only=True)
    assert db.execute("SELECT count(*) FROM duckdb_columns() WHERE NOT internal AND coalesce(comment, '') = ''"
                      ).fetchone() == (0,)
    assert db.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'household' "
                      "AND column_name = 'income_wages'").fetchone()[0].startswith("工资性收入（元）")
    assert db.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'person'").fetchone()[0] != "stale"
    db.close()
    # the stale two and the view `changes` (created anew); nothing on the households updated by key,
    # the person table kept, the tables refilled (same columns: DELETE and INSERT) or the history
    targets = {re.match(r'COMMENT ON (?:COLUMN|TABLE|VIEW) \w+\.main\.(\w+)', sql).group(1) for sql in written}
    assert {"changes", "person", "household"} <= targets
    assert not targets & {"household_history_rows", "versions", "metrics", "issues", "village", "submissions"}
    assert sum(".household." in sql for sql in written) == 1


def test_duckdb_14_cli_reads_every_table_and_view(home: Path, duckdb_14: Path) -> None:
    con = new_working(home)
    publish.publish_version(con, home, "v1", publish.sql_gate)
    con.execute("UPDATE norm_infra_household SET drinking_water_safety = '不达标' "
                "WHERE row_uid IN (SELECT row_uid FROM link WHERE household_id = 'H01')")
    next_version(con, home, "v2")
    second = publish.publish_version(con, home, "v2", publish.sql_gate)
    path = second.path
    assert path is not None and second.carried_forward     # a copy of v1's file, changed by DuckDB 2
    db = duckdb.connect(str(path), read_only=True)
    relations = dict(db.execute("SELECT table_name, estimated_size FROM duckdb_tables() UNION ALL "
                                "SELECT view_name, NULL FROM duckdb_views() WHERE NOT internal").fetchall())
    counts = {r: db.execute(f'SELECT count(*) FROM "{r}"').fetchone() for r in relations}
    db.close()
    assert set(relations) == {*publish.TABLES, "versions", *publish.HISTORY, *publish.VIEWS,
                              "household_history_rows", "household_history_versions"}
    # every column of every row, read by the 1.4 client (a cast to text touches every value)
    sql = "; ".join(f'SELECT \'{r}\' AS rel, count(*) AS n, sum(length(CAST(t AS VARCHAR))) > 0 AS read '
                    f'FROM "{r}" t' for r in sorted(relations))
    done = cli(duckdb_14, path, sql)
    assert done.returncode == 0, done.stderr
    got = [line.split(",") for line in done.stdout.splitlines() if not line.startswith("rel,")]
    assert {rel: (int(n),) for rel, n, _ in got} == counts
    assert {read for _, _, read in got} == {"true"}
    changes = cli(duckdb_14, path, "SELECT household_id, changed_column FROM changes ORDER BY ALL")
    assert changes.returncode == 0 and "H01,exit_water" in changes.stdout.splitlines()


def test_duckdb_14_cli_cannot_read_the_default_storage_of_duckdb_2(tmp_path: Path, duckdb_14: Path) -> None:
    assert duckdb.__version__ == "2.0.1"
    path = tmp_path / "default.duckdb"
    with duckdb.connect(str(path)) as con:      # duckdb 2.0.1, default storage version
        con.execute("CREATE TABLE t AS SELECT 1 AS a")
    done = cli(duckdb_14, path, "SELECT a FROM t")
    assert done.returncode != 0 and "version number" in done.stderr, done.stdout + done.stderr


def test_changes_view_lists_exactly_what_changed(home: Path) -> None:
    con = new_working(home)
    publish.publish_version(con, home, "v1", publish.sql_gate)
    con.execute("UPDATE norm_infra_household SET drinking_water_safety = '不达标' "
                "WHERE row_uid IN (SELECT row_uid FROM link WHERE household_id = 'H01')")
    con.execute("UPDATE norm_registry_household SET poverty_status = '返贫' WHERE household_id = 'H25'")
    con.execute("DELETE FROM norm_registry_person WHERE household_id = 'H23'")      # H23 leaves the roll
    con.execute("DELETE FROM norm_registry_household WHERE household_id = 'H23'")
    next_version(con, home, "v2")
    assert publish.publish_version(con, home, "v2", publish.sql_gate).status == "published"
    next_version(con, home, "v3")                                                 # nothing changed
    assert publish.publish_version(con, home, "v3", publish.sql_gate).status == "published"
    db = duckdb.connect(str(publish.published_path(home)), read_only=True)
    rows = db.execute("SELECT household_id, change_kind, change_topic, changed_column, old_value, new_value "
                      "FROM changes WHERE from_version = 'v1' AND to_version = 'v2' ORDER BY ALL").fetchall()
    assert rows == [
        ("H01", "changed", "exit_check", "exit_failed_tests", "[]", "[water]"),
        ("H01", "changed", "exit_check", "exit_ready", "true", "false"),
        ("H01", "changed", "exit_check", "exit_water", "pass", "fail"),
        ("H01", "changed", "indicator", "drinking_water_safety", "达标", "不达标"),
        ("H23", "removed", None, None, None, None),
        ("H25", "changed", "status", "poverty_status", "未脱贫", "返贫"),
    ]
    pairs = db.execute("SELECT from_version, to_version, consecutive, count(DISTINCT household_id) FROM changes "
                       "GROUP BY ALL ORDER BY ALL").fetchall()
    assert pairs == [("v1", "v2", True, 3), ("v1", "v3", False, 3)]              # v2 -> v3: no change
    (view,) = db.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'changes'").fetchone() or ("",)
    assert "household_history" in view and str(home) not in view and "parquet" not in view   # no file path
    db.close()


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    query = "SELECT max(version) FROM versions"
    print(con.execute(query).fetchone()[0], flush=True)
    sys.stdin.readline()
    print(con.execute(query).fetchone()[0], con.execute("SELECT count(*) FROM household").fetchone()[0], flush=True)
""")


def test_reader_keeps_old_version_during_publish(home: Path) -> None:
    con = new_working(home)
    path = publish.publish_version(con, home, "v1", publish.sql_gate).path
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().strip() == "v1"
    next_version(con, home, "v2")
    assert publish.publish_version(con, home, "v2", publish.sql_gate).status == "published"
    out, _ = reader.communicate("go\n", timeout=30)
    assert out.split() == ["v1", "25"]                      # the open reader still reads v1
    db = duckdb.connect(str(path), read_only=True)          # a new connection sees v2
    assert db.execute("SELECT list(version ORDER BY published_at) FROM versions").fetchone() == (["v1", "v2"],)
    assert db.execute("SELECT version, count(*) FROM household_history GROUP BY ALL ORDER BY 1").fetchall() == \
        [("v1", 25), ("v2", 25)]
    assert db.execute("SELECT DISTINCT version FROM metrics").fetchall() == [("v2",)]
    assert db.execute("SELECT count(DISTINCT version) FROM metrics_history").fetchone() == (2,)
    db.close()
    for version in ("v1", "v2"):
        assert sorted(p.name for p in (home / "warehouse" / "versions" / version).iterdir()) == \
            ["household.parquet", "issues.parquet", "metrics.parquet", "person.parquet", "submissions.parquet",
             "versions.parquet", "village.parquet"]
    assert list((home / "warehouse").glob("*.tmp")) == []


def _history(path: Path) -> list[tuple[Any, ...]]:
    db = duckdb.connect(str(path), read_only=True)
    try:
        return db.execute("SELECT version, count(*), count(phone_masked), (SELECT count(*) FROM versions v "
                          "WHERE v.version = h.version) FROM household_history h GROUP BY ALL ORDER BY 1").fetchall()
    finally:
        db.close()


def test_earlier_versions_are_carried_forward_and_an_older_layout_is_rebuilt(home: Path) -> None:
    con = new_working(home)
    phones = con.execute("SELECT count(phone_masked) FROM pub.household").fetchone()[0]
    results = [publish.publish_version(con, home, "v1", publish.sql_gate)]
    next_version(con, home, "v2")
    results.append(publish.publish_version(con, home, "v2", publish.sql_gate))
    path = results[-1].path
    assert path is not None and phones > 0
    db = duckdb.connect(str(path))    # as an earlier release published it: a history table, without the column
    db.execute("CREATE TABLE old_history AS SELECT * EXCLUDE (phone_masked) FROM household_history")
    db.execute("DROP VIEW household_history; DROP TABLE household_history_rows; DROP TABLE household_history_versions")
    db.execute("ALTER TABLE old_history RENAME TO household_history")
    db.close()
    for version in ("v3", "v4", "v1"):   # v1 again (its inputs came back): its rows replace the old ones
        next_version(con, home, version)
        results.append(publish.publish_version(con, home, version, publish.sql_gate))
    db = duckdb.connect(str(path))    # a table this code no longer writes: rebuilt, so it is not carried
    db.execute("CREATE TABLE retired AS SELECT 1 AS x")
    db.close()
    for version in ("v5", "v6"):
        next_version(con, home, version)
        results.append(publish.publish_version(con, home, version, publish.sql_gate))
    assert [(r.status, r.carried_forward) for r in results] == [("published", False), ("published", True),
                                                                ("published", False), ("published", True),
                                                                ("published", True), ("published", False),
                                                                ("published", True)]
    assert _history(path) == [("v1", 25, phones, 1), ("v2", 25, 0, 1), ("v3", 25, phones, 1), ("v4", 25, phones, 1),
                              ("v5", 25, phones, 1), ("v6", 25, phones, 1)]
    db = duckdb.connect(str(path), read_only=True)
    assert db.execute("SELECT count(*) FROM changes WHERE from_version = 'v3' AND to_version = 'v4'").fetchone() == (0,)
    assert db.execute("SELECT count(DISTINCT version) FROM metrics_history").fetchone() == (6,)
    assert db.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'retired'").fetchone() == (0,)
    db.close()


def test_unchanged_version_publishes_nothing(home: Path) -> None:
    con = new_working(home)
    path = publish.publish_version(con, home, "v1", publish.sql_gate).path
    assert path is not None
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    calls: list[str] = []

    def gate(c: duckdb.DuckDBPyConnection) -> list[str]:
        calls.append("gate")
        return []

    result = publish.publish_version(con, home, "v1", gate)
    assert result.status == "unchanged" and calls == []
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_blocked_gate_keeps_previous_file(home: Path) -> None:
    con = new_working(home)
    path = publish.publish_version(con, home, "v1", publish.sql_gate).path
    assert path is not None
    before = path.read_bytes()
    for table in ("norm_registry_household", "landed_row"):   # H02 registered twice (another row)
        con.execute(f"INSERT INTO {table} SELECT * REPLACE (row_uid || 'dup' AS row_uid, row + 100 AS row) "
                    f"FROM {table} WHERE row_uid = (SELECT row_uid FROM pub.household WHERE household_id = 'H02')")
    next_version(con, home, "v2")
    result = publish.publish_version(con, home, "v2", publish.sql_gate)
    assert (result.status, result.blocking_rules) == ("blocked", ("E1", "E3"))   # E3: people counted twice
    assert path.read_bytes() == before
    assert not (home / "warehouse" / "versions" / "v2").exists() and list((home / "warehouse").glob("*.tmp")) == []
    for table in ("norm_registry_household", "landed_row"):   # the fix: the second registration is gone
        con.execute(f"DELETE FROM {table} WHERE row_uid LIKE '%dup'")
    next_version(con, home, "v3")
    fixed = publish.publish_version(con, home, "v3", publish.sql_gate)
    assert (fixed.status, fixed.blocking_rules) == ("published", ())
    db = duckdb.connect(str(path), read_only=True)
    assert db.execute("SELECT list(version ORDER BY published_at) FROM versions").fetchall() == [(["v1", "v3"],)]
    db.close()


def test_gate_may_use_the_relational_api(home: Path) -> None:
    """DuckDB 2 refuses `con.sql` while an `execute` result is pending (the GX gate uses `con.sql`)."""
    con = new_working(home)

    def gate(c: duckdb.DuckDBPyConnection) -> list[str]:
        return [r.upper() for r in publish.BLOCKING if c.sql(publish.check_sql(r)).fetchall()]

    assert publish.publish_version(con, home, "v1", gate).status == "published"
    next_version(con, home, "v2")
    assert publish.publish_version(con, home, "v2", gate).status == "published"


def test_first_publication_blocked_publishes_nothing(home: Path) -> None:
    con = new_working(home)
    result = publish.publish_version(con, home, "v1", lambda c: ["E3"])
    assert result.status == "blocked" and not publish.published_path(home).exists()


def test_the_gate_decides_while_the_file_is_written_aside_and_a_blocked_file_is_discarded(home: Path) -> None:
    """publish_version writes the analysts' file and its Parquet files on a cursor of their own while
    the gate runs: the gate sees the file being written; a blocked or failed gate leaves the
    published file and the versions' folders as they were."""
    con = new_working(home)
    path = publish.publish_version(con, home, "v1", publish.sql_gate).path
    assert path is not None
    before, versions = path.read_bytes(), home / "warehouse" / "versions"
    next_version(con, home, "v2")
    tmp, seen = path.with_name("published.duckdb.v2.tmp"), []

    def blocking(c: duckdb.DuckDBPyConnection) -> list[str]:
        deadline = time.monotonic() + 20
        while not tmp.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(tmp.exists())
        return ["E3"]

    result = publish.publish_version(con, home, "v2", blocking)
    assert (seen, result.status, result.blocking_rules) == ([True], "blocked", ("E3",))
    assert not tmp.exists() and sorted(p.name for p in versions.iterdir()) == ["v1"] and path.read_bytes() == before

    def broken(c: duckdb.DuckDBPyConnection) -> list[str]:
        raise OnetableError("the gate broke")

    with pytest.raises(OnetableError, match="the gate broke"):
        publish.publish_version(con, home, "v2", broken)
    assert path.read_bytes() == before and (versions / "v2.tmp").exists()   # as a crash leaves them
    assert publish.publish_version(con, home, "v2", publish.sql_gate).status == "published"
    assert sorted(p.name for p in versions.iterdir()) == ["v1", "v2"] and list(path.parent.glob("*.tmp")) == []


def test_read_sql_through_sqlalchemy(home: Path) -> None:
    con = new_working(home)
    path = publish.publish_version(con, home, "v1", publish.sql_gate).path
    assert path is not None
    engine = publish.analyst_engine(path)
    with engine.connect() as conn:
        df = pd.read_sql(sa.text("SELECT household_id, exit_ready, exit_failed_tests FROM household "
                                 "ORDER BY household_id"), conn)
        with pytest.raises(sa.exc.DBAPIError):
            conn.exec_driver_sql("CREATE TABLE scratch (a INTEGER)")   # read-only
    engine.dispose()
    assert len(df) == 25 and list(df.loc[df.household_id == "H16", "exit_failed_tests"].iloc[0]) == ["new"]


# --- small pieces -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "masked"), [
    ("611025200501010011,61100219900315002X", "6110**********0011,6110**********002X"),
    ("旧号612526650101001；手机13812345678/13987654321", "旧号6125*******1001；手机138****5678/139****4321"),
    ("ID611025200501010011号", "ID6110**********0011号"),
    ("村代码611025100201，户编号1234567890123456789012", "村代码611025100201，户编号1234567890123456789012"),
    ("电话1381234567（十位）", "电话1381234567（十位）"),
    ("张三", "张三"),
    (None, None),
])
def test_mask_text(built: duckdb.DuckDBPyConnection, text: str | None, masked: str | None) -> None:
    assert built.execute("SELECT pub.mask_text(?)", [text]).fetchone() == (masked,)


def _candidates(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {name: con.execute(f"SELECT * FROM pub.{name} ORDER BY ALL").fetchall() for name in publish.OBJECTS}


@pytest.mark.parametrize(("change", "rebuilt", "narrowed"), [
    ("", set(), False),                                                     # a poll with nothing new
    ("UPDATE norm_relocation SET site_name = '新安置点'",                   # no person sender: person kept
     {"files_in_force", "household_relocation", "household", "village", "metrics", "issues"}, True),
    ("UPDATE norm_relocation SET site_name = '新安置点' WHERE row_uid = (SELECT min(row_uid) FROM norm_relocation)",
     {"files_in_force", "household_relocation", "household", "village", "metrics", "issues"}, True),
    ("UPDATE link SET household_id = 'H01' WHERE tbl = 'relocation'",        # another sender's link rows
     {"household_relocation", "household", "village", "metrics"}, True),
    ("UPDATE norm_health SET basic_medical_insurance = '未参保'",            # through the members' figures
     {"files_in_force", "person", "household_members", "household", "village", "metrics", "issues"}, True),
    ("UPDATE norm_registry_household SET head_name = '李四' WHERE household_id = 'H02'",   # the registry: in full
     {"files_in_force", "place_match", "person", "household_members", "household", "village", "metrics", "issues"},
     False),
    ("UPDATE run_context SET as_of = DATE '2019-08-31'", {"person", "household_members", "household", "village",
                                                           "metrics"}, False),
    ("UPDATE run_context SET run_id = 'run9', version_id = 'v9'", {"metrics", "issues"}, False),   # every run
    ("UPDATE place SET village_name = '西华' WHERE village_code = '611025100201'",
     {"place_match", "person", "household_members", "household", "village", "metrics"}, False),
    ("UPDATE ledger SET file_name = 'x.xlsx' WHERE office = 'relocation'", {"issues", "submissions"}, False),
    ("UPDATE finding SET message = 'm2' WHERE rule = 'C8'", {"issues", "submissions"}, False),
])
def test_a_candidate_is_built_again_only_when_what_it_reads_changed(
        fingerprinted: tuple[duckdb.DuckDBPyConnection, dict[str, Any]], change: str, rebuilt: set[str],
        narrowed: bool) -> None:
    """The candidates kept (their fingerprints unchanged), those updated by key and pub.household
    built for the households whose per-household inputs changed (pipelines.keyed) hold exactly what
    a full build makes."""
    con, before = fingerprinted
    con.execute("BEGIN")   # each case rolls its change and builds back
    try:
        if change:
            con.execute(change)
        kept = publish.build_candidate(con, load_pseudonym_key(con))
        assert set(publish.OBJECTS) - set(kept) == rebuilt
        assert all(_candidates(con)[name] == before[name] for name in kept)
        rows = {repr(r): r[0] for r in before["household"] + _candidates(con)["household"]}   # household_id first
        moved = {rows[r] for r in {repr(r) for r in before["household"]} ^ {repr(r) for r in _candidates(con)["household"]}}
        assert publish.narrowed_builds(con) == ({"household": len(moved)} if narrowed else {})
        incremental = _candidates(con)   # household and person, when built again, were updated by key
        assert publish.build_candidate(con, load_pseudonym_key(con), reuse=False) == []   # a full build
        assert publish.narrowed_builds(con) == {}
        assert _candidates(con) == incremental
    finally:
        con.execute("ROLLBACK")


@pytest.fixture(scope="module")
def fingerprinted(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, dict[str, Any]]:
    con = new_working(tmp_path_factory.mktemp("fingerprinted"))
    return con, _candidates(con)


def _differ(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    return con.execute(f"SELECT (SELECT count(*) FROM ({left} EXCEPT ALL {right})) + "
                       f"(SELECT count(*) FROM ({right} EXCEPT ALL {left}))").fetchone()[0]


def _membership_is_hashed_anew(con: duckdb.DuckDBPyConnection, path: Path, versions: list[str]) -> bool:
    """Each of `versions` lists in the history of the file at `path` exactly the households of its
    `household` table with their row hashes computed anew (those versions hold the same rows)."""
    con.execute("DETACH DATABASE IF EXISTS h")
    con.execute(f"ATTACH '{path}' AS h (READ_ONLY)")
    names = [r[0] for r in con.execute("DESCRIBE h.main.household").fetchall()]
    fresh = f"SELECT household_id, {household_history.row_hash_sql(names)} AS row_hash FROM h.main.household"
    same = all(_differ(con, fresh, f"SELECT household_id, row_hash FROM h.main.household_history_versions "
                                    f"WHERE version = '{v}'") == 0 for v in versions)
    con.execute("DETACH h")
    return same


def test_an_unchanged_table_is_kept_from_the_previous_file_and_a_changed_one_updated_by_key(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reused = []   # household_history._holds_previous's answers: the previous version's hashes reused
    holds = household_history._holds_previous
    monkeypatch.setattr(household_history, "_holds_previous", lambda *a: reused.append(holds(*a)) or reused[-1])
    con = new_working(home)
    results = [publish.publish_version(con, home, "v1", publish.sql_gate)]
    con.execute("UPDATE norm_relocation SET site_name = '新安置点'")   # a corrected relocation file
    next_version(con, home, "v2")
    results.append(publish.publish_version(con, home, "v2", publish.sql_gate))
    _assert_file_holds_candidates(con, home / "warehouse" / "published.duckdb", home / "warehouse" / "versions" / "v2", "v2")
    assert con.execute("SELECT count(*) FROM p.main.household WHERE site_name = '新安置点'").fetchone()[0] > 0
    con.execute("DETACH p")
    assert _membership_is_hashed_anew(con, home / "warehouse" / "published.duckdb", ["v2"])
    next_version(con, home, "v3")                                      # nothing changed but the run
    results.append(publish.publish_version(con, home, "v3", publish.sql_gate))
    path = results[-1].path
    assert path is not None
    assert _membership_is_hashed_anew(con, path, ["v2", "v3"]) and reused == [True, True]
    db = duckdb.connect(str(path))    # a household layout this code does not write: written anew, not updated
    db.execute("ALTER TABLE household ADD COLUMN retired INTEGER")
    db.close()
    con.execute("UPDATE norm_relocation SET site_name = '再更正安置点'")
    next_version(con, home, "v4")
    results.append(publish.publish_version(con, home, "v4", publish.sql_gate))
    assert [(r.carried_forward, r.kept, r.updated) for r in results] == [
        (False, (), ()), (True, ("person", "submissions"), ("household",)),
        (True, ("household", "person", "submissions", "village"), ()), (True, ("person", "submissions"), ())]
    versions = home / "warehouse" / "versions"
    assert (versions / "v3" / "person.parquet").read_bytes() == (versions / "v1" / "person.parquet").read_bytes()
    _assert_file_holds_candidates(con, path, versions / "v4", "v4")
    assert con.execute("SELECT count(*) FROM p.main.household WHERE site_name = '再更正安置点'").fetchone()[0] > 0
    # each household content of any version is stored once; every version lists all its households
    stored, distinct, per_version = con.execute(
        "SELECT (SELECT count(*) FROM p.main.household_history_rows), "
        "(SELECT count(*) FROM (SELECT DISTINCT * EXCLUDE (version) FROM p.main.household_history)), "
        "(SELECT list(n ORDER BY version) FROM (SELECT version, count(*) AS n FROM p.main.household_history GROUP BY 1))"
    ).fetchone()
    relocated = con.execute("SELECT count(*) FROM p.main.household WHERE site_name IS NOT NULL").fetchone()[0]
    assert stored == distinct == 25 + 2 * relocated and per_version == [25, 25, 25, 25]


def _assert_file_holds_candidates(con: duckdb.DuckDBPyConnection, path: Path, parquet: Path, version: str) -> None:
    """The published file at `path` and the Parquet folder hold exactly the candidates (attached as p)."""
    con.execute("DETACH DATABASE IF EXISTS p")
    con.execute(f"ATTACH '{path}' AS p (READ_ONLY)")
    for table in publish.TABLES:
        stamp = f" REPLACE ('{version}' AS version)" if table == "metrics" else ""
        assert _differ(con, f"SELECT *{stamp} FROM pub.{table}", f"FROM p.main.{table}") == 0, table
        assert _differ(con, f"FROM p.main.{table}", f"FROM '{parquet / table}.parquet'") == 0, table


def test_a_candidate_depends_only_on_the_link_rows_of_the_tables_it_reads(home: Path) -> None:
    """pipelines.fingerprints hashes only the link rows of the tables a candidate reads (itself or
    through the candidates it reads): changing any other link row leaves its full build the same."""
    con = new_working(home)
    before = _candidates(con)
    reads = {name: relations_read(con, read_sql(publish.SQL_DIR / f"{name}.sql")).tables for name in publish.OBJECTS}
    linked = {t for (t,) in con.execute("SELECT DISTINCT tbl FROM link").fetchall()}
    tested = []
    for name in publish.OBJECTS:
        closure, todo = set(), [name]
        while todo:
            tables = reads[todo.pop()]
            closure |= {t.removeprefix("cur_") for t in tables if t.startswith("cur_")}
            todo += [t.removeprefix("pub.") for t in tables if t.removeprefix("pub.") in reads]
        others = sorted(linked - closure)
        if "link" not in reads[name] or not others:
            continue
        con.execute("BEGIN")
        con.execute("UPDATE link SET household_id = 'H01', person_id = NULL WHERE list_contains(?, tbl)", [others])
        con.execute("DELETE FROM pub.built")
        publish.build_candidate(con, load_pseudonym_key(con))
        assert _candidates(con)[name] == before[name], (name, others)
        con.execute("ROLLBACK")
        tested.append((name, others))
    own = {"household_housing": "housing", "household_relocation": "relocation",
           "household_infrastructure": "infra_household", "household_industry": "industry"}
    assert tested == [("person", ["housing", "industry", "infra_household", "relocation"])] + [
        (name, sorted(linked - {table})) for name, table in own.items()]


def test_without_reuse_every_candidate_and_table_is_written_anew(home: Path) -> None:
    """The nightly rebuild (`recompute`): nothing kept, whatever the fingerprints say; the same result."""
    con = new_working(home)
    publish.publish_version(con, home, "v1", publish.sql_gate)
    before = _candidates(con)
    con.execute("UPDATE run_context SET version_id = 'v2', run_id = 'run-v2'")
    assert publish.build_candidate(con, load_pseudonym_key(con), reuse=False) == []
    result = publish.publish_version(con, home, "v2", publish.sql_gate, reuse=False)
    assert (result.carried_forward, result.kept, result.updated) == (True, (), ())
    again = publish.publish_version(con, home, "v2", publish.sql_gate, reuse=False)   # the same version, written again
    assert (again.status, again.kept) == ("published", ())
    assert publish.publish_version(con, home, "v2", publish.sql_gate).status == "unchanged"
    assert _history(home / "warehouse" / "published.duckdb")[-1][:2] == ("v2", 25)
    assert {k: v for k, v in _candidates(con).items() if k not in ("metrics", "issues")} == \
        {k: v for k, v in before.items() if k not in ("metrics", "issues")}


def test_the_snapshots_beside_the_last_checkpoint_read_the_file_and_their_error_is_raised(tmp_path: Path) -> None:
    """write_database's last checkpoint has write_snapshots beside it (snapshot._checkpoint_beside):
    the reader sees every table of the new file while it is checkpointed; its error is raised once
    the checkpoint has ended (the log is empty either way)."""
    from pipelines.snapshot import NEW, _checkpoint_beside

    con, path = duckdb.connect(), tmp_path / "new.duckdb"
    con.execute(f"ATTACH '{path}' AS {NEW}")
    con.execute(f"CREATE TABLE {NEW}.main.t AS SELECT range AS i FROM range(50000)")
    con.execute(f"UPDATE {NEW}.main.t SET i = i + 1")   # into the log
    wal = path.with_name(path.name + ".wal")
    assert wal.stat().st_size > 100_000
    seen: list[int] = []
    _checkpoint_beside(con, lambda cur: seen.append(cur.execute(f"SELECT sum(i) FROM {NEW}.main.t").fetchall()[0][0]))
    assert seen == [sum(range(1, 50001))] and not (wal.exists() and wal.stat().st_size > 1000)

    def fail(cur: duckdb.DuckDBPyConnection) -> None:
        raise OSError("disk full while writing household.parquet")

    con.execute(f"UPDATE {NEW}.main.t SET i = i + 1")
    with pytest.raises(OSError, match="disk full"):
        _checkpoint_beside(con, fail)
    assert not (wal.exists() and wal.stat().st_size > 1000)
