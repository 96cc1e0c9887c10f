"""`payroll demo` end to end on the bundled samples: real build, real documents, replay identical."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from payroll.cli import cli


def test_demo_runs_the_month_and_replays_identically(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(cli, ["demo", "--out", "demo", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert {"run_id", "workers", "net_pay_total", "out_dir", "payslips", "db"} <= set(summary)
    slips = sorted(Path(summary["payslips"]).glob("*.pdf"))
    assert len(slips) == summary["workers"] >= 30
    # T00025 leaves on 06-19 (퇴직일 06-20) and the 퇴직금 goes out with July's pay on 07-10: past §9①'s 14 days
    late = [w for w in summary.get("warnings", []) if "14일이 지남" in w]
    assert len(late) == 1 and late[0].startswith("T00025: 퇴직금") and "2026-07-10" in late[0]
    text = PdfReader(str(slips[0])).pages[0].extract_text()
    assert "임금명세서" in text and "실지급액" in text
    res = runner.invoke(cli, ["replay", summary["run_id"], "--db", summary["db"]])
    assert res.exit_code == 0, res.output
    again = json.loads(runner.invoke(cli, ["demo", "--out", "demo", "--json"]).output)
    assert again["run_hash"] == summary["run_hash"] and again["run_id"] != summary["run_id"]


def test_demo_refuses_a_foreign_directory(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    res = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "데모 폴더가 아닙니다" in res.output
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_demo_json_is_one_document_on_stdout_and_creates_the_console_users_with_passwords_in_a_private_file(tmp_path):
    """`payroll demo --json | python -m json.tool` works: stdout is the JSON document alone, the next
    commands inside it; the console users' passwords are in a private file, never printed."""
    import stat
    import subprocess
    import sys

    from payroll.store import open_store
    from payroll.record.users import authenticate

    demo = subprocess.run([sys.executable, "-m", "payroll", "demo", "--out", str(tmp_path / "demo"), "--json"], capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    tool = subprocess.run([sys.executable, "-m", "json.tool"], input=demo.stdout, capture_output=True, text=True)
    assert tool.returncode == 0, demo.stdout[:500]
    summary = json.loads(demo.stdout)
    assert any(f"replay {summary['run_id']} --db" in line for line in summary["next_commands"])
    assert all("payroll" in line for line in summary["next_commands"])
    users_file = Path(summary["users_file"])
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    rows = [line.split("\t") for line in users_file.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert {role for _, role, _ in rows} == {"clerk", "approver", "auditor"}
    store = open_store(summary["db"])
    with store.session() as session:
        for name, role, password in rows:
            assert authenticate(session, name, password).role == role
    store.dispose()
    assert all(password not in demo.stdout + demo.stderr for _, _, password in rows)
