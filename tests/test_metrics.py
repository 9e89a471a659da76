"""The one number, the history and the personal-data promise on a generated world through the real flow.

One 300-household world is generated and run (`onetable run` in a subprocess, as tests/test_flow.py
does); then one sender file is corrected (two 农村低保 amounts in the social-security CSV) and the flow
runs again. Every metric of contract.md "Metrics" is recomputed here in pandas from the published
household, person and village tables, independently of warehouse/published/metrics.sql, at every level.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from pipelines.generate import generate_world

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
CITY = "611000"
POOR = {"未脱贫", "返贫", "预脱贫"}
STATUS = {"未脱贫": "not_exited", "已脱贫": "exited", "预脱贫": "pre_exit", "返贫": "returned"}
ATTRIBUTE = {"一般贫困户": "general", "低保贫困户": "dibao", "特困供养贫困户": "tekun"}
EXIT_TESTS = ["income", "housing", "education", "insurance", "water"]
RATES = {  # contract.md "Metrics": rate -> (numerator count, denominator count)
    "poverty_incidence": ("incidence_poor_people", "registered_population"),
    "exit_ready_rate": ("exit_ready_households", "households"),
    **{f"exit_{t}_pass_rate": (f"exit_{t}_pass_households", "households") for t in EXIT_TESTS},
    "safe_housing_rate": ("exit_housing_pass_households", "households"),
    "road_rate": ("villages_with_road", "villages_road_reported"),
    "clinic_rate": ("villages_with_clinic", "villages_clinic_reported"),
    "tap_water_rate": ("tap_water_households", "tap_water_base_households"),
    "power_rate": ("power_households", "power_base_households"),
    "insurance_rate": ("poor_people_insured", "poor_people"),
    "relocation_completion_rate": ("relocation_completed", "relocation_households"),
    "relocation_facilities_rate": ("relocation_facilities_complete", "relocation_completed"),
    "relocation_occupancy_rate": ("relocation_moved_in", "relocation_completed"),
    "subsidy_30d_rate": ("renovations_paid_30d", "renovations_due"),
}
TESTS = {  # level -> rate -> passes(value); Shaanxi 2017 county exit rules, the village exit tests
    "county": {"poverty_incidence": lambda v: v < 3, "road_rate": lambda v: v >= 97, "tap_water_rate": lambda v: v >= 90,
               "power_rate": lambda v: v >= 100, "safe_housing_rate": lambda v: v >= 97,
               "insurance_rate": lambda v: v >= 100},
    "village": {"poverty_incidence": lambda v: v < 3, "road_rate": lambda v: v >= 100,
                "exit_water_pass_rate": lambda v: v >= 100, "power_rate": lambda v: v >= 100,
                "clinic_rate": lambda v: v >= 100},
}
SITE_COUNTS = ["relocation_households", "relocation_completed", "relocation_facilities_complete", "relocation_moved_in"]
# a resident ID (18 characters or 15 digits) or a mobile number, standing alone
PERSONAL = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")
REGISTRY_NUMBERS = {"household_id", "person_id", "county_code", "township_code", "village_code", "code", "parent_code"}


def read_tables(db: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t}").df() for t in ("household", "person", "village", "metrics", "versions")}


def correct_two_amounts(home: Path) -> dict[str, float]:
    """Raise two 农村低保 monthly amounts by 100 in the social-security CSV, in place (the sender's
    corrected file, same name, month and scope); returns household_id -> expected income_transfers."""
    with duckdb.connect(str(home / "warehouse" / "onetable.duckdb"), read_only=True) as con:
        rows = con.execute("""
            SELECT s.row, k.household_id, h.income_transfers FROM cur_social_security s
            JOIN link k USING (row_uid)
            JOIN (SELECT household_id, income_transfers FROM pub.household) h USING (household_id)
            WHERE s.assistance_type = '农村低保' AND s.outcome = 'accepted' AND s.file_name LIKE '%.csv'
              AND s.monthly_amount > 0 AND k.household_id IS NOT NULL
            QUALIFY count(*) OVER (PARTITION BY k.household_id) = 1
            ORDER BY s.row LIMIT 2""").fetchall()
    assert len(rows) == 2
    (path,) = (home / "inbox" / "social_security").glob("农村低保*.csv")
    lines = path.read_bytes().decode("gb18030").split("\n")
    for row, _, _ in rows:
        cells = lines[row - 1].split(",")
        assert cells[2] == "农村低保", lines[row - 1]
        cells[4] = str(int(float(cells[4])) + 100)
        lines[row - 1] = ",".join(cells)
    path.write_bytes("\n".join(lines).encode("gb18030"))
    return {hid: before + 1200 for _, hid, before in rows}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, run_flow_here: Any) -> dict:
    home = tmp_path_factory.mktemp("metrics")
    generate_world(home, households=300, seed=20180831, month="2018-08")
    first = run_flow_here(home)
    db = home / "warehouse" / "published.duckdb"
    tables = read_tables(db)
    expected = correct_two_amounts(home)
    second = run_flow_here(home)
    return {"home": home, "db": db, "first": first, "second": second, "expected": expected, **tables,
            "after": read_tables(db)}


# --- independent recomputation ------------------------------------------------------------------------
def yes(values: pd.Series) -> pd.Series:
    """True where the (nullable) boolean is true; NULL counts as no."""
    return values.astype("boolean").fillna(False).astype(bool)


def household_counts(hh: pd.DataFrame, person: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Count metrics per household (one row each), from the household and person tables."""
    out = pd.DataFrame({"village_code": hh.village_code.to_numpy(), "households": 1}, index=hh.household_id)
    members = person.groupby("household_id").size()
    insured = person[yes(person.insured_both)].groupby("household_id").size()
    out["people"] = members.reindex(out.index).fillna(0).to_numpy()
    status, attribute = hh.poverty_status.to_numpy(), hh.poverty_attribute.to_numpy()
    for value, name in STATUS.items():
        out[f"households_{name}"] = (status == value).astype(int)
        out[f"people_{name}"] = out.people * (status == value)
    for value, name in ATTRIBUTE.items():
        out[f"households_{name}"] = (attribute == value).astype(int)
        out[f"people_{name}"] = out.people * (attribute == value)
    poor = hh.poverty_status.isin(POOR).to_numpy()
    out["poor_households"], out["poor_people"] = poor.astype(int), out.people * poor
    out["poor_people_insured"] = insured.reindex(out.index).fillna(0).to_numpy() * poor
    out["exit_ready_households"] = hh.exit_ready.astype(bool).astype(int).to_numpy()
    out["new_households"] = hh.is_new.astype(bool).astype(int).to_numpy()
    for test in EXIT_TESTS:
        out[f"exit_{test}_pass_households"] = (hh[f"exit_{test}"] == "pass").astype(int).to_numpy()
    for column, values in relocation_counts(hh).items():
        out[column] = values.to_numpy()
    accepted, paid = pd.to_datetime(hh.acceptance_date), pd.to_datetime(hh.subsidy_paid_date)
    due = accepted.notna() & ((accepted <= as_of - timedelta(days=30)) | paid.notna())
    out["renovations_due"] = due.astype(int).to_numpy()
    out["renovations_paid_30d"] = (accepted.notna() & paid.notna() & ((paid - accepted).dt.days <= 30)).astype(int).to_numpy()
    return out


