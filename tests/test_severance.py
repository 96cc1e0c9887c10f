"""퇴직금 (퇴직급여법 §4, §8; 근로기준법 §2) and 퇴직소득세 (소득세법 §48, §55②), by hand."""

import datetime as dt
from fractions import Fraction

from payroll.roster import Contract
from payroll.severance import compute_severance, service_years


def contract(cid, start, end, wage=2_500_000, pay_type="monthly", days="12345", end_time=dt.time(18)):
    return Contract(contract_id=cid, worker_id="W1", start=start, end=end, pay_type=pay_type, wage=wage, work_days=days,
                    start_time=dt.time(9), end_time=end_time, break_minutes=60)


def test_exactly_one_year_qualifies():
    # 2025-03-01 … 2026-02-28: 365 days, 퇴직일 2026-03-01. Window 2025-12-01 … 2026-02-28 = 31+31+28 = 90 days,
    # wages 3 × 2,500,000 = 7,500,000 → 평균 83,333.33. 통상 (the timesheet's 통상임금: the monthly wage + the
    # all-jobs 직무수당 30,000 of rules/employer/timesheet.toml, ordinary in pay_items.toml) over 209 h:
    # (2,500,000 + 30,000) × 8 h ÷ 209 h = 1,840,000/19 = 96,842.11 > 평균 → 통상 (§2②).
    # 퇴직금 = 1,840,000/19 × 30 × 365 ÷ 365 = 2,905,263.16 → 2,905,263.
    # 세: 근속 1년, 공제 1,000,000; 환산 1,905,263 × 12 = 22,863,156; 공제 8,000,000 + 60% × 14,863,156
    # = 16,917,893 (원 미만 절사); 과세표준 5,945,263; × 6% = 356,715; ÷ 12 × 1 = 29,726 → 29,720; 지방 2,970.
    c = [contract("C1", dt.date(2025, 3, 1), dt.date(2026, 2, 28))]
    s = compute_severance("W1", c, dt.date(2026, 2, 28), {"2025-12": 2_500_000, "2026-01": 2_500_000, "2026-02": 2_500_000})
    assert s.eligible and s.service_days == 365 and s.window_days == 90
    assert s.daily_ordinary == Fraction(1_840_000, 19) and s.daily_wage == s.daily_ordinary
    assert s.severance_pay == 2_905_263
    assert s.tax_steps["converted_pay_deduction"] == 16_917_893
    assert (s.retirement_income_tax, s.retirement_local_income_tax) == (29_720, 2_970)
    assert s.carried_columns() == {"retirement_income_tax": 29_720, "retirement_local_income_tax": 2_970}
    assert s.pay_item() == {"code": "severance_pay", "amount": 2_905_263}


def test_one_year_minus_a_day_gets_nothing():
    c = [contract("C1", dt.date(2025, 3, 1), dt.date(2026, 2, 27))]
    s = compute_severance("W1", c, dt.date(2026, 2, 27), {})
    assert not s.eligible and s.severance_pay == 0 and s.retirement_income_tax == 0
    assert "1년 미만" in s.reason


