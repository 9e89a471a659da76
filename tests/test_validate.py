"""Cross-checks B-D (and the E gate): real DuckDB, real Great Expectations 1.24.1.

One tiny working database holds every case (each case its own households, ids prefixed with the
case id); the checks run once. Every rule has a case that trips it (`<rule>T`) and one that does
not (`<rule>P`); `EXPECTED` lists every finding the world must produce, so a check that fires
where it should not fails `test_no_unexpected_findings`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines import validate
from pipelines.errors import ConfigError
from pipelines.expect import GENERATED_DIR, render_expectations, run_contract_checks
from pipelines.fingerprints import relations_read
from pipelines.idnumbers import id_check_char
from pipelines.kept import split_parts
from pipelines.rules import TABLE_LAYERS
from pipelines.schema import ROOT, load_schema
from pipelines.specs import load_specs
from pipelines.store import create_working_tables
from pipelines.validate import (
    CHECKS_DIR,
    RULES_PATH,
    CheckSummary,
    load_catalogue,
    load_rules,
    run_checks,
    run_gate,
)

RULES_MD = Path("/work/shared/world/rules.md")
OFFICE = {"registry_household": "registry", "registry_person": "registry", "infra_household": "infrastructure",
          "infra_village": "infrastructure"}
SHEET = {"registry_household": "户信息", "registry_person": "人员信息"}
PLACES = [("611025", "镇安县", "611025100", "永乐街道", "611025100201", "城关村"),
          ("611025", "镇安县", "611025100", "永乐街道", "611025100202", "东坡村"),
          ("611026", "柞水县", "611026100", "乾佑街道", "611026100201", "马房子村")]
PERSON_TABLES = {"employment", "ecology", "education", "health", "social_security", "screening"}
HOUSEHOLD_TABLES = {"industry", "relocation", "housing", "infra_household"}


# --------------------------------------------------------------------------- the world builder

class World:
    """Registry households with members, sector rows, and the link rows the link stage would make."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.labels: dict[tuple[str, int], str] = {}       # (table, index) -> label
        self.seq = itertools.count(100)

    def id_number(self, birth: str = "19700101", male: bool = True, county: str = "611025") -> str:
        n = next(self.seq)
        body = f"{county}{birth}{n % 100:02d}{(n // 100 % 5) * 2 + (1 if male else 0)}"
        return body + id_check_char(body)

    def add(self, table: str, label: str, **fields: Any) -> dict[str, Any]:
        self.labels[(table, len(self.rows[table]))] = label
        self.rows[table].append(fields)
        return fields

    def household(self, hid: str, members: list[dict[str, Any]], *, health: dict[int, dict[str, Any] | None] | None = None,
                  infra: dict[str, Any] | None = None, **fields: Any) -> list[dict[str, Any]]:
        """Members: person(...) dicts (first is the head unless relations say otherwise). Every member
        gets a clean health row and the household a clean infrastructure row (exhaustive senders),
        unless `health` overrides a member's row (None = no row) or `infra` the household's."""
        people = []
        for k, m in enumerate(members, start=1):
            m = {"household_id": hid, "person_id": f"{hid}.{k}", **m}
            people.append(self.add("registry_person", m["person_id"], **m))
        head = next((p for p in people if p["relation_to_head"] == "户主"), people[0])
        self.add("registry_household", hid, **{
            "county_name": "镇安县", "township_name": "永乐街道", "village_name": "城关村", "household_id": hid,
            "head_name": head["name"], "head_id_number": head["id_number"], "household_size": len(people),
            "poverty_status": "未脱贫", "main_poverty_cause": "缺技术", "is_relocation_household": False,
            "poverty_attribute": "一般贫困户", **fields})
        for k, p in enumerate(people, start=1):
            override = (health or {}).get(k, {})
            if override is not None:
                self.add("health", f"{hid}.{k}:health", **{
                    "name": p["name"], "id_number": p["id_number"], "basic_medical_insurance": "已参保",
                    "serious_illness_insurance": "已参保", "disease_category": "无", **override})
        if infra != {"omit": True}:
            self.add("infra_household", f"{hid}:infra", **{
                "head_name": head["name"], "head_id_number": head["id_number"], "village_name": "城关村",
                "drinking_water_safety": "达标", **(infra or {})})
        return people

    def person(self, name: str, relation: str = "户主", birth: str = "19700101", male: bool = True,
               **fields: Any) -> dict[str, Any]:
        sex = fields.pop("sex", "男" if male else "女")
        return {"name": name, "id_number": fields.pop("id_number", None) or self.id_number(birth, male),
                "relation_to_head": relation, "sex": sex, "school_status": "非在校生", "health_status": ["健康"],
                "labour_skill": "普通劳动力", **fields}


def person_by(world: World, person_id: str) -> dict[str, Any]:
    return next(p for p in world.rows["registry_person"] if p["person_id"] == person_id)


# --------------------------------------------------------------------------- the cases

CaseFn = Callable[[World], None]
CASES: dict[str, CaseFn] = {}
EXPECTED: dict[str, set[tuple[str, str]]] = {}


def case(name: str, *expected: tuple[str, str]) -> Callable[[CaseFn], CaseFn]:
    def register(fn: CaseFn) -> CaseFn:
        CASES[name], EXPECTED[name] = fn, set(expected)
        return fn
    return register


def family(w: World, hid: str, n: int = 2, **fields: Any) -> list[dict[str, Any]]:
    members = [w.person("张大山"), w.person("李秀兰", "配偶", male=False)][:n]
    return w.household(hid, members, **fields)


@case("B1T", ("B1", "B1T:stranger"), ("B1", "B1T:house"))
def _b1t(w: World) -> None:
    w.add("health", "B1T:stranger", name="外来人", id_number=w.id_number(), basic_medical_insurance="已参保")
    w.add("industry", "B1T:house", head_name="外来户", head_id_number=w.id_number(), county_name="镇安县")


@case("B1P")
def _b1p(w: World) -> None:
    head, _ = family(w, "B1P-1")
    w.add("employment", "B1P:job", name=head["name"], id_number=head["id_number"], county_name="镇安县")


@case("B2T", ("B2", "B2T-1.2:health"))
def _b2t(w: World) -> None:
    family(w, "B2T-1", health={2: {"name": "李秀然"}})


@case("B2P")
def _b2p(w: World) -> None:
    family(w, "B2P-1", health={2: {"name": "李 秀兰"}})


@case("B3T", ("B3", "B3T:industry"))
def _b3t(w: World) -> None:
    _, spouse = family(w, "B3T-1")
    w.add("industry", "B3T:industry", head_name=spouse["name"], head_id_number=spouse["id_number"], county_name="镇安县")


