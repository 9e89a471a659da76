"""What the living-conditions senders know: relocation, housing, water and power, schools, health."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from pipelines.generate.facts import World, day_between, head_rec, person_rec
from pipelines.generate.model import Household, Person, Village
from pipelines.generate.records import Rec

_STAGES = {"学前教育": "学前", "小学": "小学", "七年级": "初中", "八年级": "初中", "九年级": "初中",
           "大专及以上": "本科及以上"}
_CN_GRADES = "一二三四五六"
_SITE_WORDS = ("幸福", "安康", "阳光", "和谐", "丹江", "秦岭", "金凤", "龙泉", "锦绣", "佳苑")


def _relocation(w: World, hh: Household, rng: random.Random) -> None:
    as_of = w.period.as_of
    town = hh.village.township
    central = rng.random() < 0.8
    site = f"{town.name}{rng.choice(_SITE_WORDS)}社区安置点" if central else f"{town.name}分散安置"
    stage = 4 if hh.exited else rng.choices((1, 2, 3, 4), (15, 10, 10, 65))[0]
    completed = keys = moved = None
    if stage >= 2:
        completed = day_between(date(as_of.year - 2, 6, 1), as_of - timedelta(days=150), rng)
    if stage >= 3 and completed:
        keys = completed + timedelta(days=rng.randint(10, 60))
    if stage >= 4 and keys:
        moved = keys + timedelta(days=rng.randint(3, 60))
    w.add("relocation", head_rec(hh, {
        "county_name": hh.village.county.name, "household_id": hh.hid if rng.random() < 0.8 else None,
        "relocated_people": hh.size, "site_name": site, "placement_mode": "集中安置" if central else "分散安置",
        "house_completed_date": completed, "facilities_complete": bool(completed) and rng.random() < 0.9,
        "keys_handed_date": keys, "moved_in_date": moved,
        "old_house_demolished": bool(moved) and rng.random() < 0.8}))


def _housing(w: World, hh: Household, rng: random.Random) -> None:
    """Graded, renovated or in progress; an exited household's house is safe or renovated."""
    as_of = w.period.as_of
    kind = rng.choices(("safe", "done", "works"), (30, 55, 15))[0]
    if hh.exited and kind == "works":
        kind = "done"
    grade = rng.choice(("A级", "B级")) if kind == "safe" else rng.choice(("C级", "D级"))
    mode = None if kind == "safe" else ("修缮加固" if grade == "C级" else "拆除重建")
    if mode and hh.attribute == "特困供养贫困户" and rng.random() < 0.5:
        mode = "兜底保障房"
    start = accepted = paid = None
    amount: float | None = None
    if kind != "safe":
        start = day_between(date(as_of.year - 2, 3, 1), as_of - timedelta(days=200), rng)
    if kind == "done" and start:
        accepted = min(start + timedelta(days=rng.randint(60, 180)), as_of - timedelta(days=rng.randint(0, 20)))
        amount = float(rng.randrange(6000, 10001, 500) if grade == "C级" else rng.randrange(12000, 25001, 500))
        late = min(as_of, accepted + timedelta(days=30))
        first = accepted + timedelta(days=3)
        recent = (as_of - accepted).days <= 30
        paid = None if late < first or (recent and rng.random() < 0.3) else day_between(first, late, rng)
    w.add("housing", head_rec(hh, {
        "county_name": hh.village.county.name, "township_name": hh.village.township.name,
        "village_name": hh.village.name, "house_grade": grade, "renovation_mode": mode,
        "works_start_date": start, "acceptance_date": accepted, "subsidy_amount": amount,
        "subsidy_paid_date": paid}))
    hh.dangerous_house = kind == "works"


def _water(w: World, hh: Household, rng: random.Random) -> None:
    weights = (85, 15, 0) if hh.exited else (70, 25, 5)
    safety = rng.choices(("达标", "基本达标", "不达标"), weights)[0]
    hh.water_safe = safety != "不达标"
    w.add("infra_household", head_rec(hh, {
        "village_name": hh.village.name, "drinking_water_safety": safety,
        "water_supply_mode": "集中供水" if rng.random() < 0.7 else "分散供水", "has_power": True}))


def _villages(w: World, rng: random.Random) -> None:
    registered = Counter(h.village.code for h in w.households)
    for v in w.villages:
        farms = max(registered[v.code] + 5, round(registered[v.code] / rng.uniform(0.18, 0.35)))
        groups = rng.randint(2, 9)
        w.add("infra_village", Rec({
            "county_name": v.county.name, "township_name": v.township.name, "village_name": v.name,
            "village_code": v.code if rng.random() < 0.93 else None, "has_paved_road": rng.random() < 0.95,
            "natural_villages_30plus": groups, "natural_villages_30plus_with_road": groups - (rng.random() < 0.1),
            "farm_households": farms, "registered_population": round(farms * rng.uniform(3.1, 3.6)),
            "households_with_power": farms, "households_with_tap_water": round(farms * rng.uniform(0.85, 1.0)),
            "has_standard_clinic": rng.random() < 0.9}, county=v.county.code))


