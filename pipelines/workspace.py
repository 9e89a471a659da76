"""The workspace: one folder holding inbox, outbox, quarantine, reference, warehouse and state."""

from __future__ import annotations

import fcntl
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipelines.errors import ConfigError, WorkspaceBusy
from pipelines.schema import read_yaml

DEFAULT_HOME = "onetable-home"
UNKNOWN_OFFICE = "_unknown"


class Limits(BaseModel):
    """F6 limits: a file over any of these is quarantined."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_file_bytes: int = 200 * 1024 * 1024
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_rows: int = 1_100_000
    max_columns: int = 256


class Schedules(BaseModel):
    """When `onetable serve` runs each deployment (cron times in `timezone`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: str = "Asia/Shanghai"
    inbox_poll_minutes: Annotated[int, Field(ge=1)] = 5   # inbox-poll: new stable files
    nightly_rebuild: str = "30 1 * * *"              # nightly-rebuild: every file, every check, republish
    monthly_publication: str = "0 9 11 * *"          # monthly-publication: last month, after the due day (10th)
    # how often the runner asks the local server for runs that are due: a run triggered by hand (the
    # UI's Run, the REST API) waits for this poll (Prefect's own default is 10 s); scheduled runs are
    # fetched ahead of their time and start when due either way
    runner_poll_seconds: Annotated[float, Field(gt=0, le=60)] = 1.0


MEMORY = Annotated[str, Field(pattern=r"^\d+(\.\d+)?\s*([KMGT]i?B|%)$")]
SIZE = Annotated[str, Field(pattern=r"^\d+(\.\d+)?\s*[KMGT]i?B$")]


class Warehouse(BaseModel):
    """The working database's engine limits. Unbounded, DuckDB keeps up to 80 % of the machine's
    memory for its buffers, next to the pandas frames GX validates; bounded, it evicts and spills
    into `<warehouse>/onetable.duckdb.tmp/`. 2 GB is too little for a province's publication
    (8.7 M rows: building the candidate tables runs out of memory), hence `memory_limit` 3 GB.
    `validate_memory_limit` holds while the validate stage runs: its SQL needs less, and GX's
    frames then live in the same process (a province's validate stage alone peaked at 5,589 MiB
    with 3 GB, DuckDB holding 2.8 GB, mostly cached pages of tables already read; 4,444 MiB with 2 GB).
    `normalize_memory_limit` holds while files are normalized, up to three of them ahead in the same
    process (a province run peaked there at 5,539 and 5,729 MiB with 3 GB; 5,356 MiB, in land, with
    2 GB). `normalize_rows_ahead` bounds the landed rows of the files normalized ahead (besides the
    one being committed; a larger file goes alone): a province's seven registry files of ≈ 440,000
    rows each came four ahead. `read_ahead_mb` bounds, the same way, the bytes of the files read
    ahead while one is landed: a province's registry files are 17-49 MB of xlsx each, many times
    that as cells in memory (land peaked at 5,429-5,639 MB). Land is left at `memory_limit`: its peak did not change, and a city's land took 57-59 s
    with 2 GB against 47-51 s without.
    `checkpoint_threshold`: the write-ahead log's size at which DuckDB checkpoints. Its default,
    16 MB, checkpointed dozens of times while a city's files were landed and normalized (a city
    run in one process: 165 s, 147 s with 4 GB); but the log's rows stay in memory until the
    checkpoint (a province run peaked at 5.2 GiB with 256 MB, 5.6 GiB with 1 GB). A killed run's
    log is replayed when the database opens."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    memory_limit: MEMORY = "3GB"
    validate_memory_limit: MEMORY = "2GB"
    normalize_memory_limit: MEMORY = "2GB"
    normalize_rows_ahead: Annotated[int, Field(ge=1)] = 1_000_000
    read_ahead_mb: Annotated[int, Field(ge=1)] = 100
    checkpoint_threshold: SIZE = "256MB"
    threads: Annotated[int, Field(ge=1)] | None = None   # default: one per core


class Settings(BaseModel):
    """Workspace settings (`<home>/onetable.yaml`), all optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    income_line: float = 2995.0
    limits: Limits = Limits()
    warehouse: Warehouse = Warehouse()
    schedules: Schedules = Schedules()


@dataclass(frozen=True)
class Workspace:
    home: Path

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def reference(self) -> Path:
        return self.home / "reference"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse"

    @property
    def state(self) -> Path:
        return self.home / "state"

    @property
    def working_db(self) -> Path:
        return self.warehouse / "onetable.duckdb"

    @property
    def published_db(self) -> Path:
        return self.warehouse / "published.duckdb"

    def settings(self) -> Settings:
        path = self.home / "onetable.yaml"
        if not path.exists():
            return Settings()
        try:
            return Settings.model_validate(read_yaml(path))
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"])
            raise ConfigError(path, key, err["msg"], _fields_at(err["loc"]), got=str(err["loc"][-1])) from None


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The settings known where a validation error points (`warehouse.memroy` -> Warehouse's fields)."""
    model: type[BaseModel] = Settings
    for key in loc[:-1]:
        annotation = model.model_fields[str(key)].annotation if str(key) in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return list(model.model_fields)


def resolve_home(home: Path | None) -> Path:
    return Path(home or os.environ.get("ONETABLE_HOME") or DEFAULT_HOME).resolve()


def open_workspace(home: Path | None, offices: list[str] | None = None) -> Workspace:
    ws = Workspace(resolve_home(home))
    for folder in (ws.inbox, ws.outbox, ws.quarantine, ws.reference, ws.warehouse, ws.state):
        folder.mkdir(parents=True, exist_ok=True)
    for office in offices or []:
        (ws.inbox / office).mkdir(exist_ok=True)
    return ws


@contextmanager
def writer_lock(ws: Workspace, wait: bool = False) -> Iterator[None]:
    """One writer at a time: an OS lock on state/run.lock (released if the process dies).

    The lock file names its holder while held and is emptied on release, so a holder that was
    killed leaves its name behind: the next writer then marks the workspace interrupted
    (`state/interrupted`), as does a writer that fails; `take_in` adopts what that run recorded.
    """
    path = ws.state / "run.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            fh.seek(0)
            raise WorkspaceBusy(ws.home, fh.read().strip() or "unknown process") from None
        fh.seek(0)
        if fh.read().strip():
            mark_interrupted(ws)
        fh.truncate(0)
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        except BaseException:
            mark_interrupted(ws)
            raise
        finally:
            fh.truncate(0)
            fcntl.flock(fh, fcntl.LOCK_UN)


def mark_interrupted(ws: Workspace) -> None:
    (ws.state / "interrupted").touch()


def interrupted(ws: Workspace) -> bool:
    """True when the previous writer was killed or failed before finishing (until cleared)."""
    return (ws.state / "interrupted").exists()


def clear_interrupted(ws: Workspace) -> None:
    (ws.state / "interrupted").unlink(missing_ok=True)


_CRASHES: dict[str, int] = {}


def crash_point(stage: str) -> None:
    """Test hook for the crash tests: with `ONETABLE_CRASH_AT=<stage>:<n>` set, the n-th time this
    process reaches `stage` it SIGKILLs itself (nothing runs after: no finally, no atexit)."""
    wanted = os.environ.get("ONETABLE_CRASH_AT")
    if not wanted or wanted.partition(":")[0] != stage:
        return
    _CRASHES[stage] = _CRASHES.get(stage, 0) + 1
    if _CRASHES[stage] >= int(wanted.partition(":")[2] or 1):
        os.kill(os.getpid(), signal.SIGKILL)
