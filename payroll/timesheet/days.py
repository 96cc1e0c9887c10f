"""The worker-day frame, vectorised over every worker (integer minutes).

A *business day* (``date``) is the day a shift starts on (see ``payroll.attendance.checks``); a
shift crossing midnight stays one shift (one day's 8 hours, one week's 40) but its minutes are
split by calendar day (``payroll.timesheet.pieces``): 휴일근로 by the 휴일's calendar day, 야간
22–06시 wherever it falls, and the month that pays them.

A worker's week runs from the day after the 주휴일 to the 주휴일 (Monday–Sunday for most; ``week``).
The frame covers the week before the month too: the days of the previous month in a week whose
주휴일 the month holds are read from the same exports; they count toward that week's 40 hours and
its 주휴, and are never paid twice — a minute is paid in the month ``timesheet.month_attribution``
gives it (``calendar``: the month of its calendar day; ``shift``: the month of its business day;
either way within its contract). A scheduled day of such a week with no record is absent, and
the week's note says so.

Per business day (after rounding the punches, ``timesheet.rounding_*``): worked, 야간 and 휴일근로
come from the pieces; the other minutes are 정규 up to the day's cap (the scheduled minutes, at
most 8 h; on an unscheduled day 8 h for a full-timer and 0 for a part-timer) and, over the week,
up to the weekly cap (scheduled weekly minutes, at most 40 h); the rest is 연장 (§56①; for
part-timers 기간제법 §6③). The ``*_paid`` columns are the minutes of the day paid in the month built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from payroll import law as law_module
from payroll.holidays import holidays_between
from payroll.roster import WEEKS_PER_MONTH_DEN, WEEKS_PER_MONTH_NUM, Roster
from payroll.timesheet.pieces import holiday_line, shift_pieces, split_regular

DAY = 1440
#: minute columns of a day and the columns holding the part of them paid in the month built
PAID = {"worked": "worked_paid", "regular": "regular_paid", "overtime": "overtime_paid", "night": "night_paid",
        "holiday_work": "holiday_work_paid", "holiday_base": "holiday_base_paid", "holiday_over8": "holiday_over8_paid"}


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
    month_attribution: str  # calendar | shift
    holiday_carryover: bool

    @classmethod
    def on(cls, day: dt.date, law: law_module.Law | None = None) -> "Policy":
        law = law or law_module.current()
        on = law.on(day)
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
            month_attribution=law.switch("timesheet.month_attribution"),
            holiday_carryover=law.switch("timesheet.holiday_carryover") == "true",
        )


def rest_weekday(work_days: str) -> int:
    """The 주휴일: Sunday (7) unless scheduled, else the last unscheduled weekday (0 = none)."""
    free = [d for d in range(7, 0, -1) if str(d) not in work_days]
    return free[0] if free else 0


def week_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The business days the month's timesheet reads: the week before the month (the start of any week
    whose 주휴일 the month holds, and the evening before it, whose night shift may end in the month) to
    its last day. Days after the month never decide anything in it: a week ends on its 주휴일."""
    return first - dt.timedelta(days=7), last


def week_start(date: pl.Expr, rest_wd: pl.Expr) -> pl.Expr:
    """The first day of the worker's week: the day after the 주휴일 (Monday when the 주휴일 is Sunday or
    when every day is scheduled). A week of 근로기준법 §2①7 is any 7 days; ending it on the 주휴일 makes
    the 주휴 depend on the days before it (시행령 §30①) and the 40-hour count run up to it."""
    first_wd = pl.when(rest_wd == 0).then(1).otherwise(rest_wd % 7 + 1)
    offset = (date.dt.weekday().cast(pl.Int64) - first_wd + 7) % 7
    return (date - pl.duration(days=offset)).cast(pl.Date)


