"""One function per flow step, over the working database; flows.py wires them as Prefect tasks.

Each step is safe to repeat: a file is landed in one transaction and normalized in another, so a
run killed anywhere is finished by the next run with no row lost or doubled.
"""

from __future__ import annotations

import calendar
import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines import intake, land, link, normalize
from pipelines.duck import beside, run
from pipelines.findings import Finding, record_findings
from pipelines.headers import Layout
from pipelines.read import Unreadable, read_file
from pipelines.schema import load_schema
from pipelines.specs import config_hash, load_specs
from pipelines.store import connect_working, memory_limit
from pipelines.workspace import Limits, Workspace, clear_interrupted, crash_point, interrupted


@dataclass(frozen=True)
class FileRef:
    file_hash: str
    path: str


_SHARED: dict[Path, duckdb.DuckDBPyConnection] = {}


def _connect(ws: Workspace) -> duckdb.DuckDBPyConnection:
    engine = ws.settings().warehouse
    return connect_working(ws.working_db, engine.memory_limit, engine.threads, engine.checkpoint_threshold)


@contextmanager
def shared_connection(ws: Workspace) -> Iterator[None]:
    """For one run's stages: every step reuses one connection to the working database instead of
    opening and closing it per file (each close checkpoints; at city scale the 280 opens of the
    per-file steps cost about 25 s). A failing step rolls its transaction back, so a retried step
    still starts clean; a killed process loses what was not committed, as before."""
    con = _connect(ws)
    _SHARED[ws.working_db] = con
    try:
        yield
    finally:
        del _SHARED[ws.working_db]
        con.close()


@contextmanager
def checkpoint_beside(ws: Workspace) -> Iterator[None]:
    """Checkpoint the run's shared connection in a thread while the block runs: for steps that do
    not touch the working database (Data Docs: GX's rendering, Python). DuckDB releases the GIL, so
    the checkpoint, which the close at the end of the run would otherwise do alone (city republish:
    83 MB of write-ahead log, 0.45 s), runs beside the block's Python. The block ends when both
    have; an error of the checkpoint is raised then, as the close would raise it."""
    shared = _SHARED.get(ws.working_db)
    if shared is None:
        yield
        return
    with beside(shared, lambda cursor: run(cursor, "CHECKPOINT")):
        yield


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the step's open transaction, if it left one (DuckDB cannot say whether one is open)."""
    with contextlib.suppress(duckdb.TransactionException):   # raised when no transaction is open
        con.execute("ROLLBACK")


