"""Section A defects (reading a row), on sector rows and registry rows (never the registry's keys)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import timedelta
from itertools import accumulate

from pipelines.generate import ids
from pipelines.generate.plant import CONSEQUENCE, TRIES, Ctx, Loc, spread
from pipelines.generate.records import Cell, FileData, Rec, Sheet

Maker = Callable[[FileData, str], Cell]

# (office, table, column) of sector key IDs: rejecting the row has no side effect but B5.
KEY_IDS = [("industry", "industry", "head_id_number"), ("employment", "employment", "id_number"),
           ("ecology", "ecology", "id_number"), ("education", "education", "id_number"),
           ("health", "health", "id_number"), ("social_security", "social_security", "id_number"),
           ("housing", "housing", "head_id_number"), ("infrastructure", "infra_household", "head_id_number"),
           ("screening", "screening", "id_number")]
BAD_CODES = [("industry", "driving_mode", "政府带动"), ("employment", "work_region", "国外"),
             ("relocation", "placement_mode", "插花安置"), ("education", "enrolment_status", "待定"),
             ("health", "basic_medical_insurance", "待核实"), ("health", "family_doctor_signed", "不详"),
             ("housing", "renovation_mode", "维修"), ("infrastructure", "water_supply_mode", "自备井")]
BAD_DATES = [("employment", "employment_registration_date"), ("housing", "works_start_date"),
             ("social_security", "assistance_start_date"), ("screening", "registration_date")]
BAD_MONEY = [("industry", "operating_income"), ("industry", "support_funds"), ("employment", "monthly_wage"),
             ("ecology", "grain_for_green_subsidy"), ("education", "aid_amount"), ("health", "inpatient_reimbursement"),
             ("social_security", "monthly_amount"), ("housing", "subsidy_amount"),
             ("infrastructure", "natural_villages_30plus_with_road")]


def _on_key(ctx: Ctx, office: str, table: str, column: str, make: Maker, rule: str, note: str) -> None:
    for f, _, rec in ctx.choose(ctx.locs(office, table, column), 1, _filled(column)):
        rec.plant(rule, column, note, make(f, str(rec.values[column])))
        ctx.lose_coverage(office, rec, f"{rule} on the key of this person's/household's row in {f.name}")


def _bad_id(ctx: Ctx, variant: str) -> Maker:
    def make(f: FileData, value: str) -> Cell:
        if variant == "check":
            return ids.bad_check(value)
        if variant == "length":
            return value[:16] + value[-1]
        if variant == "placeholder":
            return ids.placeholder(ctx.rng)
        return ids.future_birth(value, ctx.w.period.as_of)
    return make


def a1(ctx: Ctx, n: int) -> None:
    variants = spread(ctx.rng, n, ["check", "length", "placeholder", "future"])
    for i, variant in enumerate(variants):
        note = {"check": "bad check character", "length": "17 characters", "placeholder": "999999 placeholder",
                "future": "birth date after the as-of date"}[variant]
        if i == 0:
            _registry_id(ctx, "A1", note, _bad_id(ctx, variant))
        elif i % 4 == 3:
            _guardian(ctx, "A1", note, _bad_id(ctx, variant))
        else:
            office, table, column = ctx.rng.choice(KEY_IDS)
            _on_key(ctx, office, table, column, _bad_id(ctx, variant), "A1", note + " (key: row rejected)")


def _numeric(f: FileData, value: str) -> Cell:
    return ids.scientific(value) if f.fmt == "csv" else ids.excel_rounded(value)


def a2(ctx: Ctx, n: int) -> None:
    for i in range(n):
        if i == 0:
            _registry_id(ctx, "A2", "18-digit ID stored as a number", _numeric)
        elif i % 4 == 3:
            _guardian(ctx, "A2", "18-digit ID stored as a number", _numeric)
        else:
            office, table, column = ctx.rng.choice(KEY_IDS)
            _on_key(ctx, office, table, column, _numeric, "A2", "18-digit ID stored as a number (key: row rejected)")


def _guardian(ctx: Ctx, rule: str, note: str, make: Maker) -> None:
    column = "guardian_id_number"
    for f, _, rec in ctx.choose(ctx.locs("education", None, column), 1, _filled(column)):
        rec.plant(rule, "guardian_id_number", note + " (not the key: warning)", make(f, str(rec.values["guardian_id_number"])))


def _registry_id(ctx: Ctx, rule: str, note: str, make: Maker) -> None:
    """A member's 证件号码 in 人员信息: the member then matches no sector row (B1 + B5 on health)."""
    busy = {r.person_id for o in ctx.files if o not in ("registry", "health") for _, _, r in ctx.locs(o)}
    busy |= {str(r.values.get("guardian_id_number")) for _, _, r in ctx.locs("education")}
    def idle(loc: Loc) -> bool:
        v = loc[2].values
        return v["relation_to_head"] != "户主" and loc[2].person_id not in busy and str(v["id_number"]) not in busy
    for f, _, rec in ctx.choose(ctx.locs("registry", "registry_person"), 1, idle):
        rec.plant(rule, "id_number", note + " (registry member, not a key)", make(f, str(rec.values["id_number"])))
        for _, _, hrec in ctx.locs("health"):
            if hrec.person_id == rec.person_id:
                hrec.plant("B1", None, CONSEQUENCE + f"{rule} in the registry: this ID matches no member", keep=True)
        ctx.lose("health", "B5", CONSEQUENCE + f"{rule} in the registry: no health row matches the member",
                 rec.household_id, rec.person_id)


