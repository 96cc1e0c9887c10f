"""An approver's recorded approval of a correction run: the console and the CLI need the same one.

A closed month changes only through a correction run (``payroll run MONTH --correction`` or the
console's 정정 승인), and a correction run needs an approval recorded first by a console user with
the approver role: in the console the approver's own click (:func:`record_approval` with the
signed-in approver), on the command line ``payroll correction approve MONTH --approver NAME
--reason …`` with that approver's password. The run uses one approval (the latest unused of the
month), marks it used in its own record transaction and names it in the audit log.
"""

from __future__ import annotations

from typing import Callable

from sqlmodel import Session, select

from payroll.errors import InputError
from payroll.security.identifiers import check_month
from payroll.security.models import CorrectionApproval
from payroll.store.db import Store, now
from payroll.store.models import MonthLock


def record_approval(store: Store, month: str, approver: str, reason: str, *, clock: Callable = now) -> CorrectionApproval:
    """Record ``approver``'s approval of one correction run of the closed ``month``.

    ``approver`` must be a console user with the approver role, enabled (the caller has checked
    who it is: the console's session, or the CLI's password)."""
    from payroll.record.models import ConsoleUser

    check_month(month)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("--reason: 정정 사유를 적으세요 (감사 기록에 남습니다)")
    with store.session() as s:
        if s.get(MonthLock, month) is None:
            raise InputError(f"{month}은(는) 마감되지 않았습니다: 정정 승인은 마감된 달에만 필요합니다 (그냥 다시 실행하세요)")
        user = s.exec(select(ConsoleUser).where(ConsoleUser.name == approver)).first()
        if user is None or user.role != "approver" or user.disabled:
            raise InputError(f"--approver {approver!r}: 승인자(approver) 역할의 사용 중인 콘솔 사용자가 아닙니다")
        approval = CorrectionApproval(month=month, approved_by=approver, approved_at=clock(), reason=reason[:500])
        s.add(approval)
        s.flush()
        store.audit(approver, "correction.approve", month, {"approval": approval.id, "reason": approval.reason}, session=s)
    return approval


def open_approval(session: Session, month: str) -> CorrectionApproval | None:
    """The latest approval of ``month`` that no run has used yet."""
    q = select(CorrectionApproval).where(CorrectionApproval.month == month, CorrectionApproval.used_by_run_id == None)  # noqa: E711
    return session.exec(q.order_by(CorrectionApproval.id.desc())).first()


def required(session: Session, month: str) -> CorrectionApproval:
    approval = open_approval(session, month)
    if approval is None:
        raise InputError(
            f"{month}: 마감된 달의 정정 실행에는 승인자의 승인 기록이 필요합니다 — "
            f"payroll correction approve {month} --approver 승인자 --reason \"사유\" (또는 콘솔의 정정 승인)"
        )
    return approval


def use(session: Session, approval_id: int, run_id: str) -> None:
    """Mark the approval used by ``run_id`` (in the run's record transaction); refused if another run took it."""
    approval = session.get(CorrectionApproval, approval_id, with_for_update=True)
    if approval is None or approval.used_by_run_id is not None:
        raise InputError(f"승인 {approval_id}을(를) 그사이 다른 정정 실행이 썼습니다; 아무것도 기록하지 않았습니다")
    approval.used_by_run_id = run_id
    session.add(approval)
