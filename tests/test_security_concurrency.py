"""Two clerks at once and a killed run, with real processes, on SQLite and PostgreSQL.

- one run (or close) of a month at a time: a second run of a month in progress is refused (exit 2,
  naming the run in progress) and so is its close; once the first ends, both go through;
- a run killed at any step leaves either nothing visible or a recorded run whose outputs the next
  start puts in place; its month is not left locked; its payslip processes die with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from payroll.runs.checkpoints import STEPS
from payroll.security.models import MonthActivity
from payroll.store import open_store
from payroll.store.models import Run
from test_runs_support import MONTH, write_inputs

TESTS = Path(__file__).resolve().parent

RUN_SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from payroll.case import InputError
from payroll.runs.batch import execute_run
from payroll.store import open_store
from test_runs_support import fake_build
try:
    summary = execute_run(open_store({db!r}), {month!r}, inputs_dir=Path({inputs!r}), out_root=Path({out!r}), build=fake_build, jobs={jobs})
except InputError as exc:
    print(f"error: {{exc}}", file=sys.stderr)
    sys.exit(2)
print(json.dumps(summary))
"""


def _script(db: str, inputs: Path, out: Path, jobs: int = 1) -> str:
    return RUN_SCRIPT.format(tests=str(TESTS), db=db, month=MONTH, inputs=str(inputs), out=str(out), jobs=jobs)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYROLL_RUN_")}
    env.update({"PAYROLL_JOBS": "1", **extra})
    return env


def _wait_for(path: Path, proc: subprocess.Popen, limit: float = 300) -> None:  # float ok: seconds
    deadline = time.monotonic() + limit
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the held run ended early: {proc.returncode} {proc.stderr.read() if proc.stderr else ''}")
        assert time.monotonic() < deadline, "the run never reached its step"
        time.sleep(0.05)


def test_a_second_run_and_the_close_are_refused_while_a_run_of_the_month_is_in_progress(store_url, tmp_path):
    db_url = store_url
    """Before: both runs recorded, and close interleaved with the run."""
    inputs = write_inputs(tmp_path / "inputs")
    out = tmp_path / "out"
    release = tmp_path / "release"
    first = subprocess.Popen([sys.executable, "-c", _script(db_url, inputs, out)], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=_env(PAYROLL_RUN_HOLD_AT="computed", PAYROLL_RUN_HOLD_FILE=str(release)))
    try:
        _wait_for(Path(f"{release}.reached"), first)
        store = open_store(db_url)
        with store.session() as s:
            (holder,) = s.exec(sa.select(MonthActivity.holder)).scalars().all()
        second = subprocess.run([sys.executable, "-c", _script(db_url, inputs, out)], text=True, capture_output=True, env=_env(), timeout=300)
        assert second.returncode == 2, second.stderr
        assert holder in second.stderr and "진행 중" in second.stderr and "Traceback" not in second.stderr
        close = subprocess.run([sys.executable, "-m", "payroll", "close", MONTH, "--db", db_url, "--by", "approver"], text=True, capture_output=True, timeout=300)
        assert close.returncode == 2 and holder in close.stderr and "Traceback" not in close.stderr
    finally:
        release.write_text("go")
        stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert json.loads(stdout)["run_id"] == holder
    again = subprocess.run([sys.executable, "-c", _script(db_url, inputs, out)], text=True, capture_output=True, env=_env(), timeout=300)
    assert again.returncode == 0, again.stderr
    close = subprocess.run([sys.executable, "-m", "payroll", "close", MONTH, "--db", db_url, "--by", "approver"], text=True, capture_output=True, timeout=300)
    assert close.returncode == 0, close.stderr
    with store.session() as s:
        assert len(s.exec(sa.select(Run)).scalars().all()) == 2
        assert s.exec(sa.select(MonthActivity)).scalars().all() == []  # nothing left holding the month
    store.dispose()


def _visible(out: Path) -> set[str]:
    month = out / MONTH
    return {p.name for p in month.iterdir() if not p.name.startswith(".")} if month.is_dir() else set()


def _partials(out: Path) -> list[Path]:
    month = out / MONTH
    return [p for p in month.iterdir() if p.name.startswith(".partial-")] if month.is_dir() else []


@pytest.mark.parametrize("step", STEPS)
def test_a_run_killed_at_each_step_leaves_no_unrecorded_folder_and_the_next_start_finishes_it(tmp_path, step):
    """Before: the folder was renamed into place before the commit, so a kill in between left a
    complete-looking folder that no record knew."""
    from payroll.runs.audit import replay
    from test_runs_support import fake_build

    db_url = f"sqlite:///{tmp_path / 'kill.db'}"
    inputs = write_inputs(tmp_path / "inputs")
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", _script(db_url, inputs, out)], text=True, capture_output=True,
                            env=_env(PAYROLL_RUN_KILL_AT=step), timeout=300)
    assert killed.returncode == -9, killed.stderr
    store = open_store(db_url)
    with store.session() as s:
        recorded = s.exec(sa.select(Run.run_id)).scalars().all()
    assert len(recorded) == (1 if step in ("recorded", "published") else 0)
    assert _visible(out) == (set(recorded) if step == "published" else set())  # never a folder without a record
    again = subprocess.run([sys.executable, "-c", _script(db_url, inputs, out)], text=True, capture_output=True, env=_env(), timeout=300)
    assert again.returncode == 0, again.stderr  # the killed run does not hold the month
    with store.session() as s:
        runs = s.exec(sa.select(Run.run_id)).scalars().all()
        assert s.exec(sa.select(MonthActivity)).scalars().all() == []
    assert _visible(out) == set(runs) and _partials(out) == []
    for run_id in runs:  # the killed run's recorded outputs were put in place and are its own
        assert replay(store, run_id, build=fake_build, jobs=1).identical
    store.dispose()


def test_a_killed_run_does_not_hold_its_month(store_url, tmp_path):
    db_url = store_url
    inputs = write_inputs(tmp_path / "inputs")
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", _script(db_url, inputs, out)], text=True, capture_output=True,
                            env=_env(PAYROLL_RUN_KILL_AT="computed"), timeout=300)
    assert killed.returncode == -9
    again = subprocess.run([sys.executable, "-c", _script(db_url, inputs, out)], text=True, capture_output=True, env=_env(), timeout=300)
    assert again.returncode == 0, again.stderr


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_payslip_processes_die_with_a_killed_run(tmp_path):
    """Before: the payslip processes of a killed run lived on, waiting for work forever."""
    inputs = write_inputs(tmp_path / "inputs")
    marker = f"PAYROLL_TEST_MARKER_{uuid.uuid4().hex}"
    env = _env(PAYROLL_RUN_KILL_AFTER="1", PAYROLL_JOBS="2")
    env[marker] = "1"
    killed = subprocess.run([sys.executable, "-c", _script(f"sqlite:///{tmp_path / 'p.db'}", inputs, tmp_path / "out", jobs=2)],
                            text=True, capture_output=True, env=env, timeout=300)
    assert killed.returncode == -9, killed.stderr
    deadline = time.monotonic() + 60
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []
