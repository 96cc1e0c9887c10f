"""What the year-end keeps on record: each worker's 신고서 as submitted (dated and versioned), the
worker's 분납 choice (§137④), and every year-end settlement computed (a batch and one result per worker).

- A 신고서 is never changed in place: a resubmission is a new version of (worker, year); the
  settlement uses the latest. The stored payload is the validated model's JSON (payroll.settlement.
  declaration.ClaimsIn), with the file (name, sha256) or the console it came from, the day it was
  submitted, who recorded it and when.
- A 분납 choice is the latest row for (worker, year).
- A batch is one computation of the year (``payroll yearend YEAR``): the rules hash, the code version,
  the hash of its inputs, a summary, the exceptions, and one result row per worker with the trace.
  The February–April runs pay the lines of the year's latest batch (payroll.yearend.installments).

Tables are created by ``payroll/yearend/migrations`` (branch ``yearend``); worker ids are those of
the roster / the record (issue 18's ``record_workers.worker_id``), kept as text without a foreign key
so the year-end works on the stored runs alone.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlmodel import Field, Session, SQLModel, select

from payroll.settlement.claims import Claims
from payroll.settlement.declaration import ClaimsIn


class Declaration(SQLModel, table=True):
    __tablename__ = "yearend_declarations"
    __table_args__ = (UniqueConstraint("worker_id", "year", "version", name="uq_yearend_declarations_version"),
                      Index("ix_yearend_declarations_year_worker", "year", "worker_id"))
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    worker_id: str = Field(sa_column=Column(String(64), nullable=False))
    year: int = Field(sa_column=Column(Integer, nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    submitted_on: dt.date = Field(sa_column=Column(Date, nullable=False))
    source: str = Field(sa_column=Column(String(16), nullable=False))  # xlsx | console | json
    source_name: str = Field(sa_column=Column(String(255), nullable=False))
    source_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))

    def claims(self) -> Claims:
        return Claims.from_model(self.model())

    def model(self) -> ClaimsIn:
        """The 신고서 as submitted (the validated model)."""
        return ClaimsIn.model_validate_json(self.payload)

    def meta(self) -> dict:
        return {"version": self.version, "submitted_on": self.submitted_on, "source": self.source, "source_name": self.source_name,
                "source_sha256": self.source_sha256, "recorded_by": self.recorded_by, "recorded_at": self.recorded_at}


class InstallmentChoice(SQLModel, table=True):
    __tablename__ = "yearend_installments"
    __table_args__ = (Index("ix_yearend_installments_year_worker", "year", "worker_id"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    worker_id: str = Field(sa_column=Column(String(64), nullable=False))
    year: int = Field(sa_column=Column(Integer, nullable=False))
    spread: bool = Field(sa_column=Column(Boolean, nullable=False))
    recorded_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class Batch(SQLModel, table=True):
    __tablename__ = "yearend_batches"
    batch_id: str = Field(sa_column=Column(String(40), primary_key=True))
    year: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    created_by: str = Field(sa_column=Column(String(120), nullable=False))
    rules_hash: str = Field(sa_column=Column(String(64), nullable=False))
    code_version: str = Field(sa_column=Column(String(120), nullable=False))
    inputs_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    workers: int = Field(sa_column=Column(Integer, nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    exceptions: str = Field(sa_column=Column(Text, nullable=False))


class Result(SQLModel, table=True):
    __tablename__ = "yearend_results"
    __table_args__ = (UniqueConstraint("batch_id", "worker_id", name="uq_yearend_results_batch_worker"), Index("ix_yearend_results_batch", "batch_id"))
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    batch_id: str = Field(sa_column=Column(String(40), ForeignKey("yearend_batches.batch_id"), nullable=False))
    worker_id: str = Field(sa_column=Column(String(64), nullable=False))
    declaration_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    total_pay: int = Field(sa_column=Column(BigInteger, nullable=False))
    determined_tax: int = Field(sa_column=Column(BigInteger, nullable=False))
    determined_local_tax: int = Field(sa_column=Column(BigInteger, nullable=False))
    income_tax: int = Field(sa_column=Column(BigInteger, nullable=False))
    local_income_tax: int = Field(sa_column=Column(BigInteger, nullable=False))
    spread: bool = Field(sa_column=Column(Boolean, nullable=False))
    result_json: str = Field(sa_column=Column(Text, nullable=False))


def save_declarations(session: Session, claims: list[ClaimsIn], *, submitted_on: dt.date, source: str, source_name: str,
                      source_sha256: str, actor: str, now: dt.datetime) -> list[Declaration]:
    """Record each 신고서 as the next version of its (worker, year); all in the caller's transaction."""
    out = []
    for c in claims:
        latest = session.exec(select(func.max(Declaration.version)).where(Declaration.worker_id == c.worker_id, Declaration.year == c.year)).one()
        row = Declaration(worker_id=c.worker_id, year=c.year, version=(latest or 0) + 1, submitted_on=submitted_on, source=source,
                          source_name=source_name[:255], source_sha256=source_sha256, payload=c.model_dump_json(), recorded_at=now, recorded_by=actor)
        session.add(row)
        out.append(row)
    session.flush()
    return out


