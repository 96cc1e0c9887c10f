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


def _codes(catalogue: Catalogue, keep) -> list[str]:
    return [code for code, item in catalogue.items.items() if keep(item)]


def _limit_params(frame: pl.DataFrame, ctx: Context, groups: dict[str, str]) -> pl.DataFrame:
    """pay_date → each limit group's monthly non-taxable limit in force (``_limit_<group>``) and whether
    the childcare limit is per child; one row per distinct pay date, joined onto the frame."""
    days = frame.get_column("pay_date").unique().drop_nulls().sort().to_list()
    columns: dict[str, list] = {"pay_date": days}
    for group, param in groups.items():
        columns[f"_limit_{group}"] = [int(ctx.law.on(day)[param]) for day in days]
    columns["_per_child"] = [bool(ctx.law.on(day)["non_taxable.childcare_per_child"]) if "childcare" in groups else False for day in days]
    schema = {"pay_date": pl.Date, **{f"_limit_{g}": pl.Int64 for g in groups}, "_per_child": pl.Boolean}
    return pl.DataFrame(columns, schema=schema)


def classify_pay(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Each row's pay items summed by tax treatment: one group-by over the items (a column per
    treatment and per limit group), then each limited group's non-taxable part capped on the row."""
    catalogue = ctx.catalogue
    unknown = items.filter(~pl.col("code").is_in(list(catalogue.items))).get_column("code")
    if unknown.len():
        catalogue[unknown[0]]  # raises KeyError naming the code and the known ones
    groups = dict(sorted({(i.limit_group, i.limit) for i in catalogue.items.values() if i.tax == "non_taxable_limited"}))
    amount, code, zero = pl.col("amount"), pl.col("code"), pl.lit(0, dtype=pl.Int64)

    def part(codes: list[str]) -> pl.Expr:
        return pl.when(code.is_in(codes)).then(amount).otherwise(zero)

    parts = {
        "gross_pay": amount,
        "separate_pay": part(_codes(catalogue, lambda i: i.tax == "separate")),
        "noncash_pay": part(_codes(catalogue, lambda i: not i.cash)),
        "_nt_full": part(_codes(catalogue, lambda i: i.tax == "non_taxable")),
        **{f"_group_{g}": part(_codes(catalogue, lambda i, g=g: i.tax == "non_taxable_limited" and i.limit_group == g)) for g in groups},
    }
    # sorted by row like the frame (pipeline.prepare), so the join below merges instead of hashing a million keys
    per_row = items.lazy().select(pl.col("row"), *[e.alias(k) for k, e in parts.items()]).group_by("row").agg(pl.all().sum()).sort("row").collect()

    def capped(group: str) -> pl.Expr:
        """The group's non-taxable part: its total (not below 0) up to the limit. 보육수당 is tax-free only
        for the care of a child of 6 or under (§12 3호 머목 2)): nothing for a row that says it has none,
        per child where the law says so (from 2026), the plain limit for a row that does not say."""
        limit = pl.col(f"_limit_{group}")
        if group == "childcare":
            children = pl.col("children_under_6")
            limit = (pl.when(children == 0).then(0)
                     .when(pl.col("_per_child") & children.is_not_null()).then(limit * children)
                     .otherwise(limit))
        return pl.min_horizontal(pl.col(f"_group_{group}").clip(lower_bound=0), limit)

    out = frame.join(per_row, on="row", how="left")
    if groups:
        out = out.join(_limit_params(frame, ctx, groups), on="pay_date", how="left")
    out = out.lazy().with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in parts])
    nt_limited = pl.sum_horizontal([capped(g) for g in groups]) if groups else zero
    out = out.with_columns((pl.col("_nt_full") + nt_limited).cast(pl.Int64).alias("non_taxable_pay"))
    out = out.with_columns((pl.col("gross_pay") - pl.col("separate_pay") - pl.col("non_taxable_pay")).alias("taxable_pay"))
    helpers = ["_nt_full", *[f"_group_{g}" for g in groups], *([f"_limit_{g}" for g in groups] + ["_per_child"] if groups else [])]
    return out.drop(helpers).collect()


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
