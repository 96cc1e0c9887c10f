"""A shift's minutes, calendar day by calendar day: what counts as work, 야간, 휴일근로 and the break.

Each used shift is cut at midnight into calendar-day *pieces* (a business day holds at most three:
the evening before, the day, the morning after). For each piece, in integer minutes:

- **Counted** — punched minutes inside the allowed windows. On a day with a schedule (a scheduled
  day that is not a paid holiday) these are the scheduled span (to its end with
  ``timesheet.after_end_requires_approval``, else open after the start) and the approved span of
  that shift date (the overtime file). A 휴무일, 주휴일 or 공휴일 has no schedule window: only the
  approved span counts, up to its minutes (근로기준법 §53, §56: work on a day off is agreed work).
- **Break** — on a day with a schedule only, the contract's break window (``Contract.break_offset``:
  its ``break_start``, else the middle of the shift) is not work where the worker was at work
  during it (§54); never on a day off, and never from minutes that were not counted anyway.
- **야간** — counted minutes in 22:00–06:00 (§56③).
- **휴일근로** — counted minutes on a calendar day that is a 휴일 for the worker (a paid public
  holiday or the 주휴일, for a worker of 15 h a week or more, §18③). With the switch
  ``timesheet.holiday_carryover`` (근기 68207-402) a shift begun on a 휴일 stays 휴일근로 after
  midnight until the next day's scheduled start (to its end when the next day has no schedule);
  those minutes count toward the 휴일 they continue — and so, under the switch, does the part of such
  a shift that falls on a next day that is itself a 휴일 (consecutive 휴일: each night shift is its own
  휴일's, not 14 hours of one).
- **8 hours a 휴일** — §56②'s line (×1.5 up to 8 h, ×2.0 beyond) is drawn per 휴일 calendar day
  across every punch pair of that day, in time order, not per pair.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

DAY = 1440
_FAR = dt.datetime(9999, 1, 1)  # an open-ended window (no approval needed after the scheduled end)
PIECE_KEYS = ("worker_id", "date", "_shift", "k")


def _ov(a: pl.Expr, b: pl.Expr, *windows: tuple[pl.Expr, pl.Expr]) -> pl.Expr:
    """Minutes in the intersection of [a, b) and every window (all bounds non-null)."""
    starts = [a] + [w[0] for w in windows]
    ends = [b] + [w[1] for w in windows]
    return (pl.min_horizontal(ends) - pl.max_horizontal(starts)).dt.total_minutes().clip(lower_bound=0)


def _counted(*windows: tuple[pl.Expr, pl.Expr], approved: bool) -> pl.Expr:
    """Punched minutes inside ``windows`` and inside the allowed windows: the schedule's (a day with a
    schedule), and with ``approved`` the approved span too (their union)."""
    a, b = pl.col("a"), pl.col("b")
    sched, appr = (pl.col("w1_start"), pl.col("w1_end")), (pl.col("appr_start"), pl.col("appr_end"))
    zero = pl.lit(0, dtype=pl.Int64)
    in_sched = pl.when(pl.col("workday")).then(_ov(a, b, *windows, sched)).otherwise(zero)
    if not approved:
        return in_sched
    in_both = pl.when(pl.col("workday")).then(_ov(a, b, *windows, sched, appr)).otherwise(zero)
    return in_sched + _ov(a, b, *windows, appr) - in_both


def _work(lo: pl.Expr, hi: pl.Expr, approved: bool) -> pl.Expr:
    """Counted minutes in [lo, hi), less the contract's break on a day with a schedule."""
    brk = (pl.col("brk_start"), pl.col("brk_end"))
    on_break = pl.when(pl.col("workday") & (pl.col("break_min") > 0)).then(_counted((lo, hi), brk, approved=approved)).otherwise(pl.lit(0, dtype=pl.Int64))
    return _counted((lo, hi), approved=approved) - on_break


def shift_pieces(shifts: pl.DataFrame, hol_dates: pl.Series, *, night_start: int, night_end: int, after_end_needs_approval: bool, carryover: bool) -> pl.DataFrame:
    """One row per shift and calendar day it touches: worked, night, hol (휴일근로) minutes and hol_day.

    ``shifts`` carries per shift: worker_id, date (business day), _shift (an id), a, b (the rounded
    punches), the day's workday flag, sched_start/sched_end, brk_start/brk_end, break_min,
    appr_start/appr_end (null without an approval), covered_by_55, rest_wd, work_days, start_min.
    """
    hol = hol_dates.implode()
    w1_end = pl.col("sched_end") if after_end_needs_approval else pl.lit(_FAR, dtype=pl.Datetime("us"))
    approved = pl.col("appr_start").is_not_null()
    # a day off without an approval counts nothing: its shifts make no pieces (most shifts have no
    # approval, and their minutes need the schedule's window alone)
    shifts = shifts.filter(pl.col("workday") | approved).with_columns(pl.col("sched_start").alias("w1_start"), w1_end.alias("w1_end"))
    parts = [_pieces(shifts.filter(~approved), hol, night_start, night_end, carryover, False),
             _pieces(shifts.filter(approved), hol, night_start, night_end, carryover, True)]
    # in time order per worker (shifts never overlap): the 휴일 line and the 정규 split below run in frame order
    return pl.concat(parts).select(*PIECE_KEYS, "cal", "piece_start", "worked", "night", "hol", "hol_day").sort(["worker_id", "piece_start"])


