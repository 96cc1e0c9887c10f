"""통상임금 (근로기준법 시행령 §6) of one contract on one day: the one scalar implementation.

The 연차 ledger (연차수당) and 퇴직금 (the 통상임금 floor of §2②) read it here; the timesheet computes
the same figure vectorised (``payroll.timesheet.wages``: 통상임금 per minute = ord_num ÷ ord_den), and
tests/test_ordinary_wage.py pins the two together contract by contract.

통상시급 (hourly 통상임금, exact Fraction of won):

- 시급: the hourly wage (+ 식대 ÷ the month's paid hours);
- 일급: 일급 ÷ 1일 소정근로시간 (+ 식대 ÷ the month's paid hours);
- 월급: (월 기본급 + the fixed allowances marked ``ordinary`` in pay_items.toml + 식대) ÷ the month's
  paid hours. The 월 기본급 is the 공무직 pay table (``timesheet.public_service_pay_table``) for the
  contract's pay_grade, else the contract's wage (a pay_grade the table does not hold: the wage, and
  the text says so — the timesheet refuses such a contract); the allowances are
  ``timesheet.public_service_allowances`` for every job ("*") and for the worker's job.

The month's paid hours (월 통상임금 산정 기준시간): ``working_time.full_time_monthly_hours`` (209 h) for
a week of ``working_time.weekly_hours`` (40 h) or more; otherwise (weekly + 주휴) × 365 ÷ 7 ÷ 12
rounded half up to the hour, 주휴 being weekly ÷ 40 × 8 h (at most 8 h) and only for a week of
``working_time.short_hours_weekly`` (15 h) or more (§18③).

식대 (the contract's monthly meal_allowance) is in the 통상임금 when pay_items.toml marks ``meal``
ordinary, unless the caller decides otherwise (the ledger follows ``leave.ordinary_wage_basis``).

1일 통상임금 = 1일 소정근로시간 × 통상시급.

On a day the rules give no 근로시간·보수표 figures (service before 2025, reached by the 연차 ledger),
the month's hours come from the 연차 parameters of the same statute (``annual_leave.*``: 40 h, 8 h,
15 h, the same figures) and a 월급 contract's 통상임금 is its wage alone; the text says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from payroll import pay_items
from payroll.law import Law, RuleError
from payroll.roster import WEEKS_PER_MONTH_DEN, WEEKS_PER_MONTH_NUM, Contract


@dataclass(frozen=True)
class OrdinaryWage:
    hourly: Fraction  # 통상시급, won per hour (exact)
    daily_minutes: int  # 1일 소정근로시간 in minutes
    month_minutes: int  # 월 통상임금 산정 기준시간 in minutes
    monthly: int  # 월 통상임금 (월급: 기본급 + 통상 수당 + 식대 if included; 시급·일급: 0)
    how: str  # how it was found, for a 계산방법

    @property
    def daily(self) -> Fraction:
        return self.hourly * self.daily_minutes / 60


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}시간 {m}분" if m else f"{h}시간"


def paid_month_minutes(weekly_minutes: int, law: Law, day: dt.date) -> int:
    """월 통상임금 산정 기준시간 in minutes for a contract of ``weekly_minutes`` a week (see the module text)."""
    on = law.on(day)
    try:
        cap = int(on["working_time.weekly_hours"]) * 60
        holiday_max = int(on["working_time.weekly_holiday_hours"]) * 60
        short = int(on["working_time.short_hours_weekly"]) * 60
        full: int | None = int(on["working_time.full_time_monthly_hours"]) * 60
    except RuleError:  # before the working_time figures: the same statute's figures as the 연차 rules hold them
        cap = int(on["annual_leave.full_time_weekly_hours"]) * 60
        holiday_max = int(on["annual_leave.part_time_day_hours"]) * 60
        short = int(on["annual_leave.min_weekly_hours"]) * 60
        full = None
    if weekly_minutes >= cap and full is not None:
        return full
    weekly = min(weekly_minutes, cap) if full is None else weekly_minutes
    holiday = min(weekly * holiday_max // cap, holiday_max) if weekly_minutes >= short else 0
    # (weekly + 주휴) × 365 / 7 / 12 minutes, rounded half up to the hour
    hours = ((weekly + holiday) * WEEKS_PER_MONTH_NUM * 2 + WEEKS_PER_MONTH_DEN * 60) // (2 * WEEKS_PER_MONTH_DEN * 60)
    return max(hours, 1) * 60


def _monthly_pay(contract: Contract, job: str | None, law: Law, day: dt.date) -> tuple[int, bool, list[tuple[str, int]], str]:
    """A 월급 contract's monthly 통상임금 before 식대: (base, from the pay table, [(label, amount)], note)."""
    on = law.on(day)
    try:
        table = on["timesheet.public_service_pay_table"]
        allowances = on["timesheet.public_service_allowances"]
    except RuleError:
        return contract.wage, False, [], " (보수표·정액수당 규정이 없는 날: 계약 월급)"
    base, from_table, note = contract.wage, False, ""
    if contract.pay_grade in table:
        base, from_table = int(table[contract.pay_grade]), True
    elif contract.pay_grade:  # the timesheet refuses such a contract in a month run; shown here, not hidden
        note = f" (보수등급 {contract.pay_grade!r}은 보수표에 없음: 계약 월급)"
    catalogue = pay_items.current(law.rules_dir)
    merged = {**allowances.get("*", {}), **allowances.get(job or "", {})}
    parts = []
    for code, amount in sorted(merged.items()):
        if code not in catalogue:
            raise RuleError(f"timesheet.public_service_allowances: 알 수 없는 지급 코드 {code!r}")
        if catalogue[code].ordinary and int(amount) > 0:
            parts.append((catalogue.label(code), int(amount)))
    return base, from_table, parts, note


