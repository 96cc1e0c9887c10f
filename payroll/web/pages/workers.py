"""Workers: contracts, 중도포기서, 경력증명서 and the 연차 ledger — the documents and leave areas' functions."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from payroll.case import InputError
from payroll.web import inputs as web_inputs
from payroll.web.app import render
from payroll.web.audit import record
from payroll.web.auth import ANYONE, CLERK, Principal

router = APIRouter()


def _roster(request: Request):
    roster = web_inputs.roster_of(request.app.state.inputs_dir)
    if roster is None:
        raise InputError("근로자 명부(roster.csv)와 근로계약(contracts.csv)을 먼저 올리세요 (월 화면의 '자료 올리기').")
    return roster


def _worker(request: Request, worker_id: str):
    roster = _roster(request)
    w = roster.workers.get(worker_id[:64])
    if w is None:
        raise HTTPException(404)
    return roster, w


def _documents_dir(request: Request) -> Path:
    d = request.app.state.data_dir / "documents"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _today(request: Request) -> dt.date:
    return request.app.state.clock().date()


def _audit(request: Request, user: Principal, action: str, target: str, detail: str = "") -> None:
    with Session(request.app.state.store.engine) as db:
        record(db, user.name, action, target, detail, clock=request.app.state.clock)
        db.commit()


def _pdf(data: bytes, filename: str, attachment: bool) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def _leave_file(root: Path) -> Path | None:
    """Every month's leave.csv of the inputs directory as one file for the ledger (header once)."""
    files = sorted(p for p in root.glob("????-??/leave.csv") if p.is_file())
    if not files:
        return None
    from payroll.attendance.readers import decode_text

    lines: list[str] = []
    for i, p in enumerate(files):
        text, _ = decode_text(p.read_bytes(), str(p))
        rows = text.splitlines()
        lines += rows if i == 0 else rows[1:]
    tmp = Path(tempfile.mkstemp(prefix="payroll-leave-", suffix=".csv")[1])
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp


def _ledgers(request: Request, roster, as_of: dt.date, workers: list[str] | None):
    """The 연차 ledgers as ``payroll leave ledger/report`` builds them, from the console's inputs."""
    from payroll import law as law_module
    from payroll.leave.inputs import load_leave, load_register
    from payroll.leave.ledger import build_ledgers

    law = law_module.current()
    leave_path = _leave_file(request.app.state.inputs_dir)
    try:
        leave = load_leave(leave_path, roster)
    finally:
        if leave_path is not None:
            leave_path.unlink(missing_ok=True)
    notices = load_register(None)
    return build_ledgers(roster, leave, as_of, notices=notices, law=law, workers=workers), law, notices


def _ledger(request: Request, roster, worker_id: str, as_of: dt.date) -> dict | None:
    from payroll.leave.report import ledger_json

    ledgers, law, notices = _ledgers(request, roster, as_of, [worker_id])
    if worker_id not in ledgers:
        return None
    return ledger_json(ledgers[worker_id], roster, law, notices)


@router.get("/leave/{month}/report.xlsx")
async def leave_report(request: Request, month: str, user: Principal = Depends(ANYONE)):
    """The month's 연차 report (발생, 사용, 잔여, 소멸 예정, 사용촉진 대상; ``payroll leave report``)."""
    from payroll.leave.report import month_report
    from payroll.runs.inputs import check_month

    check_month(month)
    roster = _roster(request)
    _, last = web_inputs.month_bounds(month)
    ledgers, law, notices = _ledgers(request, roster, last, None)
    data = month_report(ledgers, roster, month, law, notices)
    _audit(request, user, "output_download", f"leave-report/{month}")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="leave-report-{month}.xlsx"'})


@router.get("/workers")
async def workers(request: Request, user: Principal = Depends(ANYONE)):
    roster = _roster(request)
    return render(request, "workers.html", {"workers": [roster.workers[k] for k in sorted(roster.workers)]})


