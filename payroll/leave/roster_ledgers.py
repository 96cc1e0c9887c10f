"""Every worker's 연차 ledger of a roster (:func:`payroll.leave.ledger.build_worker_ledger` for each),
its inputs checked once and sorted by worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl

from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law
from payroll.leave.attended import SummaryDays, summary_days
from payroll.leave.inputs import LeaveDay, Notice, Opening, check_attendance_frame
from payroll.leave.ledger import WorkerLedger, build_worker_ledger
from payroll.roster import Roster


def iter_ledgers(
    roster: Roster,
    leave: list[LeaveDay],
    as_of: dt.date,
    *,
    attendance: pl.DataFrame | None = None,
    notices: list[Notice] = (),
    law: Law | None = None,
    workers: list[str] | None = None,
    opening: list[Opening] = (),
) -> Iterator[tuple[str, WorkerLedger]]:
    """Every worker's ledger (or those in ``workers``) as of ``as_of``, one at a time in worker order
    (a caller that keeps a little of each ledger need not hold them all); ``opening``: the opening
    balances (payroll.leave.inputs.load_opening), at most one per worker. The inputs are checked
    before the first ledger is given."""
    law = law or law_module.current()
    if attendance is not None:
        attendance = check_attendance_frame(attendance)
    ids = sorted(workers if workers is not None else roster.workers)
    for wid in ids:
        if wid not in roster.workers:
            raise InputError(f"근로자 {wid!r}은(는) 명부(roster)에 없습니다")
    leave_by: dict[str, list[LeaveDay]] = {}
    for d in leave:
        leave_by.setdefault(d.worker_id, []).append(d)
    notices_by: dict[str, list[Notice]] = {}
    for n in notices:
        notices_by.setdefault(n.worker_id, []).append(n)
    att_by: dict[str, SummaryDays] = {}
    if attendance is not None:
        att_by = summary_days(attendance.filter(pl.col("worker_id").is_in(ids)), as_of)
    coverage = None
    if attendance is not None and attendance.height:
        coverage = (attendance.get_column("date").min(), attendance.get_column("date").max())
    opening_by: dict[str, Opening] = {}
    for o in opening:
        if o.worker_id in opening_by:
            raise InputError(f"{o.source}: {o.line}행: worker_id: 근로자 {o.worker_id}의 이월 잔여가 이미 있습니다 ({opening_by[o.worker_id].line}행)")
        opening_by[o.worker_id] = o
    return _ledgers(ids, roster, leave_by, as_of, law, att_by if attendance is not None else None, notices_by, coverage, opening_by)


def build_ledgers(*args, **kwargs) -> dict[str, WorkerLedger]:
    """Every worker's ledger (or those in ``workers``) as of ``as_of``, by worker (:func:`iter_ledgers`'s arguments)."""
    return dict(iter_ledgers(*args, **kwargs))


def _ledgers(ids, roster, leave_by, as_of, law, att_by, notices_by, coverage, opening_by) -> Iterator[tuple[str, WorkerLedger]]:
    no_rows = SummaryDays([], [])
    for wid in ids:
        contracts = roster.contracts_of(wid)
        if not contracts:
            continue
        yield wid, build_worker_ledger(wid, contracts, leave_by.get(wid, []), as_of, law, att_by.get(wid, no_rows) if att_by is not None else None,
                                       notices_by.get(wid, []), coverage, opening_by.get(wid), roster.workers[wid].job)
