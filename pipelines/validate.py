"""Cross-checks (rules.md B, C, D; E at the publish gate): DuckDB selects, Great Expectations decides.

Every rule is declared in `expectations/rules.yaml` (`load_rules`). A rule with a SQL check names
`warehouse/checks/<file>.sql`, which selects the bad rows (zero rows = pass) with exactly
`CHECK_COLUMNS`, and the layers its rows belong to. A layer is one GX suite: its subjects are the
current rows of a normalized table (`cur_<table>`), or, for a layer declared under `layers:`, the
rows of its `subjects` SQL (B5's `coverage`: every registry person/household an exhaustive sender
must list; a finding with no row is keyed `@office:household:person`), or, with no `subjects`,
the rows the checks return (aggregate checks of section E).

Why this shape: GX 1.24.1's SQL datasource does not work on DuckDB through duckdb-engine (GX
#10738, #11579: metric queries come back empty, every expectation ends in MetricResolutionError;
tests/test_validate.py pins it), and `UnexpectedRowsExpectation` runs only on SQL engines. So the
joins run in DuckDB, and GX validates, per layer, a pandas DataFrame of the layer's subjects with
one boolean column per rule (True where the rule's SQL selected the subject) against one
`ExpectColumnValuesToBeInSet(value_set=[False])` per rule (COMPLETE result format, indexed by
`row_uid`). The findings are the subjects in GX's `unexpected_index_list`, joined back to the
SQL's rows for their details: GX decides; its result per layer is kept in `<gx_dir>/<layer>.json`.
GX plumbing (one ephemeral context, suites built once per process): pipelines/expect.py.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import yaml
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from pipelines.cells import normalize_header, split_header_unit
from pipelines.errors import ConfigError, OnetableError
from pipelines.expect import flag_suite, render_expectations, validate_frame, write_expectations
from pipelines.findings import insert_findings
from pipelines.schema import ROOT, load_schema
from pipelines.specs import load_specs
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES

__all__ = ["CHECK_COLUMNS", "CheckSummary", "Rule", "load_catalogue", "load_rules", "render_expectations",
           "run_checks", "run_gate", "store_findings", "write_expectations"]
RULES_PATH = ROOT / "expectations" / "rules.yaml"
CHECKS_DIR = ROOT / "warehouse" / "checks"
CHECK_COLUMNS = ["row_uid", "office", "file_name", "file_hash", "sheet", "row", "column_name", "value",
                 "household_id", "person_id", "detail"]
TABLE_LAYERS = frozenset(REGISTRY_TABLES + SECTOR_TABLES)
SUBJECT_SQL = ("coalesce(row_uid, '@' || office || ':' || coalesce(household_id, '-') || ':' "
               "|| coalesce(person_id, '-'))")
Severity = Literal["reject", "warning", "info", "blocking", "quarantine"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    section: Literal["F", "A", "B", "C", "D", "E", "P"]
    severity: Severity
    reject_on: list[Literal["key", "required"]] = []
    owner: Literal["sender", "registry", "data_office"]
    title_zh: str
    message_zh: str
    fix_zh: str
    registry_message_zh: str | None = None
    registry_fix_zh: str | None = None
    check: str
    layer: list[str] = []
    also_on_registry: bool = False
    correction_list: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        for text in (self.message_zh, self.registry_message_zh or ""):
            text.format(detail="")  # only {detail}: findings.describe formats it
        if self.reject_on and self.severity != "warning":
            raise ValueError("reject_on is for rules that are otherwise `warning`")
        sql = self.check.endswith(".sql")
        if sql != bool(self.layer) or (not sql and self.check not in ("reader", "contract")):
            raise ValueError("check is `reader`, `contract` or a SQL file with a `layer` list")
        if self.also_on_registry and ("registry_household" not in self.layer or not self.registry_message_zh):
            raise ValueError("also_on_registry needs layer registry_household and registry_message_zh")
        return self

    @property
    def on_correction_list(self) -> bool:
        return self.correction_list if self.correction_list is not None else self.severity != "info"

    def severity_for(self, *, key: bool = False, required: bool = False) -> Severity:
        """A1/A2/A5-A7: reject when the failing cell is the key or a required column."""
        hit = ("key" in self.reject_on and key) or ("required" in self.reject_on and required)
        return "reject" if hit else self.severity

    def texts(self, office: str | None) -> tuple[str, str]:
        """(message, fix) template for a finding reported to `office`."""
        if office == "registry" and self.registry_message_zh and self.section == "D":
            return self.registry_message_zh, self.registry_fix_zh or self.fix_zh
        return self.message_zh, self.fix_zh


class Layer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str
    subjects: str | None = None


class RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    layers: dict[str, Layer] = {}
    rules: list[Rule]


def _config_error(path: Path, exc: ValidationError, raw: Any) -> ConfigError:
    errors = exc.errors()
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in err["loc"]]
    if len(loc) > 1 and loc[0] == "rules" and loc[1].isdigit():
        loc[1] = str(raw["rules"][int(loc[1])].get("id", loc[1]))
    if err["type"] == "extra_forbidden":
        models: dict[int, type[BaseModel]] = {1: RulesFile, 3: Rule}
        model = models.get(len(loc), Layer)
        return ConfigError(path, ".".join(loc), f"unknown key `{loc[-1]}`", model.model_fields, got=loc[-1])
    return ConfigError(path, ".".join(loc), err["msg"])


@dataclass(frozen=True)
class Catalogue:
    rules: dict[str, Rule]
    layers: dict[str, Layer]


@cache
def load_catalogue(path: Path = RULES_PATH) -> Catalogue:
    """rules.yaml: unknown keys, duplicate ids and unknown layers are ConfigErrors."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        parsed = RulesFile.model_validate(raw)
    except ValidationError as exc:
        raise _config_error(path, exc, raw) from None
    rules: dict[str, Rule] = {}
    for rule in parsed.rules:
        if rule.id in rules:
            raise ConfigError(path, f"rules.{rule.id}", "rule id is declared twice")
        for name in rule.layer:
            if name not in TABLE_LAYERS and name not in parsed.layers:
                raise ConfigError(path, f"rules.{rule.id}.layer", f"unknown layer `{name}`",
                                  [*TABLE_LAYERS, *parsed.layers], got=name)
        rules[rule.id] = rule
    return Catalogue(rules, parsed.layers)


