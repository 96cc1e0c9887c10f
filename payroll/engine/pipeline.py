"""The ordered steps from pay items to net pay, over a polars frame with one row per worker-month.

The pipeline is a plain list; each step adds columns. ``compute`` takes the worker-month frame
(see ``WORKER_SCHEMA``) and the long pay-item frame (row, code, amount) and returns the frame with
every intermediate column, which is each worker's trace.
"""

from __future__ import annotations

import polars as pl

from payroll import law as law_module
from payroll import pay_items
from payroll.engine.eligibility import ELIGIBILITY
from payroll.engine.income_tax import INCOME_TAX
from payroll.engine.insurance import (
    EMPLOYMENT_INSURANCE,
    HEALTH_INSURANCE,
    INDUSTRIAL_ACCIDENT,
    LONG_TERM_CARE,
    NATIONAL_PENSION,
)
from payroll.engine.step import Context, Output, Step
from payroll.engine.wages import CLASSIFY_PAY, ITEMS_SCHEMA

WORKER_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64,
    "worker_id": pl.Utf8,
    "month": pl.Utf8,
    "pay_date": pl.Date,
    "birth_date": pl.Date,
    "hire_date": pl.Date,
    "employment": pl.Utf8,
    "income_type": pl.Utf8,
    "family": pl.Int64,
    "children_8_20": pl.Int64,
    "children_under_6": pl.Int64,
    "withholding_ratio": pl.Int64,
    "monthly_minutes": pl.Int64,
    "weekly_minutes": pl.Int64,
    "insurance_base": pl.Int64,
    "pension_base": pl.Int64,  # 기준소득월액 declared for 국민연금 (else the 보수월액)
    "work_days": pl.Int64,
    "daily_wages": pl.List(pl.Int64),
    # Set by the leaver's settlement (issue 5): signed — a refund is negative.
    "settlement_income_tax": pl.Int64,
    "settlement_local_income_tax": pl.Int64,
    # 퇴직소득세 withheld from a 퇴직금 paid with this pay.
    "retirement_income_tax": pl.Int64,
    "retirement_local_income_tax": pl.Int64,
    # The previous year's 연말정산 (February–April pay, payroll.yearend.installments): signed, a refund is negative.
    "year_end_income_tax": pl.Int64,
    "year_end_local_income_tax": pl.Int64,
    "year_end_total_pay": pl.Int64,  # 연간 총급여 + 비과세 of the settlement, on the February line (A04 총지급액); not a deduction
    "year_end_deferred": pl.Int64,  # the part of the 추가 납부세액 left to March and April (A05 분납신청); not a deduction
}

#: deductions computed outside the monthly pipeline (settlement, 퇴직소득) and carried in as columns
CARRIED_DEDUCTIONS = ("settlement_income_tax", "settlement_local_income_tax", "retirement_income_tax", "retirement_local_income_tax",
                      "year_end_income_tax", "year_end_local_income_tax")

DEDUCTIONS = ("national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax")
#: how payslips, the register and the audit name each deduction column
DEDUCTION_LABELS = {
    "national_pension": "국민연금",
    "health_insurance": "건강보험",
    "long_term_care": "장기요양보험",
    "employment_insurance": "고용보험",
    "income_tax": "소득세",
    "local_income_tax": "지방소득세",
    "settlement_income_tax": "중도퇴사 정산 소득세",
    "settlement_local_income_tax": "중도퇴사 정산 지방소득세",
    "retirement_income_tax": "퇴직소득세",
    "retirement_local_income_tax": "퇴직소득 지방소득세",
    "year_end_income_tax": "연말정산 소득세",
    "year_end_local_income_tax": "연말정산 지방소득세",
}
EMPLOYER = (
    "employer_national_pension",
    "employer_health_insurance",
    "employer_long_term_care",
    "employer_employment_insurance",
    "employer_industrial_accident",
)


def totals(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = frame.with_columns(
        pl.sum_horizontal([pl.col(c) for c in DEDUCTIONS + CARRIED_DEDUCTIONS]).cast(pl.Int64).alias("deductions_total"),
        pl.sum_horizontal([pl.col(c) for c in EMPLOYER]).cast(pl.Int64).alias("employer_total"),
    )
    return f.with_columns(
        (pl.col("gross_pay") - pl.col("noncash_pay") - pl.col("deductions_total")).alias("net_pay"),
        (pl.col("gross_pay") + pl.col("employer_total")).alias("employer_cost"),
    )


TOTALS = Step(
    name="totals",
    article="근로기준법 §43① (임금 전액 지급; 법령에 따른 공제만), §48② (임금명세서)",
    writes=(
        Output("settlement_income_tax", "중도퇴사 연말정산 소득세 (환급은 음수)"),
        Output("settlement_local_income_tax", "중도퇴사 연말정산 지방소득세 (환급은 음수)"),
        Output("retirement_income_tax", "퇴직소득세"),
        Output("retirement_local_income_tax", "퇴직소득 지방소득세"),
        Output("year_end_income_tax", "연말정산 소득세 (전년도 귀속; 환급은 음수)"),
        Output("year_end_local_income_tax", "연말정산 지방소득세 (전년도 귀속; 환급은 음수)"),
        Output("deductions_total", "공제 합계"),
        Output("net_pay", "실지급액"),
        Output("employer_total", "사용자 부담 보험료 합계"),
        Output("employer_cost", "사용자 인건비 합계"),
    ),
    run=totals,
)

PIPELINE: tuple[Step, ...] = (
    CLASSIFY_PAY,
    ELIGIBILITY,
    NATIONAL_PENSION,
    HEALTH_INSURANCE,
    LONG_TERM_CARE,
    EMPLOYMENT_INSURANCE,
    INDUSTRIAL_ACCIDENT,
    INCOME_TAX,
    TOTALS,
)


def default_context() -> Context:
    return Context(law=law_module.current(), catalogue=pay_items.current())


def prepare(workers: pl.DataFrame) -> pl.DataFrame:
    """Fill optional columns, fix dtypes, and derive the dates the law is looked up on."""
    f = workers
    for name, dtype in WORKER_SCHEMA.items():
        if name not in f.columns:
            f = f.with_columns(pl.lit(None, dtype=dtype).alias(name))
        elif f.schema[name] != dtype:
            f = f.with_columns(pl.col(name).cast(dtype))
    if f.get_column("row").null_count():
        f = f.drop("row").with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
    # in row order from here on: the steps join per-row results by merging sorted keys
    f = f.sort("row")
    return f.with_columns(
        pl.col("month").str.strptime(pl.Date, "%Y-%m").alias("coverage_date"),
        pl.col("children_8_20").fill_null(0),
        pl.col("withholding_ratio").fill_null(100),
        pl.col("income_type").fill_null("regular"),
        *[pl.col(c).fill_null(0) for c in CARRIED_DEDUCTIONS],
        pl.col("year_end_total_pay").fill_null(0),
        pl.col("year_end_deferred").fill_null(0),
        # 소정근로시간 per week from the month's (× 12 months ÷ 365 days × 7 days) when not given.
        pl.coalesce(pl.col("weekly_minutes"), pl.col("monthly_minutes") * 84 // 365).alias("weekly_minutes"),
    )


def compute(workers: pl.DataFrame, items: pl.DataFrame, ctx: Context | None = None) -> pl.DataFrame:
    ctx = ctx or default_context()
    frame = prepare(workers)
    items = items.select([pl.col(c).cast(t) for c, t in ITEMS_SCHEMA.items()])
    for step in PIPELINE:
        frame = step.run(frame, items, ctx)
    return frame.sort("row")
