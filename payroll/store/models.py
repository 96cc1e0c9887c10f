"""The tables of the payroll store (SQLModel). Money is whole won in BIGINT/INTEGER columns.

The schema itself is created and changed only by the Alembic revisions in ``migrations/``
(``payroll.store.db.open_store`` runs ``upgrade heads`` on open); these classes describe it for
queries. A test (``tests/test_store.py``) checks that the migrated schema has every column here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, false, or_
from sqlmodel import Field, SQLModel

#: the Alembic revision that creates these tables; other areas' branches depend on it
BASE_REVISION = "store_0001"


class InputBlob(SQLModel, table=True):
    """An input file, stored once by the sha256 of its bytes (content-addressed)."""

    __tablename__ = "input_blobs"
    sha256: str = Field(sa_column=Column(String(64), primary_key=True))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    #: how ``content`` holds the bytes: NULL as they are, ``zlib`` packed (store_0005); ``size`` is always the bytes' own
    encoding: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))


class Run(SQLModel, table=True):
    """One immutable payroll run of a month: what went in, the rules and code, what came out."""

    __tablename__ = "runs"
    run_id: str = Field(sa_column=Column(String(40), primary_key=True))
    month: str = Field(sa_column=Column(String(7), nullable=False, index=True))
    pay_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # regular | correction
    corrects_run_id: str | None = Field(default=None, sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=True))
    rules_hash: str = Field(sa_column=Column(String(64), nullable=False))
    code_version: str = Field(sa_column=Column(String(120), nullable=False))
    inputs_manifest: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of {role, name, sha256, size}
    outputs_manifest: str = Field(sa_column=Column(Text, nullable=False))  # JSON {relative path: sha256}
    warnings: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of strings
    run_hash: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    workers: int = Field(sa_column=Column(Integer, nullable=False))
    gross_pay_total: int = Field(sa_column=Column(BigInteger, nullable=False))
    deductions_total: int = Field(sa_column=Column(BigInteger, nullable=False))
    net_pay_total: int = Field(sa_column=Column(BigInteger, nullable=False))
    out_dir: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    created_by: str = Field(sa_column=Column(String(120), nullable=False))
    #: decision D14: figures carried forward before their 고시 (잠정), and the provisional and
    #: unconfirmed figures used (JSON list of payroll.runs.law_state.FigureUse)
    provisional: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    law_figures: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))


class ProvisionalSettlement(SQLModel, table=True):
    """A provisional run's figure settled by a later run with 소급분 lines (once its 고시 was entered)."""

    __tablename__ = "provisional_settlements"
    __table_args__ = (UniqueConstraint("settling_run_id", "provisional_run_id", "key", name="uq_provisional_settlement"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    settling_run_id: str = Field(sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=False))
    provisional_run_id: str = Field(sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=False, index=True))
    key: str = Field(sa_column=Column(String(120), nullable=False))


#: the pay_state of a result row: held = 지급 보류 (no transfer, no withholding line; NULL before store_0004: paid)
PAID, HELD = "paid", "held"


def paid_rows():
    """The result rows that were paid (not held back)."""
    return or_(WorkerResult.pay_state.is_(None), WorkerResult.pay_state != HELD)


class WorkerResult(SQLModel, table=True):
    """One computed worker-month of a run: the result row, its items and its trace as JSON (interned
    through the run's :class:`RunDictionary`; see ``payroll.runs.results``), and the figures the
    console lists without reading it."""

    __tablename__ = "worker_results"
    __table_args__ = (UniqueConstraint("run_id", "row", name="uq_worker_results_run_row"), Index("ix_worker_results_run_worker", "run_id", "worker_id"))
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    run_id: str = Field(sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=False))
    row: int = Field(sa_column=Column(Integer, nullable=False))
    worker_id: str = Field(sa_column=Column(String(64), nullable=False))
    gross_pay: int = Field(sa_column=Column(BigInteger, nullable=False))
    taxable_pay: int = Field(sa_column=Column(BigInteger, nullable=False))
    deductions_total: int = Field(sa_column=Column(BigInteger, nullable=False))
    income_tax: int = Field(sa_column=Column(BigInteger, nullable=False))
    local_income_tax: int = Field(sa_column=Column(BigInteger, nullable=False))
    net_pay: int = Field(sa_column=Column(BigInteger, nullable=False))
    name: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))  # NULL in runs recorded before store_0003
    department: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    pay_state: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))  # paid | held (지급 보류); NULL before store_0004: paid
    attendance_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the clerk's decision the payslip prints
    result_json: str = Field(sa_column=Column(Text, nullable=False))


class RunDictionary(SQLModel, table=True):
    """The interned part of a run's stored results (``payroll.runs.results``): the row's columns, shared
    texts, pay items, references and trace entries, once per run. A run without one stored its results
    whole, one JSON per worker (format 1, before revision store_0003_dictionaries)."""

    __tablename__ = "run_dictionaries"
    run_id: str = Field(sa_column=Column(String(40), ForeignKey("runs.run_id"), primary_key=True))
    content: str = Field(sa_column=Column(Text, nullable=False))


class MonthLock(SQLModel, table=True):
    """A closed month: only a correction run changes it from here on."""

    __tablename__ = "month_locks"
    month: str = Field(sa_column=Column(String(7), primary_key=True))
    run_id: str = Field(sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=False))
    closed_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    closed_by: str = Field(sa_column=Column(String(120), nullable=False))


class RetroItem(SQLModel, table=True):
    """A signed difference (소급분) found by a correction run, to be paid in a later open month."""

    __tablename__ = "retro_items"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    correction_run_id: str = Field(sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=False, index=True))
    corrected_run_id: str = Field(sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=False))
    belongs_month: str = Field(sa_column=Column(String(7), nullable=False))
    pay_month: str = Field(sa_column=Column(String(7), nullable=False, index=True))
    worker_id: str = Field(sa_column=Column(String(64), nullable=False))
    source_code: str = Field(sa_column=Column(String(64), nullable=False))
    old_amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    new_amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))  # new − old, signed
    method: str = Field(sa_column=Column(Text, nullable=False))


class AuditLog(SQLModel, table=True):
    """Who did what, when (the CLI writes it; the web console reads and writes it)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False, index=True))
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    target: str = Field(sa_column=Column(String(200), nullable=False))
    detail: str = Field(sa_column=Column(Text, nullable=False))


class PersonalData(SQLModel, table=True):
    """주민등록번호, encrypted (Fernet, key outside the repository); shown only masked or as a birth date."""

    __tablename__ = "personal_data"
    worker_id: str = Field(sa_column=Column(String(64), primary_key=True))
    rrn_cipher: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    key_id: str = Field(sa_column=Column(String(16), nullable=False))  # first hex of sha256(key): which key encrypted it
    birth_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    masked: str = Field(sa_column=Column(String(14), nullable=False))  # 900101-1******
    updated_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
