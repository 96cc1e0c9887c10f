"""One month: imports (uploads, exceptions, corrections), the run, close and correction.

The handlers are plain functions: FastAPI runs them in its thread pool, so a page that reads files
or the database never holds up another request (the upload awaits the body, then does the same).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from payroll.case import InputError
from payroll.runs.inputs import check_month
from payroll.web import inputs as web_inputs
from payroll.web import services
from payroll.web.app import render
from payroll.web.auth import ANYONE, APPROVER, CLERK, Principal

router = APIRouter()

MAX_EXCEPTION_ROWS = 500  # a page shows at most this many; the filters narrow the rest


def _root(request: Request):
    return request.app.state.inputs_dir


def _filters(exc, code: str, worker: str, date: str):
    import polars as pl

    frame = exc.exceptions
    if code:
        frame = frame.filter(pl.col("code") == code)
    if worker:
        frame = frame.filter(pl.col("worker_id").fill_null("").str.contains(worker, literal=True))
    if date:
        frame = frame.filter(pl.col("date").cast(pl.Utf8).fill_null("") == date)
    return frame


def _month_context(request: Request, month: str, code: str = "", worker: str = "", date: str = "", message: str | None = None, error: str | None = None) -> dict:
    app = request.app
    root = _root(request)
    with Session(app.state.store.engine) as db:
        uploads = web_inputs.current_uploads(db, root, month)
    names = {u.stored_name.rsplit("/", 1)[-1]: u.original_name for u in uploads}
    exc, exc_error, rows, codes, shown_total = None, None, [], [], 0
    try:
        exc = web_inputs.exceptions(root, month, app.state.store.engine, services.check_cache(app))
    except InputError as e:
        exc_error = str(e).replace(str(root) + "/", "")
    if exc is not None:
        codes = sorted(set(exc.exceptions.get_column("code").to_list()))
        filtered = _filters(exc, code, worker, date)
        shown_total = filtered.height
        rows = filtered.head(MAX_EXCEPTION_ROWS).to_dicts()
        for r in rows:
            r["source_name"] = names.get(str(r["source"]).rsplit("/", 1)[-1], str(r["source"]).rsplit("/", 1)[-1])
    from payroll import law as law_module
    from payroll.runs.figures import month_states
    from payroll.runs.mail import deliveries

    states = month_states(law_module.current(), month)
    budget = services.budget_warnings(app, int(month[:4]))
    with Session(app.state.store.engine) as db:
        sent = deliveries(db, month)
    return {
        "figures_missing": [f for f in states if f.state == "missing"], "figures_unconfirmed": [f for f in states if f.state == "unconfirmed"],
        "budget_warnings": budget, "deliveries": sent, "mail_configured": app.state.smtp is not None,
        "month": month, "status": services.month_status(app, month), "runs": services.runs_of(app, month), "lock": services.lock_of(app, month),
        "uploads": uploads, "kinds": web_inputs.KINDS, "exc": exc, "exc_error": exc_error, "exc_rows": rows, "exc_matching": shown_total, "codes": codes,
        "filter": {"code": code, "worker": worker, "date": date}, "message": message, "error": error,
    }


@router.get("/months/{month}")
def month_page(request: Request, month: str, code: str = "", worker: str = "", date: str = "", user: Principal = Depends(ANYONE)):
    check_month(month)
    return render(request, "month.html", _month_context(request, month, code[:32], worker[:64], date[:10]))


@router.get("/months/{month}/exceptions")
def exceptions_table(request: Request, month: str, code: str = "", worker: str = "", date: str = "", user: Principal = Depends(ANYONE)):
    """The exceptions table alone (htmx swaps it in when a filter changes)."""
    check_month(month)
    return render(request, "_exceptions.html", _month_context(request, month, code[:32], worker[:64], date[:10]))


@router.post("/months/{month}/uploads")
async def upload(request: Request, month: str, kind: str = Form(""), file: UploadFile | None = File(None), user: Principal = Depends(CLERK)):
    check_month(month)
    named = file is not None and bool(file.filename)
    data = await file.read() if named else b""
    # reading and checking the file (a spreadsheet in its child process; the month's attendance check after it) blocks: not on the event loop
    return await run_in_threadpool(_upload, request, month, kind, file.filename if named else None, data, user)


def _upload(request: Request, month: str, kind: str, filename: str | None, data: bytes, user: Principal):
    app = request.app
    if filename is None:
        return render(request, "month.html", _month_context(request, month, error="올릴 파일을 고르세요."), status_code=400)
    try:
        with Session(app.state.store.engine, expire_on_commit=False) as db:
            row, summary = web_inputs.save_upload(db, _root(request), month, kind, filename, data, actor=user.name, clock=app.state.clock)
    except InputError as exc:
        context = _month_context(request, month, error=str(exc))
        if kind == "attendance":  # an export no profile reads: offer the profile detect proposes
            from payroll.attendance.guarded import offer_untrusted

            context["proposal"] = offer_untrusted(data, web_inputs.display_name(filename))
        return render(request, "month.html", context, status_code=400)
    return render(request, "month.html", _month_context(request, month, message=f"{row.original_name}: 올렸습니다 ({summary}, sha256 {row.sha256[:12]}…)"))


@router.post("/months/{month}/uploads/{upload_id}/remove")
def remove_upload(request: Request, month: str, upload_id: int, user: Principal = Depends(CLERK)):
    check_month(month)
    app = request.app
    try:
        with Session(app.state.store.engine, expire_on_commit=False) as db:
            row = web_inputs.remove_attendance(db, _root(request), month, upload_id, actor=user.name, clock=app.state.clock)
    except InputError as exc:
        return render(request, "month.html", _month_context(request, month, error=str(exc)), status_code=400)
    return render(request, "month.html", _month_context(request, month, message=f"{row.original_name}: 이 달의 근태 자료에서 뺐습니다"))


@router.post("/months/{month}/corrections")
def correct(request: Request, month: str, worker_id: str = Form(""), date: str = Form(""), time_in: str = Form(""), time_out: str = Form(""),
                  reason: str = Form(""), user: Principal = Depends(CLERK)):
    check_month(month)
    app = request.app
    try:
        with Session(app.state.store.engine, expire_on_commit=False) as db:
            summary = web_inputs.apply_correction(db, _root(request), month, worker_id.strip()[:64], date.strip()[:10], time_in.strip()[:8], time_out.strip()[:8],
                                                  reason.strip()[:200], actor=user.name, clock=app.state.clock)
    except InputError as exc:
        return render(request, "month.html", _month_context(request, month, error=str(exc).replace(str(_root(request)) + "/", "")), status_code=400)
    return render(request, "month.html", _month_context(request, month, message=f"{worker_id} {date}: 정정했습니다 ({summary})"))


def _start_run(request: Request, month: str, pay_date: str, user: Principal, correction: bool, provisional: bool = False):
    from payroll.runs.batch import execute_run

    app = request.app
    day = None
    if pay_date:
        try:
            day = dt.date.fromisoformat(pay_date)
        except ValueError:
            raise InputError(f"지급일: 날짜(YYYY-MM-DD)가 아닙니다: {pay_date!r}") from None
    out_root = app.state.data_dir / "runs"
    store, root = app.state.store, _root(request)

    def work():
        try:
            return execute_run(store, month, inputs_dir=root, out_root=out_root, pay_date=day, correction=correction, actor=user.name,
                               provisional=provisional)
        except InputError as exc:  # the same message as the CLI's, with file names relative to the inputs folder
            raise InputError(str(exc).replace(str(root) + "/", "")) from None

    job = app.state.jobs.start("correction" if correction else "run", month, user.name, work, progress_dir=out_root / month)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/months/{month}/run")
def start_run(request: Request, month: str, pay_date: str = Form(""), provisional: str = Form(""), user: Principal = Depends(CLERK)):
    """Start the month's run (refused by the run itself when the month is closed)."""
    check_month(month)
    try:
        lock = services.lock_of(request.app, month)
        if lock is not None:  # execute_run refuses too; say so before starting a job
            raise InputError(f"{month}은(는) 마감되었습니다 ({lock.closed_by}, 실행 {lock.run_id}). 마감된 달은 승인자가 승인하는 정정 실행으로만 바뀝니다.")
        return _start_run(request, month, pay_date, user, correction=False, provisional=provisional == "1")
    except InputError as exc:
        return render(request, "month.html", _month_context(request, month, error=str(exc)), status_code=400)


