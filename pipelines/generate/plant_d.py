"""Section D defects: sectors against the registry and each other (on the sector row with the fact)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from pipelines.generate.facts import day_between, head_rec, person_rec
from pipelines.generate.model import Household, Person
from pipelines.generate.plant import TRIES, Ctx, Loc, spread
from pipelines.generate.records import Sheet

_SCREENING: dict[str, list[tuple[str, str]]] = {
    "财政供养人员": [("财政局", "{town}中心学校 在编教师"), ("财政局", "{county}交通运输局 事业编制")],
    "工商注册": [("市场监管局", "商洛市{town}商贸有限公司 法定代表人，注册资本50万元"),
                 ("市场监管局", "{county}{town}建材经营部 经营者，存续")],
    "城镇购房": [("不动产登记中心", "{county}城区龙凤小区 住宅 89.5平方米"),
                 ("不动产登记中心", "西安市未央区 商品住宅 102平方米")],
    "车辆": [("车管所", "大众朗逸 小型轿车，购置价格98000元"), ("车管所", "丰田卡罗拉 小型轿车"),
             ("车管所", "长城哈弗H6 小型越野车，购置价格112000元")],
    "服刑人员": [("公安局", "商洛监狱 服刑，刑期至2021年3月")],
    "死亡": [("公安局", "户籍已注销（死亡）")],
}


def mirror(ctx: Ctx, rule: str, household_id: str, note: str) -> None:
    """rules.md: D1, D2, D6-D8, D11, D12 are also reported on the household's registry row."""
    ctx.home(household_id).plant(rule, None, "mirror on the registry row: " + note, keep=True)


def _screening_sheet(ctx: Ctx) -> Sheet:
    return next(f for f in ctx.files["screening"] if not f.defects).sheets[0]


def _free_person(ctx: Ctx) -> tuple[Household, Person] | None:
    """An adult of a random untouched household; the household is marked used."""
    for hh in _untouched(ctx):
        adults = [p for p in hh.members if p.age >= 18]
        if adults and hh.hid not in ctx.used:
            ctx.used.add(hh.hid)
            return hh, ctx.rng.choice(adults)
    return None


def _untouched(ctx: Ctx) -> Iterator[Household]:
    """Random households, then (if none of those would do) every untouched one, shuffled."""
    homes = ctx.w.households
    yield from (ctx.rng.choice(homes) for _ in range(TRIES if homes else 0))
    rest = [h for h in homes if h.hid not in ctx.used]
    yield from ctx.rng.sample(rest, len(rest))


def _finding(ctx: Ctx, category: str, rule: str) -> None:
    found = _free_person(ctx)
    if not found:
        return
    hh, p = found
    source, detail = ctx.rng.choice(_SCREENING[category])
    town, county = hh.village.township.name, hh.village.county.name
    as_of = ctx.w.period.as_of
    rec = person_rec(p, hh, {"finding_category": category, "finding_source": source,
                             "finding_detail": detail.format(town=town, county=county),
                             "registration_date": day_between(as_of - timedelta(days=700), as_of - timedelta(days=5), ctx.rng)})
    rec.plant(rule, "finding_category", f"screening: {category}", keep=True)
    mirror(ctx, rule, hh.hid, f"screening: {category}")
    ctx.insert(_screening_sheet(ctx), rec)


def d1(ctx: Ctx, n: int) -> None:
    one_row = _one_row(ctx)
    for where in spread(ctx.rng, n, ["social_security", "screening"]):
        if where == "screening":
            _finding(ctx, "死亡", "D1")
            continue
        for _, _, rec in ctx.choose(ctx.locs("social_security"), 1, one_row):
            died = ctx.w.period.as_of - timedelta(days=ctx.rng.randint(20, 200))
            rec.values.update(is_deceased=True, death_date=died)
            rec.plant("D1", "is_deceased", "deregistered as dead, still in the registry", keep=True)
            mirror(ctx, "D1", rec.household_id, "deregistered as dead")


def _one_row(ctx: Ctx) -> Callable[[Loc], bool]:
    rows = Counter(r.person_id for _, _, r in ctx.locs("social_security"))

    def test(loc: Loc) -> bool:
        return rows[loc[2].person_id] == 1
    return test


def d2(ctx: Ctx, n: int) -> None:
    for category in spread(ctx.rng, n, ["财政供养人员", "工商注册", "城镇购房", "车辆"]):
        _finding(ctx, category, "D2")


