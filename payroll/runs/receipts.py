"""A leaver's 원천징수영수증 inputs from the stored runs: what the leaving month's run settled and paid.

The month's run settles a leaver (중도퇴사자 연말정산) and pays the 퇴직금 (payroll.runs.extras
``settle_leavers``); it stores the results, not the ``Settlement`` and ``Severance`` objects the two
receipts (payroll.documents.withholding_receipt, payroll.documents.retirement_receipt) are drawn
from. These functions gather the same figures again from the stored runs — with
:func:`payroll.runs.history.history`, the function the run itself reads them with — and from the
leaving run's own stored inputs (its opening balances ``_payroll/ytd.csv`` and ``_payroll/wages.csv``
and its ``claims.json``), call the settlement and severance modules, and check the result against
what the leaving month's run paid. A receipt that would differ from the payslip is refused with a
message, never issued. No file outside the database is read.

Public functions: :func:`leaver_settlement` and :func:`leaver_severance`; both raise
``payroll.case.InputError`` (worker and month named) when a figure cannot be had.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from payroll.case import InputError, NotApplicable
from payroll.roster import Roster
from payroll.runs.history import (LEAVE_PAY_CODE, history, last_twelve_pay_months, month_add, month_range, paid_runs, service_end_in,
                                  uncovered_months, year_to_date)
from payroll.runs.inputs import blob_bytes
from payroll.runs.result_reads import Reader
from payroll.store.models import Run, WorkerResult


@dataclass(frozen=True)
class Leaving:
    worker_id: str
    last_day: dt.date
    month: str  # the month the service ends in (the run that settled it)
    run_id: str  # that month's paid run
    row: dict  # the worker's stored result row of that run
    items: list[dict]


def leaving_years(roster: Roster, worker_id: str) -> list[int]:
    """The years in which the worker's service ends (a contract end not continued by another)."""
    return sorted({c.end.year for c in roster.contracts_of(worker_id)
                   if c.end is not None and service_end_in(roster, worker_id, c.end.strftime("%Y-%m")) == c.end})


def receipt_years(session: Session, roster: Roster, worker_id: str) -> tuple[list[int], list[int]]:
    """(years with a leaving month already run, those of them whose run paid a 퇴직금): the years
    the two receipts can be drawn for from the stored runs."""
    settled, severance = [], []
    for year in leaving_years(roster, worker_id):
        try:
            leaving = leaving_of(session, roster, worker_id, year)
        except InputError:
            continue
        settled.append(year)
        if any(it["code"] == "severance_pay" and int(it["amount"]) for it in leaving.items):
            severance.append(year)
    return settled, severance


def leaving_of(session: Session, roster: Roster, worker_id: str, year: int) -> Leaving:
    """The worker's service end in ``year`` and the paid run of that month (InputError when none)."""
    if worker_id not in roster.workers:
        raise InputError(f"기록에 근로자 {worker_id!r}이(가) 없습니다")
    ends = [(m, service_end_in(roster, worker_id, m)) for m in (f"{year:04d}-{k:02d}" for k in range(1, 13))]
    ends = [(m, d) for m, d in ends if d is not None]
    if not ends:
        raise NotApplicable(f"{worker_id}은(는) {year}년 퇴직자가 아닙니다 (끝나지 않은 해의 저장된 실행으로 만드는 영수증은 퇴직자의 것입니다)")
    month, last_day = ends[-1]
    run = paid_runs(session, [month]).get(month)
    if run is None:
        raise NotApplicable(f"{worker_id}은(는) {last_day}에 퇴직: {month} 실행이 아직 없습니다 — 먼저 그 달을 실행하세요")
    results = session.exec(select(WorkerResult).where(WorkerResult.run_id == run.run_id, WorkerResult.worker_id == worker_id)
                           .order_by(WorkerResult.row)).all()
    if not results:
        raise InputError(f"{worker_id}은(는) {last_day}에 퇴직: {month} 실행 {run.run_id}에 없습니다")
    reader = Reader(session)
    expanded = [reader.expand(r.run_id, r.result_json) for r in results]
    items = [it for r in expanded for it in r["items"]]
    return Leaving(worker_id, last_day, month, run.run_id, expanded[0]["row"], items)