@case("B3P")
def _b3p(w: World) -> None:
    head, _ = family(w, "B3P-1")
    w.add("industry", "B3P:industry", head_name=head["name"], head_id_number=head["id_number"], county_name="镇安县")


@case("B4T", ("B4", "B4T:housing"))
def _b4t(w: World) -> None:
    head, _ = family(w, "B4T-1")
    w.add("housing", "B4T:housing", head_name=head["name"], head_id_number=head["id_number"], county_name="商南县",
          house_grade="A级")


@case("B4P")
def _b4p(w: World) -> None:
    head, _ = family(w, "B4P-1")
    w.add("housing", "B4P:housing", head_name=head["name"], head_id_number=head["id_number"], county_name="镇安",
          house_grade="A级")


@case("B5T", ("B5", "B5T-1.2"), ("B5", "B5T-1"))
def _b5t(w: World) -> None:
    family(w, "B5T-1", health={2: None}, infra={"omit": True})


@case("B5P")
def _b5p(w: World) -> None:
    family(w, "B5P-1")


@case("C1T", ("C1", "C1T-1.2"), ("C1", "C1T-2.2"))
def _c1t(w: World) -> None:
    twice = w.id_number("19900101", male=False)
    w.household("C1T-1", [w.person("赵一"), w.person("钱二", "之女", "19900101", male=False, id_number=twice)])
    w.household("C1T-2", [w.person("孙三"), w.person("钱二", "配偶", "19900101", male=False, id_number=twice)])


@case("C1P")
def _c1p(w: World) -> None:
    family(w, "C1P-1")
    family(w, "C1P-2")


@case("C2T", ("C2", "C2T-1"))
def _c2t(w: World) -> None:
    family(w, "C2T-1", household_size=3)


@case("C2P")
def _c2p(w: World) -> None:
    family(w, "C2P-1", household_size=2)


@case("C3T", ("C3", "C3T-1"), ("C3", "C3T-2"))
def _c3t(w: World) -> None:
    w.household("C3T-1", [w.person("周甲"), w.person("周乙")])
    w.household("C3T-2", [w.person("吴丙", "配偶", male=False), w.person("吴丁", "之子")])


@case("C3P")
def _c3p(w: World) -> None:
    family(w, "C3P-1")


@case("C4T", ("C4", "C4T-1.2"), ("C4", "C4T-2.2"), ("C4", "C4T-3.1"), ("C4", "C4T-4.2"))
def _c4t(w: World) -> None:
    w.household("C4T-1", [w.person("郑一"), w.person("郑二", "配偶")])
    w.household("C4T-2", [w.person("王一"), w.person("王二", "之子", "19950101", male=False)])
    w.household("C4T-3", [w.person("冯一", sex="女")])
    w.household("C4T-4", [w.person("冯二"), w.person("冯三", "之子", "19950101", sex="女")])


@case("C4P")
def _c4p(w: World) -> None:
    w.household("C4P-1", [w.person("陈一"), w.person("陈二", "配偶", male=False),
                          w.person("陈三", "之子", "19950101"), w.person("陈四", "之女", "19960101", male=False)])


@case("C5T", ("C5", "C5T-1.2"), ("C5", "C5T-1.3"))
def _c5t(w: World) -> None:
    w.household("C5T-1", [w.person("褚一"),
                          w.person("褚二", "之子", "20000101", school_status="小学", labour_skill="无劳动力"),
                          w.person("褚三", "之子", "20120901", school_status="小学", labour_skill="无劳动力")])


@case("C5P")
def _c5p(w: World) -> None:
    w.household("C5P-1", [w.person("卫一"),
                          w.person("卫二", "之子", "20100301", school_status="小学", labour_skill="无劳动力"),
                          w.person("卫三", "之女", "20030101", False, school_status="高中一年级", labour_skill="无劳动力"),
                          w.person("卫四", "之子", "20040831", school_status="九年级", labour_skill="无劳动力"),
                          w.person("卫五", "之女", "20120831", False, school_status="小学", labour_skill="无劳动力")])


@case("C6T", ("C6", "C6T-1.2"), ("C6", "C6T-1.3"))
def _c6t(w: World) -> None:
    w.household("C6T-1", [w.person("蒋一"),
                          w.person("蒋二", "之子", "20100301", school_status="小学", labour_skill="普通劳动力"),
                          w.person("蒋三", "之女", "19880101", False, labour_skill="无劳动力")])


@case("C6P")
def _c6p(w: World) -> None:
    w.household("C6P-1", [w.person("沈一", "户主", "19500101", labour_skill="无劳动力"),
                          w.person("沈二", "配偶", "19880101", False, health_status=["残疾"], labour_skill="无劳动力"),
                          w.person("沈三", "之子", "20100301", school_status="小学", labour_skill="无劳动力")])


@case("C7T", ("C7", "C7T-1"), ("C7", "C7T-2"))
def _c7t(w: World) -> None:
    family(w, "C7T-1", main_poverty_cause="因病")
    family(w, "C7T-2", main_poverty_cause="因残")


@case("C7P")
def _c7p(w: World) -> None:
    w.household("C7P-1", [w.person("韩一", health_status=["长期慢性病"])], main_poverty_cause="因病")
    w.household("C7P-2", [w.person("韩二", health_status=["残疾", "长期慢性病"])], main_poverty_cause="因残")


@case("C8T", ("C8", "C8T-1"), ("C8", "C8T-2"))
def _c8t(w: World) -> None:
    family(w, "C8T-1", village_name="不存在村")
    family(w, "C8T-2", township_name="不存在镇", village_name="城关村")


@case("C8P")
def _c8p(w: World) -> None:
    family(w, "C8P-1", county_name="镇安", village_name="东坡村")


@case("D1T", ("D1", "D1T:ss"), ("D1", "D1T-1"), ("D1", "D1T:screening"), ("D1", "D1T-2"))
def _d1t(w: World) -> None:
    _, dead = family(w, "D1T-1")
    w.add("social_security", "D1T:ss", name=dead["name"], id_number=dead["id_number"], assistance_type="农村低保",
          is_deceased=True, death_date="2018-05-02")
    _, dead = family(w, "D1T-2")
    w.add("screening", "D1T:screening", name=dead["name"], id_number=dead["id_number"], finding_category="死亡",
          finding_source="公安局")


@case("D1P", ("B1", "D1P:stranger"))
def _d1p(w: World) -> None:
    _, alive = family(w, "D1P-1")
    w.add("social_security", "D1P:ss", name=alive["name"], id_number=alive["id_number"], assistance_type="农村低保",
          is_deceased=False)
    w.add("screening", "D1P:stranger", name="外人", id_number=w.id_number(), finding_category="死亡")


@case("D2T", ("D2", "D2T:payroll"), ("D2", "D2T-1"), ("D2", "D2T:car"), ("D2", "D2T-2"),
      ("D2", "D2T:noprice"), ("D2", "D2T-3"))
