"""The synthetic world's people and places (plain dataclasses, no I/O)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class County:
    code: str
    name: str
    short: str
    old_codes: tuple[str, ...]   # pre-2001 place codes (商洛地区 6125xx) seen in older ID numbers


@dataclass(frozen=True)
class Township:
    code: str                    # 9 digits: county + 3
    name: str
    county: County


@dataclass(frozen=True)
class Village:
    code: str                    # 12 digits: township + 3 (村委会 200-399)
    name: str
    township: Township

    @property
    def county(self) -> County:
        return self.township.county


@dataclass
class Person:
    pid: str                     # 人编号: 户编号 + 3 digits (19 digits)
    hid: str
    name: str
    id_number: str
    sex: str
    relation: str
    birth: date
    age: int
    ethnicity: str = "汉族"
    education: str = "小学"
    school: str = "非在校生"
    health: list[str] = field(default_factory=lambda: ["健康"])
    labour: str = "普通劳动力"
    work_status: str = ""
    work_months: int | None = None
    basic_medical: bool = True
    serious_insurance: bool = True

    @property
    def ill(self) -> bool:
        return "长期慢性病" in self.health or "患有大病" in self.health

    @property
    def disabled(self) -> bool:
        return "残疾" in self.health

    @property
    def student(self) -> bool:
        return self.school != "非在校生"

    @property
    def can_work(self) -> bool:
        return 16 <= self.age <= 60 and not self.student and self.labour in ("普通劳动力", "技能劳动力")


@dataclass
class Household:
    hid: str                     # 户编号: village code + 4 digits (16 digits)
    village: Village
    group: str
    members: list[Person]
    attribute: str = "一般贫困户"
    standard: str = "国家标准"
    cause: str = "缺资金"
    status: str = "未脱贫"
    planned_exit: int = 2019
    exit_year: int | None = None
    first_identified: date = date(2014, 6, 1)
    relocation: bool = False
    income_pc: float = 0.0
    dangerous_house: bool = False
    water_safe: bool = True
    power: bool = True
    phone: str = ""
    size: int = 0                # 家庭人口数 as registered (= member rows unless C2 is planted)

    @property
    def head(self) -> Person:
        return self.members[0]

    @property
    def exited(self) -> bool:
        return self.status == "已脱贫"


@dataclass(frozen=True)
class Period:
    """The reporting month and the dates derived from it."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        year, month = text.split("-")
        return cls(int(year), int(month))

    @property
    def as_of(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def cn(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def compact(self) -> str:
        return f"{self.year}{self.month:02d}"

    @property
    def dotted(self) -> str:
        return f"{self.year}.{self.month}"

    @property
    def next_month(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def age_at(birth: date, when: date) -> int:
    """Completed years at `when`."""
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def safe_date(year: int, month: int, day: int) -> date:
    """A date, the day clamped to the month's length (29 Feb in a common year -> 28 Feb)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
