"""Check rows kept between runs: a B, C or D rule's SQL runs again only when its fingerprint changed.

A rule's bad rows are a function of what its SQL reads, so they carry the SQL's fingerprint
(pipelines.fingerprints). They are kept in the working database (`kept.check_row`,
`kept.check_fingerprint`), and a run whose fingerprint for the rule is the same copies them instead
of running the SQL. A corrected relocation file reruns the seven rules that read relocation rows
(B1-B4, D3, D5, D11); the others are copied. GX still decides every rule over every subject, and the
findings are recorded anew each run: only the selecting is saved. With `reuse` off (the nightly
rebuild, `onetable run --recompute`) every SQL runs, and its rows are kept for the next run.
"""

from __future__ import annotations

import duckdb

from pipelines.fingerprints import Fingerprints
from pipelines.snapshot import column_types

SCHEMA = "kept"


class KeptChecks:
    """One run's check rows: `collect` copies a rule's kept rows or runs its SQL and keeps them."""

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
        self._before = dict(con.execute(f"FROM {SCHEMA}.check_fingerprint").fetchall()) if reuse else {}
        self.reused: list[str] = []

    def collect(self, rule: str, sql: str, insert: str) -> None:
        """Into the TEMP table `check_row`: the rule's kept rows, or those `insert` (which runs
        `sql`) selects, then kept with the fingerprint."""
        con = self._con
        fingerprint = self._prints.of(f"check.{rule}", sql)
        if fingerprint is not None and self._before.get(rule) == fingerprint:
            con.execute(f"INSERT INTO check_row SELECT *, false FROM {SCHEMA}.check_row WHERE rule = ?", [rule])
            self.reused.append(rule)
            return
        con.execute(insert)
        con.execute(f"DELETE FROM {SCHEMA}.check_fingerprint WHERE rule = ?", [rule])
        con.execute(f"DELETE FROM {SCHEMA}.check_row WHERE rule = ?", [rule])
        con.execute(f"INSERT INTO {SCHEMA}.check_row SELECT * EXCLUDE (known) FROM check_row WHERE rule = ?", [rule])
        if fingerprint is not None:
            con.execute(f"INSERT INTO {SCHEMA}.check_fingerprint VALUES (?, ?)", [rule, fingerprint])
