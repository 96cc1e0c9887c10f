"""연말정산 and the filing pack in the console: the 신고서 (XLSX upload, a form per worker), 분납 choices,
the year's settlement, each worker's 원천징수영수증, and the monthly / yearly filing pack."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from payroll.case import InputError
from payroll.web.app import render
from payroll.record.audit import record
from payroll.web.auth import ANYONE, CLERK, Principal

router = APIRouter()
YEAR_RE = re.compile(r"^\d{4}$")
PERIOD_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(text: str) -> int:
    if not YEAR_RE.match(text):
        raise HTTPException(404)
    return int(text)


def _context(request: Request, year: int, message: str | None = None, error: str | None = None) -> dict:
    from payroll.yearend import records

    with Session(request.app.state.store.engine) as db:
        batch = records.latest_batch(db, year)
        results = records.batch_rows(db, batch.batch_id) if batch else []
        decls = records.latest_declarations(db, year)
        spread = records.installment_choices(db, year)
    import json

    return {"year": year, "batch": batch, "summary": json.loads(batch.summary) if batch else None,
            "exceptions": json.loads(batch.exceptions)[:300] if batch else [], "results": results, "declarations": decls, "spread": spread,
            "message": message, "error": error}


@router.get("/yearend")
def yearend_page(request: Request, year: int = 0, user: Principal = Depends(ANYONE)):
    year = year or request.app.state.clock().year - 1
    if not 2000 <= year <= 2100:
        raise HTTPException(404)
    return render(request, "yearend.html", _context(request, year))


@router.get("/yearend/{year}/template.xlsx")
def template(request: Request, year: str, user: Principal = Depends(CLERK)):
    from payroll.yearend.stored import employed_on
    from payroll.yearend.template import template_bytes

    y = _year(year)
    workers: list[tuple[str, str]] = []
    with Session(request.app.state.store.engine) as db:
        try:
            roster, employed = employed_on(db, dt.date(y, 12, 31))
            workers = [(w, roster.workers[w].name) for w in employed if (roster.workers[w].income_type or "regular") != "daily"]
        except InputError:
            pass
    data = template_bytes(y, workers, request.app.state.clock().date())
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="deduction-declaration-{y}.xlsx"'})


def _save(request: Request, user: Principal, claims, submitted: dict, source: str, name: str, sha: str) -> list:
    from payroll.yearend import records

    app = request.app
    with Session(app.state.store.engine, expire_on_commit=False) as db:
        saved = []
        for c in claims:
            saved += records.save_declarations(db, [c], submitted_on=submitted[c.worker_id], source=source, source_name=name, source_sha256=sha,
                                               actor=user.name, now=app.state.clock())
        record(db, user.name, "yearend_declarations", name[:120], f"workers={len(saved)} sha256={sha[:12]}", clock=app.state.clock)
        db.commit()
    return saved


@router.post("/yearend/{year}/declarations")
async def upload_declarations(request: Request, year: str, file: UploadFile | None = File(None), user: Principal = Depends(CLERK)):
    from payroll.yearend.template import read_declarations

    y = _year(year)
    if file is None or not file.filename:
        return render(request, "yearend.html", _context(request, y, error="올릴 신고서 파일(XLSX)을 고르세요."), status_code=400)
    data = await file.read()
    name = Path(file.filename).name[:120]

    def work():  # reading the workbook and the record: in the thread pool, not on the event loop
        try:
            claims, submitted = read_declarations(data, name, y)
            saved = _save(request, user, claims, submitted, "xlsx", name, hashlib.sha256(data).hexdigest())
        except InputError as exc:
            return render(request, "yearend.html", _context(request, y, error=str(exc)), status_code=400)
        return render(request, "yearend.html", _context(request, y, message=f"{name}: 신고서 {len(saved):,}건을 기록했습니다 (근로자마다 새 판)."))

    return await run_in_threadpool(work)


@router.post("/yearend/{year}/declaration")
async def declaration_form(request: Request, year: str, user: Principal = Depends(CLERK)):
    """One worker's 신고서 from the console form (the same model and checks as the XLSX)."""
    from pydantic import ValidationError

    from payroll.settlement.declaration import ClaimsIn

    y = _year(year)
    form = await request.form()
    get = lambda k: str(form.get(k, "")).strip()[:100]  # noqa: E731

    def work():  # the rules and the record: in the thread pool, not on the event loop
        try:
            doc = _form_claims(get, y)
            claims = ClaimsIn.model_validate(doc)
            from payroll import law as law_module
            from payroll.settlement.reduce import refusal

            reason = refusal(claims, y, law_module.current())
            if reason:
                raise InputError(reason)
            submitted = dt.date.fromisoformat(get("submitted_on")) if get("submitted_on") else request.app.state.clock().date()
            payload = claims.model_dump_json().encode()
            _save(request, user, [claims], {claims.worker_id: submitted}, "console", "콘솔 입력", hashlib.sha256(payload).hexdigest())
        except ValidationError as exc:
            from payroll.field_errors import describe

            msgs = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {describe(e, extra='알 수 없는 필드입니다')}" for e in exc.errors()[:10])
            return render(request, "yearend.html", _context(request, y, error=f"신고서 입력 오류 — {msgs}"), status_code=400)
        except (InputError, ValueError) as exc:
            return render(request, "yearend.html", _context(request, y, error=f"신고서 입력 오류 — {exc}"), status_code=400)
        return render(request, "yearend.html", _context(request, y, message=f"{claims.worker_id}: 신고서를 기록했습니다."))

    return await run_in_threadpool(work)


