"""GX Data Docs per run, built from the kept validation results and readable offline.

`build_data_docs(gx_dir, run_id)` loads every result JSON of the run (`state/gx/<run>/<suite>.json`,
written by pipelines.expect.save_result), puts them into the validation results store of the
process's ephemeral GX context (emptied again afterwards) and has GX's own SiteBuilder render the
site into `<gx_dir>/docs/`. The full
`unexpected_index_list` stays in the JSON (it can hold every row of a 500k-person suite); the pages
show GX's partial list.

The stock pages load bootstrap, jQuery, font-awesome, vega... from CDNs and a logo from GX's S3
bucket (with a timestamp query), and link to greatexpectations.io. `offline()` strips every tag
that would fetch from another host, neutralises outside links and CSS urls, and adds a plain HTML
list of the run's suites to index.html (the stock index table is filled by bootstrap-table, which
is gone). Nothing in the site names an outside host: tests/test_feedback.py scans it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipelines.workspace import Workspace

SITE = "onetable_run"
OUTSIDE = r"(?:https?:)?//(?!localhost[:/])[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'<>)]*"
_STRIP = [
    re.compile(rf"<script\b[^>]*\bsrc\s*=\s*[\"']{OUTSIDE}[\"'][^>]*>\s*</script>", re.I),
    re.compile(rf"<link\b[^>]*\bhref\s*=\s*[\"']{OUTSIDE}[\"'][^>]*>", re.I),
    re.compile(rf"<img\b[^>]*\bsrc\s*=\s*[\"']{OUTSIDE}[\"'][^>]*>", re.I),
]
_LINK = re.compile(rf"(<a\b[^>]*\bhref\s*=\s*)[\"']{OUTSIDE}[\"']", re.I)
_CSS_URL = re.compile(rf"url\(\s*[\"']?{OUTSIDE}[\"']?\s*\)", re.I)
_BARE = re.compile(OUTSIDE)
_RUN_TIME = re.compile(r"run-(\d{8}T\d{6})")
STYLE = ("<style>.onetable-index{font-family:sans-serif;margin:1em}.onetable-index td,.onetable-index th"
         "{border:1px solid #ccc;padding:2px 8px}.onetable-index table{border-collapse:collapse}</style>")


def build_data_docs(gx_dir: Path, run_id: str) -> Path | None:
    """Render GX Data Docs for the results in `gx_dir` into `gx_dir/docs`; returns index.html."""
    results = sorted(gx_dir.glob("*.json"))
    if not results:
        return None
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    from pipelines.expect import gx_context

    site = gx_dir / "docs"
    shutil.rmtree(site, ignore_errors=True)
    context = gx_context().context  # the process's ephemeral context: its store is emptied after the build
    config: Any = {"class_name": "SiteBuilder", "show_how_to_buttons": False,
                   "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
                   "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}}
    if SITE in (context.variables.data_docs_sites or {}):
        context.update_data_docs_site(SITE, config)
    else:
        context.add_data_docs_site(SITE, config)
    match = _RUN_TIME.search(run_id)
    run = RunIdentifier(run_name=run_id, run_time=datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
                        if match else None)
    store, keys = context.validation_results_store, []
    try:
        for path in results:
            result = _result(json.loads(path.read_text(encoding="utf-8")), run)
            keys.append(ValidationResultIdentifier(ExpectationSuiteIdentifier(name=result.suite_name), run, path.stem))
            store.set(keys[-1], result)
        context.build_data_docs(site_names=[SITE])
    finally:
        for key in keys:
            store.remove_key(key)
    offline(site, [p.stem for p in results])
    return site / "index.html"


def _result(data: dict[str, Any], run: Any) -> Any:
    """An ExpectationSuiteValidationResult from the kept JSON (full index lists left out)."""
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    results = []
    for r in data["results"]:
        spec = r["expectation_config"]
        config = ExpectationConfiguration(type=spec["type"], kwargs=spec["kwargs"], meta=spec.get("meta"))
        shown = {k: v for k, v in (r["result"] or {}).items() if k not in ("unexpected_index_list",
                                                                           "unexpected_index_query")}
        results.append(ExpectationValidationResult(success=r["success"], expectation_config=config, result=shown,
                                                   exception_info=r["exception_info"]))
    meta = {**data.get("meta", {}), "run_id": run}
    meta.setdefault("active_batch_definition", {"datasource_name": "onetable", "data_asset_name": "rows"})
    return ExpectationSuiteValidationResult(success=data["success"], results=results, suite_name=data["suite_name"],
                                            statistics=data["statistics"], meta=meta)


def offline(site: Path, suites: list[str]) -> None:
    """Strip every outside reference from the site's HTML, CSS and JS; list the suites in index.html."""
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text(encoding="utf-8")
            for pattern in _STRIP:
                text = pattern.sub("", text)
            text = _CSS_URL.sub("none", _LINK.sub(r'\1"#"', text))
            text = _BARE.sub("", text)
            if path == site / "index.html":
                text = text.replace("<body>", "<body>\n" + _plain_index(site, suites), 1)
            path.write_text(text, encoding="utf-8")


def _plain_index(site: Path, suites: list[str]) -> str:
    """A table of the run's suites that needs no script: suite, success, link to its page."""
    rows = []
    for stem in suites:
        pages = sorted((site / "validations").glob(f"*/*/*/{glob_escape(stem)}.html"))
        href = quote(pages[0].relative_to(site).as_posix()) if pages else ""
        data = json.loads((site.parent / f"{stem}.json").read_text(encoding="utf-8"))
        stats = data.get("statistics") or {}
        status = "通过 passed" if data["success"] else "未通过 failed"
        name = html.escape(data["suite_name"])
        link = f'<a href="{href}">{name}</a>' if href else name
        rows.append(f"<tr><td>{link}</td><td>{status}</td><td>{stats.get('successful_expectations', '')}"
                    f"/{stats.get('evaluated_expectations', '')}</td></tr>")
    return (f'{STYLE}<div class="onetable-index"><h2>本次运行的GX校验结果 (validation results of this run)</h2>'
            "<table><tr><th>suite</th><th>result</th><th>expectations met</th></tr>"
            + "".join(rows) + "</table></div>")


def glob_escape(name: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", name)


def write_run_docs(ws: Workspace, run_id: str) -> str | None:
    """The flow step: Data Docs of the run's results in state/gx/<run_id>/docs/ (index.html path)."""
    index = build_data_docs(ws.state / "gx" / run_id, run_id)
    return str(index) if index else None