def school_of(p: Person, v: Village) -> tuple[str, str]:
    """(school name, 学段) for a student of village `v`."""
    stage = _STAGES.get(p.school) or {"高中": "高中", "中职": "中职", "高职": "高职"}[p.school[:2]]
    town, county = v.township, v.county
    if stage in ("学前", "小学", "初中"):
        return f"{town.name}中心学校", stage
    if stage == "高中":
        return f"{county.short}中学", stage
    if stage == "中职":
        return f"{county.name}职业教育中心", stage
    return ("商洛职业技术学院" if stage == "高职" else "商洛学院"), stage


def _grade(p: Person, stage: str, rng: random.Random) -> str:
    if stage == "学前":
        return ("小班", "中班", "大班")[min(max(p.age - 3, 0), 2)]
    if stage == "小学":
        return f"{_CN_GRADES[min(p.age - 6, 5)]}年级"
    if stage == "初中":
        return p.school
    if stage == "高中":
        return "高" + p.school[2]
    if stage in ("中职", "高职"):
        return p.school[2:] if p.school[2] != "及" else "一年级"
    return rng.choice(("大一", "大二", "大三", "大四"))


def _aid(stage: str, rng: random.Random) -> tuple[str | None, float | None]:
    options = {"学前": [("学前教育资助", 750.0)], "小学": [("营养改善计划", 800.0), ("寄宿生生活补助", 1000.0)],
               "初中": [("营养改善计划", 800.0), ("寄宿生生活补助", 1250.0)], "高中": [("国家助学金", 2000.0), ("免学杂费", 800.0)],
               "中职": [("国家助学金", 2000.0), ("免学费", 2000.0)], "高职": [("国家助学金", 3000.0)],
               "本科及以上": [("国家助学金", 3000.0), ("生源地信用助学贷款", 8000.0)]}[stage]
    return rng.choice(options) if rng.random() < 0.9 else (None, None)


def _education(w: World, hh: Household, rng: random.Random) -> None:
    for p in hh.members:
        if not p.student:
            continue
        school, stage = school_of(p, hh.village)
        status = "送教上门" if p.disabled and 6 <= p.age <= 15 and rng.random() < 0.5 else (
            "休学" if p.age >= 16 and rng.random() < 0.02 else "在读")
        guardian = hh.head if p is not hh.head else p
        if p.relation in ("之子", "之女") and len(hh.members) > 1 and hh.members[1].relation == "配偶" \
                and rng.random() < 0.3:
            guardian = hh.members[1]
        programme, amount = _aid(stage, rng)
        w.add("education", person_rec(p, hh, {
            "school_name": school, "school_stage": stage, "grade": _grade(p, stage, rng),
            "enrolment_status": status, "aid_programme": programme, "aid_amount": amount,
            "guardian_name": guardian.name, "guardian_id_number": guardian.id_number}))


def _health(w: World, hh: Household, rng: random.Random) -> None:
    for p in hh.members:
        if not hh.exited and rng.random() < 0.02:
            p.basic_medical = p.serious_insurance = False
        insured = "已参保" if p.basic_medical else "未参保"
        disease = "大病" if "患有大病" in p.health else "慢性病" if "长期慢性病" in p.health else "无"
        if disease == "大病" and rng.random() < 0.2:
            disease = "重病"
        reimbursed = float(rng.randrange(500, 30000, 10)) if disease != "无" and rng.random() < 0.4 else None
        w.add("health", person_rec(p, hh, {
            "basic_medical_insurance": insured, "serious_illness_insurance": insured,
            "family_doctor_signed": rng.random() < 0.9,
            "disease_category": disease if disease != "无" or rng.random() < 0.7 else None,
            "inpatient_reimbursement": reimbursed}))


def _cheap_vehicle(w: World, hh: Household, rng: random.Random) -> None:
    p = rng.choice([m for m in hh.members if m.age >= 18] or hh.members)
    vehicle, price = rng.choice((("农用三轮车", 8500), ("二手微型面包车", 18000), ("摩托车", 4500),
                                 ("电动三轮车", 3800), ("二手农用运输车", 26000)))
    w.add("screening", person_rec(p, hh, {
        "finding_category": "车辆", "finding_source": "车管所", "finding_detail": f"{vehicle}，购置价格{price}元",
        "registration_date": day_between(date(w.period.year - 3, 1, 1), w.period.as_of - timedelta(days=30), rng)}))


def all_living_facts(w: World, rng: random.Random) -> None:
    for table in ("relocation", "housing", "infra_household", "infra_village", "education", "health", "screening"):
        w.recs.setdefault(table, [])
    for hh in w.households:
        if hh.relocation:
            _relocation(w, hh, rng)
        elif rng.random() < 0.19:
            _housing(w, hh, rng)
        _water(w, hh, rng)
        _education(w, hh, rng)
        _health(w, hh, rng)
        if rng.random() < 0.03:
            _cheap_vehicle(w, hh, rng)
    _villages(w, rng)
