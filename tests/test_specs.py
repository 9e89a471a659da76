"""Sender specs are data, checked strictly: unknown keys and targets name file, path, closest name."""

from pathlib import Path

import pytest
import yaml

from pipelines.errors import ConfigError
from pipelines.specs import SOURCES_DIR, load_spec, load_specs

REGISTRY = (SOURCES_DIR / "registry.yaml").read_text(encoding="utf-8")


def test_every_spec_loads_and_is_named_for_its_folder():
    specs = load_specs()
    assert "registry" in specs
    assert all(spec.office == office for office, spec in specs.items())


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.update(coverge="sparse"),
     "`coverge`: unknown key `coverge`; did you mean `coverage`?"),
    (lambda d: d["sheets"][0].update(titel_rows=[1, 2]),
     "`sheets.0.titel_rows`: unknown key `titel_rows`; did you mean `title_rows`?"),
    (lambda d: d["sheets"][0]["columns"][0].update(alias=["县"]),
     "`sheets.0.columns.0.alias`: unknown key `alias`; did you mean `aliases`?"),
    (lambda d: d["sheets"][0]["columns"][5].update(target="head_nam"),
     "`sheets.0.columns.5.target`: `head_nam` is not a column of table `registry_household`; did you mean `head_name`?"),
    (lambda d: d["sheets"][0].update(key=["houshold_id"]),
     "`sheets.0`: key column `houshold_id` is not a target of this sheet"),
    (lambda d: d["sheets"][0].update(table="registry_houshold"),
     "`sheets.0.table`: unknown canonical table `registry_houshold`; did you mean `registry_household`?"),
    (lambda d: d["sheets"][0]["columns"][8]["value_map"].update({"4": "一般贫困"}),
     "`sheets.0.columns.8.value_map.4`: `一般贫困` is not an allowed value of `poverty_attribute`; did you mean `一般贫困户`?"),
])
def test_config_errors_name_file_key_path_and_closest(tmp_path: Path, edit, message):
    data = yaml.safe_load(REGISTRY)
    edit(data)
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_spec(path)
    assert str(caught.value) == f"{path}: {message}"


def test_office_must_match_file_name(tmp_path: Path):
    path = tmp_path / "industry.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    with pytest.raises(ConfigError, match="`registry` must equal the file name `industry`"):
        load_spec(path)
