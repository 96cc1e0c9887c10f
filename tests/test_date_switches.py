"""The law of each run's own dates: child amounts on the pay date, premiums on the covered month."""

import pytest

from payroll import withholding
from tests.helpers import calc, d


@pytest.mark.parametrize(
    "pay_date,children,deduction",
    [
        ("2026-02-28", 1, 12_500), ("2026-03-01", 1, 20_830),
        ("2026-02-10", 2, 29_160), ("2026-03-10", 2, 45_830),
        ("2026-02-10", 3, 29_160 + 25_000), ("2026-03-10", 3, 45_830 + 33_330),
        ("2026-02-10", 5, 29_160 + 3 * 25_000), ("2026-03-10", 5, 45_830 + 3 * 33_330),
        ("2025-06-10", 1, 12_500),
    ],
)
def test_child_amounts_follow_the_pay_date(pay_date, children, deduction):
    cell = withholding.monthly(5_000_000, 6, 0, pay_date=d(pay_date))["income_tax"]
    got = withholding.monthly(5_000_000, 6, children, pay_date=d(pay_date))["income_tax"]
    assert cell - got == deduction


def test_child_amount_floors_at_zero_and_small_amounts_are_not_withheld():
    assert withholding.monthly(2_000_000, 2, 1, pay_date=d("2026-04-10"))["income_tax"] == 0  # 14,750 − 20,830 < 0
    # 3,000,000 / family 3: cell 31,940 − 2 children 45,830 → 0
    assert withholding.monthly(3_000_000, 3, 2, pay_date=d("2026-04-10"))["income_tax"] == 0


@pytest.mark.parametrize("ratio,expected", [(80, 268_370), (100, 335_470), (120, 402_560)])
def test_withholding_ratio_applies_after_the_child_amount(ratio, expected):
    # D7: cell → minus child (0 here) → × ratio → floor10: 335,470 × 0.8 = 268,376 → 268,370
    assert withholding.monthly(5_000_000, 1, 0, ratio, pay_date=d("2026-04-10"))["income_tax"] == expected


def test_ratio_and_children_together():
    # 5,000,000, family 3, one child, 120%, April 2026: (237,850 − 20,830) × 1.2 = 260,424 → 260,420
    assert withholding.monthly(5_000_000, 3, 1, 120, pay_date=d("2026-04-10"))["income_tax"] == 260_420
    assert withholding.monthly(5_000_000, 3, 1, 120, pay_date=d("2026-02-10"))["income_tax"] == (237_850 - 12_500) * 120 // 100 // 10 * 10


def test_pension_limits_switch_on_2026_07():
    june = calc(pay=9_000_000, month="2026-06", pay_date="2026-06-10")["deductions"]["national_pension"]
    july = calc(pay=9_000_000, month="2026-07", pay_date="2026-07-10")["deductions"]["national_pension"]
    assert june == 6_370_000 * 475 // 10_000 // 10 * 10 == 302_570
    assert july == 6_590_000 * 475 // 10_000 // 10 * 10 == 313_020
    assert calc(pay=100_000, month="2026-06", pay_date="2026-06-10")["deductions"]["national_pension"] == 400_000 * 475 // 10_000
    assert calc(pay=100_000, month="2026-07", pay_date="2026-07-10")["deductions"]["national_pension"] == 410_000 * 475 // 10_000 // 10 * 10


def test_pension_limits_switch_on_2025_07():
    assert calc(pay=9_000_000, month="2025-06", pay_date="2025-06-10")["deductions"]["national_pension"] == 6_170_000 * 45 // 1000
    assert calc(pay=9_000_000, month="2025-07", pay_date="2025-07-10")["deductions"]["national_pension"] == 6_370_000 * 45 // 1000


def test_2025_and_2026_rates():
    r25 = calc(pay=3_000_000, month="2025-10", pay_date="2025-10-10")["deductions"]
    r26 = calc(pay=3_000_000, month="2026-10", pay_date="2026-10-10")["deductions"]
    assert r25["national_pension"] == 135_000 and r26["national_pension"] == 142_500
    assert r25["health_insurance"] == 106_350 and r26["health_insurance"] == 107_850
    # 장기요양 exact ratio: 2025 0.9182/7.09, 2026 (to October) 0.9448/7.19
    assert r25["long_term_care"] == 106_350 * 9182 * 100 // (709 * 10_000) // 10 * 10
    assert r26["long_term_care"] == 107_850 * 9448 * 100 // (719 * 10_000) // 10 * 10


def test_premiums_use_the_covered_month_and_tax_the_pay_date():
    # December 2026 pay for November: 장기요양 uses the November ratio; the tax uses the December date.
    r = calc(pay=5_000_000, month="2026-11", pay_date="2026-12-10")
    assert r["deductions"]["long_term_care"] == 23_610
    r = calc(pay=5_000_000, month="2026-10", pay_date="2026-11-10")
    assert r["deductions"]["long_term_care"] == 23_620


def test_no_rule_in_force_is_an_error():
    from payroll.law import RuleError

    with pytest.raises(RuleError, match="2024-12-31에 시행 중인"):
        withholding.monthly(3_000_000, 1, pay_date=d("2024-12-31"))


def test_the_december_pay_of_10_january_is_withheld_by_the_table_in_force():
    # 별표2 <개정 2026.2.27> has no end date and no 2027 amendment was found (shared/reference 2027 §6):
    # December's pay, paid on 2027-01-10, uses the same cells and child amounts as November's.
    taxes = lambda day: {k: v for k, v in withholding.monthly(3_000_000, 3, 1, pay_date=d(day)).items() if "tax" in k}  # noqa: E731
    assert taxes("2027-01-10") == taxes("2026-12-10") and taxes("2027-01-10")["income_tax"] > 0
