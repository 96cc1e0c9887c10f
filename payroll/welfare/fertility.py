"""난임 시술비 지원: programme rules, eligibility and the budget decisions (a pure function).

The decisions are a pure function of the applications and the cancellations, replayed in
submission order (``decide``). Nothing here touches the database; ``payroll.welfare.repo``
loads the recorded events and calls ``decide``.

House decisions (docs/welfare.md):
- Programme year = the calendar year of the treatment date; the budget of that year pays it.
  A claim must be submitted on or after the treatment date and no later than 31 December of it.
- Support = the programme amount for the worker's 만 나이 on the treatment date (below the
  threshold age: ``amount_below_threshold``; at or above: ``amount_from_threshold``), capped at the
  proven cost. Cost 0 ⇒ rejected (nothing proven).
- No partial approvals: an application is approved only when the year's remaining budget covers
  its whole support; otherwise it is waitlisted with the shortfall as the reason.
- A cancellation of an approved application returns its support to the budget; then the waitlist
  of that year is scanned in submission order and every application whose whole support now fits
  is approved (the first waitlisted first). A later, smaller application may be approved while an
  earlier, larger one still waits — the same rule as at intake ("approved while budget remains").
- Events are ordered by (time, kind, position in the input): applications by ``submitted_at``,
  cancellations by ``cancelled_at``; at the same instant an application comes before a cancellation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from payroll.case import InputError
from payroll.law import Law, RuleError
from payroll.money import won

APPROVED, WAITLISTED, REJECTED, CANCELLED = "approved", "waitlisted", "rejected", "cancelled"
STATUS_LABELS = {APPROVED: "승인", WAITLISTED: "대기", REJECTED: "반려", CANCELLED: "취소"}
PAY_CODES = {"taxable": "fertility_support", "non_taxable": "fertility_support_non_taxable"}


@dataclass(frozen=True)
class Application:
    application_id: str
    worker_id: str
    treatment_date: dt.date
    cost: int
    evidence: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class Cancellation:
    application_id: str
    cancelled_at: dt.datetime
    reason: str = ""


@dataclass(frozen=True)
class Programme:
    """The programme rules in force on a treatment date."""

    year: int
    budget: int
    amount_below: int
    amount_from: int
    age_threshold: int
    tax_treatment: str

    def amount_for_age(self, age: int) -> int:
        return self.amount_from if age >= self.age_threshold else self.amount_below

    @property
    def pay_code(self) -> str:
        return PAY_CODES[self.tax_treatment]


def programme_on(law: Law, day: dt.date) -> Programme:
    on = law.on(day)
    return Programme(
        year=day.year,
        budget=int(on["fertility.budget_yearly"]),
        amount_below=int(on["fertility.amount_below_threshold"]),
        amount_from=int(on["fertility.amount_from_threshold"]),
        age_threshold=int(on["fertility.age_threshold"]),
        tax_treatment=str(on["fertility.tax_treatment"]),
    )


def age_on(birth: dt.date, day: dt.date) -> int:
    """만 나이 on ``day`` (the birthday itself counts)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Decision:
    application: Application
    status: str
    amount: int  # the support due (0 when rejected)
    reason: str
    decided_at: dt.datetime
    year: int
    age: int | None = None
    history: tuple[str, ...] = ()

    @property
    def application_id(self) -> str:
        return self.application.application_id


@dataclass
class Ledger:
    """The state after replaying every event: one decision per application, the budget per year."""

    decisions: dict[str, Decision] = field(default_factory=dict)
    budget: dict[int, int] = field(default_factory=dict)
    used: dict[int, int] = field(default_factory=dict)

    def remaining(self, year: int) -> int:
        return self.budget.get(year, 0) - self.used.get(year, 0)

    def of_status(self, status: str, year: int | None = None) -> list[Decision]:
        return [d for d in self.decisions.values() if d.status == status and (year is None or d.year == year)]

    def waitlist(self, year: int) -> list[Decision]:
        return self.of_status(WAITLISTED, year)  # insertion order = submission order


#: eligibility check: (application) → None when eligible, else the reason it is not
Eligibility = Callable[[Application], "tuple[str | None, int | None]"]


def decide(
    applications: Iterable[Application],
    cancellations: Iterable[Cancellation],
    programme: Callable[[dt.date], Programme],
    eligibility: Eligibility,
) -> Ledger:
    """Replay applications and cancellations in submission order; return every decision.

    ``programme(treatment_date)`` gives the rules in force; ``eligibility(application)`` returns
    ``(reason or None, age on the treatment date or None)``.
    """
    apps = list(applications)
    cancels = list(cancellations)
    events: list[tuple[dt.datetime, int, int, object]] = [(a.submitted_at, 0, i, a) for i, a in enumerate(apps)]
    events += [(c.cancelled_at, 1, i, c) for i, c in enumerate(cancels)]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    ledger = Ledger()
    active: dict[tuple[str, dt.date], str] = {}  # (worker, treatment date) → application id not cancelled/rejected

    for at, kind, _, event in events:
        if kind == 0:
            _apply(ledger, event, at, programme, eligibility, active)  # type: ignore[arg-type]
        else:
            _cancel(ledger, event, at, active)  # type: ignore[arg-type]
    return ledger


