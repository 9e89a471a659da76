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