@router.post("/months/{month}/correction")
def approve_correction(request: Request, month: str, pay_date: str = Form(""), reason: str = Form(""), user: Principal = Depends(APPROVER)):
    """The approver approves (recorded, as ``payroll correction approve``) and starts a correction run of a closed month."""
    from payroll.runs.approvals import record_approval

    check_month(month)
    try:
        record_approval(request.app.state.store, month, user.name, reason.strip()[:500] or "콘솔에서 승인", clock=request.app.state.clock)
        return _start_run(request, month, pay_date, user, correction=True)
    except InputError as exc:
        return render(request, "month.html", _month_context(request, month, error=str(exc)), status_code=400)


@router.post("/months/{month}/close")
def close(request: Request, month: str, user: Principal = Depends(APPROVER)):
    from payroll.runs.months import close_month

    check_month(month)
    try:
        result = close_month(request.app.state.store, month, user.name)
    except InputError as exc:
        return render(request, "month.html", _month_context(request, month, error=str(exc)), status_code=400)
    message = f"{month} 마감했습니다 (실행 {result['run_id']})"
    if request.app.state.smtp is not None:
        _start_mail(request, month, user)
        message += " — 임금명세서 전자우편 발송을 시작했습니다"
    return render(request, "month.html", _month_context(request, month, message=message))


def _start_mail(request: Request, month: str, user: Principal):
    """E-mail the closed month's payslips in the background (``payroll mail MONTH``)."""
    from payroll.runs.mail import send_payslips

    app = request.app
    store, cfg = app.state.store, app.state.smtp
    return app.state.jobs.start("mail", month, user.name, lambda: send_payslips(store, month, user.name, cfg))


@router.post("/months/{month}/mail")
def mail_again(request: Request, month: str, user: Principal = Depends(APPROVER)):
    """Send again the payslips not yet sent (failed or bounced ones, after the address is fixed)."""
    check_month(month)
    if request.app.state.smtp is None:
        return render(request, "month.html", _month_context(request, month, error="전자우편(SMTP)이 설정되지 않았습니다 (payroll serve --smtp FILE)"), status_code=400)
    if services.lock_of(request.app, month) is None:
        return render(request, "month.html", _month_context(request, month, error=f"{month}은(는) 아직 마감되지 않았습니다"), status_code=400)
    job = _start_mail(request, month, user)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