def contracts_frame(roster: Roster, first: dt.date, last: dt.date) -> pl.DataFrame:
    rows = []
    for c in roster.contracts:
        if c.start > last or (c.end is not None and c.end < first):
            continue
        daily, n_days = c.daily_minutes, len(c.weekdays)  # the contract's properties compute afresh on each access: once here
        weekly = daily * n_days
        rows.append((
            c.worker_id, c.contract_id, c.start, c.end, c.pay_type, c.wage, c.work_days,
            c.start_time.hour * 60 + c.start_time.minute, c.break_minutes, c.break_offset, daily,
            weekly, weekly * WEEKS_PER_MONTH_NUM // WEEKS_PER_MONTH_DEN, c.meal_allowance, c.pay_grade, rest_weekday(c.work_days), n_days,
        ))
    schema = {
        "worker_id": pl.Utf8, "contract_id": pl.Utf8, "c_start": pl.Date, "c_end": pl.Date, "pay_type": pl.Utf8,
        "wage": pl.Int64, "work_days": pl.Utf8, "start_min": pl.Int64, "break_min": pl.Int64, "break_off": pl.Int64, "daily_min": pl.Int64,
        "weekly_min": pl.Int64, "monthly_min": pl.Int64, "meal": pl.Int64, "pay_grade": pl.Utf8, "rest_wd": pl.Int64, "n_sched": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _round(ts: pl.Expr, unit: int, up: bool | None) -> pl.Expr:
    if unit <= 1:
        return ts
    every = f"{unit}m"
    if up is None:  # nearest, half up
        return (ts + pl.duration(seconds=unit * 30)).dt.truncate(every)
    if up:
        return (ts + pl.duration(minutes=unit) - pl.duration(microseconds=1)).dt.truncate(every)
    return ts.dt.truncate(every)


def _calendar(roster: Roster, first: dt.date, last: dt.date, pol: Policy, law: law_module.Law) -> tuple[pl.DataFrame, pl.Series]:
    """One row per worker-contract-day over the days the month reads, with its schedule and 휴일 flags."""
    lo, hi = week_span(first, last)
    contracts = contracts_frame(roster, lo, hi)
    hol = holidays_between(lo - dt.timedelta(days=1), hi + dt.timedelta(days=2), law)
    hol_dates = pl.Series(list(hol), dtype=pl.Date)
    days = contracts.with_columns(
        pl.max_horizontal(pl.col("c_start"), pl.lit(lo)).alias("_lo"),
        pl.min_horizontal(pl.col("c_end").fill_null(hi), pl.lit(hi)).alias("_hi"),
    ).filter(pl.col("_lo") <= pl.col("_hi"))
    days = days.with_columns(pl.date_ranges("_lo", "_hi").alias("date")).explode("date").drop("_lo", "_hi")
    wd = pl.col("date").dt.weekday().cast(pl.Int64)
    days = days.with_columns(
        wd.alias("weekday"),
        pl.col("work_days").str.contains(wd.cast(pl.Utf8), literal=True).alias("scheduled"),
        pl.col("date").is_in(hol_dates.implode()).alias("public_holiday"),
        pl.col("date").replace_strict(hol, default=None, return_dtype=pl.Utf8).alias("holiday_name"),
        (pl.col("weekly_min") >= pol.short_weekly).alias("covered_by_55"),
        ((pl.col("date") >= first) & (pl.col("date") <= last)).alias("in_month"),
        week_start(pl.col("date"), pl.col("rest_wd")).alias("week"),
    )
    days = days.with_columns(
        # a public holiday is a day off only for a worker §55 reaches: under 15 h a week (§18③) it is an
        # ordinary day of the contract, paid as worked (and not an absence when the office is closed)
        (pl.col("scheduled") & ~(pl.col("public_holiday") & pl.col("covered_by_55"))).alias("workday"),
        (pl.col("covered_by_55") & (pl.col("public_holiday") | (pl.col("weekday") == pl.col("rest_wd")))).alias("holiday"),
    )
    d0 = pl.col("date").cast(pl.Datetime("us"))
    span = pl.col("daily_min") + pl.col("break_min")
    days = days.with_columns(
        (d0 + pl.duration(minutes=pl.col("start_min"))).alias("sched_start"),
        (d0 + pl.duration(minutes=pl.col("start_min") + span)).alias("sched_end"),
        (d0 + pl.duration(minutes=pl.col("start_min") + pl.col("break_off"))).alias("brk_start"),
    ).with_columns((pl.col("brk_start") + pl.duration(minutes=pl.col("break_min"))).alias("brk_end"))
    return days, hol_dates


def build_days(
    roster: Roster,
    shifts: pl.DataFrame,
    leave: pl.DataFrame,
    approvals: pl.DataFrame,
    first: dt.date,
    last: dt.date,
    law: law_module.Law | None = None,
) -> pl.DataFrame:
    """One row per worker-contract-day over the days the month reads (``week_span``)."""
    law = law or law_module.current()
    pol = Policy.on(first, law)
    days, hol_dates = _calendar(roster, first, last, pol, law)

    # --- shifts → pieces by calendar day -----------------------------------------------------
    up_in = None if pol.rounding_mode == "nearest" else True
    up_out = None if pol.rounding_mode == "nearest" else False
    s = shifts.select("worker_id", "date", "in_ts", "out_ts").with_columns(
        _round(pl.col("in_ts"), pol.rounding, up_in).alias("a"),
        _round(pl.col("out_ts"), pol.rounding, up_out).alias("b"),
    ).with_row_index("_shift")
    day_cols = ["worker_id", "date", "contract_id", "c_start", "c_end", "workday", "sched_start", "sched_end", "brk_start", "brk_end",
                "break_min", "covered_by_55", "rest_wd", "work_days", "start_min"]
    s = s.join(days.select(day_cols), on=["worker_id", "date"], how="inner")
    s = s.join(approvals.select("worker_id", "date", "appr_start", "appr_end"), on=["worker_id", "date"], how="left")
    pieces = shift_pieces(s, hol_dates, night_start=pol.night_start, night_end=pol.night_end,
                          after_end_needs_approval=pol.after_end_needs_approval, carryover=pol.holiday_carryover)
    pieces = holiday_line(pieces, pol.holiday_split)
    per_day = pieces.group_by(["worker_id", "date"]).agg(
        pl.col("worked").sum(), pl.col("hol").sum().alias("holiday_work"), pl.col("hol_base").sum().alias("holiday_base"), pl.col("night").sum(),
    )
    firsts = s.group_by(["worker_id", "date"]).agg(pl.col("a").min().alias("first_in"), pl.col("b").max().alias("last_out"), pl.len().alias("shifts"))
    days = days.join(per_day, on=["worker_id", "date"], how="left").join(firsts, on=["worker_id", "date"], how="left").with_columns(
        [pl.col(c).fill_null(0) for c in ("worked", "holiday_work", "holiday_base", "night", "shifts")]
    )

    days = _leave(days, leave)

    # --- 정규 / 연장 by business day and week --------------------------------------------------
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
        (pl.col("holiday_work") - pl.col("holiday_base")).alias("holiday_over8"),
    ).drop("_nonhol", "_reg_day")

    days = days.join(_paid_minutes(pieces, days, first, last, pol), on=["worker_id", "date"], how="left").with_columns(
        [pl.col(c).fill_null(0) for c in PAID.values()]
    )

    # --- lateness, early leave, absence, paid public holidays ----------------------------------
    present = pl.col("workday") & (pl.col("worked") > 0)
    days = days.with_columns(
        pl.when(present).then((pl.col("first_in") - pl.col("sched_start")).dt.total_minutes().clip(0, None)).otherwise(0).clip(upper_bound=pl.col("daily_min")).alias("late"),
        pl.when(present).then((pl.col("sched_end") - pl.col("last_out")).dt.total_minutes().clip(0, None)).otherwise(0).clip(upper_bound=pl.col("daily_min")).alias("early_leave"),
        (pl.col("workday") & ~pl.col("public_holiday") & (pl.col("worked") == 0) & (pl.col("paid_leave") == 0) & pl.col("in_month")).alias("absent"),
        pl.when(pl.col("scheduled") & pl.col("public_holiday") & pl.col("covered_by_55")).then(pl.col("daily_min")).otherwise(0).alias("public_holiday_minutes"),
    )
    # a day of another month in the month's edge weeks is read from the same exports: no record = not attended
    return days.with_columns((~pl.col("workday") | (pl.col("worked") > 0) | (pl.col("paid_leave") > 0)).alias("attended"))


