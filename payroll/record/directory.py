"""Finding workers and summing up one: the search of ``/workers`` and the worker page.

- :func:`search` — every worker matching a text (사번, 성명, 부서, 사업) and a status on a day:
  재직 (employed), 퇴직 예정 (employed, the service ends within :data:`LEAVING_WINDOW_DAYS` days),
  퇴직 (the service ended), 입사 예정 (the first contract starts later). It reads plain columns in a
  handful of queries (no per-worker query), so it answers for a district's whole record at once.
- :func:`payslips` — every stored payslip of the worker, by month (the run paid for the month first);
- :func:`year_to_date` — the year's sums over the paid runs;
- :func:`kind_label` — 공무직, 기간제, 단시간 (주 소정근로시간 40시간 미만: 근로기준법 §2①9), 일용.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func as core_func, select as core_select
from sqlmodel import Session, select

from payroll.record.models import ContractTerms, RecordContract, RecordWorker, Resignation, WorkerVersion
from payroll.store.models import MonthLock, Run, WorkerResult

LEAVING_WINDOW_DAYS = 31
STATUS_LABELS = {"employed": "재직", "leaving": "퇴직 예정", "left": "퇴직", "hired": "입사 예정"}
FULL_TIME_WEEKLY_MINUTES = 40 * 60  # 근로기준법 §50①
EMPLOYMENT_LABELS = {"public_service": "공무직", "fixed_term": "기간제"}
YTD_FIELDS = ("gross_pay", "taxable_pay", "deductions_total", "income_tax", "local_income_tax", "net_pay")


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def weekly_minutes(work_days: str, start: str, end: str, break_minutes: int) -> int:
    a, b = _minutes(start), _minutes(end)
    return ((b - a if b > a else b + 24 * 60 - a) - break_minutes) * len(set(work_days))


def kind_label(employment: str, income_type: str, weekly: int | None) -> str:
    if income_type == "daily":
        return "일용"
    if weekly is not None and weekly < FULL_TIME_WEEKLY_MINUTES:
        return f"단시간 {EMPLOYMENT_LABELS.get(employment, employment)}"
    return EMPLOYMENT_LABELS.get(employment, employment)


@dataclass
class WorkerRow:
    worker_id: str
    name: str
    department: str
    job: str
    kind: str
    businesses: list[str]
    status: str
    service_start: dt.date | None
    service_end: dt.date | None
    rrn_masked: str
    contract_end: dt.date | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class ServiceContract:
    """What the status of a worker needs of a contract: its period (a 중도포기서 applied) and 사업."""

    contract_id: str
    start: dt.date
    end: dt.date | None
    business: str
    weekly: int | None = None


def status_on(contracts: list[ServiceContract], day: dt.date) -> tuple[str, dt.date | None, dt.date | None]:
    """(status, start of the current or last service, its end) from contracts sorted by start."""
    if not contracts:
        return "left", None, None
    # a service: contracts following each other without a day between them
    services: list[list[ServiceContract]] = []
    for c in contracts:
        if services and (services[-1][-1].end is None or c.start <= services[-1][-1].end + dt.timedelta(days=1)):
            services[-1].append(c)
        else:
            services.append([c])
    spans = [(s[0].start, None if any(c.end is None for c in s) else max(c.end for c in s)) for s in services]
    for start, end in spans:
        if start <= day and (end is None or day <= end):
            return ("leaving" if end is not None and (end - day).days < LEAVING_WINDOW_DAYS else "employed"), start, end
    future = [sp for sp in spans if sp[0] > day]
    if future:
        return "hired", future[0][0], future[0][1]
    return "left", spans[-1][0], spans[-1][1]


#: the last directory read, by (database, day, the record's version — the last ``record.…`` audit
#: row): every change of the record writes one in its own transaction, so a new one means "read
#: again"; a page view or a download (which writes an audit row of another action) reuses the rows,
#: and a search filters them in memory
_ROWS: dict[tuple, list[WorkerRow]] = {}


def search(session: Session, day: dt.date, text: str = "", status: str = "", limit: int | None = None) -> list[WorkerRow]:
    """The workers matching ``text`` (사번, 성명, 부서, 직종, 사업; any case) and ``status`` on ``day``."""
    from payroll.record.audit import record_version

    stamp = (str(session.get_bind().url), day, record_version(session))
    rows = _ROWS.get(stamp)
    if rows is None:
        rows = _directory(session, day)
        _ROWS.clear()
        _ROWS[stamp] = rows
    text = text.strip().lower()
    out = [r for r in rows if (not text or any(text in s.lower() for s in (r.worker_id, r.name, r.department, r.job, *r.businesses)))
           and (not status or r.status == status)]
    return out if limit is None else out[:limit]


def _directory(session: Session, day: dt.date) -> list[WorkerRow]:
    """Every worker of the record on ``day``: a handful of queries of plain columns, no query per worker."""
    versions: dict[str, tuple] = {}
    q = core_select(WorkerVersion.worker_id, WorkerVersion.effective, WorkerVersion.department, WorkerVersion.job, WorkerVersion.employment,
                    WorkerVersion.income_type).where(WorkerVersion.effective <= day).order_by(WorkerVersion.worker_id, WorkerVersion.effective)
    for row in session.execute(q):
        versions[row[0]] = row
    if len(versions) < session.execute(core_select(core_func.count()).select_from(RecordWorker)).scalar_one():
        later = core_select(WorkerVersion.worker_id, WorkerVersion.effective, WorkerVersion.department, WorkerVersion.job, WorkerVersion.employment,
                            WorkerVersion.income_type).order_by(WorkerVersion.worker_id, WorkerVersion.effective)
        for row in session.execute(later):  # a worker whose every version is later than ``day``: the earliest one
            versions.setdefault(row[0], row)
    ends = dict(session.execute(core_select(Resignation.contract_id, Resignation.last_working_day)).all())
    weekly: dict[str, int] = {}
    for cid, _eff, wd, st, en, br in session.execute(core_select(ContractTerms.contract_id, ContractTerms.effective, ContractTerms.work_days, ContractTerms.start_time,
                                                                 ContractTerms.end_time, ContractTerms.break_minutes).order_by(ContractTerms.contract_id, ContractTerms.effective)):
        weekly[cid] = weekly_minutes(wd, st, en, br)  # the latest terms win
    contracts: dict[str, list[ServiceContract]] = {}
    for cid, wid, start, end, business in session.execute(core_select(RecordContract.contract_id, RecordContract.worker_id, RecordContract.start, RecordContract.end,
                                                                       RecordContract.business).order_by(RecordContract.worker_id, RecordContract.start)):
        if cid in ends:
            end = ends[cid] if end is None else min(end, ends[cid])
        contracts.setdefault(wid, []).append(ServiceContract(cid, start, end, business or "", weekly.get(cid)))
    out = []
    for wid, name, masked in session.execute(core_select(RecordWorker.worker_id, RecordWorker.name, RecordWorker.rrn_masked).order_by(RecordWorker.worker_id)):
        v = versions.get(wid)
        if v is None:
            continue
        cs = contracts.get(wid, [])
        businesses = sorted({c.business for c in cs if c.business})
        st, start, end = status_on(cs, day)
        current = next((c for c in reversed(cs) if c.start <= day), cs[0] if cs else None)
        out.append(WorkerRow(wid, name, v[2], v[3], kind_label(v[4], v[5], current.weekly if current else None), businesses, st, start, end, masked or "",
                             current.end if current else None))
    return out


@dataclass
class Payslip:
    month: str
    run_id: str
    kind: str  # regular | correction
    pay_date: dt.date
    gross_pay: int
    net_pay: int
    paid: bool  # the run paid for the month (closing run, or the latest regular run of an open month)
    slip: str  # the payslip's manifest name
    closed: bool = False
    extra: dict = field(default_factory=dict)


def payslips(session: Session, worker_id: str) -> list[Payslip]:
    """Every stored payslip of the worker, newest month first (within a month, the paid run first)."""
    q = (core_select(WorkerResult.run_id, WorkerResult.row, WorkerResult.gross_pay, WorkerResult.net_pay, Run.month, Run.kind, Run.pay_date, Run.created_at)
         .join(Run, Run.run_id == WorkerResult.run_id).where(WorkerResult.worker_id == worker_id))
    rows = session.execute(q).all()
    per_run: dict[str, int] = {}
    for r in rows:
        per_run[r.run_id] = per_run.get(r.run_id, 0) + 1
    locks = dict(session.execute(core_select(MonthLock.month, MonthLock.run_id)).all())
    latest: dict[str, tuple] = {}
    for r in rows:
        if r.kind == "regular" and (r.month not in latest or r.created_at > latest[r.month]):
            latest[r.month] = r.created_at
    out = []
    for r in rows:
        # the run names a payslip as payroll.runs.outputs.payslip_names does: by worker, or by worker
        # and row when the worker has two rows in the run (the manifest is not read: it lists everyone)
        slip = f"payslips/{worker_id}.pdf" if per_run[r.run_id] == 1 else f"payslips/{worker_id}_{r.row}.pdf"
        paid = locks.get(r.month) == r.run_id if r.month in locks else (r.kind == "regular" and r.created_at == latest.get(r.month))
        out.append(Payslip(r.month, r.run_id, r.kind, r.pay_date, int(r.gross_pay), int(r.net_pay), paid, slip, r.month in locks))
    return sorted(out, key=lambda p: (p.month, p.paid, p.run_id), reverse=True)


def year_to_date(session: Session, worker_id: str, year: int, slips: list[Payslip] | None = None) -> dict[str, int]:
    """The year's sums over the worker's paid payslips (one run per month; ``slips``: :func:`payslips` already read)."""
    slips = payslips(session, worker_id) if slips is None else slips
    paid = {(p.month, p.run_id) for p in slips if p.paid and p.month.startswith(f"{year:04d}-")}
    sums = dict.fromkeys(YTD_FIELDS, 0)
    sums["months"] = len({m for m, _ in paid})
    if not paid:
        return sums
    q = core_select(WorkerResult.run_id, *(getattr(WorkerResult, f) for f in YTD_FIELDS)).where(WorkerResult.worker_id == worker_id,
                                                                                                 WorkerResult.run_id.in_([r for _, r in paid]))
    for row in session.execute(q):
        for f, v in zip(YTD_FIELDS, row[1:]):
            sums[f] += int(v)
    return sums


def worker_identity(session: Session, worker_id: str) -> RecordWorker | None:
    return session.get(RecordWorker, worker_id)


def businesses(session: Session) -> list[str]:
    return sorted(b for b in session.exec(select(RecordContract.business).distinct()).all() if b)
