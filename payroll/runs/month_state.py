"""A month's state in the store: the run in force for a closed month, the next open month, the 소급분
lines due, and the signed differences a correction finds."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from payroll.store.models import MonthLock, RetroItem, Run

if TYPE_CHECKING:
    from payroll.runs.computed import Computed


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


def retro_lines(old_results: list[dict], computed: Computed, belongs_month: str, catalogue) -> list[dict]:
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
