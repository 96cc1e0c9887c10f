"""연차 in days and hours, and hour-based use from 2027-06-10 (근로기준법 §60⑤, 법률 제21784호, D16).

The ledger counts 연차 in minutes of the worker's scheduled day (8 h = 1일 for a full-timer;
별표2 4호 나목 for a part-timer). People read it as days and hours. From 2027-06-10 a worker may
take 연차 in the hour units a 시행령 sets (``annual_leave.hour_unit_minutes``, one hour until
the 시행령 is confirmed): from then on the ledger states balances in hours as well, and a use of
part of a day must be a whole number of units.
"""

from __future__ import annotations

import datetime as dt

from payroll.case import InputError
from payroll.law import Law

HOUR_UNIT = "annual_leave.hour_unit_minutes"


def hour_unit(law: Law, day: dt.date) -> int | None:
    """Minutes of one unit of hour-based 연차 on ``day`` (None before §60⑤ is in force)."""
    p = law.parameter(HOUR_UNIT)
    if p.state_on(day) in ("not_yet", "missing", "ended", "unknown"):
        return None
    return int(law.on(day)[HOUR_UNIT])


def check_use(kind: str, given_minutes: int | None, day_minutes: int, day: dt.date, law: Law, where: str) -> None:
    """A 연차 of part of a day on or after 2027-06-10 is a whole number of hour units."""
    if kind != "연차" or given_minutes is None or given_minutes >= day_minutes:
        return
    unit = hour_unit(law, day)
    if unit is None or given_minutes % unit == 0:
        return
    citation = law.on(day).citation(HOUR_UNIT)
    raise InputError(f"{where}: minutes: 시간 단위 연차는 {unit}분 단위로 사용합니다 ({given_minutes}분은 {unit}분의 배수가 아님; "
                     f"근로기준법 §60⑤ — {citation.note})")


def hours_text(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if not m:
        return f"{h}시간"
    return f"{h}시간 {m}분" if h else f"{m}분"


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
