"""Reading the record: a worker as of a day, a worker's contracts, the roster a month is paid from.

These are the questions every other part asks (the run, the documents, the console, 연말정산):

- :func:`worker_as_of` — the worker's attributes in force on a day (department, 원천징수 declaration
  — 공제대상가족, 자녀, 80/100/120% — declared 보수월액 and 기준소득월액, bank account);
- :func:`contracts_of` — every contract of the worker, renewals included, by start date;
- :func:`roster_for_month` — the workers with a contract in a month and all their contracts, as the
  :class:`payroll.roster.Roster` the engine reads (a run stores it as its snapshot);
- :func:`roster_as_of` — every worker of the record on a day (the console, ``payroll doc --all``).

A contract's end is its agreed end, or the last working day of a recorded 중도포기서 when earlier.
A contract whose terms changed is given to the engine as back-to-back parts, one per version
(``C001``, ``C001~20260701``), so a month paid before the change keeps the old terms.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, select

from payroll.roster import Contract, Roster, Worker
from payroll.record.models import ContractTerms, RecordContract, RecordWorker, Resignation, WorkerVersion

#: WorkerVersion columns that are the worker's changing attributes (compared and copied by the change sets)
VERSION_FIELDS = ("department", "job", "employment", "income_type", "family", "children_8_20", "children_under_6", "withholding_ratio",
                  "insurance_base", "pension_base", "bank", "account", "email")
IDENTITY_FIELDS = ("name", "birth_date", "first_hire_date", "rrn_masked")
#: ContractTerms columns (the pay terms and the schedule)
TERM_FIELDS = ("pay_type", "wage", "pay_grade", "meal_allowance", "work_days", "start_time", "end_time", "break_minutes", "break_start", "workplace", "duties")
PERIOD_FIELDS = ("start", "end", "business")


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date(int(month[:4]), int(month[5:7]), 1)
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def version_on(versions: list, day: dt.date):
    """The version in force on ``day`` (versions sorted by effective); the first one before any."""
    chosen = versions[0]
    for v in versions:
        if v.effective <= day:
            chosen = v
        else:
            break
    return chosen


def to_worker(identity: RecordWorker, version: WorkerVersion) -> Worker:
    return Worker.model_validate({
        "worker_id": identity.worker_id, "name": identity.name, "birth_date": identity.birth_date, "first_hire_date": identity.first_hire_date,
        "rrn_masked": identity.rrn_masked or "", **{f: getattr(version, f) for f in VERSION_FIELDS},
    })


def _contract(c: RecordContract, terms: ContractTerms, start: dt.date, end: dt.date | None, contract_id: str) -> Contract:
    return Contract.model_validate({
        "contract_id": contract_id, "worker_id": c.worker_id, "start": start, "end": end, "business": c.business or "",
        **{f: getattr(terms, f) for f in TERM_FIELDS},
    })


def effective_end(c: RecordContract, resignation: Resignation | None) -> dt.date | None:
    if resignation is None:
        return c.end
    return resignation.last_working_day if c.end is None else min(c.end, resignation.last_working_day)


def part_id(contract_id: str, effective: dt.date) -> str:
    return f"{contract_id}~{effective:%Y%m%d}"


def contract_parts(c: RecordContract, terms: list[ContractTerms], resignation: Resignation | None) -> list[Contract]:
    """The contract as the engine reads it: one part per terms version, clipped to its effective end."""
    end = effective_end(c, resignation)
    out = []
    for k, t in enumerate(terms):
        start = c.start if k == 0 else max(c.start, t.effective)
        stop = terms[k + 1].effective - dt.timedelta(days=1) if k + 1 < len(terms) else end
        if end is not None and stop is not None:
            stop = min(stop, end)
        if stop is not None and stop < start:
            continue
        out.append(_contract(c, t, start, stop, c.contract_id if k == 0 else part_id(c.contract_id, t.effective)))
    return out


def contract_view(c: RecordContract, terms: list[ContractTerms], resignation: Resignation | None, day: dt.date | None = None) -> Contract:
    """The whole contract (its full period, effective end) with the terms in force on ``day`` (default: the latest)."""
    t = terms[-1] if day is None else version_on(terms, day)
    return _contract(c, t, c.start, effective_end(c, resignation), c.contract_id)


class _Loaded:
    """The rows of some workers, gathered in four queries (never one query per worker)."""

    def __init__(self, session: Session, worker_ids: Iterable[str] | None):
        ids = None if worker_ids is None else sorted(set(worker_ids))

        def only(q, column):
            return q if ids is None else q.where(column.in_(ids))

        self.identities = {w.worker_id: w for w in session.exec(only(select(RecordWorker), RecordWorker.worker_id)).all()}
        self.versions: dict[str, list[WorkerVersion]] = defaultdict(list)
        for v in session.exec(only(select(WorkerVersion), WorkerVersion.worker_id).order_by(WorkerVersion.worker_id, WorkerVersion.effective)).all():
            self.versions[v.worker_id].append(v)
        self.contracts: dict[str, list[RecordContract]] = defaultdict(list)
        for c in session.exec(only(select(RecordContract), RecordContract.worker_id).order_by(RecordContract.worker_id, RecordContract.start, RecordContract.contract_id)).all():
            self.contracts[c.worker_id].append(c)
        cids = [c.contract_id for cs in self.contracts.values() for c in cs]
        self.terms: dict[str, list[ContractTerms]] = defaultdict(list)
        self.resignations: dict[str, Resignation] = {}
        if cids:
            tq = select(ContractTerms).order_by(ContractTerms.contract_id, ContractTerms.effective)
            rq = select(Resignation)
            if ids is not None:
                tq, rq = tq.where(ContractTerms.contract_id.in_(cids)), rq.where(Resignation.worker_id.in_(ids))
            for t in session.exec(tq).all():
                self.terms[t.contract_id].append(t)
            self.resignations = {r.contract_id: r for r in session.exec(rq).all()}

    def worker(self, worker_id: str, day: dt.date) -> Worker | None:
        identity, versions = self.identities.get(worker_id), self.versions.get(worker_id)
        return to_worker(identity, version_on(versions, day)) if identity and versions else None

    def parts(self, worker_id: str) -> list[Contract]:
        return [p for c in self.contracts.get(worker_id, ()) for p in contract_parts(c, self.terms[c.contract_id], self.resignations.get(c.contract_id))]

    def views(self, worker_id: str, day: dt.date | None = None) -> list[Contract]:
        return [contract_view(c, self.terms[c.contract_id], self.resignations.get(c.contract_id), day) for c in self.contracts.get(worker_id, ())]

    def roster(self, day: dt.date, *, parts: bool = False) -> Roster:
        """The loaded workers as of ``day`` with their contracts whole (latest terms) or in parts (as a run reads them)."""
        workers = {wid: w for wid in sorted(self.identities) if (w := self.worker(wid, day)) is not None}
        return Roster(workers=workers, contracts=tuple(c for wid in workers for c in (self.parts(wid) if parts else self.views(wid))))


def load(session: Session, worker_ids: Iterable[str] | None) -> _Loaded:
    """The record of some workers (or of all, with None) read once, in four queries."""
    return _Loaded(session, worker_ids)


def worker_as_of(session: Session, worker_id: str, day: dt.date) -> Worker | None:
    """The worker's attributes in force on ``day`` (None when the record has no such worker)."""
    return _Loaded(session, [worker_id]).worker(worker_id, day)


