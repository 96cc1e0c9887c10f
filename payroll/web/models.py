"""The console's own table: the uploads made in the console.

Accounts and their sessions (``console_user``, ``console_session``) belong to the record
(``payroll.record.models``): the CLI and the run read them too. The schema is made by
``payroll/record/migrations/web_0001_users.py``; this class describes it for queries.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, String
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
