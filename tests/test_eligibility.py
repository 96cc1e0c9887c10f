"""Who pays what: each exclusion with its reason and article in the trace."""

from tests.helpers import calc


def notes(result, prefix="eligibility"):
    return " | ".join(t["note"] for t in result["trace"] if t["step"].startswith(prefix))


def test_pension_stops_for_60_and_over():
    r = calc(birth_date="1965-03-01", month="2026-04")  # turned 61 before April
    assert r["deductions"]["national_pension"] == 0 and r["employer"]["national_pension"] == 0
    assert "60세 이상" in notes(r) and "국민연금법 §8①" in notes(r)
    assert r["deductions"]["health_insurance"] > 0


def test_pension_is_due_in_the_month_of_the_60th_birthday():
    # 60세가 된 날의 다음 날 자격상실 (§12①4): birthday 2026-04-15 → April still due, May not.
    assert calc(birth_date="1966-04-15", month="2026-04")["deductions"]["national_pension"] > 0
    assert calc(birth_date="1966-04-15", month="2026-05", pay_date="2026-05-10")["deductions"]["national_pension"] == 0


def test_a_worker_under_18_is_deemed_a_member():
    # 국민연금법 §8②: 18세 미만인 근로자는 사업장가입자가 되는 것으로 본다 (opting out, its 단서, has no input yet).
    # kr-payroll-facts-2026 §1 "Age"; an outside oracle: 2,156,880 at 17 → 2,156,000 × 4.75% = 102,410 each side.
    r = calc(birth_date="2009-02-01", hire_date="2026-01-02", month="2026-04", pay=2_156_880)
    assert r["deductions"]["national_pension"] == r["employer"]["national_pension"] == 102_410
    assert "18세 미만: 사업장가입자로 봄" in notes(r) and "§8②" in notes(r)
    assert calc(birth_date="2008-04-01", hire_date="2026-01-01", month="2026-04")["deductions"]["national_pension"] > 0


def test_under_60_hours_a_month_no_pension_no_health():
    r = calc(pay=700_000, monthly_hours=59)
    assert r["deductions"]["national_pension"] == 0 and r["deductions"]["health_insurance"] == 0
    assert r["deductions"]["long_term_care"] == 0
    assert "60시간 미만" in notes(r)
    r = calc(pay=700_000, monthly_hours=60)
    assert r["deductions"]["national_pension"] > 0 and r["deductions"]["health_insurance"] > 0


def test_employment_insurance_short_hours_excluded_unless_three_months():
    short_new = calc(pay=500_000, monthly_hours=50, hire_date="2026-03-01", month="2026-04")
    assert short_new["deductions"]["employment_insurance"] == 0
    assert short_new["employer"]["employment_insurance"] == 0
    assert "고용보험법 시행령 §3" in notes(short_new)
    short_long = calc(pay=500_000, monthly_hours=50, hire_date="2026-01-31", month="2026-04")
    assert short_long["deductions"]["employment_insurance"] == 4_500


def test_employment_insurance_under_15_hours_a_week():
    r = calc(pay=800_000, monthly_hours=65, weekly_hours=14, hire_date="2026-04-01", month="2026-04")
    assert r["deductions"]["employment_insurance"] == 0
    r = calc(pay=800_000, monthly_hours=65, weekly_hours=15, hire_date="2026-04-01", month="2026-04")
    assert r["deductions"]["employment_insurance"] == 7_200


def test_daily_worker_short_hours_still_insured():
    r = calc(pay=600_000, monthly_hours=24, income_type="daily", work_days=3, hire_date="2026-04-06", month="2026-04")
    assert r["deductions"]["employment_insurance"] == 5_400
    assert "일용근로자" in notes(r)


def test_first_hired_at_65_only_employer_stability_part():
    r = calc(pay=2_000_000, birth_date="1958-01-10", hire_date="2024-03-01", month="2026-04")
    assert r["deductions"]["employment_insurance"] == 0
    assert r["employer"]["employment_insurance"] == 2_000_000 * 85 // 10_000 // 10 * 10 == 17_000
    assert "고용보험법 §10②" in notes(r)
    # insured before 65 and kept on: full coverage
    r = calc(pay=2_000_000, birth_date="1958-01-10", hire_date="2022-03-01", month="2026-04")
    assert r["deductions"]["employment_insurance"] == 18_000


