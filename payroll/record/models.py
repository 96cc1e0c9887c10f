"""The tables of the record: people, contracts and what HR registers about them (SQLModel).

The schema is made by the Alembic revisions in ``payroll/record/migrations`` (console accounts:
``web_0001``, the record's own tables: ``record_0001``…); these classes describe it for queries.
Money is whole won in BIGINT columns. Every dated row carries who recorded it, when and why.

- A worker is an identity (``record_workers``) and a list of versions (``record_worker_versions``):
  each version holds every attribute that changes over time (department, job, the 원천징수
  declaration, the declared insurance bases, bank account, e-mail) from its ``effective`` date
  until the next version. The first version of a worker is effective from :data:`SINCE_ALWAYS`.
- A contract is its period and 사업 (``record_contracts``) and its terms, versioned the same way
  (``record_contract_terms``); a renewal is a new contract, so earlier service stays on record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

#: the effective date of a worker's first version: in force for every day before any later one
SINCE_ALWAYS = dt.date(1900, 1, 1)

ROLES = ("clerk", "approver", "auditor", "worker")
ROLE_LABELS = {"clerk": "담당자", "approver": "승인자", "auditor": "감사자", "worker": "근로자"}
#: the roles of the HR office (every console page of the payroll itself); ``worker`` sees only its own papers
STAFF_ROLES = ("clerk", "approver", "auditor")


def _col(*args, **kw):
    return Field(sa_column=Column(*args, **kw))


class ConsoleUser(SQLModel, table=True):
    """A console account. A ``worker`` account is tied to one worker of the record (``worker_id``)."""

    __tablename__ = "console_user"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    name: str = Field(sa_column=Column(String(64), nullable=False, unique=True, index=True))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    password_hash: str = Field(sa_column=Column(String(256), nullable=False))
    disabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    failed_logins: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    locked: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    worker_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, index=True))
    must_change_password: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))


class ConsoleSession(SQLModel, table=True):
    __tablename__ = "console_session"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("console_user.id"), nullable=False, index=True))
    csrf_token: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    last_seen: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    expires_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class RecordWorker(SQLModel, table=True):
    """Who the worker is (what does not change with time)."""

    __tablename__ = "record_workers"
    worker_id: str = Field(sa_column=Column(String(64), primary_key=True))
    name: str = _col(String(100), nullable=False, index=True)
    birth_date: dt.date = _col(Date, nullable=False)
    first_hire_date: dt.date | None = _col(Date, nullable=True)
    rrn_masked: str = _col(String(14), nullable=False, default="")
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)


class WorkerVersion(SQLModel, table=True):
    """The worker's changing attributes from ``effective`` until the next version."""

    __tablename__ = "record_worker_versions"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    worker_id: str = _col(String(64), ForeignKey("record_workers.worker_id"), nullable=False, index=True)
    effective: dt.date = _col(Date, nullable=False)
    department: str = _col(String(100), nullable=False, index=True)
    job: str = _col(String(100), nullable=False, default="")
    employment: str = _col(String(16), nullable=False)  # public_service (공무직) | fixed_term (기간제)
    income_type: str = _col(String(8), nullable=False)  # regular | daily (일용)
    family: int = _col(Integer, nullable=False)  # 공제대상가족 (본인 포함)
    children_8_20: int = _col(Integer, nullable=False)
    children_under_6: int | None = _col(Integer, nullable=True)
    withholding_ratio: int = _col(Integer, nullable=False)  # 80 | 100 | 120
    insurance_base: int | None = _col(BigInteger, nullable=True)  # 보수월액 (건강·고용)
    pension_base: int | None = _col(BigInteger, nullable=True)  # 기준소득월액 (국민연금)
    bank: str = _col(String(60), nullable=False, default="")
    account: str = _col(String(60), nullable=False, default="")
    email: str = _col(String(200), nullable=False, default="")
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)
    reason: str = _col(Text, nullable=False, default="")


class RecordContract(SQLModel, table=True):
    """A contract's period and the 사업 (budget line) that funds the post."""

    __tablename__ = "record_contracts"
    contract_id: str = Field(sa_column=Column(String(64), primary_key=True))
    worker_id: str = _col(String(64), ForeignKey("record_workers.worker_id"), nullable=False, index=True)
    start: dt.date = _col(Date, nullable=False)
    end: dt.date | None = _col(Date, nullable=True)
    business: str = _col(String(100), nullable=False, default="", index=True)
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)


class ContractTerms(SQLModel, table=True):
    """A contract's pay terms and schedule from ``effective`` until the next version."""

    __tablename__ = "record_contract_terms"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    contract_id: str = _col(String(64), ForeignKey("record_contracts.contract_id"), nullable=False, index=True)
    effective: dt.date = _col(Date, nullable=False)
    pay_type: str = _col(String(8), nullable=False)  # hourly | daily | monthly
    wage: int = _col(BigInteger, nullable=False)
    pay_grade: str = _col(String(40), nullable=False, default="")  # 보수표와 호봉, e.g. 공무직1-5
    meal_allowance: int = _col(BigInteger, nullable=False, default=0)
    work_days: str = _col(String(7), nullable=False)
    start_time: str = _col(String(5), nullable=False)
    end_time: str = _col(String(5), nullable=False)
    break_minutes: int = _col(Integer, nullable=False, default=0)
    break_start: str | None = _col(String(5), nullable=True)  # where the break lies (HH:MM); none: the middle of the shift
    workplace: str = _col(String(100), nullable=False, default="")
    duties: str = _col(String(200), nullable=False, default="")
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)
    reason: str = _col(Text, nullable=False, default="")


