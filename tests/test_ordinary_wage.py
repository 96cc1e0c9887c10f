"""통상임금 (근로기준법 시행령 §6): one scalar implementation (payroll.ordinary_wage), the same figure
the timesheet computes vectorised, read by the 연차 ledger and by 퇴직금."""

import datetime as dt
from fractions import Fraction
from pathlib import Path

from payroll.leave.amounts import hourly_ordinary_wage as ledger_hourly
from payroll.ordinary_wage import daily_ordinary_wage, hourly_ordinary_wage, ordinary_wage, paid_month_minutes
from payroll.roster import Contract, load_roster
from payroll.severance import compute_severance
from payroll.timesheet.monthly import MonthInputs, build_month_detail, month_bounds
from payroll.timesheet.wages import pay_lines

SMALL = Path(__file__).resolve().parent.parent / "samples" / "small"
D = dt.date


def contract(cid, start, end, *, pay="monthly", wage=0, grade="", duties="", meal=0, hours=(9, 18), brk=60, days="12345"):
    return Contract(contract_id=cid, worker_id="W1", start=start, end=end, pay_type=pay, wage=wage, work_days=days,
                    start_time=dt.time(hours[0]), end_time=dt.time(hours[1]), break_minutes=brk, duties=duties,
                    meal_allowance=meal, pay_grade=grade)


def test_scalar_equals_the_timesheet_for_every_contract_of_the_sample(law):
    """For each contract of samples/small in force in 2026-06, 통상시급 = the timesheet's ord_num ÷ ord_den × 60."""
    roster = load_roster(SMALL / "roster.csv", SMALL / "contracts.csv")
    detail = build_month_detail(MonthInputs(month="2026-06", pay_date=D(2026, 7, 10), roster=roster, attendance=(SMALL / "punch.xlsx",)), law)
    first, last = month_bounds("2026-06")
    _, summary, _ = pay_lines(detail.days, detail.weeks, roster, first, last, law)
    timesheet = {r["contract_id"]: Fraction(r["ord_num"] * 60, r["ord_den"]) for r in summary.iter_rows(named=True)}
    in_month = [c for c in roster.contracts if c.start <= last and (c.end is None or c.end >= first)]
    assert {c.contract_id for c in in_month} == set(timesheet)
    kinds = set()
    for c in in_month:
        job = roster.workers[c.worker_id].job
        scalar = hourly_ordinary_wage(c, job, law, first)
        assert scalar == timesheet[c.contract_id], (c.contract_id, scalar, timesheet[c.contract_id])
        assert daily_ordinary_wage(c, job, law, first) == scalar * c.daily_minutes / 60
        # the ledger (basis wage_and_meal, 식대 ordinary in pay_items.toml) reads the same figure
        assert ledger_hourly(c, law, first, job)[0] == scalar
        kinds.add((c.pay_type, bool(c.pay_grade), c.weekly_minutes >= 40 * 60, c.weekly_minutes >= 15 * 60))
    # the sample holds 월급 on the pay table, 시급 and 일급 full-timers, part-timers above and below 15 h
    assert {("monthly", True, True, True), ("hourly", False, True, True), ("daily", False, True, True),
            ("hourly", False, False, True), ("hourly", False, False, False)} <= kinds


def test_public_service_monthly_by_hand(law):
    """환경미화 on 공무직1-5 (2026: 2,730,000) + 직무수당 30,000 + 위험근무수당 60,000 + 식대 140,000 = 2,960,000
    over 209 h; the contract's wage does not matter (the table pays). 1일 = 8 h × that."""
    c = contract("C1", D(2026, 1, 1), None, wage=0, grade="공무직1-5", duties="환경미화", meal=140_000, hours=(6, 15))
    w = ordinary_wage(c, "환경미화", law, D(2026, 6, 1))
    assert w.hourly == Fraction(2_960_000, 209) and w.month_minutes == 209 * 60 and w.monthly == 2_960_000
    assert w.daily == Fraction(2_960_000 * 8, 209)
    assert w.how == "(월급 보수표 공무직1-5 2,730,000원 + 직무수당 30,000원 + 위험근무수당 60,000원) ÷ 209시간 + 식대 140,000원 ÷ 209시간"
    # another job has only the all-jobs 직무수당; the 2025 table has 공무직1-5 at 2,640,000
    assert hourly_ordinary_wage(c, "시설관리", law, D(2026, 6, 1)) == Fraction(2_730_000 + 30_000 + 140_000, 209)
    assert hourly_ordinary_wage(c, "환경미화", law, D(2025, 6, 2)) == Fraction(2_640_000 + 90_000 + 140_000, 209)
    # without 식대 (the ledger's basis "wage")
    assert hourly_ordinary_wage(c, "환경미화", law, D(2026, 6, 1), include_meal=False) == Fraction(2_820_000, 209)


