"""Section B defects (tying a row to the registry), on sector rows; B5 has no row."""

from __future__ import annotations

from collections.abc import Callable

from pipelines.generate.names import full_name, misspell
from pipelines.generate.places import COUNTIES
from pipelines.generate.plant import Ctx, Loc, spread
from pipelines.generate.records import Rec, Sheet

_NAME_COLUMNS = {"industry": "head_name", "housing": "head_name", "relocation": "head_name",
                 "infrastructure": "head_name", "employment": "name", "ecology": "name", "education": "name",
                 "health": "name", "social_security": "name"}
_COUNTY_BY_NAME = {c.name: c for c in COUNTIES}


def b1(ctx: Ctx, n: int) -> None:
    """A row for someone who is not in the registry (a copy of a real row, another person)."""
    for office in spread(ctx.rng, n, ["social_security", "employment", "health", "industry", "ecology"]):
        for _, sheet, model in ctx.choose(ctx.locs(office), 1, claim=False):
            _stranger(ctx, sheet, model)


def _stranger(ctx: Ctx, sheet: Sheet, model: Rec) -> None:
    """A copy of `model` for a valid ID of nobody in the registry, somewhere in the sheet."""
    sex = ctx.rng.choice("男女")
    year = ctx.rng.randint(1950, 1998)
    county = next(c for c in COUNTIES if c.code == model.county)
    stranger = ctx.w.ids.stranger(county, year, sex)
    key = "head_id_number" if "head_id_number" in model.values else "id_number"
    name_col = "head_name" if key == "head_id_number" else "name"
    rec = Rec({**model.values, key: stranger, name_col: full_name(ctx.rng, sex, year)}, county=model.county)
    rec.plant("B1", key, "a valid ID that is not in the registry", keep=True)
    ctx.insert(sheet, rec)


def b2(ctx: Ctx, n: int) -> None:
    for office in spread(ctx.rng, n, list(_NAME_COLUMNS)):
        column = _NAME_COLUMNS[office]
        def named(loc: Loc, c: str = column) -> bool:
            return bool(loc[2].values.get(c))
        for _, _, rec in ctx.choose(ctx.locs(office, None, column), 1, named):
            right = str(rec.values[column])
            rec.plant("B2", column, f"name differs from the registry's ({right})", keep=True)
            rec.values[column] = misspell(right, ctx.rng)


def b3(ctx: Ctx, n: int) -> None:
    """A household-level row naming the spouse instead of the head."""
    for office in spread(ctx.rng, n, ["industry", "housing"]):
        def has_spouse(loc: Loc) -> bool:
            hh = ctx.household(loc[2])
            return len(hh.members) > 1 and hh.members[1].relation == "配偶"
        for _, _, rec in ctx.choose(ctx.locs(office), 1, has_spouse):
            spouse = ctx.household(rec).members[1]
            rec.values.update(head_name=spouse.name, head_id_number=spouse.id_number)
            rec.person_id = spouse.pid
            rec.plant("B3", "head_id_number", "the row names a member who is not the head", keep=True)


def b4(ctx: Ctx, n: int) -> None:
    """Another county written in a file whose scope already includes that county (no scope change)."""
    offices = ["relocation", "housing", "employment"]
    counties = {id(f): sorted({r.county for r in f.sheets[0].recs if r.county}) for o in offices
                for f in ctx.files.get(o, [])}
    for office in spread(ctx.rng, n, offices):
        for f in ctx.rng.sample(ctx.files.get(office, []), len(ctx.files.get(office, []))):
            if f.fmt == "csv" or f.defects or len(counties[id(f)]) < 2:
                continue
            picked = ctx.choose(ctx.locs(office), 1, _in_sheet(f.sheets[0]))
            for _, _, rec in picked:
                others = [c for c in COUNTIES if c.code in counties[id(f)] and c.code != rec.county]
                other = ctx.rng.choice(others)
                rec.plant("B4", "county_name", f"county differs from the registry's ({rec.values['county_name']})",
                          keep=True)
                rec.values["county_name"] = other.name
            if picked:
                break


def _in_sheet(sheet: Sheet) -> Callable[[Loc], bool]:
    def test(loc: Loc) -> bool:
        return loc[1] is sheet
    return test


def b5(ctx: Ctx, n: int) -> None:
    """An exhaustive sender leaves someone out: no row at all (manifest line without file/row)."""
    gone = []
    for office in spread(ctx.rng, n, ["health", "infrastructure"]):
        table = "health" if office == "health" else "infra_household"
        for loc in ctx.choose(ctx.locs(office, table), 1):
            gone.append(loc)
            hid, pid = loc[2].household_id, loc[2].person_id if office == "health" else ""
            ctx.lose(office, "B5", "no row for this registered " + ("person" if pid else "household"), hid, pid)
    ctx.drop(gone)


__all__ = ["b1", "b2", "b3", "b4", "b5"]
