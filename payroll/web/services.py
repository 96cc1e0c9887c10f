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
    from sqlalchemy.orm import load_only

    listed = load_only(Run.run_id, Run.month, Run.kind, Run.created_at, Run.workers, Run.gross_pay_total, Run.net_pay_total)  # not the manifests
    with Session(app.state.store.engine) as db:
        for run in db.exec(select(Run).options(listed).order_by(Run.created_at, Run.run_id)).all():
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


_BUDGET_WARNINGS: dict[tuple, list[str]] = {}


def budget_warnings(app, year: int) -> list[str]:
    """The 사업 budgets' overrun warnings of ``year`` (payroll.record.budgets), kept until the record (a
    budget, a contract: each writes a ``record.…`` audit row), a run or a lock of the year changes —
    they sum every stored result of the year, which is too slow for every view of a month page."""
    from payroll.record.budgets import overrun_warnings
    from payroll.web.inputs import _record_version

    engine = app.state.store.engine
    with Session(engine) as db:
        runs = tuple(db.exec(select(Run.run_id).where(Run.month.startswith(f"{year:04d}-")).order_by(Run.run_id)).all())
        locks = tuple(db.exec(select(MonthLock.month).where(MonthLock.month.startswith(f"{year:04d}-")).order_by(MonthLock.month)).all())
    key = (_record_version(engine), year, runs, locks)
    if key not in _BUDGET_WARNINGS:
        with Session(engine) as db:
            warnings = overrun_warnings(db, year)
        for old in [k for k in _BUDGET_WARNINGS if k[0][0] == key[0][0] and k[1] == year]:
            del _BUDGET_WARNINGS[old]  # one version a database and year
        _BUDGET_WARNINGS[key] = warnings
    return list(_BUDGET_WARNINGS[key])


def check_cache(app):
    """Where the console keeps its attendance checks (payroll.web.month_check.month_check): its data folder."""
    return app.state.data_dir / "cache" / "attendance-checks"


def open_exceptions(app, month: str) -> int | None:
    """Attendance errors of the month not yet resolved by a correction (None without exports or when unreadable)."""
    from payroll.case import InputError
    from payroll.web.month_check import month_check

    try:
        result = month_check(app.state.inputs_dir, month, app.state.store.engine, check_cache(app))
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


WORKER_COLUMNS = ("row", "worker_id", "name", "department", "gross_pay", "deductions_total", "net_pay", "pay_state", "attendance_note")
#: workers listed on one run page (the search narrows them; the register has them all)
PAGE_ROWS = 100


@dataclass
class WorkerList:
    rows: list[dict]  # WORKER_COLUMNS of the workers shown
    matching: int  # workers matching the search
    offset: int
    query: str


def run_workers(app, run_id: str, offset: int = 0, query: str = "") -> WorkerList:
    """One page of the run's workers (``query``: a part of the number or the name), read from the worker
    rows' own columns — only the rows shown (a run recorded before store_0003 is read from its JSON)."""
    from sqlalchemy import func, or_

    from payroll.runs.result_reads import has_dictionary, read_rows
    from payroll.store.models import WorkerResult

    query = query.strip()
    with Session(app.state.store.engine) as db:
        if not has_dictionary(db, run_id):
            rows = read_rows(db, run_id, WORKER_COLUMNS)
            if query:
                rows = [r for r in rows if query in str(r["worker_id"]) or query in str(r.get("name") or "")]
            return WorkerList(rows[offset:offset + PAGE_ROWS], len(rows), offset, query)
        where = [WorkerResult.run_id == run_id]
        if query:
            where.append(or_(WorkerResult.worker_id.contains(query, autoescape=True), WorkerResult.name.contains(query, autoescape=True)))
        matching = db.exec(select(func.count()).select_from(WorkerResult).where(*where)).one()
        columns = [getattr(WorkerResult, c) for c in WORKER_COLUMNS]
        found = db.exec(select(*columns).where(*where).order_by(WorkerResult.row).offset(offset).limit(PAGE_ROWS)).all()
        return WorkerList([dict(zip(WORKER_COLUMNS, r)) for r in found], int(matching), offset, query)