def _money(get, key: str, label: str) -> int:
    text = get(key).replace(",", "")
    if not text:
        return 0
    if not text.isdigit():
        raise InputError(f"{label}: 원 단위 정수가 아닙니다: {text[:20]!r}")
    return int(text)


def _form_claims(get, year: int) -> dict:
    m = lambda k, label: _money(get, k, label)  # noqa: E731
    yes = lambda k: get(k) in ("on", "Y", "1", "true")  # noqa: E731
    doc: dict = {"worker_id": get("worker_id"), "year": year, "woman": yes("woman"), "single_parent": yes("single_parent"),
                 "self_disabled": yes("self_disabled"), "head_of_household": yes("head_of_household"), "dependants": []}
    for i in (1, 2, 3):
        if get(f"dep{i}_name"):
            doc["dependants"].append({"name": get(f"dep{i}_name"), "relationship": get(f"dep{i}_relationship") or "descendant",
                                      "birth_date": get(f"dep{i}_birth"), "disabled": yes(f"dep{i}_disabled")})
    if m("insurance", "보장성보험료"):
        doc["insurance"] = [{"amount": m("insurance", "보장성보험료")}]
    if m("medical", "의료비"):
        doc["medical"] = [{"amount": m("medical", "의료비")}]
    if m("education", "교육비"):
        doc["education"] = [{"kind": "self", "amount": m("education", "교육비")}]
    cards = {k: m(f"card_{k}", label) for k, label in (("credit", "신용카드"), ("debit", "직불·선불카드"), ("cash_receipt", "현금영수증"),
                                                       ("culture", "도서·공연 등"), ("market", "전통시장"), ("transit", "대중교통"))}
    if any(cards.values()):
        doc["cards"] = [cards]
    doc["pension_accounts"] = [{"kind": k, "amount": m(f"pension_{k}", label)} for k, label in (("savings", "연금저축"), ("retirement", "퇴직연금"))
                               if m(f"pension_{k}", label)]
    doc["donations"] = [{"kind": k, "amount": m(f"donation_{k}", label)} for k, label in (("political", "정치자금"), ("special", "특례기부금"),
                                                                                          ("general", "일반기부금"), ("religious", "종교단체"))
                        if m(f"donation_{k}", label)]
    if m("rent", "월세"):
        doc["rent"] = [{"amount": m("rent", "월세"), "homeless_head": yes("homeless_head")}]
    return doc


@router.post("/yearend/{year}/spread")
def spread(request: Request, year: str, worker_id: str = Form(""), choice: str = Form("spread"), user: Principal = Depends(CLERK)):
    from payroll.yearend import records

    y = _year(year)
    wid = worker_id.strip()[:64]
    if not wid:
        return render(request, "yearend.html", _context(request, y, error="사번을 적으세요."), status_code=400)
    app = request.app
    with Session(app.state.store.engine) as db:
        records.set_installment(db, wid, y, choice == "spread", user.name, app.state.clock())
        record(db, user.name, "yearend_installment", wid, f"year={y} spread={choice == 'spread'}", clock=app.state.clock)
        db.commit()
    return render(request, "yearend.html", _context(request, y, message=f"{wid}: {'분납 (2·3·4월)' if choice == 'spread' else '2월 일시 징수'} — 연말정산을 다시 계산하면 반영됩니다."))


