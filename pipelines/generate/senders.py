"""Each sender's files for the month: how its rows are split into files, sheets, titles and styles."""

from __future__ import annotations

import random
from collections.abc import Callable

from pipelines.generate.facts import World
from pipelines.generate.layouts import HEADERS, footers, pick_headers, titles
from pipelines.generate.places import COUNTIES
from pipelines.generate.records import FileData, Format, Rec, Sheet, Style
from pipelines.generate.render import DATE_STYLES
from pipelines.generate.writers import XLSX_ROWS

NAMES = {c.code: c.name for c in COUNTIES}
EMPLOYMENT_GROUPS = (("611002", "611021", "611022"), ("611023", "611024"), ("611025", "611026"))
HOUSING_GROUPS = (("611002", "611021", "611022", "611023"), ("611024", "611025", "611026"))
EDUCATION_WORKBOOKS = ("611002", "611024", "611025")    # one workbook, a sheet per school
XLS_ROWS = 60000                                          # an .xls sheet holds 65,536 rows
_YES = (("是", "否"), ("是", "否"), ("√", "×"), ("1", "0"), ("Y", "N"))
_MONEY_COLUMNS = ("support_funds", "operating_income", "monthly_wage", "aid_amount", "subsidy_amount",
                  "monthly_amount", "grain_for_green_subsidy")


def style(rng: random.Random, **fixed: object) -> Style:
    s = Style(dates=rng.choice(DATE_STYLES), yes=rng.choice(_YES), codes_as_numbers=rng.choice((0.0, 0.0, 0.05, 0.2)),
              separator=rng.choice(("、", ",", "，")), id_quirks=rng.choice((0.0, 0.01, 0.03)),
              text_quirks=rng.choice((0.0, 0.01)), money_text=rng.choice((0.0, 0.0, 0.02)),
              header_spaces=rng.random() < 0.2, yes_words=rng.random() < 0.5, lower_x=rng.random() < 0.25)
    for key, value in fixed.items():
        setattr(s, key, value)
    return s


def sheet(w: World, table: str, office: str, recs: list[Rec], rng: random.Random, *, place: str = "",
          title_rows: tuple[int, int] = (1, 2), name: str = "Sheet1", look: Style | None = None,
          usual: float = 0.6) -> Sheet:
    columns = pick_headers(table, rng, usual)
    units = {c: "万元" for c, h in columns if "万元" in h}
    s = Sheet(name, table, columns, recs, titles(office, w.period, place, rng.randint(*title_rows), rng),
              style=look or style(rng), blank_rows=rng.choice((0.0, 0.0, 0.005, 0.01)), header_units=units)
    money = {i: sum(_amount(r.values.get(c)) for r in recs) for i, (c, _) in enumerate(columns) if c in _MONEY_COLUMNS}
    s.footers = footers(len(columns), rng, len(recs), money)
    return s