def latest_declarations(session: Session, year: int, workers: list[str] | None = None) -> dict[str, Declaration]:
    """worker → the latest 신고서 of ``year`` (every worker who submitted one, or only ``workers``)."""
    q = select(Declaration).where(Declaration.year == year)
    if workers is not None:
        q = q.where(Declaration.worker_id.in_(workers))
    out: dict[str, Declaration] = {}
    for d in session.exec(q.order_by(Declaration.worker_id, Declaration.version)).all():
        out[d.worker_id] = d
    return out


def declaration_history(session: Session, worker_id: str, year: int) -> list[Declaration]:
    return list(session.exec(select(Declaration).where(Declaration.worker_id == worker_id, Declaration.year == year).order_by(Declaration.version)).all())


def set_installment(session: Session, worker_id: str, year: int, spread: bool, actor: str, now: dt.datetime) -> None:
    session.add(InstallmentChoice(worker_id=worker_id, year=year, spread=spread, recorded_at=now, recorded_by=actor))


def installment_choices(session: Session, year: int) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for r in session.exec(select(InstallmentChoice).where(InstallmentChoice.year == year).order_by(InstallmentChoice.id)).all():
        out[r.worker_id] = r.spread
    return out


def latest_batch(session: Session, year: int) -> Batch | None:
    return session.exec(select(Batch).where(Batch.year == year).order_by(Batch.created_at.desc(), Batch.batch_id.desc())).first()


def worker_result(session: Session, year: int, worker_id: str) -> tuple[Batch, Result]:
    """(the year's latest batch, the worker's result in it); a clear error when either is missing."""
    from payroll.case import InputError

    batch = latest_batch(session, year)
    if batch is None:
        raise InputError(f"{year}년 연말정산 결과가 없습니다: 먼저 `payroll yearend {year}`를 실행하세요")
    result = session.exec(select(Result).where(Result.batch_id == batch.batch_id, Result.worker_id == worker_id)).first()
    if result is None:
        raise InputError(f"{worker_id}은(는) 연말정산 묶음 {batch.batch_id}에 없습니다 (그 예외 목록을 보세요)")
    return batch, result


def result_payload(r: Result) -> dict:
    return json.loads(r.result_json)


@dataclass(frozen=True)
class ResultRow:
    """A stored result without its trace: the figures and the settled row."""

    worker_id: str
    declaration_id: int | None
    total_pay: int
    determined_tax: int
    determined_local_tax: int
    income_tax: int
    local_income_tax: int
    spread: bool
    row: dict


def batch_rows(session: Session, batch_id: str) -> list[ResultRow]:
    """The batch's results in worker order with their rows (the database leaves the traces behind)."""
    from payroll.yearend.stored import json_part

    part = json_part(session, Result.result_json, "row")
    cols = (Result.worker_id, Result.declaration_id, Result.total_pay, Result.determined_tax, Result.determined_local_tax,
            Result.income_tax, Result.local_income_tax, Result.spread)
    rows = session.exec(select(*cols, part if part is not None else Result.result_json).where(Result.batch_id == batch_id).order_by(Result.worker_id)).all()
    return [ResultRow(*r[:8], json.loads(r[8]) if part is not None else json.loads(r[8])["row"]) for r in rows]
