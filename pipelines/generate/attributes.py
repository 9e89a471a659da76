"""Person and household attributes, mutually consistent (no rule of rules.md B-D fires)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from pipelines.generate.model import Household, Person

_HIGH = ("高中一年级", "高中二年级", "高中三年级")
_VOC = ("中职一年级", "中职二年级", "中职三年级")
_COLLEGE = ("高职一年级", "高职二年级", "高职三年级", "大专及以上")
_OTHER_CAUSES = ("缺技术", "缺资金", "缺土地", "缺水", "因灾", "交通条件落后", "自身发展动力不足", "其他")


def school_status(age: int, rng: random.Random) -> str:
    """在校生状况 consistent with age (C5: 小学 6-14, 七到九年级 11-17, 高中/中职 14-21)."""
    if age < 3:
        return "非在校生"
    if age <= 5:
        return "学前教育" if rng.random() < 0.75 else "非在校生"
    if age <= 11:
        return "小学"
    table = {12: ("小学", "七年级"), 13: ("七年级", "八年级"), 14: ("八年级", "九年级"),
             15: ("九年级", "高中一年级", "中职一年级")}
    if age in table:
        return rng.choice(table[age])
    k = min(age - 16, 2)
    if age <= 18:
        return rng.choice((_HIGH[k], _HIGH[k], _VOC[k])) if rng.random() < 0.85 else "非在校生"
    if age <= 21:
        return rng.choice(_COLLEGE) if rng.random() < 0.35 else "非在校生"
    return "非在校生"


def education_level(p: Person, rng: random.Random) -> str:
    if p.age < 6 and not p.school.startswith("小学"):
        return "学龄前儿童"
    if p.school == "小学":
        return "小学"
    if p.school.endswith("年级") and p.school[0] in "七八九":
        return "初中"
    if p.school.startswith(("高中", "中职")):
        return "高中"
    if p.school.startswith(("高职", "大专")):
        return "大专及以上"
    if p.age >= 60:
        return rng.choices(("文盲或半文盲", "小学", "初中"), (40, 45, 15))[0]
    if p.age >= 40:
        return rng.choices(("文盲或半文盲", "小学", "初中", "高中"), (8, 37, 45, 10))[0]
    return rng.choices(("小学", "初中", "高中", "大专及以上"), (10, 55, 27, 8))[0]


def health_status(age: int, rng: random.Random) -> list[str]:
    found = []
    if rng.random() < (0.25 if age >= 50 else 0.08 if age >= 30 else 0.015):
        found.append("长期慢性病")
    if rng.random() < (0.04 if age >= 40 else 0.01):
        found.append("患有大病")
    if rng.random() < 0.05:
        found.append("残疾")
    return found or ["健康"]


def labour_skill(p: Person, rng: random.Random) -> str:
    """C6-safe: students and children 无劳动力; healthy 16-60 non-students able to work."""
    if p.age < 16 or p.student:
        return "无劳动力"
    if p.disabled or "患有大病" in p.health:
        return rng.choice(("丧失劳动力", "弱劳动力或半劳动力"))
    if p.ill:
        return "弱劳动力或半劳动力"
    if p.age > 65:
        return rng.choice(("无劳动力", "丧失劳动力", "弱劳动力或半劳动力"))
    if p.age > 60:
        return rng.choice(("弱劳动力或半劳动力", "普通劳动力"))
    return "技能劳动力" if rng.random() < 0.2 else "普通劳动力"


def set_person(p: Person, hui_town: bool, rng: random.Random) -> None:
    p.school = school_status(p.age, rng)
    p.education = education_level(p, rng)
    p.health = health_status(p.age, rng)
    p.labour = labour_skill(p, rng)
    p.ethnicity = "回族" if rng.random() < (0.3 if hui_town else 0.01) else "汉族"


def _cause(hh: Household, rng: random.Random) -> str:
    members = hh.members
    if any(p.ill for p in members) and rng.random() < 0.55:
        return "因病"
    if any(p.disabled for p in members) and rng.random() < 0.5:
        return "因残"
    if any(p.school.startswith(("高中", "中职", "高职", "大专")) for p in members) and rng.random() < 0.4:
        return "因学"
    if not any(p.can_work for p in members) and rng.random() < 0.6:
        return "缺劳力"
    return rng.choice(_OTHER_CAUSES)


def _attribute(hh: Household, rng: random.Random) -> str:
    head = hh.head
    if len(hh.members) == 1 and head.age >= 60 and rng.random() < 0.55:
        return "特困供养贫困户"
    frail = any(p.ill or p.disabled for p in hh.members)
    return "低保贫困户" if rng.random() < (0.42 if frail else 0.17) else "一般贫困户"


def _years(hh: Household, as_of: date, rng: random.Random) -> None:
    """Planned/actual exit year and first identification, consistent with the status."""
    year = as_of.year
    start = year - 4
    if hh.status == "已脱贫":
        hh.exit_year = rng.randint(start + 1, year - 1)
        hh.planned_exit = hh.exit_year
        last = hh.exit_year - 1
    elif hh.status == "预脱贫":
        hh.planned_exit, last = year, year - 1
    else:
        hh.planned_exit, last = rng.randint(year, year + 2), year - 1
    first_year = start if rng.random() < 0.7 else rng.randint(start, max(start, last))
    if hh.status == "未脱贫" and rng.random() < 0.04:
        first_year = year                     # identified this year: cannot exit this year
    month = rng.randint(1, 6) if first_year == year else rng.randint(4, 12)
    found = date(first_year, month, 1) + timedelta(days=rng.randrange(28))
    hh.first_identified = min(found, as_of - timedelta(days=20))


def set_household(hh: Household, as_of: date, rng: random.Random) -> None:
    hui_town = "回族" in hh.village.township.name
    for p in hh.members:
        set_person(p, hui_town, rng)
    hh.status = rng.choices(("已脱贫", "未脱贫", "预脱贫", "返贫"), (60, 30, 8, 2))[0]
    hh.attribute = _attribute(hh, rng)
    hh.standard = rng.choices(("国家标准", "省定标准", "市定标准"), (90, 7, 3))[0]
    hh.cause = _cause(hh, rng)
    hh.relocation = rng.random() < 0.2
    _years(hh, as_of, rng)
