"""What a day of 연차 is worth in minutes and in won: the grant rules of the day, a part-timer's
day (시행령 §9 별표2 4호 나목), the hourly 통상임금 and the 연차수당 with its 계산방법."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from payroll.law import Law
from payroll.leave.units import hours_text
from payroll.ordinary_wage import ordinary_wage, paid_month_minutes
from payroll.roster import Contract


def leave_day_minutes(contract: Contract, law: Law, day: dt.date) -> int:
    """Minutes of one day of 연차 for this contract: 8 h × weekly scheduled hours ÷ 40 (별표2), at most 8 h."""
    on = law.on(day)
    full = int(on["annual_leave.full_time_weekly_hours"]) * 60
    day_minutes = int(on["annual_leave.part_time_day_hours"]) * 60
    return min(contract.weekly_minutes, full) * day_minutes // full


_RULE_ON: dict[tuple[str, dt.date, str], object] = {}


def rule_on(law: Law, day: dt.date, name: str):
    """``law.on(day)[name]``, looked up once per rules content, date and name: a roster's ledgers ask
    for the same few figures on the same grant dates thousands of times."""
    key = (law.content_hash, day, name)
    try:
        return _RULE_ON[key]
    except KeyError:
        value = _RULE_ON[key] = law.on(day)[name]
        return value


def grant_rules(law: Law, day: dt.date) -> tuple[int, int, int]:
    """(full-time weekly minutes, minutes of a full-time day of 연차, rounding unit) in force on ``day``."""
    return (int(rule_on(law, day, "annual_leave.full_time_weekly_hours")) * 60, int(rule_on(law, day, "annual_leave.part_time_day_hours")) * 60,
            int(rule_on(law, day, "annual_leave.part_time_round_up_minutes")))


def granted_minutes(days: int, weekly_minutes: int, rules: tuple[int, int, int]) -> int:
    full, day_minutes, unit = rules
    # days × min(weekly, full) × day ÷ full, ceiling to the unit, in integers (the exact fraction's ceiling)
    return -((-(days * min(weekly_minutes, full) * day_minutes)) // (full * unit)) * unit


def grant_minutes(days: int, contract: Contract, law: Law, day: dt.date) -> int:
    """days × (weekly ÷ 40) × 8 h in minutes, rounded up to a whole hour (별표2 4호 나목 후단)."""
    return granted_minutes(days, contract.weekly_minutes, grant_rules(law, day))


def monthly_paid_minutes(contract: Contract, law: Law, day: dt.date) -> int:
    """월 소정근로시간 incl. 주휴 (40 h → 209 h; 20 h → 104.29 → 104 h, rounded half up to the hour), as the
    timesheet's 통상시급 counts it: ``payroll.ordinary_wage.paid_month_minutes``."""
    return paid_month_minutes(contract.weekly_minutes, law, day)


def hourly_ordinary_wage(contract: Contract, law: Law, day: dt.date, job: str | None = None) -> tuple[Fraction, str]:
    """통상임금 per hour (exact) and how it was found: ``payroll.ordinary_wage`` (the pay table and the
    ordinary fixed allowances of ``job``, the roster's job of the worker, as the timesheet pays them),
    with 식대 by ``leave.ordinary_wage_basis``."""
    basis = law.on(day)["leave.ordinary_wage_basis"]
    w = ordinary_wage(contract, job, law, day, include_meal=basis == "wage_and_meal")
    return w.hourly, w.how


def _rate_text(rate: Fraction) -> str:
    if rate.denominator == 1:
        return f"{rate.numerator:,}원"
    whole, rest = divmod(rate.numerator * 100, rate.denominator)  # display only: 2 decimals, truncated
    return f"{whole // 100:,}.{whole % 100:02d}원"


def _days_text(minutes: int, unit: int) -> str:
    if unit and minutes % unit == 0:
        return f"{minutes // unit}일"
    whole, rest = divmod(minutes * 100, unit)
    return f"{whole // 100}.{whole % 100:02d}일" + ("" if rest == 0 else "…")


def payout(minutes: int, contract: Contract, law: Law, day: dt.date, job: str | None = None,
           by_day_length: dict[int, int] | None = None) -> tuple[int, str]:
    """연차수당: minutes × hourly 통상임금, floored to the won; the 계산방법 as days × hours × rate.

    ``by_day_length``: the minutes paid by the length of a day when they were granted (a worker whose
    weekly hours changed holds 8-hour and 4-hour days together): the method then counts each kind."""
    rate, how = hourly_ordinary_wage(contract, law, day, job)
    amount = minutes * rate.numerator // (60 * rate.denominator)
    unit = leave_day_minutes(contract, law, day)
    if by_day_length and set(by_day_length) != {unit}:
        parts = " + ".join(f"{_days_text(m, length)} × {hours_text(length)}" for length, m in sorted(by_day_length.items(), reverse=True) if m)
        method = f"{hours_text(minutes)} ({parts}: 부여 때 계약의 하루 시간) × {_rate_text(rate)} = {amount:,}원 (통상시급: {how})"
    elif unit and minutes % unit == 0:
        method = f"{minutes // unit}일 × {hours_text(unit)} × {_rate_text(rate)} = {amount:,}원 (통상시급: {how})"
    else:
        method = f"{hours_text(minutes)} ({_days_text(minutes, unit)} × {hours_text(unit)}) × {_rate_text(rate)} = {amount:,}원 (통상시급: {how})"
    return amount, method


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month_of(day: dt.date) -> str:
    return month_of((day.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
