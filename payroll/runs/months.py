"""Closing a month: after ``close`` only an approved correction run changes it (the month's state:
:mod:`payroll.runs.month_state`)."""

from __future__ import annotations

import json

from sqlmodel import select

from payroll import law as law_module
from payroll.case import InputError
from payroll.runs import provisional
from payroll.runs.inputs import blob_bytes
from payroll.runs.month_state import adjustments_bytes, pending_adjustments
from payroll.security import month_lock
from payroll.security.identifiers import check_month
from payroll.store.db import Store, now
from payroll.store.models import MonthLock, ProvisionalSettlement, Run


def held_on_close(store: Store, month: str, run_id: str | None = None) -> tuple[str | None, list[dict]]:
    """The run ``payroll close`` would close (``run_id``, else the latest regular run) and its held
    workers (지급 보류: recorded, not transferred) — what the approver confirms."""
    from payroll.runs.month_state import decided_rows

    check_month(month)
    with store.session() as s:
        if run_id is None:
            run = s.exec(select(Run).where(Run.month == month, Run.kind == "regular").order_by(Run.created_at.desc(), Run.run_id.desc())).first()
            run_id = run.run_id if run else None
        if run_id is None:
            return None, []
        held = [r for r in decided_rows(s, run_id) if r["held"]]
    return run_id, held


def close_month(store: Store, month: str, actor: str, run_id: str | None = None) -> dict:
    """Lock ``month`` on its latest run (or ``run_id``). Refused when 소급분 lines for it were not yet paid in a run,
    and while a run of the month is in progress (:mod:`payroll.security.month_lock`)."""
    import secrets

    check_month(month)
    with month_lock.hold(store, month, holder=f"close-{secrets.token_hex(4)}", kind="close", actor=actor):
        return _close_held(store, month, actor, run_id)


def _close_held(store: Store, month: str, actor: str, run_id: str | None) -> dict:
    with store.session() as s:
        lock = s.get(MonthLock, month)
        if lock is not None:
            raise InputError(f"{month}은(는) 이미 마감되었습니다 ({lock.closed_at:%Y-%m-%d %H:%M} UTC, {lock.closed_by}, 실행 {lock.run_id})")
        if run_id is not None:
            run = s.get(Run, run_id)
            if run is None or run.month != month or run.kind != "regular":
                raise InputError(f"--run {run_id}: {month}의 정기 실행이 아닙니다")
        else:
            run = s.exec(select(Run).where(Run.month == month, Run.kind == "regular").order_by(Run.created_at.desc(), Run.run_id.desc())).first()
            if run is None:
                raise InputError(f"{month}에는 마감할 실행이 없습니다. 먼저 계산하세요: payroll run {month}")
        pending = pending_adjustments(s, month)
        if pending:
            carried = next((e for e in json.loads(run.inputs_manifest) if e["role"] == "adjustments"), None)
            have = blob_bytes(s, carried["sha256"]) if carried else None
            if have != adjustments_bytes(pending):
                raise InputError(f"{month}: 이 달에 지급할 소급분 {len(pending)}건이 실행 {run.run_id}에 없습니다. 마감 전에 {month}을(를) 다시 실행하세요")
        due = provisional.due_keys(s, month, law_module.current())
        if due:
            settled = {(r.provisional_run_id, r.key) for r in s.exec(select(ProvisionalSettlement).where(ProvisionalSettlement.settling_run_id == run.run_id)).all()}
            if not set(due) <= settled:
                months = sorted({s.get(Run, rid).month for rid, _ in set(due) - settled})
                raise InputError(f"{month}: 잠정 지급한 {', '.join(months)} 의 수치가 그 뒤 고시되었는데 실행 {run.run_id}에 그 소급분이 없습니다; "
                                 f"{month} 을 다시 실행한 뒤 마감하세요 (payroll run {month})")
        lock = MonthLock(month=month, run_id=run.run_id, closed_at=now(), closed_by=actor)
        s.add(lock)
        store.audit(actor, "month.close", month, {"run_id": run.run_id, "run_hash": run.run_hash}, session=s)
    return {"month": month, "run_id": run.run_id, "run_hash": run.run_hash, "closed_by": actor, "closed_at": lock.closed_at.isoformat()}
