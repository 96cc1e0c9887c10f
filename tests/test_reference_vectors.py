"""Worked vectors from shared/reference (the official simulator's recorded outputs and table cells)."""

import pytest

from payroll import withholding
from tests.helpers import calc, d

# kr-payroll-facts-2026.md §8.5 (official table cells; families 1, 2, 3, 4, 11)
TABLE_VECTORS = [
    (1_500_000, {1: 8_920, 2: 4_420}),
    (2_000_000, {1: 19_520, 2: 14_750, 3: 6_600, 4: 3_220, 11: 0}),
    (2_156_880, {1: 24_340, 2: 17_840, 3: 9_570, 4: 6_200}),
    (2_533_289, {1: 36_630, 2: 29_630, 3: 17_160, 4: 13_790}),
    (3_000_000, {1: 74_350, 2: 56_850, 3: 31_940, 4: 26_690, 11: 0}),
    (3_500_000, {1: 127_220, 2: 102_220, 3: 62_460, 4: 49_340, 11: 10_640}),
    (5_000_000, {1: 335_470, 2: 306_710, 3: 237_850, 4: 219_100, 11: 87_850}),
    (10_000_000, {1: 1_507_400, 2: 1_431_570, 3: 1_200_840, 4: 1_170_840, 11: 960_840}),
]


@pytest.mark.parametrize("wage,cells", TABLE_VECTORS)
def test_table_vectors(wage, cells):
    for family, tax in cells.items():
        row = withholding.monthly(wage, family, pay_date=d("2026-04-10"))
        assert row["income_tax"] == tax, (wage, family)
        assert row["local_income_tax"] == tax // 10 // 10 * 10


@pytest.mark.parametrize("daily_wage,tax,local", [(187_000, 0, 0), (200_000, 1_350, 130), (250_000, 2_700, 270), (150_000, 0, 0)])
def test_daily_worker_examples(daily_wage, tax, local):
    row = withholding.daily(daily_wage, 1, d("2026-04-10"))
    assert (row["income_tax"], row["local_income_tax"]) == (tax, local)


def test_daily_small_amount_is_judged_on_the_payment_not_the_day():
    # 187,000 a day: 999원 per day; three days paid together: 37,000 × 3 × 2.7% = 2,997 → 2,990
    assert withholding.daily(187_000, 3, d("2026-04-10"))["income_tax"] == 2_990


def test_simulator_2026_10_five_million():
    r = calc(pay=5_000_000, month="2026-10", pay_date="2026-10-10")
    assert r["deductions"]["health_insurance"] == 179_750
    assert r["deductions"]["long_term_care"] == 23_620
    assert r["deductions"]["national_pension"] == 237_500
    assert r["deductions"]["employment_insurance"] == 45_000


def test_long_term_care_ratio_0_1314_from_the_2026_11_premium():
    r = calc(pay=5_000_000, month="2026-11", pay_date="2026-11-10")
    assert r["deductions"]["health_insurance"] == 179_750
    assert r["deductions"]["long_term_care"] == 23_610
    assert r["employer"]["long_term_care"] == 23_610


def test_pension_cap_and_floor_2026_10():
    assert calc(pay=6_595_000, month="2026-10", pay_date="2026-10-10")["deductions"]["national_pension"] == 313_020
    assert calc(pay=350_000, month="2026-10", pay_date="2026-10-10")["deductions"]["national_pension"] == 19_470


def test_health_floor_2026():
    assert calc(pay=200_000, month="2026-10", pay_date="2026-10-10")["deductions"]["health_insurance"] == 10_080


def test_health_cap_2026_applies_to_the_premium():
    r = calc(pay=200_000_000, month="2026-04", pay_date="2026-04-10")
    assert r["deductions"]["health_insurance"] == 4_591_740
    assert r["employer"]["health_insurance"] == 4_591_740


def test_minimum_wage_month_full_slip_2026():
    # 10,320 × 209 = 2,156,880 (2026 최저임금 month), one person, April 2026
    r = calc(pay=2_156_880, month="2026-04", pay_date="2026-04-10")
    ded = r["deductions"]
    assert ded["national_pension"] == 2_156_000 * 475 // 10_000 // 10 * 10  # base floored to 1,000원 first
    assert ded["health_insurance"] == 2_156_880 * 3_595 // 100_000 // 10 * 10
    assert ded["income_tax"] == 24_340 and ded["local_income_tax"] == 2_430
    assert ded["employment_insurance"] == 2_156_880 * 9 // 1000 // 10 * 10
    assert r["employer"]["employment_insurance"] == 2_156_880 * 9 // 1000 // 10 * 10 + 2_156_880 * 85 // 10_000 // 10 * 10
    assert r["employer"]["industrial_accident"] == 2_156_880 * 96 // 10_000 // 10 * 10
    assert r["net_pay"] == r["gross_pay"] - ded["total"]


def test_meal_allowance_is_non_taxable_up_to_200000():
    r = calc(items=[{"code": "base_pay", "amount": 2_533_289}, {"code": "meal", "amount": 250_000}])
    assert r["gross_pay"] == 2_783_289
    assert r["non_taxable_pay"] == 200_000
    assert r["taxable_pay"] == 2_583_289
    # 고용보험 and the table use the taxable pay only
    assert r["deductions"]["employment_insurance"] == 2_583_289 * 9 // 1000 // 10 * 10
    assert r["deductions"]["income_tax"] == withholding.monthly(2_583_289, 1, pay_date=d("2026-04-10"))["income_tax"]
