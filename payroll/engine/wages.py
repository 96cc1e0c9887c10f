"""Pay items → gross, taxable and non-taxable pay (소득세법 §12 비과세 근로소득)."""

from __future__ import annotations

import polars as pl

from payroll.engine.step import Context, Output, Step
from payroll.pay_items import Catalogue

ITEMS_SCHEMA = {"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64}


def catalogue_frame(catalogue: Catalogue) -> pl.DataFrame:
    items = list(catalogue.items.values())
    return pl.DataFrame(
        {
            "code": [i.code for i in items],
            "tax": [i.tax for i in items],
            "limit_group": [i.limit_group for i in items],
            "limit_param": [i.limit for i in items],
            "cash": [i.cash for i in items],
        },
        schema={"code": pl.Utf8, "tax": pl.Utf8, "limit_group": pl.Utf8, "limit_param": pl.Utf8, "cash": pl.Boolean},
    )


def item_labels(catalogue: Catalogue) -> pl.Expr:
    """Each item's label from the catalogue (an unknown code stands for itself), as one column expression."""
    codes = list(catalogue.items)
    return pl.col("code").replace(codes, [catalogue.items[c].label for c in codes]).cast(pl.Utf8)


def _limit_table(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """(pay_date, limit_group) → the monthly non-taxable limit in force and whether it is per child."""
    groups = {(i.limit_group, i.limit) for i in ctx.catalogue.items.values() if i.limit_group}
    rows = []
    for day in frame.get_column("pay_date").unique().drop_nulls().to_list():
        on = ctx.law.on(day)
        for group, param in sorted(groups):
            per_child = bool(on["non_taxable.childcare_per_child"]) if group == "childcare" else False
            rows.append((day, group, int(on[param]), per_child))
    return pl.DataFrame(rows, schema={"pay_date": pl.Date, "limit_group": pl.Utf8, "limit": pl.Int64, "per_child": pl.Boolean}, orient="row")


def classify_pay(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    cat = catalogue_frame(ctx.catalogue)
    code = pl.col("code")
    it = items.with_columns(
        code.replace_strict(cat["code"], cat["tax"], return_dtype=pl.Utf8).alias("tax"),
        code.replace_strict(cat["code"], cat["cash"], return_dtype=pl.Boolean).alias("cash"),
        code.replace_strict(cat["code"], cat["limit_group"], default=None, return_dtype=pl.Utf8).alias("limit_group"),
    )
    amount = pl.col("amount")
    zero = pl.lit(0, dtype=pl.Int64)
    per_row = it.group_by("row").agg(
        amount.sum().alias("gross_pay"),
        pl.when(pl.col("tax") == "separate").then(amount).otherwise(zero).sum().alias("separate_pay"),
        pl.when(~pl.col("cash")).then(amount).otherwise(zero).sum().alias("noncash_pay"),
        pl.when(pl.col("tax") == "non_taxable").then(amount).otherwise(zero).sum().alias("_nt_full"),
    )
    limited = it.filter(pl.col("tax") == "non_taxable_limited").group_by(["row", "limit_group"]).agg(amount.sum().alias("group_total"))
    if limited.height:
        limited = (
            limited.join(frame.select("row", "pay_date", "children_under_6"), on="row", how="left")
            .join(_limit_table(frame, ctx), on=["pay_date", "limit_group"], how="left")
            .with_columns(
                pl.when(pl.col("per_child") & pl.col("children_under_6").is_not_null())
                .then(pl.col("limit") * pl.col("children_under_6"))
                .otherwise(pl.col("limit"))
                .alias("limit_effective")
            )
            .with_columns(pl.min_horizontal(pl.col("group_total").clip(lower_bound=0), pl.col("limit_effective")).alias("nt"))
            .group_by("row")
            .agg(pl.col("nt").sum().alias("_nt_limited"))
        )
    else:
        limited = pl.DataFrame(schema={"row": pl.Int64, "_nt_limited": pl.Int64})
    out = frame.join(per_row, on="row", how="left").join(limited, on="row", how="left")
    zero_cols = ["gross_pay", "separate_pay", "noncash_pay", "_nt_full", "_nt_limited"]
    out = out.with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in zero_cols])
    out = out.with_columns((pl.col("_nt_full") + pl.col("_nt_limited")).alias("non_taxable_pay"))
    out = out.with_columns((pl.col("gross_pay") - pl.col("separate_pay") - pl.col("non_taxable_pay")).alias("taxable_pay"))
    return out.drop("_nt_full", "_nt_limited")


CLASSIFY_PAY = Step(
    name="classify_pay",
    article="소득세법 §12 3호 (비과세 근로소득), 시행령 §12",
    writes=(
        Output("gross_pay", "지급총액"),
        Output("non_taxable_pay", "비과세소득"),
        Output("taxable_pay", "과세대상 근로소득 (월급여액)"),
        Output("separate_pay", "퇴직소득 (근로소득 아님)"),
        Output("noncash_pay", "현물·비현금 과세분"),
    ),
    run=classify_pay,
    params=("non_taxable.meal_monthly", "non_taxable.car_monthly", "non_taxable.childcare_monthly"),
    date_key="pay_date",
)
