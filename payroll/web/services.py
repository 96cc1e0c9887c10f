"""The console's door to the other areas: thin calls to the functions the CLI calls.

Everything here reads or calls ``payroll.runs``, ``payroll.attendance``, ``payroll.documents``,
``payroll.leave`` and ``payroll.welfare``; it holds no payroll rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from payroll.store.models import MonthLock, Run

STATUS_LABELS = {"open": "열림", "run": "계산됨", "closed": "마감", "corrected": "정정"}


@dataclass
class MonthRow:
    month: str
    status: str
    run_id: str | None
    workers: int | None
    gross: int | None
    net: int | None
    exceptions: int | None
    runs: int


def month_overview(app) -> list[MonthRow]:
    """One row per month that has inputs or runs, newest first."""
    months: dict[str, list[Run]] = {}
    with Session(app.state.store.engine) as db:
        for run in db.exec(select(Run).order_by(Run.created_at, Run.run_id)).all():
            months.setdefault(run.month, []).append(run)
        locks = {lock.month: lock for lock in db.exec(select(MonthLock)).all()}
    inputs = app.state.data_dir / "inputs"
    if inputs.is_dir():
        for p in inputs.iterdir():
            if p.is_dir() and len(p.name) == 7 and p.name[4] == "-":
                months.setdefault(p.name, [])
    rows = []
    for month in sorted(months, reverse=True):
        runs = months[month]
        regular = [r for r in runs if r.kind == "regular"]
        corrections = [r for r in runs if r.kind == "correction"]
        if month in locks:
            status = "corrected" if corrections else "closed"
            shown = next((r for r in runs if r.run_id == locks[month].run_id), None)
        else:
            status = "run" if regular else "open"
            shown = regular[-1] if regular else None
        if corrections:
            shown = corrections[-1]
        rows.append(MonthRow(month, status, shown.run_id if shown else None, shown.workers if shown else None, shown.gross_pay_total if shown else None,
                             shown.net_pay_total if shown else None, None, len(runs)))
    return rows
