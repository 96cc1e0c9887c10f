"""What a run reads from the record, and the old roster files taken in as imports.

A run of a month reads the record as of that month (:func:`payroll.record.people.roster_for_month`)
and writes what it read as input files — ``_payroll/roster.csv`` and ``_payroll/contracts.csv`` in
the roster format (payroll/roster.py), and the opening balances of its workers
(payroll/record/opening.py) — stored by hash like any input. A replay restores those files, so it
recomputes the same bytes however the record has changed since.

The inputs directory of ``payroll run MONTH --inputs DIR`` may still hold ``roster.csv``,
``contracts.csv``, ``resignations.csv``, ``ytd.csv``, ``wages.csv``, ``leave_history.csv`` and
``leave_opening.csv``: they are an import format. The run imports them into the record first (the
changes effective from the first day of the month, audited under the run's actor) and then runs from
the record; the run's manifest holds the snapshot, not those files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from sqlmodel import Session

from payroll.case import InputError
from payroll.roster import Roster

ROSTER_COLUMNS = ("worker_id", "name", "birth_date", "department", "job", "employment", "income_type", "family", "children_8_20", "children_under_6",
                  "withholding_ratio", "first_hire_date", "insurance_base", "pension_base", "bank", "account", "rrn_masked")
CONTRACT_COLUMNS = ("contract_id", "worker_id", "start", "end", "pay_type", "wage", "work_days", "start_time", "end_time", "break_minutes",
                    "break_start", "workplace", "duties", "meal_allowance", "pay_grade", "business")
ROSTER_NAME, CONTRACTS_NAME = "_payroll/roster.csv", "_payroll/contracts.csv"
#: the roles of the old files that are imported into the record before a run
IMPORTED_ROLES = ("roster", "contracts", "resignations", "opening_ytd", "opening_wages", "opening_leave", "leave_opening")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def roster_bytes(roster: Roster) -> tuple[bytes, bytes]:
    """The roster as the two CSV files of payroll/roster.py (e-mail addresses left out: pay does not read them)."""
    def table(columns, rows) -> bytes:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_text(getattr(r, c)) for c in columns])
        return out.getvalue().encode("utf-8")

    workers = [roster.workers[k] for k in sorted(roster.workers)]
    contracts = sorted(roster.contracts, key=lambda c: (c.worker_id, c.start, c.contract_id))
    return table(ROSTER_COLUMNS, workers), table(CONTRACT_COLUMNS, contracts)


def import_files(session: Session, files: list[tuple[str, Path]], month: str, actor: str, *, allow_closed: bool) -> tuple[list[tuple[str, Path]], list[str]]:
    """Import the old roster files found among the run's ``files`` into the record; return the other
    files, and a note for each file that held a 주민등록번호 (the record gets it masked, as the readers
    give it; the original file is sealed under the store's key and a roster's full numbers are
    encrypted per worker, :func:`payroll.store.personal.keep_imported_rrns`)."""
    from payroll.csvfile import read_bounded
    from payroll.security.rrn import mask_bytes
    from payroll.store.personal import keep_imported_rrns
    from payroll.record.changes import apply, contract_changes, roster_changes
    from payroll.record.opening import import_opening
    from payroll.record.people import month_bounds, roster_as_of
    from payroll.record.registers import import_resignations
    from payroll.roster import load_roster

    by_role = {role: path for role, path in files if role in IMPORTED_ROLES}
    notes = []
    for role, path in by_role.items():
        raw = read_bounded(path)
        if mask_bytes(raw)[1]:  # the masked copy kept only to seal the original by (a replay reads the snapshot)
            notes.append(f"{path.name}: {keep_imported_rrns(session, raw, path.suffix.lower(), actor, path.name, per_worker=role == 'roster')}")
    first, _ = month_bounds(month)
    reason = f"{month} 급여 실행의 입력 폴더에서 가져옴"
    if "roster" in by_role and "contracts" in by_role:
        legacy = load_roster(by_role["roster"], by_role["contracts"])
        workers = roster_changes(session, list(legacy.workers.values()), first, by_role["roster"].name)
        apply(session, workers, actor, reason, allow_closed=allow_closed)
        contracts = contract_changes(session, list(legacy.contracts), first, by_role["contracts"].name)
        apply(session, contracts, actor, reason, allow_closed=allow_closed)
    elif "roster" in by_role or "contracts" in by_role:
        raise InputError(f"{next(iter(by_role.values()))}: roster.csv와 contracts.csv는 함께 가져옵니다 (둘 다 두거나 `payroll import`로 가져오세요)")
    if "resignations" in by_role:
        import_resignations(session, by_role["resignations"], actor, allow_closed=allow_closed)
    opening = [role for role in ("opening_ytd", "opening_wages", "opening_leave", "leave_opening") if role in by_role]
    if opening:
        roster = roster_as_of(session, first)  # an opening file changes balances, never the roster: read it once for all of them
        for role in opening:
            import_opening(session, by_role[role], roster, actor, reason)
    return [(role, path) for role, path in files if role not in IMPORTED_ROLES], notes


def snapshot(session: Session, month: str) -> tuple[Roster, list[tuple[str, str, bytes]]]:
    """The month's roster from the record and the files a run stores for it: (roster, [(role, name, bytes)])."""
    from payroll.record.opening import opening_files
    from payroll.record.people import has_workers, roster_for_month

    if not has_workers(session):
        raise InputError("기록에 근로자가 아직 없습니다: 먼저 가져오거나 (payroll import roster FILE, payroll import contracts FILE), "
                         "입력 폴더에 roster.csv와 contracts.csv를 두세요")
    roster = roster_for_month(session, month)
    if not roster.workers:
        raise InputError(f"{month}: 기록의 어느 근로자도 {month}에 계약이 없습니다 (payroll import contracts FILE)")
    roster_csv, contracts_csv = roster_bytes(roster)
    return roster, [("roster", ROSTER_NAME, roster_csv), ("contracts", CONTRACTS_NAME, contracts_csv), *opening_files(session, roster)]
