"""`payroll tax` computes one payment in plain Python (payroll.withholding); the batch run computes every
worker in polars (payroll.engine.income_tax). The two readings of the rules agree on every payment."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from payroll import withholding
from payroll.engine.income_tax import INCOME_TAX
from payroll.engine.pipeline import default_context

SCHEMA = {"row": pl.Int64, "pay_date": pl.Date, "taxable_pay": pl.Int64, "family": pl.Int64, "children_8_20": pl.Int64,
          "withholding_ratio": pl.Int64, "income_type": pl.Utf8, "work_days": pl.Int64, "daily_wages": pl.List(pl.Int64)}
COLUMNS = ("table_tax", "child_tax_deduction", "income_tax", "local_income_tax", "income_tax_note")
DAYS = st.sampled_from([dt.date(2025, 12, 10), dt.date(2026, 1, 9), dt.date(2026, 2, 10), dt.date(2026, 3, 10), dt.date(2026, 4, 10), dt.date(2026, 7, 10)])


def engine(rows: list[dict]) -> list[dict]:
    frame = pl.DataFrame({k: [r.get(k) for r in rows] for k in SCHEMA}, schema=SCHEMA).with_row_index("i").with_columns(pl.col("i").cast(pl.Int64).alias("row")).drop("i")
    out = INCOME_TAX.run(frame, pl.DataFrame(), default_context())
    return out.sort("row").select(COLUMNS).to_dicts()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-1_000, 60_000_000), st.integers(1, 15), st.integers(0, 6), st.sampled_from([80, 100, 120]), DAYS), min_size=1, max_size=40))
def test_monthly_agrees_with_the_engine(payments):
    payments = [(w, f, min(k, f - 1), r, d) for w, f, k, r, d in payments]
    rows = [{"pay_date": d, "taxable_pay": w, "family": f, "children_8_20": k, "withholding_ratio": r, "income_type": "regular"} for w, f, k, r, d in payments]
    expected = engine(rows)
    got = [{c: withholding.monthly(w, f, k, r, d)[c] for c in COLUMNS} for w, f, k, r, d in payments]
    assert got == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1_500_000), st.integers(1, 31), DAYS), min_size=1, max_size=40))
def test_daily_agrees_with_the_engine(payments):
    rows = [{"pay_date": d, "taxable_pay": w * n, "family": 1, "children_8_20": 0, "withholding_ratio": 100, "income_type": "daily", "work_days": n,
             "daily_wages": [w] * n} for w, n, d in payments]
    expected = engine(rows)
    got = [{c: withholding.daily(w, n, d)[c] for c in COLUMNS} for w, n, d in payments]
    assert got == expected
