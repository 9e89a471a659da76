"""The synthetic world generator: real files, read back; determinism; a clean baseline; the manifest."""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import python_calamine as pc
import xlrd

from pipelines.cells import id_check_char, id_sex, normalize_header, split_header_unit
from pipelines.generate import MANIFEST_COLUMNS, generate_world, plan_world
from pipelines.generate.model import Household, Person
from pipelines.generate.plant import Ctx
from pipelines.generate.records import Rec
from pipelines.specs import SheetSpec, SourceSpec, load_specs

SMALL = 200
AS_OF = date(2018, 8, 31)
RULES = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "B1", "B2", "B3", "B4", "B5", "C1", "C2", "C3",
         "C4", "C5", "C7", "C8", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D10", "D11", "D12",
         "F1", "F3", "F4", "F5", "F7", "F8"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    home = tmp_path_factory.mktemp("world")
    return home, generate_world(home, households=SMALL)


@pytest.fixture(scope="module")
def manifest(small: tuple[Path, dict]) -> list[dict[str, str]]:
    with open(small[0] / "generated" / "manifest.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def big() -> Ctx:
    """A 2,000-household world in memory (files not written): shares and the clean baseline."""
    return plan_world(2000)


def _digests(home: Path) -> dict[str, tuple[str, float]]:
    return {str(p.relative_to(home)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
            for p in sorted(home.rglob("*")) if p.is_file()}


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def _csv_rows(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    text = data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("gb18030")
    delimiter = "\t" if data.startswith(b"\xff\xfe") else ","
    return list(csv.reader(text.splitlines(), delimiter=delimiter))


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    return _csv_rows(path) if path.suffix == ".csv" else _sheets(path)[sheet]


def _inbox_path(home: Path, office: str, name: str) -> Path:
    if office == "_unknown":                 # F5: an unknown folder or the inbox root
        return next((home / "inbox").rglob(name))
    return home / "inbox" / office / name


# ------------------------------------------------------------------ determinism and files

def test_same_seed_same_bytes_other_seed_other_world(small: tuple[Path, dict], tmp_path: Path) -> None:
    home, _ = small
    generate_world(tmp_path / "again", households=SMALL)
    assert _digests(tmp_path / "again") == _digests(home)
    generate_world(tmp_path / "other", households=SMALL, seed=7)
    other = _digests(tmp_path / "other")
    assert other["generated/manifest.csv"] != _digests(home)["generated/manifest.csv"]
    registry = [k for k in other if k.startswith("inbox/registry/")]
    assert registry and all(other[k][0] != _digests(home).get(k, ("",))[0] for k in registry)


def test_refuses_a_non_empty_inbox(small: tuple[Path, dict]) -> None:
    from pipelines.errors import UsageError
    with pytest.raises(UsageError):
        generate_world(small[0], households=SMALL)


def test_every_sender_has_a_file_and_files_are_distinct(small: tuple[Path, dict]) -> None:
    home, summary = small
    for office in load_specs():
        assert any((home / "inbox" / office).iterdir()), office
    digests = Counter(h for k, (h, _) in _digests(home).items() if k.startswith("inbox/"))
    assert [n for n in digests.values() if n > 1] == [2]            # only the F8 copy repeats bytes
    assert summary["file_count"] == sum(1 for p in (home / "inbox").rglob("*") if p.is_file())


def test_xls_gb18030_and_utf16_senders_read_back(small: tuple[Path, dict]) -> None:
    inbox = small[0] / "inbox"
    xls = next((inbox / "ecology").glob("*.xls"))
    book = xlrd.open_workbook(str(xls))
    cells = [book.sheet_by_index(0).cell_value(r, 1) for r in range(book.sheet_by_index(0).nrows)]
    assert "身份证号" in cells or "身份证号码" in cells
    assert len(_sheets(xls)) == 1
    gb = next(p for p in (inbox / "social_security").glob("*.csv") if "低保" in p.name)
    with pytest.raises(UnicodeDecodeError):
        gb.read_bytes().decode("utf-8")
    rows = _csv_rows(gb)
    assert any(r and r[0] in ("姓名",) for r in rows) and len(rows) > 10
    utf16 = next((inbox / "employment").glob("*.csv"))
    assert utf16.read_bytes().startswith(b"\xff\xfe") and len(_csv_rows(utf16)) > 3


def test_places_csv(small: tuple[Path, dict]) -> None:
    with open(small[0] / "reference" / "places.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    assert header == ["county_code", "county_name", "township_code", "township_name", "village_code",
                      "village_name"]
    assert {r[0] for r in rows} == {"611002", "611021", "611022", "611023", "611024", "611025", "611026"}
    for county, _, township, _, village, name in rows:
        assert len(village) == 12 and village.isdigit() and village.startswith(township)
        assert township.startswith(county) and 200 <= int(village[-3:]) <= 399 and name.endswith("村")
    assert len({r[4] for r in rows}) == len(rows)


# ------------------------------------------------------------------ the registry

def test_registry_numbers_and_ids(small: tuple[Path, dict], manifest: list[dict[str, str]]) -> None:
    path = next((small[0] / "inbox" / "registry").glob("*.xlsx"))
    sheets = _sheets(path)
    planted = {(m["sheet"], int(m["row"])) for m in manifest if m["office"] == "registry" and m["rule"][:2] in
               ("A1", "A2", "A3")}
    prefixes = set()
    for sheet, id_col, key_len in (("户信息", "户主证件号码", 16), ("人员信息", "证件号码", 19)):
        rows = sheets[sheet]
        header = rows[2]
        key = str(rows[2][4] if sheet == "户信息" else rows[2][1])
        assert key in ("户编号", "人编号")
        for r, row in enumerate(rows[3:], start=4):
            if (sheet, r) in planted or not row[0]:
                continue
            number = str(row[header.index(key)])
            assert len(number) == key_len and number.isdigit(), (sheet, r, number)
            value = unicodedata.normalize("NFKC", str(row[header.index(id_col)])).strip().upper()
            assert len(value) == 18 and id_check_char(value[:17]) == value[17], (sheet, r, value)
            prefixes.add(value[:4])
            if sheet == "人员信息":
                assert id_sex(value) == row[header.index("性别")] or (sheet, r) in _rows_with(manifest, "C4")
    assert prefixes == {"6110", "6125"}


def _rows_with(manifest: list[dict[str, str]], rule: str) -> set[tuple[str, int]]:
    return {(m["sheet"], int(m["row"])) for m in manifest if m["rule"] == rule and m["row"]}


def test_people_per_household_and_shares(big: Ctx) -> None:
    people = [p for h in big.w.households for p in h.members]
    assert 2.6 <= len(people) / len(big.w.households) <= 3.2
    assert 0.12 <= sum(p.student for p in people) / len(people) <= 0.24
    assert 0.08 <= sum(p.ill for p in people) / len(people) <= 0.16
    statuses = Counter(h.status for h in big.w.households)
    assert 0.5 <= statuses["已脱贫"] / len(big.w.households) <= 0.7
    assert all(h.income_pc >= 2995 for h in big.w.households if h.exited)


# ------------------------------------------------------------------ the manifest

def test_manifest_rows_point_at_real_cells(small: tuple[Path, dict], manifest: list[dict[str, str]]) -> None:
    home = small[0]
    assert list(manifest[0]) == MANIFEST_COLUMNS
    cache: dict[tuple[str, str], list[list[Any]]] = {}
    for m in manifest:
        if not m["file_name"]:
            assert m["rule"] == "B5" and m["office"] in ("health", "infrastructure") and m["household_id"]
            continue
        path = _inbox_path(home, m["office"], m["file_name"])
        assert path.is_file(), m
        if not m["row"]:
            assert m["rule"][0] in "FA" and not m["sheet"]
            continue
        rows = cache.setdefault((str(path), m["sheet"]), _rows(path, m["sheet"]))
        row = rows[int(m["row"]) - 1]
        assert any(v not in (None, "") for v in row), m
        if m["column"]:
            header = next(r for r in rows if m["column"] in [str(v) for v in r])
            assert rows.index(header) < int(m["row"]) - 1, m


def test_every_rule_is_planted(small: tuple[Path, dict], manifest: list[dict[str, str]]) -> None:
    counts = Counter(m["rule"] for m in manifest)
    assert not [r for r in RULES if counts[r] < 1]
    assert not [r for r in counts if r[0] == "E"]
    assert small[1]["defects"] == dict(sorted(counts.items()))


def test_at_two_thousand_households_each_rule_twice(big: Ctx) -> None:
    counts = Counter(d.rule for fs in big.files.values() for f in fs for s in f.sheets for r in s.recs
                     for d in r.defects)
    counts.update(d.rule for _, d in big.loose)
    assert not [r for r in RULES if r[0] not in "FA" and counts[r] < 2]
    assert not [r for r in ("A1", "A2", "A3", "A5", "A6", "A7", "A8", "A9") if counts[r] < 2]
    rows = sum(len(s.recs) for o, fs in big.files.items() if o != "registry" for f in fs for s in f.sheets)
    assert 0.01 <= sum(counts.values()) / rows <= 0.04


def test_headers_are_known_spellings(small: tuple[Path, dict], manifest: list[dict[str, str]]) -> None:
    """Every data file's header row maps onto its sender's spec (the A4 file excepted)."""
    specs = load_specs()
    unusable = {(m["office"], m["file_name"]) for m in manifest if not m["row"] and m["file_name"]}
    for office, spec in specs.items():
        for path in sorted((small[0] / "inbox" / office).iterdir()):
            if (office, path.name) in unusable:
                continue
            sheets = {path.name: _csv_rows(path)} if path.suffix == ".csv" else _sheets(path)
            for rows in sheets.values():
                found = [_matches(spec, row) for row in rows[:6]]
                assert max(found) == len(next(s for s in spec.sheets if _matches_table(s, rows)).columns), path


def _spellings(sheet_spec: SheetSpec) -> dict[str, str]:
    return {split_header_unit(normalize_header(s))[0]: c.target for c in sheet_spec.columns for s in c.spellings()}


def _matches(spec: SourceSpec, row: list[Any]) -> int:
    return max(sum(split_header_unit(normalize_header(str(v)))[0] in _spellings(s) for v in row if v)
               for s in spec.sheets)


def _matches_table(sheet_spec: SheetSpec, rows: list[list[Any]]) -> bool:
    known = _spellings(sheet_spec)
    return any(sum(split_header_unit(normalize_header(str(v)))[0] in known for v in row if v)
               == len(sheet_spec.columns) for row in rows[:6])


def test_no_accidental_autofill(small: tuple[Path, dict], manifest: list[dict[str, str]]) -> None:
    """Consecutive rows whose 18-digit IDs differ by 1-9 occur only where A9 was planted."""
    planted = {(m["file_name"], m["sheet"], int(m["row"])) for m in manifest if m["rule"] == "A9"}
    for path in (small[0] / "inbox").rglob("*"):
        if path.suffix not in (".xlsx", ".xls", ".csv") or "(" in path.stem or not path.parent.name:
            continue
        try:
            sheets = {path.name: _csv_rows(path)} if path.suffix == ".csv" else _sheets(path)
        except Exception:        # the planted unreadable files
            continue
        for name, rows in sheets.items():
            previous: list[int] = []
            for r, row in enumerate(rows, start=1):
                ids = [int(v) for v in (unicodedata.normalize("NFKC", str(c)).strip() for c in row)
                       if len(v) == 18 and v.isdigit()]
                if any(0 < i - p <= 9 for i in ids for p in previous):
                    assert (path.name, name, r) in planted, (path.name, name, r)
                previous = ids


# ------------------------------------------------------------------ a clean baseline (rules B-D)

def _num(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _clean_recs(ctx: Ctx, table: str) -> list[Rec]:
    return [r for fs in ctx.files.values() for f in fs if not f.defects for s in f.sheets if s.table == table
            for r in s.recs if not r.defects and r.household_id not in ctx.used]


def test_baseline_registry_is_clean(big: Ctx) -> None:
    for hh in big.w.households:
        if hh.hid in big.used:
            continue
        assert hh.size == len(hh.members)
        assert [p.relation for p in hh.members].count("户主") == 1
        for p in hh.members:
            assert id_sex(p.id_number) == p.sex
            assert p.relation not in ("之子", "之孙子") or p.sex == "男"
            assert p.relation not in ("之女", "之孙女", "之儿媳") or p.sex == "女"
            assert not (p.student and p.labour != "无劳动力")
            assert not (p.health == ["健康"] and 16 <= p.age <= 60 and not p.student and p.labour == "无劳动力")
            if p.school == "小学":
                assert 6 <= p.age <= 14
            if p.school in ("七年级", "八年级", "九年级"):
                assert 11 <= p.age <= 17
            if p.school.startswith(("高中", "中职")):
                assert 14 <= p.age <= 21
            assert p.age < 6 or p.age > 15 or p.student
        if len(hh.members) > 1 and hh.members[1].relation == "配偶":
            assert hh.members[1].sex != hh.head.sex
        assert hh.cause != "因病" or any(p.ill for p in hh.members)
        assert hh.cause != "因残" or any(p.disabled for p in hh.members)


def test_baseline_sectors_agree_with_the_registry(big: Ctx) -> None:
    as_of = big.w.period.as_of
    for table in ("industry", "housing", "relocation", "infra_household", "employment", "ecology", "education",
                  "health", "social_security", "screening"):
        for rec in _clean_recs(big, table):
            hh = big.w.household[rec.household_id]
            person = big.w.person[rec.person_id]
            ident = rec.values.get("id_number") or rec.values.get("head_id_number")
            name = rec.values.get("name") or rec.values.get("head_name")
            assert (ident, name) == (person.id_number, person.name), (table, rec.values)
            if "head_id_number" in rec.values:
                assert person is hh.head
            county = rec.values.get("county_name")
            assert county in (None, hh.village.county.name, hh.village.county.short, "商州市")
            _facts_ok(table, rec.values, hh, person, as_of)


def _facts_ok(table: str, v: dict[str, Any], hh: Household, person: Person, as_of: date) -> None:
    exited = hh.exited
    if table == "social_security":
        assert v["is_deceased"] is False
    if table == "screening":
        assert v["finding_category"] == "车辆" and int(str(v["finding_detail"]).split("价格")[1][:-1]) <= 30000
    if table == "housing":
        accepted, paid = v["acceptance_date"], v["subsidy_paid_date"]
        assert not exited or v["house_grade"] in ("A级", "B级") or accepted is not None
        if accepted is not None:
            assert 0 <= ((paid or as_of) - accepted).days <= 30
    if table == "relocation":
        done, keys, moved = v["house_completed_date"], v["keys_handed_date"], v["moved_in_date"]
        assert (keys is None or done <= keys) and (moved is None or (keys is not None and keys <= moved))
        assert hh.relocation
    if table == "education":
        assert v["enrolment_status"] != "辍学"
    if table == "health":
        assert not exited or (v["basic_medical_insurance"], v["serious_illness_insurance"]) == ("已参保", "已参保")
        assert person.health != ["健康"] or v["disease_category"] in (None, "无")
    if table == "infra_household":
        assert not exited or v["drinking_water_safety"] != "不达标"


def test_baseline_coverage_and_relocation_list(big: Ctx) -> None:
    health = {r.person_id for r in _clean_recs(big, "health")}
    water = {r.household_id for r in _clean_recs(big, "infra_household")}
    relocated = {r.household_id for r in _clean_recs(big, "relocation")}
    for hh in big.w.households:
        if hh.hid in big.used:
            continue
        assert hh.hid in water and all(p.pid in health for p in hh.members)
        assert hh.relocation == (hh.hid in relocated)


def test_registry_income_matches_sector_income(big: Ctx) -> None:
    """D9 stays quiet on the baseline: registry income per head within 30 % of the sector sum."""
    income: defaultdict[str, float] = defaultdict(float)
    for rec in _clean_recs(big, "social_security"):
        amount = _num(rec.values["monthly_amount"])
        income[rec.household_id] += amount if rec.values["assistance_type"] == "临时救助" else amount * 12
    for rec in _clean_recs(big, "employment"):
        income[rec.household_id] += big.w.counted_wage[rec.person_id]
    for rec in _clean_recs(big, "industry"):
        income[rec.household_id] += _num(rec.values["operating_income"]) + _num(rec.values["dividend_income"])
    for rec in _clean_recs(big, "ecology"):
        v = rec.values
        income[rec.household_id] += sum(_num(v[k]) for k in ("ranger_annual_pay", "grain_for_green_subsidy",
                                                              "eco_compensation"))
    for hh in big.w.households:
        if hh.hid in big.used:
            continue
        sector = income[hh.hid] / hh.size
        assert sector > 0 and abs(hh.income_pc - sector) <= 0.3 * sector, hh.hid
