"""The law of 2027 (shared/reference/kr-payroll-facts-2027.md, decisions D14–D16).

Settled figures to the won; figures nobody has announced yet refuse a month (or make it
provisional); a figure entered later settles the provisional month as 소급분 in the next run;
hour-based 연차 from 2027-06-10.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from payroll import announced, installation
from payroll import law as law_module
from payroll.case import InputError, case_frames
from payroll.engine.pipeline import compute
from payroll.engine.step import Context
from payroll.holidays import paid_holidays
from payroll import pay_items
from payroll.runs import figures, law_state
from payroll.runs.audit import replay
from payroll.runs.batch import execute_run
from payroll.runs.months import close_month
from payroll.store.models import AuditLog, Run
from sqlmodel import select
from tests.helpers import case
from test_runs_support import fake_build, write_inputs

D = dt.date


def one(law, **kw):
    frames = case_frames([case(**kw)])
    return compute(*frames, Context(law, pay_items.current())).row(0, named=True)


@pytest.fixture
def provisional_law():
    return law_module.load(provisional=True)


# --- settled figures -----------------------------------------------------------------------------


def test_pension_is_5_percent_from_the_january_2027_premium(law, provisional_law):
    # 국민연금법 부칙 <제20903호> 제4조①2: 2,156,000 → 102,410 (2026-12), 107,800 (2027-01)
    assert one(law, pay=2_156_000, month="2026-12", pay_date="2027-01-10")["national_pension"] == 102_410
    assert one(provisional_law, pay=2_156_000, month="2027-01", pay_date="2027-02-10")["national_pension"] == 107_800
    later = {year: law.on(D(year, 6, 1))["national_pension.employee_rate"] for year in (2028, 2032, 2033, 2040)}
    assert [str(v) for v in later.values()] == ["21/400", "1/16", "13/200", "13/200"]  # 5.25%, 6.25%, 6.5% from 2033 (§88③)


def test_a_january_2027_worker_month_to_the_won(provisional_law):
    r = one(provisional_law, pay=2_156_000, month="2027-01", pay_date="2027-02-10")
    assert r["national_pension"] == 107_800  # floor10(2,156,000 × 5%)
    assert r["health_insurance"] == 77_500  # floor10(2,156,000 × 3.595%) = floor10(77,508.2); 7.19% frozen for 2027
    assert r["long_term_care"] == 10_180  # floor10(77,500 × 0.1314) = floor10(10,183.5); 0.9448% in force until amended
    assert r["employment_insurance"] == 19_400  # floor10(2,156,000 × 0.9%)
    assert r["income_tax"] == 24_340 and r["local_income_tax"] == 2_430  # 별표2 row 2,150,000–2,160,000, 1명
    assert r["net_pay"] == 2_156_000 - (107_800 + 77_500 + 10_180 + 19_400 + 24_340 + 2_430)


def test_the_figures_of_2027_and_their_states(law):
    on = law.on(D(2027, 1, 1))
    assert on["minimum_wage.hourly"] == 10_700 and 10_700 * 209 == 2_236_300
    assert "제2026-60호" in on.citation("minimum_wage.hourly").promulgation
    assert str(on["health_insurance.employee_rate"]) == "719/20000"
    assert on["national_pension.base_floor"] == 410_000 and on["national_pension.base_cap"] == 6_590_000
    state = lambda key, day: law.parameter(key).state_on(day)  # noqa: E731
    assert state("national_pension.base_cap", D(2027, 6, 30)) == "in_force"
    assert state("national_pension.base_cap", D(2027, 7, 1)) == "missing"  # a 고시 each July (D14)
    for key in ("health_insurance.premium_cap_employee", "health_insurance.premium_floor_employee", "industrial_accident.business_rate", "living_wage.hourly"):
        assert state(key, D(2027, 1, 1)) == "missing", key
    for key in ("long_term_care.rate_of_income", "long_term_care.ratio_to_health", "employment_insurance.employee_rate"):
        assert state(key, D(2026, 12, 31)) == "in_force" and state(key, D(2027, 1, 1)) == "unconfirmed", key
        assert "2027년 요율 고시 확인 전" in law.on(D(2027, 3, 1)).citation(key).note
    assert state("employment_insurance.min_monthly_hours", D(2027, 1, 1)) == "ended"
    assert on["non_taxable.meal_monthly"] == 200_000


def test_annual_leave_dates_follow_law_21784():
    # D16: 공포 2026-06-09, "공포 후 1년이 경과한 날" = 2027-06-10; the old numbering ends the day before
    law = law_module.current()
    before, after = law.on(D(2027, 6, 9)), law.on(D(2027, 6, 10))
    assert before["annual_leave.base_days"] == after["annual_leave.base_days"] == 15
    assert before.citation("annual_leave.use_period_years").article == "§60⑦"
    assert after.citation("annual_leave.use_period_years").article == "§60⑧"
    assert "제21784호" in after.citation("annual_leave.base_days").promulgation
    assert law.parameter("annual_leave.hour_unit_minutes").state_on(D(2027, 6, 9)) == "not_yet"
    assert law.parameter("annual_leave.hour_unit_minutes").state_on(D(2027, 6, 10)) == "unknown"  # the 시행령's unit: no number guessed


def test_2027_public_holidays_match_the_reference_table():
    expected = ["01-01", "02-06", "02-07", "02-08", "02-09", "03-01", "05-01", "05-03", "05-05", "05-13", "06-06", "07-17", "07-19",
                "08-15", "08-16", "09-14", "09-15", "09-16", "10-03", "10-04", "10-09", "10-11", "12-25", "12-27"]
    assert [d.strftime("%m-%d") for d in paid_holidays(2027)] == expected


# --- 고용보험 coverage from 2027-01-01 (D15) ---------------------------------------------------


def short_hire(law, month, hire, pay=700_000, **kw):
    return one(law, pay=pay, month=month, pay_date=f"{month}-25", hire_date=hire, monthly_hours=40, **kw)


def test_short_hour_hires_from_2027_are_covered_until_the_income_threshold_is_set(provisional_law, monkeypatch):
    old = short_hire(law_module.current(), "2026-12", "2026-12-01")
    assert old["employment_insurance"] == 0 and "60시간" in old["ei_note"]  # the 2026 hours test
    new = short_hire(provisional_law, "2027-01", "2027-01-01")
    assert new["employment_insurance"] == 6_300 and "decision D15" in new["ei_note"]
    monkeypatch.setenv("PAYROLL_SWITCH_EMPLOYMENT_INSURANCE_COVERAGE", "hours_test")
    assert short_hire(law_module.load(provisional=True), "2027-01", "2027-01-01")["employment_insurance"] == 0


def test_an_entered_income_threshold_excludes_new_low_pay_hires_but_not_those_insured_before(tmp_path):
    text = announced.with_figure("", announced.Figure("employment_insurance.coverage_income_threshold", D(2027, 1, 1), law_module.OPEN_END,
                                                      800_000, "고용보험법 시행령 (가상의 시험 고시)", "tester"))
    law = law_module.load(installation=text, provisional=True)
    new = short_hire(law, "2027-02", "2027-02-01")
    assert new["employment_insurance"] == 0 and "소득기준 미만" in new["ei_note"]
    assert short_hire(law, "2027-02", "2027-02-01", pay=900_000)["employment_insurance"] == 8_100
    # hired 2026-06: insured before 2027-01-01 by the three-month rule, stays covered (부칙 제2조)
    kept = short_hire(law, "2027-02", "2026-06-01")
    assert kept["employment_insurance"] == 6_300 and "부칙 제2조" in kept["ei_note"]
    # a full-time worker hired on the 25th earns 500,000 in January: the threshold reads the month's 보수 of the
    # contract (2,236,300), not the part of it paid — an outside audit found such a hire excluded
    late = one(law, pay=500_000, insurance_base=2_236_300, hire_date="2027-01-25", month="2027-01", pay_date="2027-02-10")
    assert late["employment_insurance"] == 4_500 and "소득기준" not in (late["ei_note"] or "")


# --- announced figures -------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv(installation.HOME_ENV, str(folder))
    installation.activate(folder)
    yield folder
    installation.deactivate()


def test_announce_validates_like_the_rules(store, home):
    cap = "health_insurance.premium_cap_employee"
    with pytest.raises(InputError, match="그런 수치가 없습니다"):
        figures.announce(store, "health_insurance.nothing", D(2027, 1, 1), D(2027, 12, 31), "1", "보건복지부 고시 제2026-1호", "t")
    with pytest.raises(InputError, match="규칙에 이미"):  # a dated statute value is not overwritten
        figures.announce(store, "minimum_wage.hourly", D(2027, 1, 1), D(2027, 12, 31), "11,000", "고용노동부 고시", "t")
    with pytest.raises(InputError, match="범위 .* 밖입니다"):
        figures.announce(store, "employment_insurance.employee_rate", D(2027, 1, 1), None, "150%", "시행령 개정", "t")
    with pytest.raises(InputError, match="source"):
        figures.announce(store, cap, D(2027, 1, 1), D(2027, 12, 31), "4,700,000", "  ", "t")
    with pytest.raises(InputError, match="정수\\(won\\)여야 합니다"):
        figures.announce(store, cap, D(2027, 1, 1), D(2027, 12, 31), "4.7백만", "보건복지부 고시 제2026-1호", "t")
    assert not (home / "rules" / "announced.toml").exists()  # nothing half-written
    result = figures.announce(store, cap, D(2027, 1, 1), D(2027, 12, 31), "4,700,000", "보건복지부 고시 제2026-1호", "clerk-kim")
    assert result["value"] == "4,700,000원"
    law = law_module.current()
    assert law.on(D(2027, 5, 1))[cap] == 4_700_000 and law.parameter(cap).state_on(D(2027, 5, 1)) == "announced"
    assert law.on(D(2027, 5, 1)).citation(cap).promulgation == "보건복지부 고시 제2026-1호"
    with pytest.raises(InputError, match="기간이 겹칩니다|규칙에 이미"):
        figures.announce(store, cap, D(2027, 6, 1), D(2027, 12, 31), "4,800,000", "보건복지부 고시 제2026-2호", "t")
    with store.session() as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "rules.announce")).one()
    assert entry.actor == "clerk-kim" and entry.target == cap


def test_an_amended_rate_supersedes_the_open_ended_one_and_a_confirmation_stops_the_flag(store, home):
    figures.announce(store, "employment_insurance.employee_rate", D(2027, 1, 1), None, "1.0%", "보험료징수법 시행령 개정 (대통령령 제3xxxx호)", "t")
    law = law_module.current()
    assert str(law.on(D(2026, 12, 31))["employment_insurance.employee_rate"]) == "9/1000"
    assert str(law.on(D(2027, 1, 1))["employment_insurance.employee_rate"]) == "1/100"
    assert law.parameter("employment_insurance.employee_rate").state_on(D(2027, 8, 1)) == "announced"
    key = "long_term_care.rate_of_income"
    figures.confirm(store, key, 2027, "장기요양위원회 2026.11 동결 (보건복지부 보도자료)", "t")
    law = law_module.current()
    assert law.parameter(key).state_on(D(2027, 12, 31)) == "in_force" and law.parameter(key).state_on(D(2028, 1, 1)) == "unconfirmed"
    assert "2027년 확인" in law.on(D(2027, 2, 1)).citation(key).note
    states = {r.key: r.state for r in figures.month_states(law, "2027-02", D(2027, 3, 10))}
    # the ratio is made of the confirmed rate and the 2027 건강보험료율 (in force): confirmed with it (D1)
    assert states[key] == "in_force" and states["long_term_care.ratio_to_health"] == "in_force"


# --- runs: refused, provisional, settled -----------------------------------------------------------

LIVING = {"2026": 12_121, "2027": 12_500}


def living_wage_build(staged):
    """fake_build with every base pay at the 생활임금 in force × 209 h: a build that reads the law the run works under."""
    built = fake_build(staged)
    first = dt.date.fromisoformat(f"{staged.month}-01")
    hourly = int(law_module.current().on(first)["living_wage.hourly"])
    built.items = built.items.with_columns(
        pl.when(pl.col("code") == "base_pay").then(hourly * 209).otherwise(pl.col("amount")).alias("amount"),
        pl.when(pl.col("code") == "base_pay").then(pl.lit(f"209시간 × {hourly:,}원")).otherwise(pl.col("method")).alias("method"),
    )
    return built


def _run(store, inputs, tmp_path, month, **kw):
    return execute_run(store, month, inputs_dir=inputs, out_root=tmp_path / "out", build=living_wage_build, jobs=1, **kw)


def _announce_rest(store, year=2027):
    for key, value in (("health_insurance.premium_cap_employee", "4,700,000"), ("health_insurance.premium_floor_employee", "10,300"),
                       ("industrial_accident.business_rate", "0.9%"), ("industrial_accident.commute_rate", "0.06%")):
        figures.announce(store, key, D(year, 1, 1), D(year, 12, 31), value, "시험 고시 (가상)", "t")


def test_a_month_needing_an_unannounced_figure_is_refused_then_run_provisional_then_settled(store, home, tmp_path):
    inputs = write_inputs(tmp_path / "inputs", month="2027-01", pay_date=D(2027, 2, 10))
    with pytest.raises(law_state.MissingFigures) as refused:
        _run(store, inputs, tmp_path, "2027-01")
    keys = [f.key for f in refused.value.figures]
    assert "living_wage.hourly" in keys and "health_insurance.premium_cap_employee" in keys and "industrial_accident.business_rate" in keys
    assert "payroll rules announce living_wage.hourly --from 2027-01-01 --to 2027-12-31" in str(refused.value)
    with store.session() as s:
        assert s.exec(select(Run)).all() == []  # nothing recorded

    jan = _run(store, inputs, tmp_path, "2027-01", provisional=True)
    assert {f["key"] for f in jan["provisional"]} == set(keys)
    with store.session() as s:
        run = s.get(Run, jan["run_id"])
        assert run.provisional and {f["key"] for f in json.loads(run.law_figures) if f["state"] == "provisional"} == set(keys)
    text = "".join(p.extract_text() for p in PdfReader(Path(jan["out_dir"]) / "payslips" / "W002.pdf").pages)
    assert "임금명세서 (잠정)" in text and "생활임금" in text and "고시 확인 전" in text
    assert "209시간 × 12,121원" in text
    close_month(store, "2027-01", "approver")

    result = figures.announce(store, "living_wage.hourly", D(2027, 1, 1), D(2027, 12, 31), "12,500", "서울특별시 고시 제2026-xxx호", "t")
    assert [a["run_id"] for a in result["affected"]] == [jan["run_id"]] and result["affected"][0]["closed"]
    _announce_rest(store)
    assert replay(store, jan["run_id"], build=living_wage_build, jobs=1).identical  # the run keeps the figures it had

    feb_inputs = write_inputs(tmp_path / "inputs", month="2027-02", pay_date=D(2027, 3, 10))
    feb = _run(store, feb_inputs, tmp_path, "2027-02")
    assert feb["provisional"] == [] and feb["provisional_settled"] and "12,121원 → 12,500원" in feb["provisional_settled"][0]
    from payroll.runs.audit import explain

    lines = [i for i in explain(store, feb["run_id"], "W002")[0]["items"] if i["code"] == "retroactive_pay"]
    assert [i["amount"] for i in lines] == [(12_500 - 12_121) * 209]
    assert "잠정분 정산" in lines[0]["method"] and "생활임금 (시간급) 12,121원 → 12,500원" in lines[0]["method"]
    assert "0.06% → 0.06%" not in lines[0]["method"]  # a figure announced as carried is not named as a change
    again = _run(store, feb_inputs, tmp_path, "2027-02")  # an open month run again carries the same lines, once
    assert again["run_hash"] == feb["run_hash"]
    close_month(store, "2027-02", "approver")
    assert replay(store, feb["run_id"] if False else again["run_id"], build=living_wage_build, jobs=1).identical
    mar = _run(store, write_inputs(tmp_path / "inputs", month="2027-03", pay_date=D(2027, 4, 10)), tmp_path, "2027-03")
    assert mar["provisional_settled"] == []  # settled once


def test_december_paid_in_january_reads_its_own_month_but_the_tax_table_of_the_pay_date(store, home, tmp_path):
    """12월분 paid on 2027-01-08: the premiums, the 생활임금 and the employer's figures are December's
    (no 2027 고시 is needed), the withholding figures are those in force on the pay date."""
    law = law_module.current()
    tax_table = law.parameter("income_tax.simplified_tax_table")
    cap = law.parameter("health_insurance.premium_cap_employee")
    assert figures.days_read(tax_table, "2026-12", D(2027, 1, 8)) == [D(2026, 12, 1), D(2026, 12, 31), D(2027, 1, 8)]
    assert figures.days_read(law.parameter("non_taxable.meal_monthly"), "2026-12", D(2027, 1, 8))[-1] == D(2027, 1, 8)
    assert figures.days_read(cap, "2026-12", D(2027, 1, 8)) == [D(2026, 12, 1), D(2026, 12, 31)]
    assert figures.days_read(tax_table, "2026-12", None) == [D(2026, 12, 1), D(2026, 12, 31)]
    december = {r.key: r.state for r in figures.month_states(law, "2026-12", D(2027, 1, 8))}
    assert "missing" not in december.values() and "unconfirmed" not in december.values()
    assert "employment_insurance.coverage_income_threshold" not in december  # §10①2 from 2027-01-01: not a December figure
    january = {r.key: r.state for r in figures.month_states(law, "2027-01", D(2027, 2, 10))}
    assert january["health_insurance.premium_cap_employee"] == "missing" and january["living_wage.hourly"] == "missing"

    inputs = write_inputs(tmp_path / "inputs", month="2026-12", pay_date=D(2027, 1, 8))
    assert figures.expected_pay_date(inputs, "2026-12") == D(2027, 1, 8)
    dec = _run(store, inputs, tmp_path, "2026-12")  # a regular run: nothing to announce first
    assert dec["provisional"] == []
    with store.session() as s:
        run = s.get(Run, dec["run_id"])
        assert not run.provisional and run.pay_date == D(2027, 1, 8)
        assert [f for f in json.loads(run.law_figures or "[]") if f["state"] == "provisional"] == []
    text = "".join(p.extract_text() for p in PdfReader(Path(dec["out_dir"]) / "payslips" / "W002.pdf").pages)
    assert "209시간 × 12,121원" in text and "잠정" not in text and "고시 확인 전" not in text


def test_close_waits_for_the_settlement_of_a_figure_entered_after_the_run(store, home, tmp_path):
    inputs = write_inputs(tmp_path / "inputs", month="2027-01", pay_date=D(2027, 2, 10))
    _run(store, inputs, tmp_path, "2027-01", provisional=True)
    close_month(store, "2027-01", "approver")
    feb_inputs = write_inputs(tmp_path / "inputs", month="2027-02", pay_date=D(2027, 3, 10))
    _run(store, feb_inputs, tmp_path, "2027-02", provisional=True)
    figures.announce(store, "living_wage.hourly", D(2027, 1, 1), D(2027, 12, 31), "12,500", "서울특별시 고시 제2026-xxx호", "t")
    with pytest.raises(InputError, match="다시 실행"):
        close_month(store, "2027-02", "approver")


def test_cli_rules_check_and_a_refused_run_exit_codes(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PAYROLL_HOME": str(tmp_path / "home")}
    run = lambda *a: subprocess.run([sys.executable, "-m", "payroll", *a], capture_output=True, text=True, cwd=tmp_path, env=env)  # noqa: E731
    p = run("rules", "check", "2027-01", "--db", str(tmp_path / "p.db"), "--json")
    data = json.loads(p.stdout)
    assert p.returncode == 1 and data["missing"] >= 4
    assert {"living_wage.hourly", "health_insurance.premium_cap_employee"} <= {f["key"] for f in data["figures"] if f["state"] == "missing"}
    p = run("rules", "check", "2026-12", "--pay-date", "2027-01-08", "--db", str(tmp_path / "p.db"))
    assert p.returncode == 0 and p.stdout.startswith("2026-12 (지급일 2027-01-08): 시행 중") and "미고시" not in p.stdout, p.stdout
    p = run("rules", "announce", "living_wage.hourly", "--from", "2027-01-01", "--to", "2027-12-31", "--value", "12,500",
            "--source", "서울특별시 고시 (시험)", "--db", str(tmp_path / "p.db"), "--by", "hr")
    assert p.returncode == 0, p.stderr
    p = run("rules", "announce", "living_wage.hourly", "--from", "2027-06-01", "--value", "13,000", "--source", "중복 (시험)", "--db", str(tmp_path / "p.db"))
    assert p.returncode == 2 and "Traceback" not in p.stderr and "living_wage.hourly" in p.stderr
    p = run("rules", "--date", "2027-03-01", "--db", str(tmp_path / "p.db"))
    assert p.returncode == 0 and "12,500" in p.stdout and "[설치본 입력]" in p.stdout


def test_calc_refuses_and_computes_provisional(tmp_path):
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps({
        "pay_date": "2027-02-10", "month": "2027-01",
        "worker": {"id": "W1", "birth_date": "1980-03-15", "hire_date": "2020-01-01", "employment": "fixed_term", "income_type": "regular",
                   "family": 1, "monthly_hours": 209, "insurance_base": 2156000},
        "pay_items": [{"code": "base_pay", "amount": 2156000}],
    }), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PAYROLL_HOME": str(tmp_path / "home")}
    p = subprocess.run([sys.executable, "-m", "payroll", "calc", str(case_file), "--json"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert p.returncode == 2 and "health_insurance.premium_cap_employee" in p.stderr and "--provisional" in p.stderr
    p = subprocess.run([sys.executable, "-m", "payroll", "calc", str(case_file), "--json", "--provisional"], capture_output=True, text=True, cwd=tmp_path, env=env)
    out = json.loads(p.stdout)
    assert out["deductions"]["national_pension"] == 107_800 and {f["key"] for f in out["provisional"]} >= {"health_insurance.premium_cap_employee"}


# --- hour-based 연차 from 2027-06-10 -------------------------------------------------------------


def test_hour_based_annual_leave_from_2027_06_10(tmp_path):
    from payroll.leave.inputs import load_leave
    from payroll.leave.units import amount_text, hour_based
    from payroll.roster import load_roster

    inputs = write_inputs(tmp_path / "inputs", month="2027-06", pay_date=D(2027, 7, 10))
    roster = load_roster(inputs / "roster.csv", inputs / "contracts.csv")
    leave = tmp_path / "leave.csv"
    leave.write_text("worker_id,date,kind,minutes\nW002,2027-06-14,연차,120\nW002,2027-06-07,연차,90\n", encoding="utf-8")
    days = load_leave(leave, roster)
    assert sorted((d.date, d.minutes) for d in days) == [(D(2027, 6, 7), 90), (D(2027, 6, 14), 120)]  # 90 min before §60⑤ is the employer's matter
    leave.write_text("worker_id,date,kind,minutes\nW002,2027-06-15,연차,90\n", encoding="utf-8")
    # the 시행령's unit is unknown (shared/reference 2027 §8): no unit is guessed, the use is taken as given
    assert [d.minutes for d in load_leave(leave, roster)] == [90]
    assert hour_based(law_module.current(), D(2027, 6, 10)) and not hour_based(law_module.current(), D(2027, 6, 9))
    entered = law_module.load(installation=announced.with_figure("", announced.Figure(
        "annual_leave.hour_unit_minutes", D(2027, 6, 10), law_module.OPEN_END, 60, "근로기준법 시행령 (가상의 시험 개정)", "tester")))
    with pytest.raises(InputError, match=r"2행: minutes: 시간 단위 연차는 60분 단위.*§60⑤"):
        load_leave(leave, roster, entered)
    leave.write_text("worker_id,date,kind,minutes\nW002,2027-06-15,연차,120\n", encoding="utf-8")
    assert [d.minutes for d in load_leave(leave, roster, entered)] == [120]
    assert amount_text(15 * 480 - 120, 480) == "14일 6시간"
    assert amount_text(15 * 480 - 120, 480, hour_based=True) == "118시간 (14일 6시간)"
    assert amount_text(240, 240) == "1일"


# --- 최저임금 before the run ------------------------------------------------------------------------


def test_a_contract_below_the_2027_minimum_wage_stops_the_run_before_anything_is_written(tmp_path):
    from samples.generate import write_set

    from payroll.runs.batch import BelowMinimumWage
    from payroll.runs.demo import stage_samples

    sample = tmp_path / "sample"
    write_set(sample, "2027-01", small=True)
    contracts = (sample / "contracts.csv").read_text(encoding="utf-8").splitlines()
    header = contracts[0].split(",")
    wage, pay_type = header.index("wage"), header.index("pay_type")
    low = next(i for i, line in enumerate(contracts[1:], start=1) if line.split(",")[pay_type] == "hourly")
    cells = contracts[low].split(",")
    cells[wage] = "10320"  # the 2026 최저임금: 380원 short of 10,700 from 2027-01-01
    contracts[low] = ",".join(cells)
    (sample / "contracts.csv").write_text("\n".join(contracts) + "\n", encoding="utf-8")
    inputs = stage_samples(tmp_path / "inputs", sample, month="2027-01", pay_date=D(2027, 2, 10))
    from payroll.store import open_store

    store = open_store(str(tmp_path / "p.db"))
    with pytest.raises(BelowMinimumWage) as refused:
        execute_run(store, "2027-01", inputs_dir=inputs, out_root=tmp_path / "out", jobs=1, provisional=True)
    (short,) = refused.value.shortfalls
    assert short["worker_id"] == cells[header.index("worker_id")] and short["hourly"] == 10_320 and short["minimum"] == 10_700
    assert short["per_hour"] == 380 and short["month"] == 380 * short["paid_minutes"] // 60
    assert "시간급 10,320원 < 최저임금 10,700원" in str(refused.value) and "최저임금법 §6①" in str(refused.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))
    with store.session() as s:
        assert s.exec(select(Run)).all() == []


# --- the console ----------------------------------------------------------------------------------


def test_console_rules_page_announce_by_the_approver_only(tmp_path):
    from test_web_fixtures import FrozenClock, PASSWORDS, add_users, csrf_from, login, make_client, make_store

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    try:
        with make_client(store, clock, tmp_path) as c:
            login(c, "clerk", PASSWORDS["clerk"])
            month = c.get("/months/2027-01")
            assert 'name="provisional"' in month.text and "보수월액보험료 상한" in month.text and "/rules/2027-01" in month.text
            page = c.get("/rules/2027-01")
            assert page.status_code == 200 and "living_wage.hourly" in page.text and "announce-form" not in page.text
            refused = c.post("/rules/2027-01/announce", data={"csrf_token": csrf_from(page.text), "key": "living_wage.hourly", "start": "2027-01-01",
                                                              "end": "2027-12-31", "value": "12,500", "source": "서울특별시 고시 (시험)"})
            assert refused.status_code == 403
        with make_client(store, clock, tmp_path) as c:
            login(c, "approver", PASSWORDS["approver"])
            page = c.get("/rules/2027-01")
            token = csrf_from(page.text)
            bad = c.post("/rules/2027-01/announce", data={"csrf_token": token, "key": "living_wage.hourly", "start": "2027-01-01", "end": "2027-12-31",
                                                          "value": "열두 원", "source": "서울특별시 고시 (시험)"})
            assert bad.status_code == 400 and "정수(won)여야 합니다" in bad.text and "Traceback" not in bad.text
            ok = c.post("/rules/2027-01/announce", data={"csrf_token": token, "key": "living_wage.hourly", "start": "2027-01-01", "end": "2027-12-31",
                                                         "value": "12,500", "source": "서울특별시 고시 (시험)"})
            assert ok.status_code == 200 and "12,500원" in ok.text
            assert law_module.current().on(D(2027, 3, 1))["living_wage.hourly"] == 12_500
            confirmed = c.post("/rules/2027-01/confirm", data={"csrf_token": token, "key": "long_term_care.rate_of_income", "year": "2027",
                                                               "source": "장기요양위원회 동결 (시험)"})
            assert confirmed.status_code == 200 and "2027년 확인" in confirmed.text
    finally:
        installation.deactivate()
        store.dispose()


def test_the_leave_ledger_looks_past_2026_and_across_2027_06_10(law):
    # Was: "no value … in force on 2027-…". A contract running 2026-07-01…2027-06-30: the first-year
    # days accrue into 2027, across the change of numbering on 2027-06-10, and are paid on leaving.
    from leave_helpers import contract, roster

    from payroll.leave.roster_ledgers import build_ledgers

    r = roster(contract("c1", "A", D(2026, 7, 1), D(2027, 6, 30), wage=10_700))
    (ledger,) = build_ledgers(r, [], D(2027, 7, 31), law=law).values()
    accruals = [e for e in ledger.entries if e.kind == "accrual"]
    assert [e.date for e in accruals] == [D(2026, m, 1) for m in range(8, 13)] + [D(2027, m, 1) for m in range(1, 7)]
    (paid,) = [e for e in ledger.entries if e.kind == "payout"]
    assert (paid.date, paid.reason, paid.minutes, paid.amount) == (D(2027, 6, 30), "leaving", 11 * 480, 11 * 8 * 10_700)


def test_an_entered_long_term_care_rate_gives_its_ratio_and_a_ratio_against_the_rates_is_refused():
    """From the 2026-11 premium the ratio is the rate ÷ 7.19% rounded at the fifth decimal (§9①, D1). An
    outside audit entered a 2027 rate of 0.97% and the January premium stayed at 0.1314 (77,500 → 10,180):
    the ratio follows the entered rate, 0.97 ÷ 7.19 = 0.13491 → 0.1349, 77,500 → 10,450."""
    from fractions import Fraction

    from tests.helpers import case

    def entered(*figures):
        text = ""
        for key, value in figures:
            text = announced.with_figure(text, announced.Figure(key, D(2027, 1, 1), law_module.OPEN_END, value, "장기요양위원회 (시험용 가상 고시)", "tester"))
        return law_module.load(installation=text, provisional=True)  # the other 2027 figures carried (잠정)

    law = entered(("long_term_care.rate_of_income", "0.0097"))
    assert law.on(D(2027, 1, 1))["long_term_care.ratio_to_health"] == Fraction(1349, 10_000)
    assert law.on(D(2026, 12, 1))["long_term_care.ratio_to_health"] == Fraction(1314, 10_000)
    assert law.parameter("long_term_care.ratio_to_health").state_on(D(2027, 1, 1)) == "announced"
    workers, items = case_frames([case(pay=2_156_000, insurance_base=2_156_000, month="2027-01", pay_date="2027-01-10")])
    out = compute(workers, items, Context(law=law, catalogue=pay_items.current())).row(0, named=True)
    assert out["health_insurance"] == 77_500 and out["long_term_care"] == 10_450
    with pytest.raises(Exception, match="비율은 두 요율에서"):
        entered(("long_term_care.rate_of_income", "0.0097"), ("long_term_care.ratio_to_health", "0.2"))
    # the rate unchanged and confirmed for 2027: the ratio stays 0.1314 and is confirmed with it
    confirmed = law_module.load(installation=announced.with_confirmation("", announced.Confirmation("long_term_care.rate_of_income", 2027, "장기요양위원회 동결 (시험용)", "tester")))
    assert confirmed.parameter("long_term_care.ratio_to_health").state_on(D(2027, 1, 1)) == "in_force"