@router.get("/workers/{worker_id}")
async def worker(request: Request, worker_id: str, as_of: str = "", user: Principal = Depends(ANYONE)):
    roster, w = _worker(request, worker_id)
    try:
        day = dt.date.fromisoformat(as_of) if as_of else _today(request)
    except ValueError:
        raise InputError(f"기준일: 날짜(YYYY-MM-DD)가 아닙니다: {as_of[:20]!r}") from None
    ledger, ledger_error = None, None
    try:
        ledger = _ledger(request, roster, w.worker_id, day)
    except InputError as exc:
        ledger_error = str(exc).replace(str(request.app.state.inputs_dir) + "/", "")
    return render(request, "worker_docs.html", {"w": w, "contracts": roster.contracts_of(w.worker_id), "ledger": ledger, "ledger_error": ledger_error, "as_of": day.isoformat()})


@router.get("/workers/{worker_id}/contracts/{contract_id}.pdf")
async def contract_pdf(request: Request, worker_id: str, contract_id: str, user: Principal = Depends(ANYONE)):
    """The 근로계약서 of one contract (``payroll doc contract``)."""
    from payroll.documents.contract import contract_pdf as make
    from payroll.documents.office import load_office

    roster, w = _worker(request, worker_id)
    c = next((c for c in roster.contracts_of(w.worker_id) if c.contract_id == contract_id), None)
    if c is None:
        raise HTTPException(404)
    data = make(w, c, load_office())
    _audit(request, user, "document_view", f"contract/{c.contract_id}", f"worker={w.worker_id}")
    return _pdf(data, f"contract-{_ascii(c.contract_id)}.pdf", attachment=False)


@router.post("/workers/{worker_id}/career")
async def career_certificate(request: Request, worker_id: str, purpose: str = Form(""), user: Principal = Depends(CLERK)):
    """Issue a 경력증명서 (numbered, entered in the issue register; ``payroll doc career``)."""
    from payroll.documents import career
    from payroll.documents.office import load_office

    roster, w = _worker(request, worker_id)
    cs = roster.contracts_of(w.worker_id)
    if not cs:
        raise InputError(f"{w.worker_id}: 계약이 없어 경력증명서를 발급할 수 없습니다")
    issued = _today(request)
    data_dir = _documents_dir(request)
    number = career.next_issue_number(data_dir, issued)
    pdf = career.career_pdf(w, cs, load_office(), issued, number, purpose.strip()[:100])
    career.record_issue(data_dir, number, w.worker_id, issued, purpose.strip()[:100])
    _audit(request, user, "document_issue", f"career/{number}", f"worker={w.worker_id}")
    return _pdf(pdf, f"career-{_ascii(w.worker_id)}-{_ascii(number)}.pdf", attachment=True)


@router.post("/workers/{worker_id}/resignation")
async def resignation(request: Request, worker_id: str, last_day: str = Form(""), reason: str = Form(""), user: Principal = Depends(CLERK)):
    """Record a 중도포기서 and give its PDF (``payroll doc resignation``)."""
    from payroll.documents import resignation as rs
    from payroll.documents.office import load_office

    roster, w = _worker(request, worker_id)
    try:
        day = dt.date.fromisoformat(last_day)
    except ValueError:
        raise InputError(f"최종 근무일: 날짜(YYYY-MM-DD)가 아닙니다: {last_day[:20]!r}") from None
    c = roster.contract_on(w.worker_id, day)
    if c is None:
        raise InputError(f"최종 근무일: {w.worker_id}은(는) {day}에 계약이 없습니다")
    res = rs.validate(w, c, day, reason.strip()[:200], _today(request))
    pdf = rs.resignation_pdf(w, c, res, load_office())
    rs.record(_documents_dir(request), res)
    _audit(request, user, "document_issue", f"resignation/{c.contract_id}", f"worker={w.worker_id} last_day={day}")
    return _pdf(pdf, f"resignation-{_ascii(w.worker_id)}-{_ascii(c.contract_id)}.pdf", attachment=True)


def _ascii(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in text)[:80]
