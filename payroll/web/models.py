"""The console's own tables: the uploads made in the console and its long work (jobs).

Accounts and their sessions (``console_user``, ``console_session``) belong to the record
(``payroll.record.models``): the CLI and the run read them too. The schema is made by
``payroll/record/migrations/web_0001_users.py`` and ``web_0002_jobs.py``; these classes describe it for queries.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel


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