def _pieces(shifts: pl.DataFrame, hol: pl.Series, night_start: int, night_end: int, carryover: bool, approved: bool) -> pl.DataFrame:
    d0 = pl.col("date").cast(pl.Datetime("us"))
    p = shifts.with_columns(pl.lit([-1, 0, 1]).alias("k")).explode("k")
    day_lo = d0 + pl.duration(days=pl.col("k"))
    day_hi = day_lo + pl.duration(days=1)
    cal = (pl.col("date") + pl.duration(days=pl.col("k"))).cast(pl.Date)
    p = p.with_columns(day_lo.alias("_lo"), day_hi.alias("_hi"), cal.alias("cal"))
    p = p.filter((pl.col("b") > pl.col("_lo")) & (pl.col("a") < pl.col("_hi")))
    lo, hi = pl.col("_lo"), pl.col("_hi")

    def is_holiday(day: pl.Expr) -> pl.Expr:
        return pl.col("covered_by_55") & (day.is_in(hol) | (day.dt.weekday().cast(pl.Int64) == pl.col("rest_wd")))

    start_cal = pl.col("a").dt.date()
    next_scheduled = pl.col("work_days").str.contains(pl.col("cal").dt.weekday().cast(pl.Utf8), literal=True) & ~pl.col("cal").is_in(hol)
    limit = pl.when(next_scheduled).then(lo + pl.duration(minutes=pl.col("start_min"))).otherwise(hi)
    continued = pl.lit(carryover) & (pl.col("cal") == start_cal + pl.duration(days=1)) & is_holiday(start_cal)
    carried = continued & ~is_holiday(pl.col("cal"))
    p = p.with_columns(
        _work(lo, hi, approved).alias("worked"),
        (_work(lo, lo + pl.duration(minutes=night_end), approved) + _work(lo + pl.duration(minutes=night_start), hi, approved)).alias("night"),
        is_holiday(pl.col("cal")).alias("_hol_cal"),
        carried.alias("_carried"),
        pl.max_horizontal(pl.col("a"), lo).alias("piece_start"),
    )
    return p.with_columns(
        pl.when(pl.col("_hol_cal")).then(pl.col("worked")).when(pl.col("_carried")).then(_work(lo, pl.min_horizontal(limit, hi), approved)).otherwise(0).alias("hol"),
        # the 8 hours of a 휴일 run over the shifts begun on it: the morning of a shift begun on the 휴일
        # before (carried over) is that 휴일's even when it falls on a 휴일 itself (설 연휴 night shifts)
        pl.when(pl.col("_hol_cal") & continued).then(start_cal).when(pl.col("_hol_cal")).then(pl.col("cal"))
        .when(pl.col("_carried")).then(start_cal).alias("hol_day"),
    )


def holiday_line(pieces: pl.DataFrame, split: int) -> pl.DataFrame:
    """``hol_base`` (up to ``split`` minutes a 휴일 calendar day, in time order) and ``hol_over8`` per piece (§56②)."""
    h = pieces  # in time order per worker (shift_pieces)
    cum = pl.col("hol").cum_sum().over(["worker_id", "hol_day"])
    before = cum - pl.col("hol")
    base = pl.when(pl.col("hol_day").is_null()).then(0).otherwise((pl.lit(split) - before).clip(0, None))
    h = h.with_columns(pl.min_horizontal(base, pl.col("hol")).alias("hol_base"))
    return h.with_columns((pl.col("hol") - pl.col("hol_base")).alias("hol_over8"))


def split_regular(pieces: pl.DataFrame, regular: pl.DataFrame) -> pl.DataFrame:
    """A business day's 정규 minutes laid on its pieces in time order (the minutes beyond it are 연장);
    ``regular`` may carry more columns of the day (joined along)."""
    p = pieces.join(regular, on=["worker_id", "date"], how="left", maintain_order="left").with_columns(pl.col("regular").fill_null(0))
    nonhol = pl.col("worked") - pl.col("hol")
    before = nonhol.cum_sum().over(["worker_id", "date"]) - nonhol
    p = p.with_columns(pl.min_horizontal((pl.col("regular") - before).clip(0, None), nonhol).alias("reg"))
    return p.with_columns((nonhol - pl.col("reg")).alias("ot"))
