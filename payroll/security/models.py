"""The tables of the guards (SQLModel). Made by ``payroll/security/migrations/security_0001_base.py``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel


class MonthActivity(SQLModel, table=True):
    """The run, correction or close of a month in progress: one row per month at most (the month lock)."""

    __tablename__ = "month_activity"
    month: str = Field(sa_column=Column(String(7), primary_key=True))
    holder: str = Field(sa_column=Column(String(60), nullable=False))  # the run id, or close-<token>
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # run | correction | close
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    process: str = Field(sa_column=Column(String(200), nullable=False))  # host:pid:start time (SQLite: is it still alive?)
    started_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class CorrectionApproval(SQLModel, table=True):
    """An approver's recorded approval of one correction run of a closed month (console or CLI)."""

    __tablename__ = "correction_approvals"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    month: str = Field(sa_column=Column(String(7), nullable=False, index=True))
    approved_by: str = Field(sa_column=Column(String(64), nullable=False))  # a console user with the approver role
    approved_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    used_by_run_id: str | None = Field(default=None, sa_column=Column(String(40), ForeignKey("runs.run_id"), nullable=True))


class SealedInput(SQLModel, table=True):
    """An input file that held 주민등록번호: the run used (and ``input_blobs`` keeps) the masked copy;
    the original is kept here only encrypted."""

    __tablename__ = "sealed_inputs"
    sha256: str = Field(sa_column=Column(String(64), ForeignKey("input_blobs.sha256"), primary_key=True))  # of the masked copy
    original_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    cipher: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # Fernet token of the original bytes
    key_id: str = Field(sa_column=Column(String(16), nullable=False))
    rrn_count: int = Field(sa_column=Column(Integer, nullable=False))
    sealed_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class KeyFingerprint(SQLModel, table=True):
    """Which key the store's encrypted data is under (another key is refused, never silently used)."""

    __tablename__ = "key_fingerprints"
    purpose: str = Field(sa_column=Column(String(16), primary_key=True))  # "personal"
    key_id: str = Field(sa_column=Column(String(16), nullable=False))
    registered_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class LoginThrottle(SQLModel, table=True):
    """Failed console logins of one account name or one client address, and until when the next waits."""

    __tablename__ = "login_throttle"
    key: str = Field(sa_column=Column(String(200), primary_key=True))  # account:<name> | address:<ip>
    failures: int = Field(sa_column=Column(Integer, nullable=False))
    last_failure_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    blocked_until: dt.datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
