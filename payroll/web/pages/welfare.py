"""Welfare: fertility applications (budget left, waitlist) and group-insurance enrolment — the welfare area's functions."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from sqlmodel import Session

from payroll import law as law_module
from payroll.case import InputError
from payroll.web import inputs as web_inputs
from payroll.web.app import render
from payroll.record.audit import record
from payroll.web.auth import ANYONE, CLERK, Principal

router = APIRouter()


def _date(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{label}: 날짜(YYYY-MM-DD)가 아닙니다: {text[:20]!r}") from None


def _context(request: Request, year: int, message: str | None = None, error: str | None = None) -> dict:
    from payroll.welfare import group_insurance as gi
    from payroll.welfare import service

    law = law_module.current()
    roster = web_inputs.roster_of(request.app.state.inputs_dir, request.app.state.store.engine)
    ctx = {"year": year, "message": message, "error": error, "fertility": None, "insurance": None, "plans": [], "enrolments": [], "roster_missing": roster is None}
    if roster is None:
        return ctx
    with Session(request.app.state.store.engine) as db:
        ledger = service.ledger(db, law, roster)
        enrols = service.enrolments(db)
        payments = service.payments(db)
    ctx["fertility"] = service.fertility_report(law, ledger, year)
    ctx["insurance"] = service.insurance_report(law, roster, enrols, year, payments)
    ctx["enrolments"] = enrols
    try:
        ctx["plans"] = list(gi.plans_on(law, dt.date(year, 1, 1)).values())
    except Exception:  # no plan in force that year: the page says so
        ctx["plans"] = []
    return ctx


@router.get("/welfare")
def welfare(request: Request, year: int = 0, user: Principal = Depends(ANYONE)):
    year = year or request.app.state.clock().year
    return render(request, "welfare.html", _context(request, year))


@router.post("/welfare/fertility")
def fertility_apply(request: Request, worker_id: str = Form(""), treatment_date: str = Form(""), cost: str = Form(""), evidence: str = Form(""),
                          user: Principal = Depends(CLERK)):
    """Record a 난임 시술비 application (``payroll welfare fertility apply``); submitted now."""
    from payroll.welfare import service

    app = request.app
    day = _date(treatment_date, "시술일")
    try:
        amount = int(cost.replace(",", "").strip())
    except ValueError:
        raise InputError(f"시술비: 원 단위 정수가 아닙니다: {cost[:20]!r}") from None
    roster = web_inputs.roster_of(app.state.inputs_dir, app.state.store.engine)
    if roster is None:
        raise InputError("근로자 명부(roster.csv)와 근로계약(contracts.csv)을 먼저 올리세요")
    try:
        with Session(app.state.store.engine) as db:
            decision = service.apply(db, law_module.current(), roster, worker_id.strip()[:64], day, amount, evidence.strip()[:200], app.state.clock())
            record(db, user.name, "welfare_apply", decision.application_id, f"worker={worker_id.strip()[:64]} status={decision.status}", clock=app.state.clock)
            db.commit()
    except InputError as exc:
        return render(request, "welfare.html", _context(request, day.year, error=str(exc)), status_code=400)
    return render(request, "welfare.html", _context(request, day.year, message=service.describe(decision)))


@router.post("/welfare/insurance")
def insurance_enrol(request: Request, worker_id: str = Form(""), plan: str = Form(""), start: str = Form(""), end: str = Form(""),
                          user: Principal = Depends(CLERK)):
    """Enrol a worker in a group-insurance plan (``payroll welfare insurance enrol``)."""
    from payroll.welfare import service

    app = request.app
    first = _date(start, "보장 시작일")
    last = _date(end, "보장 종료일") if end.strip() else None
    roster = web_inputs.roster_of(app.state.inputs_dir, app.state.store.engine)
    if roster is None:
        raise InputError("근로자 명부(roster.csv)와 근로계약(contracts.csv)을 먼저 올리세요")
    try:
        with Session(app.state.store.engine) as db:
            e, p = service.enrol(db, law_module.current(), roster, worker_id.strip()[:64], plan.strip()[:32], first, last)
            record(db, user.name, "welfare_enrol", e.enrolment_id, f"worker={e.worker_id} plan={e.plan}", clock=app.state.clock)
            db.commit()
    except InputError as exc:
        return render(request, "welfare.html", _context(request, first.year, error=str(exc)), status_code=400)
    return render(request, "welfare.html", _context(request, first.year, message=f"{e.enrolment_id}: {e.worker_id} → {p.label}"))
