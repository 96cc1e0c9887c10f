"""퇴직금 and 퇴직소득세 of one leaver, every figure with its reference.

Eligibility (근로자퇴직급여 보장법 §4①): 계속근로기간 1년 이상 and 4주 평균 1주 소정근로시간
15시간 이상. The 계속근로기간 is the chain of the worker's contracts that ends on the last working
day, each starting the day after the previous one ends — or after days only that the previous one
would not have worked (a renewal over a weekend or a 공휴일); another gap ends it. A contract under 15
hours a week is outside §4①: between counted ones its days are left out and the service on each side
is added (고용노동부 practice); at the leaving day it leaves nothing to count. A contract of exactly one year qualifies: 2025-03-01 … 2026-02-28 is one
year (365 days, the 퇴직일 being 2026-03-01); 2025-03-01 … 2026-02-27 is not.

평균임금 (근로기준법 §2①6): the wages paid for the 3 calendar months before the 퇴직일 (the day
after the last working day) ÷ the calendar days of those months. A month cut by the window counts
pro rata to the days its wages were paid for (truncated to the won): the leaving month's pay, already
일할 to the last working day, counts whole. 상여금 and 연차수당 paid in the 12 months before
are added at 3/12 when given (고용노동부 practice for 평균임금; optional inputs). When the daily
average is below the 1일 통상임금, the 통상임금 is used (§2②): 1일 소정근로시간 × 통상시급 of the contract
in force on the last working day (a part-timer's day: 4 weeks' hours ÷ the 통상근로자's 20 days,
근로기준법 시행령 별표2), as the timesheet and the 연차 ledger count it (``payroll.ordinary_wage``:
the 공무직 pay table, the ordinary fixed allowances of the worker's job, 식대; 209 h for 40 h a week).

퇴직금 = 1일 평균임금 × 30 × 재직일수 ÷ 365 (퇴직급여법 §8①). Rounding: the daily average is kept
exact (a fraction of won, never rounded), and the product is truncated to the whole won once, at
the end — truncation, because 퇴직급여법 sets a minimum ("30일분 이상") that the employer may round
up but never down, and we must not overstate the ``severance_pay`` line to a cent the worker was
not paid; the trace shows the exact daily figure.

퇴직소득세: 퇴직소득금액 − 근속연수공제 (§48①1; 1년 미만은 1년) → ÷ 근속연수 × 12 = 환산급여 →
− 환산급여공제 (§48①2) = 과세표준 → 기본세율 (§55①) = 환산산출세액 → ÷ 12 × 근속연수 (§55②) =
산출세액, each step truncated to the won; the withholding drops the part below 10원 (국고금관리법
§47) and the 지방소득세 is 10% of it, floored to 10원 (decision D7). Paid into an IRP/연금계좌:
nothing is withheld (§146②; flag ``to_pension_account``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from payroll import law as law_module
from payroll.law import Law
from payroll.holidays import holidays_between
from payroll.money import floor10, small_amount_exempt
from payroll.ordinary_wage import ordinary_wage
from payroll.periods import add_months, require_not_before, service_years_rounded_up, years_end
from payroll.roster import Contract
from payroll.settlement.brackets import bracket_amount, service_rows, service_years_deduction

DAY = dt.timedelta(days=1)


def _only_days_off(before: Contract, first: dt.date, last: dt.date, holidays: set[dt.date]) -> bool:
    """Every day from ``first`` to ``last`` is one the contract before would not have worked (a 휴무일, the
    주휴일 or a 공휴일): a renewal over a weekend or a holiday is no break in the service."""
    day = first
    while day <= last:
        if day.isoweekday() in before.weekdays and day not in holidays:
            return False
        day += DAY
    return True


def continuous_service(contracts: list[Contract], last_day: dt.date, min_weekly_minutes: int,
                       holidays: set[dt.date] = frozenset()) -> tuple[dt.date | None, list[Contract], str, int]:
    """The start of the unbroken chain of contracts ending on ``last_day``, the contracts it counts, why it
    stops, and the days it leaves out. A contract starts the chain on the day after the one before ends, or
    after days the one before would not have worked (``holidays``). A contract under 15 h a week between
    counted ones is outside 퇴직급여법 §4①: its days are left out and the service on each side is added
    (고용노동부 practice); under 15 h at the leaving day, nothing is counted."""
    chain: list[Contract] = []
    ordered = sorted((c for c in contracts if c.start <= last_day), key=lambda c: c.start)
    if not ordered:
        return None, [], "no contract covers the last working day", 0
    current = ordered[-1]
    if not current.covers(last_day):
        return None, [], f"the last working day {last_day} is outside contract {current.contract_id}", 0
    reason, excluded, linked = "", 0, None
    for c in reversed(ordered):
        if linked is not None and c.end is not None and c.end + DAY != linked.start and not _only_days_off(c, c.end + DAY, linked.start - DAY, holidays):
            reason = f"gap before {linked.contract_id} (previous contract {c.contract_id} ended {c.end})"
            break
        if c.weekly_minutes < min_weekly_minutes:
            if not chain:
                reason = f"contract {c.contract_id} schedules {c.weekly_minutes / 60:g} h a week (under 15 h)"  # float ok: message
                break
            excluded += (c.end - c.start).days + 1  # a later contract follows: c has an end
            reason = f"contract {c.contract_id} ({c.start} … {c.end}) schedules {c.weekly_minutes / 60:g} h a week: its days left out"  # float ok: message
            linked = c
            continue
        chain.insert(0, c)
        linked = c
    if not chain:
        return None, [], reason, 0
    return chain[0].start, chain, reason, excluded


def service_years(start: dt.date, last_day: dt.date) -> int:
    """근속연수 (§48①): whole years from ``start`` to ``last_day``; a part year counts as a full year."""
    return service_years_rounded_up(start, last_day)


def _month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Severance:
    worker_id: str
    eligible: bool
    reason: str
    service_start: dt.date | None
    last_working_day: dt.date
    leaving_date: dt.date  # 퇴직일 = the day after the last working day
    service_days: int
    window: tuple[dt.date, dt.date] | None
    window_days: int
    window_wages: int
    daily_average: Fraction
    daily_ordinary: Fraction
    daily_wage: Fraction
    severance_pay: int
    years: int
    retirement_income_tax: int
    retirement_local_income_tax: int
    to_pension_account: bool
    tax_steps: dict[str, int] = field(default_factory=dict)
    trace: list[dict[str, Any]] = field(default_factory=list)

    def carried_columns(self) -> dict[str, int]:
        """The engine's carried columns for the final run (with a ``severance_pay`` pay item)."""
        return {"retirement_income_tax": self.retirement_income_tax, "retirement_local_income_tax": self.retirement_local_income_tax}

    def pay_item(self) -> dict[str, Any]:
        return {"code": "severance_pay", "amount": self.severance_pay}

    def as_dict(self) -> dict[str, Any]:
        def d(x):
            return x.isoformat() if isinstance(x, dt.date) else x

        return {
            "worker_id": self.worker_id, "eligible": self.eligible, "reason": self.reason,
            "service_start": d(self.service_start), "last_working_day": d(self.last_working_day), "leaving_date": d(self.leaving_date),
            "service_days": self.service_days, "window": [d(self.window[0]), d(self.window[1])] if self.window else None,
            "window_days": self.window_days, "window_wages": self.window_wages,
            "daily_average": f"{self.daily_average.numerator}/{self.daily_average.denominator}",
            "daily_ordinary": f"{self.daily_ordinary.numerator}/{self.daily_ordinary.denominator}",
            "severance_pay": self.severance_pay, "years": self.years,
            "retirement_income_tax": self.retirement_income_tax, "retirement_local_income_tax": self.retirement_local_income_tax,
            "to_pension_account": self.to_pension_account, "tax_steps": self.tax_steps, "trace": self.trace,
        }


