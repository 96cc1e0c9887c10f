"""The welfare tables (SQLModel). Money is whole won in BIGINT columns.

Created and changed only by the Alembic branch in ``payroll/welfare/migrations`` (branch label
``welfare``, depending on the store's base revision); ``payroll.store.open_store`` runs it.

Decisions on fertility applications are not stored: they are replayed from the applications and
cancellations (``payroll.welfare.fertility.decide``), so they can never drift from their inputs.
What is stored is what happened: enrolments, applications, cancellations, and the pay items a run
took (``welfare_payments``), which is what keeps an item from being paid twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class InsuranceEnrolment(SQLModel, table=True):
    __tablename__ = "welfare_insurance_enrolments"
    enrolment_id: str = Field(sa_column=Column(String(40), primary_key=True))
    worker_id: str = Field(sa_column=Column(String(40), nullable=False, index=True))
    plan: str = Field(sa_column=Column(String(40), nullable=False))
    start: dt.date = Field(sa_column=Column(Date, nullable=False))
    end: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class FertilityApplication(SQLModel, table=True):
    __tablename__ = "welfare_fertility_applications"
    application_id: str = Field(sa_column=Column(String(40), primary_key=True))
    worker_id: str = Field(sa_column=Column(String(40), nullable=False, index=True))
    treatment_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    cost: int = Field(sa_column=Column(BigInteger, nullable=False))
    evidence: str = Field(sa_column=Column(String(200), nullable=False))
    submitted_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False, index=True))
    seq: int = Field(sa_column=Column(Integer, nullable=False))  # order of entry: ties of submitted_at
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class FertilityCancellation(SQLModel, table=True):
    __tablename__ = "welfare_fertility_cancellations"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    application_id: str = Field(sa_column=Column(String(40), ForeignKey("welfare_fertility_applications.application_id"), nullable=False, unique=True))
    cancelled_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class WelfarePayment(SQLModel, table=True):
    """A welfare pay item a run took: (code, source) is paid once, in ``month``."""

    __tablename__ = "welfare_payments"
    __table_args__ = (UniqueConstraint("code", "source", name="uq_welfare_payments_code_source"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    worker_id: str = Field(sa_column=Column(String(40), nullable=False, index=True))
    code: str = Field(sa_column=Column(String(40), nullable=False))
    source: str = Field(sa_column=Column(String(120), nullable=False))  # fertility:<application> | group_insurance:<worker>:<YYYY-MM>
    month: str = Field(sa_column=Column(String(7), nullable=False, index=True))
    pay_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    method: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
