"""Great Expectations plumbing, and the schema's generated expectations (the normalize contract).

`gx_context()` is the one ephemeral GX context of the process (pandas datasource, analytics and
progress bars off, GX imported lazily); `validate_frame()` validates a DataFrame against a suite in
COMPLETE result format, saves the result JSON and returns the unexpected index values per
expectation. Why pandas and not GX's SQL datasource: see pipelines/validate.py. `decide_layer()`
has GX decide one layer of pipelines.validate (its frame of subjects and flags), or takes the
decision GX made on the same frame in an earlier run (pipelines.kept).

`render_expectations()` renders, for every normalized table of schemas/sector.yaml, the suite
committed as `expectations/generated/<table>.json`: lineage columns not null, `row_uid` unique,
closed value sets (`values:`) -> in set, ID-number columns -> `^\\d{17}[\\dX]$`. (List columns,
e.g. health_status, have no per-element expectation in GX and are not checked.) A failure is a
pipeline bug, not a sender's problem: `run_contract_checks` records it as rule `P1.<check>`
(rules.yaml section P, office data_office, the row's lineage kept so it can be found).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.duck import lit
from pipelines.kept import KeptChecks
from pipelines.schema import ROOT, Schema, load_schema
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES, norm_table

GENERATED_DIR = ROOT / "expectations" / "generated"
ID_REGEX = r"^\d{17}[\dX]$"
RESULT_FORMAT = "COMPLETE"
UNENCODED = {"expect_column_values_to_be_unique", "expect_column_values_to_match_regex"}
CONTRACT_DETAIL = {"not_null": "血缘列为空", "unique": "行标识重复", "in_set": "值不在允许的选项中",
                   "id_format": "身份证号不是规范的18位"}


@dataclass
class _Gx:
    context: Any
    source: Any                    # the pandas datasource (it owns the execution engine)
    batches: Any                   # batch definition: the whole DataFrame passed at validation
    suites: dict[str, Any]


@cache
def gx_context() -> _Gx:
    """One ephemeral context with one pandas datasource for the process."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX sets this module's logger to INFO at import: it would print a temp-dir line into the run's output
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every DataFrame under 1 GB (pd.util.hash_pandas_object over every column and
    # the index, kept only as `batch_markers.pandas_data_fingerprint` in the result's meta): 1.1 s per
    # 2 M subjects, about 15 s of a province run. Our frames are built fresh from DuckDB for one
    # validation each, so the fingerprint identifies nothing; turned off (test_validate pins it).
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("onetable")
    asset = source.add_dataframe_asset("rows")
    return _Gx(context, source, asset.add_batch_definition_whole_dataframe("whole"), {})


def gx_suite(name: str, expectations: Any) -> Any:
    """The suite `name`, built from `expectations()` (GX objects or dicts) once per process."""
    gx = gx_context()
    if name not in gx.suites:
        from great_expectations import ExpectationSuite

        gx.suites[name] = gx.context.suites.add(ExpectationSuite(name=name, expectations=expectations()))
    return gx.suites[name]


def result_format(index_column: str) -> dict[str, Any]:
    """COMPLETE, indexed by the frame's named index: GX lists the ids without a per-row lookup."""
    return {"result_format": RESULT_FORMAT, "unexpected_index_column_names": [index_column],
            "exclude_unexpected_values": True}


def flag_suite(layer: str, flags: tuple[str, ...]) -> Any:
    """One `ExpectColumnValuesToBeInSet([False])` per rule flag column of a layer."""
    def build() -> list[Any]:
        from great_expectations.expectations import ExpectColumnValuesToBeInSet

        return [ExpectColumnValuesToBeInSet(column=f, value_set=[False], meta={"rule": f},
                                            result_format=result_format("row_uid")) for f in flags]
    return gx_suite(f"{layer}[{','.join(flags)}]", build)


def _raised(info: dict[str, Any]) -> str | None:
    if "raised_exception" in info:
        return str(info.get("exception_message")) if info["raised_exception"] else None
    return next((str(v.get("exception_message")) for v in info.values()
                 if isinstance(v, dict) and v.get("raised_exception")), None)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else str(value)


def save_result(result: Any, out: Path) -> None:
    """The suite's validation result as JSON (GX's to_json_dict deep-copies every id: too slow)."""
    meta = json.loads(json.dumps(result.meta, default=lambda o: o.to_json_dict() if hasattr(o, "to_json_dict")
                                 else _plain(o)))
    data = {"suite_name": result.suite_name, "success": result.success, "statistics": result.statistics,
            "meta": meta, "results": [{"expectation_config": r.expectation_config.to_json_dict(), "success": r.success,
                         "result": r.result, "exception_info": r.exception_info} for r in result.results]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=_plain), encoding="utf-8")