def d12(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        _finding(ctx, "服刑人员", "D12")


def _housing_files(ctx: Ctx) -> dict[str, Sheet]:
    """The first usable housing file with rows of each county."""
    out: dict[str, Sheet] = {}
    for f in ctx.files["housing"]:
        for county in {r.county for r in f.sheets[0].recs} if not f.defects else ():
            out.setdefault(county, f.sheets[0])
    return out


def d3(ctx: Ctx, n: int) -> None:
    """An exited household whose house is C/D, not renovated, not relocated."""
    with_row = {r.household_id for _, _, r in ctx.locs("housing")}
    homes = [h for h in ctx.w.households if h.exited and not h.relocation and h.hid not in with_row
             and h.hid not in ctx.used]
    sheets = _housing_files(ctx)
    for hh in ctx.rng.sample(homes, min(n, len(homes))):
        sheet = sheets.get(hh.village.county.code)
        if sheet is None:
            continue
        ctx.used.add(hh.hid)
        start = ctx.w.period.as_of - timedelta(days=ctx.rng.randint(20, 120)) if ctx.rng.random() < 0.5 else None
        rec = head_rec(hh, {"county_name": hh.village.county.name, "township_name": hh.village.township.name,
                            "village_name": hh.village.name, "house_grade": ctx.rng.choice(("C级", "D级")),
                            "renovation_mode": None, "works_start_date": start, "acceptance_date": None,
                            "subsidy_amount": None, "subsidy_paid_date": None})
        rec.plant("D3", "house_grade", "已脱贫 with a C/D house, no accepted renovation, not relocated", keep=True)
        ctx.insert(sheet, rec)


def d4(ctx: Ctx, n: int) -> None:
    as_of = ctx.w.period.as_of
    def early(loc: Loc) -> bool:
        accepted = loc[2].values.get("acceptance_date")
        return isinstance(accepted, date) and accepted <= as_of - timedelta(days=50)
    for _, _, rec in ctx.choose(ctx.locs("housing"), n, early):
        accepted = rec.values["acceptance_date"]
        assert isinstance(accepted, date)
        late = min(as_of, accepted + timedelta(days=ctx.rng.randint(45, 150)))
        paid = None if ctx.rng.random() < 0.3 else late
        rec.values["subsidy_paid_date"] = paid
        rec.plant("D4", "subsidy_paid_date", f"subsidy {'unpaid' if paid is None else 'paid'} more than 30 days "
                  "after acceptance", keep=True)


def d5(ctx: Ctx, n: int) -> None:
    def moved(loc: Loc) -> bool:
        return isinstance(loc[2].values.get("moved_in_date"), date)
    for _, _, rec in ctx.choose(ctx.locs("relocation"), n, moved):
        completed = rec.values["house_completed_date"]
        assert isinstance(completed, date)
        rec.values["moved_in_date"] = completed - timedelta(days=ctx.rng.randint(10, 60))
        rec.plant("D5", "moved_in_date", "moved in before the house was completed", keep=True)


def d6(ctx: Ctx, n: int) -> None:
    def compulsory(loc: Loc) -> bool:
        return 6 <= ctx.person(loc[2]).age <= 15 and ctx.household(loc[2]).exited
    for _, _, rec in ctx.choose(ctx.locs("education"), n, compulsory):
        rec.values["enrolment_status"] = "辍学"
        rec.plant("D6", "enrolment_status", "compulsory-age dropout in an exited household", keep=True)
        mirror(ctx, "D6", rec.household_id, "compulsory-age dropout")


def d7(ctx: Ctx, n: int) -> None:
    for _, _, rec in ctx.choose(ctx.locs("health"), n, lambda loc: ctx.household(loc[2]).exited):
        column = ctx.rng.choice(("basic_medical_insurance", "serious_illness_insurance"))
        rec.values[column] = "未参保"
        rec.plant("D7", column, "uninsured member of an exited household", keep=True)
        mirror(ctx, "D7", rec.household_id, "uninsured member")


def d8(ctx: Ctx, n: int) -> None:
    for _, _, rec in ctx.choose(ctx.locs("infrastructure", "infra_household"), n,
                                lambda loc: ctx.household(loc[2]).exited):
        rec.values["drinking_water_safety"] = "不达标"
        rec.plant("D8", "drinking_water_safety", "unsafe water in an exited household", keep=True)
        mirror(ctx, "D8", rec.household_id, "unsafe water")


def d10(ctx: Ctx, n: int) -> None:
    for _, _, rec in ctx.choose(ctx.locs("health"), n, lambda loc: ctx.person(loc[2]).health == ["健康"]):
        rec.values["disease_category"] = ctx.rng.choice(("大病", "重病"))
        rec.plant("D10", "disease_category", "registry says 健康", keep=True)


def d11(ctx: Ctx, n: int) -> None:
    for i in range(n):
        if i % 2 == 0:      # flagged in the registry, not on the relocation list: the registry row
            pick = ctx.choose(ctx.locs("registry", "registry_household"), 1,
                              lambda loc: not ctx.household(loc[2]).relocation)
            for _, _, rec in pick:
                rec.values["is_relocation_household"] = True
                rec.plant("D11", "is_relocation_household", "registry flag 是, not on the relocation list", keep=True)
            continue
        for _, _, rec in ctx.choose(ctx.locs("relocation"), 1):     # on the list, flag 否: the relocation row
            home = ctx.home(rec.household_id)
            home.values["is_relocation_household"] = False
            rec.plant("D11", None, "on the relocation list, registry flag 否", keep=True)
            home.plant("D11", "is_relocation_household", "mirror on the registry row: on the relocation list, flag 否",
                       keep=True)


__all__ = ["d1", "d10", "d11", "d12", "d2", "d3", "d4", "d5", "d6", "d7", "d8"]
