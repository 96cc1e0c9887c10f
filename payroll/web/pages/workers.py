"""Workers: the searchable list and the worker page, read from the record (payroll.record)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from payroll.case import InputError
from payroll.record import directory, people
from payroll.record.audit import record
from payroll.web.app import render
from payroll.web.auth import ANYONE, Principal

router = APIRouter()

MAX_LIST_ROWS = 300  # the list shows this many; the search narrows the rest


def today(request: Request) -> dt.date:
    return request.app.state.clock().date()


def audit(request: Request, user: Principal, action: str, target: str, detail: str = "") -> None:
    with Session(request.app.state.store.engine) as db:
        record(db, user.name, action, target, detail, clock=request.app.state.clock)
        db.commit()


def day_of(text: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        raise InputError(f"기준일: 날짜(YYYY-MM-DD)가 아닙니다: {text[:20]!r}") from None


def notices_path(request: Request) -> Path | None:
    """The 사용촉진 notice register, where ``payroll leave`` and the run keep it."""
    return next((p for p in (request.app.state.inputs_dir / "leave_notices.csv", request.app.state.data_dir / "leave_notices.csv") if p.is_file()), None)


def _list_context(request: Request, q: str, status: str, as_of: str) -> dict:
    day = day_of(as_of, today(request))
    status = status if status in directory.STATUS_LABELS else ""
    with Session(request.app.state.store.engine) as db:
        rows = directory.search(db, day, q[:100], status)
    return {"rows": rows[:MAX_LIST_ROWS], "matching": len(rows), "q": q[:100], "status": status, "as_of": day.isoformat(),
            "statuses": directory.STATUS_LABELS, "limit": MAX_LIST_ROWS}


@router.get("/workers")
def workers(request: Request, q: str = "", status: str = "", as_of: str = "", user: Principal = Depends(ANYONE)):
    """근로자 찾기: 사번·성명·부서·사업, 재직 상태."""
    return render(request, "workers.html", _list_context(request, q, status, as_of))


@router.get("/workers/table")
def workers_table(request: Request, q: str = "", status: str = "", as_of: str = "", user: Principal = Depends(ANYONE)):
    """The list alone (htmx swaps it in while the clerk types)."""
    return render(request, "_workers_table.html", _list_context(request, q, status, as_of))


def worker_context(request: Request, worker_id: str, day: dt.date, *, ledger: bool = True) -> dict:
    """Everything the worker page shows (also the worker's own page, payroll/web/pages/me.py)."""
    from payroll import law as law_module
    from payroll.record.leave import days_and_hours, hours_text, ledgers
    from payroll.record.registers import documents_of, resignations_of

    worker_id = worker_id[:64]
    with Session(request.app.state.store.engine) as db:
        record = people.load(db, [worker_id])  # read once: every part of the page uses it
        identity = record.identities.get(worker_id)
        if identity is None:
            raise HTTPException(404)
        w = record.worker(worker_id, day)
        versions = record.versions[worker_id]
        contracts = record.views(worker_id)
        terms = {c.contract_id: record.terms[c.contract_id] for c in contracts}
        status, service_start, service_end = directory.status_on(
            [directory.ServiceContract(c.contract_id, c.start, c.end, c.business) for c in contracts], day)
        slips = directory.payslips(db, worker_id)
        ytd = directory.year_to_date(db, worker_id, day.year, slips)
        documents = documents_of(db, worker_id)
        resignations = resignations_of(db, worker_id)
        receipts = _receipt_years(db, worker_id, w, slips, record.roster(dt.date(9999, 12, 31)))
        leave, leave_error = None, None
        if ledger:
            try:
                built, roster, notices = ledgers(db, [worker_id], day, law=law_module.current(), notices_path=notices_path(request),
                                                 roster=record.roster(day, parts=True))
                if worker_id in built:
                    from payroll.leave.report import ledger_json

                    leave = ledger_json(built[worker_id], roster, law_module.current(), notices)
                    current = roster.contract_on(worker_id, day) or (roster.contracts_of(worker_id) or [None])[-1]
                    balance = leave["entries"][-1]["balance"] if leave["entries"] else 0
                    leave["balance"] = days_and_hours(balance, current.daily_minutes if current else 480)
                    leave["hours_text"] = hours_text
            except InputError as exc:
                leave_error = str(exc).replace(str(request.app.state.inputs_dir) + "/", "")
    kind = directory.kind_label(w.employment, w.income_type, next((c.weekly_minutes for c in reversed(contracts) if c.start <= day), None))
    return {"w": w, "identity": identity, "versions": versions, "contracts": contracts, "terms": terms, "status": status,
            "status_label": directory.STATUS_LABELS[status], "service_start": service_start, "service_end": service_end, "kind": kind,
            "payslips": slips, "ytd": ytd, "year": day.year, "documents": documents, "resignations": resignations, "receipts": receipts,
            "ledger": leave, "ledger_error": leave_error, "as_of": day.isoformat()}


def _receipt_years(db: Session, worker_id: str, w, slips, roster) -> dict:
    """The years a receipt can be drawn for from the record: the leaving years already run, and the
    years whose December is paid (퇴직소득: the leaving years whose run paid a 퇴직금)."""
    from payroll.runs.receipts import receipt_years

    settled, severance = receipt_years(db, roster, worker_id)
    full = sorted({int(p.month[:4]) for p in slips if p.paid and p.month.endswith("-12")} - set(settled))
    if (w.income_type or "regular") == "daily":  # 일용: taxed when paid, no settlement
        return {"withholding": [], "severance": severance}
    return {"withholding": sorted(set(settled) | set(full)), "severance": severance}


@router.get("/workers/{worker_id}")
def worker(request: Request, worker_id: str, as_of: str = "", user: Principal = Depends(ANYONE)):
    day = day_of(as_of, today(request))
    from payroll.web.pages.record_forms import form_context

    return render(request, "worker_docs.html", {**worker_context(request, worker_id, day), **form_context(request)})


@router.get("/leave/{month}/report.xlsx")
def leave_report(request: Request, month: str, user: Principal = Depends(ANYONE)):
    """The month's 연차 report (발생, 사용, 잔여, 소멸 예정, 사용촉진 대상; ``payroll leave report``)."""
    from payroll import law as law_module
    from payroll.leave.report import month_report
    from payroll.record.leave import ledgers
    from payroll.runs.inputs import check_month

    check_month(month)
    first, last = people.month_bounds(month)
    with Session(request.app.state.store.engine) as db:
        ids = people.workers_in(db, first, last)
        if not ids:
            raise InputError(f"{month}에 계약이 있는 근로자가 기록에 없습니다")
        built, roster, notices = ledgers(db, ids, last, law=law_module.current(), notices_path=notices_path(request))
    data = month_report(built, roster, month, law_module.current(), notices)
    audit(request, user, "output_download", f"leave-report/{month}")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="leave-report-{month}.xlsx"'})