def _leave(days: pl.DataFrame, leave: pl.DataFrame) -> pl.DataFrame:
    lv = leave.join(days.select("worker_id", "date", "daily_min"), on=["worker_id", "date"], how="inner").with_columns(
        pl.coalesce(pl.col("minutes"), pl.when(pl.col("kind") == "반차").then(pl.col("daily_min") // 2).otherwise(pl.col("daily_min"))).alias("_m")
    ).group_by(["worker_id", "date"]).agg(
        pl.col("_m").filter(pl.col("paid")).sum().alias("_paid_req"),
        pl.col("_m").filter(~pl.col("paid")).sum().alias("unpaid_leave"),
        pl.col("kind").sort().str.join(",").alias("leave_kinds"),
    )
    days = days.join(lv, on=["worker_id", "date"], how="left").with_columns(pl.col("_paid_req").fill_null(0), pl.col("unpaid_leave").fill_null(0))
    return days.with_columns(
        pl.when(pl.col("workday")).then(pl.min_horizontal(pl.col("_paid_req"), pl.col("daily_min"))).otherwise(0).alias("paid_leave"),
        (((pl.col("_paid_req") + pl.col("unpaid_leave")) > 0) & ~pl.col("workday")).alias("leave_off_schedule"),
    ).drop("_paid_req")


def _paid_minutes(pieces: pl.DataFrame, days: pl.DataFrame, first: dt.date, last: dt.date, pol: Policy) -> pl.DataFrame:
    """Per business day, the minutes paid in the month built (``timesheet.month_attribution``)."""
    p = split_regular(pieces, days.select("worker_id", "date", "regular", "c_start", "c_end"))
    if pol.month_attribution == "shift":
        pay_day = pl.col("date")
    else:  # the calendar day, kept inside the contract (its last shift is paid with its last month)
        pay_day = pl.min_horizontal(pl.max_horizontal(pl.col("cal"), pl.col("c_start")), pl.col("c_end").fill_null(pl.col("cal")))
    paid = (pay_day >= first) & (pay_day <= last)
    minutes = {"worked": pl.col("worked"), "regular": pl.col("reg"), "overtime": pl.col("ot"), "night": pl.col("night"),
               "holiday_work": pl.col("hol"), "holiday_base": pl.col("hol_base"), "holiday_over8": pl.col("hol_over8")}
    return p.group_by(["worker_id", "date"]).agg(*(m.filter(paid).sum().alias(PAID[name]) for name, m in minutes.items()))


def build_weeks(days: pl.DataFrame, first: dt.date, last: dt.date, law: law_module.Law | None = None) -> pl.DataFrame:
    from payroll.timesheet.weeks import build_weeks as weeks

    return weeks(days, first, last, law)
