"""How an amount of 연차 is shown: in days and hours, never in minutes.

The ledger counts minutes (exact); people read days and hours. One day is 8 hours (근로기준법
시행령 별표2 4호 나목: a day of leave is 8 hours for the 통상근로자, and a 단시간근로자's leave is
counted in those hours), so 92 hours read "11일 4시간 (92시간)". From 2027-06-10 연차 may be taken in
hour units (근로기준법 §60⑤, 법률 제21784호; decisions.md D16): from then an amount reads as hours
alone ("92시간"). A part of an hour is shown as a decimal of an hour ("1.5시간"), not as minutes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

DAY_HOURS = 8
#: 근로기준법 §60⑤ (hour-based 연차), in force from 2027-06-10 (법률 제21784호 부칙 §1; decisions.md D16)
HOUR_BASED_FROM = dt.date(2027, 6, 10)


def hours_text(minutes: int) -> str:
    """'92시간', '1.5시간', '0.25시간' — hours with the fraction as a decimal (never minutes)."""
    value = (Decimal(int(minutes)) / 60).quantize(Decimal("0.01")).normalize()
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "") + "시간"


def leave_text(minutes: int, as_of: dt.date | None = None) -> str:
    """An amount of 연차: "11일 4시간 (92시간)" (8 h = 1일), or "92시간" from 2027-06-10."""
    minutes = int(minutes)
    if as_of is not None and as_of >= HOUR_BASED_FROM:
        return hours_text(minutes)
    sign = "-" if minutes < 0 else ""
    days, rest = divmod(abs(minutes), DAY_HOURS * 60)
    parts = ([f"{days}일"] if days else []) + ([hours_text(rest)] if rest or not days else [])
    text = sign + " ".join(parts)
    return text if not days or not rest else f"{text} ({sign}{hours_text(abs(minutes))})"
