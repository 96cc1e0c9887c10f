"""The 연말정산 lines the February, March and April runs carry (소득세법 §137①④).

The settlement of year Y is withheld with the pay for February of Y+1 (2월분, §134②1, §137①): the
February run carries each worker's 차감징수세액 as two signed lines (``year_end_income_tax``,
``year_end_local_income_tax``; negative = refund). Where the additional 소득세 is over 10만원 and the
worker asked for it (a choice kept on record), it is withheld over the pay for February, March and
April (§137④): three parts, each a multiple of 10원 (국고금관리법 §47), the remainder in February.
The 지방소득세 is split the same way.

The lines come from the year's latest recorded batch (payroll.yearend.records); the run writes them
as one of its stored inputs (``_payroll/yearend.json``), so a replay pays the same.
"""

from __future__ import annotations

import json

from sqlmodel import Session

from payroll.yearend import records

PART_MONTHS = ("02", "03", "04")


def split(amount: int, parts: int) -> list[int]:
    """``amount`` in ``parts`` multiples of 10원 (the first carries the remainder); their sum is ``amount``."""
    if parts <= 1 or amount <= 0:
        return [amount] + [0] * (parts - 1)
    base = amount // parts // 10 * 10
    return [amount - base * (parts - 1)] + [base] * (parts - 1)


def lines_for_month(session: Session, month: str) -> tuple[str | None, list[dict]]:
    """(batch id, the lines due in ``month``) — nothing outside February–April."""
    if month[5:] not in PART_MONTHS:
        return None, []
    year = int(month[:4]) - 1
    batch = records.latest_batch(session, year)
    if batch is None:
        return None, []
    index = PART_MONTHS.index(month[5:])
    out = []
    for r in records.batch_rows(session, batch.batch_id):
        parts = 3 if r.spread else 1
        if index >= parts:
            continue
        income, local = split(r.income_tax, parts)[index], split(r.local_income_tax, parts)[index]
        if income == 0 and local == 0 and index > 0:
            continue
        # A04 ④ 총지급액 is the settled pay with its 비과세, as A01 reports the month's (the February line only)
        paid = r.total_pay + int(r.row["non_taxable"]) if index == 0 else 0
        out.append({"worker_id": r.worker_id, "year": year, "batch_id": batch.batch_id, "part": index + 1, "parts": parts,
                    "income_tax": income, "local_income_tax": local, "total_pay": paid,
                    "deferred": r.income_tax - income if index == 0 else 0,
                    "determined_tax": r.determined_tax, "settlement_income_tax": r.income_tax})
    return batch.batch_id, sorted(out, key=lambda x: x["worker_id"])


def lines_bytes(batch_id: str | None, lines: list[dict]) -> bytes:
    return (json.dumps({"batch_id": batch_id, "lines": lines}, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
