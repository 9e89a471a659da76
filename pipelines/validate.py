"""Every rule through GX: F and A (the reader's detections), B, C, D, and E at the publish gate.
DuckDB selects, Great Expectations decides.

Every rule is declared in `expectations/rules.yaml` (`load_rules`). A rule with a SQL check names
`warehouse/checks/<file>.sql`, which selects the bad rows (zero rows = pass) with exactly
`CHECK_COLUMNS`, and the layers its rows belong to. A layer is one GX suite: its subjects are the
current rows of a normalized table (`cur_<table>`), or, for a layer declared under `layers:`, the
rows of its `subjects` SQL (B5's `coverage`: every registry person/household an exhaustive sender
must list; a finding with no row is keyed `@office:household:person`), or, with no `subjects`,
the rows the checks return (aggregate checks of section E).

Sections F and A (`check: reader`) are detected while a file is taken in and its cells converted
(ID check characters, Chinese dates, 万元: Python, not SQL) and recorded in `finding`;
`warehouse/checks/reader.sql` turns this run's detections into check rows of the layers `files`
(every file in the ledger: F1-F10, A4) and `sender_rows` (every landed row normalized in this
run: A1-A9), and GX decides them like every other rule: a detection stands only if GX flags its
subject (`run_reader_checks`).

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

import functools
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.duck import lit
from pipelines.errors import ConfigError, OnetableError
from pipelines.expect import decide_layer, render_expectations, write_expectations
from pipelines.findings import record_failed
from pipelines.fingerprints import Fingerprints
from pipelines.inforce import frozen_content, frozen_in_force
from pipelines.kept import PART, KeptChecks, split_parts
from pipelines.rules import RULES_PATH, TABLE_LAYERS, Layer, Rule, load_catalogue, load_rules
from pipelines.schema import ROOT
from pipelines.snapshot import macro_sql

__all__ = ["CHECK_COLUMNS", "CheckSummary", "Rule", "load_catalogue", "load_rules",
           "render_expectations", "run_checks", "run_gate", "run_reader_checks", "write_expectations"]
CHECKS_DIR = ROOT / "warehouse" / "checks"
READER_CHECK = "reader.sql"   # the check rows of every `check: reader` rule (F, A)
CHECK_COLUMNS = ["row_uid", "office", "file_name", "file_hash", "sheet", "row", "column_name", "value",
                 "household_id", "person_id", "detail"]
SUBJECT_SQL = ("coalesce(row_uid, '@' || office || ':' || coalesce(household_id, '-') || ':' "
               "|| coalesce(person_id, '-'))")


# --------------------------------------------------------------------------- running the checks

@dataclass(frozen=True)
class CheckSummary:
    run_id: str
    findings: dict[str, int]       # rule id -> findings recorded (0 = passed)
    layers: dict[str, bool]        # layer (suite) -> GX success
    sql_seconds: float
    gx_seconds: float
    layer_seconds: dict[str, float] | None = None   # layer (suite) -> seconds deciding it (frame and GX)
    reused: tuple[str, ...] = ()   # rules whose check rows were kept from an earlier run (pipelines.kept)
    reused_layers: tuple[str, ...] = ()   # layers whose GX decision was kept from an earlier run (idem)

    @property
    def failed(self) -> list[str]:
        return [rule for rule, n in self.findings.items() if n]


def run_checks(con: duckdb.DuckDBPyConnection, run_id: str, gx_dir: Path, *, reuse: bool = True,
               checks_dir: Path = CHECKS_DIR, rules_path: Path = RULES_PATH) -> CheckSummary:
    """Sections B, C, D: select every rule's bad rows (kept from an earlier run while the rule's
    fingerprint stands, unless `reuse` is off: pipelines.kept), validate through GX, record the findings."""
    _require_inputs(con)
    rules = [r for r in load_rules(rules_path).values() if r.section in ("B", "C", "D") and r.layer]
    with frozen_in_force(con):
        code = "\0".join([_check_code(), *macro_sql()])
        kept = KeptChecks(con, Fingerprints(con, code, frozen_content(con)), _kept_columns(), reuse)
        return _run(con, run_id, gx_dir, rules, checks_dir, rules_path, kept)


def run_reader_checks(con: duckdb.DuckDBPyConnection, run_id: str, gx_dir: Path, load_ids: list[str], *,
                      checks_dir: Path = CHECKS_DIR, rules_path: Path = RULES_PATH) -> CheckSummary:
    """Sections F and A: the reader's detections of this run (files taken in, rows of `load_ids`
    normalized), validated through GX in the layers `files` and `sender_rows`."""
    _require_inputs(con)
    con.execute("CREATE OR REPLACE TEMP TABLE run_load AS SELECT unnest($1::VARCHAR[]) AS load_id", [load_ids])
    rules = [r for r in load_rules(rules_path).values() if r.check == "reader"]
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


def _kept_columns() -> list[tuple[str, str]]:
    return [("rule", "VARCHAR"), *((c, "BIGINT" if c == "row" else "VARCHAR") for c in CHECK_COLUMNS),
            ("subject", "VARCHAR")]


def _check_code() -> str:
    """What every check row depends on besides its SQL: how it is cast and keyed."""
    return f"{_kept_columns()}\0{SUBJECT_SQL}"


def _collect(con: duckdb.DuckDBPyConnection, rules: list[Rule], checks_dir: Path, kept: KeptChecks | None) -> None:
    """Every rule's bad rows, with CHECK_COLUMNS (cast) and their GX subject key, into the TEMP table
    `check_row`: they stay in DuckDB (only the rows GX fails become Python objects). reader.sql is
    shared by every `check: reader` rule: it runs once, its `rule` column kept. With `kept`, a
    rule's rows are kept from an earlier run while its fingerprint stands (pipelines.kept)."""
    typed = ", ".join(f'"{c}" {t}' for c, t in _kept_columns())
    con.execute(f"CREATE OR REPLACE TEMP TABLE check_row ({typed}, known BOOLEAN)")
    casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in _kept_columns() if c in CHECK_COLUMNS)
    reader = [r.id for r in rules if r.check == "reader"]
    if reader:
        sql = _checked(con, checks_dir / READER_CHECK, shared=True)
        con.execute(f"INSERT INTO check_row SELECT q.rule, {casts}, {SUBJECT_SQL}, false FROM (\n{sql}\n) AS q "
                    "WHERE list_contains($1, q.rule)", [reader])
    for r in rules:
        if r.check != "reader":
            sql = _checked(con, checks_dir / r.check)
            for key, part in _parts(con, r, sql, checks_dir):
                insert = f"INSERT INTO check_row SELECT {lit(key)}, {casts}, {SUBJECT_SQL}, false FROM (\n{part}\n) AS q"
                if kept is None:
                    con.execute(insert)
                else:
                    kept.collect(key, part, insert)
    if kept is not None:
        kept.copy_reused()
    con.execute(f"UPDATE check_row SET rule = split_part(rule, '{PART}', 1) WHERE contains(rule, '{PART}')")
    if kept is not None:
        kept.forget_others()


