"""Withholding for one payment, through the same vectorised step the batch run uses."""

from __future__ import annotations

import datetime as dt

import polars as pl

from payroll.engine.income_tax import INCOME_TAX
from payroll.engine.pipeline import default_context
from payroll.engine.step import Context


def _one_row(**columns) -> pl.DataFrame:
    schema = {
        "row": pl.Int64, "pay_date": pl.Date, "taxable_pay": pl.Int64, "family": pl.Int64, "children_8_20": pl.Int64,
        "withholding_ratio": pl.Int64, "income_type": pl.Utf8, "work_days": pl.Int64, "daily_wages": pl.List(pl.Int64),
    }
    data = {k: [columns.get(k)] for k in schema}
    data["row"] = [0]
    return pl.DataFrame(data, schema=schema)


def monthly(wage: int, family: int, children: int = 0, ratio: int = 100, pay_date: dt.date | None = None, ctx: Context | None = None) -> dict:
    """간이세액표 withholding on 월급여액 ``wage`` (비과세 excluded) paid on ``pay_date``."""
    ctx = ctx or default_context()
    frame = _one_row(pay_date=pay_date, taxable_pay=wage, family=family, children_8_20=children, withholding_ratio=ratio, income_type="regular")
    return INCOME_TAX.run(frame, pl.DataFrame(), ctx).row(0, named=True)


def daily(daily_wage: int, days: int, pay_date: dt.date | None = None, ctx: Context | None = None) -> dict:
    """일용근로자 withholding on ``days`` days paid together at ``daily_wage`` each."""
    ctx = ctx or default_context()
    frame = _one_row(pay_date=pay_date, taxable_pay=daily_wage * days, family=1, children_8_20=0, withholding_ratio=100, income_type="daily", work_days=days, daily_wages=[daily_wage] * days)
    return INCOME_TAX.run(frame, pl.DataFrame(), ctx).row(0, named=True)
