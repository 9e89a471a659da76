"""Section C defects: the registry itself (recorded on 户信息 or 人员信息 rows, never on its keys)."""

from __future__ import annotations

from pipelines.generate.places import UNKNOWN_VILLAGE_NAMES
from pipelines.generate.plant import Ctx, Loc
from pipelines.generate.records import Rec


def _homes(ctx: Ctx) -> list[Loc]:
    return ctx.locs("registry", "registry_household")


def _people(ctx: Ctx) -> list[Loc]:
    return ctx.locs("registry", "registry_person")


def c1(ctx: Ctx, n: int) -> None:
    """One person registered in two households (the second household's size counts them)."""
    copies: dict[str, Rec] = {}              # host household -> the copy, added after its last member
    for _ in range(n):
        picked = ctx.choose(_people(ctx), 2, lambda loc: loc[2].values["relation_to_head"] not in ("户主", "配偶"))
        if len(picked) < 2:
            break
        (_, _, original), (_, _, host_member) = picked
        host = ctx.household(host_member)
        seq = max(int(p.pid[-3:]) for p in host.members) + 1
        copy = Rec({**original.values, "household_id": host.hid, "person_id": f"{host.hid}{seq:03d}",
                    "relation_to_head": "其他"}, host.hid, f"{host.hid}{seq:03d}", host_member.county)
        copies[host.hid] = copy
        home = ctx.home(host.hid)
        home.values["household_size"] = int(home.values["household_size"]) + 1   # type: ignore[call-overload]
        note = f"the same ID in households {original.household_id} and {host.hid}"
        original.plant("C1", "id_number", note, keep=True)
        copy.plant("C1", "id_number", note, keep=True)
    _add_members(ctx, copies)


def _add_members(ctx: Ctx, copies: dict[str, Rec]) -> None:
    """Each copy right after the last member row of its household, in one pass over each 人员信息."""
    for f in ctx.files["registry"]:
        for people in (s for s in f.sheets if s.table == "registry_person"):
            last = {r.household_id: i for i, r in enumerate(people.recs) if r.household_id in copies}
            rows: list[Rec] = []
            for i, r in enumerate(people.recs):
                rows.append(r)
                if last.get(r.household_id) == i:
                    rows.append(copies[r.household_id])
            people.recs[:] = rows
            ctx.add(people, [copies[hid] for hid in last])


def c2(ctx: Ctx, n: int) -> None:
    for _, _, rec in ctx.choose(_homes(ctx), n):
        size = int(rec.values["household_size"])   # type: ignore[call-overload]
        wrong = size + 1 if size == 1 or ctx.rng.random() < 0.5 else size - 1
        rec.plant("C2", "household_size", f"家庭人口数 {wrong}, member rows {size}", keep=True)
        rec.values["household_size"] = wrong


def c3(ctx: Ctx, n: int) -> None:
    """Two heads: the spouse is also marked 户主 (recorded on the household row)."""
    def spouse_row(loc: Loc) -> bool:
        return loc[2].values["relation_to_head"] == "配偶"
    for _, _, rec in ctx.choose(_people(ctx), n, spouse_row):
        rec.values["relation_to_head"] = "户主"
        note = f"two heads: member {rec.person_id} is also 户主"
        ctx.home(rec.household_id).plant("C3", None, note, keep=True)


def c4(ctx: Ctx, n: int) -> None:
    children = ("之子", "之女", "之孙子", "之孙女")
    for _, _, rec in ctx.choose(_people(ctx), n, lambda loc: loc[2].values["relation_to_head"] in children):
        right = str(rec.values["sex"])
        rec.values["sex"] = "女" if right == "男" else "男"
        rec.plant("C4", "sex", f"sex contradicts the ID's sex digit ({right})", keep=True)


def c5(ctx: Ctx, n: int) -> None:
    """A school grade impossible at the member's age."""
    def young_pupil(loc: Loc) -> bool:
        return loc[2].values["school_status"] == "小学" and 6 <= ctx.person(loc[2]).age <= 9
    for _, _, rec in ctx.choose(_people(ctx), n, young_pupil):
        rec.values["school_status"] = "高中二年级"
        rec.plant("C5", "school_status", f"age {ctx.person(rec).age} in 高中二年级", keep=True)


def c7(ctx: Ctx, n: int) -> None:
    def healthy_home(loc: Loc) -> bool:
        hh = ctx.household(loc[2])
        return hh.cause not in ("因病", "因残") and not any(p.ill for p in hh.members)
    for _, _, rec in ctx.choose(_homes(ctx), n, healthy_home):
        rec.values["main_poverty_cause"] = "因病"
        rec.plant("C7", "main_poverty_cause", "因病 with no ill member", keep=True)


def c8(ctx: Ctx, n: int) -> None:
    for i, (_, _, rec) in enumerate(ctx.choose(_homes(ctx), n)):
        right = rec.values["village_name"]
        rec.values["village_name"] = UNKNOWN_VILLAGE_NAMES[i % len(UNKNOWN_VILLAGE_NAMES)]
        rec.plant("C8", "village_name", f"village not in the gazetteer (really {right})", keep=True)


__all__ = ["c1", "c2", "c3", "c4", "c5", "c7", "c8"]
