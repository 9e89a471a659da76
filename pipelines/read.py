"""Read: open a file as what its name says and turn every sheet into raw cells.

Every cell is kept as text plus its Excel kind (s string, n number, d date, b boolean, e error,
- empty), so a numeric ID cell is known to be damaged (A2). Files that cannot be read are
reported with their F rule (F1 corrupt, F2 encrypted, F3 empty, F6 too large, F7 encoding).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine as calamine

from pipelines.workspace import Limits

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
Cell = tuple[str | None, str]


class RawSheet:
    """One sheet as read. Built either from cells (`rows`) or from the reader's values (`values`:
    calamine's Python values, CSV text), which become cells lazily: `head` converts the top rows for
    header detection and `columns` converts the data rows a column at a time, without a Python call
    per cell (a city registry has 12 M cells)."""

    def __init__(self, name: str, rows: list[list[Cell]] | None = None, *,
                 values: Sequence[Sequence[object]] | None = None) -> None:
        self.name = name
        self._rows = [] if rows is None and values is None else rows   # None: converted lazily from values
        self._values = values

    @property
    def rows(self) -> list[list[Cell]]:
        if self._rows is None:
            self._rows = [[to_cell(v) for v in row] for row in self._values or []]
        return self._rows

    def __len__(self) -> int:
        return len(self._rows) if self._rows is not None else len(self._values or [])

    def head(self, n: int) -> list[list[Cell]]:
        if self._rows is not None:
            return self._rows[:n]
        return [[to_cell(v) for v in row] for row in (self._values or [])[:n]]

    def columns(self, start: int) -> tuple[list[pa.Array], np.ndarray]:
        """Rows `start`.. as columns, every row padded to the sheet's width: one string array per
        column (null: an empty cell) and the kind characters as a (columns x rows) uint8 matrix."""
        if self._rows is not None:
            rows = self._rows[start:]
            width = max(map(len, rows), default=0)
            padded = [row + [(None, "-")] * (width - len(row)) for row in rows]
            converted = [_cells_column([row[c] for row in padded]) for c in range(width)]
        else:
            values = (self._values or [])[start:]
            width = max(map(len, values), default=0)
            if any(len(row) != width for row in values):
                values = [[*row, *[""] * (width - len(row))] for row in values]
            converted = [column_cells(column) for column in zip(*values, strict=True)]
        height = len(self) - start
        kinds = np.vstack([k for _, k in converted]) if converted else np.zeros((0, height), np.uint8)
        return [t for t, _ in converted], kinds


def column_cells(column: tuple[object, ...]) -> tuple[pa.Array, np.ndarray]:
    """One column's values as texts and kind characters; a text-only column without a Python call
    per cell (calamine gives "" for an empty cell)."""
    if set(map(type, column)) <= {str}:
        texts = pa.array(column, pa.string())
        filled = pc.not_equal(texts, "")
        kinds = np.where(filled.to_numpy(zero_copy_only=False), ord("s"), ord("-")).astype(np.uint8)
        return pc.if_else(filled, texts, pa.scalar(None, pa.string())), kinds
    return _cells_column(list(map(to_cell, column)))


def _cells_column(cells: list[Cell]) -> tuple[pa.Array, np.ndarray]:
    kinds = np.frombuffer("".join(k for _, k in cells).encode("ascii"), dtype=np.uint8)
    return pa.array([t for t, _ in cells], pa.string()), kinds


class Unreadable(Exception):
    """The file cannot be used at all; `rule` is its F id, `reason` the sender's message."""

    def __init__(self, rule: str, reason: str) -> None:
        self.rule, self.reason = rule, reason
        super().__init__(f"{rule}: {reason}")


def to_cell(value: object) -> Cell:
    kind = type(value)
    if kind is str:   # the common cases first: text, then numbers
        return (value, "s") if value else (None, "-")   # type: ignore[return-value]
    if kind is float:
        return (str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)), "n"  # type: ignore[attr-defined, call-overload, arg-type]
    if value is None or value == "":
        return None, "-"
    if isinstance(value, bool):
        return ("true" if value else "false"), "b"
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)), "n"
    if isinstance(value, int):
        return str(value), "n"
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")), "d"
    if isinstance(value, dt.date):
        return value.isoformat(), "d"
    return str(value), "s"


