"""The registry export's rows (户信息, 人员信息) from the world's households."""

from __future__ import annotations

from pipelines.generate.model import Household, Person
from pipelines.generate.records import Rec


def household_rec(hh: Household) -> Rec:
    v = hh.village
    return Rec({
        "county_name": v.county.name, "township_name": v.township.name, "village_name": v.name,
        "group_name": hh.group, "household_id": hh.hid, "head_name": hh.head.name,
        "head_id_number": hh.head.id_number, "household_size": hh.size, "poverty_attribute": hh.attribute,
        "identification_standard": hh.standard, "main_poverty_cause": hh.cause, "poverty_status": hh.status,
        "planned_exit_year": hh.planned_exit, "exit_year": hh.exit_year,
        "first_identified_date": hh.first_identified, "is_relocation_household": hh.relocation,
        "income_per_capita": hh.income_pc, "is_dangerous_house": hh.dangerous_house,
        "water_safe": hh.water_safe, "has_power": hh.power, "phone": hh.phone or None,
    }, hh.hid, hh.head.pid, v.county.code)


def person_rec(p: Person, county: str) -> Rec:
    return Rec({
        "household_id": p.hid, "person_id": p.pid, "name": p.name, "id_number": p.id_number, "sex": p.sex,
        "relation_to_head": p.relation, "ethnicity": p.ethnicity, "education_level": p.education,
        "school_status": p.school, "health_status": list(p.health), "labour_skill": p.labour,
        "work_status": p.work_status or None, "work_months": p.work_months,
        "has_basic_medical": p.basic_medical, "has_serious_illness_insurance": p.serious_insurance,
    }, p.hid, p.pid, county)


def registry_recs(households: list[Household]) -> tuple[list[Rec], list[Rec]]:
    homes = [household_rec(h) for h in households]
    people = [person_rec(p, h.village.county.code) for h in households for p in h.members]
    return homes, people