def _d2t(w: World) -> None:
    for hid, label, category, detail in [("D2T-1", "D2T:payroll", "财政供养人员", "县教育局"),
                                         ("D2T-2", "D2T:car", "车辆", "比亚迪F3 价格5.8万元"),
                                         ("D2T-3", "D2T:noprice", "车辆", "大众轿车")]:
        head, _ = family(w, hid)
        w.add("screening", label, name=head["name"], id_number=head["id_number"], finding_category=category,
              finding_detail=detail)


@case("D2P")
def _d2p(w: World) -> None:
    for hid, detail in [("D2P-1", "五菱 价格：2.5万元"), ("D2P-2", "农用三轮车 18,000元")]:
        head, _ = family(w, hid)
        w.add("screening", f"D2P:{hid}", name=head["name"], id_number=head["id_number"], finding_category="车辆",
              finding_detail=detail)


def housing(w: World, hid: str, label: str, **fields: Any) -> None:
    head = person_by(w, f"{hid}.1")
    w.add("housing", label, head_name=head["name"], head_id_number=head["id_number"], county_name="镇安县", **fields)


def relocation(w: World, hid: str, label: str, **fields: Any) -> None:
    head = person_by(w, f"{hid}.1")
    w.add("relocation", label, **{"county_name": "镇安县", "household_id": hid, "head_name": head["name"],
                                  "head_id_number": head["id_number"], "site_name": "城关安置点", **fields})


@case("D3T", ("D3", "D3T:housing"))
def _d3t(w: World) -> None:
    family(w, "D3T-1", poverty_status="已脱贫")
    housing(w, "D3T-1", "D3T:housing", house_grade="C级")


@case("D3P")
def _d3p(w: World) -> None:
    family(w, "D3P-1", poverty_status="已脱贫", is_relocation_household=True)
    housing(w, "D3P-1", "D3P:moved", house_grade="D级")
    relocation(w, "D3P-1", "D3P:relocation", house_completed_date="2018-01-01", keys_handed_date="2018-03-01",
               moved_in_date="2018-05-01")
    family(w, "D3P-2", poverty_status="已脱贫")
    housing(w, "D3P-2", "D3P:renovated", house_grade="C级", acceptance_date="2018-07-01", subsidy_paid_date="2018-07-15")
    family(w, "D3P-3")
    housing(w, "D3P-3", "D3P:poor", house_grade="D级")


@case("D4T", ("D4", "D4T:late"), ("D4", "D4T:unpaid"))
def _d4t(w: World) -> None:
    family(w, "D4T-1")
    housing(w, "D4T-1", "D4T:late", house_grade="C级", acceptance_date="2018-06-01", subsidy_paid_date="2018-07-15")
    family(w, "D4T-2")
    housing(w, "D4T-2", "D4T:unpaid", house_grade="C级", acceptance_date="2018-07-01")


@case("D4P")
def _d4p(w: World) -> None:
    family(w, "D4P-1")
    housing(w, "D4P-1", "D4P:recent", house_grade="C级", acceptance_date="2018-08-10")
    family(w, "D4P-2")
    housing(w, "D4P-2", "D4P:30days", house_grade="C级", acceptance_date="2018-06-01", subsidy_paid_date="2018-07-01")


@case("D5T", ("D5", "D5T:keys"), ("D5", "D5T:moved"), ("D5", "D5T:nodate"))
def _d5t(w: World) -> None:
    for hid, label, dates in [("D5T-1", "D5T:keys", ("2018-03-01", "2018-02-01", None)),
                              ("D5T-2", "D5T:moved", ("2018-01-01", "2018-03-01", "2018-02-01")),
                              ("D5T-3", "D5T:nodate", (None, None, "2018-02-01"))]:
        family(w, hid, is_relocation_household=True)
        relocation(w, hid, label, house_completed_date=dates[0], keys_handed_date=dates[1], moved_in_date=dates[2])


@case("D5P")
def _d5p(w: World) -> None:
    family(w, "D5P-1", is_relocation_household=True)
    relocation(w, "D5P-1", "D5P:ordered", house_completed_date="2018-01-01", keys_handed_date="2018-01-01",
               moved_in_date="2018-02-01")
    family(w, "D5P-2", is_relocation_household=True)
    relocation(w, "D5P-2", "D5P:planned")


def student(w: World, hid: str, birth: str, status: str, labour: str = "无劳动力", **fields: Any) -> None:
    kid = w.person("学生", "之子", birth, labour_skill=labour)
    w.household(hid, [w.person("家长"), kid], **fields)
    w.add("education", f"{hid}:school", name=kid["name"], id_number=kid["id_number"], school_name="城关中学",
          enrolment_status=status)


@case("D6T", ("D6", "D6T-1:school"), ("D6", "D6T-1"))
def _d6t(w: World) -> None:
    student(w, "D6T-1", "20060501", "辍学", poverty_status="已脱贫")


@case("D6P")
def _d6p(w: World) -> None:
    student(w, "D6P-1", "20060501", "辍学")
    student(w, "D6P-2", "20010101", "辍学", "弱劳动力或半劳动力", poverty_status="已脱贫")
    student(w, "D6P-3", "20060501", "在读", poverty_status="已脱贫")


@case("D7T", ("D7", "D7T-1.2:health"), ("D7", "D7T-1"))
def _d7t(w: World) -> None:
    family(w, "D7T-1", poverty_status="已脱贫", health={2: {"serious_illness_insurance": "未参保"}})


@case("D7P")
def _d7p(w: World) -> None:
    family(w, "D7P-1", health={2: {"basic_medical_insurance": "未参保"}})


@case("D8T", ("D8", "D8T-1:infra"), ("D8", "D8T-1"))
def _d8t(w: World) -> None:
    family(w, "D8T-1", poverty_status="已脱贫", infra={"drinking_water_safety": "不达标"})


@case("D8P")
def _d8p(w: World) -> None:
    family(w, "D8P-1", poverty_status="已脱贫", infra={"drinking_water_safety": "基本达标"})
    family(w, "D8P-2", infra={"drinking_water_safety": "不达标"})


@case("D9T", ("D9", "D9T:job"), ("D9", "D9T:ss"), ("D9", "D9T-2"))
def _d9t(w: World) -> None:
    head, spouse = family(w, "D9T-1", income_per_capita=5000.0)
    w.add("employment", "D9T:job", name=head["name"], id_number=head["id_number"], county_name="镇安县",
          monthly_wage=1000.0, work_months=3)
    w.add("social_security", "D9T:ss", name=spouse["name"], id_number=spouse["id_number"], assistance_type="农村低保",
          monthly_amount=300.0, is_deceased=False)
    family(w, "D9T-2", income_per_capita=4000.0)