def test_hourly_daily_and_part_time_by_hand(law):
    day = D(2026, 6, 1)
    # 시급 12,121 + 식대 100,000 ÷ 209 h
    h = contract("H", D(2026, 1, 1), None, pay="hourly", wage=12_121, meal=100_000)
    assert hourly_ordinary_wage(h, "", law, day) == 12_121 + Fraction(100_000, 209)
    # 일급 96,968 ÷ 8 h = 12,121
    d = contract("D", D(2026, 1, 1), None, pay="daily", wage=96_968)
    assert hourly_ordinary_wage(d, "", law, day) == 12_121 and daily_ordinary_wage(d, "", law, day) == 96_968
    # 16 h a week (4 days × 4 h): (16 + 3.2) × 365/84 = 83.43 → 83 h; 12 h a week: no 주휴 (§18③), 52.14 → 52 h;
    # 35 h: (35 + 7) × 365/84 = 182.5 → 183 h (half up); 40 h and more: 209 h
    assert paid_month_minutes(16 * 60, law, day) == 83 * 60
    assert paid_month_minutes(12 * 60, law, day) == 52 * 60
    assert paid_month_minutes(35 * 60, law, day) == 183 * 60
    assert paid_month_minutes(40 * 60, law, day) == paid_month_minutes(45 * 60, law, day) == 209 * 60
    p = contract("P", D(2026, 1, 1), None, pay="hourly", wage=12_121, meal=50_000, hours=(9, 13), brk=0, days="1245")
    assert hourly_ordinary_wage(p, "", law, day) == 12_121 + Fraction(50_000, 83)
    assert daily_ordinary_wage(p, "", law, day) == 4 * (12_121 + Fraction(50_000, 83))


def test_before_the_employer_tables_the_contract_wage_and_the_same_hours(law):
    """2019 (the 연차 ledger reaches it): no pay table and no working_time figures in rules/ — the month's
    hours from the 연차 rules' figures of the same statute (209 h) and the contract's wage, said so."""
    c = contract("C1", D(2018, 1, 1), None, wage=2_000_000, grade="공무직1-1", meal=100_000)
    w = ordinary_wage(c, "환경미화", law, D(2019, 6, 3))
    assert w.hourly == Fraction(2_100_000, 209) and "보수표·정액수당 규정이 없는 날" in w.how


def test_severance_of_a_public_service_worker_uses_the_pay_table_and_allowances(law):
    """공무직 환경미화 on 공무직1-1, 06:00–15:00 (8 h), renewed 2025-01-01 → 2026-01-01, last day 2026-06-30.

    통상임금 (2026 table): 2,560,000 + 직무수당 30,000 + 위험근무수당 60,000 + 식대 140,000 = 2,790,000 a month;
    1일 = 2,790,000 × 8 h ÷ 209 h = 22,320,000/209 = 106,794.26.
    평균임금: 퇴직일 2026-07-01, window 2026-04-01 … 06-30 = 91 days, 3 × 2,790,000 = 8,370,000 → 91,978.02.
    통상 > 평균 → 통상 (근로기준법 §2②).
    재직일수 2025-01-01 … 2026-06-30 = 365 + 181 = 546.
    퇴직금 = 22,320,000/209 × 30 × 546 ÷ 365 = 365,601,600,000 ÷ 76,285 = 4,792,575.2 → 4,792,575.
    (The old figure — contract wage and 식대 only, over 208.57 h — was 103,561.64 a day, 4,647,506원.)"""
    kw = {"wage": 2_560_000, "grade": "공무직1-1", "duties": "환경미화", "meal": 140_000, "hours": (6, 15)}
    cs = [contract("C1", D(2025, 1, 1), D(2025, 12, 31), **kw), contract("C2", D(2026, 1, 1), D(2026, 6, 30), **kw)]
    wages = {"2026-04": 2_790_000, "2026-05": 2_790_000, "2026-06": 2_790_000}
    s = compute_severance("W1", cs, D(2026, 6, 30), wages, law=law, job="환경미화")
    assert s.eligible and s.service_days == 546 and s.window_days == 91
    assert s.daily_average == Fraction(8_370_000, 91)
    assert s.daily_ordinary == Fraction(22_320_000, 209) and s.daily_wage == s.daily_ordinary > s.daily_average
    assert s.severance_pay == 4_792_575
    note = next(t["note"] for t in s.trace if t["step"] == "severance.daily_ordinary")
    assert "보수표 공무직1-1 2,560,000원" in note and "위험근무수당 60,000원" in note and "209시간" in note
    # without a job, the duties of the last contract (환경미화) give the same; another job lacks 위험근무수당
    assert compute_severance("W1", cs, D(2026, 6, 30), wages, law=law).severance_pay == 4_792_575
    other = compute_severance("W1", cs, D(2026, 6, 30), wages, law=law, job="시설관리")
    assert other.daily_ordinary == Fraction(2_730_000 * 8, 209)
