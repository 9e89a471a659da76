"""generate_history: several months of the same world, with a simulated clock.

Every month is the same population seen at that month (same seed), written by `generate_world`.
Each file's modification time is when its sender "submitted" it: a few days before the due day
(day D of the following month) for senders on time, days after it for the late ones, and the
missing sender's files for the last month are not written at all. `generated/submissions.csv`
records the truth (office, month, submitted_at, verdict) so tests can check the status view.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from pipelines.errors import UsageError
from pipelines.generate.model import Period
from pipelines.generate.world import CST, generate_world, write_table_csv
from pipelines.generate.writers import set_mtime
from pipelines.specs import load_specs

DUE_DAY = 10
SUBMISSION_COLUMNS = ["office", "month", "submitted_at", "verdict"]


def month_range(text: str) -> list[str]:
    """`2018-06..2018-08` -> the months from the first to the last; a single month stands alone."""
    first, _, last = text.partition("..")
    try:
        start, end = Period.parse(first), Period.parse(last or first)
    except ValueError:
        raise UsageError(f"`{text}` is not a month range: write it as YYYY-MM..YYYY-MM, e.g. `2018-06..2018-08`") from None
    months, p = [], start
    while (p.year, p.month) <= (end.year, end.month):
        months.append(f"{p.year}-{p.month:02d}")
        p = Period(*p.next_month)
    if not months or len(months) > 36:
        raise UsageError(f"`{text}` must name 1 to 36 months, first to last")
    return months


def submitted_at(office: str, month: str, late: bool, due_day: int = DUE_DAY) -> datetime:
    """On time: 2–7 days before the due day; late: 3–8 days after it (10:00 Beijing time)."""
    year, mon = Period.parse(month).next_month
    spread = sum(map(ord, office)) % 6
    day = due_day + 3 + spread if late else max(1, due_day - 2 - spread)
    return datetime(year, mon, day, 10, 0, tzinfo=CST)


def _move_month(source: Path, home: Path, month: str, late: set[str], missing: str | None) -> list[list[str]]:
    """Move one generated month's inbox into `home`; returns its senders' submission records."""
    senders, records = set(load_specs()), []
    for folder in sorted(p for p in (source / "inbox").iterdir()):
        office = folder.name if folder.is_dir() else "_root"
        if office == missing:
            records.append([office, month, "", "missing"])
            continue
        when = submitted_at(office, month, office in late)
        files = sorted(folder.iterdir()) if folder.is_dir() else [folder]
        for path in files:
            target = home / "inbox" / (office if folder.is_dir() else "") / path.name
            if target.exists():
                target = target.with_name(f"{month}_{path.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), str(target))
            if not target.is_symlink():
                set_mtime(target, when)
        if office in senders:
            records.append([office, month, when.isoformat(), "late" if office in late else "on_time"])
    return records


def generate_history(home: Path, households: int = 2000, seed: int = 20180831, months: str = "2018-06..2018-08",
                     *, late: tuple[str, ...] = ("housing", "education"), missing: str | None = "screening",
                     defect_rate: float = 0.015) -> dict:
    """Write `months` of one world into `home`: late senders are late in every month after the
    first, and `missing` sends nothing for the last month."""
    home = Path(home)
    if (home / "inbox").exists() and any((home / "inbox").iterdir()):
        raise UsageError(f"`{home / 'inbox'}` is not empty: generate a history into a fresh workspace")
    wanted = month_range(months)
    records: list[list[str]] = []
    for i, month in enumerate(wanted):
        with tempfile.TemporaryDirectory(prefix="onetable-month-") as tmp:
            generate_world(Path(tmp), households=households, seed=seed, month=month, defect_rate=defect_rate)
            records += _move_month(Path(tmp), home, month, set(late) if i else set(),
                                   missing if month == wanted[-1] else None)
            for name in ("reference", "generated"):
                for path in (Path(tmp) / name).iterdir():
                    target = home / name / (path.name if name == "reference" else f"{month}_{path.name}")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
    write_table_csv(home / "generated" / "submissions.csv", SUBMISSION_COLUMNS, records)
    return {"home": str(home), "months": wanted, "households": households,
            "submissions": len(records), "late": sorted(late), "missing": missing}