def ordinary_wage(contract: Contract, job: str | None, law: Law, day: dt.date, *, include_meal: bool | None = None) -> OrdinaryWage:
    """The 통상임금 of ``contract`` on ``day``; ``job`` is the roster's job of the worker (the fixed
    allowances of a 월급 worker). ``include_meal``: None → pay_items.toml's ``ordinary`` flag of ``meal``."""
    if include_meal is None:
        include_meal = pay_items.current(law.rules_dir)["meal"].ordinary
    month = paid_month_minutes(contract.weekly_minutes, law, day)
    monthly = 0
    if contract.pay_type == "hourly":
        rate, how = Fraction(contract.wage), f"시급 {contract.wage:,}원"
    elif contract.pay_type == "daily":
        rate = Fraction(contract.wage * 60, contract.daily_minutes)
        how = f"일급 {contract.wage:,}원 ÷ {_hours(contract.daily_minutes)}"
    else:
        base, from_table, parts, note = _monthly_pay(contract, job, law, day)
        monthly = base + sum(a for _, a in parts)
        rate = Fraction(monthly * 60, month)
        shown = f"월급 {'보수표 ' + contract.pay_grade + ' ' if from_table else ''}{base:,}원" + "".join(f" + {name} {amount:,}원" for name, amount in parts)
        how = (f"({shown})" if parts else shown) + f" ÷ {_hours(month)}{note}"
    if include_meal and contract.meal_allowance:
        rate += Fraction(contract.meal_allowance * 60, month)
        how += f" + 식대 {contract.meal_allowance:,}원 ÷ {_hours(month)}"
        if contract.pay_type == "monthly":
            monthly += contract.meal_allowance
    return OrdinaryWage(rate, contract.daily_minutes, month, monthly, how)


def hourly_ordinary_wage(contract: Contract, job: str | None, law: Law, day: dt.date, *, include_meal: bool | None = None) -> Fraction:
    """통상시급 (won per hour, exact)."""
    return ordinary_wage(contract, job, law, day, include_meal=include_meal).hourly


def daily_ordinary_wage(contract: Contract, job: str | None, law: Law, day: dt.date, *, include_meal: bool | None = None) -> Fraction:
    """1일 통상임금 = 1일 소정근로시간 × 통상시급 (won, exact)."""
    return ordinary_wage(contract, job, law, day, include_meal=include_meal).daily