def _parts(con: duckdb.DuckDBPyConnection, rule: Rule, sql: str, checks_dir: Path) -> list[tuple[str, str]]:
    """(key, SQL) of the parts a rule's check runs and is kept in: the whole SQL under the rule's id,
    or with `split_by`, one part per table under `<rule>@<table>` (pipelines.kept.split_parts)."""
    if not rule.split_by:
        return [(rule.id, sql)]
    try:
        return [(f"{rule.id}{PART}{table}", part) for table, part in split_parts(con, sql, rule.split_by)]
    except ValueError as exc:
        raise ConfigError(checks_dir / rule.check, "split_by", f"{exc} (rule {rule.id} has split_by "
                          f"`{rule.split_by}`)") from exc


def _checked(con: duckdb.DuckDBPyConnection, path: Path, shared: bool = False) -> str:
    """A check's SQL, once its columns are CHECK_COLUMNS (a `shared` check adds a `rule` column)."""
    sql = _sql(path)
    columns = con.sql(sql).columns
    if (shared and "rule" not in columns) or [c for c in columns if not shared or c != "rule"] != CHECK_COLUMNS:
        raise ConfigError(path, "columns", f"selects {columns}; expected exactly {CHECK_COLUMNS}"
                          + (" and `rule`" if shared else ""))
    return sql


def _subjects(con: duckdb.DuckDBPyConnection, name: str, layer: Layer | None, checks_dir: Path,
              members: list[str], mark: bool = True) -> None:
    """The layer's subjects into the TEMP table `layer_subject`; with `mark`, the check rows of its
    `members` that are among them are marked `known` (the others would be lost: _no_strays)."""
    rules = ", ".join(map(lit, members))
    if name in TABLE_LAYERS:
        sql = f"SELECT DISTINCT row_uid AS subject FROM cur_{name} WHERE row_uid IS NOT NULL"
    elif layer is not None and layer.subjects:
        sql = f"SELECT DISTINCT {SUBJECT_SQL} AS subject FROM (\n{_sql(checks_dir / layer.subjects)}\n) AS q"
    else:  # aggregate checks: the subjects are the rows the checks return
        sql = f"SELECT DISTINCT subject FROM check_row WHERE rule IN ({rules}) AND subject IS NOT NULL ORDER BY subject"
    con.execute(f"CREATE OR REPLACE TEMP TABLE layer_subject AS {sql}")
    if mark:
        con.execute(f"UPDATE check_row SET known = true WHERE NOT known AND rule IN ({rules}) "
                    "AND subject IN (SELECT subject FROM layer_subject)")


