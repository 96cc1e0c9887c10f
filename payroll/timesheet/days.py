"""The worker-day and worker-week frames, vectorised over every worker (integer minutes).

A *business day* (``date``) is the day a shift starts on (see ``payroll.attendance.checks``); a
shift crossing midnight stays one shift but its minutes are split by calendar day, so 휴일 work
is counted 0–24시 of the holiday and 야간 22–06시 wherever it falls.

Per shift (after rounding the punches, ``timesheet.rounding_*``):

- On a scheduled day (a paid holiday that falls on one included), time before the scheduled
  start is not work unless an approval covers it; with ``timesheet.after_end_requires_approval``
  (the district's default) the same holds after the scheduled end. On an unscheduled day every
  punched minute counts.
- The contract's break sits in the middle of the scheduled span (on any day, at the contract's
  clock times) and is not work where the shift covers it.
- Minutes on a calendar day that is a 휴일 *for this worker* are 휴일근로 (근로기준법 §56②): a paid
  public holiday (``payroll.holidays``) or the worker's 주휴일 (Sunday, or the last unscheduled
  weekday when Sunday is scheduled) — only for a worker of 15 h a week or more (§18③).
- Other minutes are 정규 up to the day's cap (the scheduled minutes, at most 8 h; on an unscheduled
  day 8 h for a full-timer and 0 for a part-timer) and, over the week, up to the weekly cap
  (scheduled weekly minutes, at most 40 h); the rest is 연장 (§56①; for part-timers 기간제법 §6③).

Per week (Monday–Sunday), the 주휴 (§55①, 시행령 §30①) belongs to the month holding the 주휴일:
eligible when the contract covers the 주휴일, the scheduled week is ≥ 15 h, and every scheduled
working day of the week was attended or on paid leave. A paid public holiday is not a working day,
so it never costs the 주휴. Hours = weekly scheduled ÷ 40 × 8, at most 8, pro rata to the
scheduled days the contract covers in a week it starts in. Days of the week outside the month
being built are taken as attended (their punches belong to the other month's export).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from payroll import law as law_module
from payroll.holidays import holidays_between
from payroll.roster import Roster

DAY = 1440


@dataclass(frozen=True)
class Policy:
    daily_cap: int  # minutes
    weekly_cap: int
    short_weekly: int
    weekly_holiday_max: int
    night_start: int  # minute of day
    night_end: int
    holiday_split: int
    rounding: int
    rounding_mode: str
    after_end_needs_approval: bool

    @classmethod
    def on(cls, day: dt.date, law: law_module.Law | None = None) -> "Policy":
        on = (law or law_module.current()).on(day)
        return cls(
            daily_cap=int(on["working_time.daily_hours"]) * 60,
            weekly_cap=int(on["working_time.weekly_hours"]) * 60,
            short_weekly=int(on["working_time.short_hours_weekly"]) * 60,
            weekly_holiday_max=int(on["working_time.weekly_holiday_hours"]) * 60,
            night_start=int(on["working_time.night_start_hour"]) * 60,
            night_end=int(on["working_time.night_end_hour"]) * 60,
            holiday_split=int(on["working_time.holiday_premium_hours"]) * 60,
            rounding=int(on["timesheet.rounding_minutes"]),
            rounding_mode=str(on["timesheet.rounding_mode"]),
            after_end_needs_approval=bool(on["timesheet.after_end_requires_approval"]),
        )


def rest_weekday(work_days: str) -> int:
    """The 주휴일: Sunday (7) unless scheduled, else the last unscheduled weekday (0 = none)."""
    free = [d for d in range(7, 0, -1) if str(d) not in work_days]
    return free[0] if free else 0


def contracts_frame(roster: Roster, first: dt.date, last: dt.date) -> pl.DataFrame:
    rows = []
    for c in roster.contracts:
        if c.start > last or (c.end is not None and c.end < first):
            continue
        rows.append((
            c.worker_id, c.contract_id, c.start, c.end, c.pay_type, c.wage, c.work_days,
            c.start_time.hour * 60 + c.start_time.minute, c.break_minutes, c.daily_minutes,
            c.weekly_minutes, c.monthly_minutes, c.meal_allowance, c.pay_grade, rest_weekday(c.work_days), len(c.weekdays),
        ))
    schema = {
        "worker_id": pl.Utf8, "contract_id": pl.Utf8, "c_start": pl.Date, "c_end": pl.Date, "pay_type": pl.Utf8,
        "wage": pl.Int64, "work_days": pl.Utf8, "start_min": pl.Int64, "break_min": pl.Int64, "daily_min": pl.Int64,
        "weekly_min": pl.Int64, "monthly_min": pl.Int64, "meal": pl.Int64, "pay_grade": pl.Utf8, "rest_wd": pl.Int64, "n_sched": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _ov(s1: pl.Expr, e1: pl.Expr, *windows: tuple[pl.Expr, pl.Expr]) -> pl.Expr:
    """Minutes in the intersection of [s1, e1) and every window."""
    starts = [s1] + [w[0] for w in windows]
    ends = [e1] + [w[1] for w in windows]
    return (pl.min_horizontal(ends) - pl.max_horizontal(starts)).dt.total_minutes().clip(lower_bound=0)


def _round(ts: pl.Expr, unit: int, up: bool | None) -> pl.Expr:
    if unit <= 1:
        return ts
    every = f"{unit}m"
    if up is None:  # nearest, half up
        return (ts + pl.duration(seconds=unit * 30)).dt.truncate(every)
    if up:
        return (ts + pl.duration(minutes=unit) - pl.duration(microseconds=1)).dt.truncate(every)
    return ts.dt.truncate(every)


def build_days(
    roster: Roster,
    shifts: pl.DataFrame,
    leave: pl.DataFrame,
    approvals: pl.DataFrame,
    first: dt.date,
    last: dt.date,
    law: law_module.Law | None = None,
) -> pl.DataFrame:
    """One row per worker-contract-day over the whole weeks around [first, last]."""
    law = law or law_module.current()
    pol = Policy.on(first, law)
    ff = first - dt.timedelta(days=first.weekday())
    fl = last + dt.timedelta(days=6 - last.weekday())
    contracts = contracts_frame(roster, ff, fl)
    hol = holidays_between(ff - dt.timedelta(days=1), fl + dt.timedelta(days=1), law)
    hol_dates = pl.Series(list(hol), dtype=pl.Date).implode()

    days = contracts.with_columns(
        pl.max_horizontal(pl.col("c_start"), pl.lit(ff)).alias("_lo"),
        pl.min_horizontal(pl.col("c_end").fill_null(fl), pl.lit(fl)).alias("_hi"),
    ).filter(pl.col("_lo") <= pl.col("_hi"))
    days = days.with_columns(pl.date_ranges("_lo", "_hi").alias("date")).explode("date").drop("_lo", "_hi")
    big = pl.col("weekly_min") >= pol.short_weekly
    wd = pl.col("date").dt.weekday().cast(pl.Int64)
    days = days.with_columns(
        wd.alias("weekday"),
        pl.col("work_days").str.contains(wd.cast(pl.Utf8), literal=True).alias("scheduled"),
        pl.col("date").is_in(hol_dates).alias("public_holiday"),
        pl.col("date").replace_strict(hol, default=None, return_dtype=pl.Utf8).alias("holiday_name"),
        big.alias("covered_by_55"),
        ((pl.col("date") >= first) & (pl.col("date") <= last)).alias("in_month"),
        pl.col("date").dt.truncate("1w").alias("week"),
    )
    days = days.with_columns(
        (pl.col("scheduled") & ~pl.col("public_holiday")).alias("workday"),
        (pl.col("covered_by_55") & (pl.col("public_holiday") | (pl.col("weekday") == pl.col("rest_wd")))).alias("holiday"),
    )
    d0 = pl.col("date").cast(pl.Datetime("us"))
    span = pl.col("daily_min") + pl.col("break_min")
    days = days.with_columns(
        (d0 + pl.duration(minutes=pl.col("start_min"))).alias("sched_start"),
        (d0 + pl.duration(minutes=pl.col("start_min") + span)).alias("sched_end"),
        (d0 + pl.duration(minutes=pl.col("start_min") + (span - pl.col("break_min")) // 2)).alias("brk_start"),
    ).with_columns((pl.col("brk_start") + pl.duration(minutes=pl.col("break_min"))).alias("brk_end"))

    # --- shifts → minutes per business day -----------------------------------------------
    up_in = None if pol.rounding_mode == "nearest" else True
    up_out = None if pol.rounding_mode == "nearest" else False
    s = shifts.select("worker_id", "date", "in_ts", "out_ts").with_columns(
        _round(pl.col("in_ts"), pol.rounding, up_in).alias("in_r"),
        _round(pl.col("out_ts"), pol.rounding, up_out).alias("out_r"),
    )
    s = s.join(days.select("worker_id", "date", "contract_id", "scheduled", "sched_start", "sched_end", "brk_start", "brk_end", "covered_by_55", "rest_wd", "weekly_min"), on=["worker_id", "date"], how="inner")
    s = s.join(approvals.select("worker_id", "date", "appr_start", "appr_end"), on=["worker_id", "date"], how="left")
    allowed_start = pl.min_horizontal(pl.col("sched_start"), pl.col("appr_start").fill_null(pl.col("sched_start")))
    a = pl.when(pl.col("scheduled")).then(pl.max_horizontal(pl.col("in_r"), allowed_start)).otherwise(pl.col("in_r"))
    if pol.after_end_needs_approval:
        allowed_end = pl.max_horizontal(pl.col("sched_end"), pl.col("appr_end").fill_null(pl.col("sched_end")))
        b = pl.when(pl.col("scheduled")).then(pl.min_horizontal(pl.col("out_r"), allowed_end)).otherwise(pl.col("out_r"))
    else:
        b = pl.col("out_r")
    s = s.with_columns(a.alias("a"), b.alias("b")).with_columns(pl.max_horizontal("a", "b").alias("b"))
    brk = (pl.col("brk_start"), pl.col("brk_end"))
    d0 = pl.col("date").cast(pl.Datetime("us"))
    cols = []
    for k in (-1, 0, 1):
        ds = d0 + pl.duration(days=k)
        de = d0 + pl.duration(days=k + 1)
        day_w = (ds, de)
        w = _ov(pl.col("a"), pl.col("b"), day_w) - _ov(pl.col("a"), pl.col("b"), day_w, brk)
        n = pl.lit(0, dtype=pl.Int64)
        for ns, ne in ((ds + pl.duration(minutes=pol.night_end - DAY), ds + pl.duration(minutes=pol.night_end)), (ds + pl.duration(minutes=pol.night_start), ds + pl.duration(minutes=pol.night_end + DAY))):
            win = (pl.max_horizontal(ns, ds), pl.min_horizontal(ne, de))
            n = n + _ov(pl.col("a"), pl.col("b"), win) - _ov(pl.col("a"), pl.col("b"), win, brk)
        cal = (pl.col("date") + pl.duration(days=k)).cast(pl.Date)
        is_hol = pl.col("covered_by_55") & (cal.is_in(hol_dates) | (cal.dt.weekday().cast(pl.Int64) == pl.col("rest_wd")))
        cols += [w.alias(f"_w{k}"), n.alias(f"_n{k}"), is_hol.alias(f"_h{k}")]
    s = s.with_columns(cols)
    ks = (-1, 0, 1)
    hol_w = sum(pl.when(pl.col(f"_h{k}")).then(pl.col(f"_w{k}")).otherwise(0) for k in ks)
    hol_base = sum(pl.when(pl.col(f"_h{k}")).then(pl.min_horizontal(pl.col(f"_w{k}"), pl.lit(pol.holiday_split))).otherwise(0) for k in ks)
    s = s.with_columns(
        sum(pl.col(f"_w{k}") for k in ks).alias("worked"),
        hol_w.alias("holiday_work"),
        hol_base.alias("holiday_base"),
        sum(pl.col(f"_n{k}") for k in ks).alias("night"),
    )
    per_day = s.group_by(["worker_id", "date"]).agg(
        pl.col("worked").sum(), pl.col("holiday_work").sum(), pl.col("holiday_base").sum(), pl.col("night").sum(),
        pl.col("in_r").min().alias("first_in"), pl.col("out_r").max().alias("last_out"), pl.len().alias("shifts"),
    )
    days = days.join(per_day, on=["worker_id", "date"], how="left").with_columns(
        [pl.col(c).fill_null(0) for c in ("worked", "holiday_work", "holiday_base", "night", "shifts")]
    )

    # --- leave ---------------------------------------------------------------------------
    lv = leave.join(days.select("worker_id", "date", "daily_min"), on=["worker_id", "date"], how="inner").with_columns(
        pl.coalesce(pl.col("minutes"), pl.when(pl.col("kind") == "반차").then(pl.col("daily_min") // 2).otherwise(pl.col("daily_min"))).alias("_m")
    ).group_by(["worker_id", "date"]).agg(
        pl.col("_m").filter(pl.col("paid")).sum().alias("_paid_req"),
        pl.col("_m").filter(~pl.col("paid")).sum().alias("unpaid_leave"),
        pl.col("kind").sort().str.join(",").alias("leave_kinds"),
    )
    days = days.join(lv, on=["worker_id", "date"], how="left").with_columns(
        pl.col("_paid_req").fill_null(0), pl.col("unpaid_leave").fill_null(0),
    )
    days = days.with_columns(
        pl.when(pl.col("workday")).then(pl.min_horizontal(pl.col("_paid_req"), pl.col("daily_min"))).otherwise(0).alias("paid_leave"),
        (((pl.col("_paid_req") + pl.col("unpaid_leave")) > 0) & ~pl.col("workday")).alias("leave_off_schedule"),
    ).drop("_paid_req")

    # --- 정규 / 연장 -------------------------------------------------------------------------
    full_time = pl.col("weekly_min") >= pol.weekly_cap
    cap = pl.when(pl.col("scheduled")).then(pl.min_horizontal(pl.col("daily_min"), pl.lit(pol.daily_cap))).when(full_time).then(pol.daily_cap).otherwise(0)
    days = days.with_columns((pl.col("worked") - pl.col("holiday_work")).alias("_nonhol")).with_columns(
        pl.min_horizontal(pl.col("_nonhol"), cap).alias("_reg_day")
    )
    days = days.sort(["worker_id", "date"])
    wcap = pl.min_horizontal(pl.col("weekly_min"), pl.lit(pol.weekly_cap))
    cum = pl.col("_reg_day").cum_sum().over(["worker_id", "week"])
    days = days.with_columns(
        (pl.min_horizontal(cum, wcap) - pl.min_horizontal(cum - pl.col("_reg_day"), wcap)).clip(lower_bound=0).alias("regular")
    ).with_columns(
        (pl.col("_nonhol") - pl.col("regular")).alias("overtime"),
        pl.col("holiday_work").alias("holiday_work"),
        (pl.col("holiday_work") - pl.col("holiday_base")).alias("holiday_over8"),
    ).drop("_nonhol", "_reg_day")

    # --- lateness, early leave, absence, paid public holidays ----------------------------
    present = pl.col("workday") & (pl.col("worked") > 0)
    days = days.with_columns(
        pl.when(present).then((pl.col("first_in") - pl.col("sched_start")).dt.total_minutes().clip(0, None)).otherwise(0).clip(upper_bound=pl.col("daily_min")).alias("late"),
        pl.when(present).then((pl.col("sched_end") - pl.col("last_out")).dt.total_minutes().clip(0, None)).otherwise(0).clip(upper_bound=pl.col("daily_min")).alias("early_leave"),
        (pl.col("workday") & (pl.col("worked") == 0) & (pl.col("paid_leave") == 0) & pl.col("in_month")).alias("absent"),
        pl.when(pl.col("scheduled") & pl.col("public_holiday") & pl.col("covered_by_55")).then(pl.col("daily_min")).otherwise(0).alias("public_holiday_minutes"),
    )
    days = days.with_columns((~pl.col("workday") | ~pl.col("in_month") | (pl.col("worked") > 0) | (pl.col("paid_leave") > 0)).alias("attended"))
    return days


def build_weeks(days: pl.DataFrame, first: dt.date, last: dt.date, law: law_module.Law | None = None) -> pl.DataFrame:
    """One row per worker-week whose 주휴일 is covered by a contract (paid in the month holding it)."""
    pol = Policy.on(first, law)
    per_week = days.group_by(["worker_id", "week"]).agg(
        pl.col("workday").filter(~pl.col("attended")).count().alias("missed_days"),
        pl.col("scheduled").filter(pl.col("scheduled")).count().alias("sched_days_in_contract"),
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
    w = w.with_columns(
        eligible.alias("weekly_holiday_eligible"),
        pl.when(eligible).then(full * pl.min_horizontal(pl.col("sched_days_in_contract"), pl.col("n_sched")) // pl.col("n_sched")).otherwise(0).alias("weekly_holiday_minutes"),
        pl.when(~pl.col("covered_by_55")).then(pl.lit("1주 소정근로 15시간 미만 (근로기준법 §18③)"))
        .when(pl.col("missed_days") > 0).then(pl.format("소정근로일 결근 {}일", pl.col("missed_days")))
        .when(pl.col("sched_days_in_contract") == 0).then(pl.lit("소정근로일 없음"))
        .otherwise(pl.lit("개근")).alias("weekly_holiday_note"),
    )
    return w.filter(pl.col("in_month")).drop("in_month").sort(["worker_id", "week"])
