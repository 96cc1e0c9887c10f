"""The days a worker attended, as the 연차 ledger counts them (근로기준법 §60①②⑥).

From the attendance summary where it covers the dates (``counted_as_attended`` carries what §60⑥
counts as attended), else from the contracts: their scheduled days less paid public holidays, with
full-day unpaid leave as the days missed (said on the ledger by FALLBACK_NOTE).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

import polars as pl

from payroll.holidays import paid_holidays
from payroll.law import Law
from payroll.leave.inputs import LeaveDay
from payroll.leave.timing import ONE_DAY
from payroll.roster import Contract

FALLBACK_NOTE = (
    "출근 기록 없음: 계약상 소정근로일(공휴일 제외) 중 무급휴가(하루 전체)가 아닌 날을 출근으로 보았습니다 "
    "(attendance summary not given: scheduled days not on full-day unpaid leave are treated as attended)"
)




@dataclass
class Attendance:
    """Sorted scheduled days and the subset not attended (neither attended nor counted as attended)."""

    scheduled: list[dt.date]
    absent: list[dt.date]

    def _count(self, days: list[dt.date], first: dt.date, last: dt.date) -> int:
        return bisect.bisect_right(days, last) - bisect.bisect_left(days, first)

    def scheduled_in(self, first: dt.date, last: dt.date) -> int:
        return self._count(self.scheduled, first, last)

    def absent_in(self, first: dt.date, last: dt.date) -> int:
        return self._count(self.absent, first, last)

    def fully_attended(self, first: dt.date, last: dt.date) -> bool:
        """개근: at least one scheduled day, and none missed."""
        return self.scheduled_in(first, last) > 0 and self.absent_in(first, last) == 0


@dataclass
class SummaryDays:
    """One worker's rows of the attendance summary, as sorted dates: the scheduled days and those among
    them neither attended nor counted as attended."""

    scheduled: list[dt.date]
    absent: list[dt.date]

    def between(self, first: dt.date, last: dt.date) -> tuple[list[dt.date], list[dt.date]]:
        def cut(days: list[dt.date]) -> list[dt.date]:
            return days[bisect.bisect_left(days, first):bisect.bisect_right(days, last)]
        return cut(self.scheduled), cut(self.absent)


def summary_days(attendance: pl.DataFrame, upto: dt.date) -> dict[str, SummaryDays]:
    """Every worker's scheduled and absent days up to ``upto`` in one pass over the summary (a filter
    per worker costs a polars query each, which dominated the ledger of a whole roster)."""
    grouped = (
        attendance.filter(pl.col("scheduled") & (pl.col("date") <= upto))
        .sort("worker_id", "date")
        .group_by("worker_id", maintain_order=True)
        .agg(pl.col("date").alias("scheduled"), pl.col("date").filter(~pl.col("attended") & ~pl.col("counted_as_attended")).alias("absent"))
    )
    return {wid: SummaryDays(scheduled, absent) for wid, scheduled, absent in grouped.iter_rows()}


_HOLIDAYS: dict[tuple[str, int], dict[dt.date, str]] = {}


def _holidays(year: int, law: Law) -> dict[dt.date, str]:
    key = (law.content_hash, year)
    if key not in _HOLIDAYS:
        _HOLIDAYS[key] = paid_holidays(year, law)
    return _HOLIDAYS[key]


_WORKDAYS: dict[tuple[str, frozenset[int], int], list[dt.date]] = {}


def _workdays_of_year(weekdays: frozenset[int], year: int, law: Law) -> list[dt.date]:
    """The days of ``year`` on ``weekdays`` that are not paid public holidays, sorted: shared by every
    contract with that week, so the fallback walks the calendar once per pattern and year, not per worker."""
    key = (law.content_hash, weekdays, year)
    days = _WORKDAYS.get(key)
    if days is None:
        hol = _holidays(year, law)
        day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        days = []
        while day <= end:
            if day.isoweekday() in weekdays and day not in hol:
                days.append(day)
            day += ONE_DAY
        _WORKDAYS[key] = days
    return days


def _fallback_days(contracts: list[Contract], leave: list[LeaveDay], first: dt.date, last: dt.date, law: Law) -> tuple[list[dt.date], list[dt.date]]:
    """Scheduled days of the contracts in [first, last] (paid public holidays excluded) and the full-day 무급 among them."""
    unpaid: dict[dt.date, int] = {}
    for d in leave:
        if d.kind == "무급":
            unpaid[d.date] = unpaid.get(d.date, 0) + d.minutes
    scheduled: list[dt.date] = []
    absent: list[dt.date] = []
    for c in contracts:
        begin = max(c.start, first)
        end = min(c.end or last, last)
        if begin > end:
            continue
        weekdays = c.weekdays
        own: list[dt.date] = []
        for year in range(begin.year, end.year + 1):
            days = _workdays_of_year(weekdays, year, law)
            own += days[bisect.bisect_left(days, begin):bisect.bisect_right(days, end)]
        scheduled += own
        if unpaid:
            daily = c.daily_minutes
            for day in sorted(unpaid):
                if unpaid[day] >= daily and begin <= day <= end:
                    i = bisect.bisect_left(own, day)
                    if i < len(own) and own[i] == day:
                        absent.append(day)
    return scheduled, absent


def attendance_of(contracts: list[Contract], leave: list[LeaveDay], upto: dt.date, law: Law,
                  summary: SummaryDays | None, coverage: tuple[dt.date, dt.date] | None, since: dt.date = dt.date.min) -> Attendance:
    """The summary's days inside its coverage; the fallback (scheduled, not on full-day 무급) outside it.
    Days before ``since`` are not needed (the ledger starts later) and are left out."""
    if summary is None or coverage is None:
        scheduled, absent = _fallback_days(contracts, leave, since, upto, law)
        return Attendance(sorted(scheduled), sorted(absent))
    lo, hi = coverage
    scheduled, absent = summary.between(since, upto)
    before = _fallback_days(contracts, leave, since, lo - ONE_DAY, law) if since < lo else ([], [])
    after = _fallback_days(contracts, leave, max(hi + ONE_DAY, since), upto, law) if hi < upto else ([], [])
    return Attendance(sorted(scheduled + before[0] + after[0]), sorted(absent + before[1] + after[1]))
