"""A worker's own pages (role ``worker``): own payslips, 원천징수영수증, 경력증명서, and a request for one.

Every route takes the worker from the session (``Principal.worker_id``), never from the URL, so no
one else's paper is reachable; a document is made by the same function the HR pages use. The
clerk's queue of 경력증명서 requests is here too, and the password change every account can make
(a worker account must, at its first login).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, select

from payroll.case import InputError
from payroll.record.models import CareerRequest, IssuedDocument
from payroll.store.db import now
from payroll.web.app import render
from payroll.web.auth import CLERK, SIGNED_IN, WORKER, Principal
from payroll.web.pages.worker_docs import ascii_name, issue_career, pdf_response, withholding_pdf, year_of
from payroll.web.pages.workers import audit, today, worker_context

router = APIRouter()


def _own(user: Principal) -> str:
    if not user.worker_id:
        raise HTTPException(404)
    return user.worker_id


@router.get("/me")
def my_page(request: Request, user: Principal = Depends(WORKER)):
    wid = _own(user)
    ctx = worker_context(request, wid, today(request))
    with Session(request.app.state.store.engine) as db:
        requests = list(db.exec(select(CareerRequest).where(CareerRequest.worker_id == wid).order_by(CareerRequest.id.desc())).all())
    ctx["payslips"] = [p for p in ctx["payslips"] if p.slip]
    ctx["documents"] = [d for d in ctx["documents"] if d.kind == "career"]
    return render(request, "me.html", {**ctx, "requests": requests})


@router.get("/me/payslips/{run_id}.pdf")
def my_payslip(request: Request, run_id: str, user: Principal = Depends(WORKER)):
    from payroll.record.directory import payslips
    from payroll.web import services

    wid = _own(user)
    with Session(request.app.state.store.engine) as db:
        slip = next((p for p in payslips(db, wid) if p.run_id == run_id[:40] and p.slip), None)
    if slip is None:
        raise HTTPException(404)
    data = services.output_bytes(services.get_run(request.app, slip.run_id), slip.slip)
    audit(request, user, "payslip_download", f"{slip.run_id}/{wid}")
    return pdf_response(data, f"payslip-{ascii_name(slip.month)}.pdf", attachment=True)


@router.get("/me/withholding/{year}.pdf")
def my_withholding(request: Request, year: str, user: Principal = Depends(WORKER)):
    wid = _own(user)
    data, stem = withholding_pdf(request, wid, year_of(year))
    audit(request, user, "document_view", f"withholding/{wid}/{year}")
    return pdf_response(data, f"{ascii_name(stem)}.pdf", attachment=False)


@router.get("/me/career/{document_id}.pdf")
def my_career(request: Request, document_id: int, user: Principal = Depends(WORKER)):
    """An issued 경력증명서 again: drawn with its number and issue date, checked against the register's sha256."""
    from payroll.documents import career
    from payroll.documents.office import load_office
    from payroll.record import people
    from payroll.runs.hashing import sha256_bytes

    wid = _own(user)
    with Session(request.app.state.store.engine) as db:
        doc = db.get(IssuedDocument, document_id)
        if doc is None or doc.worker_id != wid or doc.kind != "career":
            raise HTTPException(404)
        w = people.worker_as_of(db, wid, doc.issued_on)
        data = career.career_pdf(w, people.contracts_of(db, wid), load_office(), doc.issued_on, doc.number, doc.purpose)
    if sha256_bytes(data) != doc.sha256:
        raise InputError(f"경력증명서 제{doc.number}호: 기록이 발급 뒤에 바뀌어 같은 문서를 다시 만들 수 없습니다 — 새로 신청하세요")
    audit(request, user, "document_view", f"career/{doc.number}")
    return pdf_response(data, f"career-{ascii_name(doc.number or '')}.pdf", attachment=True)


@router.post("/me/career-requests")
def request_career(request: Request, purpose: str = Form(""), user: Principal = Depends(WORKER)):
    wid = _own(user)
    with Session(request.app.state.store.engine) as db:
        pending = db.exec(select(CareerRequest).where(CareerRequest.worker_id == wid, CareerRequest.status == "requested")).first()
        if pending is None:
            db.add(CareerRequest(worker_id=wid, purpose=purpose.strip()[:200], status="requested", requested_at=now(), requested_by=user.name))
            db.commit()
    audit(request, user, "career_request", wid, purpose.strip()[:200])
    return RedirectResponse("/me", status_code=303)


@router.get("/requests")
def request_queue(request: Request, user: Principal = Depends(CLERK)):
    """The clerk's queue of 경력증명서 requests."""
    with Session(request.app.state.store.engine) as db:
        rows = list(db.exec(select(CareerRequest).order_by(CareerRequest.status != "requested", CareerRequest.id.desc()).limit(200)).all())
    return render(request, "requests.html", {"requests": rows})


@router.post("/requests/{request_id}/{decision}")
def handle_request(request: Request, request_id: int, decision: str, user: Principal = Depends(CLERK)):
    """Issue (numbered, on the register) or refuse a requested 경력증명서."""
    if decision not in ("issue", "refuse"):
        raise HTTPException(404)
    with Session(request.app.state.store.engine) as db:
        row = db.get(CareerRequest, request_id)
        if row is None or row.status != "requested":
            raise HTTPException(404)
        wid, purpose = row.worker_id, row.purpose
    document_id = None
    if decision == "issue":
        document_id = issue_career(request, wid, purpose, user.name).document_id
    with Session(request.app.state.store.engine) as db:
        row = db.get(CareerRequest, request_id)
        row.status, row.document_id, row.handled_at, row.handled_by = ("issued" if decision == "issue" else "refused"), document_id, now(), user.name
        db.add(row)
        db.commit()
    audit(request, user, f"career_request_{decision}", wid, f"request={request_id}")
    return RedirectResponse("/requests", status_code=303)


@router.get("/password")
def password_form(request: Request, user: Principal = Depends(SIGNED_IN)):
    return render(request, "password.html", {"must": user.must_change_password})


@router.post("/password")
def password_change(request: Request, current: str = Form(""), new: str = Form(""), again: str = Form(""), user: Principal = Depends(SIGNED_IN)):
    from payroll.record.users import change_password

    if new != again:
        return render(request, "password.html", {"must": user.must_change_password, "error": "새 비밀번호 두 칸이 같지 않습니다."}, status_code=400)
    try:
        with Session(request.app.state.store.engine) as db:
            change_password(db, user.user_id, current[:1024], new[:1024], clock=request.app.state.clock)
    except InputError as exc:
        return render(request, "password.html", {"must": user.must_change_password, "error": str(exc)}, status_code=400)
    return RedirectResponse("/me" if user.role == "worker" else "/months", status_code=303)