@case("D9P")
def _d9p(w: World) -> None:
    ranger, = w.household("D9P-1", [w.person("护林员甲")], income_per_capita=3000.0)
    w.add("employment", "D9P:post", name=ranger["name"], id_number=ranger["id_number"], county_name="镇安县",
          monthly_wage=800.0, work_months=12, is_welfare_post=True, welfare_post_type="护林员")
    w.add("ecology", "D9P:eco", name=ranger["name"], id_number=ranger["id_number"], is_forest_ranger=True,
          ranger_annual_pay=3000.0)
    head, _ = family(w, "D9P-2", income_per_capita=3000.0)
    w.add("industry", "D9P:industry", head_name=head["name"], head_id_number=head["id_number"], county_name="镇安县",
          operating_income=4000.0, dividend_income=1000.0)
    w.add("social_security", "D9P:once", name=head["name"], id_number=head["id_number"], assistance_type="临时救助",
          monthly_amount=1000.0, is_deceased=False)


@case("D10T", ("D10", "D10T-1.1:health"))
def _d10t(w: World) -> None:
    w.household("D10T-1", [w.person("杨一")], health={1: {"disease_category": "大病"}})


@case("D10P")
def _d10p(w: World) -> None:
    w.household("D10P-1", [w.person("杨二", health_status=["患有大病"], labour_skill="无劳动力")],
                health={1: {"disease_category": "大病"}})


@case("D11T", ("D11", "D11T:listed"), ("D11", "D11T-1"), ("D11", "D11T-2"))
def _d11t(w: World) -> None:
    family(w, "D11T-1")
    relocation(w, "D11T-1", "D11T:listed", house_completed_date="2018-01-01")
    family(w, "D11T-2", is_relocation_household=True)


@case("D11P")
def _d11p(w: World) -> None:
    family(w, "D11P-1", is_relocation_household=True)
    relocation(w, "D11P-1", "D11P:listed", house_completed_date="2018-01-01")
    family(w, "D11P-2", is_relocation_household=True, county_name="柞水县", township_name="乾佑街道",
           village_name="马房子村")


@case("D12T", ("D12", "D12T:prison"), ("D12", "D12T-1"))
def _d12t(w: World) -> None:
    _, spouse = family(w, "D12T-1")
    w.add("screening", "D12T:prison", name=spouse["name"], id_number=spouse["id_number"], finding_category="服刑人员",
          finding_source="公安局")


@case("D12P", ("B1", "D12P:stranger"))
def _d12p(w: World) -> None:
    family(w, "D12P-1")
    w.add("screening", "D12P:stranger", name="外人", id_number=w.id_number(), finding_category="服刑人员")


# --------------------------------------------------------------------------- the database

