"""Periods counted in months and years as the 민법 counts them: the one place service length is computed.

민법 §157 단서: a period that starts at 0시 counts its first day — employment starts at the start of
the hire day, so the hire day is day one. §160②: a period of months or years ends on the day before
the corresponding day of its last month or year; §160③: when that month has no corresponding day
(a period from 29 February, or from the 31st into a 30-day month), it ends on that month's last day.

So a year from 2024-02-29 ends on 2025-02-28 (2025 has no 29 February: the month's last day), and a
year from 2023-03-01 ends on 2024-02-29 (the day before 2024-03-01). 퇴직금 eligibility (퇴직급여법 §4①,
1년 이상), 근속연수 (소득세법 §48①, a part year is a full year), 연차 (근로기준법 §60: the months and
years of service) and the 경력증명서's years-months-days all count with these functions.
"""

from __future__ import annotations

import calendar
import datetime as dt

from payroll.case import InputError

ONE_DAY = dt.timedelta(days=1)


def shift_months(day: dt.date, months: int) -> tuple[dt.date, bool]:
    """The corresponding day ``months`` later (or earlier) and whether it exists (else the month's last day)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day <= last:
        return dt.date(year, month + 1, day.day), True
    return dt.date(year, month + 1, last), False


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later or earlier, clipped to the month's last day."""
    return shift_months(day, months)[0]


def months_end(start: dt.date, months: int) -> dt.date:
    """Last day of a period of ``months`` months beginning on ``start`` (민법 §160②③)."""
    corresponding, exists = shift_months(start, months)
    return corresponding - ONE_DAY if exists else corresponding


def years_end(start: dt.date, years: int) -> dt.date:
    """Last day of a period of ``years`` years beginning on ``start`` (민법 §160②③)."""
    return months_end(start, 12 * years)


def completed_months(start: dt.date, day: dt.date) -> int:
    """Whole months of a period beginning on ``start`` that have ended by ``day`` (inclusive)."""
    if day < start:
        return 0
    months = (day.year - start.year) * 12 + day.month - start.month
    while months > 0 and months_end(start, months) > day:
        months -= 1
    while months_end(start, months + 1) <= day:
        months += 1
    return months


def completed_years(start: dt.date, day: dt.date) -> int:
    """Whole years of service from ``start`` completed by the end of ``day``."""
    return completed_months(start, day) // 12


def service_years_rounded_up(start: dt.date, last_day: dt.date) -> int:
    """근속연수 (소득세법 §48①, 시행령 §105): whole years, a part year counted as a full year; at least 1."""
    full = completed_years(start, last_day)
    part = last_day > years_end(start, full) if full else last_day >= start
    return max(1, full + (1 if part else 0))


def length_ymd(start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """(years, months, days) of the period ``start`` … ``end`` inclusive, by calendar months."""
    months = completed_months(start, end)
    days = (end - months_end(start, months)).days  # months_end(start, 0) is the day before start
    return months // 12, months % 12, days


def require_not_before(day: dt.date, hire: dt.date, what: str) -> None:
    """An end of employment before its start is an input error naming the date (never a silent 'no 퇴직금')."""
    if day < hire:
        raise InputError(f"{what}: {day.isoformat()}이(가) 입사일 {hire.isoformat()}보다 앞섭니다")
