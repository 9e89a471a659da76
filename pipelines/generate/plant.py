"""Shared machinery of defect planting: where rows are, which households are still untouched."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from pipelines.generate.facts import World
from pipelines.generate.model import Household, Person
from pipelines.generate.records import Defect, FileData, Rec, Sheet

Loc = tuple[FileData, Sheet, Rec]
CONSEQUENCE = "consequence: "


@dataclass
class Ctx:
    w: World
    rng: random.Random
    files: dict[str, list[FileData]]
    used: set[str] = field(default_factory=set)                    # household ids already defected
    loose: list[tuple[str, Defect]] = field(default_factory=list)  # (office, defect) with no row (B5)

    def locs(self, office: str, table: str | None = None) -> list[Loc]:
        return [(f, s, r) for f in self.files.get(office, []) if not f.defects for s in f.sheets
                if table is None or s.table == table for r in s.recs]

    def registry(self, table: str) -> tuple[FileData, Sheet]:
        f = self.files["registry"][0]
        return f, next(s for s in f.sheets if s.table == table)

    def free(self, rec: Rec) -> bool:
        return bool(rec.household_id) and rec.household_id not in self.used and not rec.defects

    def choose(self, locs: list[Loc], n: int, pred: Callable[[Loc], bool] = lambda _: True) -> list[Loc]:
        """Up to `n` rows of untouched households (one per household) matching `pred`; marked used."""
        picked: list[Loc] = []
        candidates = [loc for loc in locs if self.free(loc[2]) and pred(loc)]
        for loc in self.rng.sample(candidates, len(candidates)):
            if len(picked) == n:
                break
            if self.free(loc[2]):
                picked.append(loc)
                self.used.add(loc[2].household_id)
        return picked

    def person(self, rec: Rec) -> Person:
        return self.w.person[rec.person_id]

    def household(self, rec: Rec) -> Household:
        return self.w.household[rec.household_id]

    def insert(self, sheet: Sheet, rec: Rec) -> None:
        """A new row somewhere in the sheet (not at the very top: files grow at the bottom)."""
        sheet.recs.insert(self.rng.randint(min(1, len(sheet.recs)), len(sheet.recs)), rec)

    def lose(self, office: str, rule: str, note: str, hid: str = "", pid: str = "") -> None:
        self.loose.append((office, Defect(rule, None, note, hid, pid)))

    def lose_coverage(self, office: str, rec: Rec, why: str) -> None:
        """An exhaustive sender's row that will be rejected: its person/household is then uncovered."""
        if office == "health":
            self.lose("health", "B5", CONSEQUENCE + why, rec.household_id, rec.person_id)
        elif office == "infrastructure" and rec.values.get("head_id_number"):
            self.lose("infrastructure", "B5", CONSEQUENCE + why, rec.household_id, "")


def spread(rng: random.Random, n: int, options: list[str]) -> list[str]:
    """`n` choices cycling through a shuffled copy of `options` (every option used when n allows)."""
    order = rng.sample(options, len(options))
    return [order[i % len(order)] for i in range(n)]