class Resignation(SQLModel, table=True):
    """A 중도포기서: the contract ends on the last working day."""

    __tablename__ = "record_resignations"
    contract_id: str = Field(sa_column=Column(String(64), ForeignKey("record_contracts.contract_id"), primary_key=True))
    worker_id: str = _col(String(64), nullable=False, index=True)
    last_working_day: dt.date = _col(Date, nullable=False)
    reason: str = _col(Text, nullable=False)
    submitted_on: dt.date = _col(Date, nullable=False)
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)


class IssuedDocument(SQLModel, table=True):
    """The register of issued documents (경력증명서 numbers, 원천징수영수증, 중도포기서 …)."""

    __tablename__ = "record_documents"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    kind: str = _col(String(32), nullable=False)
    number: str | None = _col(String(32), nullable=True, unique=True)
    worker_id: str = _col(String(64), nullable=False, index=True)
    issued_on: dt.date = _col(Date, nullable=False)
    purpose: str = _col(String(200), nullable=False, default="")
    sha256: str = _col(String(64), nullable=False, default="")
    issued_at: dt.datetime = _col(DateTime, nullable=False)
    issued_by: str = _col(String(120), nullable=False)


class OpeningPay(SQLModel, table=True):
    """Pay, premiums and tax of a year before the first run in this system (the ytd.csv format)."""

    __tablename__ = "record_opening_pay"
    worker_id: str = Field(sa_column=Column(String(64), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True))
    total_pay: int = _col(BigInteger, nullable=False)
    non_taxable: int = _col(BigInteger, nullable=False)
    national_pension: int = _col(BigInteger, nullable=False)
    health_insurance: int = _col(BigInteger, nullable=False)
    long_term_care: int = _col(BigInteger, nullable=False)
    employment_insurance: int = _col(BigInteger, nullable=False)
    income_tax: int = _col(BigInteger, nullable=False)
    local_income_tax: int = _col(BigInteger, nullable=False)
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)


class OpeningWages(SQLModel, table=True):
    """The wages of a month before the first run in this system (평균임금 of a 퇴직금)."""

    __tablename__ = "record_opening_wages"
    worker_id: str = Field(sa_column=Column(String(64), primary_key=True))
    month: str = Field(sa_column=Column(String(7), primary_key=True))
    wages: int = _col(BigInteger, nullable=False)
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)


class OpeningLeave(SQLModel, table=True):
    """연차: an opening balance (``kind`` = opening, minutes left on ``day``) or a day taken before the system."""

    __tablename__ = "record_opening_leave"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    worker_id: str = _col(String(64), nullable=False, index=True)
    day: dt.date = _col(Date, nullable=False)
    kind: str = _col(String(16), nullable=False)  # opening | 연차 | 반차 | … (the leave.csv kinds)
    minutes: int | None = _col(Integer, nullable=True)
    note: str = _col(String(200), nullable=False, default="")
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)


class Budget(SQLModel, table=True):
    """The personnel budget (인건비) of a 사업 for a year."""

    __tablename__ = "record_budgets"
    business: str = Field(sa_column=Column(String(100), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True))
    amount: int = _col(BigInteger, nullable=False)
    recorded_at: dt.datetime = _col(DateTime, nullable=False)
    recorded_by: str = _col(String(120), nullable=False)


class CareerRequest(SQLModel, table=True):
    """A worker's request for a 경력증명서, waiting in the clerk's queue until issued or refused."""

    __tablename__ = "record_career_requests"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    worker_id: str = _col(String(64), nullable=False, index=True)
    purpose: str = _col(String(200), nullable=False, default="")
    status: str = _col(String(16), nullable=False)  # requested | issued | refused
    requested_at: dt.datetime = _col(DateTime, nullable=False)
    requested_by: str = _col(String(120), nullable=False)
    document_id: int | None = _col(Integer, ForeignKey("record_documents.id"), nullable=True)
    handled_at: dt.datetime | None = _col(DateTime, nullable=True)
    handled_by: str | None = _col(String(120), nullable=True)


class PayslipDelivery(SQLModel, table=True):
    """One e-mail of a payslip: sent, failed (not handed over) or bounced (the server refused the address)."""

    __tablename__ = "record_payslip_deliveries"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    month: str = _col(String(7), nullable=False, index=True)
    run_id: str = _col(String(40), ForeignKey("runs.run_id"), nullable=False)
    worker_id: str = _col(String(64), nullable=False)
    address: str = _col(String(200), nullable=False)
    status: str = _col(String(16), nullable=False)
    detail: str = _col(Text, nullable=False, default="")
    at: dt.datetime = _col(DateTime, nullable=False)
    by: str = _col(String(120), nullable=False)