def _stored_months(session: Session, worker_id: str, through: str) -> dict[str, dict[str, int]]:
    """month → the worker's figures in the paid runs of the 13 months up to ``through`` (the run's window)."""
    months = dict(history(session, through, [worker_id])["workers"][worker_id])
    months.update(history(session, month_add(through, 1), [worker_id])["workers"][worker_id])
    return months


def _employed(roster: Roster, worker_id: str, month: str) -> bool:
    first, last = month_range(month)
    return any(c.start <= last and (c.end is None or c.end >= first) for c in roster.contracts_of(worker_id))


def run_input(session: Session, run_id: str, role: str) -> bytes | None:
    """The bytes of the run's stored input file of ``role`` (None when the run had none)."""
    run = session.get(Run, run_id)
    entry = next((e for e in json.loads(run.inputs_manifest) if e["role"] == role), None) if run else None
    return blob_bytes(session, entry["sha256"]) if entry else None


def _with_input(session: Session, run_id: str, role: str, read):
    """``read(path)`` of the run's stored input of ``role`` written to a scratch file; None when it had none."""
    data = run_input(session, run_id, role)
    if data is None:
        return None
    with tempfile.TemporaryDirectory(prefix="payroll-receipt-") as tmp:
        path = Path(tmp) / role
        path.write_bytes(data)
        return read(path)


def leaver_claims(session: Session, run_id: str, worker_id: str, year: int):
    """The 신고서 (``payroll.settlement.Claims``) the leaving run ``run_id`` settled the worker with, or None."""
    from payroll.settlement import load_claims

    return (_with_input(session, run_id, "claims", load_claims) or {}).get((worker_id, year))


def leaver_settlement(session: Session, roster: Roster, worker_id: str, year: int):
    """(Settlement, Leaving) of a worker who left in ``year``: year to date from the paid runs of the
    year (plus the opening balance the leaving run read for months before the first run here), as the
    leaving month's run summed it; checked against that run's ``settlement_income_tax``."""
    from payroll.settlement import load_ytd_csv, settle

    w = roster.workers.get(worker_id)
    if w is not None and (w.income_type or "regular") == "daily":
        raise InputError(f"{worker_id}: 일용근로소득은 지급할 때 과세하고 정산하지 않습니다 (소득세법 §73①4): 일용근로소득 지급명세서를 쓰세요")
    leaving = leaving_of(session, roster, worker_id, year)
    months = {m: f for m, f in _stored_months(session, worker_id, leaving.month).items() if m.startswith(f"{year:04d}-")}
    rows = _with_input(session, leaving.run_id, "opening_ytd", load_ytd_csv) or []
    opening = next((y for y in rows if y.worker_id == worker_id and y.year == year), None)
    missing = uncovered_months([m for m in (f"{year:04d}-{k:02d}" for k in range(1, int(leaving.month[5:]) + 1))
                                if m not in months and _employed(roster, worker_id, m)], months, opening is not None)
    if missing:
        raise InputError(f"{worker_id}은(는) {leaving.last_day}에 퇴직: 재직했던 {', '.join(missing)}의 저장된 급여가 없습니다 — "
                         f"{year}년 이전 급여를 가져오고 (payroll import opening ytd.csv) {leaving.month} 정정 실행을 하세요")
    ytd = year_to_date(worker_id, year, months, opening, leaving_date=leaving.last_day, leaving_month=leaving.month,
                       birth_date=_date(leaving.row.get("birth_date")))
    s = settle(ytd, leaver_claims(session, leaving.run_id, worker_id, year))
    paid = (int(leaving.row.get("settlement_income_tax") or 0), int(leaving.row.get("settlement_local_income_tax") or 0))
    if (s.income_tax, s.local_income_tax) != paid:
        raise InputError(f"{worker_id}: 저장된 실행으로 계산한 정산 ({s.income_tax:,} / {s.local_income_tax:,}원)이 "
                         f"{leaving.month} 실행 {leaving.run_id}이(가) 원천징수한 금액 ({paid[0]:,} / {paid[1]:,}원)과 다릅니다; 그 뒤 입력이 바뀌었습니다 — "
                         f"영수증을 발급하기 전에 {leaving.month} 정정 실행을 하세요")
    return s, leaving


