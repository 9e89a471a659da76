"""Benchmark: one corrected file under the served inbox-poll deployment, against the full run.

    python bench/incremental.py --households 2000

Generates a world and runs it through `onetable run` (the full run, Prefect start-up included);
then starts `onetable serve` (a real Prefect server on 127.0.0.1), triggers the inbox-poll
deployment through the REST API once with nothing new (a no-op poll), re-drops the relocation
office's file with one cell corrected, and triggers two polls: the first sees the file, the
second (the file unchanged since) takes it in and republishes. Prints the full run, the no-op
poll, the incremental republish and their ratio; the Prefect overhead per served run (API wall
time minus the stages' own seconds, from the run-summary artifact); and the time from the drop
to the new version (two polls back to back; under the schedule add up to two poll intervals).
Then the file is corrected once more and its republishing poll is scheduled 5 s ahead, as the
deployment's schedule creates its runs: timed from when it is due (the runner has started its
process by then), which leaves out a manual trigger's wait for the runner's next poll.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import copy_world, machine  # noqa: E402

FLOW = "onetable-run"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=10)
    except httpx.TransportError:
        return None


def serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    log = open(home / "serve.log", "wb")  # noqa: SIM115 - the server outlives this function
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--home", str(home), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        found = [api_get(f"{api}/deployments/name/{FLOW}/{n}") for n in ("inbox-poll", "nightly-rebuild")]
        if all(r is not None and r.status_code == 200 for r in found):
            return proc
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"the server did not come up; see {home / 'serve.log'}")


def poll(api: str, ahead: float = 0.0) -> dict[str, Any]:
    """Trigger inbox-poll and wait: API wall seconds, flow run seconds, the stages' own seconds.
    With `ahead`, the run is scheduled that many seconds ahead, as the deployment's schedule does
    (the scheduler service creates the runs before they are due): the runner, which polls for runs
    due within its prefetch window (10 s), starts the run's process before its time and Prefect holds
    it until then. The wall time is then counted from the scheduled time (or from when the run
    began, if Prefect let it begin up to half a second early): the time to republish as the
    schedule sees it, without a manual trigger's wait for the runner's next poll (up to
    `schedules.runner_poll_seconds`, 1 s by default, as `onetable serve` runs it) and the process's
    start."""
    dep = httpx.get(f"{api}/deployments/name/{FLOW}/inbox-poll", timeout=10).json()
    body: dict[str, Any] = {}
    if ahead:
        due = datetime.now(UTC) + timedelta(seconds=ahead)
        body = {"state": {"type": "SCHEDULED", "state_details": {"scheduled_time": due.isoformat()}}}
    start = time.time()
    for _ in range(30):
        made = httpx.post(f"{api}/deployments/{dep['id']}/create_flow_run", json=body, timeout=10)
        if made.status_code != 503:
            break
        time.sleep(1)
    if ahead:   # the clock starts when the run is due
        start = due.timestamp()
    run = made.json()
    while True:
        got = api_get(f"{api}/flow_runs/{run['id']}")
        state = got.json() if got is not None and got.status_code == 200 else None
        if state and state["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            break
        time.sleep(0.1)   # the wall time's resolution (0.5 s before the tenth round: +0.25 s on average)
    seen = time.time()
    wall = seen - start
    arts = httpx.post(f"{api}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}},
                      timeout=10).json()
    summary = next((a["data"] for a in arts if a["key"] == "run-summary"), "")
    stages = re.search(r"stages total: ([\d.]+) s", summary)
    each = re.search(r"stage seconds: (.*)", summary)
    phases = served_phases(api, run["id"], made_at=start, seen=seen)
    if ahead and state["start_time"] is not None:
        # Prefect lets a run start when it is due within half a second (WaitForScheduledTime rounds
        # the wait to whole seconds): timed from when it began, when that was before it was due
        began = datetime.fromisoformat(state["start_time"].replace("Z", "+00:00"))
        wall += max(0.0, (due - began).total_seconds())
    return {"state": state["state"]["type"], "wall": wall, "flow": state["total_run_time"],
            "stages": float(stages.group(1)) if stages else 0.0, "each": each.group(1) if each else "", **phases}


def served_phases(api: str, run_id: str, made_at: float, seen: float) -> dict[str, float]:
    """Where a served run's time outside the flow went, from its states' timestamps (the server's
    clock, which is this machine's): `pickup` from the API call (or the scheduled time) to PENDING
    (the runner's next poll), `start` from PENDING to RUNNING (the fork and Prefect's engine),
    `after` from the final state to the bench seeing it."""
    states = httpx.get(f"{api}/flow_run_states/", params={"flow_run_id": run_id}, timeout=10).json()
    at = {s["type"]: datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")).timestamp() for s in states}
    if not {"PENDING", "RUNNING"} <= at.keys():
        return {}
    end = max(at[t] for t in at if t in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"))
    return {"pickup": at["PENDING"] - made_at, "start": at["RUNNING"] - at["PENDING"], "after": seen - end}


def phases(r: dict[str, Any]) -> str:
    """The overhead's parts: the runner's pick-up, the run's start, the flow run outside its stages."""
    if "pickup" not in r:
        return "no state timestamps"
    return (f"pick-up {r['pickup']:.2f} s, start {r['start']:.2f} s, flow run outside the stages "
            f"{r['flow'] - r['stages']:.2f} s, seen {r['after']:.2f} s later")


def redrop(home: Path, mark: str = "（更正）") -> Path:
    """The relocation file again, one amount corrected, under a new name (same month and scope)."""
    source = max((home / "inbox" / "relocation").glob("*.xlsx"), key=lambda p: p.stat().st_mtime_ns)   # the latest
    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[0]
    for row in range(sheet.max_row, 0, -1):
        cells = [c for c in sheet[row] if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
        if cells:
            cells[-1].value = cells[-1].value + 1
            break
    target = source.with_name(source.stem + mark + ".xlsx")
    book.save(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20180831)
    parser.add_argument("--world", type=Path, help="A world generated before (see bench/scale.py --world), "
                        "copied to a fresh workspace instead of generating one (e.g. the city).")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="onetable-incr-"))
    if args.world:
        args.households = copy_world(args.world, home)["households"]
    else:
        from pipelines.generate import generate_world

        generate_world(home, households=args.households, seed=args.seed)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--home", str(home), "--json"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    full, stages = time.perf_counter() - start, sum(json.loads(done.stdout)["timings"].values())
    port = free_port()
    proc = serve(home, port)
    api = f"http://127.0.0.1:{port}/api"
    try:
        noop = poll(api)
        dropped = time.perf_counter()
        redrop(home)
        seen, taken = poll(api), poll(api)
        latency = time.perf_counter() - dropped
        redrop(home, "（再更正）")   # the same once more, its republishing poll scheduled as the schedule does
        poll(api)
        scheduled = poll(api, ahead=5.0)
        time.sleep(1.0)   # the run's process exits 0.1-0.3 s after COMPLETED; a runner stopped before
        #                   that marks the finished run CANCELLED ("Runner is shutting down.")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print(f"machine: {machine()}; {args.households} households")
    print(f"full run (onetable run, Prefect start-up included): {full:.1f} s ({stages:.1f} s in the stages)")
    for name, r in (("no-op poll", noop), ("poll that sees the new file", seen), ("poll that republishes", taken)):
        print(f"{name:<28} {r['state']}: {r['wall']:5.1f} s wall via the API, flow run {r['flow']:5.1f} s, stages "
              f"{r['stages']:5.1f} s -> Prefect overhead {r['wall'] - r['stages']:4.1f} s ({phases(r)})")
    print(f"  the republishing poll's stages: {taken['each']}")
    print(f"incremental republish / full run: {taken['wall']:.1f} / {full:.1f} s = {100 * taken['wall'] / full:.1f} %")
    print(f"a corrected file again, its republishing poll scheduled 5 s ahead (as the schedule does), from its "
          f"scheduled time: {scheduled['state']} in {scheduled['wall']:.1f} s (flow run {scheduled['flow']:.1f} s, stages "
          f"{scheduled['stages']:.1f} s) = {100 * scheduled['wall'] / full:.1f} % of the full run ({phases(scheduled)})")
    print(f"  its stages: {scheduled['each']}")
    print(f"file dropped -> new version published (two polls back to back): {latency:.1f} s; under the schedule "
          f"add up to two poll intervals (default 5 min each)")


if __name__ == "__main__":
    main()