@contextmanager
def working(ws: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    shared = _SHARED.get(ws.working_db)
    if shared is not None:
        try:
            yield shared
        except BaseException:
            _rollback(shared)
            raise
        return
    con = _connect(ws)
    try:
        yield con
    finally:
        con.close()


def _ledger_meta(con: duckdb.DuckDBPyConnection, ref: FileRef) -> dict[str, str]:
    cols = ["file_hash", "path", "office", "file_name", "load_id", "month", "scope"]
    row = con.execute(f"SELECT {', '.join(cols)} FROM ledger WHERE file_hash = ? AND path = ?",
                      [ref.file_hash, ref.path]).fetchall()[0]
    return {c: v for c, v in zip(cols, row, strict=True)}


def _file_finding(con: duckdb.DuckDBPyConnection, run_id: str, ref: FileRef) -> None:
    office, file_name, rule, reason, status = con.execute(
        "SELECT office, file_name, rule, reason, status FROM ledger WHERE file_hash = ? AND path = ?",
        [ref.file_hash, ref.path]).fetchall()[0]
    severity = "info" if status == "duplicate" else "quarantine"
    record_findings(con, run_id, [Finding(rule, severity, office, file_name, ref.file_hash, detail=reason)])


def take_in(ws: Workspace, run_id: str, now: datetime, stable_only: bool = False) -> list[FileRef]:
    """Register every new file; quarantine what can never be used; return files to read.

    `stable_only` (poll mode): only files whose size and mtime did not change since the previous poll.
    """
    from pipelines import ledger

    specs = load_specs()
    with working(ws) as con:
        link.load_places(con, ws)
        ledger.start_run(con, run_id, now, adopt=interrupted(ws))
        clear_interrupted(ws)
        intake.finish_quarantine_moves(con, ws)
        candidates = intake.scan_inbox(ws, set(specs))
        if stable_only:
            candidates = ledger.stable_candidates(con, candidates, now)
        intake.register_files(con, ws, candidates, config_hash(), now)
        _record_file_findings(con, run_id)
        rows = con.execute("SELECT file_hash, path FROM ledger WHERE status = 'received' ORDER BY first_seen, path"
                           ).fetchall()
    return [FileRef(h, p) for h, p in rows]


def _record_file_findings(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """The finding of every quarantined or duplicate file that has none yet (also one a killed run missed)."""
    for file_hash, path in con.execute("""
            SELECT l.file_hash, l.path FROM ledger l WHERE l.status IN ('quarantined', 'duplicate')
              AND NOT EXISTS (SELECT 1 FROM finding f WHERE f.file_hash = l.file_hash AND f.file_name = l.file_name
                              AND f.rule = l.rule) ORDER BY l.first_seen, l.path""").fetchall():
        _file_finding(con, run_id, FileRef(file_hash, path))


@dataclass(frozen=True)
class ReadJob:
    """What a worker needs to read and shape one file: no database, so it runs on any process."""
    path: Path
    meta: dict[str, str]
    limits: Limits
    counties: dict[str, str]

    @property
    def size(self) -> int:
        """The file's bytes (what reading it holds in memory grows with them); 0 when it is gone."""
        return self.path.stat().st_size if self.path.exists() else 0


def read_jobs(ws: Workspace, refs: list[FileRef]) -> list[ReadJob]:
    limits = ws.settings().limits   # read onetable.yaml once, not per file
    with working(ws) as con:
        counties = link.county_names(con)
        return [ReadJob(ws.inbox / ref.path, _ledger_meta(con, ref), limits, counties) for ref in refs]


def shape_one(job: ReadJob) -> land.Shaped | tuple[str, str]:
    """Read one file and shape its rows to land, or (rule, reason) to quarantine it."""
    try:
        sheets = read_file(job.path, job.limits)
        return land.shape_file(job.meta, sheets, load_specs()[job.meta["office"]], job.counties)
    except Unreadable as exc:
        return exc.rule, exc.reason


def land_shaped(ws: Workspace, run_id: str, ref: FileRef, shaped: land.Shaped | tuple[str, str]) -> str:
    """Land a shaped file in one transaction (or quarantine it); returns its new status."""
    with working(ws) as con:
        if isinstance(shaped, tuple):
            intake.quarantine_file(con, ws, ref.file_hash, ref.path, *shaped)
            _file_finding(con, run_id, ref)
            return "quarantined"
        land.commit_file(con, _ledger_meta(con, ref), shaped)
        crash_point("land")
        return "landed"


def settle(ws: Workspace, run_id: str, month: str | None, now: datetime | None = None) -> tuple[str, date] | None:
    """Choose the reporting month and as-of date, fill file months, apply supersession (F10)."""
    with working(ws) as con:
        reporting = intake.choose_reporting_month(con, month, now)
        if reporting is None:
            return None
        intake.fill_months(con, reporting)
        intake.settle_scopes(con, ws)
        _record_file_findings(con, run_id)
        year, mon = int(reporting[:4]), int(reporting[5:7])
        return reporting, date(year, mon, calendar.monthrange(year, mon)[1])


def fetch_one(ws: Workspace, ref: FileRef) -> tuple[dict[str, str], list[tuple[str, Layout, pa.Table]]]:
    """A landed file's ledger entry and the cells normalize needs."""
    with working(ws) as con:
        meta = _ledger_meta(con, ref)
        return meta, normalize.fetch_load(con, meta["load_id"], load_specs()[meta["office"]])


def normalize_rows(meta: dict[str, str], sheets: list[tuple[str, Layout, pa.Table]], as_of: date) -> normalize.Normalized:
    """Normalize a fetched file: no database, so it runs on any process."""
    return normalize.normalize_fetched(meta, sheets, load_schema(), as_of)


def commit_normalized(ws: Workspace, run_id: str, ref: FileRef, done: normalize.Normalized) -> dict[str, int]:
    """Store one normalized file in a transaction: rows, findings, ledger counts and status."""
    counts = done.counts
    with working(ws) as con:
        meta = _ledger_meta(con, ref)
        con.execute("BEGIN TRANSACTION")
        for table, rows in done.tables:
            normalize.insert_rows(con, table, rows)
        record_findings(con, run_id, [
            Finding(f.rule, f.severity, meta["office"], meta["file_name"], meta["file_hash"], f.sheet, f.row,
                    f.column_name, f.column_letter, f.value, f.household_id, f.person_id, f.detail)
            for f in done.findings])
        status = "partly_accepted" if counts["rejected"] else "accepted"
        con.execute("""UPDATE ledger SET status = ?, rows_read = ?, rows_accepted = ?, rows_warned = ?,
                       rows_rejected = ? WHERE file_hash = ? AND path = ?""",
                    [status, sum(counts.values()), counts["accepted"], counts["warned"], counts["rejected"],
                     ref.file_hash, ref.path])
        crash_point("normalize")   # inside the transaction: a kill here rolls the whole file back
        con.execute("COMMIT")
        return counts


def landed_files(ws: Workspace) -> list[tuple[FileRef, str]]:
    """Files landed and not yet normalized, with their load ids."""
    with working(ws) as con:
        rows = con.execute("""SELECT file_hash, path, load_id FROM ledger WHERE status = 'landed'
                              ORDER BY first_seen, path""").fetchall()
    return [(FileRef(h, p), load) for h, p, load in rows]


def landed_rows(ws: Workspace) -> dict[str, int]:
    """Landed rows per load not yet normalized (what normalizing it holds in memory grows with them)."""
    with working(ws) as con:
        rows = con.execute("""SELECT r.load_id, count(*) FROM landed_row r
                              WHERE r.load_id IN (SELECT load_id FROM ledger WHERE status = 'landed')
                              GROUP BY r.load_id""").fetchall()
    return {load: int(n) for load, n in rows}


def link_current(ws: Workspace, recompute: bool = False) -> int:
    """Every current sector row tied to the registry (pipelines.link), from the rows in force: run
    inside `rows_in_force`, it reads them frozen. Only the rows that changed are rewritten, every
    one with `recompute`."""
    with working(ws) as con:
        return link.link_rows(con, rewrite=recompute)


def offices() -> list[str]:
    return list(load_specs())


@contextmanager
def normalize_memory(ws: Workspace) -> Iterator[None]:
    """DuckDB within `warehouse.normalize_memory_limit` while files are normalized: the files
    normalized ahead live in this process beside it."""
    engine = ws.settings().warehouse
    with working(ws) as con, memory_limit(con, engine.normalize_memory_limit, engine.memory_limit):
        yield


@contextmanager
def rows_in_force(ws: Workspace, recompute: bool = False) -> Iterator[None]:
    """The rows in force frozen once on the run's shared connection, for link, validate and publish:
    the ledger and run_context, which decide them, do not change between them (pipelines.inforce;
    copied anew with `recompute`)."""
    from pipelines.inforce import frozen_in_force

    with working(ws) as con, frozen_in_force(con, rebuild=recompute):
        yield


def validate(ws: Workspace, run_id: str, load_ids: list[str], recompute: bool = False) -> dict[str, int]:
    """Every rule but E through GX: the reader's F and A detections of this run, rules B, C, D over
    the rows in force (decided every run; a rule's SQL reruns when what it reads changed, or every
    rule's with `recompute`), and the generated schema suites over the rows normalized in this run
    (P1, recorded once per load)."""
    from pipelines import validate as checks
    from pipelines.expect import run_contract_checks
    from pipelines.history import update_history

    gx_dir = ws.state / "gx" / run_id
    engine = ws.settings().warehouse
    with working(ws) as con, memory_limit(con, engine.validate_memory_limit, engine.memory_limit):
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM finding WHERE regexp_matches(rule, '^[B-E]')")
        reader = checks.run_reader_checks(con, run_id, gx_dir, load_ids)
        summary = checks.run_checks(con, run_id, gx_dir, reuse=not recompute)
        contract = run_contract_checks(con, run_id, gx_dir, load_ids) if load_ids else {}
        update_history(con, "ABCDF")
        con.execute("COMMIT")
        found = {rule: n for rule, n in (reader.findings | summary.findings).items() if n}
        return found | {f"P1:{table}": n for table, n in contract.items() if n}


def publish(ws: Workspace, run_id: str, version: str, recompute: bool = False) -> dict[str, object]:
    """Build the candidate tables (every one with `recompute`, else those whose inputs changed), gate
    them with the E rules (GX), swap in the analysts' database."""
    from pipelines import publish as pub
    from pipelines import validate as checks
    from pipelines.findings import gate_report
    from pipelines.history import update_history
    from pipelines.pseudonyms import load_pseudonym_key

    gx_dir = ws.state / "gx" / run_id
    with working(ws) as con:
        pub.build_candidate(con, load_pseudonym_key(con), reuse=not recompute)
        narrowed = pub.narrowed_builds(con)
        result = pub.publish_version(con, ws.home, version, gate=lambda c: checks.run_gate(c, run_id, gx_dir),
                                     reuse=not recompute)
        if result.status != "unchanged":  # the gate ran: E findings of this run are in `finding`
            update_history(con, "E")
        blocked = gate_report(con, run_id, result.blocking_rules, ws.working_db) if result.blocking_rules else {}
    return {"status": result.status, "published": result.status == "published", "version": result.version_id,
            "blocking_rules": list(result.blocking_rules), "warnings": list(result.warnings),
            "seconds": result.seconds, "size_bytes": result.size_bytes, "kept_tables": list(result.kept),
            "updated_tables": list(result.updated), "narrowed_candidates": narrowed, **blocked}
