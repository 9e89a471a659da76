"""Laid-out sheets -> bytes on disk: xlsx (XlsxWriter), xls (xlwt), csv (utf-8 / GB18030 / UTF-16)."""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt

from pipelines.generate.records import Cell
from pipelines.generate.render import Laid

NamedSheet = tuple[str, Laid]
XLSX_ROWS = 1_048_576            # an .xlsx sheet holds 1,048,576 rows


def write_xlsx(path: Path, sheets: list[NamedSheet], created: datetime, merge_titles: bool = True) -> None:
    if any(len(laid.rows) > XLSX_ROWS for _, laid in sheets):
        raise ValueError(f"{path.name}: an .xlsx sheet holds at most {XLSX_ROWS:,} rows")
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": created, "author": "", "company": ""})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    title_format = book.add_format({"bold": True, "align": "center"})
    for name, laid in sheets:
        ws = book.add_worksheet(name)
        merges = dict(laid.merges) if merge_titles else {}
        for r, row in enumerate(laid.rows):
            if r in merges and merges[r] > 0:
                ws.merge_range(r, 0, r, merges[r], str(row[0]), title_format)
                continue
            for c, value in enumerate(row):
                _xlsx_cell(ws, r, c, value, date_format)
    book.close()


def _xlsx_cell(ws: xlsxwriter.worksheet.Worksheet, r: int, c: int, value: Cell,
               date_format: xlsxwriter.format.Format) -> None:
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(r, c, value)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_format)
    else:
        ws.write_number(r, c, value)


def write_xls(path: Path, sheets: list[NamedSheet]) -> None:
    if any(len(laid.rows) > 65536 for _, laid in sheets):
        raise ValueError(f"{path.name}: an .xls sheet holds at most 65,536 rows")
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, laid in sheets:
        ws = book.add_sheet(name)
        merges = dict(laid.merges)
        for r, row in enumerate(laid.rows):
            if r in merges and merges[r] > 0:
                ws.write_merge(r, r, 0, merges[r], str(row[0]))
                continue
            for c, value in enumerate(row):
                if isinstance(value, date):
                    ws.write(r, c, datetime(value.year, value.month, value.day), date_style)
                elif value is not None:
                    ws.write(r, c, value)
    book.save(str(path))


def csv_bytes(laid: Laid, encoding: str, delimiter: str = ",") -> bytes:
    """Excel-style CSV: every row padded to the header's width, CRLF line ends."""
    width = max(len(row) for row in laid.rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in laid.rows:
        cells = ["" if v is None else str(v) for v in row]
        writer.writerow(cells + [""] * (width - len(cells)))
    text = out.getvalue()
    if encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


def set_mtime(path: Path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