def _apply(ledger: Ledger, a: Application, at: dt.datetime, programme, eligibility, active) -> None:
    if a.application_id in ledger.decisions:
        raise InputError(f"신청 {a.application_id}: 신청 번호가 두 번 있습니다")
    try:
        prog = programme(a.treatment_date)
    except RuleError as exc:
        _record(ledger, a, REJECTED, 0, f"시술일에 시행 중인 지원 규칙이 없습니다: {exc}", at, a.treatment_date.year, None)
        return
    year = prog.year
    ledger.budget.setdefault(year, prog.budget)
    ledger.used.setdefault(year, 0)
    reason, age = eligibility(a)
    if reason is None and a.submitted_at.date() < a.treatment_date:
        reason = f"신청일 {a.submitted_at.date()}이(가) 시술일 {a.treatment_date}보다 앞섭니다"
    if reason is None and a.submitted_at.year != year:
        reason = f"지원 연도 {year} 밖의 신청입니다 (신청일 {a.submitted_at.date()})"
    if reason is None and a.cost <= 0:
        reason = "증빙된 시술비가 없습니다 (비용 0)"
    key = (a.worker_id, a.treatment_date)
    if reason is None and key in active:
        reason = f"중복: {active[key]}이(가) 이미 {a.treatment_date} 시술을 신청했습니다"
    if reason is not None:
        _record(ledger, a, REJECTED, 0, reason, at, year, age)
        return
    assert age is not None
    base = prog.amount_for_age(age)
    amount = min(base, a.cost)
    basis = f"만 {age}세 ({'≥' if age >= prog.age_threshold else '<'}{prog.age_threshold}) → {won(base)}원"
    if amount < base:
        basis += f", 증빙 비용 {won(a.cost)}원 한도 → {won(amount)}원"
    active[key] = a.application_id
    remaining = ledger.remaining(year)
    if amount <= remaining:
        ledger.used[year] += amount
        _record(ledger, a, APPROVED, amount, f"{basis}; 예산 잔액 {won(remaining)}원 → {won(remaining - amount)}원", at, year, age)
    else:
        _record(ledger, a, WAITLISTED, amount, f"{basis}; 예산 부족: 잔액 {won(remaining)}원 < 지원액 {won(amount)}원", at, year, age)


def _cancel(ledger: Ledger, c: Cancellation, at: dt.datetime, active) -> None:
    d = ledger.decisions.get(c.application_id)
    if d is None:
        raise InputError(f"{c.application_id} 취소: {at.isoformat()} 전에 제출된 그런 신청이 없습니다")
    if d.status in (REJECTED, CANCELLED):
        raise InputError(f"{c.application_id} 취소: 신청이 이미 {STATUS_LABELS[d.status]} 상태입니다; 취소할 것이 없습니다")
    active.pop((d.application.worker_id, d.application.treatment_date), None)
    why = f"취소 {at.isoformat()}" + (f" ({c.reason})" if c.reason else "")
    if d.status == APPROVED:
        ledger.used[d.year] -= d.amount
        why += f"; 예산 {won(d.amount)}원 반환"
    ledger.decisions[d.application_id] = replace(d, status=CANCELLED, reason=why, decided_at=at, history=d.history + (f"{at.isoformat()} {CANCELLED}: {why}",))
    if d.status == APPROVED:
        for w in ledger.waitlist(d.year):
            remaining = ledger.remaining(d.year)
            if w.amount <= remaining:
                ledger.used[d.year] += w.amount
                why_w = f"대기 → 승인: {d.application_id} 취소로 예산 반환; 잔액 {won(remaining)}원 → {won(remaining - w.amount)}원"
                # keep insertion order of the dict (submission order) by assigning in place
                ledger.decisions[w.application_id] = replace(w, status=APPROVED, reason=why_w, decided_at=at, history=w.history + (f"{at.isoformat()} {APPROVED}: {why_w}",))


def _record(ledger: Ledger, a: Application, status: str, amount: int, reason: str, at: dt.datetime, year: int, age: int | None) -> None:
    ledger.decisions[a.application_id] = Decision(a, status, amount, reason, at, year, age, (f"{at.isoformat()} {status}: {reason}",))


# --- eligibility against the roster ----------------------------------------------------------


def roster_eligibility(roster) -> Eligibility:
    """Eligible when the worker exists and a contract covers the treatment date."""

    def check(a: Application) -> tuple[str | None, int | None]:
        worker = roster.workers.get(a.worker_id)
        if worker is None:
            return f"근로자 {a.worker_id}은(는) 명부(roster)에 없습니다", None
        age = age_on(worker.birth_date, a.treatment_date)
        if roster.contract_on(a.worker_id, a.treatment_date) is None:
            return f"근로자 {a.worker_id}은(는) 시술일 {a.treatment_date}에 재직하지 않았습니다", age
        return None, age

    return check


def law_programme(law: Law) -> Callable[[dt.date], Programme]:
    return lambda day: programme_on(law, day)
