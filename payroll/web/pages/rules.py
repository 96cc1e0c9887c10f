"""The law of a month (decision D14): every figure it needs and its state; the approver enters a
figure the day its 고시 appears, or confirms a rate in force until amended."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request

from payroll import law as law_module
from payroll.case import InputError
from payroll.runs import figures
from payroll.runs.inputs import check_month
from payroll.web.app import render
from payroll.web.auth import ANYONE, APPROVER, Principal

router = APIRouter()


def _context(request: Request, month: str, message: str | None = None, error: str | None = None, form: dict | None = None) -> dict:
    pay_date = figures.expected_pay_date(request.app.state.inputs_dir, month)
    states = figures.month_states(law_module.current(), month, pay_date)
    return {"month": month, "pay_date": pay_date, "states": states, "labels": figures.STATE_LABELS, "missing": [s for s in states if s.state == "missing"],
            "message": message, "error": error, "form": form or {}}


@router.get("/rules/{month}")
def rules_page(request: Request, month: str, user: Principal = Depends(ANYONE)):
    check_month(month)
    return render(request, "rules.html", _context(request, month))


def _date(text: str, field: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{field}: 날짜가 아닙니다 (예: 2026-06-30): {text!r}") from None


@router.post("/rules/{month}/announce")
def announce(request: Request, month: str, key: str = Form(""), start: str = Form(""), end: str = Form(""), value: str = Form(""),
             source: str = Form(""), user: Principal = Depends(APPROVER)):
    check_month(month)
    form = {"key": key[:120], "start": start[:10], "end": end[:10], "value": value[:2000], "source": source[:300]}
    try:
        begin = _date(form["start"], "적용 시작일")
        if begin is None:
            raise InputError("적용 시작일: 필요합니다")
        result = figures.announce(request.app.state.store, form["key"].strip(), begin, _date(form["end"], "적용 종료일"), form["value"],
                                  form["source"], user.name)
    except InputError as exc:
        return render(request, "rules.html", _context(request, month, error=str(exc), form=form), status_code=400)
    affected = "; ".join(f"{a['month']} 잠정 실행 {a['run_id']}: {a['next_step']}" for a in result["affected"])
    message = f"{result['label']} = {result['value']} ({result['from']}…{result['to'] or ''}, {result['source']}) 입력했습니다." + (f" {affected}" if affected else "")
    return render(request, "rules.html", _context(request, month, message=message))


@router.post("/rules/{month}/confirm")
def confirm(request: Request, month: str, key: str = Form(""), year: str = Form(""), source: str = Form(""), user: Principal = Depends(APPROVER)):
    check_month(month)
    try:
        if not year.strip().isdigit():
            raise InputError(f"연도: 숫자가 아닙니다: {year!r}")
        result = figures.confirm(request.app.state.store, key.strip()[:120], int(year), source[:300], user.name)
    except InputError as exc:
        return render(request, "rules.html", _context(request, month, error=str(exc)), status_code=400)
    return render(request, "rules.html", _context(request, month, message=f"{result['label']}: {result['year']}년 확인 ({result['source']})"))
