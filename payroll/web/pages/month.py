"""One month: its page and exceptions, the run (refused while errors are open), the approver's close
(with what is held and still open, confirmed explicitly) and the correction run.

The handlers are plain functions: FastAPI runs them in its thread pool, so a page that reads files
or the database never holds up another request (payroll.web.pages.month_inputs' upload awaits the
body, then does the same).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from payroll.case import InputError
from payroll.runs.inputs import check_month
from payroll.web import month_view, services
from payroll.web.app import render
from payroll.web.auth import ANYONE, APPROVER, CLERK, Principal

router = APIRouter()


def _page(request: Request, month: str, status_code: int = 200, template: str = "month.html", **kw):
    ctx = month_view.month_context(request.app, month, principal=getattr(request.state, "principal", None), **kw)
    if template == "_exceptions.html":  # the report alone, as the month page has it
        return HTMLResponse(ctx["exceptions_html"], status_code=status_code)
    return render(request, template, ctx, status_code=status_code)


def _filters(code: str, department: str, worker: str, date: str) -> dict:
    return {"code": code[:32], "department": department[:64], "worker": worker[:64], "date": date[:10]}


@router.get("/months/{month}")
def month_page(request: Request, month: str, code: str = "", department: str = "", worker: str = "", date: str = "", user: Principal = Depends(ANYONE)):
    check_month(month)
    return _page(request, month, **_filters(code, department, worker, date))


@router.get("/months/{month}/exceptions")
def exceptions_table(request: Request, month: str, code: str = "", department: str = "", worker: str = "", date: str = "", user: Principal = Depends(ANYONE)):
    """The exceptions report alone (htmx swaps it in when a filter changes)."""
    check_month(month)
    return _page(request, month, template="_exceptions.html", **_filters(code, department, worker, date))


def _pay_date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"지급일: 날짜가 아닙니다 (예: 2026-06-30): {text!r}") from None


def run_job(store, report, month: str, root, out_root, day: dt.date | None, correction: bool, actor: str, provisional: bool) -> dict:
    """The console's run job, in its own process (payroll.web.jobs): the CLI's ``execute_run``."""
    from payroll.runs.batch import execute_run

    try:
        return execute_run(store, month, inputs_dir=root, out_root=out_root, pay_date=day, correction=correction, actor=actor,
                           provisional=provisional, on_progress=report)
    except InputError as exc:  # the same message as the CLI's, with file names relative to the inputs folder
        if hasattr(exc, "findings"):
            raise
        raise InputError(str(exc).replace(str(root) + "/", "")) from None


def _start_run(request: Request, month: str, pay_date: str, user: Principal, correction: bool, provisional: bool = False):
    app = request.app
    day = _pay_date(pay_date)
    job = app.state.jobs.start("correction" if correction else "run", month, user.name, run_job,
                               month, app.state.inputs_dir, app.state.data_dir / "runs", day, correction, user.name, provisional)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _refusal(request: Request, month: str) -> str | None:
    """What the run would refuse on, said before a job starts (the run checks again itself)."""
    from payroll.web.month_check import month_check

    check = month_check(request.app.state.inputs_dir, month, request.app.state.store.engine, services.check_cache(request.app))
    if check is None or not check.findings:
        return None
    workers = len({f.worker_id or "(빈칸)" for f in check.findings})
    return (f"{month}: 미해결 근태 오류 {len(check.findings)}건 (근로자 {workers}명)이 있어 계산하지 않았습니다. "
            "아래 '계산 전 확인'에서 각 오류를 정정하거나 근로자별로 결정하세요.")


@router.post("/months/{month}/run")
def start_run(request: Request, month: str, pay_date: str = Form(""), provisional: str = Form(""), user: Principal = Depends(CLERK)):
    """Start the month's run: refused while the month is closed or attendance errors are open."""
    check_month(month)
    try:
        lock = services.lock_of(request.app, month)
        if lock is not None:  # execute_run refuses too; say so before starting a job
            raise InputError(f"{month}은(는) 마감되었습니다 ({lock.closed_by}, 실행 {lock.run_id}). 마감된 달은 승인자가 승인하는 정정 실행으로만 바뀝니다.")
        refused = _refusal(request, month)
        if refused:
            return _page(request, month, status_code=409, error=refused)
        return _start_run(request, month, pay_date, user, correction=False, provisional=provisional == "1")
    except InputError as exc:
        return _page(request, month, status_code=400, error=str(exc))


