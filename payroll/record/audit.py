"""The audit log: one row per login, upload, run, close, payslip download, replay (never a full 주민등록번호).

The rows go to the store's ``audit_log`` table, the same one the CLI writes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from sqlmodel import Session, select

from payroll.store.models import AuditLog

# A 주민등록번호 (6 digits, optional dash or space, 7 digits) is masked before anything reaches the log.
_RRN = re.compile(r"(?<!\d)(\d{6})[- ]?([1-8])\d{6}(?!\d)")


def mask_rrn(text: str) -> str:
    return _RRN.sub(lambda m: f"{m.group(1)}-{m.group(2)}******", text)


def values(at: dt.datetime, actor: str, action: str, target: str = "", detail: str = "") -> dict:
    """The columns of one audit row (the number masked, the texts cut to their columns)."""
    return {"at": at, "actor": actor[:120], "action": action[:64], "target": mask_rrn(target)[:200], "detail": mask_rrn(detail)}


def record(db: Session, actor: str, action: str, target: str = "", detail: str = "", *, clock: Callable[[], dt.datetime]) -> AuditLog:
    """Add an audit row to ``db`` (the caller commits with its own change, so both land or neither)."""
    row = AuditLog(**values(clock(), actor, action, target, detail))
    db.add(row)
    return row


def record_all(db: Session, rows: list[dict]) -> None:
    """Insert many audit rows made by :func:`values` at once (an import of a whole roster), in their order."""
    if rows:
        from sqlalchemy import insert

        db.execute(insert(AuditLog.__table__), rows)


def record_version(db: Session) -> int | None:
    """The id of the last audit row of a ``record.…`` action: every change of the record (people,
    contracts, resignations, opening balances, budgets) writes one in its own transaction, so a newer
    id means "read the record again"; page views and logins write audit rows too, and change nothing."""
    return db.exec(select(AuditLog.id).where(AuditLog.action.startswith("record.")).order_by(AuditLog.id.desc()).limit(1)).first()


def recent(db: Session, limit: int = 200, action: str | None = None, actor: str | None = None) -> list:
    """The newest ``limit`` audit rows (of ``action``, of ``actor``), newest first: plain rows of the
    columns shown (``at``, ``actor``, ``action``, ``target``, ``detail``), not ORM objects — the
    auditor's page lists 500 of them."""
    from sqlalchemy import select as core_select

    q = core_select(AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.target, AuditLog.detail)
    if action:
        q = q.where(AuditLog.action == action)
    if actor:
        q = q.where(AuditLog.actor == actor)
    return list(db.execute(q.order_by(AuditLog.id.desc()).limit(limit)).all())