def leaver_severance(session: Session, roster: Roster, worker_id: str, year: int):
    """(Severance, Leaving) of a worker who left in ``year``, from the wages of the paid runs (and the
    opening wages the leaving run read for months before them); checked against the
    ``severance_pay`` item and the 퇴직소득세 that run paid. InputError when the run paid no 퇴직금."""
    from payroll.leave.articles import ART_LEAVING
    from payroll.severance import compute_severance

    leaving = leaving_of(session, roster, worker_id, year)
    paid = sum(int(it["amount"]) for it in leaving.items if it["code"] == "severance_pay")
    if paid == 0:
        raise NotApplicable(f"{worker_id}은(는) {leaving.last_day}에 퇴직: {leaving.month} 실행 {leaving.run_id}에서 퇴직금을 지급하지 않았습니다 "
                         f"(대상이 아니거나, 그 실행의 경고에 빠진 임금이 적혀 있습니다)")
    months = _stored_months(session, worker_id, leaving.month)
    # the 연차수당 paid because the worker leaves is not in the 평균임금 (it arises only by leaving)
    leaving_leave_pay = sum(int(it["amount"]) for it in leaving.items
                            if it["code"] == LEAVE_PAY_CODE and str(it.get("method") or "").endswith(f"[{ART_LEAVING}]"))
    from payroll.record.opening import load_wages_csv

    wages: dict[str, int] = dict((_with_input(session, leaving.run_id, "opening_wages", load_wages_csv) or {}).get(worker_id, {}))
    wages.update({m: f["wages"] for m, f in months.items()})
    year_back = last_twelve_pay_months(months, leaving.month)
    bonus_12m = sum(f["bonus"] for f in year_back)
    leave_12m = sum(f["annual_leave_pay"] for f in year_back) - leaving_leave_pay
    try:
        s = compute_severance(worker_id, roster.contracts_of(worker_id), leaving.last_day, wages, bonus_12m=bonus_12m, annual_leave_pay_12m=leave_12m, job=roster.workers[worker_id].job)
    except ValueError as exc:
        raise InputError(f"{worker_id}은(는) {leaving.last_day}에 퇴직: 퇴직금: {exc}; 그 임금을 가져오고 (payroll import opening wages.csv) {leaving.month} 정정 실행을 하세요") from None
    taxes = (int(leaving.row.get("retirement_income_tax") or 0), int(leaving.row.get("retirement_local_income_tax") or 0))
    if (s.severance_pay, s.retirement_income_tax, s.retirement_local_income_tax) != (paid, *taxes):
        raise InputError(f"{worker_id}: 저장된 실행으로 계산한 퇴직금 ({s.severance_pay:,}원, 세액 {s.retirement_income_tax:,} / "
                         f"{s.retirement_local_income_tax:,}원)이 {leaving.month} 실행 {leaving.run_id}이(가) 지급한 금액 "
                         f"({paid:,}원, 세액 {taxes[0]:,} / {taxes[1]:,}원)과 다릅니다; 영수증을 발급하기 전에 {leaving.month} 정정 실행을 하세요")
    return s, leaving


def _date(value) -> dt.date | None:
    if value is None or value == "" or isinstance(value, dt.date):
        return value or None
    return dt.date.fromisoformat(str(value)[:10])

