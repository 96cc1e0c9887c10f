"""Exports read without an error that are still likely misread: what the check of a month adds on top of
the pairing (:mod:`payroll.attendance.pairing`) so that nothing is paid as read when it is in doubt —
dates whose day and month cannot be told apart, and workers (or a whole month) without a record."""

from __future__ import annotations

import datetime as dt

import polars as pl

from payroll.attendance.codes import EXC_SCHEMA
from payroll.attendance.readers import Export
from payroll.attendance.readers.clock import day_first_votes
from payroll.roster import Roster


def date_order_unknown(e: Export) -> bool:
    """The export writes its dates a/b/yyyy and no value tells day-first from month-first (both ≤ 12
    everywhere): it was read month-first (payroll.attendance.readers.normalise.decide_day_first)."""
    column = "raw_time" if e.shape == "punch" else "raw_date"
    if column not in e.frame.columns:
        return False
    values = e.frame.get_column(column).drop_nulls()
    return bool(values.str.contains(r"\d{1,2}/\d{1,2}/\d{4}").any()) and day_first_votes(values) == (False, False)


def other_month_as_date_order(part: pl.DataFrame) -> pl.DataFrame:
    """A row of such an export that fell outside the month may be a day of it read the wrong way round
    (01/12/2026: 12 January or 1 December): an error, not a row of another month passed over."""
    moved = pl.col("code") == "other_month"
    return part.with_columns(
        pl.when(moved).then(None).otherwise(pl.col("date")).alias("date"),  # the day is what is in doubt
        pl.when(moved).then(pl.lit("date_order")).otherwise(pl.col("code")).alias("code"),
        pl.when(moved)
        .then(pl.format("{} — 날짜가 모두 12 이하라 월/일 순서로 읽음: 일/월 순서면 프로필에 day_first = true를 적으세요", pl.col("detail")))
        .otherwise(pl.col("detail")).alias("detail"),
    )


def without_records(roster: Roster, month: tuple[dt.date, dt.date], shifts: pl.DataFrame, absences: pl.DataFrame) -> pl.DataFrame:
    """The workers under contract in the month with no shift and no daily row in it: each a warning (a month of
    leave is in leave.csv, not here) — and when that is every one of them, an error each: an empty export, or
    another month's, would otherwise pay every hourly worker nothing under a clean check."""
    first, last = month
    expected = sorted({c.worker_id for c in roster.contracts if c.start <= last and (c.end is None or c.end >= first)})
    in_month = (pl.col("date") >= first) & (pl.col("date") <= last)
    ends_in = (pl.col("out_ts").dt.date() >= first) & (pl.col("out_ts").dt.date() <= last)  # a night shift from the evening before
    seen = set(shifts.filter(in_month | ends_in).get_column("worker_id").to_list()) | set(absences.filter(in_month).get_column("worker_id").to_list())
    missing = [w for w in expected if w not in seen]
    code = "no_records" if missing and len(missing) == len(expected) else "no_record"
    return pl.DataFrame(
        {"source": [None] * len(missing), "line": [None] * len(missing), "worker_id": missing, "date": [None] * len(missing),
         "code": [code] * len(missing), "detail": [f"{first.isoformat()}…{last.isoformat()}: 근무·결근 행 없음"] * len(missing)},
        schema=EXC_SCHEMA,
    )
