"""Welfare through the store and the command line: errors exit 2 in one line, budgets waitlist."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from payroll.cli import cli
from payroll.roster import load_roster
from payroll.store import open_store
from payroll.welfare import models, service

ROSTER = """worker_id,name,birth_date,department,job,employment,family
W1,김하나,1990-05-10,환경과,환경미화,public_service,1
W2,이둘,1980-03-10,복지과,상담,fixed_term,1
W4,최넷,1970-01-01,민원과,안내,fixed_term,1
"""
CONTRACTS = """contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes
C1,W1,2020-01-01,,monthly,2500000,12345,09:00,18:00,60
C2,W2,2025-07-01,2026-12-31,monthly,2300000,12345,09:00,18:00,60
C5,W4,2026-01-01,2026-04-30,monthly,2300000,12345,09:00,18:00,60
"""


@pytest.fixture()
def env(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "contracts.csv").write_text(CONTRACTS, encoding="utf-8")
    return tmp_path


def run(env, *args):
    base = ["--roster", str(env / "roster.csv"), "--contracts", str(env / "contracts.csv"), "--db", str(env / "w.db")]
    group, command = args[0], args[1]
    return CliRunner().invoke(cli, ["welfare", group, command, *base, *args[2:]])


def one_line_error(result, text):
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("오류: ") and text in lines[0], result.stderr
    assert "Traceback" not in result.output


def apply(env, worker, day, cost, at, evidence="R"):
    return run(env, "fertility", "apply", "--worker", worker, "--treatment-date", day, "--cost", str(cost), "--evidence", evidence, "--submitted-at", at)


def test_fertility_apply_errors_exit_2_in_one_line(env):
    one_line_error(apply(env, "W9", "2026-03-02", 600_000, "2026-03-03T09:00"), "worker_id: 'W9'은(는) 명부(roster)에 없습니다")
    one_line_error(apply(env, "W4", "2026-06-02", 600_000, "2026-06-03T09:00"), "근로자 W4의 재직 기간 밖입니다")
    one_line_error(apply(env, "W1", "2026-03-02", -1, "2026-03-03T09:00"), "cost: 0 이상이어야 합니다")
    assert apply(env, "W1", "2026-03-02", 600_000, "2026-03-03T09:00").exit_code == 0
    one_line_error(apply(env, "W1", "2026-03-02", 600_000, "2026-03-04T09:00"), "중복 신청: 근로자 W1")
    one_line_error(apply(env, "W2", "2026-03-02", 600_000, "2026-03-02T09:00"), "submitted_at: 2026-03-02T09:00:00이(가) 마지막 기록(2026-03-03T09:00:00)보다 앞섭니다")
    one_line_error(apply(env, "W1", "2026-13-02", 600_000, "2026-03-05T09:00"), "--treatment-date: 날짜(YYYY-MM-DD)가 아닙니다")


def test_an_exhausted_budget_waitlists_loudly_and_a_cancellation_promotes(env):
    # W2 is 45 in 2026: 1,000,000 a treatment; the 2026 budget is 20,000,000
    rows = ["worker_id,treatment_date,cost,evidence,submitted_at"]
    for i in range(21):
        day = dt.date(2026, 1, 5) + dt.timedelta(days=7 * i)
        rows.append(f"W2,{day},1200000,RCPT-{i},{day + dt.timedelta(days=1)}T09:00")
    (env / "apps.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run(env, "fertility", "apply", "--file", str(env / "apps.csv"))
    assert r.exit_code == 0, r.stderr
    out = r.stdout.strip().splitlines()
    assert len(out) == 21 and all(": 승인 1,000,000원" in line for line in out[:20])
    assert ": 대기 1,000,000원" in out[20]
    assert r.stderr.strip() == f"예산 소진: F2026-0021 대기 — {out[20].split(' — ', 1)[1]}"
    rep = json.loads(run(env, "fertility", "report", "--year", "2026", "--json").stdout)
    assert (rep["budget"], rep["used"], rep["remaining"], len(rep["approved"]), len(rep["waitlist"])) == (20_000_000, 20_000_000, 0, 20, 1)
    c = run(env, "fertility", "cancel", "F2026-0003", "--at", "2026-07-01T10:00", "--reason", "시술 취소")
    assert c.exit_code == 0, c.stderr
    assert c.stdout.splitlines()[1].startswith("대기 → 승인: F2026-0021 W2")
    rep = json.loads(run(env, "fertility", "report", "--year", "2026", "--json").stdout)
    assert (rep["used"], len(rep["approved"]), len(rep["waitlist"]), len(rep["cancelled"])) == (20_000_000, 20, 0, 1)
    one_line_error(run(env, "fertility", "cancel", "F2026-0003", "--at", "2026-07-02T10:00"), "이미 취소 상태입니다")
    one_line_error(run(env, "fertility", "cancel", "F2026-0099", "--at", "2026-07-02T10:00"), "신청 'F2026-0099': 기록되어 있지 않습니다")


def test_decide_from_files_is_deterministic_and_needs_no_database(env):
    (env / "a.csv").write_text(
        "application_id,worker_id,treatment_date,cost,evidence,submitted_at\n"
        "X2,W2,2026-03-10,300000,R2,2026-03-11T10:00\n"
        "X1,W1,2026-03-10,900000,R1,2026-03-11T09:00\n",
        encoding="utf-8",
    )
    (env / "c.csv").write_text("application_id,cancelled_at\nX1,2026-03-12T09:00\n", encoding="utf-8")
    args = ("fertility", "decide", "--applications", str(env / "a.csv"), "--cancellations", str(env / "c.csv"), "--json")
    first, second = run(env, *args), run(env, *args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    out = json.loads(first.stdout)
    assert [(d["application_id"], d["status"], d["amount"]) for d in out["decisions"]] == [("X1", "cancelled", 500_000), ("X2", "approved", 300_000)]
    assert not (env / "w.db").exists()
    (env / "bad.csv").write_text("worker_id,treatment_date,cost,evidence,submitted_at\nW1,2026-03-10,-5,R,2026-03-11T09:00\n", encoding="utf-8")
    one_line_error(run(env, "fertility", "decide", "--applications", str(env / "bad.csv")), "bad.csv: 2행: cost: 0 이상이어야 합니다")


def test_insurance_enrol_errors_and_report(env):
    one_line_error(run(env, "insurance", "enrol", "--worker", "W9", "--plan", "fixed", "--start", "2026-01-01"), "worker_id: 'W9'은(는) 명부(roster)에 없습니다")
    one_line_error(run(env, "insurance", "enrol", "--worker", "W4", "--plan", "fixed", "--start", "2025-01-01"), "재직하지 않습니다")
    one_line_error(run(env, "insurance", "enrol", "--worker", "W1", "--plan", "gold", "--start", "2026-01-01"), "제공되지 않습니다")
    assert run(env, "insurance", "enrol", "--worker", "W1", "--plan", "indemnity", "--start", "2025-03-01").exit_code == 0
    assert run(env, "insurance", "enrol", "--worker", "W1", "--plan", "fixed", "--start", "2025-03-01").exit_code == 0
    assert run(env, "insurance", "enrol", "--worker", "W2", "--plan", "fixed", "--start", "2025-07-01").exit_code == 0
    one_line_error(run(env, "insurance", "enrol", "--worker", "W1", "--plan", "fixed", "--start", "2026-01-01"), "가입 기간이 겹칩니다")
    rep = json.loads(run(env, "insurance", "report", "--year", "2026", "--json").stdout)
    assert rep["premium_cost"] == [
        {"plan": "fixed", "plan_label": "정액형", "premium": 624_000, "workers": 2},
        {"plan": "indemnity", "plan_label": "실손형", "premium": 420_000, "workers": 1},
    ]
    assert {(r["plan"], r["department"], r["workers"]) for r in rep["enrolled_by_plan_and_department"]} == {("fixed", "환경과", 1), ("fixed", "복지과", 1), ("indemnity", "환경과", 1)}
    # no run yet: the whole year's excess is still to come
    assert rep["taxable_excess_by_worker"] == [{"worker_id": "W1", "premium": 732_000, "taxable": 32_000, "taxed_in_runs": 0, "department": "환경과"}]
    assert [(r["month"], r["taxable"], r["paid_in_run"]) for r in rep["taxable_excess_by_month"]] == [("2026-11", 6_000, False), ("2026-12", 26_000, False)]
    text = run(env, "insurance", "report", "--year", "2026")
    assert text.exit_code == 0 and "과세 초과분" in text.stdout and "누계 706,000원" in text.stdout


def test_welfare_pay_items_marks_paid_once(env):
    roster = load_roster(env / "roster.csv", env / "contracts.csv")
    store = open_store(str(env / "w.db"))
    with store.session() as s:
        service.enrol(s, _law(), roster, "W1", "indemnity", dt.date(2025, 3, 1))
        service.enrol(s, _law(), roster, "W1", "fixed", dt.date(2025, 3, 1))
        service.apply(s, _law(), roster, "W2", dt.date(2026, 11, 2), 2_000_000, "R", dt.datetime(2026, 11, 3, 9))
    with store.session() as s:
        nov = service.welfare_pay_items("2026-11", dt.date(2026, 11, 20), s, roster, mark_paid=True)
    assert nov.columns == ["worker_id", "code", "amount", "method", "minutes"]
    assert nov.select("worker_id", "code", "amount").rows() == [("W1", "group_insurance_taxable", 6_000), ("W2", "fertility_support", 1_000_000)]
    with store.session() as s:
        again = service.welfare_pay_items("2026-11", dt.date(2026, 11, 20), s, roster, mark_paid=True)
        dec = service.welfare_pay_items("2026-12", dt.date(2026, 12, 20), s, roster)
        assert len(service.payments(s)) == 2
    assert again.equals(nov)
    assert dec.select("worker_id", "code", "amount").rows() == [("W1", "group_insurance_taxable", 26_000)]
    r = run(env, "fertility", "cancel", "F2026-0001", "--at", "2026-11-25T09:00")
    one_line_error(r, "2026-11 실행에서 이미 지급했습니다")


def test_models_match_the_welfare_migration(env):
    store = open_store(str(env / "m.db"))
    insp = sa.inspect(store.engine)
    for model in (models.InsuranceEnrolment, models.FertilityApplication, models.FertilityCancellation, models.WelfarePayment):
        table = model.__table__
        have = {c["name"]: c for c in insp.get_columns(table.name)}
        assert set(have) == {c.name for c in table.columns}, table.name
    for table, col in (("welfare_fertility_applications", "cost"), ("welfare_payments", "amount")):
        assert isinstance({c["name"]: c["type"] for c in insp.get_columns(table)}[col], sa.Integer)


def _law():
    from payroll import law

    return law.current()


def test_items_of_workers_without_pay_this_month_stay_due(env):
    roster = load_roster(env / "roster.csv", env / "contracts.csv")
    store = open_store(str(env / "w.db"))
    with store.session() as s:
        service.apply(s, _law(), roster, "W4", dt.date(2026, 4, 20), 800_000, "R", dt.datetime(2026, 4, 28, 9))
    warnings: list[str] = []
    with store.session() as s:  # W4 left on 2026-04-30; the May run has no row for W4
        may = service.welfare_pay_items("2026-05", dt.date(2026, 5, 20), s, roster, mark_paid=True, workers=["W1", "W2"], warnings=warnings)
    assert may.height == 0
    assert warnings == ["fertility_support 800,000원 of worker W4 is not paid in 2026-05: the worker has no pay this month; it stays due for the next run"]
    with store.session() as s:
        assert service.payments(s) == []
        final = service.welfare_pay_items("2026-06", dt.date(2026, 6, 20), s, roster, mark_paid=True, workers=["W4"])
    assert final.select("worker_id", "amount").rows() == [("W4", 800_000)]


def test_enrol_file_names_the_row_and_is_all_or_nothing(env):
    (env / "e.csv").write_text("worker_id,plan,start\nW1,fixed,2026-01-01\nW2,fixed,2026-02-30\n", encoding="utf-8")
    one_line_error(run(env, "insurance", "enrol", "--file", str(env / "e.csv")), "e.csv: 3행: start: 날짜(YYYY-MM-DD)가 아닙니다")
    (env / "e.csv").write_text("worker_id,plan,start\nW1,fixed,2026-01-01\nW4,indemnity,2026-01-01\n", encoding="utf-8")
    one_line_error(run(env, "insurance", "enrol", "--file", str(env / "e.csv")), "e.csv: 3행: plan: 플랜 indemnity: 2026-01-01부터 6개월 이상의 계약이 필요합니다")
    rep = json.loads(run(env, "insurance", "report", "--year", "2026", "--json").stdout)
    assert rep["premium_cost"] == []  # row 2 was not kept
    (env / "e.csv").write_text("worker_id,plan,start\nW1,fixed,2026-01-01\nW2,fixed,2025-07-01\n", encoding="utf-8")
    ok = run(env, "insurance", "enrol", "--file", str(env / "e.csv"))
    assert ok.exit_code == 0 and [line.split()[0] for line in ok.stdout.splitlines()] == ["GI-00001", "GI-00002"]
