"""The first ten minutes: `payroll samples` writes the inputs layout a run takes as it is, the demo's
hints are commands a fresh shell can run as printed (they are run here), and `scripts/demo.sh`
leaves a `payroll` the README's next commands can call."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAYROLL = Path(sys.executable).parent / "payroll"  # the console script of this environment
ENV = {**os.environ, "PAYROLL_DB": "", "PAYROLL_JOBS": "1"}
LAYOUT = {
    "roster.csv", "contracts.csv", "employer.toml", "seal.png", "ytd.csv", "wages.csv",
    "2026-06/corrections.csv", "2026-06/leave.csv", "2026-06/overtime.csv", "2026-06/decisions.csv",
    "2026-06/attendance/daily_utf8.csv", "2026-06/attendance/daily_bom.csv", "2026-06/attendance/punch_cp949.csv",
    "2026-06/attendance/punch.xlsx", "2026-06/attendance/daily.xls",
}

pytestmark = pytest.mark.skipif(not PAYROLL.is_file(), reason=f"{PAYROLL}: the payroll script is not installed in this environment")


def _run(command: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)


def test_samples_write_the_inputs_layout_and_a_run_takes_it_as_it_is(tmp_path):
    done = subprocess.run([str(PAYROLL), "samples", "--out", str(tmp_path / "in")], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = {p.relative_to(tmp_path / "in").as_posix() for p in (tmp_path / "in").rglob("*") if p.is_file()}
    assert written == LAYOUT
    hint = next(line.strip() for line in done.stdout.splitlines() if " run 2026-06 --inputs " in line)
    assert hint.startswith(str(PAYROLL))
    ran = _run(hint + f" --db {tmp_path / 'p.db'} --out {tmp_path / 'runs'} --json", tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert '"workers": 40' in ran.stdout and '"pay_date": "2026-07-10"' in ran.stdout  # the employer's 지급일 (10일, 전월분)
    refused = subprocess.run([str(PAYROLL), "samples", "--out", str(tmp_path / "in")], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "비어 있지 않은 폴더" in refused.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_every_command_the_demo_prints_runs_as_printed(tmp_path):
    demo = subprocess.run([str(PAYROLL), "demo", "--out", str(tmp_path / "demo")], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr
    lines = demo.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("다음 명령"))
    commands = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        commands.append(line.strip())
    assert len(commands) >= 5 and all(c.startswith(str(PAYROLL)) for c in commands), commands
    serve = [c for c in commands if " serve " in c]
    for command in (c for c in commands if c not in serve):  # in the printed order: samples before the run of them
        done = _run(command, Path("/"))  # from anywhere: the paths are absolute
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    (command,) = serve
    if not _port_free(8000):  # the printed port is taken on this machine: the same command on another port
        command += f" --port {_free_port()}"
    port = int(re.search(r"--port (\d+)", command).group(1)) if "--port" in command else 8000
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd="/", env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "the printed serve command did not start the console"
                time.sleep(0.2)
        assert "로그인" in body
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_demo_sh_names_the_payroll_it_installed():
    """The lines scripts/demo.sh prints after the demo: an activation command and the full path, both usable."""
    script = (REPO / "scripts" / "demo.sh").read_text(encoding="utf-8")
    tail = script.split(".venv/bin/payroll demo \"$@\"\n", 1)[1]
    printed = _run(tail, REPO).stdout.splitlines()
    activate = next(line.strip() for line in printed if line.strip().startswith("source "))
    full = next(line.strip() for line in printed if line.strip().endswith("/payroll --help"))
    if not (REPO / ".venv" / "bin" / "activate").is_file():
        pytest.skip("no .venv here (the suite runs in another environment)")
    done = _run(f"{activate} && payroll --help", Path("/"))
    assert done.returncode == 0 and "급여 계산" in done.stdout, done.stderr
    done = _run(full, Path("/"))
    assert done.returncode == 0 and "demo" in done.stdout
