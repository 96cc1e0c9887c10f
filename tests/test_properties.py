"""Properties over random worker-months (hypothesis)."""

import datetime as dt
import json

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from payroll import withholding
from payroll.case import case_frames, parse_case
from payroll.engine.pipeline import compute
from tests.helpers import case_dict

months = st.sampled_from([f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)])
pays = st.integers(min_value=0, max_value=150_000_000)


@st.composite
def cases(draw):
    month = draw(months)
    family = draw(st.integers(1, 15))
    items = [{"code": "base_pay", "amount": draw(pays)}]
    if draw(st.booleans()):
        items.append({"code": "meal", "amount": draw(st.integers(0, 400_000))})
    if draw(st.booleans()):
        items.append({"code": "overtime_pay", "amount": draw(st.integers(0, 3_000_000))})
    hire = draw(st.dates(dt.date(2000, 1, 1), dt.date(2024, 12, 31)))
    birth = draw(st.dates(dt.date(1940, 1, 1), hire.replace(year=hire.year - 15, day=min(hire.day, 28))))
    return case_dict(
        month=month,
        pay_date=f"{month}-{draw(st.integers(1, 28)):02d}",
        items=items,
        birth_date=birth.isoformat(),
        hire_date=hire.isoformat(),
        family=family,
        children_8_20=draw(st.integers(0, family - 1)),
        withholding_ratio=draw(st.sampled_from([80, 100, 120])),
        monthly_hours=draw(st.integers(0, 250)),
        income_type=draw(st.sampled_from(["regular", "regular", "daily"])),
        work_days=draw(st.integers(1, 23)),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=12))
def test_money_invariants(batch):
    parsed = [parse_case(json.dumps(c)) for c in batch]
    out = compute(*case_frames(parsed))
    assert not any(dtype == pl.Float64 or dtype == pl.Float32 for dtype in out.schema.values()), "no float column on a money path"
    for row in out.iter_rows(named=True):
        assert row["net_pay"] <= row["gross_pay"]
        for key in ("national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax"):
            assert row[key] >= 0 and row[key] % 10 == 0, key
        on = dt.date(*map(int, row["month"].split("-")), 1)
        from payroll.law import current

        law = current().on(on)
        cap = law["national_pension.base_cap"]
        assert row["national_pension"] <= cap * law["national_pension.employee_rate"]
        assert row["health_insurance"] <= law["health_insurance.premium_cap_employee"]
        assert row["income_tax"] == 0 or row["income_tax"] >= 1_000


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 120_000_000), st.integers(0, 2_000_000), st.integers(1, 14), st.sampled_from([80, 100, 120]), st.integers(0, 4))
def test_tax_non_decreasing_in_pay(wage, raise_, family, ratio, kids):
    kids = min(kids, family - 1)
    day = dt.date(2026, 5, 10)
    lo = withholding.monthly(wage, family, kids, ratio, day)
    hi = withholding.monthly(wage + raise_, family, kids, ratio, day)
    assert hi["income_tax"] >= lo["income_tax"]
    assert hi["local_income_tax"] >= lo["local_income_tax"]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 120_000_000), st.integers(1, 14), st.sampled_from([80, 100, 120]))
def test_tax_non_increasing_in_family(wage, family, ratio):
    day = dt.date(2025, 9, 10)
    assert withholding.monthly(wage, family + 1, 0, ratio, day)["income_tax"] <= withholding.monthly(wage, family, 0, ratio, day)["income_tax"]


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_refused_on_the_money_path(x):
    import pytest

    from payroll import money

    with pytest.raises(TypeError):
        money.floor10(x)
    with pytest.raises(TypeError):
        money.apply_rate(x, money.rate("0.0475"))
    with pytest.raises(TypeError):
        money.rate(x)
