"""The engine works on whole columns: a row's result never depends on the other rows, on the order
the workers or their pay items come in, or on a row having no items at all."""

from __future__ import annotations

import polars as pl
import pytest

from payroll.case import case_frames
from payroll.engine.pipeline import compute
from tests.helpers import case

ITEMS = [
    [{"code": "base_pay", "amount": 2_500_000}, {"code": "meal", "amount": 250_000}, {"code": "car_allowance", "amount": 150_000}],
    [{"code": "base_pay", "amount": 4_100_000}, {"code": "childcare_allowance", "amount": 300_000}, {"code": "meal", "amount": 230_000}],
    [{"code": "base_pay", "amount": 1_900_000}, {"code": "severance_pay", "amount": 8_000_000}, {"code": "group_insurance_taxable", "amount": 12_000}],
    [],  # nothing paid this month
    [{"code": "base_pay", "amount": 12_500_000}, {"code": "childbirth_support", "amount": 1_000_000}, {"code": "overtime_pay", "amount": 700_000}],
]
WORKERS = [
    {}, {"children_under_6": 2, "family": 4, "children_8_20": 1}, {"withholding_ratio": 80}, {}, {"family": 3, "birth_date": "1960-07-01"},
]


def _cases():
    return [case(items=items, id=f"T{i}", **worker) for i, (items, worker) in enumerate(zip(ITEMS, WORKERS))]


def test_a_month_computed_together_in_any_order_is_each_row_computed_alone():
    cases = _cases()
    alone = [compute(*case_frames([c])).drop("row").row(0, named=True) for c in cases]
    workers, items = case_frames(cases)
    together = compute(workers.reverse(), items.reverse())
    assert together.get_column("row").to_list() == list(range(len(cases)))  # returned in row order
    assert [r for r in together.drop("row").iter_rows(named=True)] == alone
    assert alone[3]["gross_pay"] == 0 and alone[3]["taxable_pay"] == 0


def test_a_rows_items_are_summed_by_their_tax_treatment():
    row = compute(*case_frames(_cases()[:3])).row(1, named=True)
    # 보육수당 per child under 6 from 2026 (2 × 200,000: all 300,000 of it); 식대 up to its 200,000
    assert row["gross_pay"] == 4_100_000 + 300_000 + 230_000
    assert row["non_taxable_pay"] == 300_000 + 200_000
    assert row["taxable_pay"] == 4_100_000 + 30_000
    other = compute(*case_frames(_cases()[2:3])).row(0, named=True)
    assert other["separate_pay"] == 8_000_000 and other["noncash_pay"] == 12_000 and other["taxable_pay"] == 1_912_000


def test_an_unknown_pay_code_is_named():
    workers, items = case_frames(_cases()[:1])
    with pytest.raises(KeyError, match="알 수 없는 지급 코드 'bribe'"):
        compute(workers, pl.concat([items, pl.DataFrame({"row": [0], "code": ["bribe"], "amount": [5]}, schema=items.schema)]))


def test_childcare_allowance_is_tax_free_only_for_a_child_of_6_or_under():
    """소득세법 §12 3호 머목 2): 2025 월 20만원 in total, from 2026 per child — and never for a worker without one.
    An outside oracle found 2025 keeping 200,000 tax-free for ``children_under_6: 0`` (taxable 3,000,000 where
    the law gives 3,200,000; 소득세 56,850 where the table gives 73,960)."""
    from tests.helpers import calc

    items = [{"code": "base_pay", "amount": 3_000_000}, {"code": "childcare_allowance", "amount": 200_000}]
    for month, pay_date in (("2025-10", "2025-11-10"), ("2026-10", "2026-11-10")):
        none = calc(items=items, month=month, pay_date=pay_date, family=2, children_under_6=0)
        one = calc(items=items, month=month, pay_date=pay_date, family=2, children_under_6=1)
        assert (none["taxable_pay"], one["taxable_pay"]) == (3_200_000, 3_000_000), month
    assert calc(items=items, month="2025-10", pay_date="2025-11-10", family=2, children_under_6=0)["deductions"]["income_tax"] == 73_960