def test_three_years_with_a_raise_in_the_last_three_months():
    # Renewed without a gap: 2023-07-01 … 2026-03-31 at 2,500,000, then 2026-04-01 … 2026-06-30 at 2,800,000.
    # 재직일수 2023-07-01 … 2026-06-30 = 1,096 (2024 is a leap year). Window 2026-04-01 … 06-30 = 91 days;
    # wages 3 × 3,300,000 (2,800,000 + 500,000 연장) = 9,900,000 → 평균 108,791.21;
    # 통상 (2,800,000 + 직무수당 30,000) × 8 h ÷ 209 h = 108,325.36 < 평균 → 평균.
    # 퇴직금 = 9,900,000 × 30 × 1,096 ÷ (91 × 365) = 9,800,150.5… → 9,800,150.
    # 세: 근속 3년, 공제 3,000,000; 환산 6,800,150 ÷ 3 × 12 = 27,200,600; 공제 8,000,000 + 60% × 19,200,600
    # = 19,520,360; 과세표준 7,680,240 × 6% = 460,814; ÷ 12 × 3 = 115,203 → 115,200; 지방 11,520.
    c = [contract("C1", dt.date(2023, 7, 1), dt.date(2026, 3, 31)), contract("C2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), wage=2_800_000)]
    wages = {"2026-04": 3_300_000, "2026-05": 3_300_000, "2026-06": 3_300_000}
    s = compute_severance("W1", c, dt.date(2026, 6, 30), wages)
    assert s.service_start == dt.date(2023, 7, 1) and s.service_days == 1_096 and s.window_days == 91
    assert s.daily_wage == s.daily_average == Fraction(9_900_000, 91)
    assert s.severance_pay == 9_800_150 and s.years == 3
    assert (s.retirement_income_tax, s.retirement_local_income_tax) == (115_200, 11_520)


def test_window_not_aligned_to_months_is_prorated():
    # last day 2026-03-15 → 퇴직일 03-16; window 2025-12-16 … 2026-03-15: 16 + 31 + 28 + 15 = 90 days
    # wages: Dec 3,100,000 × 16/31 = 1,600,000; Jan 3,000,000; Feb 2,800,000; Mar 1,500,000 — the pay for 03-01 … 03-15,
    # already 일할, counted whole (an outside audit found the leaving month cut a second time: × 15/31 again)
    c = [contract("C1", dt.date(2024, 1, 2), dt.date(2026, 3, 15))]
    wages = {"2025-12": 3_100_000, "2026-01": 3_000_000, "2026-02": 2_800_000, "2026-03": 1_500_000}
    s = compute_severance("W1", c, dt.date(2026, 3, 15), wages)
    assert s.window_days == 90 and s.window_wages == 8_900_000


def test_gap_and_short_hours_break_the_chain():
    # a gap: 2024 contract, then 2025-03-01 … 2026-02-27 — only the last one counts: under a year
    c = [contract("C0", dt.date(2024, 1, 1), dt.date(2024, 12, 31)), contract("C1", dt.date(2025, 3, 1), dt.date(2026, 2, 27))]
    s = compute_severance("W1", c, dt.date(2026, 2, 27), {})
    assert not s.eligible and "gap" in s.reason
    # 3 days × 4 h = 12 h a week: outside §4①
    short = [contract("C1", dt.date(2024, 1, 1), dt.date(2026, 2, 27), pay_type="hourly", wage=10_320, days="135", end_time=dt.time(14))]
    s = compute_severance("W1", short, dt.date(2026, 2, 27), {})
    assert not s.eligible and "15 h" in s.reason


def test_service_years_counts_a_part_year_as_a_year():
    assert service_years(dt.date(2023, 7, 1), dt.date(2026, 6, 30)) == 3
    assert service_years(dt.date(2023, 7, 1), dt.date(2026, 7, 1)) == 4
    assert service_years(dt.date(2025, 3, 1), dt.date(2025, 12, 31)) == 1


def test_a_service_from_29_february_completes_its_year_on_28_february():
    # 민법 §160③: a year from 2024-02-29 ends on 2025-02-28 (2025 has no 29 February: the month's last day).
    # 2024-02-29 … 2025-02-27 is 365 days but not a year; … 2025-02-28 (366 days, 퇴직일 03-01) is one year.
    c = [contract("C1", dt.date(2024, 2, 29), dt.date(2025, 2, 28))]
    wages = {"2024-12": 2_500_000, "2025-01": 2_500_000, "2025-02": 2_500_000}
    short = compute_severance("W1", c, dt.date(2025, 2, 27), wages)
    assert not short.eligible and short.service_days == 365 and "1년 미만" in short.reason
    full = compute_severance("W1", c, dt.date(2025, 2, 28), wages)
    assert full.eligible and full.service_days == 366 and full.years == 1
    # 근속연수 (소득세법 §48①): 2024-02-29 … 2026-02-28 is two whole years, not two and a part
    assert service_years(dt.date(2024, 2, 29), dt.date(2026, 2, 28)) == 2
    assert service_years(dt.date(2024, 2, 29), dt.date(2026, 3, 1)) == 3
    # a year from 2023-03-01 ends the day before 2024-03-01, i.e. on 2024-02-29 (§160②)
    assert service_years(dt.date(2023, 3, 1), dt.date(2024, 2, 29)) == 1
    assert service_years(dt.date(2023, 3, 1), dt.date(2024, 3, 1)) == 2


def test_last_working_day_before_the_hire_date_is_an_input_error():
    import pytest

    from payroll.case import InputError

    c = [contract("C1", dt.date(2025, 3, 1), dt.date(2026, 2, 28))]
    with pytest.raises(InputError, match="last working day: 2025-02-27이\\(가\\) 입사일 2025-03-01보다 앞섭니다"):
        compute_severance("W1", c, dt.date(2025, 2, 27), {})


def test_a_renewal_over_a_weekend_and_a_holiday_keeps_the_service_whole():
    """A: 2024-03-04 … 2025-02-28 (Fri), B: 2025-03-04 … — the gap is Sat 3/1 (삼일절), Sun 3/2 and the 대체공휴일
    3/3: days A would not have worked. One service of 726 days, not two (an outside audit found no 퇴직금)."""
    c = [contract("A", dt.date(2024, 3, 4), dt.date(2025, 2, 28)), contract("B", dt.date(2025, 3, 4), dt.date(2026, 2, 27))]
    wages = {"2025-11": 2_500_000, "2025-12": 2_500_000, "2026-01": 2_500_000, "2026-02": 2_500_000}
    s = compute_severance("W1", c, dt.date(2026, 2, 27), wages)
    assert s.eligible and s.service_start == dt.date(2024, 3, 4) and s.service_days == 726
    # a working day in the gap breaks it: B alone, from 2025-03-05, is under a year
    late = [contract("A", dt.date(2024, 3, 4), dt.date(2025, 2, 28)), contract("B", dt.date(2025, 3, 5), dt.date(2026, 2, 27))]
    assert compute_severance("W1", late, dt.date(2026, 2, 27), wages).service_start == dt.date(2025, 3, 5)


def test_a_part_timers_daily_ordinary_wage_is_four_weeks_hours_over_twenty_days():
    """근로기준법 시행령 별표2: a 단시간근로자's 1일 소정근로시간 = 4주 소정근로시간 ÷ 통상근로자의 4주 총 소정근로일수.
    8 h on Mon and Wed (16 h a week, 1 h break): 16 × 4 ÷ 20 = 3.2 h a day, not 8 h."""
    c = [contract("P", dt.date(2024, 7, 1), dt.date(2026, 6, 30), wage=12_121, pay_type="hourly", days="13")]
    wages = {m: 69 * 12_121 for m in ("2026-03", "2026-04", "2026-05", "2026-06")}
    s = compute_severance("W1", c, dt.date(2026, 6, 30), wages)
    assert s.daily_ordinary == Fraction(12_121 * 16 * 4, 20)
    assert s.daily_wage == max(s.daily_average, s.daily_ordinary)


def test_retirement_tax_under_1000_won_is_not_withheld():
    """소득세법 §86 1호: tax under 1,000원 withheld on 퇴직소득 is not collected (an outside audit found 500/50 taken)."""
    c = [contract("C1", dt.date(2025, 7, 1), dt.date(2026, 6, 30))]
    s = compute_severance("W1", c, dt.date(2026, 6, 30), {m: 1_700_000 for m in ("2026-03", "2026-04", "2026-05", "2026-06")},
                          daily_ordinary=Fraction(56_250))
    assert 0 < s.tax_steps["computed_tax"] < 1_000 and s.retirement_income_tax == 0 and s.retirement_local_income_tax == 0


def test_an_under_15_hour_contract_between_others_is_left_out_and_the_rest_added():
    """40 h in 2023, 12 h in 2024-01 … 06, 40 h from 2024-07 to 2026-06-30: the 182 days under 15 h are outside
    퇴직급여법 §4① and the service on each side is added, 1,277 − 182 = 1,095 days (고용노동부 practice); the
    chain used to restart on 2024-07-01 (730 days) — an outside audit."""
    c = [contract("A", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
         contract("B", dt.date(2024, 1, 1), dt.date(2024, 6, 30), days="123", end_time=dt.time(14)),
         contract("C", dt.date(2024, 7, 1), dt.date(2026, 6, 30))]
    assert c[1].weekly_minutes == 12 * 60
    s = compute_severance("W1", c, dt.date(2026, 6, 30), {m: 2_500_000 for m in ("2026-03", "2026-04", "2026-05", "2026-06")})
    assert s.eligible and s.service_start == dt.date(2023, 1, 1) and s.service_days == 1_095 and s.years == 3
    # under 15 h at the leaving day: nothing counted
    late = [contract("A", dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
            contract("B", dt.date(2026, 1, 1), dt.date(2026, 6, 30), days="123", end_time=dt.time(14))]
    assert not compute_severance("W1", late, dt.date(2026, 6, 30), {m: 900_000 for m in ("2026-03", "2026-04", "2026-05", "2026-06")}).eligible