def relocation_counts(hh: pd.DataFrame) -> pd.DataFrame:
    listed = hh.relocation_source.notna()
    completed = listed & hh.house_completed_date.notna()
    return pd.DataFrame({"relocation_households": listed.astype(int),
                         "relocation_completed": completed.astype(int),
                         "relocation_facilities_complete": (completed & yes(hh.facilities_complete)).astype(int),
                         "relocation_moved_in": (completed & hh.moved_in_date.notna()).astype(int)})


def village_counts(village: pd.DataFrame, poor_people: pd.Series) -> pd.DataFrame:
    """Count metrics from the village sheet, one row per village."""
    v = village.set_index("village_code")
    reported = v.registered_population.notna() & (v.registered_population > 0)
    out = pd.DataFrame({"villages": 1}, index=v.index)
    out["incidence_poor_people"] = poor_people.reindex(v.index).fillna(0) * reported
    out["registered_population"] = v.registered_population.where(reported, 0)
    for what, column in (("road", "has_paved_road"), ("clinic", "has_standard_clinic")):
        out[f"villages_{what}_reported"] = v[column].notna().astype(int)
        out[f"villages_with_{what}"] = yes(v[column]).astype(int)
    for what, column in (("tap_water", "households_with_tap_water"), ("power", "households_with_power")):
        both = v.farm_households.notna() & v[column].notna()
        out[f"{what}_households"] = v[column].where(both, 0)
        out[f"{what}_base_households"] = v.farm_households.where(both, 0)
    return out