def _link(world: World, table: str, row: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(household_id, person_id, matched_by) as the link stage ties a sector row."""
    people = sorted(world.rows["registry_person"], key=lambda p: p["person_id"])
    by_id = {}
    for p in reversed(people):
        by_id[p["id_number"]] = p
    if table in PERSON_TABLES:
        p = by_id.get(row.get("id_number"))
        return (p["household_id"], p["person_id"], "id_number") if p else (None, None, None)
    if row.get("household_id") in {h["household_id"] for h in world.rows["registry_household"]}:
        return row["household_id"], None, "household_id"
    heads = {h["head_id_number"]: h["household_id"] for h in world.rows["registry_household"]}
    if row.get("head_id_number") in heads:
        return heads[row["head_id_number"]], None, "head_id_number"
    p = by_id.get(row.get("head_id_number"))
    return (p["household_id"], p["person_id"], "member_id_number") if p else (None, None, None)


def build(con: duckdb.DuckDBPyConnection, world: World, relocation_scope: str = "611025") -> dict[str, str]:
    """Insert the world; returns row_uid -> label."""
    schema = load_schema()
    create_working_tables(con)
    con.execute("INSERT INTO run_context VALUES ('test-run', '2018-08', DATE '2018-08-31', NULL, 2995)")
    con.execute("CREATE TABLE place (county_code VARCHAR, county_name VARCHAR, township_code VARCHAR, "
                "township_name VARCHAR, village_code VARCHAR, village_name VARCHAR)")
    con.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?)", PLACES)
    uids: dict[str, str] = {}
    for table, rows in world.rows.items():
        office, sheet = OFFICE.get(table, table), SHEET.get(table, table)
        file_hash = hashlib.sha256(table.encode()).hexdigest()
        scope = relocation_scope if table == "relocation" else "*"
        con.execute("INSERT INTO ledger (file_hash, office, path, file_name, status, month, scope, load_id) "
                    "VALUES (?, ?, ?, ?, 'accepted', '2018-08', ?, ?)",
                    [file_hash, office, f"{office}/{table}.xlsx", f"{table}.xlsx", scope, f"load-{table}"])
        spec = load_specs().get(office)
        headers = [c.header for c in spec.sheet_for_table(table).columns] if spec else []
        con.execute("INSERT INTO landed_sheet VALUES (?, ?, ?, ?, ?, ?, 3, ?)",
                    [f"load-{table}", office, file_hash, f"{table}.xlsx", sheet, table, headers])
        columns = schema.table_columns(table)
        for i, row in enumerate(rows):
            uid = f"{file_hash[:12]}:{sheet}:{i + 4}"
            uids[uid] = world.labels[(table, i)]
            values = {"load_id": f"load-{table}", "office": office, "file_hash": file_hash,
                      "file_name": f"{table}.xlsx", "sheet": sheet, "row": i + 4, "row_uid": uid,
                      "outcome": "accepted", "month": "2018-08", "scope": scope, **row}
            con.execute(f"INSERT INTO norm_{table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                        [values.get(c) for c in columns])
            if table not in ("registry_household", "registry_person"):
                con.execute("INSERT INTO link VALUES (?, ?, ?, ?, ?, ?)", [uid, office, table, *_link(world, table, row)])
    return uids


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, CheckSummary, Path, dict[str, str]]]:
    world = World()
    for fn in CASES.values():
        fn(world)
    con = duckdb.connect()
    uids = build(con, world)
    gx_dir = tmp_path_factory.mktemp("gx")
    summary = run_checks(con, "test-run", gx_dir)
    yield con, summary, gx_dir, uids
    con.close()


def labelled(con: duckdb.DuckDBPyConnection, uids: dict[str, str]) -> set[tuple[str, str]]:
    """Every finding as (rule, label of the row it is on; B5: of the registry row it concerns)."""
    out = set()
    for rule, file_hash, sheet, row, household_id, person_id in con.execute(
            "SELECT rule, file_hash, sheet, row, household_id, person_id FROM finding").fetchall():
        out.add((rule, uids[f"{file_hash[:12]}:{sheet}:{row}"] if file_hash else (person_id or household_id)))
    return out


# --------------------------------------------------------------------------- the tests

@pytest.mark.parametrize("name", sorted(CASES))
def test_case(checked: Any, name: str) -> None:
    con, _, _, uids = checked
    rule = name[:-1]
    found = {(r, label) for r, label in labelled(con, uids) if label.startswith(name) and r == rule}
    wanted = {(r, label) for r, label in EXPECTED[name] if r == rule}
    assert found == wanted
    assert bool(found) == name.endswith("T")


def _findings(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[Any, ...]]:
    return con.execute("SELECT rule, file_hash, sheet, row, column_name, value, household_id, person_id, message "
                       "FROM finding WHERE run_id = ? ORDER BY ALL", [run_id]).fetchall()


@pytest.mark.parametrize("rule", ["B1", "B2", "B3", "B4"])
def test_a_split_check_selects_in_its_parts_what_it_selects_whole(checked: Any, rule: str) -> None:
    con = checked[0]
    declared = load_rules()[rule]
    assert declared.split_by == "sector"
    whole = (CHECKS_DIR / declared.check).read_text(encoding="utf-8").strip().rstrip(";")
    parts = split_parts(con, whole, declared.split_by)
    assert len(parts) >= 4 and all(t.startswith("cur_") for t, _ in parts)
    con.execute("CREATE OR REPLACE TEMP TABLE parts_rows AS " + " UNION ALL ".join(f"({sql})" for _, sql in parts))
    count = con.execute("SELECT count(*) FROM parts_rows").fetchone()[0]
    assert count > 0 and con.execute(f"SELECT count(*) FROM ({whole})").fetchone() == (count,)
    assert con.execute(f"SELECT count(*) FROM (FROM parts_rows EXCEPT ALL ({whole}))").fetchone() == (0,)


def test_a_split_by_that_does_not_fit_its_sql_is_a_config_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES_PATH.read_text(encoding="utf-8").replace("check: b5.sql\n", "check: b5.sql\n    split_by: sector\n"),
                     encoding="utf-8")
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS_DIR, checks)
    world = World()
    con = duckdb.connect()
    build(con, world)
    with pytest.raises(ConfigError, match=r"b5\.sql: `split_by`: .*\(rule B5 has split_by `sector`\)"):
        run_checks(con, "run-1", tmp_path / "gx", checks_dir=checks, rules_path=rules)


def test_check_rows_are_kept_while_what_their_sql_reads_is_unchanged(tmp_path: Path) -> None:
    """pipelines.kept: a rule's SQL runs again only when its fingerprint changed; the findings are
    those of running every SQL."""
    world = World()
    for fn in CASES.values():
        fn(world)
    con = duckdb.connect()
    build(con, world)
    checked = {r.id: relations_read(con, (CHECKS_DIR / r.check).read_text(encoding="utf-8")).tables
               for r in load_rules().values() if r.section in "BCD"}
    reads_relocation = {rule for rule, tables in checked.items() if "cur_relocation" in tables}
    assert reads_relocation == {"B1", "B2", "B3", "B4", "D3", "D5", "D11"}
    split = {r.id: [t for t, _ in split_parts(con, (CHECKS_DIR / r.check).read_text(encoding="utf-8"), r.split_by)]
             for r in load_rules().values() if r.split_by}
    assert set(split) == {"B1", "B2", "B3", "B4"}
    checked = {**{f"{rule}@{t}": [t] for rule, tables in split.items() for t in tables},
               **{rule: tables for rule, tables in checked.items() if rule not in split}}
    reads_relocation = {"B1@cur_relocation", "B2@cur_relocation", "B3@cur_relocation", "B4@cur_relocation",
                        "D3", "D5", "D11"}
    summaries = [run_checks(con, "run-1", tmp_path / "1"), run_checks(con, "run-2", tmp_path / "2")]
    con.execute("UPDATE norm_relocation SET site_name = coalesce(site_name, '') || '（更正）'")
    summaries.append(run_checks(con, "run-3", tmp_path / "3"))
    summaries.append(run_checks(con, "run-4", tmp_path / "4", reuse=False))   # the nightly rebuild: every SQL runs
    summaries.append(run_checks(con, "run-5", tmp_path / "5"))                # ... and keeps its rows
    con.execute("DELETE FROM kept.check_fingerprint")                         # forgotten: every SQL runs
    summaries.append(run_checks(con, "run-6", tmp_path / "6"))
    assert [set(checked) - set(s.reused) for s in summaries] == [
        set(checked), set(), reads_relocation, set(checked), set(), set(checked)]
    found = [_findings(con, f"run-{i}") for i in range(1, 7)]
    assert found[0] == found[1] and found[2] == found[3] == found[4] == found[5] and len(found[0]) > 30
    assert [s.findings for s in summaries[1:]] == [summaries[0].findings] * 5
    # GX's decision per layer is kept the same way, by the layer's frame: the corrected site names
    # flip no flag, and forgetting the rules' rows (run 6) leaves the frames as they were
    layers = {name for r in load_rules().values() if r.section in "BCD" for name in r.layer}
    assert [set(s.reused_layers) for s in summaries] == [set(), layers, layers, set(), layers, layers]
    assert all((tmp_path / str(i) / f"{name}.json").exists() for i in range(1, 7) for name in layers)
    assert (tmp_path / "2" / "health.json").read_bytes() == (tmp_path / "1" / "health.json").read_bytes()


def test_gx_decisions_are_kept_per_layer_while_its_frame_is_unchanged(tmp_path: Path) -> None:
    """pipelines.kept: a layer GX validated is validated again when its subjects or flags changed,
    or when the result JSON it was kept with is gone; the findings are those of validating every layer."""
    world = World()
    for fn in CASES.values():
        fn(world)
    con = duckdb.connect()
    build(con, world)
    run_checks(con, "run-1", tmp_path / "1")
    con.execute("DELETE FROM norm_relocation WHERE row_uid = (SELECT min(row_uid) FROM norm_relocation)")
    second = run_checks(con, "run-2", tmp_path / "2")
    assert "relocation" not in second.reused_layers and {"health", "registry_person"} <= set(second.reused_layers)
    shutil.rmtree(tmp_path / "1")   # the results the unchanged layers were kept with
    third = run_checks(con, "run-3", tmp_path / "3")
    assert set(third.reused_layers) == {"relocation"} | (set(second.layers) - set(second.reused_layers))
    fresh = run_checks(con, "run-4", tmp_path / "4", reuse=False)
    assert fresh.reused_layers == ()
    assert second.findings == third.findings == fresh.findings
    assert _findings(con, "run-2") == _findings(con, "run-3") == _findings(con, "run-4")


def test_an_unchanged_table_layer_is_decided_without_copying_its_subjects(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A layer over `cur_<table>` is fingerprinted from its subjects and its flagged (rule, subject)
    pairs: while they stand, GX's kept decision is taken and `layer_subject` is never built; a
    layer whose flags changed builds it and is validated again."""
    world = World()
    for fn in CASES.values():
        fn(world)
    con = duckdb.connect()
    build(con, world)
    built: list[str] = []
    real = validate._subjects
    monkeypatch.setattr(validate, "_subjects", lambda c, name, *a, **k: (built.append(name), real(c, name, *a, **k)))
    first = run_checks(con, "run-1", tmp_path / "1")
    table_layers = set(first.layers) & set(TABLE_LAYERS)
    assert set(built) == set(first.layers) and len(table_layers) >= 10
    built.clear()
    second = run_checks(con, "run-2", tmp_path / "2")
    assert built == ["coverage"] and set(second.reused_layers) == set(first.layers)
    built.clear()   # a health row that D10 flags no more (its finding goes): only the health layer is built
    con.execute("DELETE FROM norm_health WHERE row_uid IN (SELECT subject FROM kept.layer_failing "
                "WHERE layer = 'health' AND rule = 'D10' LIMIT 1)")
    third = run_checks(con, "run-3", tmp_path / "3")
    assert sorted(built) == ["coverage", "health"] and "health" not in third.reused_layers
    assert third.findings["D10"] == first.findings["D10"] - 1 >= 0
    fresh = run_checks(con, "run-4", tmp_path / "4", reuse=False)
    assert _findings(con, "run-3") == _findings(con, "run-4") and third.findings == fresh.findings


def test_every_checked_rule_has_both_cases() -> None:
    checked_rules = {r.id for r in load_rules().values() if r.section in "BCD"}
    assert {n[:-1] for n in CASES if n.endswith("T")} == checked_rules
    assert {n[:-1] for n in CASES if n.endswith("P")} == checked_rules


def test_no_unexpected_findings(checked: Any) -> None:
    con, _, _, uids = checked
    assert labelled(con, uids) == set().union(*EXPECTED.values())


def test_findings_carry_rule_texts_and_lineage(checked: Any) -> None:
    con, summary, _, uids = checked
    rows = con.execute("SELECT rule, severity, office, file_name, sheet, row, column_name, column_letter, value, "
                       "household_id, message, fix FROM finding ORDER BY rule").fetchall()
    rules = load_rules()
    for rule, severity, _, file_name, _, _, _, _, _, _, message, fix in rows:
        assert severity == rules[rule].severity and message and fix
        assert (file_name is None) == (rule == "B5")
        assert "{detail}" not in message
    by_rule = {r[0]: r for r in rows}
    c2 = by_rule["C2"]
    assert c2[2] == "registry" and c2[3] == "registry_household.xlsx" and c2[4] == "户信息"
    assert "家庭人口数为3，成员行数为2" in c2[10]
    assert c2[6] == "家庭人口数" and c2[7] is not None      # the sender's header and its Excel letter
    b5 = con.execute("SELECT office, household_id, person_id, value FROM finding WHERE rule = 'B5' "
                     "ORDER BY person_id NULLS FIRST").fetchall()
    assert [(o, h, p) for o, h, p, _ in b5] == [("infrastructure", "B5T-1", None), ("health", "B5T-1", "B5T-1.2")]
    registry_d1 = con.execute("SELECT office, message, fix FROM finding WHERE rule = 'D1' AND household_id = 'D1T-1' "
                              "AND office = 'registry'").fetchall()
    assert registry_d1 and registry_d1[0][1].startswith("本户有成员已被报死亡") and "自然减少" in registry_d1[0][2]
    assert summary.findings["B1"] == 4 and summary.failed


def test_a_wrong_sex_cell_is_reported_once(checked: Any) -> None:
    con, *_ = checked
    rows = con.execute("SELECT column_name, value FROM finding WHERE rule = 'C4' AND person_id = 'C4T-4.2'").fetchall()
    assert rows == [("性别", "女")]


def test_messages_name_the_household_and_no_id_number(checked: Any) -> None:
    con, *_ = checked
    messages = [m for (m,) in con.execute("SELECT message FROM finding WHERE rule LIKE 'D%'").fetchall()]
    assert all("户编号" in m for m in messages)
    everything = " ".join(m for (m,) in con.execute("SELECT message FROM finding").fetchall())
    assert not re.search(r"\d{17}[\dX]", everything)


def test_gx_decides_and_keeps_its_results(checked: Any) -> None:
    con, summary, gx_dir, uids = checked
    assert summary.layers["coverage"] is False and summary.layers["infra_household"] is False
    result = json.loads((gx_dir / "health.json").read_text(encoding="utf-8"))
    flagged = {uid for r in result["results"] for entry in r["result"]["unexpected_index_list"] for uid in entry["row_uid"]}
    recorded = {f"{h[:12]}:{s}:{n}" for h, s, n in con.execute(
        "SELECT file_hash, sheet, row FROM finding WHERE file_name = 'health.xlsx'").fetchall()}
    assert flagged == recorded and flagged
    assert {uids[u] for u in flagged} >= {"B1T:stranger", "B2T-1.2:health"}


def test_rerun_records_each_finding_once(checked: Any, tmp_path: Path) -> None:
    con, summary, *_ = checked
    before = con.execute("SELECT count(*) FROM finding").fetchall()[0][0]
    again = run_checks(con, "test-run", tmp_path)
    assert con.execute("SELECT count(*) FROM finding").fetchall()[0][0] == before
    assert again.findings == summary.findings


def test_a_check_row_outside_its_layers_is_a_declaration_error(checked: Any, tmp_path: Path) -> None:
    con, *_ = checked
    text = RULES_PATH.read_text(encoding="utf-8").replace("layer: [registry_household]\n  - id: C3",
                                                           "layer: [health]\n  - id: C3")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules\.C2\.layer.*subjects of none of \['health'\]"):
        run_checks(con, "x", tmp_path / "gx", rules_path=tmp_path / "rules.yaml")


def test_gate_returns_the_failing_blocking_rules(tmp_path: Path) -> None:
    con = duckdb.connect()
    create_working_tables(con)
    empty = ("SELECT NULL AS row_uid, 'data_office' AS office, NULL AS file_name, NULL AS file_hash, NULL AS sheet, "
             "NULL AS row, NULL AS column_name, NULL AS value, NULL AS household_id, NULL AS person_id, "
             "NULL AS detail WHERE false")
    for n in range(1, 7):
        (tmp_path / f"e{n}.sql").write_text(f"-- E{n}\n{empty}\n", encoding="utf-8")
    bad = empty.replace(" WHERE false", "").replace("NULL AS household_id", "'H9' AS household_id")
    (tmp_path / "e1.sql").write_text(bad.replace("NULL AS detail", "'户编号H9出现2次' AS detail"), encoding="utf-8")
    (tmp_path / "e6.sql").write_text(bad.replace("NULL AS detail", "'贫困户数下降45%' AS detail"), encoding="utf-8")
    assert run_gate(con, "gate-run", tmp_path / "gx", checks_dir=tmp_path) == ["E1"]
    rows = con.execute("SELECT rule, severity, office, file_name, row, message FROM finding ORDER BY rule").fetchall()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [("E1", "blocking", "data_office", None, None),
                                                              ("E6", "warning", "data_office", None, None)]
    assert "户编号H9出现2次" in rows[0][5]
    (tmp_path / "e1.sql").write_text(empty, encoding="utf-8")
    assert run_gate(con, "gate-run", tmp_path / "gx", checks_dir=tmp_path) == []
    assert con.execute("SELECT count(*) FROM finding WHERE rule = 'E1'").fetchall()[0][0] == 0


def test_sql_datasource_fails_on_duckdb_engine_but_pandas_path_works(tmp_path: Path) -> None:
    """GX 1.24.1 + duckdb-engine (GX #10738, #11579): every metric query of the SQL datasource comes
    back empty, so UnexpectedRowsExpectation and column expectations end in MetricResolutionError.
    The pandas path (what validate uses) returns the failing row ids."""
    import great_expectations as gx

    from pipelines.expect import flag_suite, gx_context, validate_frame

    path = tmp_path / "probe.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('a', false), ('b', true)) v(row_uid, bad)")
    source = gx_context().context.data_sources.add_sql("probe_sql", connection_string=f"duckdb:///{path}")
    batch = source.add_table_asset("t", table_name="t").add_batch_definition_whole_table("all").get_batch()
    for expectation in (gx.expectations.UnexpectedRowsExpectation(unexpected_rows_query="SELECT * FROM {batch} WHERE bad"),
                        gx.expectations.ExpectColumnValuesToBeInSet(column="bad", value_set=[False])):
        result = batch.validate(expectation)
        assert not result.success
        assert "MetricResolutionError" in json.dumps(result.exception_info, default=str)
    import pandas as pd

    frame = pd.DataFrame({"row_uid": ["a", "b"], "X1": [False, True]})
    ok, found = validate_frame(flag_suite("probe", ("X1",)), frame, "row_uid", tmp_path / "probe.json")
    assert not ok and [(config["rule"], ids) for config, ids in found] == [("X1", {"b"})]


