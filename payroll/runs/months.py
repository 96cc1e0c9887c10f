"""The state of a month (closed, its run in force, 소급분 due) and closing it: after ``close`` only an
approved correction run changes it."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from payroll import law as law_module
from payroll.case import InputError
from payroll.runs import provisional
from payroll.runs.inputs import blob_bytes
from payroll.security import month_lock
from payroll.security.identifiers import check_month
from payroll.store.db import Store, now
from payroll.store.models import MonthLock, ProvisionalSettlement, RetroItem, Run

# --- month state --------------------------------------------------------------------------


def next_month(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return f"{y + (m == 12)}-{m % 12 + 1:02d}"


def effective_run_id(session: Session, month: str) -> str | None:
    """The run in force for a closed month: the closing run, or the last correction in its chain."""
    lock = session.get(MonthLock, month)
    if lock is None:
        return None
    current = lock.run_id
    while True:
        nxt = session.exec(select(Run.run_id).where(Run.corrects_run_id == current, Run.kind == "correction")).first()
        if nxt is None:
            return current
        current = nxt


def next_open_month(session: Session, month: str) -> str:
    m = next_month(month)
    while session.get(MonthLock, m) is not None:
        m = next_month(m)
    return m


def pending_adjustments(session: Session, month: str) -> list[dict]:
    """The 소급분 lines to be paid in ``month``, in a fixed order (they become the run's adjustments input)."""
    rows = session.exec(select(RetroItem).where(RetroItem.pay_month == month)).all()
    out = [
        {"worker_id": r.worker_id, "belongs_month": r.belongs_month, "source_code": r.source_code, "amount": int(r.amount), "method": r.method}
        for r in rows
    ]
    return sorted(out, key=lambda a: (a["worker_id"], a["belongs_month"], a["source_code"], a["amount"], a["method"]))


def adjustments_bytes(adjustments: list[dict]) -> bytes:
    return (json.dumps(adjustments, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def retro_lines(old_results: list[dict], computed, belongs_month: str, catalogue) -> list[dict]:
    """Per worker, per pay item: new − old (signed; an overpayment is negative), with a method text."""
    def sums(pairs):
        out: dict[tuple[str, str], int] = {}
        for wid, code, amount in pairs:
            out[(wid, code)] = out.get((wid, code), 0) + int(amount)
        return out

    old = sums((r["row"]["worker_id"], it["code"], it["amount"]) for r in old_results for it in r["items"])
    new = sums((row["worker_id"], it["code"], it["amount"]) for row, its in zip(computed.rows, computed.item_lists) for it in its)
    lines = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key, 0), new.get(key, 0)
        if before == after:
            continue
        wid, code = key
        sign = "환수" if after < before else "추가 지급"
        lines.append({
            "worker_id": wid, "source_code": code, "old_amount": before, "new_amount": after, "amount": after - before,
            "method": f"{belongs_month}분 {catalogue.label(code)} 소급분 ({sign}): {before:,}원 → {after:,}원 = {after - before:+,}원",
        })
    return lines


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
            raise InputError(f"{month} is already closed (closed {lock.closed_at:%Y-%m-%d %H:%M} UTC by {lock.closed_by}, run {lock.run_id})")
        if run_id is not None:
            run = s.get(Run, run_id)
            if run is None or run.month != month or run.kind != "regular":
                raise InputError(f"--run {run_id}: not a regular run of {month}")
        else:
            run = s.exec(select(Run).where(Run.month == month, Run.kind == "regular").order_by(Run.created_at.desc(), Run.run_id.desc())).first()
            if run is None:
                raise InputError(f"{month} has no run to close; run it first: payroll run {month}")
        pending = pending_adjustments(s, month)
        if pending:
            carried = next((e for e in json.loads(run.inputs_manifest) if e["role"] == "adjustments"), None)
            have = blob_bytes(s, carried["sha256"]) if carried else None
            if have != adjustments_bytes(pending):
                raise InputError(f"{month}: {len(pending)} 소급분 line(s) to be paid in {month} are not in run {run.run_id}; run {month} again before closing")
        due = provisional.due_keys(s, month, law_module.current())
        if due:
            settled = {(r.provisional_run_id, r.key) for r in s.exec(select(ProvisionalSettlement).where(ProvisionalSettlement.settling_run_id == run.run_id)).all()}
            if not set(due) <= settled:
                months = sorted({s.get(Run, rid).month for rid, _ in set(due) - settled})
                raise InputError(f"{month}: 잠정 지급한 {', '.join(months)} 의 수치가 그 뒤 고시되었는데 run {run.run_id} 에 그 소급분이 없습니다; "
                                 f"{month} 을 다시 실행한 뒤 마감하세요 (payroll run {month})")
        lock = MonthLock(month=month, run_id=run.run_id, closed_at=now(), closed_by=actor)
        s.add(lock)
        store.audit(actor, "month.close", month, {"run_id": run.run_id, "run_hash": run.run_hash}, session=s)
    return {"month": month, "run_id": run.run_id, "run_hash": run.run_hash, "closed_by": actor, "closed_at": lock.closed_at.isoformat()}
