"""generate_world: a synthetic month of Shangluo's data, every planted defect in a manifest."""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipelines.errors import UsageError
from pipelines.generate import plant_a, plant_b, plant_c, plant_d
from pipelines.generate.attributes import set_household
from pipelines.generate.facts import World, all_income_facts
from pipelines.generate.ids import IdFactory
from pipelines.generate.living import all_living_facts
from pipelines.generate.model import Period
from pipelines.generate.places import COUNTIES, build_villages, places_csv
from pipelines.generate.plant import Ctx
from pipelines.generate.plant_f import plant_files
from pipelines.generate.population import build_households
from pipelines.generate.records import FileData
from pipelines.generate.registry import registry_recs
from pipelines.generate.render import Laid, lay_out
from pipelines.generate.senders import registry_files, sender_files
from pipelines.generate.writers import csv_bytes, set_mtime, write_xls, write_xlsx

MANIFEST_COLUMNS = ["office", "file_name", "sheet", "row", "rule", "column", "household_id", "person_id", "note"]
CST = timezone(timedelta(hours=8))
# Planting order: registry first, then facts between senders, then ties, then reading (A9 last).
PLANTERS: list[tuple[str, Callable[[Ctx, int], None]]] = [
    ("C1", plant_c.c1), ("C2", plant_c.c2), ("C3", plant_c.c3), ("C4", plant_c.c4), ("C5", plant_c.c5),
    ("C7", plant_c.c7), ("C8", plant_c.c8),
    ("D1", plant_d.d1), ("D2", plant_d.d2), ("D3", plant_d.d3), ("D4", plant_d.d4), ("D5", plant_d.d5),
    ("D6", plant_d.d6), ("D7", plant_d.d7), ("D8", plant_d.d8), ("D10", plant_d.d10), ("D11", plant_d.d11),
    ("D12", plant_d.d12),
    ("B5", plant_b.b5), ("B1", plant_b.b1), ("B2", plant_b.b2), ("B3", plant_b.b3), ("B4", plant_b.b4),
    ("A1", plant_a.a1), ("A2", plant_a.a2), ("A3", plant_a.a3), ("A5", plant_a.a5), ("A6", plant_a.a6),
    ("A7", plant_a.a7), ("A8", plant_a.a8), ("A9", plant_a.a9)]
_COUNTY_QUIRK_TABLES = ("industry", "housing", "employment", "relocation")


def build_world(households: int, seed: int, month: str) -> World:
    """People, places and what every sender knows (no defect yet)."""
    period = Period.parse(month)
    sub = lambda stage: random.Random(f"{seed}:{stage}")  # noqa: E731
    villages = build_villages(households, sub("places"))
    ids = IdFactory(sub("ids"))
    homes = build_households(villages, households, ids, period.as_of, sub("people"))
    attributes = sub("attributes")
    for hh in homes:
        set_household(hh, period.as_of, attributes)
    w = World(period, villages, homes, ids)
    all_income_facts(w, sub("income"))
    all_living_facts(w, sub("living"))
    return w


def _county_quirks(w: World, rng: random.Random) -> None:
    """Short county names (镇安) and the old 商州市, as senders write them."""
    short = {c.name: c.short for c in COUNTIES}
    for table in _COUNTY_QUIRK_TABLES:
        for rec in w.recs[table]:
            name = str(rec.values.get("county_name"))
            if rng.random() < 0.03:
                rec.values["county_name"] = short[name]
            elif name == "商州区" and rng.random() < 0.01:
                rec.values["county_name"] = "商州市"


def plant_all(ctx: Ctx, rate: float) -> None:
    rows = sum(len(s.recs) for office, fs in ctx.files.items() if office != "registry" for f in fs for s in f.sheets)
    n = max(2, round(rate * rows / len(PLANTERS)))
    for _, planter in PLANTERS:
        planter(ctx, n)
    ctx.forget()


def _mtime(period: Period, office: str) -> datetime:
    offices = sorted(["registry", "industry", "employment", "relocation", "ecology", "education", "health",
                      "social_security", "housing", "infrastructure", "screening"])
    day = 3 + (offices.index(office) * 2) % 9 if office in offices else 5
    year, month = period.next_month
    return datetime(year, month, day, 10, 0, tzinfo=CST)


def _write(f: FileData, path: Path, rng: random.Random, created: datetime) -> list[tuple[str, Laid]]:
    laid = [(s.name, lay_out(s, f.fmt, rng)) for s in f.sheets]
    if f.fmt == "xlsx":
        write_xlsx(path, laid, created.replace(tzinfo=None))
    elif f.fmt == "xls":
        write_xls(path, laid)
    else:
        path.write_bytes(csv_bytes(laid[0][1], f.encoding, f.delimiter))
    return laid


def _manifest_rows(f: FileData, laid: list[tuple[str, Laid]]) -> list[list[str]]:
    out = []
    for sheet, (name, lay) in zip(f.sheets, laid, strict=True):
        header = lay.rows[len(sheet.titles)]
        index = {c: i for i, (c, _) in enumerate(sheet.columns)}
        for row, rec in lay.data:
            for d in rec.defects:
                column = str(header[index[d.field]]) if d.field in index else ""
                out.append([f.office, f.name, f.name if f.fmt == "csv" else name, str(row), d.rule, column,
                            d.household_id, d.person_id, d.note])
    return out


