"""Intake: the ledger by content hash, temporary names left alone, F4/F5/F8/F9 with their messages."""

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.intake import is_temporary, register_files, scan_inbox
from pipelines.store import connect_working
from pipelines.workspace import open_workspace

FIX = Path(__file__).parent / "fixtures"
OFFICES = {"registry", "industry", "health"}


@pytest.mark.parametrize(("name", "temporary"), [
    ("~$户信息.xlsx", True), (".~lock.户信息.xlsx#", True), ("upload.xlsx.part", True), ("a.tmp", True),
    ("户信息.xlsx", False), ("part.xlsx", False),
])
def test_temporary_names(name, temporary):
    assert is_temporary(name) is temporary


@pytest.fixture
def inbox(tmp_path: Path):
    ws = open_workspace(tmp_path, sorted(OFFICES))
    reg = FIX / "registry" / "registry_2018-08.xlsx"
    shutil.copy(reg, ws.inbox / "registry" / "户信息.xlsx")
    shutil.copy(reg, ws.inbox / "registry" / "户信息(1).xlsx")        # the same bytes, renamed
    shutil.copy(reg, ws.inbox / "root.xlsx")                           # at the inbox root
    (ws.inbox / "police").mkdir()
    shutil.copy(reg, ws.inbox / "police" / "a.xlsx")                  # an unknown sender
    (ws.inbox / "health" / "notes.docx").write_bytes(b"PK\x03\x04 not a spreadsheet")
    (ws.inbox / "health" / "~$open.xlsx").write_bytes(b"lock")
    os.symlink("/etc/hostname", ws.inbox / "industry" / "link.xlsx")
    return ws


def test_ledger_and_reasons(inbox):
    con = connect_working(inbox.working_db)
    received = register_files(con, inbox, scan_inbox(inbox, OFFICES), "cfg", datetime(2018, 9, 5))
    rows = con.execute("SELECT path, office, status, rule, reason FROM ledger ORDER BY path").fetchall()
    assert rows == [
        ("health/notes.docx", "health", "quarantined", "F4", "文件类型 `.docx` 不受支持，请另存为 xlsx、xls 或 csv"),
        ("industry/link.xlsx", "industry", "quarantined", "F9", "`industry/link.xlsx` 是一个链接（快捷方式），不是文件本身"),
        ("police/a.xlsx", "_unknown", "quarantined", "F5",
         "文件夹 `police` 不是已知的报送单位（已知：health、industry、registry）"),
        # same bytes: taken in ledger order (first seen, then path), the quarantined copy never counts
        ("registry/户信息(1).xlsx", "registry", "received", None, None),
        ("registry/户信息.xlsx", "registry", "duplicate", "F8", "与已收到的文件 `户信息(1).xlsx` 内容完全相同，未重复计入"),
        ("root.xlsx", "_unknown", "quarantined", "F5", "`root.xlsx` 放在收件箱根目录，不在任何报送单位的文件夹里"),
    ]
    assert len(received) == 1
    assert sorted(p.name for p in (inbox.quarantine / "_unknown").iterdir())[0].endswith("_a.xlsx")
    assert (inbox.inbox / "health" / "~$open.xlsx").exists()          # left alone, not in the ledger
    assert not (inbox.inbox / "health" / "notes.docx").exists()       # moved, never deleted
    assert any(p.name.endswith("notes.docx") for p in (inbox.quarantine / "health").iterdir())


def test_a_second_scan_changes_nothing(inbox):
    con = connect_working(inbox.working_db)
    register_files(con, inbox, scan_inbox(inbox, OFFICES), "cfg", datetime(2018, 9, 5))
    before = con.execute("SELECT * FROM ledger ORDER BY path").fetchall()
    again = register_files(con, inbox, scan_inbox(inbox, OFFICES), "cfg", datetime(2018, 9, 6))
    assert again == []
    assert con.execute("SELECT * FROM ledger ORDER BY path").fetchall() == before


# --- poll mode, supersession, re-drops and restore -------------------------------------------------

def _world(home: Path, keep: tuple[str, ...] = ("registry", "health")) -> dict:
    from test_bad_inputs import tiny_world

    return tiny_world(home, keep=keep)


def test_poll_takes_a_file_only_once_its_size_and_mtime_hold_still(tmp_path: Path):
    from pipelines.steps import take_in

    _world(tmp_path)
    ws = open_workspace(tmp_path)
    growing = next((ws.inbox / "health").glob("商州区*.xlsx"))
    assert take_in(ws, "poll-1", datetime(2018, 9, 5, 9), stable_only=True) == []   # first sight: wait
    with open(growing, "ab") as fh:                                                # still being written
        fh.write(b"\0")
    taken = {ref.path for ref in take_in(ws, "poll-2", datetime(2018, 9, 5, 9, 5), stable_only=True)}
    others = {p.relative_to(ws.inbox).as_posix() for p in ws.inbox.rglob("*.xlsx")} - {
        growing.relative_to(ws.inbox).as_posix()}
    assert growing.relative_to(ws.inbox).as_posix() not in taken
    assert taken <= others and len(taken) >= len(others) - 1                      # the copy of a file is F8
    third = {ref.path for ref in take_in(ws, "poll-3", datetime(2018, 9, 5, 9, 10), stable_only=True)}
    assert growing.relative_to(ws.inbox).as_posix() in third


def test_a_one_off_run_takes_every_file_at_once(tmp_path: Path):
    from pipelines.steps import take_in

    _world(tmp_path)
    ws = open_workspace(tmp_path)
    taken = take_in(ws, "once", datetime(2018, 9, 5, 9))
    con = connect_working(ws.working_db)
    assert len(taken) == con.execute("SELECT count(*) FROM ledger WHERE status = 'received'").fetchall()[0][0] > 5


