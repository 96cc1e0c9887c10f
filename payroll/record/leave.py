"""The 연차 ledger of workers from the record: their contracts, the leave taken in the stored runs,
the opening balances, the notice register — the same sources a run reads (payroll.runs.history).

The ledger itself (payroll/leave/ledger.py) is the lead's; this module only gathers its inputs from
the database (the page states it in days and hours through payroll.leave.units, never minutes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

from sqlmodel import Session

from payroll.record.opening import opening_files
from payroll.record.people import roster_of_workers


def _month_after(day: dt.date) -> str:
    return f"{day.year + (day.month == 12):04d}-{day.month % 12 + 1:02d}"


def ledgers(session: Session, worker_ids: list[str], as_of: dt.date, *, law, notices_path: Path | None = None, roster=None):
    """({worker_id: WorkerLedger}, roster, notices) as of ``as_of`` (``roster``: the workers' record in parts, if read already)."""
    from payroll.leave.inputs import load_leave, load_opening, load_register
    from payroll.leave.roster_ledgers import build_ledgers
    from payroll.runs.history import leave_history

    roster = roster if roster is not None else roster_of_workers(session, worker_ids, as_of)
    files = {role: data for role, _, data in opening_files(session, roster)}
    taken = leave_history(session, _month_after(as_of), files.get("opening_leave"), None, roster.workers)
    notices = load_register(notices_path) if notices_path is not None and notices_path.is_file() else []
    with tempfile.TemporaryDirectory(prefix="payroll-ledger-") as tmp:
        leave, opening = [], []
        # the page names where a row comes from as the clerk knows it, never a server path
        if taken is not None:
            (Path(tmp) / "leave.csv").write_bytes(taken)
            leave = [dataclasses.replace(d, source=f"{d.date:%Y-%m} 휴가 기록") for d in load_leave(Path(tmp) / "leave.csv", roster)]
        if "leave_opening" in files:
            (Path(tmp) / "leave_opening.csv").write_bytes(files["leave_opening"])
            opening = [dataclasses.replace(o, source="연차 이월 기록") for o in load_opening(Path(tmp) / "leave_opening.csv", roster)]
        built = build_ledgers(roster, leave, as_of, notices=notices, law=law, workers=list(roster.workers), opening=opening)
    return built, roster, notices
