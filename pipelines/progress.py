"""Progress of the long steps, for the CLI's progress bars.

The flow calls `report(step, done, total)` as it goes (reading files, normalizing them, validating,
publishing); whoever runs the flow in the same process may `listen` (the CLI draws rich progress
bars on a terminal). With no listener a report costs a function call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[str, int, int], None]
_listeners: list[Listener] = []


def report(step: str, done: int, total: int) -> None:
    for listener in _listeners:
        listener(step, done, total)


@contextmanager
def listen(listener: Listener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
