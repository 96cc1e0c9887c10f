"""Nothing paid silently wrong: a month with open attendance errors is refused until each is
corrected or decided; the decisions are inputs of the run (replayed), printed on the payslip and the
register; a held worker is recorded, not paid, and released by a correction run's 소급분."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from payroll.case import InputError
from payroll.runs.audit import replay
from payroll.runs.batch import RunRefused, execute_run, load_results
from payroll.runs.decisions import load_decisions
from payroll.runs.demo import stage_samples
from payroll.runs.months import close_month
from payroll.store.models import RetroItem, Run
from test_runs_support import approve_correction

MONTH = "2026-06"
HELD = "T00035"
SCHEDULED = "T00007"  # 06-04: a 21:46 출근 without its 퇴근 (a night shift 22:00–06:00)


def _inputs(tmp_path: Path, decisions: str | None = None) -> Path:
    inputs = stage_samples(tmp_path / "inputs")
    path = inputs / MONTH / "decisions.csv"
    if decisions is None:
        path.unlink()
    else:
        path.write_text(decisions, encoding="utf-8")
    return inputs


def _run(store, inputs, tmp_path, **kw):
    return execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "runs", actor="test", jobs=1, **kw)


DECIDED = (
    "worker_id,decision,reason\n99999,as_punched,명부에 없음\nP00005,as_punched,형식 오류 행은 중복\n"
    f"{SCHEDULED},scheduled,부서장 확인: 정상 근무\nT00016,as_punched,앞 근무가 맞음\nT00025,as_punched,퇴사 후 타각\n"
    f"{HELD},hold,근무 확인 중\n"
)


def test_a_month_with_open_errors_is_refused_and_nothing_is_recorded(store, tmp_path):
    inputs = _inputs(tmp_path)
    with pytest.raises(RunRefused) as refused:
        _run(store, inputs, tmp_path)
    findings = refused.value.findings
    assert {f.worker_id for f in findings} == {"99999", "P00005", SCHEDULED, "T00016", "T00025", HELD}
    assert len(findings) == 9 and all(f.where.startswith(f"{MONTH}/attendance/") for f in findings)
    text = str(refused.value)
    assert text.startswith(f"{MONTH}: 계산하지 않았습니다 — 미해결 근태 오류 9건 (근로자 6명)")
    assert "T00035 안은훈 (총무과)" in text and "2026-06-09  퇴근 기록 없음 — 출근 08:50만 있음" in text
    with store.session() as s:
        assert s.exec(select(Run)).all() == []
    assert not any((tmp_path / "runs" / MONTH).glob("*")) if (tmp_path / "runs" / MONTH).exists() else True
    # one worker decided: still refused for the others, and that worker is gone from the list
    (inputs / MONTH / "decisions.csv").write_text(f"worker_id,decision,reason\n{HELD},hold,확인 중\n", encoding="utf-8")
    with pytest.raises(RunRefused) as again:
        _run(store, inputs, tmp_path)
    assert HELD not in {f.worker_id for f in again.value.findings} and len(again.value.findings) == 6


def test_the_cli_exits_1_listing_the_workers_and_errors(tmp_path):
    from click.testing import CliRunner

    from payroll.cli import cli

    inputs = _inputs(tmp_path)
    res = CliRunner().invoke(cli, ["run", MONTH, "--inputs", str(inputs), "--db", str(tmp_path / "p.db"), "--out", str(tmp_path / "runs")])
    assert res.exit_code == 1, res.output
    assert "미해결 근태 오류 9건" in res.stderr and "decisions.csv" in res.stderr and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["run", MONTH, "--inputs", str(inputs), "--db", str(tmp_path / "p.db"), "--out", str(tmp_path / "runs"), "--json"])
    assert res.exit_code == 1 and json.loads(res.stdout)["refused"] is True


def test_decisions_are_paid_as_decided_recorded_and_replayed(store, tmp_path):
    inputs = _inputs(tmp_path, DECIDED)
    summary = _run(store, inputs, tmp_path)
    out = Path(summary["out_dir"])
    with store.session() as s:
        results = {r["row"]["worker_id"]: r for r in load_results(s, summary["run_id"])}
        run = s.get(Run, summary["run_id"])
    assert any(e["role"] == "decisions" and e["name"] == f"{MONTH}/decisions.csv" for e in json.loads(run.inputs_manifest))

    # held: recorded with its pay, not transferred, not withheld, out of the run's totals
    held = results[HELD]["row"]
    assert held["pay_state"] == "held" and held["net_pay"] > 0
    assert held["attendance_note"].startswith("근태 결정 — 지급 보류 (06-09 퇴근 기록 없음, 06-12 출근 기록 없음, 06-15 퇴근 기록 없음)")
    assert summary["held"] == [{"worker_id": HELD, "name": held["name"], "net_pay": held["net_pay"], "note": held["attendance_note"]}]
    bank = list(csv.DictReader(io.StringIO((out / "bank_transfer.csv").read_text(encoding="utf-8-sig"))))
    assert HELD not in {r["worker_id"] for r in bank} and len(bank) == 39
    paid = [r["row"] for w, r in results.items() if w != HELD]
    assert summary["net_pay_total"] == sum(max(int(r["net_pay"]), 0) for r in paid) == sum(int(r["net_pay"]) for r in bank)
    withholding = list(csv.DictReader(io.StringIO((out / "filings" / "withholding.csv").read_text(encoding="utf-8-sig"))))
    assert sum(int(r["persons"]) for r in withholding if r["code"] in ("A01", "A02", "A03")) == 39
    # the filings read from the store agree: the held month is neither withheld nor paid (an outside audit found
    # the month's 원천징수이행상황신고서 and 간이지급명세서 counting it), nor in the year's pay to date
    from payroll.filings.monthly import withholding_return
    from payroll.runs.history import history

    with store.session() as s:
        ret = withholding_return(s, run.pay_date.strftime("%Y-%m"))
        paid_to_date = history(s, "2026-12", [HELD])
    lines = {x["code"]: x for x in ret["lines"]}
    assert sum(int(lines[c]["persons"] or 0) for c in ("A01", "A02", "A03") if c in lines) == 39
    assert int(lines["A10"]["income_tax"]) == sum(int(r["income_tax"]) for r in withholding if r["code"] == "A10")
    assert paid_to_date["workers"][HELD] == {}
    slip = PdfReader(str(out / "payslips" / f"{HELD}.pdf")).pages[0].extract_text().replace(" ", "")
    assert "지급보류:이달에는지급하지않습니다" in slip and "실지급액(보류)" in slip

    # the register: state and note per worker, the held and the paid totals apart
    ws = load_workbook(out / "register.xlsx")["급여대장"]
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    header, body = rows[0], rows[1:]
    col = {h: j for j, h in enumerate(header)}
    held_row = next(r for r in body if r[col["사원번호"]] == HELD)
    assert held_row[col["지급 상태"]] == "보류" and held_row[col["비고"]].startswith("근태 결정 — 지급 보류")
    assert next(r for r in body if r[col["사원번호"]] == SCHEDULED)[col["비고"]].startswith("근태 결정 — 소정근로시간대로 지급 (06-04 퇴근 기록 없음)")
    assert next(r for r in body if r[0] == "지급 합계")[col["실지급액"]] == sum(int(r["net_pay"]) for r in paid)

    # scheduled: the open day is worked as the contract schedules it (22:00–06:00, 1시간 휴게: 7 hours)
    as_punched = _inputs(tmp_path / "other", DECIDED.replace(f"{SCHEDULED},scheduled,", f"{SCHEDULED},as_punched,"))
    other = _run(store, as_punched, tmp_path / "other")
    with store.session() as s:
        punched = {r["row"]["worker_id"]: r["row"] for r in load_results(s, other["run_id"])}
    assert results[SCHEDULED]["row"]["worked_minutes"] - punched[SCHEDULED]["worked_minutes"] == 7 * 60
    assert results[SCHEDULED]["row"]["gross_pay"] > punched[SCHEDULED]["gross_pay"]
    book = load_workbook(out / "attendance" / "exceptions.xlsx")["오류·경고"]
    decided = [dict(zip([c.value for c in book[1]], r)) for r in book.iter_rows(min_row=2, values_only=True)]
    mine = [r for r in decided if r["사번"] == SCHEDULED and r["구분"] == "오류"]
    assert mine and all(r["처리"] == "결정됨" and r["처리 내역"] == f"{MONTH}/decisions.csv:4 (소정근로시간대로 지급: 부서장 확인: 정상 근무)" for r in mine)

    assert replay(store, summary["run_id"], jobs=1).identical


def test_a_held_worker_is_released_by_a_correction_run(store, tmp_path):
    inputs = _inputs(tmp_path, DECIDED)
    first = _run(store, inputs, tmp_path)
    with store.session() as s:
        held = next(r for r in load_results(s, first["run_id"]) if r["row"]["worker_id"] == HELD)
    close_month(store, MONTH, "approver")
    # the days confirmed: corrected, and the hold taken back
    with open(inputs / MONTH / "corrections.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{HELD},2026-06-09,,18:00,확인됨\n{HELD},2026-06-12,08:55,,확인됨\n{HELD},2026-06-15,,18:00,확인됨\n")
    (inputs / MONTH / "decisions.csv").write_text(DECIDED.replace(f"{HELD},hold,근무 확인 중\n", ""), encoding="utf-8")
    approve_correction(store, MONTH)
    corrected = _run(store, inputs, tmp_path, correction=True)
    with store.session() as s:
        retro = s.exec(select(RetroItem).where(RetroItem.correction_run_id == corrected["run_id"], RetroItem.worker_id == HELD)).all()
        released = next(r for r in load_results(s, corrected["run_id"]) if r["row"]["worker_id"] == HELD)
    assert released["row"]["pay_state"] == "paid"
    # nothing was paid in the held month: the whole of the released month's pay is 소급분 of the next month
    assert {r.source_code: r.old_amount for r in retro} == {it["code"]: 0 for it in released["items"]}
    assert sum(r.amount for r in retro) == released["row"]["gross_pay"] > held["row"]["gross_pay"]
    assert {r.pay_month for r in retro} == {"2026-07"}
    # the other workers' 소급분: none (their month did not change)
    with store.session() as s:
        assert {r.worker_id for r in s.exec(select(RetroItem).where(RetroItem.correction_run_id == corrected["run_id"])).all()} == {HELD}


@pytest.mark.parametrize("body,message", [
    ("worker_id,decision,reason\nT00035,skip,x\n", "decision (결정): 'skip'은(는) 쓸 수 없습니다"),
    ("worker_id,decision,reason\nT00035,hold,\n", "reason (사유): 결정의 사유를 적으세요"),
    ("worker_id,decision,reason\n99999,hold,x\n", "99999은(는) 명부에 없는 사번이라 as_punched"),
    ("worker_id,decision,reason\nT00035,hold,x\nT00035,scheduled,y\n", "3행: worker_id (사번): T00035의 결정이 2행에도 있습니다"),
    ("worker_id,decision\nT00035,hold\n", "근태 결정 파일에 열이 없습니다: 'reason'"),
])
def test_a_bad_decisions_file_names_the_row_and_the_field(tmp_path, body, message):
    from payroll.roster import load_roster

    inputs = stage_samples(tmp_path / "inputs")
    path = inputs / MONTH / "decisions.csv"
    path.write_text(body, encoding="utf-8")
    roster = load_roster(inputs / "roster.csv", inputs / "contracts.csv")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_decisions(path, roster)