def _table_frame(con: duckdb.DuckDBPyConnection, name: str, members: list[str], kept: KeptChecks) -> str:
    """A layer over `cur_<name>`, without building its frame: the check rows of its `members` that
    are its subjects (the frame's True flags, into the TEMP table `layer_flagged`) are marked
    `known`, and the hash of what determines the frame is returned: the subjects (`row_uid`) and
    those (rule, subject) pairs. A layer whose frame is unchanged then takes GX's kept decision
    without its subjects ever being copied (a DISTINCT over up to 500k rows per layer)."""
    rules = ", ".join(map(lit, members))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE layer_flagged AS SELECT DISTINCT rule, subject FROM check_row
                    WHERE rule IN ({rules}) AND subject IN (SELECT row_uid FROM cur_{name})""")
    con.execute("UPDATE check_row c SET known = true WHERE NOT known AND EXISTS "
                "(SELECT 1 FROM layer_flagged f WHERE f.rule = c.rule AND f.subject = c.subject)")
    content = kept.frame_content(f"SELECT row_uid FROM cur_{name} WHERE row_uid IS NOT NULL",
                                 "SELECT rule, subject FROM layer_flagged")
    con.execute("DROP TABLE temp.main.layer_flagged")
    return content


def _run(con: duckdb.DuckDBPyConnection, run_id: str, gx_dir: Path, rules: list[Rule],
         checks_dir: Path, rules_path: Path, kept: KeptChecks | None = None) -> CheckSummary:
    start = time.perf_counter()
    _collect(con, rules, checks_dir, kept)
    sql_seconds = time.perf_counter() - start
    declared = load_catalogue(rules_path).layers
    failing: dict[str, set[str]] = {r.id: set() for r in rules}
    success: dict[str, bool] = {}
    timing: dict[str, float] = {}
    for name in dict.fromkeys(n for r in rules for n in r.layer):
        members = [r.id for r in rules if name in r.layer]
        started = time.perf_counter()
        content, build = None, None
        if kept is not None and name in TABLE_LAYERS:
            content = _table_frame(con, name, members, kept)
            build = functools.partial(_subjects, con, name, None, checks_dir, members, mark=False)
        else:
            _subjects(con, name, declared.get(name), checks_dir, members)
        success[name], found = decide_layer(con, name, members, gx_dir / f"{name}.json", kept, content, build)
        timing[name] = time.perf_counter() - started
        for rule, ids in found.items():
            failing[rule] |= ids
    con.execute("DROP TABLE IF EXISTS temp.main.layer_subject")
    _no_strays(con, rules, rules_path)
    _failed(con, failing)
    counts = record_failed(con, run_id, [r for r in rules if r.check != "reader"])
    for r in rules:
        if r.check == "reader":
            counts[r.id] = _keep_decided(con, run_id, r.id)
    con.execute("DROP TABLE IF EXISTS temp.main.check_row; DROP TABLE IF EXISTS temp.main.check_failed")
    gx_seconds = time.perf_counter() - start - sql_seconds
    return CheckSummary(run_id, {r.id: counts[r.id] for r in rules}, success, sql_seconds, gx_seconds, timing,
                        tuple(kept.reused) if kept else (), tuple(kept.reused_layers) if kept else ())


def _failed(con: duckdb.DuckDBPyConnection, failing: dict[str, set[str]]) -> None:
    """GX's decision, (rule, subject) per unexpected id, as the TEMP table `check_failed`."""
    pairs = [(rule, subject) for rule, ids in failing.items() for subject in ids]
    decided = pa.table({"rule": pa.array([r for r, _ in pairs], pa.string()),
                        "subject": pa.array([s for _, s in pairs], pa.string())})
    con.register("gx_failed", decided)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE check_failed AS SELECT * FROM gx_failed")
    finally:
        con.unregister("gx_failed")


def _keep_decided(con: duckdb.DuckDBPyConnection, run_id: str, rule: str) -> int:
    """A reader finding stands when GX flagged its subject; the others are removed. Returns how many stand."""
    undecided = (f"SELECT * FROM check_row c WHERE c.rule = {lit(rule)} AND NOT EXISTS "
                 "(SELECT 1 FROM check_failed d WHERE d.rule = c.rule AND d.subject = c.subject)")
    con.execute(f"""DELETE FROM finding f WHERE run_id = ? AND split_part(rule, '.', 1) = ? AND EXISTS (
                        SELECT 1 FROM ({undecided}) AS x WHERE x.file_hash IS NOT DISTINCT FROM f.file_hash
                        AND x.sheet IS NOT DISTINCT FROM f.sheet AND x.row IS NOT DISTINCT FROM f.row
                        AND x.column_name IS NOT DISTINCT FROM f.column_name)""", [run_id, rule])
    return int(con.execute(f"SELECT count(*) FROM check_row c WHERE c.rule = {lit(rule)} AND EXISTS "
                           "(SELECT 1 FROM check_failed d WHERE d.rule = c.rule AND d.subject = c.subject)"
                           ).fetchall()[0][0])


def _no_strays(con: duckdb.DuckDBPyConnection, rules: list[Rule], path: Path) -> None:
    """A check row that is no subject of the rule's layers would be lost: a declaration error."""
    strays = {rule: (n, example) for rule, n, example in con.execute(
        "SELECT rule, count(*), min(subject) FROM check_row WHERE NOT known GROUP BY rule").fetchall()}
    for r in rules:
        if r.id in strays:
            n, example = strays[r.id]
            raise ConfigError(path, f"rules.{r.id}.layer", f"{r.check} returned {n} row(s) that "
                              f"are subjects of none of {r.layer} (e.g. `{example}`)")