def _check_container(path: Path, head: bytes, limits: Limits) -> None:
    suffix = path.suffix.lower()
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        raise Unreadable("F1", "文件实际是网页（HTML），只是扩展名为 Excel；请在 Excel 中打开后另存为 xlsx")
    if suffix == ".xlsx" and head.startswith(OLE2):
        if is_encrypted_ooxml(path):
            raise Unreadable("F2", "工作簿已加密或设置了打开密码；请取消密码后重新报送")
        return   # an .xls workbook under an .xlsx name: read it as what it is
    if suffix == ".xlsx":
        try:
            with zipfile.ZipFile(path) as zf:
                total = sum(i.file_size for i in zf.infolist())
        except zipfile.BadZipFile:
            raise Unreadable("F1", "文件已损坏或不完整，无法作为 xlsx 打开；请重新导出后报送") from None
        if total > limits.max_uncompressed_bytes:
            raise Unreadable("F6", f"解压后大小 {total} 字节超过上限 {limits.max_uncompressed_bytes} 字节")
    if suffix == ".xls" and not head.startswith(OLE2):
        raise Unreadable("F1", "文件不是真正的 xls 工作簿（可能是文本或 CSV 改了扩展名）；请另存为 xlsx")


def is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted xlsx is an OLE2 container holding `EncryptionInfo` and `EncryptedPackage` streams
    (their directory names are UTF-16LE)."""
    data = path.read_bytes()
    return "EncryptedPackage".encode("utf-16-le") in data and "EncryptionInfo".encode("utf-16-le") in data


def read_workbook(path: Path, limits: Limits) -> list[RawSheet]:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise Unreadable("F3", "文件是空的（0 字节）")
    if path.stat().st_size > limits.max_file_bytes:
        raise Unreadable("F6", f"文件大小 {path.stat().st_size} 字节超过上限 {limits.max_file_bytes} 字节")
    _check_container(path, head, limits)
    try:
        if head.startswith(OLE2):   # by content: an .xls saved under another Excel name still opens
            with open(path, "rb") as fh:
                book = calamine.CalamineWorkbook.from_filelike(fh)
        else:
            book = calamine.CalamineWorkbook.from_path(str(path))
        sheets = [_read_sheet(book, name, limits) for name in book.sheet_names]
    except calamine.PasswordError:
        raise Unreadable("F2", "工作簿已加密或设置了打开密码；请取消密码后重新报送") from None
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError) as exc:
        raise Unreadable("F1", f"文件已损坏或不完整，无法打开（{type(exc).__name__}）；请重新导出后报送") from None
    return sheets


def _read_sheet(book: calamine.CalamineWorkbook, name: str, limits: Limits) -> RawSheet:
    sheet = book.get_sheet_by_name(name)
    height, width = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)   # end: last cell, 0-based
    if height > limits.max_rows or width > limits.max_columns:
        raise Unreadable("F6", f"工作表 `{name}` 有 {height} 行、{width} 列，超过上限"
                               f"（{limits.max_rows} 行、{limits.max_columns} 列）")
    return RawSheet(name, values=sheet.to_python(skip_empty_area=False))


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding) for utf-8, utf-8-sig, GB18030 or UTF-16 with a BOM; F7 otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise Unreadable("F7", "CSV 文件编码无法识别（支持 UTF-8、GB18030、带 BOM 的 UTF-16）；请另存为 UTF-8 的 CSV")


def sniff_delimiter(text: str, lines: int = 10) -> str:
    """Tab or comma, counted over the first non-empty lines (a title line may hold neither)."""
    head = [line for line in text.splitlines()[: lines * 3] if line.strip()][:lines]
    return "\t" if sum(line.count("\t") for line in head) > sum(line.count(",") for line in head) else ","


def read_csv(path: Path, limits: Limits) -> list[RawSheet]:
    data = path.read_bytes()
    if not data.strip():
        raise Unreadable("F3", "文件是空的，没有表头也没有数据")
    if len(data) > limits.max_file_bytes:
        raise Unreadable("F6", f"文件大小 {len(data)} 字节超过上限 {limits.max_file_bytes} 字节")
    text, _ = decode_csv(data)
    delimiter = sniff_delimiter(text)
    values: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for record in reader:
        while len(values) < reader.line_num - 1:   # keep Excel-like line numbers
            values.append([])
        values.append([v if v.strip() else "" for v in record])   # a blank field is an empty cell
        if len(record) > limits.max_columns or reader.line_num > limits.max_rows:
            raise Unreadable("F6", f"CSV 超过上限（{limits.max_rows} 行、{limits.max_columns} 列）")
    return [RawSheet(path.name, values=values)]


def read_file(path: Path, limits: Limits) -> list[RawSheet]:
    """Every sheet of an xlsx/xls/csv file as raw cells (row i of `rows` is Excel row i+1)."""
    if path.suffix.lower() == ".csv":
        return read_csv(path, limits)
    return read_workbook(path, limits)
