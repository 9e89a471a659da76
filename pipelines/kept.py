"""Check rows kept between runs: a B, C or D rule's SQL runs again only when its fingerprint changed.

A rule's bad rows are a function of what its SQL reads, so they carry the SQL's fingerprint
(pipelines.fingerprints). They are kept in the working database (`kept.check_row`,
`kept.check_fingerprint`), and a run whose fingerprint for the rule is the same copies them instead
of running the SQL. A rule declared `split_by` a CTE (B1-B4: one branch per sector table) is kept
per branch (`split_parts`). A corrected relocation file reruns the relocation parts of B1-B4 and
the three rules that read relocation rows (D3, D5, D11); the others are copied.

GX's decision over a layer is kept the same way (`kept.layer_result`, `kept.layer_failing`): it is
a function of the layer's frame (its subjects and their flags, pipelines.validate) and of the
suite, so a layer whose frame hashes as it did when GX last validated it takes that validation's
result (a layer over `cur_<table>` is hashed from what determines its frame, its subjects and
flagged pairs, without building it: pipelines.validate._table_frame), and its result JSON is
copied from that run's folder into this run's (Data Docs show the run that validated it). A
corrected relocation file has GX validate the layers whose flags it changed; the findings are
recorded anew each run from GX's (kept or fresh) unexpected subjects. With `reuse` off (the nightly
rebuild, `onetable run --recompute`) every SQL runs and GX validates every layer, and what they
find is kept for the next run.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.duck import column_types
from pipelines.fingerprints import Fingerprints

SCHEMA = "kept"
PART = "@"   # a part's key: <rule>@<table its branch reads>


def split_parts(con: duckdb.DuckDBPyConnection, sql: str, cte: str) -> list[tuple[str, str]]:
    """(the table a branch reads, the SQL with the CTE `cte` reduced to that branch) for each branch
    of the CTE's UNION ALL; the CTE's column names (its first branch's, as DuckDB names them) are
    listed in each part. The rule's rows are the union of its parts' rows when the rest of the SQL
    keeps or drops each CTE row on its own (no aggregate or window over it): `split_by` declares it,
    and tests/test_validate.py compares the parts with the whole SQL."""
    found = re.search(rf"\bWITH\s+{re.escape(cte)}\s+AS\s*\(", sql, re.IGNORECASE)
    if found is None:
        raise ValueError(f"no `WITH {cte} AS (` in the check")
    start, depth, cuts, i = found.end(), 1, [], found.end()
    while depth:
        if i >= len(sql):
            raise ValueError(f"the CTE `{cte}` is not closed")
        skip = {"'": "'", "-": "\n"}.get(sql[i]) if sql[i] == "'" or sql.startswith("--", i) else None
        if skip is not None:   # a literal ('' inside it reads as two) or a comment: to its end
            close = sql.find(skip, i + 1)
            i = len(sql) if close < 0 else close + 1
            continue
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        if depth == 1 and re.match(r"UNION\s+ALL\b", sql[i:i + 16], re.IGNORECASE) and sql[i - 1].isspace():
            cuts.append(i)
        i += 1
    end = i - 1
    bounds = [start, *cuts, end]
    branches = [re.sub(r"^UNION\s+ALL\s+", "", sql[a:b].strip(), flags=re.IGNORECASE)
                for a, b in itertools.pairwise(bounds)]
    tables = [re.findall(r"\bFROM\s+(\w+)", b, re.IGNORECASE) for b in branches]
    if len(branches) < 2 or any(len(t) != 1 for t in tables) or len({t[0] for t in tables}) != len(tables):
        raise ValueError(f"the CTE `{cte}` must be a UNION ALL of SELECTs of one table each, each table once")
    names = ", ".join('"' + r[0].replace('"', '""') + '"' for r in con.execute(f"DESCRIBE {sql[start:end]}").fetchall())
    head = f"{sql[:found.start()]}WITH {cte} ({names}) AS ("
    return [(t[0], f"{head}\n    {b}\n{sql[end:]}") for (t, b) in zip(tables, branches, strict=True)]


class KeptChecks:
    """One run's check rows: `collect` runs a rule's SQL and keeps its rows, or, while its
    fingerprint stands, leaves them to `copy_reused`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, prints: Fingerprints, columns: list[tuple[str, str]],
                 reuse: bool = True) -> None:
        """`columns`: (name, DuckDB type) of the rows kept, as the TEMP table `check_row` has them
        before its last column, `known`."""
        self._con, self._prints = con, prints
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        if column_types(con, None, "check_row", schema=SCHEMA) != columns:   # none yet, or kept by other code
            defs = ", ".join(f'"{name}" {kind}' for name, kind in columns)
            con.execute(f"DROP TABLE IF EXISTS {SCHEMA}.check_row; DROP TABLE IF EXISTS {SCHEMA}.check_fingerprint")
            con.execute(f"CREATE TABLE {SCHEMA}.check_row ({defs})")
        con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.check_fingerprint (rule VARCHAR PRIMARY KEY, "
                    "fingerprint VARCHAR)")
        con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.layer_result (layer VARCHAR PRIMARY KEY, "
                    "fingerprint VARCHAR, success BOOLEAN, result_path VARCHAR)")
        con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.layer_failing (layer VARCHAR, rule VARCHAR, subject VARCHAR)")
        self._before = dict(con.execute(f"FROM {SCHEMA}.check_fingerprint").fetchall()) if reuse else {}
        self._reuse = reuse
        self.reused: list[str] = []   # the keys (rule, or rule@table of a part) whose rows were copied
        self.collected: list[str] = []
        self.reused_layers: list[str] = []

    def collect(self, rule: str, sql: str, insert: str) -> None:
        """Into the TEMP table `check_row`: the rule's kept rows, or those `insert` (which runs
        `sql`) selects, then kept with the fingerprint."""
        con = self._con
        self.collected.append(rule)
        fingerprint = self._prints.of(f"check.{rule}", sql)
        if fingerprint is not None and self._before.get(rule) == fingerprint:
            self.reused.append(rule)   # copied by copy_reused, all in one statement
            return
        con.execute(insert)
        con.execute(f"DELETE FROM {SCHEMA}.check_fingerprint WHERE rule = ?", [rule])
        con.execute(f"DELETE FROM {SCHEMA}.check_row WHERE rule = ?", [rule])
        con.execute(f"INSERT INTO {SCHEMA}.check_row SELECT * EXCLUDE (known) FROM check_row WHERE rule = ?", [rule])
        if fingerprint is not None:
            con.execute(f"INSERT INTO {SCHEMA}.check_fingerprint VALUES (?, ?)", [rule, fingerprint])

    def copy_reused(self) -> None:
        """Into the TEMP table `check_row`: the kept rows of every key `collect` found unchanged."""
        if self.reused:
            self._con.execute(f"INSERT INTO check_row SELECT *, false FROM {SCHEMA}.check_row "
                              "WHERE list_contains($1, rule)", [self.reused])

    def forget_others(self) -> None:
        """Drop the kept rows of every key this run did not collect (a rule since split into parts, or
        removed): nothing would ever copy them again."""
        keys = [self.collected]
        self._con.execute(f"DELETE FROM {SCHEMA}.check_row WHERE NOT list_contains($1, rule)", keys)
        self._con.execute(f"DELETE FROM {SCHEMA}.check_fingerprint WHERE NOT list_contains($1, rule)", keys)

    def layer_fingerprint(self, layer: str, frame_sql: str, suite_code: str, content: str | None = None) -> str:
        """The fingerprint of a layer's GX validation: the suite (`suite_code`), the SQL of the
        frame's columns and the frame's content: `content` when the caller hashed what determines
        it, else the frame's rows (Fingerprints.content_hash, computed in DuckDB)."""
        content = self._prints.content_hash(frame_sql) if content is None else content
        return hashlib.sha256("\0".join([layer, suite_code, frame_sql, content]).encode()).hexdigest()

    def frame_content(self, *sqls: str) -> str:
        """The hash of what determines a layer's frame, from the content of what each of `sqls` selects."""
        return hashlib.sha256("\0".join(map(self._prints.content_hash, sqls)).encode()).hexdigest()

    def recall_layer(self, layer: str, fingerprint: str, out: Path) -> tuple[bool, dict[str, set[str]]] | None:
        """GX's kept decision over `layer` (success, unexpected subjects per rule) when it was made
        on a frame of this fingerprint and its result JSON is still there (copied to `out`)."""
        found = self._con.execute(f"SELECT success, result_path FROM {SCHEMA}.layer_result WHERE layer = ? "
                                  "AND fingerprint = ?", [layer, fingerprint]).fetchall()
        if not self._reuse or not found or not Path(found[0][1]).exists():
            return None
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found[0][1], out)
        failing: dict[str, set[str]] = {}
        for rule, subject in self._con.execute(f"SELECT rule, subject FROM {SCHEMA}.layer_failing WHERE layer = ?",
                                               [layer]).fetchall():
            failing.setdefault(rule, set()).add(subject)
        self.reused_layers.append(layer)
        return bool(found[0][0]), failing

    def keep_layer(self, layer: str, fingerprint: str, success: bool, failing: dict[str, set[str]], out: Path) -> None:
        """GX's decision over `layer`, made now on a frame of `fingerprint`, its result JSON at `out`."""
        con = self._con
        con.execute(f"DELETE FROM {SCHEMA}.layer_result WHERE layer = ?", [layer])
        con.execute(f"DELETE FROM {SCHEMA}.layer_failing WHERE layer = ?", [layer])
        pairs = [(rule, subject) for rule, ids in failing.items() for subject in ids]
        table = pa.table({"layer": pa.array([layer] * len(pairs), pa.string()),
                          "rule": pa.array([r for r, _ in pairs], pa.string()),
                          "subject": pa.array([s for _, s in pairs], pa.string())})
        con.register("onetable_layer_failing", table)
        try:
            con.execute(f"INSERT INTO {SCHEMA}.layer_failing SELECT * FROM onetable_layer_failing")
        finally:
            con.unregister("onetable_layer_failing")
        con.execute(f"INSERT INTO {SCHEMA}.layer_result VALUES (?, ?, ?, ?)", [layer, fingerprint, success, str(out)])
