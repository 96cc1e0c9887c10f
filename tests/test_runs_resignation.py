"""A 중도포기서 recorded in the register makes the worker a leaver of the month's run."""

from __future__ import annotations

from payroll.runs.batch import execute_run
from payroll.runs.demo import import_samples, stage_samples
from payroll.store import open_store


def test_a_recorded_resignation_makes_the_run_settle_the_leaver(tmp_path):
    inputs = stage_samples(tmp_path / "inputs")
    (inputs / "resignations.csv").write_text(
        "worker_id,contract_id,last_working_day,reason,submitted_on\nT00030,C00030,2026-06-15,개인 사정,2026-06-10\n", encoding="utf-8"
    )
    store = open_store(str(tmp_path / "payroll.db"))
    import_samples(store, tmp_path / "imports")
    summary = execute_run(store, "2026-06", inputs_dir=inputs, out_root=tmp_path / "runs", actor="test")
    store.dispose()
    out = tmp_path / "runs" / "2026-06" / summary["run_id"]
    from pypdf import PdfReader

    text = PdfReader(str(out / "payslips" / "T00030.pdf")).pages[0].extract_text()
    assert "연차수당" in text  # unused 연차 paid with the last pay (근로기준법 §36)
    # the run treats 2026-06-15 as the leaving date; without a year-to-date file it says what to give
    assert any("T00030 leaves on 2026-06-15" in w for w in summary["warnings"]), summary["warnings"]


def test_a_worker_whose_deductions_exceed_the_pay_does_not_stop_the_month(tmp_path):
    # Almost nobody punched in: hourly workers have no pay but owe premiums on the declared 보수월액.
    inputs = stage_samples(tmp_path / "inputs")
    attendance = inputs / "2026-06" / "attendance"
    for f in attendance.iterdir():
        f.unlink()
    (attendance / "daily.csv").write_text("사번,성명,일자,출근시각,퇴근시각\nT00030,강진준,2026-06-01,09:00,18:00\n", encoding="utf-8")
    for name in ("corrections.csv", "leave.csv", "overtime.csv"):
        (inputs / "2026-06" / name).unlink(missing_ok=True)
    store = open_store(str(tmp_path / "payroll.db"))
    import_samples(store, tmp_path / "imports")
    summary = execute_run(store, "2026-06", inputs_dir=inputs, out_root=tmp_path / "runs", actor="test")
    store.dispose()
    short = [w for w in summary["warnings"] if "공제 합계가 이달 지급액보다" in w]
    assert short, summary["warnings"]
    bank = (tmp_path / "runs" / "2026-06" / summary["run_id"] / "bank_transfer.csv").read_text(encoding="utf-8-sig")
    assert all(int(line.split(",")[-1]) >= 0 for line in bank.splitlines()[1:])