def test_gx_keeps_no_frame_once_validated(tmp_path: Path) -> None:
    """GX 1.24.1's PandasExecutionEngine (one per datasource: one per process here) caches every metric
    it resolves and never evicts. Each layer's condition Series, and with it the frame's index of
    subjects, stayed alive for the rest of the run: 3 GB of a province run's validate stage.
    validate_frame empties that cache and GX's batch cache: a validated frame can be freed."""
    import gc
    import weakref

    import numpy as np
    import pandas as pd

    from pipelines.expect import flag_suite, validate_frame

    for round_, layer in enumerate(("first", "second")):
        subjects = pd.Index([f"{layer}-{i}" for i in range(1000)], dtype=object)
        frame = pd.DataFrame({"row_uid": pd.Categorical.from_codes(np.arange(1000), categories=subjects),
                              "X1": np.arange(1000) == round_})
        gone = weakref.ref(subjects)
        ok, found = validate_frame(flag_suite(f"keep-{layer}", ("X1",)), frame, "row_uid", tmp_path / f"{layer}.json")
        assert not ok and [ids for _config, ids in found] == [{f"{layer}-{round_}"}]   # GX still decides
        del frame, subjects
        gc.collect()
        assert gone() is None, "GX still holds the validated frame's subjects"
        meta = json.loads((tmp_path / f"{layer}.json").read_text(encoding="utf-8"))["meta"]
        assert "pandas_data_fingerprint" not in meta["batch_markers"]   # no hash of every row (gx_context)
        assert meta["batch_markers"]["ge_load_time"]