def a3(ctx: Ctx, n: int) -> None:
    def old(f: FileData, value: str) -> Cell:
        short = ids.to15(value) or value
        return int(short) if f.fmt != "csv" and ctx.rng.random() < 0.4 else short
    def born_1900s(loc: Loc) -> bool:
        return str(loc[2].values.get("id_number") or loc[2].values.get("head_id_number"))[6:8] == "19"
    for i in range(n):
        if i == 0:
            for f, _, rec in ctx.choose(ctx.locs("registry", "registry_person"), 1, born_1900s):
                rec.plant("A3", "id_number", "15-digit old ID (upgraded, info)", old(f, str(rec.values["id_number"])))
            continue
        office, table, column = ctx.rng.choice(KEY_IDS)
        for f, _, rec in ctx.choose(ctx.locs(office, table, column), 1, born_1900s):
            rec.plant("A3", column, "15-digit old ID (upgraded, info)", old(f, str(rec.values[column])))


def _filled(column: str) -> Callable[[Loc], bool]:
    def test(loc: Loc) -> bool:
        return bool(loc[2].values.get(column))
    return test


def _has(column: str) -> Callable[[Loc], bool]:
    def test(loc: Loc) -> bool:
        return loc[2].values.get(column) is not None
    return test


def a5(ctx: Ctx, n: int) -> None:
    for i in range(n):
        if i == 0:
            for _, _, rec in ctx.choose(ctx.locs("registry", "registry_person"), 1):
                rec.plant("A5", "education_level", "code outside the set", "初小")
            continue
        office, column, bad = ctx.rng.choice(BAD_CODES)
        for _, _, rec in ctx.choose(ctx.locs(office, None, column), 1, _has(column)):
            rec.plant("A5", column, "code outside the set", bad)


def a6(ctx: Ctx, n: int) -> None:
    as_of = ctx.w.period.as_of
    later = as_of + timedelta(days=45)
    for i, bad in enumerate(spread(ctx.rng, n, [f"{as_of.year}年2月30日", f"{as_of.year}.13.5", "待定",
                                                 later.isoformat()])):
        if i == 0:
            for _, _, rec in ctx.choose(ctx.locs("registry", "registry_household"), 1):
                rec.plant("A6", "first_identified_date", "unparseable or future date", bad)
            continue
        office, column = ctx.rng.choice(BAD_DATES)
        for _, _, rec in ctx.choose(ctx.locs(office, None, column), 1, _has(column)):
            rec.plant("A6", column, "unparseable or future date", bad)


def _bad_amount(f: FileData, kind: str, value: float) -> Cell:
    if kind == "negative":
        amount = -abs(value) or -300.0
        return str(amount) if f.fmt == "csv" else amount
    if kind == "wan":
        return "0.35万元"
    return "3500000" if f.fmt == "csv" else 3500000