def _prepare(home: Path, overwrite: bool) -> None:
    inbox = home / "inbox"
    if inbox.exists() and any(inbox.rglob("*")):
        if not overwrite:
            raise UsageError(f"`{inbox}` is not empty: generate into a fresh workspace (another `--home`) "
                             "or remove its inbox/ first")
        shutil.rmtree(inbox)
        shutil.rmtree(home / "generated", ignore_errors=True)
    for folder in ("inbox", "reference", "generated"):
        (home / folder).mkdir(parents=True, exist_ok=True)


def generate_world(home: Path, households: int = 2000, seed: int = 20180831, month: str = "2018-08",
                   *, defect_rate: float = 0.015, overwrite: bool = False) -> dict:
    """Write a synthetic world into `home` (inbox/, reference/places.csv, generated/manifest.csv).

    Deterministic: the same arguments give byte-identical files with the same modification times.
    Returns a summary: files per office, data rows per file and sheet, planted defects per rule.
    """
    home = Path(home)
    _prepare(home, overwrite)
    ctx = plan_world(households, seed, month, defect_rate)
    return _write_world(home, ctx.w, ctx, seed)


def plan_world(households: int = 2000, seed: int = 20180831, month: str = "2018-08",
               defect_rate: float = 0.015) -> Ctx:
    """Everything `generate_world` writes, in memory: the world, every file's rows, the defects."""
    w = build_world(households, seed, month)
    _county_quirks(w, random.Random(f"{seed}:quirks"))
    files = sender_files(w, random.Random(f"{seed}:files"))
    homes, people = registry_recs(w.households)
    files["registry"] = registry_files(w, homes, people, random.Random(f"{seed}:registry"))
    ctx = Ctx(w, random.Random(f"{seed}:defects"), files)
    plant_all(ctx, defect_rate)
    return ctx


def _write_world(home: Path, w: World, ctx: Ctx, seed: int) -> dict:
    rng = random.Random(f"{seed}:render")
    created = datetime(w.period.next_month[0], w.period.next_month[1], 3, 9, 0, tzinfo=CST)
    manifest: list[list[str]] = []
    summary: dict = {"home": str(home), "month": str(w.period.year) + f"-{w.period.month:02d}",
                     "households": len(w.households), "people": len(w.person), "files": {}, "rows": {}}
    written: dict[str, list[Path]] = {}
    templates: dict[str, list[tuple[str, Laid]]] = {}
    for office in sorted(ctx.files):
        folder = home / "inbox" / office
        folder.mkdir(parents=True, exist_ok=True)
        for f in ctx.files[office]:
            path = folder / f.name
            laid = _write(f, path, rng, created)
            if office in ("industry", "screening"):     # what the F files copy (keep no other laid rows)
                templates.setdefault(office, laid)
            manifest += _manifest_rows(f, laid)
            written.setdefault(office, []).append(path)
            summary["rows"][f"{office}/{f.name}"] = {name: len(lay.data) for name, lay in laid}
    manifest += _unusable_files(home, w.period, written, templates, created)
    for office, d in ctx.loose:
        manifest.append([office, "", "", "", d.rule, "", d.household_id, d.person_id, d.note])
    for office, paths in written.items():
        for path in paths:
            set_mtime(path, _mtime(w.period, office))
    (home / "reference" / "places.csv").write_bytes(places_csv(w.villages))
    write_table_csv(home / "generated" / "manifest.csv", MANIFEST_COLUMNS, manifest)
    for path in (home / "reference" / "places.csv", home / "generated" / "manifest.csv"):
        set_mtime(path, created)
    summary["files"] = {office: [p.name for p in paths] for office, paths in sorted(written.items())}
    summary["file_count"] = sum(len(paths) for paths in written.values())
    summary["defects"] = dict(sorted(Counter(row[4] for row in manifest).items()))
    summary["manifest"] = str(home / "generated" / "manifest.csv")
    return summary


def _unusable_files(home: Path, period: Period, written: dict[str, list[Path]],
                    templates: dict[str, list[tuple[str, Laid]]], created: datetime) -> list[list[str]]:
    """Section F files (and the A4 one): file-level manifest lines (F5 under office `_unknown`)."""
    rows = []
    planted = plant_files(home / "inbox", period.compact, lambda p, s: write_xlsx(p, s, created.replace(tzinfo=None)),
                          written, {"industry": templates["industry"], "screening": templates["screening"]})
    for office, path, d in planted:
        where = f" (folder: {office or 'the inbox root'})" if d.rule == "F5" else ""
        rows.append(["_unknown" if d.rule == "F5" else office, path.name, "", "", d.rule, "", "", "", d.note + where])
        written.setdefault(office or "_root", []).append(path)
    return rows


def write_table_csv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    """A small UTF-8 CSV with a header line (the manifest, the submissions record)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
