"""Registered households and their members: composition, ages, IDs, schooling, health, labour."""

from __future__ import annotations

import random
from datetime import date, timedelta

from pipelines.generate.ids import IdFactory, id_place
from pipelines.generate.model import Household, Person, Village, age_at, safe_date
from pipelines.generate.names import full_name, mobile, surname

SIZE_WEIGHTS = {1: 15, 2: 25, 3: 27, 4: 20, 5: 10, 6: 3}
Member = tuple[str, str, int]        # relation, sex, age
_CN_NUMBERS = "一二三四五六七八九十"
_KID = {"男": "之子", "女": "之女"}
_GRANDKID = {"男": "之孙子", "女": "之孙女"}


def _other(sex: str) -> str:
    return "女" if sex == "男" else "男"


def _spouse(head_sex: str, head_age: int, rng: random.Random) -> Member:
    return ("配偶", _other(head_sex), max(20, min(92, head_age + rng.randint(-4, 4))))


def _kids(n: int, eldest: int, rng: random.Random, relations: dict[str, str] = _KID) -> list[Member]:
    result: list[Member] = []
    age = eldest
    for _ in range(n):
        sex = rng.choice("男女")
        result.append((relations[sex], sex, max(0, age)))
        age -= rng.randint(2, 5)
    return result


def _nuclear(size: int, rng: random.Random) -> list[Member]:
    n_kids = size - 2
    eldest = rng.randint(max(0, 3 * n_kids - 3), 26)
    head_age = min(62, eldest + rng.randint(21, 32))
    if rng.random() < 0.1:           # a single parent: one more child instead of a spouse
        sex = "女" if rng.random() < 0.6 else "男"
        return [("户主", sex, head_age), *_kids(n_kids + 1, eldest, rng)]
    head_sex = "男" if rng.random() < 0.93 else "女"
    return [("户主", head_sex, head_age), _spouse(head_sex, head_age, rng), *_kids(n_kids, eldest, rng)]


def _three_generations(size: int, rng: random.Random) -> list[Member]:
    core = _nuclear(size - 1, rng)
    parent_age = min(95, core[0][2] + rng.randint(22, 32))
    parent = ("之母", "女", parent_age) if rng.random() < 0.65 else ("之父", "男", parent_age)
    return [*core, parent]


def _grandparents(size: int, rng: random.Random) -> list[Member]:
    head_age = rng.randint(55, 72)
    son_age = head_age - rng.randint(24, 32)
    members = [("户主", "男", head_age), _spouse("男", head_age, rng), ("之子", "男", son_age)]
    if size >= 5:
        members.append(("之儿媳", "女", max(20, son_age + rng.randint(-3, 2))))
    eldest = max(0, min(son_age - 20, rng.randint(3, 14)))
    return members + _kids(size - len(members), eldest, rng, _GRANDKID)


def _small(size: int, rng: random.Random) -> list[Member]:
    if size == 1:
        age = rng.randint(55, 88) if rng.random() < 0.75 else rng.randint(30, 55)
        return [("户主", "男" if rng.random() < 0.7 else "女", age)]
    r = rng.random()
    if r < 0.55:
        head_age = rng.randint(50, 82)
        return [("户主", "男", head_age), _spouse("男", head_age, rng)]
    if r < 0.85:
        head_age = rng.randint(40, 68)
        head_sex = "男" if rng.random() < 0.7 else "女"
        return [("户主", head_sex, head_age), *_kids(1, head_age - rng.randint(22, 32), rng)]
    head_age = rng.randint(25, 45)
    return [("户主", "男", head_age), ("之母", "女", min(95, head_age + rng.randint(22, 32)))]


def compose(size: int, rng: random.Random) -> list[Member]:
    """Relations, sexes and ages of a household of `size` (head first)."""
    if size <= 2:
        return _small(size, rng)
    r = rng.random()
    if r < 0.2 and size >= 4:
        return _grandparents(size, rng)
    if r < 0.45:
        return _three_generations(size, rng)
    return _nuclear(size, rng)


def birth_for_age(age: int, as_of: date, rng: random.Random) -> date:
    end = safe_date(as_of.year - age, as_of.month, as_of.day)
    start = safe_date(as_of.year - age - 1, as_of.month, as_of.day) + timedelta(days=1)
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _family_names(members: list[Member], rng: random.Random) -> list[str]:
    """Children carry the father's surname; spouses and in-laws their own."""
    head_family = surname(rng)
    spouse_family = surname(rng)
    father = head_family if members[0][1] == "男" else spouse_family
    result = []
    for relation, _, _ in members:
        if relation == "户主":
            result.append(head_family)
        elif relation in ("之子", "之女", "之孙子", "之孙女", "之父"):
            result.append(father if relation != "之父" else head_family)
        elif relation == "配偶":
            result.append(spouse_family)
        else:
            result.append(surname(rng))
    return result


def make_members(hh: Household, members: list[Member], ids: IdFactory, as_of: date,
                 rng: random.Random) -> None:
    county = hh.village.county
    for seq, ((relation, sex, age), family) in enumerate(zip(members, _family_names(members, rng),
                                                              strict=True), start=1):
        birth = birth_for_age(age, as_of, rng)
        id_number, birth = ids.make(id_place(county, birth, rng), birth, sex, latest=as_of)
        hh.members.append(Person(
            pid=f"{hh.hid}{seq:03d}", hid=hh.hid, name=full_name(rng, sex, birth.year, family),
            id_number=id_number, sex=sex, relation=relation, birth=birth, age=age_at(birth, as_of)))


def _assign_villages(villages: list[Village], n: int, rng: random.Random) -> list[Village]:
    weights = [rng.uniform(0.4, 1.6) for _ in villages]
    chosen = list(villages[:n]) + rng.choices(villages, weights=weights, k=max(0, n - len(villages)))
    order = {v.code: i for i, v in enumerate(villages)}
    return sorted(chosen, key=lambda v: order[v.code])


def build_households(villages: list[Village], n: int, ids: IdFactory, as_of: date,
                     rng: random.Random) -> list[Household]:
    """`n` households spread over the villages (each village at least one), members made."""
    households: list[Household] = []
    seq: dict[str, int] = {}
    sizes, weights = list(SIZE_WEIGHTS), list(SIZE_WEIGHTS.values())
    for village in _assign_villages(villages, n, rng):
        seq[village.code] = seq.get(village.code, 0) + rng.choice((1, 1, 1, 1, 2))
        hh = Household(hid=f"{village.code}{seq[village.code]:04d}", village=village,
                       group=f"{_CN_NUMBERS[rng.randrange(10)]}组", members=[],
                       phone=mobile(rng) if rng.random() < 0.9 else "")
        make_members(hh, compose(rng.choices(sizes, weights=weights)[0], rng), ids, as_of, rng)
        hh.size = len(hh.members)
        households.append(hh)
    return households
