"""Section F defects (and A4): whole files that cannot be used, written next to the real ones."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from pipelines.generate.records import Defect
from pipelines.generate.render import Laid

FileDefect = tuple[str, Path, Defect]          # (office folder or "" for the inbox root, path, defect)
_DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
               'officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_BODY = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
              '<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')


def docx_bytes(text: str) -> bytes:
    """A minimal Word document, byte-identical on every run (fixed zip timestamps)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in (("[Content_Types].xml", _DOCX_TYPES), ("word/document.xml", _DOCX_BODY.format(text=text))):
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), body)
    return out.getvalue()


def html_table(header: list[str], rows: list[list[str]]) -> bytes:
    """What a web system's "export to Excel" button often saves as .xls: an HTML page."""
    cells = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in [header, *rows])
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
            f"<body><table border=1>{cells}</table></body></html>").encode()


def bad_encoding_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """A CSV in Shift-JIS with stray bytes: neither UTF-8, GB18030 nor UTF-16 with a BOM."""
    text = "\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n"
    data = text.encode("shift_jis", errors="replace") + b"\x80\xff\xfe\x80"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        raise AssertionError(f"the F7 sample decodes as {encoding}")
    return data


def plant_files(inbox: Path, month_tag: str, write_xlsx: Callable[[Path, list[tuple[str, Laid]]], None],
                taken: dict[str, list[Path]], templates: dict[str, list[tuple[str, Laid]]]) -> list[FileDefect]:
    """Write the unusable files; `taken` are real files per office (sources of copies/truncations)."""
    out: list[FileDefect] = []

    def put(office: str, name: str, data: bytes, rule: str, note: str) -> None:
        folder = inbox / office if office else inbox
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        out.append((office, folder / name, Defect(rule, None, note)))

    industry = taken["industry"][0]
    put("industry", industry.stem + "(上传中断).xlsx", industry.read_bytes()[: industry.stat().st_size * 3 // 5],
        "F1", "truncated xlsx")
    put("employment", f"就业扶贫信息系统导出{month_tag}.xls",
        html_table(["姓名", "身份证号", "务工地域"], [["张三", "（见系统）", "省外"]]), "F1", "an HTML page saved as .xls")
    put("social_security", f"临时救助名册{month_tag}.csv", b"", "F3", "empty CSV")
    put("education", f"学生资助工作情况说明{month_tag}.docx", docx_bytes("关于2018年秋季学期学生资助工作的情况说明"), "F4",
        "not xlsx/xls/csv")
    put("social_security", f"残疾人两项补贴名册{month_tag}.csv",
        bad_encoding_csv(["氏名", "身分証番号"], [["山田太郎", "611002199001010011"]]), "F7", "Shift-JIS CSV")
    health = taken["health"][-1]
    put("health", health.stem + "_副本" + health.suffix, health.read_bytes(), "F8",
        f"the same bytes as {health.name}")
    for office, name, rule, note in (
            ("screening", f"扶贫对象数据比对疑点名单（补充）{month_tag}.xlsx", "F3", "header, no data row"),
            ("unknown_bureau", f"统计局农村住户调查{month_tag}.xlsx", "F5", "folder is not a known sender"),
            ("", f"市扶贫办转发数据{month_tag}.xlsx", "F5", "file at the inbox root"),
            ("housing", f"农村危房改造台账（补报）{month_tag}.xlsx", "A4", "housing folder, industry template")):
        folder = inbox / office if office else inbox
        folder.mkdir(parents=True, exist_ok=True)
        sheets = _retitled(templates["industry"], name.rsplit(".", 1)[0]) if rule != "F3" else [
            (n, Laid(laid.rows[: laid.data[0][0] - 1], laid.merges)) for n, laid in templates["screening"][:1]]
        write_xlsx(folder / name, sheets)
        out.append((office, folder / name, Defect(rule, None, note)))
    return out


def _retitled(sheets: list[tuple[str, Laid]], title: str) -> list[tuple[str, Laid]]:
    """The same rows under another title line (so the bytes differ from the file they came from)."""
    out = []
    for name, laid in sheets:
        rows = [list(r) for r in laid.rows]
        if laid.merges:
            rows[laid.merges[0][0]] = [title]
        else:
            rows.insert(0, [title])
        out.append((name, Laid(rows, laid.merges or [(0, max(len(r) for r in rows) - 1)], laid.data)))
    return out