def recompute(t: dict[str, pd.DataFrame]) -> dict[tuple[str, str, str], float | None]:
    """(level, code, metric) -> value for every count, rate and test of the metrics table."""
    as_of = pd.Timestamp(t["versions"].sort_values("published_at").as_of.iloc[-1])
    per_household = household_counts(t["household"], t["person"], as_of)
    per_village = per_household.groupby("village_code").sum(numeric_only=True)
    per_village = per_village.join(village_counts(t["village"], per_village.poor_people), how="outer")
    per_village = per_village.fillna(0)
    places = t["village"].set_index("village_code")[["township_code", "county_code"]]
    per_village = per_village.join(places).assign(city=CITY)
    counts: dict[tuple[str, str, str], float | None] = {}
    for level, key in (("village", None), ("township", "township_code"), ("county", "county_code"), ("city", "city")):
        frame = per_village.drop(columns=["township_code", "county_code", "city"])
        grouped = frame.groupby(per_village[key]).sum() if key else frame
        counts |= {(level, str(code), m): float(v) for (code, m), v in grouped.stack().items()}
    hh = t["household"]
    sites = hh[hh.relocation_source.notna() & hh.site_name.notna()]
    by_site = relocation_counts(sites).groupby((sites.county_code + "/" + sites.site_name).to_numpy()).sum()
    counts |= {("site", str(code), m): float(v) for (code, m), v in by_site.stack().items()}
    return counts | rates_and_tests(counts)


def rates_and_tests(counts: dict[tuple[str, str, str], float | None]) -> dict[tuple[str, str, str], float | None]:
    out: dict[tuple[str, str, str], float | None] = {}
    for level, code in {(lv, c) for lv, c, _ in counts}:
        for rate, (num, den) in RATES.items():
            if (level, code, den) in counts:
                n, d = counts[level, code, num] or 0.0, counts[level, code, den] or 0.0
                out[level, code, rate] = 100.0 * n / d if d > 0 else None
        for rate, passes in TESTS.get(level, {}).items():
            value = out[level, code, rate]
            out[level, code, f"{rate}_test"] = None if value is None else float(passes(value))
    return out


# --- tests ----------------------------------------------------------------------------------------------
def test_two_runs_published_two_versions(world):
    assert world["first"]["published"]["status"] == world["second"]["published"]["status"] == "published"
    assert world["first"]["version"] != world["second"]["version"]
    versions = world["after"]["versions"].sort_values("published_at").version.tolist()
    assert versions == [world["first"]["version"], world["second"]["version"]]


def test_every_contract_metric_at_every_level(world):
    m = world["metrics"]
    levels = set(m.level)
    assert {"city", "county", "township", "village", "site"} <= levels
    counts = {"households", "people", "poor_people", "households_not_exited", "people_returned", "households_dibao",
              "registered_population", "relocation_households"}
    for level in ("city", "county", "township", "village"):
        present = set(m[m.level == level].metric)
        assert counts | set(RATES) <= present, (level, (counts | set(RATES)) - present)
    for level, tests in TESTS.items():
        rows = m[(m.level == level) & (m.kind == "test")]
        assert set(rows.metric) == {f"{r}_test" for r in tests}
        assert rows.threshold.notna().all() and (rows.passed.isna() | rows.passed.isin([True, False])).all()
    assert set(m[m.level == "site"].metric) >= {"relocation_completion_rate", "relocation_occupancy_rate"}