# --------------------------------------------------------------------------- the catalogue

def rules_md_ids() -> set[str]:
    if not RULES_MD.exists():
        return {f"F{i}" for i in range(1, 11)} | {f"A{i}" for i in range(1, 10)} | {f"B{i}" for i in range(1, 6)} \
            | {f"C{i}" for i in range(1, 9)} | {f"D{i}" for i in range(1, 13)} | {f"E{i}" for i in range(1, 7)}
    return set(re.findall(r"^\| ([A-F]\d+) \|", RULES_MD.read_text(encoding="utf-8"), re.M))


def test_rules_yaml_declares_every_rule_of_rules_md() -> None:
    ids = rules_md_ids()
    assert len(ids) == 50
    assert ids <= set(load_rules())
    also = {r.id for r in load_rules().values() if r.also_on_registry}
    assert also == {"D1", "D2", "D6", "D7", "D8", "D11", "D12"}


def test_every_sql_check_exists_and_names_its_rule() -> None:
    for rule in load_rules().values():
        if rule.check.endswith(".sql") and rule.section != "E":
            text = (CHECKS_DIR / rule.check).read_text(encoding="utf-8")
            assert text.startswith(f"-- {rule.id} "), rule.check
    for layer in load_catalogue().layers.values():
        assert layer.subjects is None or (CHECKS_DIR / layer.subjects).exists()


def test_reject_or_warning_rules() -> None:
    rules = load_rules()
    for rid in ("A1", "A2", "A5", "A6", "A7"):
        assert rules[rid].severity_for(key=True) == "reject" and rules[rid].severity_for() == "warning"
    assert rules["A5"].severity_for(required=True) == "reject"
    assert not rules["C6"].on_correction_list and rules["C5"].on_correction_list


@pytest.mark.parametrize(("old", "new", "pattern"), [
    ("    message_zh: 此人已报死亡", "    mesage_zh: 此人已报死亡", r"`rules\.D1\.mesage_zh`: unknown key.*did you mean `message_zh`"),
    ("    severity: blocking\n    owner: data_office\n    title_zh: 户表", "    severity: blocker\n    owner: data_office\n    title_zh: 户表",
     r"`rules\.E1\.severity`"),
    ("\nlayers:\n", "\nlayer:\n", r"`layer`: unknown key.*did you mean `layers`"),
])
def test_rules_yaml_errors_name_the_key(tmp_path: Path, old: str, new: str, pattern: str) -> None:
    text = RULES_PATH.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "rules.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=pattern):
        load_catalogue(tmp_path / "rules.yaml")


def test_unknown_layer_is_named(tmp_path: Path) -> None:
    text = RULES_PATH.read_text(encoding="utf-8").replace("layer: [housing]", "layer: [housng]", 1)
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules\.D3\.layer.*`housng`.*did you mean `housing`"):
        load_catalogue(tmp_path / "rules.yaml")