@router.post("/yearend/{year}/settle")
def settle(request: Request, year: str, user: Principal = Depends(CLERK)):
    """Compute and record the year's batch (the receipts are drawn per worker from it)."""
    from payroll.yearend.annual import compute_year_end, record_batch

    y = _year(year)
    app = request.app
    try:
        with Session(app.state.store.engine) as db:
            ye = compute_year_end(db, y)
        batch_id = record_batch(app.state.store, ye, user.name)
    except InputError as exc:
        return render(request, "yearend.html", _context(request, y, error=str(exc)), status_code=400)
    return render(request, "yearend.html", _context(request, y, message=f"연말정산 {batch_id}: {ye.frame.height:,}명 정산, 예외 {len(ye.exceptions):,}건."))


@router.get("/yearend/{year}/receipts/{worker_id}.{ext}")
def receipt(request: Request, year: str, worker_id: str, ext: str, user: Principal = Depends(ANYONE)):
    from payroll.yearend.outputs import stored_receipt
    from payroll.web.services import employer_of

    y = _year(year)
    if ext not in ("pdf", "xlsx"):
        raise HTTPException(404)
    with Session(request.app.state.store.engine) as db:
        pdf, xlsx, _ = stored_receipt(db, y, worker_id[:64], request.app.state.clock().date(), employer_of(request.app, db))
    data, media = (pdf, "application/pdf") if ext == "pdf" else (xlsx, XLSX)
    return Response(data, media_type=media, headers={"Content-Disposition": f'{"inline" if ext == "pdf" else "attachment"}; filename="withholding-{worker_id[:64]}-{y}.{ext}"'})


def _packs_dir(request: Request) -> Path:
    d = request.app.state.data_dir / "filings"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _pack_files(request: Request, period: str) -> list[str]:
    root = _packs_dir(request) / "filing" / period
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


@router.get("/filings")
def filings_page(request: Request, period: str = "", user: Principal = Depends(ANYONE)):
    if period and not PERIOD_RE.match(period):
        raise HTTPException(404)
    packs = sorted((p.name for p in (_packs_dir(request) / "filing").glob("*") if p.is_dir()), reverse=True) if (_packs_dir(request) / "filing").is_dir() else []
    return render(request, "filings.html", {"period": period, "packs": packs, "files": _pack_files(request, period) if period else [], "message": None, "error": None})


@router.post("/filings")
def make_pack(request: Request, period: str = Form(""), user: Principal = Depends(CLERK)):
    from payroll.filings.config import load_filing_config
    from payroll.web.services import employer_of
    from payroll.filings.pack import monthly_pack, write_pack, yearly_pack

    period = period.strip()
    if not PERIOD_RE.match(period):
        return render(request, "filings.html", {"period": "", "packs": [], "files": [], "message": None, "error": "기간은 2026-06처럼 연-월, 또는 2026처럼 연도로 적으세요."}, status_code=400)
    app = request.app
    issued = app.state.clock().date()
    try:
        with Session(app.state.store.engine) as db:
            cfg = load_filing_config(session=db, office=employer_of(app, db))
            files, readme = monthly_pack(db, period, cfg, issued) if "-" in period else yearly_pack(db, int(period), cfg, issued)
        write_pack(_packs_dir(request), period, files, readme)
    except InputError as exc:
        return render(request, "filings.html", {"period": period, "packs": [], "files": [], "message": None, "error": str(exc)}, status_code=400)
    with Session(app.state.store.engine) as db:
        record(db, user.name, "filing_pack", period, f"files={len(files)}", clock=app.state.clock)
        db.commit()
    return render(request, "filings.html", {"period": period, "packs": [period], "files": _pack_files(request, period), "message": "\n".join(readme), "error": None})


@router.get("/filings/{period}/file")
def pack_file(request: Request, period: str, name: str = "", user: Principal = Depends(ANYONE)):
    if not PERIOD_RE.match(period) or name not in _pack_files(request, period):  # only a file the pack listing names: never a path
        raise HTTPException(404)
    data = (_packs_dir(request) / "filing" / period / name).read_bytes()
    media = XLSX if name.endswith(".xlsx") else "text/plain; charset=utf-8" if name.endswith(".txt") else "application/octet-stream"
    return Response(data, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(Path(name).name)}"})


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
