"""The audit log, shown to the auditor."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session

from payroll.web.app import render
from payroll.record.audit import recent
from payroll.web.auth import AUDITOR, Principal

router = APIRouter()


@router.get("/audit")
def audit_log(request: Request, action: str = "", actor: str = "", user: Principal = Depends(AUDITOR)):
    with Session(request.app.state.store.engine) as db:
        rows = recent(db, limit=500, action=action[:64] or None, actor=actor[:120] or None)
    return render(request, "audit.html", {"rows": rows, "action": action, "actor": actor})