@router.post("/months/{month}/correction")
def approve_correction(request: Request, month: str, pay_date: str = Form(""), reason: str = Form(""), user: Principal = Depends(APPROVER)):
    """The approver approves (recorded, as ``payroll correction approve``) and starts a correction run of a closed month."""
    from payroll.runs.approvals import record_approval

    check_month(month)
    try:
        refused = _refusal(request, month)
        if refused:
            return _page(request, month, status_code=409, error=refused)
        record_approval(request.app.state.store, month, user.name, reason.strip()[:500] or "콘솔에서 승인", clock=request.app.state.clock)
        return _start_run(request, month, pay_date, user, correction=True)
    except InputError as exc:
        return _page(request, month, status_code=400, error=str(exc))


def _close_context(request: Request, month: str, error: str | None = None) -> dict:
    """What the approver confirms: the run to be closed, its held workers and decisions, errors still open."""
    from sqlmodel import Session, select

    from payroll.store.models import Run
    from payroll.web.inputs import current_uploads
    from payroll.web.month_check import month_check

    app = request.app
    with Session(app.state.store.engine) as db:
        run = db.exec(select(Run).where(Run.month == month, Run.kind == "regular").order_by(Run.created_at.desc(), Run.run_id.desc())).first()
        names = {u.stored_name.rsplit("/", 1)[-1]: u.original_name for u in current_uploads(db, app.state.inputs_dir, month)}
    decided = services.decided_of_run(app, run.run_id) if run else []
    check, check_error = None, None
    try:
        check = month_check(app.state.inputs_dir, month, app.state.store.engine, services.check_cache(app))
    except InputError as exc:
        check_error = str(exc).replace(str(app.state.inputs_dir) + "/", "")
    return {
        "month": month, "run": run, "lock": services.lock_of(app, month), "error": error,
        "held": [d for d in decided if d["held"]], "decided": decided,
        "open_workers": month_view.open_by_worker(check, names) if check else [], "check_error": check_error,
    }


@router.get("/months/{month}/close")
def close_page(request: Request, month: str, user: Principal = Depends(APPROVER)):
    check_month(month)
    return render(request, "close.html", _close_context(request, month))


@router.post("/months/{month}/close")
def close(request: Request, month: str, confirm: str = Form(""), run_id: str = Form(""), user: Principal = Depends(APPROVER)):
    """Close the month on the run shown — only with the approver's explicit confirmation."""
    from payroll.runs.months import close_month

    check_month(month)
    if confirm != "yes":
        return render(request, "close.html", _close_context(request, month, "마감하려면 위 내용을 확인했다고 표시하세요."), status_code=400)
    try:
        result = close_month(request.app.state.store, month, user.name, run_id[:64] or None)
    except InputError as exc:
        return render(request, "close.html", _close_context(request, month, str(exc)), status_code=400)
    message = f"{month} 마감했습니다 (실행 {result['run_id']})"
    if request.app.state.smtp is not None:
        _start_mail(request, month, user)
        message += " — 임금명세서 전자우편 발송을 시작했습니다"
    return _page(request, month, message=message)


def _start_mail(request: Request, month: str, user: Principal):
    """E-mail the closed month's payslips in the background (``payroll mail MONTH``)."""
    from payroll.runs.mail import send_payslips

    app = request.app
    store, cfg = app.state.store, app.state.smtp
    return app.state.jobs.start_thread("mail", month, user.name, lambda report: send_payslips(store, month, user.name, cfg))


@router.post("/months/{month}/mail")
def mail_again(request: Request, month: str, user: Principal = Depends(APPROVER)):
    """Send again the payslips not yet sent (failed or bounced ones, after the address is fixed)."""
    check_month(month)
    if request.app.state.smtp is None:
        return _page(request, month, status_code=400, error="전자우편(SMTP)이 설정되지 않았습니다: 콘솔을 시작할 때 SMTP 설정 파일을 주세요")
    if services.lock_of(request.app, month) is None:
        return _page(request, month, status_code=400, error=f"{month}은(는) 아직 마감되지 않았습니다")
    job = _start_mail(request, month, user)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
