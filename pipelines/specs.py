"""Sender layouts: `sources/<office>.yaml`, validated strictly by pydantic.

A spec says, per sheet kind, which canonical table it fills, how many title rows to expect,
which header spellings map to which canonical column, how each column converts (type, unit,
value map) and which columns are the key. Unknown keys and unknown canonical targets are
errors naming the file, the key path and the closest valid name.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipelines.errors import ConfigError
from pipelines.schema import ROOT, Schema, load_schema, read_yaml

SOURCES_DIR = ROOT / "sources"
CellType = Literal["text", "id_number", "integer", "decimal", "money", "date", "yes_no", "code",
                   "code_list"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(Strict):
    target: str
    header: str
    aliases: list[str] = []
    type: CellType
    required: bool = False
    optional: bool = False          # may be absent from a file without failing A4
    nullable: bool = False          # documentation: often empty
    unit: str | None = None         # the unit values are expected in (header units convert to it)
    min: float | None = None        # plausible bounds (A7), in the canonical unit
    max: float | None = None
    value_map: dict[str, str] = {}  # numeric codes, legacy labels, short forms -> canonical label
    separators: list[str] = [",", "，", "、", ";", "；", "/"]

    def spellings(self) -> list[str]:
        return [self.header, *self.aliases]


class SheetSpec(Strict):
    table: str
    names: list[str] = []           # sheet names usually seen (a hint; headers decide)
    title_rows: tuple[int, int] = (0, 3)
    key: list[str]
    unique: list[str] = []          # A8: default the key
    columns: list[ColumnSpec]

    @property
    def unique_columns(self) -> list[str]:
        return self.unique or self.key

    @model_validator(mode="after")
    def _key_columns_exist(self) -> SheetSpec:
        targets = {c.target for c in self.columns}
        for name in [*self.key, *self.unique]:
            if name not in targets:
                raise ValueError(f"key column `{name}` is not a target of this sheet")
        return self


class SourceSpec(Strict):
    office: str
    name: str
    grain: str
    coverage: Literal["sparse", "exhaustive"]
    scope: str | None = None        # canonical column whose values say what part a file covers
    owns: list[str] = []
    due_day: int = Field(10, ge=1, le=28)   # files for a month are due by this day of the following month
    sheets: list[SheetSpec] = Field(min_length=1)
    path: str = ""                  # filled in by the loader

    def sheet_for_table(self, table: str) -> SheetSpec:
        return next(s for s in self.sheets if s.table == table)


def _known_keys(model: type[BaseModel]) -> list[str]:
    return [k for k in model.model_fields if k != "path"]


def _raise_config(path: Path, exc: ValidationError, raw: Any) -> None:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    key_path = ".".join(loc)
    if err["type"] == "extra_forbidden":
        models: dict[int, type[BaseModel]] = {0: SourceSpec, 2: SheetSpec, 4: ColumnSpec}
        model = models.get(len(loc) - 1, SourceSpec)
        raise ConfigError(path, key_path, f"unknown key `{loc[-1]}`", _known_keys(model), got=loc[-1])
    raise ConfigError(path, key_path, err["msg"].removeprefix("Value error, "))


def _check_targets(spec: SourceSpec, schema: Schema, path: Path) -> None:
    for i, sheet in enumerate(spec.sheets):
        if sheet.table not in schema.tables:
            raise ConfigError(path, f"sheets.{i}.table", f"unknown canonical table `{sheet.table}`",
                              schema.tables, got=sheet.table)
        allowed = schema.tables[sheet.table].columns
        for j, col in enumerate(sheet.columns):
            if col.target not in allowed:
                raise ConfigError(path, f"sheets.{i}.columns.{j}.target",
                                  f"`{col.target}` is not a column of table `{sheet.table}`",
                                  allowed, got=col.target)
            values = schema.columns[col.target].values or []
            for label, canonical in col.value_map.items():
                if values and canonical not in values:
                    raise ConfigError(path, f"sheets.{i}.columns.{j}.value_map.{label}",
                                      f"`{canonical}` is not an allowed value of `{col.target}`",
                                      values, got=canonical)


def load_spec(path: Path, schema: Schema | None = None) -> SourceSpec:
    raw = read_yaml(path)
    try:
        spec = SourceSpec.model_validate(raw)
    except ValidationError as exc:
        _raise_config(path, exc, raw)
        raise  # unreachable: _raise_config always raises
    if spec.office != path.stem:
        raise ConfigError(path, "office", f"`{spec.office}` must equal the file name `{path.stem}`")
    _check_targets(spec, schema or load_schema(), path)
    return spec.model_copy(update={"path": str(path)})


@cache
def load_specs(directory: Path = SOURCES_DIR) -> dict[str, SourceSpec]:
    """Every sender's spec, by office key (the inbox folder name)."""
    return {p.stem: load_spec(p) for p in sorted(directory.glob("*.yaml"))}


def config_hash(directory: Path = SOURCES_DIR) -> str:
    """A hash of every spec and schema file: part of load and version ids."""
    digest = hashlib.sha256()
    for folder in (directory, ROOT / "schemas", ROOT / "expectations"):
        for p in sorted(folder.rglob("*")):
            if p.is_file() and p.suffix in {".yaml", ".yml", ".json"}:
                digest.update(p.relative_to(ROOT).as_posix().encode())
                digest.update(p.read_bytes())
    return digest.hexdigest()[:16]
