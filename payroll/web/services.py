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


def month_overview(app, only: str | None = None, with_exceptions: bool = True) -> list[MonthRow]:
    """One row per month that has inputs or runs, newest first (``only``: that month alone)."""
    months: dict[str, list[Run]] = {}
    with Session(app.state.store.engine) as db:
        for run in db.exec(select(Run).order_by(Run.created_at, Run.run_id)).all():
            months.setdefault(run.month, []).append(run)
        locks = {lock.month: lock for lock in db.exec(select(MonthLock)).all()}
    inputs = app.state.inputs_dir
    if inputs.is_dir():
        for p in inputs.iterdir():
            if p.is_dir() and len(p.name) == 7 and p.name[4] == "-":
                months.setdefault(p.name, [])
    rows = []
    for month in sorted(months, reverse=True):
        if only is not None and month != only:
            continue
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
                             shown.net_pay_total if shown else None, open_exceptions(app, month) if with_exceptions else None, len(runs)))
    return rows


def open_exceptions(app, month: str) -> int | None:
    """Attendance errors of the month not yet resolved by a correction (None without exports or when unreadable)."""
    from payroll.case import InputError
    from payroll.web.inputs import exceptions

    try:
        result = exceptions(app.state.inputs_dir, month, app.state.store.engine)
    except InputError:
        return None
    return None if result is None else result.open_errors.height


def month_status(app, month: str) -> MonthRow:
    for row in month_overview(app, only=month, with_exceptions=False):
        return row
    return MonthRow(month, "open", None, None, None, None, None, 0)


def runs_of(app, month: str) -> list[Run]:
    with Session(app.state.store.engine) as db:
        return list(db.exec(select(Run).where(Run.month == month).order_by(Run.created_at.desc(), Run.run_id.desc())).all())


def lock_of(app, month: str) -> MonthLock | None:
    with Session(app.state.store.engine) as db:
        return db.get(MonthLock, month)


def get_run(app, run_id: str) -> Run:
    from payroll.runs.audit import get_run as runs_get_run

    return runs_get_run(app.state.store, run_id)


def results_of(app, run_id: str) -> list[dict]:
    from payroll.runs.batch import load_results

    with Session(app.state.store.engine) as db:
        return load_results(db, run_id)


def department_totals(results: list[dict]) -> list[dict]:
    """The register's totals by department (sums of the stored results, for display)."""
    by: dict[str, dict] = {}
    for r in results:
        row = r["row"]
        d = by.setdefault(str(row.get("department") or "—"), {"department": str(row.get("department") or "—"), "workers": 0, "gross_pay": 0, "deductions_total": 0, "net_pay": 0})
        d["workers"] += 1
        for k in ("gross_pay", "deductions_total", "net_pay"):
            d[k] += int(row.get(k) or 0)
    return [by[k] for k in sorted(by)]


def payslip_entries(run: Run) -> dict[str, str]:
    """{worker_id or worker_id_row: manifest name} of the run's payslips (names come from the run record only)."""
    import json

    out = {}
    for name in json.loads(run.outputs_manifest):
        if name.startswith("payslips/") and name.endswith(".pdf") and "/" not in name[len("payslips/"):]:
            out[name[len("payslips/"):-len(".pdf")]] = name
    return out


def output_bytes(run: Run, name: str) -> bytes:
    """The bytes of one recorded output, checked against the run's manifest hash (never a user path)."""
    import json
    from pathlib import Path

    from payroll.case import InputError
    from payroll.runs.hashing import sha256_bytes
    from payroll.security.identifiers import contained

    manifest = json.loads(run.outputs_manifest)
    if name not in manifest:
        raise KeyError(name)
    path = contained(Path(run.out_dir), name)
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(f"{run.run_id}: {name} is not in the run's output directory") from None
    if sha256_bytes(data) != manifest[name]:
        raise InputError(f"{run.run_id}: {name} differs from the recorded sha256; ask the auditor to replay the run")
    return data


def all_runs(app) -> list[Run]:
    with Session(app.state.store.engine) as db:
        return list(db.exec(select(Run).order_by(Run.created_at.desc(), Run.run_id.desc()).limit(200)).all())