def validate_frame(suite: Any, frame: pd.DataFrame, index_column: str, out: Path
                   ) -> tuple[bool, list[tuple[dict[str, Any], set[Any]]]]:
    """Validate `frame`, save the result to `out`: (success, [(kwargs + meta, unexpected ids)]).
    `index_column` becomes the frame's named index (GX reads the ids off it)."""
    from great_expectations.validator.v1_validator import Validator

    # what Batch.validate does, without loading (and hashing) the DataFrame twice; the result
    # format must be given here: the expectations' own result_format is ignored
    validator = Validator(batch_definition=gx_context().batches, result_format=result_format(index_column),
                          batch_parameters={"dataframe": frame.set_index(index_column)})
    try:
        result = validator.validate_expectation_suite(suite)
    finally:
        _forget_batch()
    save_result(result, out)
    found = []
    for res in result.results:
        spec = res.expectation_config
        if spec is None or (problem := _raised(res.exception_info or {})) is not None:
            raise RuntimeError(f"GX could not evaluate {spec and spec.type} in `{suite.name}`: {problem}")
        config = {**spec.kwargs, **(spec.meta or {})}
        ids: set[Any] = set()
        for entry in res.result.get("unexpected_index_list") or []:
            value = entry[index_column]
            ids.update(value if isinstance(value, list) else [value])
        found.append((config, ids))
    return bool(result.success), found


def _flag_frame(con: duckdb.DuckDBPyConnection, members: list[str]) -> pd.DataFrame:
    """The GX frame of a layer: `row_uid` (its subjects) and one boolean column per rule, True where
    the rule's check selected the subject; built in DuckDB, handed over as Arrow. `row_uid` becomes
    a categorical whose categories are the (distinct) subjects themselves, as Python strings: GX
    filters the whole frame once per expectation, and a categorical index is taken by its codes and
    answers pandas' name lookups from one hash table (a string index rebuilds it at every filter)."""
    table = con.sql(_frame_sql(members)).to_arrow_table()
    subjects = pd.Index(table.column("row_uid").to_numpy(zero_copy_only=False), dtype=object)
    frame = table.drop_columns(["row_uid"]).to_pandas()
    frame.insert(0, "row_uid", pd.Categorical.from_codes(np.arange(len(subjects)), categories=subjects))
    return frame


def _frame_sql(members: list[str]) -> str:
    """The SQL of a layer's GX frame: its subjects, and per rule whether the rule selected the subject."""
    flags = ", ".join(f"coalesce(s.subject IN (SELECT subject FROM check_row WHERE rule = {lit(r)}), false) "
                      f'AS "{r}"' for r in members)
    return f"SELECT s.subject AS row_uid, {flags} FROM layer_subject s"


@cache
def _suite_code() -> str:
    """What a layer's GX result depends on besides its frame: GX's version and how suites are built."""
    import great_expectations

    source = Path(__file__).read_bytes()
    return f"{great_expectations.__version__}\0{hashlib.sha256(source).hexdigest()}"


def decide_layer(con: duckdb.DuckDBPyConnection, name: str, members: list[str], out: Path,
                 kept: KeptChecks | None, content: str | None = None,
                 subjects: Callable[[], object] | None = None) -> tuple[bool, dict[str, set[str]]]:
    """GX's decision over the layer whose subjects are in `layer_subject` (put there by `subjects`
    first, when given): success, and the unexpected subjects per rule; kept from an earlier run for
    the same frame (pipelines.kept). `content`: the hash of what determines the frame, when the
    caller has it without building the frame (the frame's rows are hashed otherwise); `subjects`
    then runs only when GX validates."""
    fingerprint = kept.layer_fingerprint(name, _frame_sql(members), _suite_code(), content) if kept else None
    if kept is not None and fingerprint is not None and (recalled := kept.recall_layer(name, fingerprint, out)):
        return recalled
    if subjects is not None:
        subjects()
    frame = _flag_frame(con, members)
    success, found = validate_frame(flag_suite(name, tuple(members)), frame, "row_uid", out)
    del frame   # before the next layer's frame is built
    failing: dict[str, set[str]] = {}
    for config, ids in found:
        failing.setdefault(config["rule"], set()).update(ids)
    if kept is not None and fingerprint is not None:
        kept.keep_layer(name, fingerprint, success, failing, out)
    return success, failing


def _forget_batch() -> None:
    """Let the validated DataFrame go. GX 1.24.1's PandasExecutionEngine (one per datasource: one per
    process here) caches every metric it resolves, keyed by metric, column and batch id, and never
    evicts; each layer's condition Series, and with it the frame's index of subjects, stayed alive
    for the rest of the run (3 GB of a province run's validate stage). The cache only backs up
    dependencies missing from a validation's own graph, and every validation here resolves its whole
    graph, so it is emptied; the batch (the frame itself) is dropped too.
    tests/test_validate.py::test_gx_keeps_no_frame_once_validated pins this on the pinned GX."""
    engine = gx_context().source.get_execution_engine()
    engine._metric_cache.clear()
    engine.batch_manager._batch_data_cache.clear()
    engine.batch_manager.reset_batch_cache()


# --------------------------------------------------------------------------- generated suites

