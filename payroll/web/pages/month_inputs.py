"""A month's inputs: uploads (several files at once, as an import job), corrections (previewed
before they are saved), the clerk's decisions on open attendance errors, and a document batch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from payroll.case import InputError
from payroll.runs.inputs import check_month
from payroll.web import inputs as web_inputs
from payroll.web import month_check as web_check
from payroll.web import month_view, services
from payroll.web.app import render
from payroll.web.auth import ANYONE, CLERK, Principal

router = APIRouter()
MAX_FILES = 20


def _page(request: Request, month: str, status_code: int = 200, **kw):
    ctx = month_view.month_context(request.app, month, principal=getattr(request.state, "principal", None), **kw)
    return render(request, "month.html", ctx, status_code=status_code)


def _relative(request: Request, text: str) -> str:
    root = str(request.app.state.inputs_dir)
    return text.replace(root + "/", "")


def import_files(store, report, month: str, kind: str, files: list[tuple[str, bytes]], actor: str, root, cache, clock) -> dict:
    """The console's import job, in its own process (payroll.web.jobs): keep each file (the importer
    the CLI uses reads it first; a bad file is refused with its message and the others still go in),
    then check the month (kept in ``cache``, as the month page keeps it): each file's result as read."""
    results = []
    for i, (name, data) in enumerate(files):
        report("files", i, len(files))
        shown = web_inputs.display_name(name)
        try:
            with Session(store.engine, expire_on_commit=False) as db:
                row, summary = web_inputs.save_upload(db, root, month, kind, name, data, actor=actor, clock=clock)
            results.append({"name": shown, "ok": True, "summary": summary, "stored": row.stored_name, "sha256": row.sha256})
        except InputError as exc:
            refused = {"name": shown, "ok": False, "summary": str(exc).replace(str(root) + "/", "")}
            if kind == "attendance":  # an export no profile reads: the profile detect proposes (read under the limits)
                from payroll.attendance.guarded import offer_untrusted

                refused["proposal"] = offer_untrusted(data, shown)
            results.append(refused)
    report("check", len(files), len(files))
    if kind == "attendance" and any(r["ok"] for r in results):
        try:
            check = web_check.month_check(root, month, store.engine, cache)
        except InputError as exc:
            check = None
            for r in results:
                r.setdefault("check_error", str(exc).replace(str(root) + "/", ""))
        if check is not None:
            by_leaf = {str(f["path"]).rsplit("/", 1)[-1]: f for f in web_check.file_results(check)}
            for r in results:
                f = by_leaf.get(str(r.get("stored", "")).rsplit("/", 1)[-1])
                if f is not None:
                    r.update(format=f["format"], profile=f["profile"], shape=f["shape"], rows=f["rows"], errors=f["errors"], open=f["open"], notes=f["notes"])
    return {"month": month, "kind": kind, "files": results}


@router.post("/months/{month}/uploads")
async def upload(request: Request, month: str, kind: str = Form(""), files: list[UploadFile] = File(default=[]), user: Principal = Depends(CLERK)):
    """One or more files of one kind (a file input with ``multiple``, or dropped on the page): an import job.
    Only the body is awaited here; the rest (the page an error shows reads files and the database)
    runs in the thread pool, as every other handler of the month does."""
    check_month(month)
    chosen = [f for f in files if f is not None and f.filename]
    error = None
    if not chosen:
        error = "올릴 파일을 고르세요 (여러 개를 함께 고르거나 끌어다 놓을 수 있습니다)."
    elif kind not in web_inputs.KINDS:
        error = "파일 종류를 고르세요."
    elif len(chosen) > MAX_FILES:
        error = f"한 번에 {MAX_FILES}개까지 올릴 수 있습니다."
    elif not web_inputs.KINDS[kind].name == "attendance" and len(chosen) > 1:
        error = f"{web_inputs.KINDS[kind].label}은(는) 한 파일만 올립니다 (여러 파일은 근태 기록만)."
    if error is not None:
        return await run_in_threadpool(_page, request, month, 400, error=error)
    data = [(f.filename, await f.read()) for f in chosen]
    return await run_in_threadpool(_start_import, request, month, kind, data, user)


def _start_import(request: Request, month: str, kind: str, data: list[tuple[str, bytes]], user: Principal):
    app = request.app
    try:
        job = app.state.jobs.start("import", month, user.name, import_files, month, kind, data, user.name, app.state.inputs_dir, services.check_cache(app), app.state.clock)
    except InputError as exc:
        return _page(request, month, status_code=409, error=str(exc))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/months/{month}/uploads/{upload_id}/remove")
def remove_upload(request: Request, month: str, upload_id: int, user: Principal = Depends(CLERK)):
    check_month(month)
    app = request.app
    try:
        with Session(app.state.store.engine, expire_on_commit=False) as db:
            row = web_inputs.remove_attendance(db, app.state.inputs_dir, month, upload_id, actor=user.name, clock=app.state.clock)
    except InputError as exc:
        return _page(request, month, status_code=400, error=str(exc))
    return _page(request, month, message=f"{row.original_name}: 이 달의 근태 자료에서 뺐습니다")


def _correction_fields(worker_id: str, date: str, time_in: str, time_out: str, reason: str) -> dict:
    return {"worker_id": worker_id.strip()[:64], "date": date.strip()[:10], "time_in": time_in.strip()[:8], "time_out": time_out.strip()[:8], "reason": reason.strip()[:200]}


