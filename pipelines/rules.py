"""The rule catalogue: every rule of rules.md (F, A-E) and the pipeline's own (P) as data.

`expectations/rules.yaml` declares, per rule, its id, section, severity, owner, the Chinese message
and fix, the check that finds it (`reader`: the reader's detections; `<file>.sql`: a bad-row select
in warehouse/checks/; `contract`: the generated schema suites) and the layers (GX suites) it is
validated in. Declared layers name the SQL that selects their subjects. Unknown keys, duplicate ids
and unknown layers are ConfigErrors naming the file and the key path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from pipelines.errors import ConfigError
from pipelines.schema import ROOT, read_yaml
from pipelines.store import REGISTRY_TABLES, SECTOR_TABLES

__all__ = ["RULES_PATH", "TABLE_LAYERS", "Catalogue", "Layer", "Rule", "load_catalogue", "load_rules"]
RULES_PATH = ROOT / "expectations" / "rules.yaml"
TABLE_LAYERS = frozenset(REGISTRY_TABLES + SECTOR_TABLES)
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
    # a CTE of the check whose body is a UNION ALL of one SELECT per table, each of whose rows the
    # rest of the query keeps or drops on its own: the check runs and is kept per table (kept.split_parts)
    split_by: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        for text in (self.message_zh, self.registry_message_zh or ""):
            text.format(detail="")  # only {detail}: findings.describe formats it
        if self.reject_on and self.severity != "warning":
            raise ValueError("reject_on is for rules that are otherwise `warning`")
        if not (self.check.endswith(".sql") or self.check in ("reader", "contract")):
            raise ValueError("check is `reader`, `contract` or a SQL file")
        if (self.check == "contract") == bool(self.layer):
            raise ValueError("a `reader` or SQL check needs a `layer` list (its GX suites); `contract` has none")
        if self.split_by and not self.check.endswith(".sql"):
            raise ValueError("split_by names a CTE of a SQL check")
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
    raw = read_yaml(path)
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
