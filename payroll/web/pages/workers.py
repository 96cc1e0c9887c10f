"""Workers: contracts, 중도포기서, 경력증명서 and the 연차 ledger — the documents and leave areas' functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
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


def _leave_days(root: Path, roster) -> list:
    """The leave taken, as the run's ledger sees it: ``leave_history.csv`` (before the first run
    here), then every month's ``leave.csv``; a later file wins for the same worker, date and kind
    (payroll.runs.history.leave_history). Each day keeps its own file and row for the page."""
    from payroll.leave.inputs import load_leave

    files = ([root / "leave_history.csv"] if (root / "leave_history.csv").is_file() else []) + sorted(p for p in root.glob("????-??/leave.csv") if p.is_file())
    merged: dict = {}
    for path in files:
        try:
            days = load_leave(path, roster)
        except InputError as exc:
            raise InputError(str(exc).replace(str(root) + "/", "")) from None
        shown = str(path.relative_to(root))  # the page names the file as the clerk knows it, never a server path
        for d in days:
            merged[(d.worker_id, d.date, d.kind)] = dataclasses.replace(d, source=shown)
    return [merged[k] for k in sorted(merged)]


def _ledgers(request: Request, roster, as_of: dt.date, workers: list[str] | None):
    """The 연차 ledgers as ``payroll leave ledger/report`` builds them, from the console's inputs."""
    from payroll import law as law_module
    from payroll.leave.inputs import load_opening, load_register
    from payroll.leave.ledger import build_ledgers

    law = law_module.current()
    root = request.app.state.inputs_dir
    leave = _leave_days(root, roster)
    # the files `payroll leave ledger` and the run read: the notice register and the opening balances
    register = next((p for p in (root / "leave_notices.csv", request.app.state.data_dir / "leave_notices.csv") if p.is_file()), None)
    notices = load_register(register)
    opening_path = root / "leave_opening.csv"
    opening = [dataclasses.replace(o, source=opening_path.name) for o in load_opening(opening_path if opening_path.is_file() else None, roster)]
    return build_ledgers(roster, leave, as_of, notices=notices, law=law, workers=workers, opening=opening), law, notices


def _ledger(request: Request, roster, worker_id: str, as_of: dt.date) -> dict | None:
    from payroll.leave.report import ledger_json

    ledgers, law, notices = _ledgers(request, roster, as_of, [worker_id])
    if worker_id not in ledgers:
        return None
    return ledger_json(ledgers[worker_id], roster, law, notices)


@router.get("/leave/{month}/report.xlsx")
def leave_report(request: Request, month: str, user: Principal = Depends(ANYONE)):
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
def workers(request: Request, user: Principal = Depends(ANYONE)):
    roster = _roster(request)
    return render(request, "workers.html", {"workers": [roster.workers[k] for k in sorted(roster.workers)]})


@router.get("/workers/{worker_id}")
def worker(request: Request, worker_id: str, as_of: str = "", user: Principal = Depends(ANYONE)):
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
    return render(request, "worker_docs.html", {"w": w, "contracts": roster.contracts_of(w.worker_id), "ledger": ledger, "ledger_error": ledger_error, "as_of": day.isoformat(),
                                                "receipts": _receipt_years(request, roster, w.worker_id)})


def _receipt_years(request: Request, roster, worker_id: str) -> dict:
    """The years a withholding receipt can be drawn for: the years the worker leaves (stored runs)
    and the years of the worker's rows in ytd.csv (as ``payroll doc withholding --ytd``)."""
    from payroll.runs.receipts import receipt_years

    with Session(request.app.state.store.engine) as db:
        leaving, severance = receipt_years(db, roster, worker_id)
    if (roster.workers[worker_id].income_type or "regular") == "daily":  # 일용: taxed when paid, no settlement
        return {"withholding": [], "severance": severance}
    ytd_years: list[int] = []
    ytd = request.app.state.inputs_dir / "ytd.csv"
    if ytd.is_file():
        from payroll.settlement import load_ytd_csv

        try:
            ytd_years = sorted({y.year for y in load_ytd_csv(ytd) if y.worker_id == worker_id})
        except InputError:
            ytd_years = []
    return {"withholding": sorted(set(leaving) | set(ytd_years)), "severance": severance}


