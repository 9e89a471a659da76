"""flows.each: the order in which files are taken (fetched) and handed back, on Prefect's task runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from prefect import flow, task

import flows

# weights (rows per file), budget, ahead -> the order files are taken (fetched) and handed back
CASES: list[tuple[list[int] | None, int | None, int, str]] = [
    (None, None, 3, "take0 take1 take2 take3 done0 take4 done1 done2 done3 done4"),          # three ahead
    ([5, 5, 5, 1, 1], 10, 3, "take0 take1 done0 take2 done1 take3 take4 done2 done3 done4"),  # rows bound them
    ([20, 1], 10, 3, "take0 done0 take1 done1"),                                     # above the budget: alone
    ([1, 1, 1, 1, 1], 100, 1, "take0 take1 done0 take2 done1 take3 done2 take4 done3 done4"),  # `ahead` holds
]


@task
def _echo(n: int) -> int:
    return n


@flow
def _schedules() -> list[str]:
    orders = []
    for weights, budget, ahead, order in CASES:
        log: list[str] = []

        def taken(calls: int, log: list[str] = log) -> Iterator[tuple[int]]:
            for n in range(calls):
                log.append(f"take{n}")   # where the flow fetches a file's data
                yield (n,)

        for done in flows.each(_echo, taken(len(order.split()) // 2), ahead, weights, budget):
            log.append(f"done{done}")
        orders.append(" ".join(log))
    return orders


def test_files_are_taken_ahead_within_the_count_and_the_rows(tmp_path: Path) -> None:
    saved = dict(os.environ)
    from pipelines.orchestrate import configure_prefect

    configure_prefect(tmp_path / "prefect-state")
    try:
        assert _schedules() == [order for *_, order in CASES]
    finally:
        os.environ.clear()
        os.environ.update(saved)