def test_hired_mid_month_pension_and_health_from_next_month():
    mid = calc(hire_date="2026-04-02", month="2026-04")
    assert mid["deductions"]["national_pension"] == 0 and mid["deductions"]["health_insurance"] == 0
    assert mid["deductions"]["employment_insurance"] > 0
    assert "국민건강보험법 §69②" in notes(mid)
    first = calc(hire_date="2026-04-01", month="2026-04")
    assert first["deductions"]["national_pension"] > 0 and first["deductions"]["health_insurance"] > 0


def test_daily_worker_tax_uses_the_formula_not_the_table():
    r = calc(pay=600_000, income_type="daily", work_days=3, monthly_hours=24, family=3)
    assert r["deductions"]["income_tax"] == (600_000 - 450_000) * 27 // 1000 // 10 * 10 == 4_050
    assert r["deductions"]["local_income_tax"] == 400
    assert any("소득세법 §134③" in t["note"] for t in r["trace"] if t["step"] == "income_tax.income_tax")


def test_industrial_accident_employer_only():
    r = calc(pay=3_000_000)
    assert r["employer"]["industrial_accident"] == 28_800
    assert "industrial_accident" not in r["deductions"]


def test_a_daily_worker_or_a_contract_under_a_month_pays_no_pension_and_a_daily_one_no_health():
    """국민연금법 시행령 §2 1호: 일용근로자 and a worker hired for under one month are not 근로자 for 국민연금;
    국민건강보험법 §6②1: nor is a 일용근로자 employed for under one month a 직장가입자. An outside audit
    found 국민연금 248,180 and 건강 187,830 on a three-day daily contract (net 129,460 of 600,000)."""
    three_days = calc(pay=600_000, monthly_hours=209, income_type="daily", work_days=3, hire_date="2026-07-01", contract_end="2026-07-03", month="2026-07")
    assert three_days["deductions"]["national_pension"] == three_days["deductions"]["health_insurance"] == 0
    assert three_days["deductions"]["long_term_care"] == 0 and three_days["deductions"]["employment_insurance"] == 5_400
    assert "시행령 §2 1호" in notes(three_days) and "국민건강보험법 §6②1" in notes(three_days)
    # a fixed-term (not daily) contract of 20 days: no 국민연금, but 건강보험 (§6②1 names 일용 only)
    twenty = calc(pay=1_500_000, hire_date="2026-07-01", contract_end="2026-07-20", month="2026-07")
    assert twenty["deductions"]["national_pension"] == 0 and twenty["deductions"]["health_insurance"] > 0


def test_a_daily_worker_a_month_on_is_covered_by_8_days_60_hours_or_the_income_of_the_notice():
    """시행령 §2 1호 단서: one who keeps working a month or more is covered for a month with 8 days, 60 hours
    or 2,200,000원 (보건복지부 고시); 건강보험 needs the month of employment only (§6②1)."""
    seven = calc(pay=1_050_000, income_type="daily", work_days=7, hire_date="2026-06-01", month="2026-07")
    assert seven["deductions"]["national_pension"] == 0 and seven["deductions"]["health_insurance"] > 0
    assert "8일" in notes(seven) and "단서" in notes(seven)
    eight = calc(pay=1_200_000, income_type="daily", work_days=8, hire_date="2026-06-01", month="2026-07")
    assert eight["deductions"]["national_pension"] > 0
    rich = calc(pay=2_200_000, income_type="daily", work_days=5, hire_date="2026-06-01", month="2026-07")
    assert rich["deductions"]["national_pension"] > 0
    # the first month of a daily worker hired on the 1st: a month of work by its last day
    first = calc(pay=1_500_000, income_type="daily", work_days=10, hire_date="2026-07-01", month="2026-07")
    assert first["deductions"]["national_pension"] > 0 and first["deductions"]["health_insurance"] > 0
    # hired on the 2nd: not yet a month on 31 July
    second = calc(pay=1_500_000, income_type="daily", work_days=10, hire_date="2026-07-02", month="2026-07")
    assert second["deductions"]["national_pension"] == second["deductions"]["health_insurance"] == 0
