"""The worker-week frame: 주휴 (근로기준법 §55①, 시행령 §30①) of every week whose 주휴일 the month holds.

A week runs from the day after the 주휴일 to the 주휴일 (Monday–Sunday when that is Sunday) and
belongs to the month holding its 주휴일. The 주휴 is due when the
contract covers the 주휴일, the scheduled week is ≥ 15 h (§18③), and every scheduled working day
of the week was attended or on paid leave (a paid public holiday is not a working day, so it never
costs the 주휴). Hours = weekly scheduled ÷ 40 × 8, at most 8, pro rata to the scheduled days the
contract covers in a week it starts in.

A week crossing the month's edge is judged on its days in both months, read from the same
exports: a scheduled day there with no record counts as absent, and the week's note (and the
month's warnings) name those days so the clerk can add the other month's records.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from payroll import law as law_module
from payroll.timesheet.days import Policy


def build_weeks(days: pl.DataFrame, first: dt.date, last: dt.date, law: law_module.Law | None = None) -> pl.DataFrame:
    """One row per worker-week whose 주휴일 is covered by a contract and falls in [first, last]."""
    pol = Policy.on(first, law)
    missed = pl.col("workday") & ~pl.col("attended")
    per_week = days.group_by(["worker_id", "week"]).agg(
        missed.sum().alias("missed_days"),
        (missed & pl.col("in_month")).sum().alias("_missed_in_month"),
        pl.col("date").filter(missed & ~pl.col("in_month")).sort().alias("edge_missing"),
        pl.col("scheduled").sum().alias("sched_days_in_contract"),
        pl.col("regular").filter(pl.col("in_month")).sum().alias("regular"),
        pl.col("overtime").filter(pl.col("in_month")).sum().alias("overtime"),
        pl.col("night").filter(pl.col("in_month")).sum().alias("night"),
        pl.col("holiday_work").filter(pl.col("in_month")).sum().alias("holiday_work"),
        pl.col("paid_leave").filter(pl.col("in_month")).sum().alias("paid_leave"),
    )
    rest = days.filter(pl.col("weekday") == pl.col("rest_wd")).select(
        "worker_id", "week", "contract_id", pl.col("date").alias("rest_date"), "weekly_min", "n_sched", "covered_by_55", "in_month"
    )
    w = rest.join(per_week, on=["worker_id", "week"], how="left")
    full = pl.min_horizontal(pl.col("weekly_min") * pol.weekly_holiday_max // pol.weekly_cap, pl.lit(pol.weekly_holiday_max))
    eligible = pl.col("covered_by_55") & (pl.col("missed_days") == 0) & (pl.col("sched_days_in_contract") > 0)
    edge = pl.format("다른 달 소정근로일 {} 출퇴근 기록 없음 (결근으로 봄)", pl.col("edge_missing").list.eval(pl.element().dt.strftime("%m-%d")).list.join(", "))
    inside = pl.format("소정근로일 결근 {}일", pl.col("_missed_in_month"))
    has_edge = pl.col("edge_missing").list.len() > 0
    missed_note = (
        pl.when((pl.col("_missed_in_month") > 0) & has_edge).then(pl.concat_str([inside, edge], separator="; "))
        .when(has_edge).then(edge)
        .otherwise(inside)
    )
    w = w.with_columns(
        eligible.alias("weekly_holiday_eligible"),
        pl.when(eligible).then(full * pl.min_horizontal(pl.col("sched_days_in_contract"), pl.col("n_sched")) // pl.col("n_sched")).otherwise(0).alias("weekly_holiday_minutes"),
        pl.when(~pl.col("covered_by_55")).then(pl.lit("1주 소정근로 15시간 미만 (근로기준법 §18③)"))
        .when(pl.col("missed_days") > 0).then(missed_note)
        .when(pl.col("sched_days_in_contract") == 0).then(pl.lit("소정근로일 없음"))
        .otherwise(pl.lit("개근")).alias("weekly_holiday_note"),
    )
    return w.filter(pl.col("in_month")).drop("in_month", "_missed_in_month").sort(["worker_id", "week"])
