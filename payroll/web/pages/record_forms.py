"""Changing the record in the console: the import with its preview, hire, change terms, end a contract,
a dated change of the worker (declaration, department move), a worker's login.

Each form builds the same change set as ``payroll import`` (payroll.record.changes) and applies it
with the clerk's name and reason; a change that would reach a closed month is refused there.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from payroll.case import InputError
from payroll.field_errors import describe
from payroll.record import changes, people
from payroll.record.models import RecordWorker
from payroll.roster import Contract, Worker
from payroll.runs.inputs import blob_bytes
from payroll.security.rrn import keep_masked
from payroll.web.app import render
from payroll.web.auth import CLERK, Principal

router = APIRouter()

IMPORT_KINDS = {"roster": "근로자 명부", "contracts": "근로계약", "opening": "기초 자료 (연초부터의 급여·세액, 이전 달 임금, 연차 이월)", "budgets": "사업 예산"}
SUFFIXES = (".csv", ".xlsx")


def form_context(request: Request) -> dict:
    return {"pay_types": {"hourly": "시급", "daily": "일급", "monthly": "월급"}}


def _date(text: str, label: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(f"{label}: 날짜가 아닙니다 (예: 2026-06-30): {text[:20]!r}") from None


def _model(model, values: dict, what: str):
    try:
        return model.model_validate({k: v for k, v in values.items() if v not in ("", None)})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else what
        raise InputError(f"{what}: {changes.FIELD_LABELS.get(field, field)}: {describe(err)}") from None


def _preview_file(kind: str, data: bytes, suffix: str, name: str, db: Session, effective: dt.date):
    from payroll.record import files

    with tempfile.TemporaryDirectory(prefix="payroll-import-") as tmp:
        path = Path(tmp) / f"{Path(name).stem[:60] or 'upload'}{suffix}"
        path.write_bytes(data)
        try:
            items = files.read_roster_file(path) if kind == "roster" else files.read_contracts_file(path)
        except InputError as exc:
            raise InputError(str(exc).replace(str(Path(tmp)) + "/", "")) from None
    cs = changes.roster_changes(db, items, effective, name) if kind == "roster" else changes.contract_changes(db, items, effective, name)
    return cs


@router.get("/record/import")
def import_page(request: Request, user: Principal = Depends(CLERK)):
    return render(request, "record_import.html", {"kinds": IMPORT_KINDS})


@router.post("/record/import")
async def import_upload(request: Request, kind: str = Form(""), effective: str = Form(""), reason: str = Form(""), file: UploadFile | None = File(None),
                        user: Principal = Depends(CLERK)):
    """Read the file and show what it would change (nothing is applied yet); opening balances and budgets are stored at once."""
    from payroll.web.inputs import display_name

    if kind not in IMPORT_KINDS or file is None or not file.filename:
        raise InputError("가져올 자료의 종류와 파일을 고르세요")
    name = display_name(file.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{name}: CSV 또는 XLSX 파일이어야 합니다")
    data = await file.read()

    def work():  # reading the file and the record blocks: in the thread pool, not on the event loop
        with Session(request.app.state.store.engine, expire_on_commit=False) as db:
            day = _date(effective, "변경 적용일") or changes.default_effective(db)
            if kind in ("opening", "budgets"):
                message = _store_now(db, kind, data, suffix, name, user.name, reason)
                db.commit()
                return render(request, "record_import.html", {"kinds": IMPORT_KINDS, "message": message})
            cs = _preview_file(kind, data, suffix, name, db, day)
            digest, _, _, _ = keep_masked(db, data)  # kept by hash until the clerk confirms: 주민등록번호 masked, the original sealed
            db.commit()
        return render(request, "record_import.html", {"kinds": IMPORT_KINDS, "cs": cs, "kind": kind, "sha256": digest, "name": name, "suffix": suffix,
                                                      "effective": day.isoformat(), "reason": reason[:200]})

    return await run_in_threadpool(work)


def _store_now(db: Session, kind: str, data: bytes, suffix: str, name: str, actor: str, reason: str) -> str:
    from payroll.record.budgets import import_budgets
    from payroll.record.opening import KIND_LABELS, import_opening

    with tempfile.TemporaryDirectory(prefix="payroll-import-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            if kind == "budgets":
                return f"{name}: 사업 예산 {import_budgets(db, path, actor)}건을 기록했습니다"
            if suffix != ".csv":
                raise InputError(f"{name}: 기초 자료는 CSV 파일입니다")
            got, count = import_opening(db, path, people.roster_as_of(db, dt.date(9999, 12, 31)), actor, reason)
        except InputError as exc:
            raise InputError(str(exc).replace(str(path), name)) from None
    return f"{name}: {KIND_LABELS[got]} {count}행을 기록했습니다"


@router.post("/record/import/confirm")
def import_confirm(request: Request, kind: str = Form(""), sha256: str = Form(""), name: str = Form(""), suffix: str = Form(""),
                         effective: str = Form(""), reason: str = Form(""), user: Principal = Depends(CLERK)):
    if kind not in ("roster", "contracts") or suffix not in SUFFIXES or len(sha256) != 64:
        raise HTTPException(404)
    with Session(request.app.state.store.engine, expire_on_commit=False) as db:
        data = blob_bytes(db, sha256)
        if data is None:
            raise HTTPException(404)
        day = _date(effective, "변경 적용일") or changes.default_effective(db)
        cs = _preview_file(kind, data, suffix, name[:120] or "upload", db, day)
        counts = changes.apply(db, cs, user.name, reason[:200] or f"콘솔 가져오기 {name[:120]}")
        kept = _keep_full_numbers(db, kind, sha256, suffix, name[:120] or "upload", user.name)
        db.commit()
    shown = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    return render(request, "record_import.html", {"kinds": IMPORT_KINDS, "message": f"{name}: 적용했습니다 ({shown or '변경 없음'}){kept}"})


def _keep_full_numbers(db: Session, kind: str, digest: str, suffix: str, name: str, actor: str) -> str:
    """A confirmed roster's full 주민등록번호, encrypted per worker: read from the original the preview
    sealed (the input store has only the masked copy)."""
    from payroll.security.rrn import unseal
    from payroll.store.keys import available_key
    from payroll.store.personal import keep_rrns
    from payroll.record.files import roster_rrns

    if kind != "roster":
        return ""
    key = available_key(db)
    original = unseal(db, digest, key) if key is not None else None
    if original is None:
        return ""
    numbers = roster_rrns(original, suffix, name)
    return f" — 근로자 {len(numbers)}명의 주민등록번호를 암호화해 보관" if keep_rrns(db, numbers, actor, name) else ""


WORKER_FIELDS = ("worker_id", "name", "birth_date", "department", "job", "employment", "income_type", "family", "children_8_20", "children_under_6",
                 "withholding_ratio", "first_hire_date", "insurance_base", "pension_base", "bank", "account", "email")
CONTRACT_FIELDS = ("contract_id", "start", "end", "pay_type", "wage", "work_days", "start_time", "end_time", "break_minutes", "workplace", "duties",
                   "meal_allowance", "pay_grade", "business")


async def _fields(request: Request, names: tuple[str, ...], prefix: str = "") -> dict:
    form = await request.form()
    return {n: str(form.get(prefix + n) or "").strip()[:200] for n in names if form.get(prefix + n) is not None}


def _apply(request: Request, user: Principal, sets, reason: str) -> None:
    with Session(request.app.state.store.engine, expire_on_commit=False) as db:
        for make in sets:
            changes.apply(db, make(db), user.name, reason)
        db.commit()


@router.get("/workers/new")
def hire_form(request: Request, user: Principal = Depends(CLERK)):
    return render(request, "hire.html", form_context(request))


@router.post("/workers/new")
async def hire(request: Request, reason: str = Form(""), user: Principal = Depends(CLERK)):
    """채용: a new worker and the first contract."""
    w = _model(Worker, await _fields(request, WORKER_FIELDS), "근로자")
    c = _model(Contract, {**await _fields(request, CONTRACT_FIELDS, "c_"), "worker_id": w.worker_id}, "근로계약")

    def work():  # the record: in the thread pool, not on the event loop
        with Session(request.app.state.store.engine) as db:
            if db.get(RecordWorker, w.worker_id) is not None:
                raise InputError(f"사번 {w.worker_id}은(는) 이미 기록에 있습니다 — 재계약은 근로자 화면에서 새 계약으로 더하세요")
        _apply(request, user, [lambda db: changes.roster_changes(db, [w], c.start, "채용"),
                               lambda db: changes.contract_changes(db, [c], c.start, "채용")], reason[:200] or "채용")
        return RedirectResponse(f"/workers/{w.worker_id}", status_code=303)

    return await run_in_threadpool(work)


def _current(db: Session, worker_id: str, contract_id: str) -> Contract:
    c = next((c for c in people.contracts_of(db, worker_id[:64]) if c.contract_id == contract_id[:64]), None)
    if c is None:
        raise HTTPException(404)
    return c


@router.post("/workers/{worker_id}/contracts")
async def contract_form(request: Request, worker_id: str, action: str = Form(""), contract_id: str = Form(""), effective: str = Form(""),
                        reason: str = Form(""), user: Principal = Depends(CLERK)):
    """계약: ``renew`` adds a new contract (earlier service is kept), ``terms`` changes the pay terms from a
    date, ``end`` ends a contract on a date."""
    values = await _fields(request, CONTRACT_FIELDS, "c_")

    def work():  # the record: in the thread pool, not on the event loop
        day = _date(effective, "변경 적용일")
        with Session(request.app.state.store.engine) as db:
            if db.get(RecordWorker, worker_id[:64]) is None:
                raise HTTPException(404)
            if action == "renew":
                new = _model(Contract, {**values, "worker_id": worker_id[:64]}, "새 계약")
                day = new.start
            else:
                have = _current(db, worker_id, contract_id)
                if action == "terms":
                    if day is None:
                        raise InputError("변경 적용일을 넣으세요")
                    keep = {k: v for k, v in values.items() if k not in ("contract_id", "start", "end", "business")}
                    new = _model(Contract, {**have.model_dump(), **keep}, f"계약 {have.contract_id}")
                elif action == "end":
                    end = _date(values.get("end", ""), "계약 종료일")
                    if end is None:
                        raise InputError("계약 종료일을 넣으세요")
                    new = have.model_copy(update={"end": end})
                    day = end
                else:
                    raise HTTPException(404)
        _apply(request, user, [lambda db: changes.contract_changes(db, [new], day, f"콘솔 {worker_id[:64]}")], reason[:200] or {"renew": "재계약", "terms": "근로조건 변경", "end": "계약 종료"}[action])
        return RedirectResponse(f"/workers/{worker_id[:64]}", status_code=303)

    return await run_in_threadpool(work)


@router.post("/workers/{worker_id}/versions")
async def worker_change(request: Request, worker_id: str, effective: str = Form(""), reason: str = Form(""), user: Principal = Depends(CLERK)):
    """A dated change of the worker: 부서 이동, 원천징수 신고 (가족·자녀·비율), 보수월액·기준소득월액, 계좌, 전자우편."""
    day = _date(effective, "변경 적용일")
    if day is None:
        raise InputError("변경 적용일을 넣으세요")
    values = await _fields(request, WORKER_FIELDS)

    def work():  # the record: in the thread pool, not on the event loop
        with Session(request.app.state.store.engine) as db:
            have = people.worker_as_of(db, worker_id[:64], day)
        if have is None:
            raise HTTPException(404)
        new = _model(Worker, {**have.model_dump(), **{k: v for k, v in values.items() if k not in ("worker_id", "name", "birth_date")}}, "근로자")
        _apply(request, user, [lambda db: changes.roster_changes(db, [new], day, f"콘솔 {worker_id[:64]}")], reason[:200] or "근로자 정보 변경")
        return RedirectResponse(f"/workers/{worker_id[:64]}", status_code=303)

    return await run_in_threadpool(work)


@router.post("/workers/{worker_id}/account")
def worker_account(request: Request, worker_id: str, user: Principal = Depends(CLERK)):
    """A login for the worker (role ``worker``: only the worker's own papers), with a one-time password
    shown once; the worker must change it at the first login."""
    from payroll.record.users import add_user

    password = secrets.token_urlsafe(9)
    with Session(request.app.state.store.engine) as db:
        if db.get(RecordWorker, worker_id[:64]) is None:
            raise HTTPException(404)
        view = add_user(db, f"w-{worker_id[:60]}", "worker", password, clock=request.app.state.clock, actor=user.name, worker_id=worker_id[:64])
    return render(request, "account_created.html", {"name": view.name, "password": password, "worker_id": worker_id[:64]})
