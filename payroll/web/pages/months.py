"""Months at a glance: open, run, closed, corrected; workers, gross, net, exceptions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from payroll.web.app import render
from payroll.web.auth import ANYONE, Principal
from payroll.web import services

router = APIRouter()


@router.get("/months")
async def months(request: Request, user: Principal = Depends(ANYONE)):
    rows = services.month_overview(request.app)
    return render(request, "months.html", {"months": rows})
