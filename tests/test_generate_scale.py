"""Defect planting at scale: cached row lists, lazy random picks, sheets that fit their format."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from pipelines.generate import plan_world, senders
from pipelines.generate.plant import Ctx, Loc
from pipelines.generate.records import FileData, Rec, Sheet


def _ctx(households: int = 12, rows_each: int = 3) -> Ctx:
    recs = [Rec({"id_number": str(i) if i % 2 else None}, f"h{i // rows_each}", f"p{i}", "611002")
            for i in range(households * rows_each)]
    sheet = Sheet("Sheet1", "health", [("id_number", "身份证号")], recs)
    files = {"health": [FileData("health", "a.xlsx", "xlsx", [sheet])]}
    return Ctx(None, random.Random(1), files)  # type: ignore[arg-type]


def test_choose_one_row_per_household_matching_and_deterministic() -> None:
    picks = []
    for _ in range(2):
        ctx = _ctx()
        got = ctx.choose(ctx.locs("health"), 5, lambda loc: loc[2].values["id_number"] is not None)
        picks.append([r.person_id for _, _, r in got])
        assert len({r.household_id for _, _, r in got}) == 5 == len(got)
        assert all(r.values["id_number"] is not None for _, _, r in got)
        assert {r.household_id for _, _, r in got} <= ctx.used
    assert picks[0] == picks[1]


def test_choose_rare_and_impossible_matches() -> None:
    ctx = _ctx(households=400)
    rare = ctx.choose(ctx.locs("health"), 3, lambda loc: loc[2].person_id in ("p7", "p700", "p1111"))
    assert sorted(r.person_id for _, _, r in rare) == ["p1111", "p7", "p700"]
    assert ctx.choose(ctx.locs("health"), 1, lambda _: False) == []
    assert ctx.choose([], 2) == []
    everyone = ctx.choose(ctx.locs("health"), 10_000)
    assert len(everyone) == 400 - 3


def test_choose_without_claiming() -> None:
    ctx = _ctx()
    (loc,) = ctx.choose(ctx.locs("health"), 1, claim=False)
    assert not ctx.used and ctx.free(loc[2])


def test_cached_locs_follow_inserts_and_drops() -> None:
    ctx = _ctx()
    every, with_id = ctx.locs("health"), ctx.locs("health", "health", "id_number")
    assert len(every) == 36 and len(with_id) == 18 and ctx.locs("health") is every
    sheet = every[0][1]
    new = Rec({"id_number": "x"}, "h99", "p99", "611002")
    ctx.insert(sheet, new)
    assert new in sheet.recs and any(r is new for _, _, r in every) and any(r is new for _, _, r in with_id)
    gone: list[Loc] = [loc for loc in every if loc[2].household_id == "h0"]
    ctx.drop(gone)
    assert all(r.household_id != "h0" for r in sheet.recs)
    left = ctx.locs("health") + ctx.locs("health", None, "id_number")
    assert all(loc[2].household_id != "h0" for loc in left)
    assert [loc[2] for loc in ctx.locs("health")] == [r for r in sheet.recs if r is not new] + [new]


def test_a_file_with_a_defect_leaves_the_cached_locs() -> None:
    ctx = _ctx()
    assert ctx.locs("health")
    ctx.files["health"][0].defects.append(ctx.files["health"][0].sheets[0].recs[0].plant("F1", None, "x"))
    assert ctx.locs("health") == []


def test_planting_work_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows looked at while planting, per data row: flat from 500 to 4,000 households (it was quadratic)."""
    looked = Counter[int]()
    free = Ctx.free

    def counted(self: Ctx, rec: Rec) -> bool:
        looked[len(self.w.households)] += 1
        return free(self, rec)
    monkeypatch.setattr(Ctx, "free", counted)
    per_row = {}
    for n in (500, 4000):
        ctx = plan_world(n)
        per_row[n] = looked[n] / sum(len(s.recs) for fs in ctx.files.values() for f in fs for s in f.sheets)
    assert per_row[4000] < 2 * per_row[500], per_row


def test_a_registry_too_long_for_a_sheet_is_split_by_county(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(senders, "XLSX_ROWS", 100)
    ctx = plan_world(300)
    files = ctx.files["registry"]
    assert len(files) == 7 and len({f.name for f in files}) == 7
    seen: Counter[str] = Counter()
    for f in files:
        homes, people = f.sheets
        county = {r.county for r in homes.recs}
        assert len(county) == 1 and {r.county for r in people.recs} == county
        assert [s.titles[0].startswith("商洛市" + f.name.split("_")[2]) for s in f.sheets] == [True, True]
        rows: dict[str, list[int]] = {}
        for i, r in enumerate(people.recs):
            rows.setdefault(r.household_id, []).append(i)
        assert all(at == list(range(at[0], at[-1] + 1)) for at in rows.values())     # members together
        seen.update(r.household_id for r in people.recs)
    assert sum(seen.values()) == sum(len(h.members) for h in ctx.w.households) + Counter(
        d.rule for f in files for r in f.sheets[1].recs for d in r.defects)["C1"] // 2


def test_an_xlsx_sheet_past_its_row_limit_is_refused(tmp_path: Path) -> None:
    """XlsxWriter silently drops rows past 1,048,576; the generator must never write such a file."""
    from datetime import datetime

    from pipelines.generate.render import Laid
    from pipelines.generate.writers import XLSX_ROWS, write_xlsx

    with pytest.raises(ValueError, match=r"big\.xlsx: an \.xlsx sheet holds at most 1,048,576 rows"):
        write_xlsx(tmp_path / "big.xlsx", [("人员信息", Laid([[]] * (XLSX_ROWS + 1)))], datetime(2018, 9, 3))
    assert not (tmp_path / "big.xlsx").exists()
    write_xlsx(tmp_path / "ok.xlsx", [("人员信息", Laid([["户编号"]]))], datetime(2018, 9, 3))
    assert (tmp_path / "ok.xlsx").stat().st_size > 0
