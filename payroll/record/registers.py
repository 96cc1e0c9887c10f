"""The registers HR keeps: 중도포기서 (each ends its contract early) and the documents issued.

A 중도포기서 is recorded once per contract; its last working day becomes the contract's end for every
reader of the record (the run, 연차수당, the settlement, 퇴직금, the documents). The register of issued
documents numbers the 경력증명서 ``YYYY-nnnn`` (a unique column: two clerks cannot take one number)
and keeps the sha256 of every issued PDF.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from payroll.case import InputError
from payroll.record.audit import record as audit_record
from payroll.record.changes import check_open
from payroll.record.models import IssuedDocument, RecordContract, Resignation
from payroll.runs.hashing import sha256_bytes
from payroll.store.db import now

DOCUMENT_LABELS = {"career": "경력증명서", "withholding": "근로소득 원천징수영수증", "severance": "퇴직소득 원천징수영수증", "contract": "근로계약서",
                   "resignation": "중도포기서", "daily": "일용근로소득 지급명세", "payslip": "임금명세서"}


def record_resignation(session: Session, worker_id: str, contract_id: str, last_day: dt.date, reason: str, submitted: dt.date, actor: str,
                       *, allow_closed: bool = False) -> Resignation:
    """Record a 중도포기서 (the caller commits); the same contract twice is refused."""
    contract = session.get(RecordContract, contract_id)
    if contract is None or contract.worker_id != worker_id:
        raise InputError(f"중도포기서: 계약 {contract_id}은(는) 근로자 {worker_id}의 계약이 아닙니다")
    if last_day < contract.start or (contract.end is not None and last_day > contract.end):
        raise InputError(f"중도포기서: 최종 근무일 {last_day}이(가) 계약 {contract_id}의 기간 밖입니다")
    have = session.get(Resignation, contract_id)
    if have is not None:
        raise InputError(f"계약 {contract_id}의 중도포기서가 이미 기록되어 있습니다 (최종 근무일 {have.last_working_day})")
    check_open(session, last_day + dt.timedelta(days=1), contract.end, f"중도포기서 {contract_id}", allow_closed)
    at = now()
    row = Resignation(contract_id=contract_id, worker_id=worker_id, last_working_day=last_day, reason=reason, submitted_on=submitted, recorded_at=at, recorded_by=actor)
    session.add(row)
    audit_record(session, actor, "record.resignation", contract_id, f"{worker_id} 최종 근무일 {last_day}: {reason}", clock=lambda: at)
    session.flush()
    return row


def import_resignations(session: Session, path: Path, actor: str, *, allow_closed: bool = False) -> int:
    """The old ``resignations.csv`` register: each row not yet recorded is recorded (the same one again is no change)."""
    from payroll.documents.resignation import read_register_file

    count = 0
    for r in read_register_file(path):
        have = session.get(Resignation, r.contract_id)
        if have is not None:
            if (have.worker_id, have.last_working_day) != (r.worker_id, r.last_working_day):
                raise InputError(f"{path}: 계약 {r.contract_id}: 최종 근무일 {have.last_working_day}의 중도포기서가 이미 기록되어 있습니다")
            continue
        record_resignation(session, r.worker_id, r.contract_id, r.last_working_day, r.reason, r.submitted_on, actor, allow_closed=allow_closed)
        count += 1
    return count


def resignations_of(session: Session, worker_id: str) -> list[Resignation]:
    return list(session.exec(select(Resignation).where(Resignation.worker_id == worker_id).order_by(Resignation.last_working_day)).all())


def next_number(session: Session, kind: str, year: int) -> str:
    prefix = f"{year}-"
    count = session.exec(select(func.count()).select_from(IssuedDocument).where(IssuedDocument.kind == kind, IssuedDocument.number.like(f"{prefix}%"))).one()
    return f"{prefix}{int(count) + 1:04d}"


def register_document(session: Session, kind: str, worker_id: str, issued_on: dt.date, data: bytes, actor: str, *, purpose: str = "",
                      number: str | None = None) -> IssuedDocument:
    """Enter an issued document in the register (the caller commits)."""
    at = now()
    row = IssuedDocument(kind=kind, number=number, worker_id=worker_id, issued_on=issued_on, purpose=purpose[:200], sha256=sha256_bytes(data), issued_at=at, issued_by=actor)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise InputError(f"발급번호 {number}이(가) 방금 다른 발급에 쓰였습니다. 다시 발급하세요") from None
    audit_record(session, actor, "document_issue", f"{kind}/{number or row.id}", f"worker={worker_id}", clock=lambda: at)
    return row


def issue_numbered(session: Session, kind: str, worker_id: str, issued_on: dt.date, make, actor: str, purpose: str = "") -> tuple[bytes, IssuedDocument]:
    """Take the next number of ``kind`` for the year, make the document with it (``make(number) → bytes``), register it."""
    number = next_number(session, kind, issued_on.year)
    data = make(number)
    return data, register_document(session, kind, worker_id, issued_on, data, actor, purpose=purpose, number=number)


def documents_of(session: Session, worker_id: str) -> list[IssuedDocument]:
    return list(session.exec(select(IssuedDocument).where(IssuedDocument.worker_id == worker_id).order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())).all())
