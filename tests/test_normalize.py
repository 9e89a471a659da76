"""Normalize the registry fixture through sources/registry.yaml: exact values, outcomes, findings."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from pipelines import normalize
from pipelines.land import land_file
from pipelines.read import read_file
from pipelines.schema import load_schema
from pipelines.specs import load_specs
from pipelines.store import create_working_tables
from pipelines.workspace import Limits

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def landed():
    con = duckdb.connect()
    create_working_tables(con)
    meta = {"file_hash": "f" * 64, "path": "registry/r.xlsx", "office": "registry",
            "file_name": "registry_2018-08.xlsx", "load_id": "L1"}
    con.execute("INSERT INTO ledger (file_hash, office, path, file_name, first_seen, status, load_id) "
                "VALUES (?, 'registry', ?, ?, ?, 'received', 'L1')",
                [meta["file_hash"], meta["path"], meta["file_name"], datetime(2018, 9, 5)])
    sheets = read_file(FIX / "registry" / "registry_2018-08.xlsx", Limits())
    assert land_file(con, meta, sheets, load_specs()["registry"], {"镇安县": "611025", "镇安": "611025"}) is None
    month, scope = con.execute("SELECT month, scope FROM ledger").fetchall()[0]
    counts, findings = normalize.normalize_load(con, meta | {"month": month, "scope": scope},
                                                load_specs()["registry"], load_schema(), date(2018, 8, 31))
    return con, counts, findings, (month, scope)


def test_month_and_scope_from_title_and_county_column(landed):
    assert landed[3] == ("2018-08", "611025")


def test_every_landed_row_has_one_outcome(landed):
    con, counts, _, _ = landed
    assert counts == {"accepted": 4, "warned": 3, "rejected": 0}
    assert con.execute("SELECT count(*) FROM landed_row").fetchall()[0][0] == sum(counts.values())


def test_household_values(landed):
    con = landed[0]
    rows = con.execute("""SELECT row, household_id, head_id_number, head_id_number_original, poverty_attribute,
                                 poverty_status, income_per_capita, first_identified_date, is_relocation_household,
                                 outcome FROM norm_registry_household ORDER BY row""").fetchall()
    assert rows == [
        (4, "6110251002010001", "611025198001010015", None, "一般贫困户", "已脱贫", 3500.0, date(2014, 10, 1), False, "accepted"),
        (5, "6110251002010002", None, None, "特困供养贫困户", "未脱贫", 2100.5, date(2014, 10, 1), True, "warned"),
        (6, "6110251002010003", "612526196501010017", "612526650101001", "低保贫困户", "预脱贫", 0.0, date(2014, 10, 1), True, "accepted"),
    ]


def test_person_values(landed):
    con = landed[0]
    rows = con.execute("""SELECT row, id_number, sex, health_status, has_basic_medical, has_serious_illness_insurance, outcome
                          FROM norm_registry_person ORDER BY row""").fetchall()
    assert rows == [
        (4, "611025198001010015", "男", ["长期慢性病"], True, True, "accepted"),
        (5, None, "男", ["健康"], True, True, "warned"),
        (6, None, "男", ["残疾", "长期慢性病"], True, True, "warned"),
        (7, "612526196501010017", "男", ["健康"], True, False, "accepted"),   # A3 is info
    ]


def test_findings_name_the_cell(landed):
    found = sorted((f.sheet, f.row, f.column_letter, f.column_name, f.value, f.rule, f.severity, f.detail)
                   for f in landed[2])
    assert found == [
        ("人员信息", 5, "D", "证件号码", "611025201001010012", "A1.checksum", "warning", "身份证号校验位错误：应为X，实际为2"),
        ("人员信息", 6, "D", "证件号码", "611025198001010048", "A2", "warning",
         "身份证号以数字形式存储，Excel只保留15位有效数字，末几位已损坏，请将该列设为文本后重新填写"),
        ("人员信息", 7, "D", "证件号码", "612526650101001", "A3", "info", "15位旧身份证号已升级为18位"),
        ("户信息", 5, "G", "户主证件号码", "61102519800101001x", "A1.checksum", "warning", "身份证号校验位错误：应为5，实际为X"),
        ("户信息", 6, "G", "户主证件号码", "612526650101001", "A3", "info", "15位旧身份证号已升级为18位"),
    ]


def test_registry_findings_name_their_household(landed):
    assert {(f.row, f.household_id) for f in landed[2] if f.sheet == "户信息"} == {
        (5, "6110251002010002"), (6, "6110251002010003")}
