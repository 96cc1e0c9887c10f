"""A month's state in the store: the run in force for a closed month, the next open month, the 소급분
lines due, the signed differences a correction finds, and a run's stored results.

A held worker (지급 보류, payroll.runs.decisions) was recorded but not paid: for the 소급분 of a
correction its old amounts count as 0, so releasing the hold in a correction pays the whole of the
released month's pay in the next open month (and a worker still held in the correction gets none).
"""

from __future__ import annotations

import json

from sqlmodel import Session, select

from payroll.runs import result_reads as reads_module
from payroll.store.models import HELD, MonthLock, RetroItem, Run, WorkerResult


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
    """Per worker, per pay item: new − old (signed; an overpayment is negative), with a method text.
    A held row counts as nothing paid."""
    def sums(pairs):
        out: dict[tuple[str, str], int] = {}
        for wid, code, amount in pairs:
            out[(wid, code)] = out.get((wid, code), 0) + int(amount)
        return out

    old = sums((r["row"]["worker_id"], it["code"], it["amount"]) for r in old_results if r["row"].get("pay_state") != HELD for it in r["items"])
    new = sums((row["worker_id"], it["code"], it["amount"]) for row, its in zip(computed.rows, computed.item_lists) if row.get("pay_state") != HELD for it in its)
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


def load_results(session: Session, run_id: str) -> list[dict]:
    """Every stored result of the run, expanded ({row, items, trace}), in row order."""
    return reads_module.read_results(session, run_id)


DECIDED_COLUMNS = ("worker_id", "name", "net_pay", "pay_state", "attendance_note")


def decided_rows(session: Session, run_id: str) -> list[dict]:
    """The run's workers whose month carries an attendance decision (payroll.runs.decisions), in row
    order: worker_id, name, net_pay, held (지급 보류: recorded, not transferred) and the note the
    payslip prints — from the worker rows' own columns (store_0004), or the stored JSON of an older run."""
    from sqlalchemy import or_

    if reads_module.has_dictionary(session, run_id):
        decided = or_(WorkerResult.attendance_note.is_not(None), WorkerResult.pay_state == HELD)
        columns = [getattr(WorkerResult, c) for c in DECIDED_COLUMNS]
        found = session.exec(select(*columns).where(WorkerResult.run_id == run_id, decided).order_by(WorkerResult.row)).all()
        rows = [dict(zip(DECIDED_COLUMNS, r)) for r in found]
    else:
        rows = [r for r in reads_module.read_rows(session, run_id, DECIDED_COLUMNS) if r["attendance_note"] or r["pay_state"] == HELD]
    return [{"worker_id": r["worker_id"], "name": r["name"] or "", "net_pay": int(r["net_pay"] or 0), "held": r["pay_state"] == HELD,
             "note": r["attendance_note"] or ""} for r in rows]
