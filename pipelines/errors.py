"""The project's errors: fields stored on the exception, values in backticks, choices listed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The closest known spelling of `value`, for "did you mean" hints."""
    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return found[0] if found else None


class OnetableError(Exception):
    """Base: a problem the user can act on. `next_command` is what to run next, if any."""

    exit_code = 3

    def __init__(self, message: str, *, next_command: str | None = None) -> None:
        self.next_command = next_command
        super().__init__(message + (f"\n  next: `{next_command}`" if next_command else ""))


class ConfigError(OnetableError):
    """A source spec, schema or rule declaration is wrong."""

    exit_code = 2

    def __init__(self, file: Path | str, key_path: str, problem: str,
                 choices: Iterable[str] = (), got: str | None = None) -> None:
        self.file, self.key_path, self.problem = str(file), key_path, problem
        self.choices = sorted(set(choices))
        hint = closest(got, self.choices) if got is not None else None
        text = f"{self.file}: `{key_path}`: {problem}"
        if hint:
            text += f"; did you mean `{hint}`?"
        elif self.choices and len(self.choices) <= 30:
            text += "; known: " + ", ".join(f"`{c}`" for c in self.choices)
        super().__init__(text)


class UsageError(OnetableError):
    """The command was called wrongly (bad month, missing workspace...)."""

    exit_code = 2


class WorkspaceBusy(OnetableError):
    """Another run holds the workspace's writer lock."""

    exit_code = 3

    def __init__(self, home: Path, holder: str) -> None:
        self.home, self.holder = home, holder
        super().__init__(f"workspace `{home}` is being written by another run ({holder}); "
                         "wait for it to finish", next_command=f"onetable status --home {home}")


class PublishBlocked(OnetableError):
    """Blocking rules (rules.md section E) failed: nothing new was published."""

    exit_code = 1

    def __init__(self, rules: list[str], home: Path) -> None:
        self.rules = rules
        super().__init__(
            "publication blocked by " + ", ".join(f"`{r}`" for r in rules)
            + "; the previous version stays published",
            next_command=f"duckdb {home}/warehouse/onetable.duckdb \"select * from finding where severity = 'blocking'\"")