def _year(year: str) -> int:
    if not (len(year) == 4 and year.isdigit() and 2000 <= int(year) <= 2100):
        raise HTTPException(404)
    return int(year)


def _claims_file(root: Path, month: str | None) -> Path | None:
    """claims.json as the run finds it: MONTH/claims.json, else the inputs folder's."""
    for p in ([root / month / "claims.json"] if month else []) + [root / "claims.json"]:
        if p.is_file():
            return p
    return None


@router.get("/workers/{worker_id}/withholding/{year}.pdf")
def withholding_receipt(request: Request, worker_id: str, year: str, user: Principal = Depends(ANYONE)):
    """근로소득 원천징수영수증 of a year: for a leaver, the settlement the leaving month's run withheld
    (year to date from the stored runs plus ytd.csv, checked against that run); otherwise the row of
    ytd.csv (``payroll doc withholding --ytd``)."""
    from payroll.documents.office import load_office
    from payroll.documents.withholding_receipt import withholding_pdf
    from payroll.runs.receipts import leaver_settlement, leaving_of, receipt_years
    from payroll.settlement import load_ytd_csv, settle

    y = _year(year)
    roster, w = _worker(request, worker_id)
    root = request.app.state.inputs_dir
    ytd_file = root / "ytd.csv"
    with Session(request.app.state.store.engine) as db:
        from_runs = y in receipt_years(db, roster, w.worker_id)[0]
        if from_runs:
            month = leaving_of(db, roster, w.worker_id, y).month
            s, leaving = leaver_settlement(db, roster, w.worker_id, y, ytd_csv=ytd_file, claims_json=_claims_file(root, month))
            end, source = leaving.last_day, f"run={leaving.run_id}"
    if not from_runs:
        row = next((r for r in load_ytd_csv(ytd_file) if r.worker_id == w.worker_id and r.year == y), None) if ytd_file.is_file() else None
        if row is None:
            raise InputError(f"ytd.csv: no row for {w.worker_id} in {y} (a receipt from the stored runs is for a year the worker leaves in)")
        from payroll.settlement import load_claims

        claims = _claims_file(root, None)
        s = settle(row, load_claims(claims).get((w.worker_id, y)) if claims else None)
        end, source = row.leaving_date or dt.date(y, 12, 31), "ytd.csv"
    starts = [c.start for c in roster.contracts_of(w.worker_id) if c.start.year <= y and (c.end is None or c.end.year >= y)]
    start = max(dt.date(y, 1, 1), min(starts)) if starts else dt.date(y, 1, 1)
    pdf = withholding_pdf(w, s, load_office(), (start, end), _today(request))
    _audit(request, user, "document_view", f"withholding/{w.worker_id}/{y}", source)
    return _pdf(pdf, f"withholding-{_ascii(w.worker_id)}-{y}.pdf", attachment=False)


@router.get("/workers/{worker_id}/severance/{year}.pdf")
def retirement_receipt(request: Request, worker_id: str, year: str, user: Principal = Depends(ANYONE)):
    """퇴직소득 원천징수영수증 of the 퇴직금 the leaving month's run paid (wages from the stored runs
    and wages.csv, checked against that run)."""
    from payroll.documents.office import load_office
    from payroll.documents.retirement_receipt import retirement_pdf
    from payroll.runs.receipts import leaver_severance

    y = _year(year)
    roster, w = _worker(request, worker_id)
    with Session(request.app.state.store.engine) as db:
        s, leaving = leaver_severance(db, roster, w.worker_id, y, wages_csv=request.app.state.inputs_dir / "wages.csv")
    pdf = retirement_pdf(w, s, load_office(), _today(request))
    _audit(request, user, "document_view", f"severance/{w.worker_id}/{y}", f"run={leaving.run_id}")
    return _pdf(pdf, f"severance-{_ascii(w.worker_id)}-{y}.pdf", attachment=False)


@router.get("/workers/{worker_id}/contracts/{contract_id}.pdf")
def contract_pdf(request: Request, worker_id: str, contract_id: str, user: Principal = Depends(ANYONE)):
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
def career_certificate(request: Request, worker_id: str, purpose: str = Form(""), user: Principal = Depends(CLERK)):
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
def resignation(request: Request, worker_id: str, last_day: str = Form(""), reason: str = Form(""), user: Principal = Depends(CLERK)):
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