def _ledger_rows(con, rows):
    for path, office, scope, first in rows:
        con.execute("""INSERT INTO ledger (file_hash, office, path, file_name, first_seen, status, month, scope, load_id)
                       VALUES (?, ?, ?, ?, ?, 'landed', '2018-08', ?, ?)""",
                    [f"h{path}", office, path, path.split("/")[-1], datetime(2018, 9, first), scope, f"l{path}"])


def test_disjoint_scopes_add_up_covering_supersedes_partial_overlap_is_f10(tmp_path: Path):
    from pipelines.intake import settle_scopes

    ws = open_workspace(tmp_path, ["employment"])
    con = connect_working(ws.working_db)
    for name in ("a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"):
        (ws.inbox / "employment" / name).write_bytes(b"x")
    _ledger_rows(con, [("employment/a.xlsx", "employment", "611002|611021", 1),
                       ("employment/b.xlsx", "employment", "611022", 2),           # disjoint: adds up
                       ("employment/c.xlsx", "employment", "611021|611023", 3),    # partly overlaps a: F10
                       ("employment/d.xlsx", "employment", "611002|611021|611024", 4)])  # covers a
    assert settle_scopes(con, ws) == [("hemployment/c.xlsx", "employment/c.xlsx")]
    got = dict(con.execute("SELECT path, status FROM ledger").fetchall())
    assert got == {"employment/a.xlsx": "superseded", "employment/b.xlsx": "landed",
                   "employment/c.xlsx": "quarantined", "employment/d.xlsx": "landed"}
    reason = con.execute("SELECT reason FROM ledger WHERE path = 'employment/c.xlsx'").fetchall()[0][0]
    assert reason == "报送范围（611021|611023）与已报送的 `a.xlsx`（611002|611021）部分重叠，会造成重复"
    assert con.execute("SELECT path, status_to FROM ledger_event").fetchall() == [("employment/a.xlsx", "superseded")]


def _household(home: Path) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True)
    try:
        cur = con.execute("SELECT * FROM household ORDER BY household_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


LINEAGE = {"version", "load_id", "file_hash", "file_name", "row_uid"}


def _correct_phone(source: Path, target: Path, phone: str) -> str:
    """The registry file corrected: the first household's phone changed; returns its household id."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        cells = [str(c.value or "") for c in row]
        if "联系电话" in cells and "户编号" in cells:
            phone_col, id_col, header = cells.index("联系电话"), cells.index("户编号"), row[0].row
            break
    data = sheet.cell(header + 1, phone_col + 1)
    data.value = phone
    household = str(sheet.cell(header + 1, id_col + 1).value)
    book.save(target)
    return household


def test_redrops_a_correction_and_restoring_the_superseded_version(tmp_path: Path):
    import subprocess
    import sys

    from test_bad_inputs import REGISTRY, run_in_process

    home = tmp_path / "home"
    _world(home, keep=("registry",))
    ws = open_workspace(home)
    first = run_in_process(home)
    assert first["published"]["status"] == "published"
    v1 = _household(home)
    # the same file dropped again (rewritten in place) and renamed: nothing changes, the copy is F8
    original = ws.inbox / REGISTRY
    original.write_bytes(original.read_bytes())
    shutil.copy(original, ws.inbox / "registry" / "建档立卡(再次上传).xlsx")
    again = run_in_process(home)
    assert (again["published"]["status"], again["version"]) == ("unchanged", first["version"])
    con = connect_working(ws.working_db)
    assert con.execute("SELECT path, status, rule, reason FROM ledger WHERE status = 'duplicate'").fetchall() == [
        ("registry/建档立卡(再次上传).xlsx", "duplicate", "F8",
         f"与已收到的文件 `{original.name}` 内容完全相同，未重复计入")]
    con.close()
    # a corrected file for the same month and scope supersedes the first
    household = _correct_phone(original, ws.inbox / "registry" / "建档立卡数据导出_201808_更正.xlsx", "13900000000")
    corrected = run_in_process(home)
    assert corrected["published"]["status"] == "published"
    v2 = _household(home)
    changed = {a["household_id"]: sorted(k for k in a if k not in LINEAGE and a[k] != b[k])
               for a, b in zip(v1, v2, strict=True) if {k: v for k, v in a.items() if k not in LINEAGE}
               != {k: v for k, v in b.items() if k not in LINEAGE}}
    assert changed == {household: ["phone_masked", "phone_pseudonym"]}
    assert {r["file_name"] for r in v2} == {"建档立卡数据导出_201808_更正.xlsx"}
    con = connect_working(ws.working_db)
    old_hash, status, reason = con.execute("SELECT file_hash, status, reason FROM ledger WHERE path = ?",
                                           [REGISTRY]).fetchall()[0]
    assert (status, reason) == ("superseded", "已被同月同范围的新文件 `建档立卡数据导出_201808_更正.xlsx` 替换")
    con.close()
    # the superseded version made the one in force again, recorded in the ledger
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "restore", old_hash[:10], "--home", str(home)],
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    restored = run_in_process(home)
    assert restored["published"]["status"] == "published"
    assert _household(home) == v1
    con = connect_working(ws.working_db)
    events = con.execute("SELECT path, status_from, status_to FROM ledger_event ORDER BY rowid").fetchall()
    assert events == [(REGISTRY, "accepted", "superseded"),
                      ("registry/建档立卡数据导出_201808_更正.xlsx", "accepted", "superseded"),
                      (REGISTRY, "superseded", "accepted")]
    con.close()
