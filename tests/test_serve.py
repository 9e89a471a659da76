"""`onetable serve`: a real local Prefect server, the three scheduled deployments, and the inbox-poll
deployment triggered through Prefect's REST API, processing a new file end to end."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import httpx
import pytest

from pipelines.generate import generate_world
from pipelines.serve import DEPLOYMENTS, FLOW_NAME, stop_server

ROOT = Path(__file__).resolve().parent.parent
KEEP = ("registry", "health", "housing")
DONE = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (found := check()) is not None:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def deployment(api: str, name: str) -> dict | None:
    try:
        answer = httpx.get(f"{api}/deployments/name/{FLOW_NAME}/{name}", timeout=10)
    except httpx.TransportError:      # the server is not up yet
        return None
    return answer.json() if answer.status_code == 200 else None


def trigger(api: str, name: str, timeout: float = 300) -> dict:
    """Create a flow run of the deployment through the API and wait for its final state."""
    dep = deployment(api, name)
    assert dep is not None
    for _ in range(20):   # 503: the server asks to retry (its SQLite is busy), as Prefect's own client does
        answer = httpx.post(f"{api}/deployments/{dep['id']}/create_flow_run", json={}, timeout=10)
        if answer.status_code != 503:
            break
        time.sleep(1)
    assert answer.status_code == 201, answer.text
    run = answer.json()

    def final() -> dict | None:
        answer = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10)
        if answer.status_code == 503:
            return None
        state = answer.json()
        return state if state["state"]["type"] in DONE else None
    return wait_for(final, timeout, f"flow run of {name}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("serve") / "home"
    generate_world(home, households=40, seed=11, month="2018-08")
    spare = tmp_path_factory.mktemp("spare")
    for folder in (home / "inbox").iterdir():
        if folder.is_file():
            folder.unlink()
        elif folder.name == "housing":          # dropped later, while the server runs
            shutil.move(folder, spare / "housing")
        elif folder.name not in KEEP:
            shutil.rmtree(folder)
    (home / "onetable.yaml").write_text("schedules:\n  inbox_poll_minutes: 60\n", encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    api = f"http://127.0.0.1:{port}/api"
    with open(home.parent / "serve.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--home", str(home), "--port",
                                 str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)   # its own group, as in a terminal (see the last test)
        try:
            wait_for(lambda: (all(deployment(api, n) for n in DEPLOYMENTS) or None) if proc.poll() is None
                     else "exited", 240, "the deployments")
            assert proc.poll() is None, (home.parent / "serve.log").read_text()
            yield {"home": home, "api": api, "spare": spare, "log": home.parent / "serve.log", "proc": proc,
                   "port": port}
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=120)
    wait_for(lambda: True if port_closed(port) else None, 30, "the Prefect server to stop with `onetable serve`")


def test_the_three_deployments_are_served_with_their_schedules(served):
    found = {name: deployment(served["api"], name) for name in DEPLOYMENTS}
    assert all(found.values())
    poll = found["inbox-poll"]
    assert poll["parameters"] == {"home": str(served["home"]), "stable_only": True}
    assert poll["schedules"][0]["schedule"]["interval"] == 3600      # from onetable.yaml
    assert found["nightly-rebuild"]["schedules"][0]["schedule"]["cron"] == "30 1 * * *"
    assert found["nightly-rebuild"]["parameters"] == {"home": str(served["home"]), "recompute": True}
    assert found["monthly-publication"]["parameters"]["month"] == "previous"
    assert all(d["global_concurrency_limit"]["limit"] == 1 for d in found.values())   # one writer at a time


def test_the_server_logs_no_error(served):
    """With analytics off no outside host is looked up (which Prefect logs as an error)."""
    log = served["log"].read_text(errors="replace")
    assert "Prefect UI http://127.0.0.1:" in log
    assert "ERROR" not in log and "Traceback" not in log


@pytest.fixture(scope="module")
def polls(served):
    """Three polls through the API: the first sees registry and health; then housing is dropped; the
    second takes registry and health (unchanged since the first) and sees housing; the third takes it."""
    home, api = served["home"], served["api"]
    first = trigger(api, "inbox-poll")
    published_after_first = (home / "warehouse" / "published.duckdb").exists()
    dropped = time.monotonic()
    shutil.copytree(served["spare"] / "housing", home / "inbox" / "housing", dirs_exist_ok=True)
    second = trigger(api, "inbox-poll")
    households = query(home / "warehouse" / "published.duckdb", "SELECT count(*) FROM household")[0][0]
    third = trigger(api, "inbox-poll")
    return {"runs": [first, second, third], "published_after_first": published_after_first,
            "households_after_second": households, "latency": time.monotonic() - dropped}


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_poll_takes_only_stable_files_and_publishes(served, polls):
    assert [r["state"]["type"] for r in polls["runs"]] == ["COMPLETED"] * 3
    assert polls["published_after_first"] is False          # seen once: not yet stable
    assert polls["households_after_second"] == 40


def test_every_run_carries_its_artifacts(served, polls):
    api, second = served["api"], polls["runs"][1]
    arts = httpx.post(f"{api}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [second["id"]]}}},
                      timeout=10).json()
    keys = {a["key"] for a in arts}
    assert {"run-summary", "sender-registry", "sender-health"} <= keys
    summary = next(a["data"] for a in arts if a["key"] == "run-summary")
    assert "**published**" in summary and "户数" in summary and "outbox" in summary and "stage seconds" in summary
    # forked from the forkserver of `onetable serve`, which imported GX once (pipelines.serve.start_warm_runs)
    assert "process: forked from the warm forkserver of `onetable serve`; Great Expectations already imported" in summary
    frozen = re.search(r"; ([\d,]+) objects of its imports frozen", summary)   # pipelines.preloaded
    assert frozen and int(frozen.group(1).replace(",", "")) > 100_000, summary
    registry = next(a["data"] for a in arts if a["key"] == "sender-registry")
    registry = json.loads(registry) if isinstance(registry, str) else registry   # the API stores tables as JSON text
    assert registry[0]["files_in_force"] == 1 and registry[0]["rows_read"] > 40


def test_a_new_file_is_processed_by_the_poll_deployment(served, polls):
    home = served["home"]
    housing = query(home / "warehouse" / "onetable.duckdb", "SELECT status FROM ledger WHERE office = 'housing'")
    assert ("accepted",) in housing   # the generator also plants a quarantined housing file (A4)
    assert all(s in ("accepted", "partly_accepted", "quarantined") for (s,) in housing)
    used = query(home / "warehouse" / "published.duckdb",
                 "SELECT count(*) FROM household WHERE housing_source = 'housing'")[0][0]
    assert used > 0
    times = [round(r["total_run_time"], 1) for r in polls["runs"]]
    print(f"\nnew file to published under inbox-poll (two polls triggered back to back): {polls['latency']:.1f} s; "
          f"flow run times {times} s")


def _picked_up_after(api: str, run: dict) -> float:
    """Seconds from a triggered run's creation (SCHEDULED, due now) to the runner taking it (PENDING)."""
    states = httpx.get(f"{api}/flow_run_states/", params={"flow_run_id": run["id"]}, timeout=10).json()
    first = {}
    for s in sorted(states, key=lambda s: s["timestamp"]):
        first.setdefault(s["type"], datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")))
    return (first["PENDING"] - first["SCHEDULED"]).total_seconds()


def test_a_run_triggered_by_hand_starts_within_the_runner_poll(served, polls):
    """`schedules.runner_poll_seconds` (1 s by default; Prefect's own default is 10 s, which a run
    triggered from the UI would wait for, 5 s on average): five triggered runs, every one picked up
    in under 4 s (with a 10 s poll all five would be by chance 1 % of the time)."""
    api = served["api"]
    runs = [*polls["runs"], trigger(api, "inbox-poll"), trigger(api, "inbox-poll")]
    delays = [round(_picked_up_after(api, r), 2) for r in runs]
    assert len(delays) == 5 and max(delays) < 4.0, delays


def test_ctrl_c_stops_the_runner_then_the_server_cleanly(served):
    """Ctrl-C in a terminal signals the whole foreground process group. The Prefect server has a group
    of its own, so only `onetable serve` gets it: it stops the runner (pausing the schedules while
    the server still answers), then the server. When the server got the signal too, serve took 69 s
    to give up on it and exited 1 with a ConnectError traceback. Runs last in this module."""
    proc, log = served["proc"], served["log"]
    before = log.read_text(errors="replace")
    began = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    took = time.monotonic() - began
    wait_for(lambda: True if port_closed(served["port"]) else None, 30, "the Prefect server to stop")
    after = log.read_text(errors="replace")[len(before):]
    assert took < 20, f"serve took {took:.1f} s to stop"
    assert "Ctrl-C: stopping the runner, then the server" in after     # serve's own handler, not asyncio's
    assert "Pausing all deployments" in after
    assert "Traceback" not in after and "ConnectError" not in after, after
    for name in DEPLOYMENTS:      # paused by the runner's shutdown, which needs the server alive
        assert served_paused(served["home"], name), name


def served_paused(home: Path, name: str) -> bool:
    """Read the stopped server's database: is the deployment's schedule paused?"""
    import sqlite3

    database = home / "state" / "prefect" / "prefect.db"
    with sqlite3.connect(database) as con:
        rows = con.execute("SELECT paused FROM deployment WHERE name = ?", (name,)).fetchall()
    return bool(rows) and all(r[0] for r in rows)


def test_a_further_ctrl_c_while_the_server_stops_kills_it_rather_than_leave_it_running():
    """The server has a process group of its own, so nothing else stops it: a Ctrl-C while serve waits
    for it to stop (up to 30 s) kills it at once, and the Ctrl-C still ends serve."""
    import threading

    stubborn = subprocess.Popen([sys.executable, "-c", "import signal, time; "
                                 "signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"],
                                stdout=subprocess.PIPE, process_group=0)
    assert stubborn.stdout is not None and stubborn.stdout.readline() == b"up\n"   # its SIGTERM handler is set
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        stop_server(stubborn)
    assert time.monotonic() - began < 5
    assert stubborn.returncode == -signal.SIGKILL
