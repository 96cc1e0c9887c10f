"""A console killed while its run job works: the job's process dies with it, and the month holds
either nothing or a recorded run whose outputs the next start puts in place — never a folder
without a record, never a month left locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from payroll.security.models import MonthActivity
from payroll.security.sandbox import process_alive
from payroll.store import open_store
from payroll.store.models import Run
from payroll.web.jobs import Jobs
from test_runs_support import MONTH, fake_build, write_inputs
from test_web_fixtures import FrozenClock

TESTS = Path(__file__).resolve().parent

SERVER = """
import sys, time
sys.path.insert(0, {tests!r})
from payroll.store import open_store
from payroll.web.jobs import Jobs
from test_web_fixtures import FrozenClock
from test_web_jobs_killed import run_job
jobs = Jobs(open_store({db!r}), FrozenClock())
job = jobs.start("run", {month!r}, "clerk", run_job, {inputs!r}, {out!r})
print(job.id, flush=True)
time.sleep(600)
"""


def run_job(store, report, inputs: str, out: str) -> dict:
    """The console's run job with the tests' small build (``payroll.web.pages.month.run_job`` calls the same ``execute_run``)."""
    from payroll.runs.batch import execute_run

    return execute_run(store, MONTH, inputs_dir=Path(inputs), out_root=Path(out), build=fake_build, jobs=1, actor="clerk", on_progress=report)


def _visible(out: Path) -> set[str]:
    month = out / MONTH
    return {p.name for p in month.iterdir() if not p.name.startswith(".")} if month.is_dir() else set()


@pytest.mark.parametrize("step", ["computed", "rendered", "recorded"])
def test_a_killed_console_kills_its_run_job_and_leaves_no_half_written_run(tmp_path, step):
    db = f"sqlite:///{tmp_path / 'console.db'}"
    inputs = write_inputs(tmp_path / "inputs")
    out = tmp_path / "out"
    release = tmp_path / "release"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYROLL_RUN_")}
    env.update(PAYROLL_JOBS="1", PAYROLL_RUN_HOLD_AT=step, PAYROLL_RUN_HOLD_FILE=str(release))
    open_store(db).dispose()  # migrated before the console starts, as `payroll serve` does
    server = subprocess.Popen([sys.executable, "-c", SERVER.format(tests=str(TESTS), db=db, month=MONTH, inputs=str(inputs), out=str(out))],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        job_id = server.stdout.readline().strip()
        reached = Path(f"{release}.reached")
        deadline = time.monotonic() + 300
        while not (reached.exists() and reached.read_text().strip()):  # the job writes its pid into it (not at once)
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "the job never reached its step"
            time.sleep(0.05)
        job_pid = int(reached.read_text())
        assert job_pid != server.pid and process_alive(job_pid)  # the run works in its own process
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        deadline = time.monotonic() + 30
        while process_alive(job_pid):  # it dies with the console
            assert time.monotonic() < deadline, "the job's process outlived the console"
            time.sleep(0.05)
    finally:
        release.write_text("go")
        if server.poll() is None:
            server.kill()
        server.communicate(timeout=30)
    store = open_store(db)
    with store.session() as s:
        recorded = s.exec(sa.select(Run.run_id)).scalars().all()
    assert len(recorded) == (1 if step == "recorded" else 0)
    assert _visible(out) == set()  # never a folder without a record (a recorded one is put in place by the next start)
    restarted = Jobs(store, FrozenClock())
    assert restarted.interrupt_stale() == 1 and restarted.get(job_id).state == "interrupted"
    from payroll.runs.audit import replay
    from payroll.runs.batch import execute_run

    summary = execute_run(store, MONTH, inputs_dir=inputs, out_root=out, build=fake_build, jobs=1)  # the month is not held
    with store.session() as s:
        runs = set(s.exec(sa.select(Run.run_id)).scalars().all())
        assert s.exec(sa.select(MonthActivity)).scalars().all() == []
    assert summary["run_id"] in runs and _visible(out) == runs
    for run_id in runs:
        assert replay(store, run_id, build=fake_build, jobs=1).identical
    store.dispose()