# --------------------------------------------------------------------------- generated expectations

def test_generated_expectations_are_current() -> None:
    rendered = render_expectations()
    committed = {p.name: p.read_text(encoding="utf-8") for p in GENERATED_DIR.glob("*.json")}
    assert rendered == committed, "run `python -c 'from pipelines.expect import write_expectations; write_expectations()'`"
    health = json.loads(rendered["health.json"])
    kinds = {(e["type"], e["kwargs"]["column"]) for e in health["expectations"]}
    assert ("expect_column_values_to_match_regex", "id_number") in kinds
    assert ("expect_column_values_to_be_in_set", "basic_medical_insurance") in kinds
    assert ("expect_column_values_to_not_be_null", "row_uid") in kinds


def test_contract_check_records_pipeline_bugs(tmp_path: Path) -> None:
    con = duckdb.connect()
    create_working_tables(con)
    lineage = "'L1', 'health', 'h', 'health.xlsx', 'health'"
    con.execute(f"INSERT INTO norm_health (load_id, office, file_hash, file_name, sheet, row, row_uid, outcome, month, "
                f"scope, name, id_number, basic_medical_insurance) VALUES "
                f"({lineage}, 4, 'u4', 'accepted', '2018-08', '*', '甲', '611025197001011234', '已参保'), "
                f"({lineage}, 5, 'u5', 'accepted', '2018-08', '*', '乙', '6110251970', '参保了')")
    counts = run_contract_checks(con, "c-run", tmp_path, load_ids=["L1"])
    assert counts["health"] == 2 and counts["registry_person"] == 0
    rows = con.execute("SELECT rule, office, row, column_name, value FROM finding ORDER BY rule").fetchall()
    assert rows == [("P1.id_format", "data_office", 5, "id_number", "6110251970"),
                    ("P1.in_set", "data_office", 5, "basic_medical_insurance", "参保了")]
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["norm_health.json"]   # no row of L1 elsewhere
    run_contract_checks(con, "c-all", tmp_path / "all")           # every row: every suite, empty or not
    assert len(list((tmp_path / "all").glob("*.json"))) == 13


def test_checks_dir_is_the_warehouse_folder() -> None:
    assert CHECKS_DIR == ROOT / "warehouse" / "checks"


def test_reader_rules_are_decided_in_the_reader_layers() -> None:
    """F1-F10 and A4 are judged per file (layer `files`), A1-A9 per landed row (`sender_rows`)."""
    reader = {r.id: r.layer for r in load_rules().values() if r.check == "reader"}
    assert {r for r, layer in reader.items() if layer == ["files"]} == {f"F{i}" for i in range(1, 11)} | {"A4"}
    assert {r for r, layer in reader.items() if layer == ["sender_rows"]} == {f"A{i}" for i in range(1, 10)} - {"A4"}


# (rule, office, file, sheet, column, detail, GX failed it) -> the finding as recorded, or None
RECORDED = [
    pytest.param(("C2", "registry", "reg.xlsx", "户信息", "household_size", "人口数3", True),
                 ("registry", "reg.xlsx", "家庭人口数", "B", "家庭人口数与登记的成员人数不一致（人口数3）。"),
                 id="header-as-written-with-letter"),
    pytest.param(("C2", "registry", "other.xlsx", "户信息", "member_count", None, True),
                 ("registry", "other.xlsx", "成员人数", None, "家庭人口数与登记的成员人数不一致（）。"),
                 id="sheet-not-landed-label-no-detail"),
    pytest.param(("D1", "registry", "reg.xlsx", "户信息", None, "张某", True),
                 ("registry", "reg.xlsx", None, None, "本户有成员已被报死亡，但仍在册（张某）。"),
                 id="d-rule-to-registry-registry-text"),
    pytest.param(("D1", "civil_affairs", "ca.xlsx", "名单", None, "张某", True),
                 ("civil_affairs", "ca.xlsx", None, None, "此人已报死亡，但仍在建档立卡人员名单中（张某）。"),
                 id="d-rule-to-sender"),
    pytest.param(("E1", "registry", "reg.xlsx", "户信息", "household_id", "重复", True),
                 ("data_office", None, "户编号", None,
                  "发布的户表不满足“每个建档立卡户一行、户编号唯一且不为空”（重复）。"),
                 id="data-office-rule-names-no-file"),
    pytest.param(("C2", None, "other.xlsx", "户信息", "member_count", "x", True),
                 (None, "other.xlsx", "成员人数", None, "家庭人口数与登记的成员人数不一致（x）。"), id="no-office-label"),
    pytest.param(("C2", "registry", "reg.xlsx", "户信息", "household_size", "x", False), None, id="gx-passed-it"),
]


@pytest.mark.parametrize(("row", "expected"), RECORDED)
def test_failed_check_rows_are_recorded_in_sql(row: tuple[Any, ...], expected: tuple[Any, ...] | None) -> None:
    from pipelines.findings import record_failed
    from pipelines.validate import _kept_columns

    rule, office, file_name, sheet, column, detail, failed = row
    con = duckdb.connect()
    create_working_tables(con)
    con.execute("INSERT INTO landed_sheet VALUES ('l1', 'registry', 'h-reg.xlsx', 'reg.xlsx', '户信息', "
                "'registry_household', 1, ['户编号', '家庭人口数'])")
    typed = ", ".join(f'"{c}" {t}' for c, t in _kept_columns())
    con.execute(f"CREATE TEMP TABLE check_row ({typed}, known BOOLEAN)")
    con.execute("INSERT INTO check_row VALUES (?, 'u1', ?, ?, ?, ?, 7, ?, '3', 'H1', NULL, ?, 'u1', true)",
                [rule, office, file_name, f"h-{file_name}", sheet, column, detail])
    con.execute("CREATE TEMP TABLE check_failed AS SELECT ? AS rule, ? AS subject", [rule, "u1" if failed else "u2"])
    con.execute("INSERT INTO finding (run_id, rule) VALUES ('run-1', ?), ('run-0', ?)", [rule, rule])   # replaced, kept
    rules = load_rules()
    counts = record_failed(con, "run-1", [rules[rule]])
    found = con.execute("SELECT office, file_name, column_name, column_letter, message, fix, severity, row, "
                        "household_id FROM finding WHERE run_id = 'run-1'").fetchall()
    assert con.execute("SELECT count(*) FROM finding WHERE run_id = 'run-0'").fetchall() == [(1,)]
    assert counts[rule] == (expected is not None)
    if expected is None:
        assert found == []
        return
    (got,) = found
    ours = rules[rule].owner == "data_office"
    texts = rules[rule].texts(got[0])
    assert got[:5] == expected
    assert (got[5], got[6], got[7], got[8]) == (texts[1], rules[rule].severity, None if ours else 7, "H1")
