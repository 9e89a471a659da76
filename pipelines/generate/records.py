"""What a file holds before it is written: records (one per data row), sheets, files, defects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Cell = str | int | float | date | None   # what a writer puts in a cell (a date: a date cell)
Format = Literal["xlsx", "xls", "csv"]


@dataclass
class Defect:
    """A planted defect on a row (or a whole file / no row), one manifest line."""

    rule: str                        # base rules.md id: A1, B5, C2, D4, F1 ...
    field: str | None = None         # canonical column it concerns; None for a row/file-level defect
    note: str = ""
    household_id: str = ""
    person_id: str = ""


@dataclass(eq=False)
class Rec:
    """One data row: canonical values, the registry subject, cell overrides and planted defects.

    Compared by identity: two rows with the same values are still two rows (list.index/remove)."""

    values: dict[str, object]
    household_id: str = ""
    person_id: str = ""
    county: str = ""                 # true county code: which file the row goes to
    raw: dict[str, Cell] = field(default_factory=dict)   # cells written verbatim (defects)
    defects: list[Defect] = field(default_factory=list)
    glued: bool = False              # no blank row may be inserted before this row (A9 runs)

    def plant(self, rule: str, column: str | None, note: str, cell: Cell | None = None,
              *, keep: bool = False) -> Defect:
        """Record a defect on this row; `cell` (unless `keep`) is what the column will show."""
        if column is not None and not keep:
            self.raw[column] = cell
        defect = Defect(rule, column, note, self.household_id, self.person_id)
        self.defects.append(defect)
        return defect


@dataclass
class Style:
    """How one file writes its values (senders differ; so do files of one sender)."""

    dates: str = "iso"               # iso | slash | dot | cn | compact | datetime | serial
    yes: tuple[str, str] = ("是", "否")
    yes_words: bool = False          # 已完成/未完成, 已拆除/未拆除 where a column has such words
    codes_as_numbers: float = 0.0    # share of code cells written as their number
    separator: str = "、"
    id_quirks: float = 0.02          # share of ID cells with a harmless quirk (x, full width, NBSP...)
    lower_x: bool = False            # the sender's system writes the check character X as x
    text_quirks: float = 0.01        # share of text cells with stray spaces / NBSP
    money_text: float = 0.0          # share of money cells written as text "1,234.50"
    header_spaces: bool = False


@dataclass
class Sheet:
    name: str
    table: str                       # canonical table (schemas/sector.yaml)
    columns: list[tuple[str, str]]   # (canonical column, header as written)
    recs: list[Rec]
    titles: list[str] = field(default_factory=list)
    footers: list[list[Cell]] = field(default_factory=list)
    style: Style = field(default_factory=Style)
    blank_rows: float = 0.0          # chance of an empty row before a data row
    header_units: dict[str, str] = field(default_factory=dict)   # column -> unit written in header


@dataclass
class FileData:
    office: str                      # inbox folder
    name: str
    fmt: Format
    sheets: list[Sheet]
    encoding: str = "utf-8"
    delimiter: str = ","
    defects: list[Defect] = field(default_factory=list)   # file-level (F, A4)
