"""Months at a glance: open, run, closed, corrected; workers, gross, net, exceptions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from payroll.runs.inputs import check_month

from payroll.web.app import render
from payroll.web.auth import ANYONE, Principal
from payroll.web import services

router = APIRouter()


@router.get("/months")
def months(request: Request, user: Principal = Depends(ANYONE)):
    rows = services.month_overview(request.app)
    return render(request, "months.html", {"months": rows})


@router.get("/months/open")
def open_month(request: Request, month: str = "", user: Principal = Depends(ANYONE)):
    """The month picker's target: a month page (checked, so the redirect never carries anything else)."""
    return RedirectResponse(f"/months/{check_month(month.strip()[:7])}", status_code=303)
