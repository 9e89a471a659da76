"""Shared machinery of defect planting: where rows are, which households are still untouched."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from pipelines.generate.facts import World
from pipelines.generate.model import Household, Person
from pipelines.generate.records import Defect, FileData, Rec, Sheet

Loc = tuple[FileData, Sheet, Rec]
LocsKey = tuple[str, str | None, str | None]       # (office, table or None, column or None)
CONSEQUENCE = "consequence: "
TRIES = 64                                          # random draws before listing every candidate


def _anything(_: Loc) -> bool:
    return True


@dataclass
class Ctx:
    w: World
    rng: random.Random
    files: dict[str, list[FileData]]
    used: set[str] = field(default_factory=set)                    # household ids already defected
    loose: list[tuple[str, Defect]] = field(default_factory=list)  # (office, defect) with no row (B5)
    # locs() per (office, table, column), with the usable files they were built from; kept up to date
    # by insert/add/drop (rows are never otherwise moved during planting)
    _locs: dict[LocsKey, tuple[tuple[int, ...], list[Loc]]] = field(default_factory=dict, repr=False)
    _homes: dict[str, Rec] = field(default_factory=dict, repr=False)

    def locs(self, office: str, table: str | None = None, column: str | None = None) -> list[Loc]:
        """Rows of the office's usable files (of `table`; with a value in `column`). Shared: do not mutate."""
        usable = [f for f in self.files.get(office, []) if not f.defects]
        stamp = tuple(id(f) for f in usable)
        key = (office, table, column)
        if key not in self._locs or self._locs[key][0] != stamp:
            if table is None and column is None:
                rows = [(f, s, r) for f in usable for s in f.sheets for r in s.recs]
            else:
                parent = self.locs(office, table if column else None)
                rows = [loc for loc in parent if _fits(loc, table, column)]
            self._locs[key] = (stamp, rows)
        return self._locs[key][1]

    def forget(self) -> None:
        """Drop the cached locs (memory: planting is over)."""
        self._locs.clear()
        self._homes.clear()

    def home(self, household_id: str) -> Rec:
        """The household's 户信息 row."""
        if not self._homes:
            self._homes = {r.household_id: r for _, _, r in self.locs("registry", "registry_household")}
        return self._homes[household_id]

    def free(self, rec: Rec) -> bool:
        return bool(rec.household_id) and rec.household_id not in self.used and not rec.defects

    def choose(self, locs: list[Loc], n: int, pred: Callable[[Loc], bool] = _anything, *,
               claim: bool = True) -> list[Loc]:
        """Up to `n` random rows of untouched households (one per household) matching `pred`; marked used
        (unless not `claim`). Random rows are drawn; when matches are rare, every match is listed."""
        picked: list[Loc] = []
        for _ in range(TRIES * (n + 1) if locs else 0):
            if len(picked) == n:
                return picked
            self._take(picked, locs[self.rng.randrange(len(locs))], pred, claim)
        if len(picked) < n:
            rest = [loc for loc in locs if self.free(loc[2]) and pred(loc)]
            for loc in self.rng.sample(rest, len(rest)):
                if len(picked) == n:
                    break
                self._take(picked, loc, pred, claim)
        return picked

    def _take(self, picked: list[Loc], loc: Loc, pred: Callable[[Loc], bool], claim: bool) -> None:
        if self.free(loc[2]) and pred(loc) and (claim or all(p[2] is not loc[2] for p in picked)):
            picked.append(loc)
            if claim:
                self.used.add(loc[2].household_id)

    def person(self, rec: Rec) -> Person:
        return self.w.person[rec.person_id]

    def household(self, rec: Rec) -> Household:
        return self.w.household[rec.household_id]

    def insert(self, sheet: Sheet, rec: Rec, at: int | None = None) -> None:
        """A new row in the sheet (by default not at the very top: files grow at the bottom)."""
        if at is None:
            at = self.rng.randint(min(1, len(sheet.recs)), len(sheet.recs))
        sheet.recs.insert(at, rec)
        self.add(sheet, [rec])

    def add(self, sheet: Sheet, recs: list[Rec]) -> None:
        """Rows just put into `sheet` (by the caller): into the cached locs."""
        f = next(f for fs in self.files.values() for f in fs if any(s is sheet for s in f.sheets))
        for (office, table, column), (_, rows) in self._locs.items():
            if office == f.office and not f.defects:
                rows.extend(loc for loc in ((f, sheet, r) for r in recs) if _fits(loc, table, column))

    def drop(self, gone: list[Loc]) -> None:
        """Take rows out of their sheets (and the cached locs), one pass per sheet."""
        ids = {id(r) for _, _, r in gone}
        for sheet in {id(s): s for _, s, _ in gone}.values():
            sheet.recs[:] = [r for r in sheet.recs if id(r) not in ids]
        offices = {f.office for f, _, _ in gone}
        for (office, _, _), (_, rows) in self._locs.items():
            if office in offices:
                rows[:] = [loc for loc in rows if id(loc[2]) not in ids]

    def lose(self, office: str, rule: str, note: str, hid: str = "", pid: str = "") -> None:
        self.loose.append((office, Defect(rule, None, note, hid, pid)))

    def lose_coverage(self, office: str, rec: Rec, why: str) -> None:
        """An exhaustive sender's row that will be rejected: its person/household is then uncovered."""
        if office == "health":
            self.lose("health", "B5", CONSEQUENCE + why, rec.household_id, rec.person_id)
        elif office == "infrastructure" and rec.values.get("head_id_number"):
            self.lose("infrastructure", "B5", CONSEQUENCE + why, rec.household_id, "")


def _fits(loc: Loc, table: str | None, column: str | None) -> bool:
    return table in (None, loc[1].table) and (column is None or loc[2].values.get(column) is not None)


def spread(rng: random.Random, n: int, options: list[str]) -> list[str]:
    """`n` choices cycling through a shuffled copy of `options` (every option used when n allows)."""
    order = rng.sample(options, len(options))
    return [order[i % len(order)] for i in range(n)]
