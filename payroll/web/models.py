"""The console's own tables: users and server-side sessions (the audit log is the store's ``audit_log``).

Passwords are argon2 hashes; a session row holds the sha256 of the cookie's random token (a
stolen database does not give live cookies). Timestamps are UTC, naive in the database, written
by the caller's clock so tests can freeze time. The schema is made by
``payroll/web/migrations/web_0001_users.py``; these classes describe it for queries.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

ROLES = ("clerk", "approver", "auditor")
ROLE_LABELS = {"clerk": "담당자", "approver": "승인자", "auditor": "감사자"}


class ConsoleUser(SQLModel, table=True):
    __tablename__ = "console_user"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    name: str = Field(sa_column=Column(String(64), nullable=False, unique=True, index=True))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    password_hash: str = Field(sa_column=Column(String(256), nullable=False))
    disabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    failed_logins: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    locked: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class ConsoleSession(SQLModel, table=True):
    __tablename__ = "console_session"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("console_user.id"), nullable=False, index=True))
    csrf_token: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    last_seen: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    expires_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))


class ConsoleUpload(SQLModel, table=True):
    """A file uploaded in the console: kept in ``input_blobs`` by its sha256, written under a name we choose."""

    __tablename__ = "console_upload"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    month: str = Field(sa_column=Column(String(7), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    original_name: str = Field(sa_column=Column(String(200), nullable=False))  # shown only; never a path
    stored_name: str = Field(sa_column=Column(String(200), nullable=False))  # relative to the inputs directory
    sha256: str = Field(sa_column=Column(String(64), ForeignKey("input_blobs.sha256"), nullable=False))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    uploaded_by: str = Field(sa_column=Column(String(64), nullable=False))
    uploaded_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    removed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))


class ConsoleJob(SQLModel, table=True):
    """Long work started in the console, kept in the store so that its page survives leaving it (and a
    restart of the console: a job whose process ended is shown as interrupted)."""

    __tablename__ = "console_job"

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # run | correction | replay | import | documents
    target: str = Field(sa_column=Column(String(64), nullable=False, index=True))  # a month or a run id
    actor: str = Field(sa_column=Column(String(64), nullable=False))
    state: str = Field(sa_column=Column(String(16), nullable=False, index=True))  # running | done | failed | refused | interrupted
    stage: str = Field(default="", sa_column=Column(String(32), nullable=False))
    done: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    total: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    started_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    finished_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    result_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