def versions_of(session: Session, worker_id: str) -> list[WorkerVersion]:
    """Every dated version of the worker, oldest first (the history the worker page shows)."""
    return list(session.exec(select(WorkerVersion).where(WorkerVersion.worker_id == worker_id).order_by(WorkerVersion.effective)).all())


def contracts_of(session: Session, worker_id: str, day: dt.date | None = None) -> list[Contract]:
    """Every contract of the worker by start date: the whole period (a 중도포기서 ends it early) with the
    terms in force on ``day`` (default: the latest terms)."""
    return _Loaded(session, [worker_id]).views(worker_id, day)


def terms_history(session: Session, contract_id: str) -> list[ContractTerms]:
    return list(session.exec(select(ContractTerms).where(ContractTerms.contract_id == contract_id).order_by(ContractTerms.effective)).all())


def workers_in(session: Session, first: dt.date, last: dt.date) -> list[str]:
    """The workers with a contract that overlaps [first, last] (a 중도포기서 is looked at later)."""
    q = select(RecordContract.worker_id).where(RecordContract.start <= last).where((RecordContract.end.is_(None)) | (RecordContract.end >= first))
    return sorted(set(session.exec(q).all()))


def roster_for_month(session: Session, month: str) -> Roster:
    """The roster a month is paid from: every worker with a contract in the month, as of the month's
    last day, with all their contracts (earlier service counts for 근속, 연차 and 퇴직금)."""
    first, last = month_bounds(month)
    loaded = _Loaded(session, workers_in(session, first, last))
    workers, contracts = {}, []
    for wid in sorted(loaded.identities):
        parts = loaded.parts(wid)
        if not any(p.start <= last and (p.end is None or p.end >= first) for p in parts):
            continue  # a 중도포기서 ended the service before the month
        w = loaded.worker(wid, last)
        if w is None:
            continue
        workers[wid] = w
        contracts += parts
    return Roster(workers=workers, contracts=tuple(contracts))


def roster_as_of(session: Session, day: dt.date, worker_ids: Iterable[str] | None = None) -> Roster:
    """Every worker of the record (or ``worker_ids``) as of ``day``, each contract whole with its latest terms."""
    return _Loaded(session, worker_ids).roster(day)


def has_workers(session: Session) -> bool:
    return session.exec(select(RecordWorker.worker_id).limit(1)).first() is not None


def roster_of_workers(session: Session, worker_ids: Iterable[str], day: dt.date) -> Roster:
    """The given workers as of ``day`` with all their contracts in parts (as a run reads them: the 연차 ledger)."""
    return _Loaded(session, worker_ids).roster(day, parts=True)