def load_rules(path: Path = RULES_PATH) -> dict[str, Rule]:
    """The rule catalogue by rules.md id (F1 ... E6, and P1 for the pipeline's own contract)."""
    return load_catalogue(path).rules


# --------------------------------------------------------------------------- running the checks

@dataclass(frozen=True)
class CheckSummary:
    run_id: str
    findings: dict[str, int]       # rule id -> findings recorded (0 = passed)
    layers: dict[str, bool]        # layer (suite) -> GX success
    sql_seconds: float
    gx_seconds: float
    layer_seconds: dict[str, float] | None = None   # layer (suite) -> seconds in GX

    @property
    def failed(self) -> list[str]:
        return [rule for rule, n in self.findings.items() if n]


def run_checks(con: duckdb.DuckDBPyConnection, run_id: str, gx_dir: Path, *,
               checks_dir: Path = CHECKS_DIR, rules_path: Path = RULES_PATH) -> CheckSummary:
    """Sections B, C, D: run every SQL check, validate through GX, record the findings."""
    _require_inputs(con)
    rules = [r for r in load_rules(rules_path).values() if r.section in ("B", "C", "D") and r.layer]
    return _run(con, run_id, gx_dir, rules, checks_dir, rules_path)


def run_gate(con: duckdb.DuckDBPyConnection, run_id: str, gx_dir: Path, *,
             checks_dir: Path = CHECKS_DIR, rules_path: Path = RULES_PATH) -> list[str]:
    """Section E (office data_office): the ids of the blocking rules that failed."""
    rules = [r for r in load_rules(rules_path).values() if r.section == "E" and r.layer]
    summary = _run(con, run_id, gx_dir, rules, checks_dir, rules_path)
    return [r.id for r in rules if r.severity == "blocking" and summary.findings[r.id]]


def _require_inputs(con: duckdb.DuckDBPyConnection) -> None:
    if con.execute("SELECT count(*) FROM run_context").fetchall()[0][0] != 1:
        raise OnetableError("`run_context` must hold exactly one row (this run) before the checks run")
    if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'place'").fetchall():
        raise OnetableError("no `place` table (C8, D11 need the gazetteer): load reference/places.csv first")


def _sql(path: Path) -> str:
    if not path.exists():  # E checks are written by the publish stage
        raise ConfigError(path, "check", f"SQL file `{path.name}` does not exist")
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def _check_rows(con: duckdb.DuckDBPyConnection, path: Path) -> list[dict[str, Any]]:
    """The bad rows of one check, with CHECK_COLUMNS (cast) and their GX subject key."""
    sql = _sql(path)
    columns = con.sql(sql).columns
    if columns != CHECK_COLUMNS:
        raise ConfigError(path, "columns", f"selects {columns}; expected exactly {CHECK_COLUMNS}")
    casts = ", ".join(f'CAST("{c}" AS {"BIGINT" if c == "row" else "VARCHAR"}) AS "{c}"' for c in CHECK_COLUMNS)
    return con.sql(f"SELECT {casts}, {SUBJECT_SQL} AS subject FROM (\n{sql}\n) AS q").to_arrow_table().to_pylist()


def _subjects(con: duckdb.DuckDBPyConnection, name: str, layer: Layer | None, checks_dir: Path,
              rows: list[dict[str, Any]]) -> pd.Series:
    if name in TABLE_LAYERS:
        sql = f"SELECT DISTINCT row_uid AS subject FROM cur_{name} WHERE row_uid IS NOT NULL"
    elif layer is not None and layer.subjects:
        sql = f"SELECT DISTINCT {SUBJECT_SQL} AS subject FROM (\n{_sql(checks_dir / layer.subjects)}\n) AS q"
    else:  # aggregate checks: the subjects are the rows the checks return
        return pd.Series(sorted({r["subject"] for r in rows}), dtype=object, name="subject")
    return con.sql(sql).df()["subject"].astype(object)


