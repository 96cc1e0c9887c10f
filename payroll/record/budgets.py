"""사업 and 인건비: each 사업's budget for a year against what its posts cost.

For every 사업 (the budget line on a contract, ``RecordContract.business``) of a year:

- **spent** — the paid runs of the year's months (a closed month: its closing run; an open one: its
  latest regular run): 임금 (``gross_pay`` less the 퇴직금), the employer's insurance shares
  (``employer_total``) and the 퇴직금 (``severance_pay`` items), each worker-month counted to the 사업
  of the contract the worker held that month;
- **committed** — each contract of the 사업 from the month after the last paid month to its end (at
  most December): the worker's last paid month's cost (임금 + employer shares) per month, pro rata by
  days in a month the contract starts or ends; a contract not yet paid is costed from its terms
  (scheduled hours × 시급, 일급 × scheduled days, or 월급) with the 사업's employer share ratio; a
  contract that ends in the year after a year or more of service adds its 퇴직금 estimate (30 days of
  the monthly wages per year of service, 퇴직급여법 §8①; a renewal's earlier contracts are not added,
  so a renewed post's 퇴직금 is under-estimated until its last contract);
- **forecast** = spent + committed, **left** = budget − forecast; a 사업 whose forecast exceeds its
  budget is an overrun (a warning on the run summary and the month page).

The figures are a forecast for planning; they are never part of a run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from payroll.case import InputError
from payroll.record.audit import record as audit_record
from payroll.record.files import table_rows
from payroll.record.models import Budget, ContractTerms, RecordContract
from payroll.record.people import contract_view, month_bounds
from payroll.store.db import now
from payroll.store.models import WorkerResult

BUDGET_HEADERS = {"사업": "business", "연도": "year", "예산": "amount"}
NO_BUSINESS = "(사업 미지정)"


@dataclass
class BusinessYear:
    business: str
    year: int
    budget: int | None = None
    pay: int = 0
    employer: int = 0
    severance: int = 0
    committed: int = 0
    workers: set[str] = field(default_factory=set)
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def spent(self) -> int:
        return self.pay + self.employer + self.severance

    @property
    def forecast(self) -> int:
        return self.spent + self.committed

    @property
    def left(self) -> int | None:
        return None if self.budget is None else self.budget - self.forecast

    @property
    def overrun(self) -> bool:
        return self.budget is not None and self.forecast > self.budget


def import_budgets(session: Session, path: Path, actor: str) -> int:
    rows = table_rows(Path(path))
    if not rows:
        raise InputError(f"{path}: 빈 파일입니다")
    header = [BUDGET_HEADERS.get(h.strip().lstrip("\ufeff"), h.strip().lstrip("\ufeff")) for h in rows[0]]
    if set(header) != {"business", "year", "amount"}:
        raise InputError(f"{path}: 1행: 머리글은 사업, 연도, 예산 (또는 business, year, amount)이어야 합니다")
    errors, items = [], []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        v = dict(zip(header, cells))
        try:
            year, amount = int(v.get("year", "")), int(v.get("amount", "").replace(",", ""))
        except ValueError:
            errors.append(f"{path}: {line}행: 연도 또는 예산: 정수가 아닙니다")
            continue
        if not v.get("business") or amount < 0 or not 2000 <= year <= 2100:
            errors.append(f"{path}: {line}행: 사업 이름이 없거나 예산·연도가 올바르지 않습니다")
            continue
        items.append((v["business"], year, amount))
    if errors:
        raise InputError("\n".join(errors))
    for business, year, amount in items:
        set_budget(session, business, year, amount, actor)
    return len(items)


def set_budget(session: Session, business: str, year: int, amount: int, actor: str) -> None:
    at = now()
    old = session.get(Budget, (business, year))
    session.merge(Budget(business=business, year=year, amount=amount, recorded_at=at, recorded_by=actor))
    audit_record(session, actor, "record.budget", f"{business}/{year}", f"{old.amount if old else '—'} → {amount}", clock=lambda: at)


def _contracts(session: Session, year: int):
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = session.exec(select(RecordContract).where(RecordContract.start <= last).where((RecordContract.end.is_(None)) | (RecordContract.end >= first))).all()
    terms: dict[str, list[ContractTerms]] = {}
    if rows:
        for t in session.exec(select(ContractTerms).where(ContractTerms.contract_id.in_([c.contract_id for c in rows])).order_by(ContractTerms.effective)).all():
            terms.setdefault(t.contract_id, []).append(t)
    return rows, terms


def _business_on(contracts_by_worker: dict[str, list[RecordContract]], worker_id: str, month: str) -> str:
    first, last = month_bounds(month)
    cs = [c for c in contracts_by_worker.get(worker_id, ()) if c.start <= last and (c.end is None or c.end >= first)]
    return (max(cs, key=lambda c: c.start).business if cs else "") or NO_BUSINESS


def _days(a: dt.date, b: dt.date) -> int:
    return (b - a).days + 1


def _terms_cost(view) -> int:
    """A month's pay from the contract terms (before any run): scheduled hours × 시급, 일급 × days, 월급."""
    if view.pay_type == "monthly":
        return view.wage + view.meal_allowance
    if view.pay_type == "daily":
        return view.wage * len(view.weekdays) * 365 // 84 + view.meal_allowance  # scheduled days in an average month (÷7×12)
    return view.wage * (view.monthly_minutes + view.weekly_minutes * 365 // 84 // 5) // 60 + view.meal_allowance  # 소정 + 주휴 hours


def year_figures(session: Session, year: int) -> dict[str, BusinessYear]:
    """Every 사업 with a budget or a contract in ``year``: spent, committed, forecast, left."""
    from payroll.runs.history import paid_runs

    rows, terms = _contracts(session, year)
    by_worker: dict[str, list[RecordContract]] = {}
    for c in rows:
        by_worker.setdefault(c.worker_id, []).append(c)
    out: dict[str, BusinessYear] = {}

    def of(business: str) -> BusinessYear:
        return out.setdefault(business, BusinessYear(business, year))

    for b in session.exec(select(Budget).where(Budget.year == year)).all():
        of(b.business).budget = b.amount
    runs = paid_runs(session, [f"{year}-{m:02d}" for m in range(1, 13)])
    last_cost: dict[str, tuple[str, int]] = {}
    if runs:
        month_of = {r.run_id: m for m, r in runs.items()}
        from payroll.runs.result_reads import Reader

        reader = Reader(session)
        for wr in session.exec(select(WorkerResult).where(WorkerResult.run_id.in_(list(month_of)))).all():
            month = month_of[wr.run_id]
            row, items = reader.row_and_items(wr.run_id, wr.result_json)
            sev = sum(int(it["amount"]) for it in items if it["code"] == "severance_pay")
            pay, employer = int(row.get("gross_pay") or 0) - sev, int(row.get("employer_total") or 0)
            acc = of(_business_on(by_worker, wr.worker_id, month))
            acc.pay, acc.employer, acc.severance = acc.pay + pay, acc.employer + employer, acc.severance + sev
            acc.workers.add(wr.worker_id)
            cell = acc.by_month.setdefault(month, {"workers": 0, "pay": 0, "employer": 0, "severance": 0})
            cell["workers"] += 1
            cell["pay"], cell["employer"], cell["severance"] = cell["pay"] + pay, cell["employer"] + employer, cell["severance"] + sev
            if wr.worker_id not in last_cost or last_cost[wr.worker_id][0] <= month:
                last_cost[wr.worker_id] = (month, pay, employer)
    last_paid = max(runs) if runs else None
    from_day = month_bounds(last_paid)[1] + dt.timedelta(days=1) if last_paid else dt.date(year, 1, 1)
    ratios = {k: (v.employer, v.pay) for k, v in out.items()}
    for c in rows:
        end = min(c.end or dt.date(year, 12, 31), dt.date(year, 12, 31))
        start = max(c.start, from_day)
        if start > end or c.contract_id not in terms:
            continue
        acc = of(c.business or NO_BUSINESS)
        known = last_cost.get(c.worker_id)
        if known is not None:
            wages, monthly = known[1], known[1] + known[2]
        else:
            wages = _terms_cost(contract_view(c, terms[c.contract_id], None))
            employer, pay = ratios.get(c.business or NO_BUSINESS, (0, 0))
            monthly = wages + (wages * employer // pay if pay else 0)
        day = start
        while day <= end:
            first, last = month_bounds(f"{day:%Y-%m}")
            stop = min(end, last)
            acc.committed += monthly * _days(day, stop) // _days(first, last)
            day = stop + dt.timedelta(days=1)
        if c.end is not None and c.end.year == year and _days(c.start, c.end) >= 365:
            acc.committed += wages * _days(c.start, c.end) // 365  # 퇴직금: 30 days' wages per year of service (no premiums)
        acc.workers.add(c.worker_id)
    return dict(sorted(out.items()))


def overrun_warnings(session: Session, year: int) -> list[str]:
    if session.exec(select(Budget.business).where(Budget.year == year).limit(1)).first() is None:
        return []  # no 사업 has a budget for the year: none can overrun it (and the year's results need not be read)
    return [f"사업 '{b.business}' {year}년 인건비가 예산을 넘을 것으로 예상됩니다: 예상 {b.forecast:,}원 (집행 {b.spent:,}원 + 계약 잔여 {b.committed:,}원) > 예산 {b.budget:,}원"
            for b in year_figures(session, year).values() if b.overrun]


def report_xlsx(session: Session, year: int) -> bytes:
    """The 인건비 report: a summary sheet by 사업 and a sheet by 사업 and month (values only, no formula)."""
    from payroll.attendance.xlsx import xlsx_bytes

    figures = year_figures(session, year)
    summary = [["사업", "예산", "임금", "사용자 부담 보험료", "퇴직금", "집행 합계", "계약 잔여 (12월까지)", "연간 예상", "잔액", "초과 예상", "인원"]]
    for b in figures.values():
        summary.append([b.business, b.budget, b.pay, b.employer, b.severance, b.spent, b.committed, b.forecast, b.left, "예" if b.overrun else "", len(b.workers)])
    monthly = [["사업", "월", "인원", "임금", "사용자 부담 보험료", "퇴직금", "합계"]]
    for b in figures.values():
        for month, cell in sorted(b.by_month.items()):
            monthly.append([b.business, month, cell["workers"], cell["pay"], cell["employer"], cell["severance"], cell["pay"] + cell["employer"] + cell["severance"]])
    return xlsx_bytes({f"{year} 사업별": summary, f"{year} 사업·월별": monthly})