def department_totals(app, run_id: str) -> list[dict]:
    """The register's totals by department of what is paid (a held worker's row is left out, as in the
    run's totals), summed from the worker rows' own columns."""
    from sqlalchemy import func, or_

    from payroll.runs.month_state import HELD
    from payroll.runs.result_reads import has_dictionary, read_rows
    from payroll.store.models import WorkerResult

    with Session(app.state.store.engine) as db:
        if has_dictionary(db, run_id):
            paid = or_(WorkerResult.pay_state.is_(None), WorkerResult.pay_state != HELD)
            found = db.exec(select(WorkerResult.department, func.count(), func.sum(WorkerResult.gross_pay), func.sum(WorkerResult.deductions_total),
                                   func.sum(WorkerResult.net_pay)).where(WorkerResult.run_id == run_id, paid).group_by(WorkerResult.department)).all()
            rows = [{"department": d, "workers": n, "gross_pay": g, "deductions_total": t, "net_pay": p} for d, n, g, t, p in found]
        else:
            rows = [{**r, "workers": 1} for r in read_rows(db, run_id, WORKER_COLUMNS) if r.get("pay_state") != HELD]
    by: dict[str, dict] = {}
    for row in rows:
        name = str(row.get("department") or "—")
        d = by.setdefault(name, {"department": name, "workers": 0, "gross_pay": 0, "deductions_total": 0, "net_pay": 0})
        for k in ("workers", "gross_pay", "deductions_total", "net_pay"):
            d[k] += int(row.get(k) or 0)
    return [by[k] for k in sorted(by)]


def decided_of_run(app, run_id: str) -> list[dict]:
    """The run's workers whose month carries an attendance decision (payroll.runs.month_state.decided_rows)."""
    from payroll.runs.month_state import decided_rows

    with Session(app.state.store.engine) as db:
        return decided_rows(db, run_id)


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
        raise InputError(f"{run.run_id}: {name}이(가) 실행의 산출물 폴더에 없습니다") from None
    if sha256_bytes(data) != manifest[name]:
        raise InputError(f"{run.run_id}: {name}이(가) 기록된 sha256과 다릅니다; 감사자에게 실행 재현(replay)을 요청하세요")
    return data


def all_runs(app) -> list[Run]:
    with Session(app.state.store.engine) as db:
        return list(db.exec(select(Run).order_by(Run.created_at.desc(), Run.run_id.desc()).limit(200)).all())


def employer_state(app) -> dict:
    """The employer's settings of the console's inputs: {"ok", "name", "pay_day", "error"} for the pages."""
    from payroll.case import InputError
    from payroll.employer import FILE_NAME, employer_in

    path = app.state.inputs_dir / FILE_NAME
    if not path.is_file():
        return {"ok": False, "error": "사업장 설정(employer.toml)을 올리세요: 모든 문서가 이 설정의 사업장명·사업자등록번호·임금지급일을 씁니다."}
    try:
        e = employer_in(app.state.inputs_dir)
    except InputError as exc:
        return {"ok": False, "error": str(exc).replace(str(app.state.inputs_dir) + "/", "")}
    return {"ok": True, "name": e.name, "business_number": e.business_number, "pay_day": e.pay_day_text(), "seal": e.seal_png is not None}


def employer_of(app, session=None):
    """The employer's settings every console document reads: the console's ``employer.toml`` (the one
    the next run takes), else as :func:`payroll.employer.find_employer` finds it (the latest run's)."""
    from payroll.employer import FILE_NAME, employer_in, find_employer

    if (app.state.inputs_dir / FILE_NAME).is_file():
        return employer_in(app.state.inputs_dir)
    return find_employer(session)
