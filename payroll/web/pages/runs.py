"""Runs: progress, the register, one worker's 계산방법, payslips; replay, diff, explain for the auditor."""

from __future__ import annotations

import io
import zipfile

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from payroll.case import InputError
from payroll.web import services
from payroll.web.app import render
from payroll.record.audit import record
from payroll.web.auth import ANYONE, AUDITOR, Principal

router = APIRouter()

ZIP_STAMP = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same run gives the same ZIP bytes


def _run(request: Request, run_id: str):
    if len(run_id) > 64:
        raise HTTPException(404)
    try:
        return services.get_run(request.app, run_id)
    except InputError:
        raise HTTPException(404) from None


def _audit(request: Request, user: Principal, action: str, target: str, detail: str = "") -> None:
    with Session(request.app.state.store.engine) as db:
        record(db, user.name, action, target, detail, clock=request.app.state.clock)
        db.commit()


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, user: Principal = Depends(ANYONE)):
    job = request.app.state.jobs.get(job_id[:64])
    if job is None:
        raise HTTPException(404)
    template = "_job.html" if request.headers.get("hx-request") else "job.html"
    return render(request, template, {"job": job, "month": job.month})


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: str, offset: int = 0, worker: str = "", user: Principal = Depends(ANYONE)):
    import json

    run = _run(request, run_id)
    listed = services.run_workers(request.app, run_id, max(0, offset), worker[:64])
    slips = services.payslip_entries(run)
    workers = []
    for row in listed.rows:
        wid = str(row["worker_id"])
        key = wid if wid in slips else f"{wid}_{row.get('row')}"
        workers.append({"worker_id": wid, "name": row.get("name") or "", "department": row.get("department") or "", "gross_pay": row.get("gross_pay"),
                        "deductions_total": row.get("deductions_total"), "net_pay": row.get("net_pay"), "slip": key if key in slips else None,
                        "held": row.get("pay_state") == "held", "note": row.get("attendance_note") or ""})
    others = sorted(n for n in json.loads(run.outputs_manifest) if not n.startswith("payslips/"))
    filings = None
    if "filings/filings.json" in others:  # the month's filing summaries, as the documents area wrote them
        try:
            filings = json.loads(services.output_bytes(run, "filings/filings.json"))
        except (InputError, ValueError):
            filings = None
    held = [d for d in services.decided_of_run(request.app, run_id) if d["held"]]
    return render(request, "run.html", {"run": run, "departments": services.department_totals(request.app, run_id), "workers": workers, "listed": listed,
                                        "page_rows": services.PAGE_ROWS, "others": others, "filings": filings,
                                        "warnings": json.loads(run.warnings), "lock": services.lock_of(request.app, run.month), "held": held,
                                        "law_figures": json.loads(run.law_figures or "[]")})


@router.get("/runs/{run_id}/workers/{worker_id}")
def worker_page(request: Request, run_id: str, worker_id: str, user: Principal = Depends(ANYONE)):
    """One worker's result: every amount with its 계산방법 and article (``payroll explain``)."""
    from payroll.runs.audit import explain

    run = _run(request, run_id)
    try:
        results = explain(request.app.state.store, run_id, worker_id[:64])
    except InputError:
        raise HTTPException(404) from None
    slips = services.payslip_entries(run)
    shown = []
    for r in results:
        row = r["row"]
        key = worker_id if worker_id in slips else f"{worker_id}_{row.get('row')}"
        shown.append({"row": row, "items": r["items"], "trace": r["trace"], "slip": key if key in slips else None})
    _audit(request, user, "explain", f"{run_id}/{worker_id[:64]}")
    return render(request, "worker.html", {"run": run, "worker_id": worker_id, "results": shown})


@router.get("/runs/{run_id}/payslips/{slip}.pdf")
def payslip(request: Request, run_id: str, slip: str, download: int = 0, user: Principal = Depends(ANYONE)):
    """One payslip, named by the run record (never a path from the request), checked against its sha256."""
    run = _run(request, run_id)
    name = services.payslip_entries(run).get(slip)
    if name is None:
        raise HTTPException(404)
    data = services.output_bytes(run, name)
    _audit(request, user, "payslip_download" if download else "payslip_view", f"{run_id}/{slip}", f"month={run.month}")
    disposition = "attachment" if download else "inline"
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'{disposition}; filename="payslip-{run.month}-{_ascii(slip)}.pdf"'})


@router.get("/runs/{run_id}/payslips.zip")
def payslips_zip(request: Request, run_id: str, user: Principal = Depends(ANYONE)):
    run = _run(request, run_id)
    entries = services.payslip_entries(run)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for slip in sorted(entries):
            info = zipfile.ZipInfo(f"payslip-{run.month}-{_ascii(slip)}.pdf", date_time=ZIP_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, services.output_bytes(run, entries[slip]))
    _audit(request, user, "payslip_zip", run_id, f"month={run.month} payslips={len(entries)}")
    return Response(buf.getvalue(), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="payslips-{run.month}-{_ascii(run.run_id)}.zip"'})


MEDIA_TYPES = {".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8", ".json": "application/json",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/runs/{run_id}/file")
def run_file(request: Request, run_id: str, name: str = "", user: Principal = Depends(ANYONE)):
    """One recorded output of the run (the register, the bank file, the month's filing summaries).

    ``name`` must be a key of the run's outputs manifest: it selects, it never builds a path.
    """
    import json
    from pathlib import PurePosixPath

    run = _run(request, run_id)
    if name not in json.loads(run.outputs_manifest):
        raise HTTPException(404)
    data = services.output_bytes(run, name)
    _audit(request, user, "output_download", f"{run_id}/{name}", f"month={run.month}")
    leaf = PurePosixPath(name)
    return Response(data, media_type=MEDIA_TYPES.get(leaf.suffix, "application/octet-stream"),
                    headers={"Content-Disposition": f'attachment; filename="{run.month}-{_ascii(str(leaf.with_suffix("")).replace("/", "-"))}{leaf.suffix}"'})


def _ascii(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in text)[:80]


def replay_job(store, report, run_id: str, actor: str) -> dict:
    """The console's replay job, in its own process (payroll.web.jobs): the CLI's ``payroll replay``."""
    from payroll.runs.audit import replay as runs_replay

    report("replay", 0, 0)
    return runs_replay(store, run_id, actor=actor).as_dict()


@router.post("/runs/{run_id}/replay")
def replay(request: Request, run_id: str, user: Principal = Depends(AUDITOR)):
    """Recompute the run from its stored inputs and compare every byte (``payroll replay``)."""
    run = _run(request, run_id)
    job = request.app.state.jobs.start("replay", run.run_id, user.name, replay_job, run.run_id, user.name)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/diff")
def diff(request: Request, a: str = "", b: str = "", user: Principal = Depends(AUDITOR)):
    """Two runs side by side (``payroll diff A B``)."""
    from payroll.runs.audit import diff_runs

    result, error = None, None
    if a and b:
        try:
            result = diff_runs(request.app.state.store, a[:64], b[:64])
        except InputError as exc:
            error = str(exc)
        else:
            _audit(request, user, "diff", f"{a[:64]} {b[:64]}")
    return render(request, "diff.html", {"a": a, "b": b, "result": result, "error": error, "runs": services.all_runs(request.app)})
