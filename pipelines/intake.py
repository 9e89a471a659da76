"""Intake: every file in the inbox is registered in the ledger by content hash.

Files that can never be read as a sender's data (unknown folder, inbox root, links, wrong
extension) are quarantined here (F4, F5, F9); the same bytes taken in before from the same sender
are duplicates (F8). The same bytes in another sender's folder are that sender's file: a folder
only ever feeds its own sender's layout, so it is judged on its own (usually A4, wrong template).
Temporary names (`~$*`, `.~lock*`, `*.part`, `*.tmp`) are not files yet and are left alone.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb

from pipelines.workspace import UNKNOWN_OFFICE, Workspace, crash_point

BEIJING = timezone(timedelta(hours=8))   # the offices' clock: submission times and due days are Beijing time
TEMPORARY = ("~$*", ".~lock*", "*.part", "*.tmp", ".DS_Store", "Thumbs.db")
EXTENSIONS = (".xlsx", ".xls", ".csv")


@dataclass(frozen=True)
class Candidate:
    path: Path          # absolute
    rel: str            # relative to the inbox, posix
    office: str
    rule: str | None    # F4/F5/F9 when the file can never be used
    reason: str | None


def is_temporary(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in TEMPORARY)


def leads_elsewhere(name: str) -> bool:
    """A name that, read as a path (Windows or POSIX), climbs out of its folder or names another place."""
    pieces = name.replace("\\", "/").split("/")
    return ".." in pieces or "\\" in name


def _classify(ws: Workspace, path: Path, offices: set[str]) -> Candidate:
    rel = path.relative_to(ws.inbox).as_posix()
    parts = rel.split("/")
    office = parts[0] if len(parts) > 1 and parts[0] in offices else UNKNOWN_OFFICE
    if path.is_symlink():
        return Candidate(path, rel, office, "F9", f"`{rel}` 是一个链接（快捷方式），不是文件本身")
    if leads_elsewhere(path.name):
        return Candidate(path, rel, office, "F9", f"文件名 `{path.name}` 含有路径（`..` 或 `\\`），"
                                                  "会指向本单位文件夹以外的位置")
    if len(parts) == 1:
        return Candidate(path, rel, office, "F5", f"`{rel}` 放在收件箱根目录，不在任何报送单位的文件夹里")
    if office == UNKNOWN_OFFICE:
        known = "、".join(sorted(offices))
        return Candidate(path, rel, office, "F5", f"文件夹 `{parts[0]}` 不是已知的报送单位（已知：{known}）")
    if path.suffix.lower() not in EXTENSIONS:
        return Candidate(path, rel, office, "F4", f"文件类型 `{path.suffix or '无扩展名'}` 不受支持，请另存为 xlsx、xls 或 csv")
    return Candidate(path, rel, office, None, None)


def scan_inbox(ws: Workspace, offices: set[str]) -> list[Candidate]:
    """Every file (and link) under the inbox, classified; sorted by path."""
    found: list[Candidate] = []
    for root, dirs, files in os.walk(ws.inbox):
        base = Path(root)
        for d in list(dirs):
            if (base / d).is_symlink():
                found.append(_classify(ws, base / d, offices))
                dirs.remove(d)
        found += [_classify(ws, base / f, offices) for f in files if not is_temporary(f)]
    return sorted(found, key=lambda c: c.rel)


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_id_for(file_hash: str, config: str) -> str:
    return hashlib.sha256(f"{file_hash}:{config}".encode()).hexdigest()[:16]


def register_files(con: duckdb.DuckDBPyConnection, ws: Workspace, candidates: list[Candidate],
                   config: str, now: datetime) -> list[str]:
    """Add new files to the ledger; return the hashes of files received for reading."""
    received: list[str] = []
    for cand in candidates:
        if cand.path.is_symlink():
            file_hash, size = hashlib.sha256(f"link:{cand.rel}".encode()).hexdigest(), 0
        else:
            file_hash, size = hash_file(cand.path), cand.path.stat().st_size
        if con.execute("SELECT 1 FROM ledger WHERE file_hash = ? AND path = ?",
                       [file_hash, cand.rel]).fetchall():
            continue
        mtime = datetime.fromtimestamp(cand.path.lstat().st_mtime, BEIJING).replace(tzinfo=None)
        earlier = con.execute("""SELECT file_name FROM ledger WHERE file_hash = ? AND office = ? AND status NOT IN
                                 ('quarantined', 'duplicate') ORDER BY first_seen, path LIMIT 1""",
                              [file_hash, cand.office]).fetchall()
        status, rule, reason = ("quarantined" if cand.rule else "received"), cand.rule, cand.reason
        if rule is None and earlier:
            status, rule = "duplicate", "F8"
            reason = f"与已收到的文件 `{earlier[0][0]}` 内容完全相同，未重复计入"
        con.execute("""INSERT INTO ledger (file_hash, office, path, file_name, size, first_seen, submitted_at,
                       status, reason, rule, load_id, duplicate_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                    [file_hash, cand.office, cand.rel, cand.path.name, size, now, mtime, status, reason,
                     rule, load_id_for(file_hash, config), file_hash if status == "duplicate" else None])
        crash_point("intake")
        if status == "quarantined":   # recorded first: a run killed before the move finishes it next time
            quarantine_file(con, ws, file_hash, cand.rel, rule or "", reason or "")
        elif status == "received":
            received.append(file_hash)
    return received


