"""Replay sees everything: each kind of tampering with a run's folder or its record is one line of the report, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from payroll.runs import audit, batch
from payroll.runs.audit import replay
from payroll.runs.batch import execute_run
from payroll.store.models import Run, WorkerResult
from test_runs_support import MONTH, fake_build, write_inputs


@pytest.fixture
def run(store, tmp_path):
    inputs = write_inputs(tmp_path / "inputs")
    summary = execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    assert replay(store, summary["run_id"], build=fake_build, jobs=1).identical
    return summary


def _problems(store, run_id):
    report = replay(store, run_id, build=fake_build, jobs=1)
    assert not report.identical
    return report.problems


def test_a_deleted_output_is_a_problem(store, run):
    """Before: a missing output was only a note, and the replay said identical."""
    (Path(run["out_dir"]) / "payslips" / "W003.pdf").unlink()
    assert _problems(store, run["run_id"]) == [f"산출물 payslips/W003.pdf ({run['out_dir']}): 없습니다"]


def test_a_planted_file_is_a_problem(store, run):
    """Before: a file added to the run folder went unnoticed."""
    (Path(run["out_dir"]) / "payslips" / "W999.pdf").write_bytes(b"%PDF-1.4 planted")
    assert _problems(store, run["run_id"]) == [f"산출물 payslips/W999.pdf ({run['out_dir']}): 실행 기록에 없습니다 (실행 뒤에 더한 파일)"]


def test_a_changed_money_column_is_a_problem(store, run):
    """Before: the summary columns the register and the console read were never compared."""
    with store.session() as s:
        row = s.exec(WorkerResult.__table__.select().where(WorkerResult.run_id == run["run_id"], WorkerResult.worker_id == "W002")).one()
        s.execute(WorkerResult.__table__.update().where(WorkerResult.id == row.id).values(net_pay=row.net_pay + 500_000))
    problems = _problems(store, run["run_id"])
    assert problems == [f"결과 W002: 저장된 열 net_pay {row.net_pay + 500_000:,} ≠ 저장된 결과 {row.net_pay:,}"]


def _tamper(store, run_id: str, worker_id: str, change) -> dict:
    """Change one worker's stored text (its interned form: the row's values by the run's dictionary) with ``change(doc, dictionary)``."""
    from payroll.runs.result_reads import dictionary_of

    with store.session() as s:
        rec = s.exec(WorkerResult.__table__.select().where(WorkerResult.run_id == run_id, WorkerResult.worker_id == worker_id)).one()
        doc = json.loads(rec.result_json)
        change(doc, dictionary_of(s, run_id))
        s.execute(WorkerResult.__table__.update().where(WorkerResult.id == rec.id).values(result_json=json.dumps(doc, ensure_ascii=False)))
    return doc


def test_a_changed_stored_result_is_the_run_hash_and_a_line_per_amount(store, run):
    def more_tax(doc, dictionary):
        stored = [spec[0] for spec in dictionary.columns if spec[1] != "c"]  # the row's values, in order
        doc["row"][stored.index("income_tax")] += 10_000

    _tamper(store, run["run_id"], "W001", more_tax)
    problems = _problems(store, run["run_id"])
    assert any(p.startswith("실행 해시: 기록") and "저장된 기록으로 다시 계산하면" in p for p in problems)
    assert any(p.startswith("결과 W001: 저장된 열 income_tax") for p in problems)
    assert any(p.startswith("결과 W001: 소득세 (income_tax)") for p in problems)


def test_a_changed_run_total_and_run_hash_are_problems(store, run):
    """Before: neither the run's totals nor its hash were checked against anything."""
    with store.session() as s:
        r = s.get(Run, run["run_id"])
        r.net_pay_total += 1
        r.run_hash = "0" * 64
        s.add(r)
    problems = _problems(store, run["run_id"])
    assert f"실행 net_pay_total: 기록 {run['net_pay_total'] + 1:,}, 저장된 행의 합계 {run['net_pay_total']:,}" in problems
    assert any(p.startswith("실행 해시: 기록 0000000000000000…, 저장된 기록으로 다시 계산하면") for p in problems)
    assert any(p.startswith("실행 해시: 기록 0000000000000000…, 재현 결과") for p in problems)


def test_a_changed_trace_is_named_by_worker_and_step(store, run):
    steps = {}

    def other_value(doc, dictionary):
        element = doc["trace"][2]
        entry = element[0] if isinstance(element, list) else element
        steps["step"] = dictionary.trace[entry][0]
        doc["trace"][2] = [entry, "근거 없음"]  # this worker's own value of the step

    _tamper(store, run["run_id"], "W005", other_value)
    problems = _problems(store, run["run_id"])
    assert f"결과 W005: 계산 과정(trace)이 다릅니다 (단계 {steps['step']}부터)" in problems


def test_the_cli_prints_each_finding_and_exits_1(tmp_path, monkeypatch):
    from payroll.cli import cli

    monkeypatch.setattr(batch, "build_from_files", fake_build)
    monkeypatch.setattr(audit, "build_from_files", fake_build)
    monkeypatch.setenv("PAYROLL_JOBS", "1")
    inputs = write_inputs(tmp_path / "inputs")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    res = runner.invoke(cli, ["run", MONTH, "--inputs", str(inputs), "--out", str(tmp_path / "out"), "--db", db, "--json"])
    summary = json.loads(res.output)
    out = Path(summary["out_dir"])
    (out / "register.xlsx").unlink()
    (out / "notes.txt").write_text("x")
    res = runner.invoke(cli, ["replay", summary["run_id"], "--db", db])
    assert res.exit_code == 1
    assert f"산출물 register.xlsx ({out}): 없습니다" in res.output and f"산출물 notes.txt ({out}): 실행 기록에 없습니다" in res.output
