"""근로소득 원천징수: the 간이세액표 (regular pay), the 일용근로자 formula, and 지방소득세.

Looked up on the pay date (the withholding date). Order of the table steps (decision D7):
cell → minus the child amount (floor at 0) → × 80/100/120% → floor to 10원; then 소액부징수
(소득세법 §86 1호) on the amount actually withheld (switch ``income_tax.small_amount``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import polars as pl

from payroll.engine.params import param_columns, rate_on, with_params
from payroll.engine.step import Context, Output, Step
from payroll.law import Law, LawOnDate
from payroll.money import floor10_expr, small_amount_exempt_expr

TABLE_FAMILIES = 11


@lru_cache(maxsize=8)
def table_frame(path: str) -> pl.DataFrame:
    schema = {"pay_from": pl.Int64, "pay_to": pl.Int64} | {f"tax_{n}": pl.Int64 for n in range(1, TABLE_FAMILIES + 1)}
    return pl.read_csv(path, schema=schema).sort("pay_from")


def _daily_rate(on: LawOnDate) -> Fraction:
    return on["income_tax.daily_rate"] * (1 - on["income_tax.daily_tax_credit_rate"])


TAX_PARAMS = {
    "it_table": "income_tax.simplified_tax_table",
    "it_top": "income_tax.table_top_pay",
    "it_child1": "income_tax.child_deduction_one",
    "it_child2": "income_tax.child_deduction_two",
    "it_child_extra": "income_tax.child_deduction_each_extra",
    "it_daily_ded": "income_tax.daily_deduction",
    "it_daily_rate": _daily_rate,
    "it_local": "income_tax.local_income_tax_rate",
    "it_small": "income_tax.small_amount_limit",
}


def _high_income_addition(law: Law, frame: pl.DataFrame) -> pl.Expr:
    """The 별표2 formula rows above 10,000천원: 가산액 + (W − 하한) × 율, for the row's pay date."""
    expr = pl.lit(0, dtype=pl.Int64)
    dates = frame.get_column("pay_date").unique().drop_nulls().to_list()
    for day in dates:
        rows = law.on(day)["income_tax.high_income_rows"]
        per_day = pl.lit(0, dtype=pl.Int64)
        for lower, base, r in rows:  # ascending: the last matching lower bound wins
            per_day = pl.when(pl.col("_w") > lower).then(base + (pl.col("_w") - lower) * r.numerator // r.denominator).otherwise(per_day)
        expr = pl.when(pl.col("pay_date") == day).then(per_day).otherwise(expr)
    return expr


def _table_cells(table: pl.DataFrame, pay: pl.Series, family: pl.Series) -> pl.Series:
    """The cell of each (W, n): binary search for the row, then a gather from the flattened body.

    Above 11 family members, 별표2 비고 4: tax(11) − (tax(10) − tax(11)) × (n − 11), never below 0.
    Below the first row the tax is 0.
    """
    row = table.get_column("pay_from").search_sorted(pay, side="right").cast(pl.Int64) - 1
    flat = table.select(pl.concat_list([f"tax_{n}" for n in range(1, TABLE_FAMILIES + 1)]).alias("cells")).explode("cells").to_series()
    safe_row = row.clip(lower_bound=0)

    def column(n: pl.Series | int) -> pl.Series:
        return flat.gather(safe_row * TABLE_FAMILIES + (n - 1))

    t10, t11 = column(10), column(11)
    within = column(family.clip(upper_bound=TABLE_FAMILIES))
    beyond = (t11 - (t10 - t11) * (family - TABLE_FAMILIES)).clip(lower_bound=0)
    cell = pl.select(pl.when(family > TABLE_FAMILIES).then(beyond).otherwise(within)).to_series()
    return pl.select(pl.when(row < 0).then(0).otherwise(cell)).to_series().cast(pl.Int64)


def simplified_table_tax(frame: pl.DataFrame, law: Law) -> pl.DataFrame:
    """Adds ``table_tax``: the 간이세액표 amount before children and ratio (0 below the first row)."""
    f = frame.with_columns(pl.col("taxable_pay").clip(lower_bound=0).alias("_w"))
    f = f.with_columns(pl.min_horizontal(pl.col("_w"), pl.col("it_top")).alias("_lookup"))
    cell = pl.Series("_cell", [0] * f.height, dtype=pl.Int64)
    for table_path in f.get_column("it_table").unique().to_list():
        table = table_frame(str(law.data_file(table_path)))
        mask = f.get_column("it_table") == table_path
        these = _table_cells(table, f.get_column("_lookup"), f.get_column("family"))
        cell = pl.select(pl.when(mask).then(these).otherwise(cell)).to_series()
    f = f.with_columns(cell.alias("_cell"))
    high = pl.col("_w") > pl.col("it_top")
    f = f.with_columns(
        pl.when(high).then(floor10_expr(pl.col("_cell") + _high_income_addition(law, f))).otherwise(pl.col("_cell")).cast(pl.Int64).alias("table_tax")
    )
    return f.drop("_w", "_lookup", "_cell")


def income_tax(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = with_params(frame, ctx.law, "pay_date", TAX_PARAMS)
    f = simplified_table_tax(f, ctx.law)
    kids = pl.col("children_8_20")
    child = (
        pl.when(kids <= 0).then(0)
        .when(kids == 1).then(pl.col("it_child1"))
        .otherwise(pl.col("it_child2") + pl.col("it_child_extra") * (kids - 2))
    )
    adjusted = floor10_expr((pl.col("table_tax") - child).clip(lower_bound=0) * pl.col("withholding_ratio") // 100)
    if ctx.law.switch("income_tax.small_amount") == "final":
        adjusted = small_amount_exempt_expr(adjusted, pl.col("it_small"))

    # 일용근로자: Σ over the days paid of (일급 − 150,000) × 6% × (1 − 55%), floored to 10원 (decision D9).
    # With the day-by-day wages known each day counts on its own, and taxable pay beyond them (주휴, 유급휴일:
    # paid for no day worked) has no 150,000 of its own; otherwise the days were paid alike.
    listed = f.filter(pl.col("daily_wages").is_not_null())
    if listed.height:
        per_day = (
            listed.select("row", "daily_wages", "it_daily_ded")
            .explode("daily_wages")
            .group_by("row")
            .agg((pl.col("daily_wages") - pl.col("it_daily_ded")).clip(lower_bound=0).sum().alias("_daily_listed"),
                 pl.col("daily_wages").sum().alias("_daily_sum"))
        )
        f = f.join(per_day, on="row", how="left").with_columns(
            (pl.col("_daily_listed") + (pl.col("taxable_pay") - pl.col("_daily_sum")).clip(lower_bound=0)).alias("_daily_listed")
        ).drop("_daily_sum")
    else:
        f = f.with_columns(pl.lit(None, dtype=pl.Int64).alias("_daily_listed"))
    daily_excess = pl.coalesce(
        pl.col("_daily_listed"),
        (pl.col("taxable_pay") - pl.col("it_daily_ded") * pl.col("work_days").fill_null(1)).clip(lower_bound=0),
    )
    daily_tax = floor10_expr(rate_on(daily_excess, "it_daily_rate"))
    daily_tax = small_amount_exempt_expr(daily_tax, pl.col("it_small"))

    is_daily = pl.col("income_type") == "daily"
    f = f.lazy().with_columns(
        pl.when(is_daily).then(0).otherwise(child).cast(pl.Int64).alias("child_tax_deduction"),
        pl.when(is_daily).then(daily_tax).otherwise(adjusted).cast(pl.Int64).alias("income_tax"),
        pl.when(is_daily)
        .then(pl.lit("일용근로자: (일급 − 150,000) × 6% × (1 − 55%) 합계, 10원 미만 절사, 1,000원 미만 소액부징수 (소득세법 §134③, §47②, §59③, §86)"))
        .otherwise(pl.format("간이세액표 가족 {}명, 자녀 {}명 공제, {}% 적용 (소득세법 시행령 §194, 별표2)", pl.col("family"), kids, pl.col("withholding_ratio")))
        .alias("income_tax_note"),
    )
    f = f.with_columns(floor10_expr(rate_on(pl.col("income_tax"), "it_local")).cast(pl.Int64).alias("local_income_tax")).collect()
    return f.drop(param_columns(TAX_PARAMS, f) + ["_daily_listed"])


INCOME_TAX = Step(
    name="income_tax",
    article="소득세법 §134 (근로소득 간이세액표·일용근로자), 시행령 §194·별표2, 지방세법 §103의13",
    writes=(
        Output("table_tax", "간이세액표 세액 (자녀 공제 전)"),
        Output("child_tax_deduction", "자녀 공제액 (별표2 비고 3)"),
        Output("income_tax", "소득세", "income_tax_note"),
        Output("local_income_tax", "지방소득세"),
    ),
    run=income_tax,
    params=tuple(v for v in TAX_PARAMS.values() if isinstance(v, str)) + ("income_tax.high_income_rows", "income_tax.daily_rate", "income_tax.daily_tax_credit_rate"),
    date_key="pay_date",
)