def _run(con: duckdb.DuckDBPyConnection, run_id: str, gx_dir: Path, rules: list[Rule],
         checks_dir: Path, rules_path: Path) -> CheckSummary:
    start = time.perf_counter()
    rows = {r.id: _check_rows(con, checks_dir / r.check) for r in rules}
    sql_seconds = time.perf_counter() - start
    declared = load_catalogue(rules_path).layers
    failing: dict[str, set[str]] = {r.id: set() for r in rules}
    known: dict[str, set[str]] = {r.id: set() for r in rules}
    success: dict[str, bool] = {}
    timing: dict[str, float] = {}
    for name in dict.fromkeys(n for r in rules for n in r.layer):
        members = [r for r in rules if name in r.layer]
        subjects = _subjects(con, name, declared.get(name), checks_dir, [x for r in members for x in rows[r.id]])
        frame = pd.DataFrame({"row_uid": subjects})
        for r in members:
            frame[r.id] = frame["row_uid"].isin({x["subject"] for x in rows[r.id]})
            known[r.id] |= set(frame.loc[frame[r.id], "row_uid"])
        suite, started = flag_suite(name, tuple(r.id for r in members)), time.perf_counter()
        success[name], found = validate_frame(suite, frame, "row_uid", gx_dir / f"{name}.json")
        timing[name] = time.perf_counter() - started
        for config, ids in found:
            failing[config["rule"]] |= ids
    _no_strays(rules, rows, known, rules_path)
    records = [_finding(run_id, r, x) for r in rules for x in rows[r.id] if x["subject"] in failing[r.id]]
    _sender_headers(con, records)
    store_findings(con, run_id, [r.id for r in rules], records)
    counts = Counter(x["rule"] for x in records)
    gx_seconds = time.perf_counter() - start - sql_seconds
    return CheckSummary(run_id, {r.id: counts[r.id] for r in rules}, success, sql_seconds, gx_seconds, timing)


def _no_strays(rules: list[Rule], rows: dict[str, list[dict[str, Any]]], known: dict[str, set[str]],
               path: Path) -> None:
    """A check row that is no subject of the rule's layers would be lost: a declaration error."""
    for r in rules:
        stray = [x["subject"] for x in rows[r.id] if x["subject"] not in known[r.id]]
        if stray:
            raise ConfigError(path, f"rules.{r.id}.layer", f"{r.check} returned {len(stray)} row(s) that "
                              f"are subjects of none of {r.layer} (e.g. `{stray[0]}`)")


def _finding(run_id: str, rule: Rule, row: dict[str, Any]) -> dict[str, Any]:
    office = "data_office" if rule.owner == "data_office" else row["office"]
    message, fix = rule.texts(office)
    found = {c: row[c] for c in CHECK_COLUMNS if c not in ("row_uid", "detail")}
    if rule.owner == "data_office":
        found.update(file_name=None, file_hash=None, sheet=None, row=None)
    return {**found, "run_id": run_id, "rule": rule.id, "severity": rule.severity, "office": office,
            "column_letter": None, "message": message.replace("{detail}", row["detail"] or ""), "fix": fix}


@cache
def _locate(office: str, table: str, headers: tuple[str, ...], column: str) -> tuple[str, str] | None:
    spec = load_specs().get(office)
    sheet = next((s for s in spec.sheets if s.table == table), None) if spec else None
    spelled = next((c for c in sheet.columns if c.target == column), None) if sheet else None
    if spelled is None:
        return None
    wanted = {split_header_unit(normalize_header(h))[0] for h in spelled.spellings()}
    return next(((h, get_column_letter(i + 1)) for i, h in enumerate(headers)
                 if h and split_header_unit(normalize_header(h))[0] in wanted), None)


def _sender_headers(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]) -> None:
    """column_name: canonical column -> the header as the sender wrote it, with its Excel letter."""
    hashes = sorted({r["file_hash"] for r in records if r["file_hash"]})
    sheets = {(h, s): (t, tuple(hs or [])) for h, s, t, hs in con.execute(
        "SELECT file_hash, sheet, tbl, headers FROM landed_sheet WHERE list_contains($1, file_hash)",
        [hashes]).fetchall()} if hashes else {}
    labels = load_schema().columns
    for r in records:
        column, sheet = r["column_name"], sheets.get((r["file_hash"], r["sheet"]))
        located = _locate(r["office"], *sheet, column) if sheet and column else None
        if located:
            r["column_name"], r["column_letter"] = located
        elif column in labels:
            r["column_name"] = labels[column].label


def store_findings(con: duckdb.DuckDBPyConnection, run_id: str, rules: list[str],
                   records: list[dict[str, Any]]) -> None:
    """Replace this run's findings of `rules` (a rerun records them once) with `records`."""
    con.execute("DELETE FROM finding WHERE run_id = ? AND split_part(rule, '.', 1) IN (SELECT unnest(?))",
                [run_id, rules])
    insert_findings(con, records)
