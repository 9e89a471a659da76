"""Values -> cells as one sender writes them, and a sheet laid out into rows (with Excel row numbers)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from pipelines.generate.ids import full_width
from pipelines.generate.layouts import CODE_ALTS, YES_WORDS
from pipelines.generate.records import Cell, Format, Rec, Sheet, Style
from pipelines.schema import load_schema

ID_COLUMNS = frozenset({"id_number", "head_id_number", "guardian_id_number"})
TEXT_QUIRK_COLUMNS = frozenset({"name", "head_name", "guardian_name", "village_name", "township_name"})
_EXCEL_EPOCH = date(1899, 12, 30)
DATE_STYLES = ("iso", "slash", "dot", "cn", "compact", "datetime", "serial")


def excel_serial(d: date) -> int:
    return (d - _EXCEL_EPOCH).days


def render_date(d: date, style: str, fmt: Format) -> Cell:
    if style == "datetime":
        return d if fmt != "csv" else d.isoformat()
    if style == "serial":
        return excel_serial(d) if fmt != "csv" else str(excel_serial(d))
    return {"iso": d.isoformat(), "slash": f"{d.year}/{d.month}/{d.day}", "dot": f"{d.year}.{d.month}.{d.day}",
            "cn": f"{d.year}年{d.month}月{d.day}日", "compact": d.strftime("%Y%m%d")}[style]


def render_id(value: str, style: Style, fmt: Format, rng: random.Random) -> Cell:
    if style.lower_x:
        value = value.lower()
    if rng.random() >= style.id_quirks:
        return value
    quirk = rng.choice(("lower", "full", "nbsp", "space", "apostrophe") if fmt == "csv" else
                       ("lower", "full", "nbsp", "space"))
    if quirk == "lower":
        return value.lower()
    if quirk == "full":
        return full_width(value)
    if quirk == "apostrophe":
        return "'" + value
    return value + ("\u00a0" if quirk == "nbsp" else " ")


def _money(value: float, style: Style, unit_factor: float, fmt: Format, rng: random.Random) -> Cell:
    amount = value / unit_factor
    number: int | float = int(amount) if float(amount).is_integer() else round(amount, 4)
    if rng.random() < style.money_text:
        return f"{amount:,.2f}"
    return str(number) if fmt == "csv" else number


def _code(column: str, value: str, style: Style, fmt: Format, rng: random.Random) -> Cell:
    alts = CODE_ALTS.get(column, {}).get(value)
    if not alts or rng.random() >= style.codes_as_numbers:
        return value
    alt = rng.choice(alts)
    return str(alt) if fmt == "csv" and isinstance(alt, int) else alt


def render(column: str, value: object, sheet: Sheet, fmt: Format, rng: random.Random) -> Cell:
    """One canonical value as this sheet writes it."""
    style = sheet.style
    if value is None:
        return None
    kind = load_schema().columns[column].type
    if isinstance(value, bool):
        pair = YES_WORDS.get(column, style.yes) if style.yes_words else style.yes
        return pair[0 if value else 1]
    if isinstance(value, date):
        mixed = rng.random() < 0.08
        return render_date(value, rng.choice(DATE_STYLES) if mixed else style.dates, fmt)
    if isinstance(value, list):
        return style.separator.join(str(_code(column, v, style, "csv", rng)) for v in value)
    if column in ID_COLUMNS:
        return render_id(str(value), style, fmt, rng)
    if kind == "double" and isinstance(value, (int, float)):
        factor = 10000.0 if sheet.header_units.get(column) == "万元" else 1.0
        return _money(float(value), style, factor, fmt, rng)
    if isinstance(value, int):
        return str(value) if fmt == "csv" else value
    text = str(value)
    if load_schema().columns[column].values:
        return _code(column, text, style, fmt, rng)
    if column in TEXT_QUIRK_COLUMNS and rng.random() < style.text_quirks:
        return rng.choice((" " + text, text + " ", text + "\u00a0", "\u3000" + text))
    return text


@dataclass
class Laid:
    """A sheet as rows of cells; `data` maps each record to its Excel row number."""

    rows: list[list[Cell]]
    merges: list[tuple[int, int]] = field(default_factory=list)   # (0-based row, last column)
    data: list[tuple[int, Rec]] = field(default_factory=list)


def lay_out(sheet: Sheet, fmt: Format, rng: random.Random) -> Laid:
    n = len(sheet.columns)
    laid = Laid([])
    for title in sheet.titles:
        laid.merges.append((len(laid.rows), n - 1))
        laid.rows.append([title])
    header = [h + (" " if sheet.style.header_spaces and rng.random() < 0.2 else "") for _, h in sheet.columns]
    laid.rows.append(list(header))
    for rec in sheet.recs:
        if not rec.glued and laid.data and rng.random() < sheet.blank_rows:
            laid.rows.append([])
        row = [rec.raw[c] if c in rec.raw else render(c, rec.values.get(c), sheet, fmt, rng)
               for c, _ in sheet.columns]
        if fmt == "csv":
            row = [v if v is None or isinstance(v, str) else _csv_text(v) for v in row]
        laid.rows.append(row)
        laid.data.append((len(laid.rows), rec))
    if sheet.footers:
        laid.rows.append([])
        laid.rows.extend([list(f) for f in sheet.footers])
    return laid


def _csv_text(value: Cell) -> str:
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value.isoformat() if isinstance(value, date) else value)
