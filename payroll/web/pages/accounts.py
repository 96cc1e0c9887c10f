"""Console accounts for the approver: who is slowed down by failed logins, and the unlock."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlmodel import Session

from payroll.record import users
from payroll.case import InputError
from payroll.security import throttle
from payroll.web.app import render
from payroll.web.auth import APPROVER, Principal

router = APIRouter()


def _rows(request: Request) -> list[dict]:
    now = request.app.state.clock()
    with Session(request.app.state.store.engine) as db:
        out = []
        for u in users.list_users(db):
            failures, wait = throttle.state(db, u.name, now)
            out.append({"name": u.name, "role": u.role, "disabled": u.disabled, "failures": failures, "wait": wait})
    return out


@router.get("/accounts")
def accounts(request: Request, user: Principal = Depends(APPROVER)):
    return render(request, "accounts.html", {"accounts": _rows(request)})


@router.post("/accounts/{name}/unlock")
def unlock(request: Request, name: str, user: Principal = Depends(APPROVER)):
    """Clear an account's failed logins at once (as ``payroll user unlock NAME``), recorded as the approver's."""
    with Session(request.app.state.store.engine) as db:
        try:
            users.unlock_user(db, name[:64], clock=request.app.state.clock, actor=user.name)
        except InputError:
            raise HTTPException(404) from None
    return render(request, "accounts.html", {"accounts": _rows(request), "unlocked": name[:64]})