def quarantine_file(con: duckdb.DuckDBPyConnection, ws: Workspace, file_hash: str, rel: str,
                    rule: str, reason: str) -> None:
    """Move the file aside (never delete it) and record why."""
    source = ws.inbox / rel
    office = con.execute("SELECT office FROM ledger WHERE file_hash = ? AND path = ?",
                         [file_hash, rel]).fetchall()[0][0]
    target = ws.quarantine / office / f"{file_hash[:8]}_{Path(rel).name}"
    if target.exists() or target.is_symlink():   # the same bytes and name from another subfolder: keep both
        target = target.with_name(f"{file_hash[:8]}_{hashlib.sha256(rel.encode()).hexdigest()[:6]}_{Path(rel).name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute("UPDATE ledger SET status = 'quarantined', rule = ?, reason = ? WHERE file_hash = ? AND path = ?",
                [rule, reason, file_hash, rel])
    crash_point("quarantine")
    if source.is_symlink() or source.exists():
        shutil.move(str(source), str(target))   # a link is moved as a link, never followed


def finish_quarantine_moves(con: duckdb.DuckDBPyConnection, ws: Workspace) -> None:
    """A run killed between recording a quarantine and moving the file finishes the move."""
    for file_hash, rel, rule, reason in con.execute(
            "SELECT file_hash, path, rule, reason FROM ledger WHERE status = 'quarantined'").fetchall():
        if (ws.inbox / rel).exists() or (ws.inbox / rel).is_symlink():
            quarantine_file(con, ws, file_hash, rel, rule, reason)


def choose_reporting_month(con: duckdb.DuckDBPyConnection, month: str | None, now: datetime | None = None
                           ) -> str | None:
    """`--month`, else the latest month among landed and accepted files. `previous` (the monthly
    publication): the latest such month before `now`'s month, i.e. one whose files are due."""
    if month and month != "previous":
        return month
    before = f"{now:%Y-%m}" if month == "previous" and now else "9999-12"
    found = con.execute("""SELECT max(month) FROM ledger WHERE status IN ('landed', 'accepted', 'partly_accepted')
                           AND month NOT LIKE '????%' AND month < ?""", [before]).fetchall()[0][0]
    return str(found) if found else None


def fill_months(con: duckdb.DuckDBPyConnection, reporting_month: str) -> None:
    """A month without a year takes the reporting month's year; no month at all, the reporting month."""
    con.execute("UPDATE ledger SET month = ? || substr(month, 5) WHERE month LIKE '????%'", [reporting_month[:4]])
    con.execute("UPDATE ledger SET month = ? WHERE status = 'landed' AND month IS NULL", [reporting_month])


def settle_scopes(con: duckdb.DuckDBPyConnection, ws: Workspace) -> list[tuple[str, str]]:
    """New files supersede earlier ones of the same sender and month whose scope they cover;
    disjoint scopes add up; a partial overlap is quarantined (F10). Returns the F10 files."""
    from pipelines.ledger import set_status
    from pipelines.periods import scope_covers, scopes_overlap

    quarantined = []
    new = con.execute("""SELECT file_hash, path, office, month, scope, file_name FROM ledger
                         WHERE status = 'landed' ORDER BY first_seen, path""").fetchall()
    for file_hash, rel, office, month, scope, name in new:
        earlier = con.execute("""SELECT file_hash, path, scope, file_name FROM ledger WHERE office = ? AND month = ?
                                 AND status IN ('accepted', 'partly_accepted', 'landed')
                                 AND NOT (file_hash = ? AND path = ?)
                                 AND (first_seen, path) < (SELECT (first_seen, path) FROM ledger
                                                           WHERE file_hash = ? AND path = ?)""",
                              [office, month, file_hash, rel, file_hash, rel]).fetchall()
        partial = [e for e in earlier if scopes_overlap(scope, e[2]) and not scope_covers(scope, e[2])]
        if partial:
            quarantine_file(con, ws, file_hash, rel, "F10",
                            f"报送范围（{scope}）与已报送的 `{partial[0][3]}`（{partial[0][2]}）部分重叠，会造成重复")
            quarantined.append((file_hash, rel))
            continue
        for old_hash, old_rel, _old_scope, _ in [e for e in earlier if scope_covers(scope, e[2])]:
            set_status(con, old_hash, old_rel, "superseded", f"已被同月同范围的新文件 `{name}` 替换", datetime.now())
    return quarantined