def _won_floor(x: Fraction) -> int:
    return x.numerator // x.denominator


def compute_severance(
    worker_id: str,
    contracts: list[Contract],
    last_working_day: dt.date,
    monthly_wages: dict[str, int],
    *,
    bonus_12m: int = 0,
    annual_leave_pay_12m: int = 0,
    daily_ordinary: Fraction | None = None,
    to_pension_account: bool = False,
    law: Law | None = None,
    job: str | None = None,
) -> Severance:
    """퇴직금 and its tax for a worker whose last working day is ``last_working_day``.

    ``monthly_wages``: "YYYY-MM" → the wages (임금 총액: every pay item that is 임금, taxable or not,
    before deductions) paid for that month. The 3 months before the 퇴직일 must all be present.
    ``job``: the roster's job of the worker (the fixed allowances of a 월급 worker in the 1일 통상임금,
    ``payroll.ordinary_wage``); None → the duties of the contract in force on the last working day.
    ``daily_ordinary``: a 1일 통상임금 given by the caller instead of the one computed.
    """
    law = law or law_module.current()
    leaving = last_working_day + DAY
    on = law.on(leaving)
    trace: list[dict[str, Any]] = []

    def add(step: str, value: Any, ref: str, note: str) -> None:
        trace.append({"step": f"severance.{step}", "value": value, "reference": ref, "note": note})

    min_minutes = int(on["retirement.min_weekly_hours"] * 60)
    if contracts:
        require_not_before(last_working_day, min(c.start for c in contracts), f"worker {worker_id}: last working day")
    holidays = set(holidays_between(min(c.start for c in contracts), last_working_day, law)) if contracts else set()
    start, chain, why, excluded = continuous_service(contracts, last_working_day, min_minutes, holidays)
    service_days = (last_working_day - start).days + 1 - excluded if start else 0
    # the service counted as if it ran on without the days left out (an under-15 h contract between others)
    counted_from = start + dt.timedelta(days=excluded) if start else None
    min_years = on["retirement.min_service_years"]
    # 민법 §160: a year from 2024-02-29 ends on 2025-02-28 (payroll.periods)
    eligible = start is not None and years_end(counted_from, min_years) <= last_working_day
    ref4 = str(on.citation("retirement.min_service_years")) + "; " + str(on.citation("retirement.min_weekly_hours"))
    add("service_start", start.isoformat() if start else None, ref4, "계속근로 시작일 (갱신 계약 포함, 공백·15시간 미만 계약에서 끊김)" + (f": {why}" if why else ""))
    add("service_days", service_days, ref4, f"재직일수 {start} … {last_working_day} (퇴직일 {leaving})" + (f", 주 15시간 미만 기간 {excluded}일 제외" if excluded else ""))
    reason = "" if eligible else (why or f"계속근로기간 {service_days}일: 1년 미만")
    add("eligible", eligible, ref4, "퇴직급여 지급 대상" if eligible else f"지급 대상 아님: {reason}")
    zero = Fraction(0)
    if not eligible:
        return Severance(worker_id, False, reason, start, last_working_day, leaving, service_days, None, 0, 0, zero, zero, zero, 0, 0, 0, 0, to_pension_account, {}, trace)

    months = on["retirement.average_wage_months"]
    w_start, w_end = add_months(leaving, -months), last_working_day
    window_days = (w_end - w_start).days + 1
    wages = 0
    day = w_start.replace(day=1)
    while day <= w_end:
        key = _month_key(day)
        last = dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        lo, hi = max(day, w_start), min(last, w_end)
        if key not in monthly_wages:
            raise ValueError(f"{worker_id}의 평균임금 ({w_start} … {w_end})에 {key} 임금이 필요합니다")
        covered = (hi - lo).days + 1
        # the days the month's wages were paid for: to the last working day in the leaving month (its pay is
        # already 일할), from the start of service in a first month
        paid_for = (min(last, last_working_day) - max(day, start)).days + 1
        wages += monthly_wages[key] * covered // paid_for
        day = last + DAY
    ref_avg = str(on.citation("retirement.average_wage_months"))
    add("window", f"{w_start.isoformat()} … {w_end.isoformat()}", ref_avg, f"평균임금 산정기간 {window_days}일 (퇴직일 이전 {months}개월)")
    add("window_wages", wages, ref_avg, "산정기간 임금 총액 (기간에 걸친 달은 그 달 임금이 지급된 일수로 안분, 원 미만 절사; 퇴직하는 달은 지급액 그대로)")
    extra = Fraction((bonus_12m + annual_leave_pay_12m) * months, 12)
    if extra:
        add("bonus_addition", _won_floor(extra), ref_avg, "상여금·연차수당 (최근 12개월) × 3/12 가산")
    average = (wages + extra) / window_days
    if daily_ordinary is not None:
        ordinary, ord_note = daily_ordinary, "1일 통상임금 (주어진 값"
    else:
        last_contract = chain[-1]
        ow = ordinary_wage(last_contract, last_contract.duties if job is None else job, law, last_working_day)
        day_minutes = Fraction(ow.daily_minutes)
        day_text = f"1일 소정 {ow.daily_minutes // 60}시간{f' {ow.daily_minutes % 60}분' if ow.daily_minutes % 60 else ''}"
        if last_contract.weekly_minutes < int(on["working_time.weekly_hours"]) * 60:
            # 단시간근로자: 4주 소정근로시간 ÷ 통상근로자의 4주 총 소정근로일수 (시행령 별표2), not the hours of its own days
            days_4w = on["retirement.full_time_workdays_4_weeks"]
            day_minutes = Fraction(last_contract.weekly_minutes * 4, days_4w)
            day_text = f"1일 소정 {float(day_minutes / 60):g}시간 (주 {last_contract.weekly_minutes / 60:g}시간 × 4주 ÷ {days_4w}일, {on.citation('retirement.full_time_workdays_4_weeks')})"  # float ok: display
        ordinary = ow.hourly * day_minutes / 60
        ord_note = f"1일 통상임금 = {day_text} × 통상시급 ({ow.how}) (근로기준법 시행령 §6"
    used = max(average, ordinary)
    add("daily_average", _won_floor(average), ref_avg, f"1일 평균임금 (정확한 값 {float(average):.4f}원으로 계산)")  # float ok: display
    add("daily_ordinary", _won_floor(ordinary), ref_avg, f"{ord_note}; 정확한 값 {float(ordinary):.4f}원)")  # float ok: display
    add("daily_wage", _won_floor(used), ref_avg, "적용: " + ("통상임금 (평균임금보다 큼, 근로기준법 §2②)" if ordinary > average else "평균임금"))
    per_year, year_days = on["retirement.days_per_year_of_service"], on["retirement.days_in_year"]
    pay = _won_floor(used * per_year * service_days / year_days)
    add("severance_pay", pay, str(on.citation("retirement.days_per_year_of_service")) + "; " + str(on.citation("retirement.days_in_year")),
        f"퇴직금 = 1일 임금 × {per_year} × {service_days} ÷ {year_days} (원 미만 절사)")

    # 퇴직소득세
    years = service_years(counted_from, last_working_day)
    income = pay
    ded_years = min(service_years_deduction(years, service_rows(on["retirement.service_years_deduction"])), income)
    twelve = on["retirement.months_per_year"]
    converted = (income - ded_years) * twelve // years
    ded_conv = min(bracket_amount(converted, on["retirement.converted_pay_deduction"]), converted)
    base = converted - ded_conv
    converted_tax = bracket_amount(base, on["year_end.basic_rate"])
    tax = converted_tax * years // twelve
    withheld = 0 if to_pension_account else small_amount_exempt(floor10(tax), on["income_tax.small_amount_limit"])  # §86 1호: under 1,000원 not collected
    local_rate = law.on(leaving)["income_tax.local_income_tax_rate"]
    local = floor10(withheld * local_rate.numerator // local_rate.denominator)
    steps = {"retirement_income": income, "years": years, "service_years_deduction": ded_years, "converted_pay": converted,
             "converted_pay_deduction": ded_conv, "tax_base": base, "converted_tax": converted_tax, "computed_tax": tax,
             "withheld_income_tax": withheld, "withheld_local_income_tax": local}
    c = on.citation
    add("years", years, str(c("retirement.service_years_deduction")), "근속연수 (1년 미만의 기간은 1년, §48①)")
    add("service_years_deduction", ded_years, str(c("retirement.service_years_deduction")), "근속연수공제 (퇴직소득금액 한도, §48②)")
    add("converted_pay", converted, str(c("retirement.months_per_year")), "환산급여 = (퇴직소득금액 − 근속연수공제) ÷ 근속연수 × 12")
    add("converted_pay_deduction", ded_conv, str(c("retirement.converted_pay_deduction")), "환산급여공제")
    add("tax_base", base, "소득세법 §14⑥", "퇴직소득 과세표준")
    add("converted_tax", converted_tax, str(c("year_end.basic_rate")), "환산산출세액 (기본세율)")
    add("computed_tax", tax, "소득세법 §55② (÷ 12 × 근속연수)", "퇴직소득 산출세액 (원 미만 절사)")
    add("retirement_income_tax", withheld, "소득세법 §146 (원천징수), §146② (연금계좌 이체 시 미징수); 국고금관리법 §47",
        "퇴직소득세 원천징수 (10원 미만 절사; 1,000원 미만은 징수하지 않음, §86 1호)" + (" — 연금계좌 이체: 원천징수하지 않음" if to_pension_account else ""))
    add("retirement_local_income_tax", local, str(law.on(leaving).citation("income_tax.local_income_tax_rate")), "퇴직소득 지방소득세 (10%, 10원 미만 절사)")
    return Severance(worker_id, True, "", start, last_working_day, leaving, service_days, (w_start, w_end), window_days, wages,
                     average, ordinary, used, pay, years, withheld, local, to_pension_account, steps, trace)
