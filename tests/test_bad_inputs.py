"""Every kind of bad input a shared folder gets, in one tiny world run through the real flow.

Each kind is dropped beside a small synthetic world (40 households, five senders); one run takes
them all in. For each kind the test asserts the exact words the sender reads (the ledger's reason,
the receipt's status and reason, the rule's message) and, once for all, that every good file's
rows still land and publish.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter

from pipelines.feedback import STATUS_ZH, receipt_path
from pipelines.findings import describe
from pipelines.generate import generate_world
from pipelines.read import decode_csv
from pipelines.workspace import Workspace

FIX = Path(__file__).parent / "fixtures"
KEEP = ("registry", "health", "employment", "social_security", "industry")
LIMITS = {"max_file_bytes": 2_000_000, "max_uncompressed_bytes": 4_000_000, "max_rows": 3000, "max_columns": 60}
pytestmark = pytest.mark.slow

HTML = "<!DOCTYPE html><html><body><table><tr><td>户编号</td></tr></table></body></html>"
ENCRYPTED = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
             + b"".join(n.encode("utf-16-le").ljust(64, b"\0") for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
             + b"\0" * 320)
F1_XLSX = "文件已损坏或不完整，无法作为 xlsx 打开；请重新导出后报送"
F1_HTML = "文件实际是网页（HTML），只是扩展名为 Excel；请在 Excel 中打开后另存为 xlsx"
F1_XLS = "文件不是真正的 xls 工作簿（可能是文本或 CSV 改了扩展名）；请另存为 xlsx"
F2 = "工作簿已加密或设置了打开密码；请取消密码后重新报送"
F4_EXT = "文件类型 `{}` 不受支持，请另存为 xlsx、xls 或 csv"
F7 = "CSV 文件编码无法识别（支持 UTF-8、GB18030、带 BOM 的 UTF-16）；请另存为 UTF-8 的 CSV"
F6_CSV = f"CSV 超过上限（{LIMITS['max_rows']} 行、{LIMITS['max_columns']} 列）"
KNOWN = "、".join(sorted(["registry", "industry", "employment", "relocation", "ecology", "education", "health",
                          "social_security", "housing", "infrastructure", "screening"]))


def _xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    book.close()


def _uncompressed(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist())


_BOMB_BYTES = _uncompressed(FIX / "registry" / "registry_2018-08.xlsx") + LIMITS["max_uncompressed_bytes"] + 1


def _zip_bomb(path: Path) -> None:
    import zipfile

    shutil.copy(FIX / "registry" / "registry_2018-08.xlsx", path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (LIMITS["max_uncompressed_bytes"] + 1))
    with zipfile.ZipFile(path) as zf:
        assert sum(i.file_size for i in zf.infolist()) > LIMITS["max_uncompressed_bytes"] > path.stat().st_size


REGISTRY = "registry/全国扶贫开发信息系统_建档立卡数据导出_201808.xlsx"
WELFARE = "social_security/农村低保特困供养名册2018年8月.csv"


def _csv_lines(path: Path) -> list[str]:
    return decode_csv(path.read_bytes())[0].splitlines()


def _table_lines(ws: Workspace) -> tuple[list[str], int, str]:
    """A social security CSV's lines, its header line's index (the first with the most cells) and delimiter."""
    lines = _csv_lines(ws.inbox / WELFARE)
    sep = "\t" if max(line.count("\t") for line in lines) > max(line.count(",") for line in lines) else ","
    cells = [sum(1 for c in line.split(sep) if c.strip()) for line in lines]
    return lines, cells.index(max(cells)), sep


def _header_only_csv(ws: Workspace, path: Path) -> None:
    lines, header, _sep = _table_lines(ws)
    path.write_text("\n".join(lines[: header + 1]) + "\n", encoding="utf-8")


def _notes_only(path: Path) -> None:
    _xlsx(path, [["填报说明"], ["1. 本表按月报送"], ["2. 身份证号请以文本格式填写"]], sheet="填报说明")


def _ragged(ws: Workspace, path: Path) -> None:
    """Every other data row one cell short, the others with two cells too many."""
    lines, header, sep = _table_lines(ws)
    body = [line + f"{sep}多余{sep}列" if i % 2 else line.rsplit(sep, 1)[0]
            for i, line in enumerate(lines[header + 1:]) if line.strip()]
    path.write_text("\n".join(lines[: header + 1] + body) + "\n", encoding="utf-8")


# kind -> (where it is dropped, how it is made, rule, the reason the sender reads; None = left alone)
KINDS: dict[str, tuple] = {
    "html_as_xls": ("industry/产业台账2018年8月.xls", lambda ws, p: p.write_text(HTML, encoding="utf-8"), "F1", F1_HTML),
    "html_as_xlsx": ("health/健康台账201808.xlsx", lambda ws, p: p.write_text(HTML, encoding="utf-8"), "F1", F1_HTML),
    "csv_as_xls": ("industry/导出201808.xls", lambda ws, p: p.write_text("户编号,姓名\n1,张三\n", encoding="utf-8"),
                   "F1", F1_XLS),
    "csv_as_xlsx": ("health/导出201808.xlsx", lambda ws, p: p.write_text("户编号,姓名\n1,张三\n", encoding="utf-8"),
                    "F1", F1_XLSX),
    "truncated_xlsx": ("registry/户信息_上传中断.xlsx", lambda ws, p: shutil.copy(FIX / "bad" / "truncated.xlsx", p),
                       "F1", F1_XLSX),
    "encrypted_xlsx": ("health/加密台账201808.xlsx", lambda ws, p: p.write_bytes(ENCRYPTED), "F2", F2),
    "empty_xlsx": ("industry/空文件.xlsx", lambda ws, p: p.write_bytes(b""), "F3", "文件是空的（0 字节）"),
    "empty_csv": ("social_security/空白名册.csv", lambda ws, p: p.write_text(" \r\n", encoding="utf-8"), "F3",
                  "文件是空的，没有表头也没有数据"),
    "header_only_xlsx": ("registry/只有表头.xlsx", lambda ws, p: shutil.copy(FIX / "bad" / "header_only.xlsx", p),
                         "F3", "文件只有表头，没有数据行"),
    "header_only_csv": ("social_security/只有表头201808.csv", _header_only_csv, "F3", "文件只有表头，没有数据行"),
    "unsupported_docx": ("health/说明.docx", lambda ws, p: p.write_bytes(b"PK\x03\x04 docx"), "F4",
                         F4_EXT.format(".docx")),
    "no_extension": ("industry/台账201808", lambda ws, p: p.write_bytes(b"data"), "F4", F4_EXT.format("无扩展名")),
    "unknown_folder": ("police/户籍比对201808.xlsx", lambda ws, p: shutil.copy(FIX / "bad" / "header_only.xlsx", p),
                       "F5", f"文件夹 `police` 不是已知的报送单位（已知：{KNOWN}）"),
    "unknown_subfolder": ("统计局/农调/住户201808.csv", lambda ws, p: p.write_text("a,b\n1,2\n", encoding="utf-8"),
                          "F5", f"文件夹 `统计局` 不是已知的报送单位（已知：{KNOWN}）"),
    "inbox_root": ("转发的数据201808.xlsx", lambda ws, p: shutil.copy(FIX / "bad" / "header_only.xlsx", p), "F5",
                   "`转发的数据201808.xlsx` 放在收件箱根目录，不在任何报送单位的文件夹里"),
    "zip_bomb": ("registry/户信息_大.xlsx", lambda ws, p: _zip_bomb(p), "F6",
                 f"解压后大小 {_BOMB_BYTES} 字节超过上限 {LIMITS['max_uncompressed_bytes']} 字节"),
    "too_many_rows": ("social_security/超长名册.csv",
                      lambda ws, p: p.write_text("姓名,身份证号\n" + "张三,1\n" * (LIMITS["max_rows"] + 5), encoding="utf-8"),
                      "F6", F6_CSV),
    "too_many_columns": ("industry/宽表201808.xlsx", lambda ws, p: _xlsx(p, [[f"列{i}" for i in range(80)], [1] * 80]),
                         "F6", "工作表 `Sheet1` 有 2 行、80 列，超过上限（3000 行、60 列）"),
    "file_too_large": ("employment/全量导出.csv",
                       lambda ws, p: p.write_bytes(b"a,b\n" + b"1,2\n" * (LIMITS["max_file_bytes"] // 4 + 10)),
                       "F6", f"文件大小 {4 + 4 * (LIMITS['max_file_bytes'] // 4 + 10)} 字节超过上限 "
                             f"{LIMITS['max_file_bytes']} 字节"),
    "undecodable_csv": ("social_security/乱码名册.csv", lambda ws, p: shutil.copy(FIX / "bad" / "undecodable.csv", p),
                        "F7", F7),
    "renamed_copy": ("registry/建档立卡数据(1).xlsx", lambda ws, p: shutil.copy(ws.inbox / REGISTRY, p),
                     "F8", f"与已收到的文件 `{REGISTRY.split('/')[1]}` 内容完全相同，未重复计入"),
    "link_outside_absolute": ("health/链接.xlsx", lambda ws, p: os.symlink("/etc/hostname", p), "F9",
                              "`health/链接.xlsx` 是一个链接（快捷方式），不是文件本身"),
    "link_outside_relative": ("industry/上级.xlsx", lambda ws, p: os.symlink("../../reference/places.csv", p), "F9",
                              "`industry/上级.xlsx` 是一个链接（快捷方式），不是文件本身"),
    "linked_folder": ("employment/共享盘", lambda ws, p: os.symlink("/tmp", p), "F9",
                      "`employment/共享盘` 是一个链接（快捷方式），不是文件本身"),
    "dotdot_name": ("health/..\\..\\etc\\台账.xlsx", lambda ws, p: p.write_bytes(b"x"), "F9",
                    "文件名 `..\\..\\etc\\台账.xlsx` 含有路径（`..` 或 `\\`），会指向本单位文件夹以外的位置"),
    "other_senders_template": ("health/产业扶持201808.xlsx",
                               lambda ws, p: shutil.copy(FIX / "bad" / "industry_template.xlsx", p), "A4",
                               "没有找到本单位模板的表头，缺少列：姓名、身份证号、城乡居民基本医疗保险、大病保险、家庭医生签约、"
                               "病种类别、年度住院报销金额；最接近的表头是 `户主姓名`；请使用本单位的报送模板"),
    "notes_sheet_only": ("employment/填报说明201808.xlsx", lambda ws, p: _notes_only(p), "A4",
                         "没有找到本单位模板的表头，缺少列：姓名、身份证号、县区、务工地域、务工单位、务工月数、月均工资、"
                         "是否公益性岗位等；最接近的表头是 `填报说明`；请使用本单位的报送模板"),
    "csv_wrong_headers": ("social_security/其他表201808.csv",
                          lambda ws, p: p.write_text("序号,项目,金额\n1,培训,100\n", encoding="utf-8"), "A4",
                          "没有找到本单位模板的表头，缺少列：姓名、身份证号、保障类别、保障开始日期、月保障金额、是否死亡注销、"
                          "死亡日期；最接近的表头是 `序号`；请使用本单位的报送模板"),
    "partial_overlap": ("employment/贫困劳动力就业台账（商南县）补报2018年8月.csv", None, "F10",
                        "报送范围（611023）与已报送的 `贫困劳动力就业台账（商南县、山阳县）2018年8月.csv`（611023|611024）"
                        "部分重叠，会造成重复"),
    "ragged_csv_correction": ("social_security/农村低保特困供养名册2018年8月（更正）.csv", lambda ws, p: _ragged(ws, p),
                              None, None),
    "temp_office_lock": ("health/~$健康台账201808.xlsx", lambda ws, p: p.write_bytes(b"lock"), None, None),
    "temp_libreoffice_lock": ("industry/.~lock.台账.xlsx#", lambda ws, p: p.write_bytes(b"lock"), None, None),
    "being_written_part": ("registry/户信息201808.xlsx.part", lambda ws, p: p.write_bytes(b"PK\x03\x04 half"),
                           None, None),
    "temp_tmp": ("employment/导出.tmp", lambda ws, p: p.write_bytes(b"half"), None, None),
}


def _partial_overlap(ws: Workspace, path: Path) -> None:
    """A file for one county of a two-county file already in: it overlaps without covering (F10)."""
    source = next((ws.inbox / "employment").glob("*商南县、山阳县*.csv"))
    kept = [line for line in _csv_lines(source) if "山阳" not in line]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def run_in_process(home: Path) -> dict:
    """The real flow (Prefect, DuckDB, GX), in this process: its ephemeral Prefect server is shared."""
    saved = dict(os.environ)
    from pipelines.orchestrate import configure_prefect

    configure_prefect(home.parent / "prefect-state")
    try:
        from flows import run_flow

        return run_flow(str(home))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def tiny_world(home: Path, households: int = 40, keep: tuple[str, ...] = KEEP) -> dict:
    """A synthetic world of a few senders: small enough for many runs in one test session."""
    summary = generate_world(home, households=households, seed=7, month="2018-08")
    for folder in (home / "inbox").iterdir():
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder)
        elif folder.is_file():
            folder.unlink()
    summary["rows"] = {p: n for p, n in summary["rows"].items() if p.split("/")[0] in keep}
    return summary


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("bad") / "home"
    summary = tiny_world(home)
    ws = Workspace(home)
    (home / "onetable.yaml").write_text(f"limits: {LIMITS}\n".replace("'", ""), encoding="utf-8")
    for where, make, _rule, _reason in KINDS.values():
        path = ws.inbox / where
        path.parent.mkdir(parents=True, exist_ok=True)
        (make or _partial_overlap)(ws, path)
    result = run_in_process(home)
    con = duckdb.connect(str(ws.working_db), read_only=True)
    yield {"ws": ws, "summary": summary, "result": result, "con": con}
    con.close()


def _receipt(ws: Workspace, office: str, name: str, file_hash: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    book = openpyxl.load_workbook(receipt_path(ws, office, name, file_hash), read_only=True)
    head = {str(r[0]): str(r[1] or "") for r in book["回执"].iter_rows(values_only=True)}
    rows = list(book["问题明细"].iter_rows(values_only=True))
    return head, [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _ledger(con: duckdb.DuckDBPyConnection, path: str) -> dict | None:
    cur = con.execute("SELECT * FROM ledger WHERE path = ?", [path])
    rows = cur.fetchall()
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True)) if rows else None


def test_at_least_25_kinds_are_tried():
    judged = [k for k, (_w, _m, rule, _r) in KINDS.items() if rule]
    assert len(judged) >= 25, judged
    assert {rule for _w, _m, rule, _r in KINDS.values() if rule} >= {f"F{i}" for i in range(1, 11)} | {"A4"}


@pytest.mark.parametrize("kind", [k for k, v in KINDS.items() if v[2]])
def test_the_sender_reads_exactly_why(world, kind):
    where, _make, rule, reason = KINDS[kind]
    ws, con = world["ws"], world["con"]
    entry = _ledger(con, where)
    assert entry is not None
    status = "duplicate" if rule == "F8" else "quarantined"
    assert (entry["status"], entry["rule"], entry["reason"]) == (status, rule, reason)
    office = entry["office"]
    assert office == (where.split("/")[0] if rule != "F5" else "_unknown")
    head, problems = _receipt(ws, office, entry["file_name"], entry["file_hash"])
    assert (head["状态"], head["原因"], head["文件名"]) == (STATUS_ZH[status], reason, Path(where).name)
    message, fix = describe(rule, reason)
    assert [(p["规则"], p["问题说明"], p["处理建议"]) for p in problems] == [(rule, message, fix)]
    moved = ws.quarantine / office / f"{entry['file_hash'][:8]}_{Path(where).name}"
    if status == "quarantined":   # moved, never deleted (a link is moved as a link)
        assert not os.path.lexists(ws.inbox / where)
        assert os.path.lexists(moved)
    else:
        assert (ws.inbox / where).exists() and not os.path.lexists(moved)


def test_one_full_message_word_for_word(world):
    entry = _ledger(world["con"], KINDS["encrypted_xlsx"][0])
    assert entry is not None
    _head, problems = _receipt(world["ws"], "health", entry["file_name"], entry["file_hash"])
    assert problems[0]["问题说明"] == "文件设置了打开密码或已加密，系统无法读取（工作簿已加密或设置了打开密码；请取消密码后重新报送）。"
    assert problems[0]["处理方式"] == "整个文件未使用"


@pytest.mark.parametrize("kind", [k for k, v in KINDS.items() if k.startswith(("temp_", "being_written"))])
def test_files_still_being_written_are_left_alone(world, kind):
    where = KINDS[kind][0]
    assert _ledger(world["con"], where) is None
    assert (world["ws"].inbox / where).exists()
    assert not list((world["ws"].outbox / where.split("/")[0]).glob(f"回执_{Path(where).stem}_*"))


def test_a_ragged_csv_lands_every_row(world):
    where = KINDS["ragged_csv_correction"][0]
    entry = _ledger(world["con"], where)
    assert entry is not None and entry["status"] in ("accepted", "partly_accepted")
    lines, header, _sep = _table_lines(world["ws"])
    assert entry["rows_read"] == len([line for line in lines[header + 1:] if line.strip()])
    welfare = _ledger(world["con"], WELFARE)
    assert welfare is not None
    assert (welfare["status"], welfare["reason"]) == ("superseded", f"已被同月同范围的新文件 `{Path(where).name}` 替换")


def test_every_other_file_still_lands_and_publishes(world):
    """Every generated file not planted as unusable is in force (the welfare file was corrected),
    each with every row it holds landed once; the registry publishes whole."""
    con, summary = world["con"], world["summary"]
    planted = {f"{d['office']}/{d['file_name']}" for d in _manifest(world["ws"]) if not d["row"]}
    landed = dict(con.execute("""SELECT l.path, count(r.row_uid) FROM ledger l JOIN landed_row r USING (load_id)
                                 GROUP BY 1""").fetchall())
    status = dict(con.execute("SELECT path, status FROM ledger").fetchall())
    good = sorted(set(summary["rows"]) - planted)
    assert {p: status[p] for p in good} == {p: "superseded" if p == WELFARE else status[p] for p in good}
    assert {status[p] for p in good if p != WELFARE} <= {"accepted", "partly_accepted"}
    assert {p: landed[p] for p in good} == {p: sum(summary["rows"][p].values()) for p in good}
    assert world["result"]["published"]["status"] == "published"
    pub = duckdb.connect(str(world["ws"].published_db), read_only=True)
    assert pub.execute("SELECT count(*) FROM household").fetchall() == [(40,)]
    pub.close()


def _manifest(ws: Workspace) -> list[dict[str, str]]:
    import csv

    with open(ws.home / "generated" / "manifest.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("rule", sorted({v[2] for v in KINDS.values() if v[2]}, key=lambda r: (r[0], int(r[1:]))))
def test_every_file_rule_trips_and_passes_through_gx(world, rule):
    """GX's `files` suite decides the reader's F and A4 detections: the rule's expectation fails on
    exactly the files dropped for it and passes on every other file, the good registry file included."""
    ws, con = world["ws"], world["con"]
    result = json.loads((ws.state / "gx" / world["result"]["run_id"] / "files.json").read_text(encoding="utf-8"))
    (res,) = [r for r in result["results"] if r["expectation_config"]["meta"]["rule"] == rule]
    flagged = {uid for e in res["result"]["unexpected_index_list"]
               for uid in (e["row_uid"] if isinstance(e["row_uid"], list) else [e["row_uid"]])}

    def subject(path: str) -> str:
        entry = _ledger(con, path)
        assert entry is not None, path
        return f"file:{entry['file_hash']}:{entry['file_name']}"

    with open(ws.home / "generated" / "manifest.csv", encoding="utf-8") as fh:   # the tiny world's own
        generated = {(d["office"], d["file_name"]) for d in csv.DictReader(fh) if d["rule"] == rule}
    also = {f"file:{h}:{n}" for h, n, o in con.execute("SELECT file_hash, file_name, office FROM ledger").fetchall()
            if (o, n) in generated}
    assert flagged == {subject(where) for where, _m, r, _reason in KINDS.values() if r == rule} | also
    assert subject(REGISTRY) not in flagged
    assert res["result"]["element_count"] > len(flagged)
