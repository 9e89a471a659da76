"""What each sender knows, before any defect: income sources and the registry income they imply."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.generate.ids import IdFactory
from pipelines.generate.model import Household, Period, Person, Village
from pipelines.generate.records import Rec

_INDUSTRIES = ("种植", "养殖", "加工", "乡村旅游", "光伏", "电商", "其他")
_INDUSTRY_WEIGHTS = (45, 35, 5, 5, 6, 3, 1)
_MODES = ("龙头企业带动", "合作社带动", "能人大户带动", "自主创业")
_PRODUCE = ("核桃", "香菇", "木耳", "中药材", "茶叶", "魔芋", "板栗", "生猪", "土鸡", "肉牛", "中蜂")
_EMPLOYERS = ("商洛{}建筑工程有限公司", "西安{}餐饮管理有限公司", "浙江{}电子有限公司", "江苏{}纺织有限公司",
              "商洛{}现代农业园区", "陕西{}物流有限公司", "深圳{}科技有限公司", "{}镇扶贫社区工厂")
_FIRMS = ("秦岭", "丹江", "商山", "鑫源", "恒达", "金秋", "华通", "永兴", "富民", "兴业")
_POSTS = ("保洁员", "护路员", "水管员", "安全员", "其他")
TARGET_INCOME = {"已脱贫": (3400, 9000), "预脱贫": (3100, 4800), "未脱贫": (1600, 2900), "返贫": (1400, 2800)}


@dataclass
class World:
    period: Period
    villages: list[Village]
    households: list[Household]
    ids: IdFactory
    recs: dict[str, list[Rec]] = field(default_factory=dict)
    counted_wage: dict[str, float] = field(default_factory=dict)   # pid -> wages counted as income

    def __post_init__(self) -> None:
        self.household = {h.hid: h for h in self.households}
        self.person = {p.pid: p for h in self.households for p in h.members}

    def add(self, table: str, rec: Rec) -> Rec:
        self.recs.setdefault(table, []).append(rec)
        return rec


def day_between(start: date, end: date, rng: random.Random) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def person_rec(p: Person, hh: Household, values: dict[str, object]) -> Rec:
    return Rec({"name": p.name, "id_number": p.id_number, **values}, hh.hid, p.pid, hh.village.county.code)


def head_rec(hh: Household, values: dict[str, object]) -> Rec:
    head = hh.head
    return Rec({"head_name": head.name, "head_id_number": head.id_number, **values}, hh.hid, head.pid,
               hh.village.county.code)


def _social(w: World, hh: Household, rng: random.Random) -> float:
    """社会保障兜底 rows of the household; the transfers they pay per year."""
    as_of, total = w.period.as_of, 0.0
    kind = {"低保贫困户": "农村低保", "特困供养贫困户": "特困供养"}.get(hh.attribute)
    for p in hh.members:
        rows = []
        if kind:
            rows.append((kind, float(rng.randrange(150, 340, 10) if kind == "农村低保" else rng.randrange(500, 660, 10))))
        if p.disabled and rng.random() < 0.6:
            rows.append(("残疾人两项补贴", float(rng.choice((60, 70, 80, 100)))))
        if p is hh.head and rng.random() < 0.02:
            rows.append(("临时救助", float(rng.randrange(500, 2000, 100))))
        for category, amount in rows:
            start = max(hh.first_identified, p.birth) if category != "临时救助" else as_of - timedelta(days=200)
            w.add("social_security", person_rec(p, hh, {
                "assistance_type": category, "assistance_start_date": day_between(start, as_of - timedelta(days=15), rng),
                "monthly_amount": amount, "is_deceased": False, "death_date": None}))
            total += amount if category == "临时救助" else amount * 12
    return total


def _ecology(w: World, hh: Household, rng: random.Random) -> tuple[float, Person | None, float]:
    adults = [p for p in hh.members if 18 <= p.age <= 70 and not p.student]
    if not adults or rng.random() >= 0.16:
        return 0.0, None, 0.0
    p = rng.choice(adults)
    ranger = p.age <= 60 and p.labour != "丧失劳动力" and rng.random() < 0.4
    pay = float(rng.choice((6000, 7000, 8000, 10000))) if ranger else None
    area = round(rng.uniform(0.5, 12), 1) if not ranger or rng.random() < 0.5 else 0.0
    subsidy = float(round(area * rng.choice((125, 150, 300)))) if area else 0.0
    compensation = float(round(rng.uniform(5, 50) * 15.75)) if rng.random() < 0.7 else 0.0
    w.add("ecology", person_rec(p, hh, {
        "is_forest_ranger": ranger, "ranger_annual_pay": pay, "grain_for_green_area": area,
        "grain_for_green_subsidy": subsidy, "eco_compensation": compensation}))
    return (pay or 0.0) + subsidy + compensation, p if ranger else None, pay or 0.0


def _job(w: World, p: Person, hh: Household, rng: random.Random, post: str | None = None,
         wage: float | None = None) -> float:
    as_of = w.period.as_of
    region = "县内" if post else rng.choices(("县内", "县外省内", "省外"), (40, 30, 30))[0]
    months = 12 if post else rng.randint(3, 12)
    low, high = {"县内": (1500, 3000), "县外省内": (2200, 4000), "省外": (3000, 5500)}[region]
    monthly = wage if wage is not None else float(rng.randrange(500, 1000, 50) if post else rng.randrange(low, high, 50))
    town = hh.village.township.name
    employer = (town + ("办事处" if town.endswith("街道") else "人民政府")) if post else \
        rng.choice(_EMPLOYERS).format(rng.choice(_FIRMS))
    w.add("employment", person_rec(p, hh, {
        "county_name": hh.village.county.name, "work_region": region, "employer": employer,
        "work_months": months, "monthly_wage": monthly, "is_welfare_post": post is not None,
        "welfare_post_type": post, "employment_registration_date": day_between(date(as_of.year - 2, 1, 1), as_of - timedelta(days=10), rng)}))
    p.work_status = {"县外省内": "县外省内务工", "省外": "省外务工"}.get(
        region, "乡（镇）内务工" if post or rng.random() < 0.5 else "乡（镇）外县内务工")
    p.work_months = months
    return monthly * months


def _employment(w: World, hh: Household, ranger: Person | None, pay: float, rng: random.Random) -> float:
    total = 0.0
    for p in hh.members:
        if p is ranger and rng.random() < 0.25:       # the 护林员 post is also on the jobs list
            _job(w, p, hh, rng, "护林员", round(pay / 12, 2))
            w.counted_wage[p.pid] = 0.0                # contract: not counted twice
        elif p.can_work and rng.random() < (0.48 if hh.exited else 0.2):
            post = rng.choice(_POSTS) if rng.random() < 0.12 else None
            w.counted_wage[p.pid] = _job(w, p, hh, rng, post)
            total += w.counted_wage[p.pid]
    return total


def _industry(w: World, hh: Household, operating: float, rng: random.Random) -> float:
    types = sorted(set(rng.choices(_INDUSTRIES, _INDUSTRY_WEIGHTS, k=rng.choice((1, 1, 2)))),
                   key=_INDUSTRIES.index)
    mode = rng.choices(_MODES, (20, 45, 15, 20))[0]
    produce = rng.choice(_PRODUCE)
    entity = {"龙头企业带动": f"商洛{rng.choice(_FIRMS)}{produce}产业有限公司",
              "合作社带动": f"{hh.village.name}{produce}专业合作社",
              "能人大户带动": f"{hh.village.name}{produce}种养大户"}.get(mode)
    dividend = float(rng.randrange(500, 3000, 100)) if "光伏" in types else (
        float(rng.randrange(200, 1000, 50)) if rng.random() < 0.3 else None)
    w.add("industry", head_rec(hh, {
        "county_name": hh.village.county.name, "township_name": hh.village.township.name,
        "village_name": hh.village.name, "industry_types": types, "driving_mode": mode,
        "driving_entity": entity, "support_funds": float(rng.randrange(2000, 8000, 100)),
        "operating_income": float(round(max(300.0, operating), -1)), "dividend_income": dividend}))
    return float(round(max(300.0, operating), -1)) + (dividend or 0.0)


def income_facts(w: World, hh: Household, rng: random.Random) -> None:
    """Sector income rows of one household, then the registry's per-capita income from them."""
    low, high = TARGET_INCOME[hh.status]
    target = rng.uniform(low, high) * hh.size
    transfers = _social(w, hh, rng)
    eco, ranger, pay = _ecology(w, hh, rng)
    wages = _employment(w, hh, ranger, pay, rng)
    have = transfers + eco + wages
    need = max(target, 3150.0 * hh.size if hh.exited else 0.0)
    if rng.random() < 0.1 or (have < need * 0.9 and (hh.exited or have < need * 0.4)):
        have += _industry(w, hh, need - have, rng)
    factor = rng.uniform(0.93, 1.07)
    if hh.exited:
        factor = max(factor, 3050 * hh.size / have)
    hh.income_pc = round(have / hh.size * factor, 2)


def all_income_facts(w: World, rng: random.Random) -> None:
    for table in ("social_security", "ecology", "employment", "industry"):
        w.recs.setdefault(table, [])
    for hh in w.households:
        income_facts(w, hh, rng)
