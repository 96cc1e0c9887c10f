"""연차 in days and hours — never in minutes — and hour-based use from 2027-06-10 (근로기준법 §60⑤,
법률 제21784호, D16).

The ledger counts 연차 in minutes of the worker's scheduled day (8 h = 1일 for a full-timer;
별표2 4호 나목 for a part-timer). People read it as days and hours ("11일 4시간"); a part of an hour
is a decimal of an hour ("1.5시간"), never minutes. From 2027-06-10 a worker may take 연차 in the
hour units a 시행령 sets (``annual_leave.hour_unit_minutes``): from then on an amount reads in hours
first ("92시간 (11일 4시간)"), and once HR has entered the 시행령's unit, a use of part of a day must
be a whole number of units. No unit is assumed before that (shared/reference 2027 §8: unknown, no
number to be guessed): a use of part of a day is taken as given, as before §60⑤.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from payroll.case import InputError
from payroll.law import Law

HOUR_UNIT = "annual_leave.hour_unit_minutes"
FULL_DAY_MINUTES = 8 * 60  # a full-timer's day of leave (별표2: × 8시간)


def hour_based(law: Law, day: dt.date) -> bool:
    """Whether 연차 is taken and read in hours on ``day`` (§60⑤, from 2027-06-10), whether or not its
    unit has been entered yet."""
    return law.parameter(HOUR_UNIT).state_on(day) not in ("not_yet", "ended")


def hour_unit(law: Law, day: dt.date) -> int | None:
    """Minutes of one unit of hour-based 연차 on ``day`` (None before §60⑤ is in force, or while its
    시행령's unit has not been entered)."""
    p = law.parameter(HOUR_UNIT)
    if p.state_on(day) in ("not_yet", "missing", "ended", "unknown"):
        return None
    return int(law.on(day)[HOUR_UNIT])


def check_use(kind: str, given_minutes: int | None, day_minutes: int, day: dt.date, law: Law, where: str) -> None:
    """A 연차 of part of a day on or after 2027-06-10 is a whole number of hour units (once the unit is entered)."""
    if kind != "연차" or given_minutes is None or given_minutes >= day_minutes:
        return
    unit = hour_unit(law, day)
    if unit is None or given_minutes % unit == 0:
        return
    citation = law.on(day).citation(HOUR_UNIT)
    raise InputError(f"{where}: minutes: 시간 단위 연차는 {unit}분 단위로 사용합니다 ({given_minutes}분은 {unit}분의 배수가 아님; "
                     f"근로기준법 §60⑤ — {citation.note})")


def hours_text(minutes: int) -> str:
    """'92시간', '1.5시간', '0.25시간': hours, a part of an hour as a decimal (never minutes)."""
    value = (Decimal(int(minutes)) / 60).quantize(Decimal("0.01")).normalize()
    whole, _, frac = format(value, "f").partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "") + "시간"


def amount_text(minutes: int, day_minutes: int, hour_based: bool = False) -> str:
    """'15일', '3일 4시간' (a day of ``day_minutes``); with ``hour_based`` the hours first: '124시간 (15일 4시간)'."""
    sign = "−" if minutes < 0 else ""
    minutes = abs(minutes)
    if day_minutes <= 0:
        days_part = hours_text(minutes)
    else:
        days, rest = divmod(minutes, day_minutes)
        days_part = " ".join(p for p in (f"{days}일" if days or not rest else "", hours_text(rest) if rest else "") if p)
    if hour_based:
        return f"{sign}{hours_text(minutes)} ({days_part})"
    return f"{sign}{days_part}"


def leave_text(minutes: int, day: dt.date | None = None, law: Law | None = None, day_minutes: int = FULL_DAY_MINUTES) -> str:
    """An amount of 연차 as of ``day``: days and hours (8시간 = 1일 unless ``day_minutes`` says the
    worker's day), hours first once hour-based 연차 is in force on ``day``."""
    in_hours = False
    if day is not None:
        from payroll import law as law_module

        in_hours = hour_based(law or law_module.current(), day)
    return amount_text(int(minutes), day_minutes, in_hours)