def test_each_metric_recomputed_independently_agrees(world):
    expected = recompute(world)
    m = world["metrics"]
    published = {(r.level, r.code, r.metric): (None if pd.isna(r.value) else float(r.value))
                 for r in m.itertuples()}
    assert set(published) == set(expected), sorted(set(published) ^ set(expected))[:10]
    wrong = {k: (published[k], v) for k, v in expected.items()
             if (v is None) != (published[k] is None) or (v is not None and abs(published[k] - v) > 1e-9)}
    assert wrong == {}
    rates = m[m.kind == "rate"]
    assert (rates.numerator_metric == rates.metric.map(lambda r: RATES[r][0])).all()
    assert (rates.denominator_metric == rates.metric.map(lambda r: RATES[r][1])).all()


def test_counts_roll_up_level_by_level(world):
    m = world["metrics"]
    counts = m[m.kind == "count"]
    for child, parent in (("village", "township"), ("township", "county"), ("county", "city")):
        sums = counts[counts.level == child].groupby(["parent_code", "metric"]).value.sum()
        parents = counts[counts.level == parent].set_index(["code", "metric"]).value
        assert sums.reindex(parents.index).fillna(0).to_dict() == pytest.approx(parents.to_dict())


def test_unknown_places_get_999_codes(world):
    hh, village, m = world["household"], world["village"], world["metrics"]
    unknown = hh[hh.place_match != "village"]
    assert len(unknown) > 0                                  # the generator plants C8 places
    assert unknown.village_code.str.endswith("999").all()
    township_unknown = unknown[unknown.place_match != "township"]
    assert township_unknown.township_code.str.endswith("999").all()
    assert set(unknown.village_code) <= set(village.village_code) <= set(m[m.level == "village"].code)
    assert village[village.village_code.isin(unknown.village_code)].is_unknown_village.all()


def test_changes_view_shows_exactly_the_corrected_households(world):
    with duckdb.connect(str(world["db"]), read_only=True) as con:
        changes = con.execute("SELECT * FROM changes WHERE from_version = ? AND to_version = ?",
                              [world["first"]["version"], world["second"]["version"]]).df()
    assert set(changes.household_id) == set(world["expected"])
    assert set(changes.change_kind) == {"changed"}
    for hid, transfers in world["expected"].items():
        row = changes[(changes.household_id == hid) & (changes.changed_column == "income_transfers")]
        assert len(row) == 1 and float(row.new_value.iloc[0]) == pytest.approx(transfers)
        assert {"income_transfers", "income_total"} <= set(changes[changes.household_id == hid].changed_column)
    after = world["after"]["household"].set_index("household_id").income_transfers
    assert {h: after[h] for h in world["expected"]} == pytest.approx(world["expected"])


def analyst_relations(home: Path, con: duckdb.DuckDBPyConnection) -> list[str]:
    names = [f'"{s}"."{t}"' for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() UNION ALL "
        "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    return names + [f"read_parquet('{p}')" for p in sorted((home / "warehouse").rglob("*.parquet"))]


def personal_numbers(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str, str]]:
    """(relation, column, number) for every ID or mobile number readable in the relation."""
    found = []
    for name, kind in con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {relation})").fetchall():
        if name in REGISTRY_NUMBERS:
            continue
        # a fraction's digits are no number: a DOUBLE is scanned by its whole part
        whole = kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL")
        text = f'CAST(CAST(trunc("{name}") AS HUGEINT) AS VARCHAR)' if whole else f'CAST("{name}" AS VARCHAR)'
        for (value,) in con.execute(f"SELECT DISTINCT {text} FROM {relation} "
                                    f"WHERE regexp_matches({text}, '\\d{{11}}')").fetchall():
            found += [(relation, name, hit) for hit in PERSONAL.findall(value)]
    return found


def test_no_id_or_mobile_number_anywhere_an_analyst_can_open(world):
    home = world["home"]
    con = duckdb.connect(str(world["db"]), read_only=True)
    relations = analyst_relations(home, con)
    assert len([r for r in relations if r.startswith("read_parquet")]) == 14        # 7 tables x 2 versions
    found = [hit for relation in relations for hit in personal_numbers(con, relation)]
    # the scan sees them where they are: the working database holds the full values
    con.execute(f"ATTACH '{home / 'warehouse' / 'onetable.duckdb'}' AS working (READ_ONLY)")
    control = personal_numbers(con, "working.main.norm_registry_person")
    con.close()
    assert found == []
    assert {column for _, column, _ in control} >= {"id_number"}
