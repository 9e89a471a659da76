"""Synthetic resident ID numbers (GB 11643-1999) and the ways senders write them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from pipelines.cells import id_check_char
from pipelines.generate.model import County

_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def id_place(county: County, birth: date, rng: random.Random) -> str:
    """6110xx for people registered after 2001; mostly the old 6125xx for those born before ~1985."""
    old_share = 0.9 if birth.year < 1985 else 0.4 if birth.year < 2001 else 0.0
    if rng.random() >= old_share:
        return county.code
    if county.code == "611002":           # 商县 (612521) before 1988, 商州市 (612501) 1988-2001
        return "612521" if birth.year < 1970 or rng.random() < 0.3 else "612501"
    return county.old_codes[0]


class IdFactory:
    """Unique IDs; no two share place and birth date (that would look like Excel auto-fill)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.prefixes: set[int] = set()      # place and birth date taken: int(place) * 10**6 + date ordinal

    def make(self, place: str, birth: date, sex: str, latest: date | None = None) -> tuple[str, date]:
        """An ID for someone born about `birth` (moved by a few days if taken) and the date used."""
        first, last, code = birth.toordinal(), latest.toordinal() if latest else None, int(place) * 10**6
        for shared in (False, True):   # city scale has more people than places x birth dates: share then
            for attempt in range(40):
                day = first + (attempt + 1) // 2 * (1 if attempt % 2 else -1)
                if (code + day in self.prefixes and attempt < 39 and not shared) or (last and day > last):
                    continue
                born = date.fromordinal(day)
                prefix = place + born.strftime("%Y%m%d")
                for _ in range(50):
                    order = self.rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)
                    body = f"{prefix}{order:03d}"
                    full = body + id_check_char(body)
                    if full not in self.ids:
                        self.ids.add(full)
                        self.prefixes.add(code + day)
                        return full, born
        raise RuntimeError("could not make a unique ID number")

    def stranger(self, county: County, year: int, sex: str) -> str:
        """A valid ID of someone not in the registry (B1)."""
        birth = date(year, 1, 1) + timedelta(days=self.rng.randrange(365))
        return self.make(id_place(county, birth, self.rng), birth, sex)[0]


def to15(id18: str) -> str | None:
    """The 15-digit old form (no century, no check), for people born in the 1900s."""
    return id18[:6] + id18[8:17] if id18[6:8] == "19" else None


def excel_rounded(id18: str) -> float:
    """An 18-digit ID after Excel stored it as a number: 15 significant digits kept."""
    return float(f"{int(id18[:17] + ('0' if id18[17] == 'X' else id18[17])):.15g}")


def scientific(id18: str) -> str:
    """How Excel writes a numeric 18-digit ID into a CSV (General format): 6.11025E+17."""
    mantissa = f"{int(id18[:17]) / 10**16:.5f}".rstrip("0").rstrip(".")
    return f"{mantissa}E+17"


def full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


def bad_check(id18: str) -> str:
    """The same ID with a wrong check character."""
    right = id18[17]
    wrong = next(c for c in "0123456789X" if c != right and c != id_check_char(id18[:17]))
    return id18[:17] + wrong


def future_birth(id18: str, as_of: date) -> str:
    """A well-formed ID whose birth date lies after the as-of date."""
    born = as_of + timedelta(days=40)
    body = id18[:6] + born.strftime("%Y%m%d") + id18[14:17]
    return body + id_check_char(body)


def placeholder(rng: random.Random) -> str:
    return "999999" + "".join(rng.choice("0123456789") for _ in range(12))


def autofill(first: str, step: int) -> str:
    """Excel auto-fill of a text ID: the trailing number incremented by `step`."""
    return str(int(first) + step)


def check_ok(id18: str) -> bool:
    return len(id18) == 18 and id18[:17].isdigit() and id_check_char(id18[:17]) == id18[17]
