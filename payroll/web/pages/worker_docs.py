"""A worker's documents in the console: the same functions as ``payroll doc`` (payroll.record.papers)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from payroll.case import InputError
from payroll.record import papers
from payroll.record.models import RecordWorker
from payroll.web.auth import ANYONE, CLERK, Principal
from payroll.web.pages.workers import audit, today

router = APIRouter()


def pdf_response(data: bytes, filename: str, attachment: bool) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def ascii_name(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in text)[:80]


def year_of(year: str) -> int:
    if not (len(year) == 4 and year.isdigit() and 2000 <= int(year) <= 2100):
        raise HTTPException(404)
    return int(year)


def _office():
    from payroll.documents.office import load_office

    return load_office()


def withholding_pdf(request: Request, worker_id: str, year: int) -> tuple[bytes, str]:
    """근로소득 원천징수영수증 of a year (``payroll doc withholding WORKER --year Y --date <today>``)."""
    with Session(request.app.state.store.engine) as db:
        paper = papers.withholding_paper(db, worker_id[:64], year, _office(), today(request))
    return paper.pdf, paper.stem


@router.get("/workers/{worker_id}/withholding/{year}.pdf")
def withholding_receipt(request: Request, worker_id: str, year: str, user: Principal = Depends(ANYONE)):
    data, stem = withholding_pdf(request, worker_id, year_of(year))
    audit(request, user, "document_view", f"withholding/{worker_id[:64]}/{year}")
    return pdf_response(data, f"{ascii_name(stem)}.pdf", attachment=False)


@router.get("/workers/{worker_id}/severance/{year}.pdf")
def retirement_receipt(request: Request, worker_id: str, year: str, user: Principal = Depends(ANYONE)):
    """퇴직소득 원천징수영수증 of the 퇴직금 the leaving month's run paid (``payroll doc severance``)."""
    with Session(request.app.state.store.engine) as db:
        paper = papers.severance_paper(db, worker_id[:64], year_of(year), _office(), today(request))
    audit(request, user, "document_view", f"severance/{worker_id[:64]}/{year}")
    return pdf_response(paper.pdf, f"{ascii_name(paper.stem)}.pdf", attachment=False)


@router.get("/workers/{worker_id}/contracts/{contract_id}.pdf")
def contract_pdf(request: Request, worker_id: str, contract_id: str, user: Principal = Depends(ANYONE)):
    """The 근로계약서 of one contract (``payroll doc contract``)."""
    with Session(request.app.state.store.engine) as db:
        made = papers.contract_papers(db, worker_id[:64], _office(), contract_id[:64]) if db.get(RecordWorker, worker_id[:64]) else []
    if not made:
        raise HTTPException(404)
    audit(request, user, "document_view", f"contract/{contract_id[:64]}", f"worker={worker_id[:64]}")
    return pdf_response(made[0].pdf, f"{ascii_name(made[0].stem)}.pdf", attachment=False)


def issue_career(request: Request, worker_id: str, purpose: str, actor: str):
    with Session(request.app.state.store.engine, expire_on_commit=False) as db:
        paper = papers.career_paper(db, worker_id[:64], _office(), today(request), actor, purpose.strip()[:100])
        db.commit()
    return paper


@router.post("/workers/{worker_id}/career")
def career_certificate(request: Request, worker_id: str, purpose: str = Form(""), user: Principal = Depends(CLERK)):
    """Issue a 경력증명서 (numbered, entered in the register; ``payroll doc career``)."""
    with Session(request.app.state.store.engine) as db:
        if db.get(RecordWorker, worker_id[:64]) is None:
            raise HTTPException(404)
    paper = issue_career(request, worker_id, purpose, user.name)
    return pdf_response(paper.pdf, f"{ascii_name(paper.stem)}.pdf", attachment=True)


@router.post("/workers/{worker_id}/resignation")
def resignation(request: Request, worker_id: str, last_day: str = Form(""), reason: str = Form(""), user: Principal = Depends(CLERK)):
    """Record a 중도포기서 and give its PDF (``payroll doc resignation``)."""
    try:
        day = dt.date.fromisoformat(last_day)
    except ValueError:
        raise InputError(f"최종 근무일: 날짜(YYYY-MM-DD)가 아닙니다: {last_day[:20]!r}") from None
    with Session(request.app.state.store.engine, expire_on_commit=False) as db:
        if db.get(RecordWorker, worker_id[:64]) is None:
            raise HTTPException(404)
        paper = papers.resignation_paper(db, worker_id[:64], day, reason.strip()[:200], today(request), _office(), user.name)
        db.commit()
    return pdf_response(paper.pdf, f"{ascii_name(paper.stem)}.pdf", attachment=True)
