"""Candidates built again for the keys whose inputs changed, not for every key.

pub.household joins each of its per-household inputs by household_id only (KEYED: its members'
figures and the household-level senders' rows, each a candidate of its own). Those inputs are
updated by key (pipelines.snapshot.update_rows), which finds the households whose rows in them
changed; when nothing else pub.household reads changed since its last build, it is built again for
those households only: its SQL with the line that defines the CTE `registry` narrowed to them
(NARROWED), the result merged into pub.household by key. A corrected relocation file changes pub.household_relocation for
the households whose values it corrected (one, in bench/incremental.py), so one household is built
again, not 178,000 (city: 0.06 s for one household against 0.9-1.5 s for all of them).

Whether that holds is decided from the fingerprints' parts (pipelines.fingerprints: one hash per
relation read, and one for the SQL and macros), kept per candidate in `pub.built_parts`: every
part that differs from the last build's must be a KEYED candidate updated by key in this build,
from the very fingerprint it had when pub.household was last built (a run that stopped between the
two builds, or a candidate built anew, makes a full build). The nightly rebuild (`reuse` off)
builds everything in full; tests/test_publish.py compares narrowed and full builds.

`Pending`: a candidate that reads no TEMP relation is written on a cursor of its own beside the
next ones, until one reads it (city republish: `metrics` beside `issues`).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from pipelines.duck import column_types, in_transaction, lit, run, start_beside, table_exists
from pipelines.snapshot import CANDIDATE, UPDATED, update_rows

KEYED = {"household_members": "household_id", "household_housing": "household_id",
         "household_relocation": "household_id", "household_infrastructure": "household_id",
         "household_industry": "household_id"}
# candidate -> (its key, the line of its SQL that names the rows to build; `{keys}` narrows it)
NARROWED = {"household": ("household_id", "registry AS (SELECT * FROM cur_registry_household)",
                          "registry AS (SELECT * FROM cur_registry_household WHERE household_id IN {keys})")}
CHANGED = "temp.main.onetable_changed"
NARROWED_LOG = f"{CANDIDATE}.built_narrowed"   # the last build's NARROWED candidates built for some keys
KEYS = "temp.main.onetable_keys"
BUILD = "temp.main.onetable_build"


class KeyedBuild:
    """One build of the candidates: which KEYED candidates were updated by key, from which
    fingerprint (`before`: pub.built as the build started), and the keys they changed."""

    def __init__(self, con: duckdb.DuckDBPyConnection, before: dict[str, str], reuse: bool) -> None:
        self._con, self._before, self._reuse = con, before, reuse
        self.by_key: set[str] = set()      # KEYED candidates updated by key in this build
        run(con, f"CREATE TABLE IF NOT EXISTS {CANDIDATE}.built_parts (object VARCHAR, part VARCHAR, fingerprint VARCHAR)")
        run(con, f"CREATE OR REPLACE TABLE {NARROWED_LOG} (object VARCHAR, keys BIGINT)")   # this build's
        run(con, "CREATE OR REPLACE TEMP TABLE onetable_changed (object VARCHAR, k VARCHAR)")

    def build(self, name: str, body: str, parts: dict[str, str] | None, beside: bool = False
              ) -> Callable[[], None] | None:
        """pub.<name> from `body` (`parts`: its fingerprint's, None when it has none). With `beside`,
        a table written anew is written on a cursor in a thread (duck.start_beside): returns
        what waits for it; None once built."""
        last = dict(self._con.execute(f"SELECT part, fingerprint FROM {CANDIDATE}.built_parts WHERE object = ?",
                                      [name]).fetchall())
        run(self._con, f"DELETE FROM {CANDIDATE}.built_parts WHERE object = {lit(name)}")
        wait = None
        if parts is None or not self._narrow(name, body, parts, last):
            if not self._reuse or name not in UPDATED | KEYED or not table_exists(self._con, name, schema=CANDIDATE):
                sql = f"CREATE OR REPLACE TABLE {CANDIDATE}.{name} AS {body}"
                if beside:
                    wait = start_beside(self._con, lambda cursor: run(cursor, sql))
                else:
                    run(self._con, sql)
            else:
                self._update(name, body)
        for part, fingerprint in (parts or {}).items():
            run(self._con, f"INSERT INTO {CANDIDATE}.built_parts VALUES ({lit(name)}, {lit(part)}, {lit(fingerprint)})")
        return wait

    def _update(self, name: str, body: str) -> None:
        """Built in memory and updated by key when it has the same columns (city: household 1.7 s in
        memory + 0.3 s, against 3.0 s written anew); a KEYED candidate records the keys it changed."""
        target, key = f"{CANDIDATE}.{name}", (UPDATED | KEYED)[name]
        run(self._con, f"CREATE OR REPLACE TEMP TABLE onetable_build AS {body}")
        if column_types(self._con, None, name, CANDIDATE) != column_types(self._con, "temp", "onetable_build"):
            run(self._con, f"CREATE OR REPLACE TABLE {target} AS FROM {BUILD}")
        elif name not in KEYED:
            update_rows(self._con, target, BUILD, key)
        else:
            run(self._con, "CREATE OR REPLACE TEMP TABLE onetable_found (k VARCHAR)")
            if update_rows(self._con, target, BUILD, key, record="temp.main.onetable_found"):
                self.by_key.add(name)
                run(self._con, f"INSERT INTO {CHANGED} SELECT {lit(name)}, k FROM temp.main.onetable_found")
            run(self._con, "DROP TABLE temp.main.onetable_found")
        run(self._con, f"DROP TABLE {BUILD}")

    def _narrow(self, name: str, body: str, parts: dict[str, str], last: dict[str, str]) -> bool:
        """Build `name` for the keys its KEYED inputs changed, when that is all that changed since
        its last build (`last`: that build's parts)."""
        if name not in NARROWED or not self._reuse or not table_exists(self._con, name, schema=CANDIDATE):
            return False
        changed = {p for p in parts.keys() | last.keys() if parts.get(p) != last.get(p)}
        inputs = {p: p.removeprefix(f"{CANDIDATE}.") for p in changed if p.startswith(f"{CANDIDATE}.")}
        if not last or not changed or len(inputs) < len(changed) or not all(
                i in self.by_key and last[p] == self._before.get(i) for p, i in inputs.items()):
            return False
        key, line, narrowed = NARROWED[name]
        if body.count(line) != 1:
            raise ValueError(f"the SQL of {CANDIDATE}.{name} must hold the line `{line}` once, to be narrowed to keys")
        run(self._con, f"CREATE OR REPLACE TEMP TABLE onetable_keys AS SELECT DISTINCT k FROM {CHANGED} "
                       f"WHERE object IN ({', '.join(lit(i) for i in sorted(inputs.values()))}) AND k IS NOT NULL")
        run(self._con, f"CREATE OR REPLACE TEMP TABLE onetable_build AS "
                       f"{body.replace(line, narrowed.format(keys=f'(SELECT k FROM {KEYS})'))}")
        same = column_types(self._con, None, name, CANDIDATE) == column_types(self._con, "temp", "onetable_build")
        if same:
            update_rows(self._con, f"{CANDIDATE}.{name}", BUILD, key, scope=f'"{key}" IN (SELECT k FROM {KEYS})')
            run(self._con, f"INSERT INTO {NARROWED_LOG} SELECT {lit(name)}, count(*) FROM {KEYS}")
        run(self._con, f"DROP TABLE {BUILD}")
        run(self._con, f"DROP TABLE {KEYS}")
        return same


class Pending:
    """The candidates being written beside the build (KeyedBuild.build with `beside`): a candidate is
    written beside when it reads no TEMP relation of the connection (a cursor does not see them) and
    no transaction is open (the cursor would not see its rows); one that reads a pending candidate,
    or whose reads are not known, waits for it first. City republish: `metrics` (0.3 s) is written
    while `issues` (0.25 s) is, each on one core."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._waiting: dict[str, tuple[Callable[[], None], str | None]] = {}
        temp = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary "
                           "UNION SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()
        self._temp, self._open = {t for (t,) in temp}, in_transaction(con)

    def may_go_beside(self, parts: dict[str, str] | None) -> bool:
        return parts is not None and not self._open and not any(
            (r.split(".")[-1] if r.startswith("temp.") else r) in self._temp for r in parts if r)

    def add(self, name: str, wait: Callable[[], None] | None, record: str | None) -> None:
        """`record` (its row of pub.built) once it is written."""
        if wait is not None:
            self._waiting[name] = (wait, record)
        elif record is not None:
            run(self._con, record)

    def wait_for(self, parts: dict[str, str] | None) -> None:
        """Wait for the pending candidates that `parts` read (every one, for None); the first error
        is raised once each of them has ended (a failed one gets no row in pub.built)."""
        failed: list[BaseException] = []
        for name in [n for n in self._waiting if parts is None or f"{CANDIDATE}.{n}" in parts]:
            wait, record = self._waiting.pop(name)
            try:
                wait()
            except BaseException as exc:   # the others still end before it is raised
                failed.append(exc)
                continue
            if record is not None:
                run(self._con, record)
        if failed:
            raise failed[0]