def _expectation(kind: str, column: str, check: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": f"expect_column_values_to_{kind}", "kwargs": {"column": column, **kwargs},
            "meta": {"check": check}}


def render_suite(schema: Schema, table: str) -> dict[str, Any]:
    lineage = schema.lineage if schema.tables[table].lineage else []
    out = [_expectation("not_be_null", c, "not_null") for c in lineage]
    out += [_expectation("be_unique", "row_uid", "unique")] if "row_uid" in lineage else []
    for name in schema.table_columns(table):
        column = schema.columns[name]
        if column.values and column.type != "varchar[]":
            out.append(_expectation("be_in_set", name, "in_set", value_set=list(column.values)))
        if name.endswith("id_number"):
            out.append(_expectation("match_regex", name, "id_format", regex=ID_REGEX))
    return {"name": norm_table(table), "expectations": out,
            "meta": {"generated_from": "schemas/", "regenerate": "pipelines.expect.write_expectations()"}}


def render_expectations(schema: Schema | None = None) -> dict[str, str]:
    """File name -> JSON text of every normalized table's generated suite."""
    schema = schema or load_schema()
    return {f"{t}.json": json.dumps(render_suite(schema, t), ensure_ascii=False, indent=2) + "\n"
            for t in REGISTRY_TABLES + SECTOR_TABLES}


def write_expectations(directory: Path = GENERATED_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in render_expectations().items():
        (path := directory / name).write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def generated_suite(table: str, directory: Path = GENERATED_DIR) -> Any:
    data = json.loads((directory / f"{table}.json").read_text(encoding="utf-8"))
    return gx_suite(data["name"], lambda: data["expectations"])


def run_contract_checks(con: duckdb.DuckDBPyConnection, run_id: str, gx_dir: Path,
                        load_ids: list[str] | None = None) -> dict[str, int]:
    """Validate the normalized rows (of `load_ids`, default all) against the committed suites;
    record failures as `P1.<check>` findings. Returns table -> failing cells. A table with no row
    of `load_ids` is not validated (no result file): a run that takes one corrected file validates
    one table, not thirteen empty frames at GX's cost per expectation (city, one relocation
    file: 2.6 -> 0.7 s)."""
    from pipelines.findings import store_findings
    from pipelines.rules import load_rules

    rule, records, counts = load_rules()["P1"], [], {}
    for table in REGISTRY_TABLES + SECTOR_TABLES:
        suite = generated_suite(table)
        frame = _contract_frame(con, table, suite.expectations, load_ids)
        if load_ids is not None and frame.empty:
            counts[table] = 0
            continue
        _, found = validate_frame(suite, frame, "_i", gx_dir / f"{norm_table(table)}.json")
        bad = [(config, i) for config, ids in found for i in sorted(ids)]
        records += [_contract_finding(run_id, rule, table, config, frame.iloc[i]) for config, i in bad]
        counts[table] = len(bad)
    store_findings(con, run_id, ["P1"], records)
    return counts


def _contract_frame(con: duckdb.DuckDBPyConnection, table: str, expectations: list[Any],
                    load_ids: list[str] | None) -> pd.DataFrame:
    """The columns the suite checks, of the rows of `load_ids` (default all), fetched as Arrow, with
    a positional index `_i`. A text column is categorical (dictionary-encoded), unless it is checked
    for uniqueness or a pattern (near-unique: encoding costs more than it saves): GX filters the
    whole frame once per expectation, and a categorical column is taken by its small codes."""
    columns = list(dict.fromkeys(e.column for e in expectations))
    distinct = {e.column for e in expectations if e.expectation_type in UNENCODED}
    where, params = ("WHERE list_contains($1, load_id)", [load_ids]) if load_ids is not None else ("", None)
    data = con.sql(f"SELECT {', '.join(columns)} FROM {norm_table(table)} {where}", params=params).to_arrow_table()
    for i, name in enumerate(data.column_names):
        if pa.types.is_string(data.schema.field(i).type) and name not in distinct:
            data = data.set_column(i, name, data.column(i).combine_chunks().dictionary_encode())
    frame = data.to_pandas()
    frame.insert(0, "_i", range(len(frame)))
    return frame


def _contract_finding(run_id: str, rule: Any, table: str, config: dict[str, Any], row: pd.Series) -> dict[str, Any]:
    def text(column: str) -> str | None:
        value = row.get(column)
        return None if value is None or pd.isna(value) else str(value)

    detail = f"{norm_table(table)}.{config['column']}：{CONTRACT_DETAIL[config['check']]}"
    return {"run_id": run_id, "rule": f"P1.{config['check']}", "severity": rule.severity, "office": "data_office",
            "file_name": text("file_name"), "file_hash": text("file_hash"), "sheet": text("sheet"),
            "row": None if text("row") is None else int(row["row"]), "column_name": config["column"],
            "column_letter": None, "value": text(config["column"]), "household_id": text("household_id"),
            "person_id": text("person_id"), "message": rule.message_zh.replace("{detail}", detail), "fix": rule.fix_zh}