def _amount(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def by_county(recs: list[Rec], counties: tuple[str, ...]) -> list[Rec]:
    return [r for r in recs if r.county in counties]


def _county_files(w: World, table: str, office: str, rng: random.Random,
                  name: Callable[[str], str], title_rows: tuple[int, int], sheet_names: tuple[str, ...]) -> list[FileData]:
    files = []
    for county in COUNTIES:
        recs = by_county(w.recs[table], (county.code,))
        if recs:
            files.append(FileData(office, name(county.name), "xlsx", [
                sheet(w, table, office, recs, rng, place=county.name, title_rows=title_rows,
                      name=rng.choice(sheet_names))]))
    return files


def registry_files(w: World, homes: list[Rec], people: list[Rec], rng: random.Random) -> list[FileData]:
    """One export of the whole city; one per county when 人员信息 would not fit in an .xlsx sheet."""
    if len(people) + 3 <= XLSX_ROWS:                        # two title lines and the header
        return [_registry_file(w, "", homes, people)]
    return [_registry_file(w, c.name, by_county(homes, (c.code,)), by_county(people, (c.code,)))
            for c in COUNTIES if any(r.county == c.code for r in homes)]


def _registry_file(w: World, county: str, homes: list[Rec], people: list[Rec]) -> FileData:
    look = Style(dates="iso", codes_as_numbers=0.03, separator=",", id_quirks=0.005, text_quirks=0.0)
    p = w.period
    sheets = []
    for table, recs, label in (("registry_household", homes, "户信息"), ("registry_person", people, "人员信息")):
        cols = [(c, h[0]) for c, h in HEADERS[table]]
        lines = [f"商洛市{county}{p.cn}建档立卡贫困户信息（{label}）",
                 f"导出单位：商洛市扶贫开发办公室    导出时间：{p.next_month[0]}-{p.next_month[1]:02d}-03 10:21:35"]
        sheets.append(Sheet(label, table, cols, recs, lines, style=look))
    name = f"全国扶贫开发信息系统_建档立卡数据导出_{county + '_' if county else ''}{p.compact}.xlsx"
    return FileData("registry", name, "xlsx", sheets)


def _groups(w: World, table: str, office: str, groups: tuple[tuple[str, ...], ...], fmts: tuple[Format, ...],
            stem: str, rng: random.Random, title_rows: tuple[int, int]) -> list[FileData]:
    files = []
    for counties, fmt in zip(groups, fmts, strict=True):
        place = "、".join(NAMES[c] for c in counties)
        recs = by_county(w.recs[table], counties)
        f = FileData(office, f"{stem}（{place}）{w.period.cn}.{fmt}", fmt,
                     [sheet(w, table, office, recs, rng, title_rows=title_rows)])
        if fmt == "csv":
            f.encoding, f.delimiter = "utf-16", "\t"
        files.append(f)
    return files


def _education(w: World, rng: random.Random) -> list[FileData]:
    by_school: dict[str, list[Rec]] = {}
    for r in w.recs["education"]:
        by_school.setdefault(str(r.values["school_name"]), []).append(r)
    files: list[FileData] = []
    for county in COUNTIES:
        schools = [s for s, recs in by_school.items() if recs[0].county == county.code and "商洛" not in s]
        if county.code in EDUCATION_WORKBOOKS and schools:
            sheets = [sheet(w, "education", "education", by_school[s], rng, place=county.name, title_rows=(1, 3),
                            name=s[:31]) for s in schools]
            files.append(FileData("education", f"{county.name}{w.period.cn}建档立卡学生资助名册.xlsx", "xlsx", sheets))
            continue
        for s in schools:
            files.append(FileData("education", f"{s}资助名册{w.period.compact}.xlsx", "xlsx", [
                sheet(w, "education", "education", by_school[s], rng, place=county.name, title_rows=(1, 3))]))
    for s in ("商洛职业技术学院", "商洛学院"):
        if s in by_school:
            files.append(FileData("education", f"{s}建档立卡学生{w.period.dotted}.xlsx", "xlsx", [
                sheet(w, "education", "education", by_school[s], rng, title_rows=(1, 3))]))
    return files


def sender_files(w: World, rng: random.Random) -> dict[str, list[FileData]]:
    """Every sender's files (registry excluded), before defects."""
    p = w.period
    out: dict[str, list[FileData]] = {}
    out["industry"] = _county_files(w, "industry", "industry", rng,
                                    lambda c: rng.choice((f"{c}{p.cn}产业扶持到户明细.xlsx", f"{c}产业到户台账{p.compact}.xlsx",
                                                          f"{c}产业扶持{p.dotted}.xlsx")), (1, 3),
                                    ("Sheet1", "产业扶持", "产业到户明细"))
    out["employment"] = _groups(w, "employment", "employment", EMPLOYMENT_GROUPS, ("xlsx", "csv", "xlsx"),
                                "贫困劳动力就业台账", rng, (1, 2))
    out["relocation"] = [FileData("relocation", f"易地扶贫搬迁安置台账{p.dotted}.xlsx", "xlsx", [
        sheet(w, "relocation", "relocation", w.recs["relocation"], rng, title_rows=(1, 2), name="搬迁户")])]
    eco = w.recs["ecology"]
    parts = [eco[i:i + XLS_ROWS] for i in range(0, len(eco), XLS_ROWS)] or [[]]
    out["ecology"] = [FileData("ecology", f"生态护林员及退耕还林补助名册{p.compact}.xls", "xls", [
        sheet(w, "ecology", "ecology", part, rng, title_rows=(0, 1), name=f"护林员{i + 1 if i else ''}")
        for i, part in enumerate(parts)])]
    out["education"] = _education(w, rng)
    out["health"] = _county_files(w, "health", "health", rng, lambda c: f"{c}健康扶贫参保签约台账{p.compact}.xlsx", (1, 2),
                                  ("Sheet1", "参保情况", "健康扶贫"))
    social = FileData("social_security", f"农村低保特困供养名册{p.cn}.csv", "csv", [
        sheet(w, "social_security", "social_security", w.recs["social_security"], rng, title_rows=(1, 2))],
        encoding="gb18030")
    social.sheets[0].footers = []
    out["social_security"] = [social]
    out["housing"] = _groups(w, "housing", "housing", HOUSING_GROUPS, ("xlsx", "xlsx"), "农村危房改造台账", rng, (1, 3))
    out["infrastructure"] = [FileData("infrastructure", f"基础设施及农户饮水用电情况{p.compact}.xlsx", "xlsx", [
        sheet(w, "infra_village", "infrastructure", w.recs["infra_village"], rng, title_rows=(1, 2), name="村级设施"),
        sheet(w, "infra_household", "infrastructure", w.recs["infra_household"], rng, title_rows=(1, 1),
              name="农户饮水用电")])]
    out["screening"] = [FileData("screening", f"扶贫对象数据比对疑点名单{p.cn}.xlsx", "xlsx", [
        sheet(w, "screening", "screening", w.recs["screening"], rng, title_rows=(1, 1), name="比对结果")])]
    return out
