"""The ledger's history and its two operations beyond intake: poll-mode observations and restore.

- `ledger_event`: every change of a file's standing after intake (superseded, restored), with why.
- `intake_observation`: poll mode's memory of each inbox file's size and mtime at the previous poll;
  a file is taken only when both are unchanged since then (it is no longer being written).
- `restore`: make a superseded file the one in force again (the files that replaced it are then
  superseded in turn); the next run publishes it.
- `start_run`: a run that was killed or failed recorded findings under its own run id;
  the run that finishes its job adopts them, so the published issues equal an uninterrupted run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from pipelines.errors import UsageError
from pipelines.intake import Candidate
from pipelines.periods import scope_covers, scopes_overlap


@dataclass(frozen=True)
class Restored:
    path: str
    file_hash: str
    status: str
    replaced: list[str]


def set_status(con: duckdb.DuckDBPyConnection, file_hash: str, path: str, status: str, reason: str,
               at: datetime) -> None:
    """Change a file's standing and record the change in `ledger_event`, in one transaction."""
    old = con.execute("SELECT status FROM ledger WHERE file_hash = ? AND path = ?", [file_hash, path]).fetchall()
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE ledger SET status = ?, reason = ? WHERE file_hash = ? AND path = ?",
                [status, reason, file_hash, path])
    con.execute("INSERT INTO ledger_event VALUES (?, ?, ?, ?, ?, ?)",
                [at, file_hash, path, old[0][0] if old else None, status, reason])
    con.execute("COMMIT")


def stable_candidates(con: duckdb.DuckDBPyConnection, candidates: list[Candidate], now: datetime) -> list[Candidate]:
    """Poll mode: the files whose size and mtime are the same as at the previous poll.

    Every other file's size and mtime are remembered for the next poll; files gone from the inbox
    are forgotten. Links are never written to, so they are judged at once.
    """
    seen = {p: (s, m) for p, s, m in con.execute("SELECT path, size, mtime_ns FROM intake_observation").fetchall()}
    stable: list[Candidate] = []
    for cand in candidates:
        stat = cand.path.lstat()
        now_seen = (stat.st_size, stat.st_mtime_ns)
        if cand.path.is_symlink() or seen.get(cand.rel) == now_seen:
            stable.append(cand)
        else:
            con.execute("DELETE FROM intake_observation WHERE path = ?", [cand.rel])
            con.execute("INSERT INTO intake_observation VALUES (?, ?, ?, ?)", [cand.rel, *now_seen, now])
    gone = sorted(set(seen) - {c.rel for c in candidates})
    if gone:
        con.execute("DELETE FROM intake_observation WHERE list_contains(?, path)", [gone])
    return stable


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, now: datetime, adopt: bool) -> int:
    """Register this run; with `adopt` (the previous run was interrupted) its findings become this
    run's, so what this run publishes equals an uninterrupted run's. Returns the findings adopted."""
    previous = con.execute("SELECT run_id FROM intake_run ORDER BY started DESC, run_id DESC LIMIT 1").fetchall()
    con.execute("INSERT INTO intake_run VALUES (?, ?)", [run_id, now])
    if not adopt or not previous:
        return 0
    n = con.execute("SELECT count(*) FROM finding WHERE run_id = ?", [previous[0][0]]).fetchall()[0][0]
    con.execute("UPDATE finding SET run_id = ? WHERE run_id = ?", [run_id, previous[0][0]])
    return int(n)


def find_superseded(con: duckdb.DuckDBPyConnection, prefix: str) -> tuple:
    """The one superseded file whose content hash starts with `prefix`."""
    if len(prefix) < 6 or not all(c in "0123456789abcdef" for c in prefix.lower()):
        raise UsageError(f"`{prefix}` is not a file hash prefix: give at least 6 hex digits (the receipt's "
                         "文件指纹 or the ledger's file_hash)")
    rows = con.execute("""SELECT file_hash, path, office, month, scope, file_name, status, rows_read, rows_rejected
                          FROM ledger WHERE file_hash LIKE ? || '%' ORDER BY first_seen, path""",
                       [prefix.lower()]).fetchall()
    superseded = [r for r in rows if r[6] == "superseded"]
    if not superseded:
        found = "; ".join(f"{r[1]} is {r[6]}" for r in rows) or "no file in the ledger has it"
        raise UsageError(f"no superseded file has a hash starting with `{prefix}` ({found}); only a superseded "
                         "file can be restored")
    if len(superseded) > 1:
        raise UsageError(f"`{prefix}` matches {len(superseded)} superseded files "
                         f"({', '.join(r[1] for r in superseded)}): give more digits")
    return superseded[0]


def restore(con: duckdb.DuckDBPyConnection, prefix: str, now: datetime) -> Restored:
    """Make a superseded file the one in force again for its sender, month and scope.

    The files in force that overlap its scope must lie inside it (they are superseded in turn);
    a file in force that reaches beyond it would lose rows, so the restore is refused.
    """
    file_hash, path, office, month, scope, name, _status, rows_read, rows_rejected = find_superseded(con, prefix)
    current = con.execute("""SELECT file_hash, path, scope, file_name FROM ledger WHERE office = ? AND month = ?
                             AND status IN ('accepted', 'partly_accepted', 'landed')""", [office, month]).fetchall()
    overlapping = [c for c in current if scopes_overlap(scope, c[2])]
    wider = [c for c in overlapping if not scope_covers(scope, c[2])]
    if wider:
        raise UsageError(f"`{name}` ({scope}) cannot be restored: `{wider[0][3]}` in force covers more "
                         f"({wider[0][2]}); restoring would lose its other rows")
    for old_hash, old_path, _scope, _name in overlapping:
        set_status(con, old_hash, old_path, "superseded", f"已恢复使用较早报送的 `{name}`（{now:%Y-%m-%d %H:%M}）", now)
    status = "landed" if rows_read is None else ("partly_accepted" if rows_rejected else "accepted")
    replaced = "、".join(f"`{c[3]}`" for c in overlapping) or "无"
    set_status(con, file_hash, path, status, f"已于 {now:%Y-%m-%d %H:%M} 恢复为现行版本（替换 {replaced}）", now)
    return Restored(path, file_hash, status, [c[1] for c in overlapping])