@router.post("/months/{month}/corrections/preview")
def preview(request: Request, month: str, worker_id: str = Form(""), date: str = Form(""), time_in: str = Form(""), time_out: str = Form(""),
                  reason: str = Form(""), user: Principal = Depends(CLERK)):
    """The worker's day now and with the correction (nothing saved); the fragment holds the save button."""
    from payroll.web.preview import preview_correction

    check_month(month)
    fields = _correction_fields(worker_id, date, time_in, time_out, reason)
    try:
        shown = preview_correction(request.app.state.inputs_dir, request.app.state.store.engine, month, fields["worker_id"], fields["date"], fields["time_in"], fields["time_out"], fields["reason"])
        error = None
    except InputError as exc:
        shown, error = None, _relative(request, str(exc))
    ctx = {"month": month, "fields": fields, "preview": shown, "error": error}
    if request.headers.get("hx-request"):
        return render(request, "_preview.html", ctx, status_code=200 if error is None else 400)
    return render(request, "preview.html", ctx, status_code=200 if error is None else 400)


@router.post("/months/{month}/corrections")
def correct(request: Request, month: str, worker_id: str = Form(""), date: str = Form(""), time_in: str = Form(""), time_out: str = Form(""),
                  reason: str = Form(""), user: Principal = Depends(CLERK)):
    check_month(month)
    app = request.app
    f = _correction_fields(worker_id, date, time_in, time_out, reason)
    try:
        if not f["reason"]:
            raise InputError(f"{f['worker_id']} {f['date']}: 사유: 정정 사유를 적으세요 (정정은 기록에 남습니다)")
        with Session(app.state.store.engine, expire_on_commit=False) as db:
            summary = web_inputs.apply_correction(db, app.state.inputs_dir, month, f["worker_id"], f["date"], f["time_in"], f["time_out"], f["reason"],
                                                  actor=user.name, clock=app.state.clock)
    except InputError as exc:
        return _page(request, month, status_code=400, error=_relative(request, str(exc)), worker=f["worker_id"])
    return _page(request, month, message=f"{f['worker_id']} {f['date']}: 정정했습니다 ({summary})", worker=f["worker_id"])


@router.post("/months/{month}/decisions")
def decide(request: Request, month: str, worker_id: str = Form(""), decision: str = Form(""), reason: str = Form(""), user: Principal = Depends(CLERK)):
    """One worker's decision for the month's open attendance errors (empty ``decision``: take it back)."""
    from payroll.runs.decisions import LABELS

    check_month(month)
    app = request.app
    wid, why = worker_id.strip()[:64], reason.strip()[:200]
    if not wid:
        return _page(request, month, status_code=400, error="사번: 결정할 근로자를 고르세요.")
    try:
        with Session(app.state.store.engine, expire_on_commit=False) as db:
            web_inputs.apply_decision(db, app.state.inputs_dir, month, wid, decision.strip()[:16], why, actor=user.name, clock=app.state.clock)
    except InputError as exc:
        return _page(request, month, status_code=400, error=_relative(request, str(exc)))
    said = f"{LABELS[decision]} — {why}" if decision else "결정을 취소했습니다"
    return _page(request, month, message=f"{wid}: {said}")


def contracts_batch(store, report, month: str, root, target) -> dict:
    """Every 근로계약서 in force in the month, as one ZIP kept in ``target`` (a document batch job, in its own process)."""
    import io
    import zipfile

    from payroll.documents.contract import contract_pdf
    from payroll.employer import employer_in
    from payroll.timesheet.monthly import month_bounds

    roster = web_inputs.roster_of(root, store.engine)
    if roster is None:
        raise InputError("근로자 명부(roster.csv)와 근로계약(contracts.csv)을 먼저 올리세요")
    employer = employer_in(root)
    first, last = month_bounds(month)
    contracts = [c for c in roster.contracts if c.start <= last and (c.end is None or c.end >= first)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, c in enumerate(sorted(contracts, key=lambda c: (c.worker_id, c.contract_id))):
            report("documents", i, len(contracts))
            info = zipfile.ZipInfo(f"contract-{c.contract_id}.pdf", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, contract_pdf(roster.workers[c.worker_id], c, employer))
    target.mkdir(parents=True, exist_ok=True)
    name = f"contracts-{month}.zip"
    (target / name).write_bytes(buf.getvalue())
    report("documents", len(contracts), len(contracts))
    return {"month": month, "documents": len(contracts), "file": name}


@router.post("/months/{month}/documents")
def documents(request: Request, month: str, user: Principal = Depends(CLERK)):
    """The month's 근로계약서, all at once (a document batch job)."""
    check_month(month)
    app = request.app
    try:
        job = app.state.jobs.start("documents", f"{month}/documents", user.name, contracts_batch, month, app.state.inputs_dir, app.state.data_dir / "documents" / "batches")
    except InputError as exc:
        return _page(request, month, status_code=409, error=str(exc))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}/download")
def job_download(request: Request, job_id: str, user: Principal = Depends(ANYONE)):
    """A finished document batch's ZIP (named by the job's own record, never by the request)."""
    import re

    job = request.app.state.jobs.get(job_id[:64])
    if job is None or job.kind != "documents" or job.state != "done" or not isinstance(job.result, dict):
        raise HTTPException(404)
    name = str(job.result.get("file", ""))
    if not re.fullmatch(r"contracts-\d{4}-\d{2}\.zip", name):
        raise HTTPException(404)
    path = request.app.state.data_dir / "documents" / "batches" / name
    if not path.is_file():
        raise HTTPException(404)
    return Response(path.read_bytes(), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'})