def a7(ctx: Ctx, n: int) -> None:
    for i, kind in enumerate(spread(ctx.rng, n, ["negative", "wan", "negative", "range"])):
        if i == 0:
            for f, _, rec in ctx.choose(ctx.locs("registry", "registry_household"), 1):
                rec.plant("A7", "income_per_capita", "negative money", _bad_amount(f, "negative", float(rec.values["income_per_capita"])))  # type: ignore[arg-type]
            continue
        office, column = ctx.rng.choice(BAD_MONEY)
        for f, s, rec in ctx.choose(ctx.locs(office, None, column), 1, _has(column)):
            if kind == "wan" and s.header_units.get(column) == "万元" or column.startswith("natural"):
                kind = "negative"
            note = {"negative": "negative value", "wan": "0.35万元 in a 元 column", "range": "beyond the plausible bound"}[kind]
            rec.plant("A7", column, note, _bad_amount(f, kind, float(rec.values[column])))  # type: ignore[arg-type]


def a8(ctx: Ctx, n: int) -> None:
    """A later copy of a row in the same sheet (the copy is the defect)."""
    offices = spread(ctx.rng, n, ["health", "employment", "industry", "social_security", "education", "housing"])
    for office in offices:
        for _, s, rec in ctx.choose(ctx.locs(office), 1):
            twin = Rec(dict(rec.values), rec.household_id, rec.person_id, rec.county, dict(rec.raw))
            twin.plant("A8", None, "duplicate key: the later row", keep=True)
            where = s.recs.index(rec)
            ctx.insert(s, twin, ctx.rng.randint(where + 1, min(len(s.recs), where + 25)))


def a9(ctx: Ctx, n: int) -> None:
    """Excel auto-fill: 3-4 consecutive rows whose IDs count up from the first row's."""
    known = ctx.w.ids.ids
    for office in spread(ctx.rng, n, ["employment", "ecology", "education", "social_security", "industry"]):
        column = "head_id_number" if office == "industry" else "id_number"
        k = ctx.rng.choice((3, 4))
        run = _run(ctx, office, column, k)
        if run is None:
            continue
        s, start = run
        first = str(s.recs[start].values[column])
        if any(ids.autofill(first, j) in known for j in range(1, k)):
            continue
        for j in range(k):
            ctx.used.add(s.recs[start + j].household_id)
        for j in range(1, k):
            _autofill_row(s.recs[start + j], column, ids.autofill(first, j), j)


def _autofill_row(rec: Rec, column: str, value: str, j: int) -> None:
    rec.glued = True
    rec.plant("A9", column, f"auto-filled ID: first row's ID +{j}", value)
    if not ids.check_ok(value):
        rec.plant("A1", column, CONSEQUENCE + "auto-filled ID fails the check character (key: row rejected)", keep=True)
    else:
        rec.plant("B1", None, CONSEQUENCE + "auto-filled ID passes the check but is in no registry", keep=True)


def _run(ctx: Ctx, office: str, column: str, k: int) -> tuple[Sheet, int] | None:
    """A random run of `k` rows of untouched households, the first ID ending in a digit (window starts
    are drawn at random; when such runs are rare, every one is listed)."""
    sheets = [s for f in ctx.files.get(office, []) if not f.defects for s in f.sheets if len(s.recs) >= k]
    ends = list(accumulate(len(s.recs) - k + 1 for s in sheets))
    for _ in range(TRIES if sheets else 0):
        start = ctx.rng.randrange(ends[-1])
        i = bisect_right(ends, start)
        start -= ends[i - 1] if i else 0
        if _run_ok(ctx, sheets[i], start, k, column):
            return sheets[i], start
    runs = [(s, i) for s in sheets for i in range(len(s.recs) - k + 1) if _run_ok(ctx, s, i, k, column)]
    return ctx.rng.choice(runs) if runs else None


def _run_ok(ctx: Ctx, s: Sheet, start: int, k: int, column: str) -> bool:
    window = s.recs[start:start + k]
    return all(ctx.free(r) for r in window) and str(window[0].values.get(column, "X"))[-1].isdigit()
