"""Change sets: what a roster or contracts file would change in the record, shown before it is applied.

:func:`roster_changes` and :func:`contract_changes` compare a file (already read and validated) with
the record and list new hires, leavers (a contract that now ends, with no contract continuing the
service), changed attributes and terms, and the workers of the record missing from the file (shown,
never deleted). :func:`apply` writes a change set in one transaction: every change effective-dated
and in the audit log with who and why. A change that would alter a month already closed is refused
(only an approved correction run passes ``allow_closed``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from payroll.case import InputError
from payroll.record.audit import record as audit_record
from payroll.record.audit import record_all as audit_record_all
from payroll.record.audit import values as audit_values
from payroll.record.models import SINCE_ALWAYS, ContractTerms, RecordContract, RecordWorker, WorkerVersion
from payroll.record.people import IDENTITY_FIELDS, TERM_FIELDS, VERSION_FIELDS, load, month_bounds, version_on
from payroll.roster import Contract, Worker
from payroll.security.identifiers import CONTRACT_ID
from payroll.store.db import now
from payroll.store.models import MonthLock

FIELD_LABELS = {
    "name": "성명", "birth_date": "생년월일", "first_hire_date": "최초 입사일", "rrn_masked": "주민등록번호(가림)", "department": "부서", "job": "직종",
    "employment": "고용 형태", "income_type": "소득 구분", "family": "공제대상가족", "children_8_20": "8~20세 자녀", "children_under_6": "6세 이하 자녀",
    "withholding_ratio": "원천징수 비율", "insurance_base": "보수월액", "pension_base": "기준소득월액", "bank": "은행", "account": "계좌번호", "email": "전자우편",
    "start": "계약 시작일", "end": "계약 종료일", "business": "사업", "pay_type": "임금 형태", "wage": "임금", "pay_grade": "보수 등급", "meal_allowance": "식대",
    "work_days": "근무 요일", "start_time": "시업", "end_time": "종업", "break_minutes": "휴게(분)", "break_start": "휴게 시작", "workplace": "근무 장소", "duties": "업무",
}


@dataclass(frozen=True)
class FieldChange:
    target: str  # worker_id or contract_id
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


@dataclass
class ChangeSet:
    source: str
    effective: dt.date
    new_workers: list[Worker] = field(default_factory=list)
    worker_changes: list[FieldChange] = field(default_factory=list)
    new_contracts: list[Contract] = field(default_factory=list)
    contract_changes: list[FieldChange] = field(default_factory=list)
    leavers: list[tuple[str, dt.date]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    workers: dict[str, Worker] = field(default_factory=dict)  # the file's workers (values written on apply)
    contracts: dict[str, Contract] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new_workers or self.worker_changes or self.new_contracts or self.contract_changes)

    def counts(self) -> dict[str, int]:
        return {"신규 채용": len(self.new_workers), "퇴직 예정": len(self.leavers), "근로자 변경": len({c.target for c in self.worker_changes}),
                "신규 계약": len(self.new_contracts), "계약 변경": len({c.target for c in self.contract_changes}), "파일에 없는 근로자": len(self.missing)}


def closed_months(session: Session) -> list[str]:
    return sorted(session.exec(select(MonthLock.month)).all())


def check_open(session: Session, first: dt.date, last: dt.date | None, what: str, allow_closed: bool = False, closed: list[str] | None = None) -> None:
    """Refuse a change that reaches a closed month (the months from ``first`` to ``last``; None: onward).
    ``closed``: the closed months when the caller read them already (one query for a whole change set)."""
    if allow_closed:
        return
    lo, hi = f"{first:%Y-%m}", f"{last:%Y-%m}" if last is not None else "9999-12"
    hit = [m for m in (closed_months(session) if closed is None else closed) if lo <= m <= hi]
    if hit:
        raise InputError(f"{what}: {', '.join(hit)}은(는) 마감된 달입니다. 마감된 달은 바꿀 수 없습니다 — 변경 적용일을 {_after(hit[-1])} 이후로 하거나, 승인자의 정정 실행으로 고치세요")


def _after(month: str) -> str:
    return (month_bounds(month)[1] + dt.timedelta(days=1)).isoformat()


def default_effective(session: Session) -> dt.date:
    """The first day after the last closed month (a change never reaches a closed month); with none closed, from the start."""
    months = closed_months(session)
    return dt.date.fromisoformat(_after(months[-1])) if months else SINCE_ALWAYS


def _values(model, fields) -> dict[str, Any]:
    return {f: getattr(model, f) for f in fields}


def roster_changes(session: Session, workers: list[Worker], effective: dt.date, source: str) -> ChangeSet:
    cs = ChangeSet(source=source, effective=effective, workers={w.worker_id: w for w in workers})
    loaded = load(session, None)
    for w in workers:
        have = loaded.worker(w.worker_id, effective)
        if have is None:
            cs.new_workers.append(w)
            continue
        for f in IDENTITY_FIELDS + VERSION_FIELDS:
            if f == "rrn_masked" and not getattr(w, f):
                continue  # a file without the masked number keeps the recorded one
            if getattr(have, f) != getattr(w, f):
                cs.worker_changes.append(FieldChange(w.worker_id, f, getattr(have, f), getattr(w, f)))
    cs.missing = _missing(loaded, set(cs.workers), effective)
    return cs


def _missing(loaded, in_file: set[str], day: dt.date) -> list[str]:
    """Workers of the record employed on or after ``day`` who are not in the file."""
    return sorted(wid for wid, cs in loaded.contracts.items() if wid not in in_file and any(c.end is None or c.end >= day for c in cs))


def contract_changes(session: Session, contracts: list[Contract], effective: dt.date, source: str, known_workers: set[str] = frozenset()) -> ChangeSet:
    cs = ChangeSet(source=source, effective=effective, contracts={c.contract_id: c for c in contracts})
    loaded = load(session, None)
    views = {c.contract_id: c for wid in loaded.contracts for c in loaded.views(wid, max(effective, SINCE_ALWAYS))}
    for c in contracts:
        CONTRACT_ID.check(c.contract_id, source)  # a part of a contract (C001~20260701) is the record's own name, not an import's
        if c.worker_id not in loaded.identities and c.worker_id not in known_workers:
            raise InputError(f"{source}: 계약 {c.contract_id}: 근로자 {c.worker_id}이(가) 기록에 없습니다 — 근로자 명부를 먼저 가져오세요")
        have = views.get(c.contract_id)
        if have is None:
            cs.new_contracts.append(c)
        else:
            if have.worker_id != c.worker_id:
                raise InputError(f"{source}: 계약 {c.contract_id}: 기록에는 근로자 {have.worker_id}의 계약입니다 (파일: {c.worker_id})")
            for f in ("start", "end", "business") + TERM_FIELDS:
                if getattr(have, f) != getattr(c, f):
                    cs.contract_changes.append(FieldChange(c.contract_id, f, getattr(have, f), getattr(c, f)))
    recorded: dict[str, list[Contract]] = {}  # each worker's contracts, grouped once (not a scan per worker)
    in_file: dict[str, list[Contract]] = {}
    for c in views.values():
        recorded.setdefault(c.worker_id, []).append(c)
    for c in contracts:
        in_file.setdefault(c.worker_id, []).append(c)
    for wid in dict.fromkeys([*recorded, *in_file]):
        merged = {c.contract_id: c for c in recorded.get(wid, [])}
        merged.update({c.contract_id: c for c in in_file.get(wid, [])})
        _check_overlap(source, wid, list(merged.values()))
        before = _service_end(recorded.get(wid, []))
        after = _service_end(list(merged.values()))
        if after is not None and after != before and after >= effective:
            cs.leavers.append((wid, after))
    cs.missing = _missing(loaded, {c.worker_id for c in contracts}, effective)
    return cs


def _service_end(contracts: list[Contract]) -> dt.date | None:
    if not contracts or any(c.end is None for c in contracts):
        return None
    return max(c.end for c in contracts)


def _check_overlap(source: str, worker_id: str, contracts: list[Contract]) -> None:
    cs = sorted(contracts, key=lambda c: c.start)
    for a, b in zip(cs, cs[1:]):
        if a.end is None or b.start <= a.end:
            raise InputError(f"{source}: 근로자 {worker_id}의 계약 {a.contract_id}와 {b.contract_id}의 기간이 겹칩니다")


def apply(session: Session, cs: ChangeSet, actor: str, reason: str, *, allow_closed: bool = False) -> dict[str, int]:
    """Write the change set (the caller commits). Returns its counts.

    New workers and new contracts — a whole roster on its first import — are inserted in bulk (one
    statement a table), the closed months read once."""
    at = now()
    clock = lambda: at  # noqa: E731 - one time for the whole change set
    eff = cs.effective
    closed = None if allow_closed else closed_months(session)
    session.flush()
    for c in cs.new_contracts:
        check_open(session, c.start, c.end, f"{cs.source}: 계약 {c.contract_id}", allow_closed, closed)
    _insert(session, RecordWorker, [{"worker_id": w.worker_id, "recorded_at": at, "recorded_by": actor, **_values(w, IDENTITY_FIELDS)} for w in cs.new_workers])
    _insert(session, WorkerVersion, [{"worker_id": w.worker_id, "effective": SINCE_ALWAYS, "recorded_at": at, "recorded_by": actor, "reason": reason,
                                      **_values(w, VERSION_FIELDS)} for w in cs.new_workers])
    audit_rows = [audit_values(at, actor, "record.hire", w.worker_id, f"{cs.source}: {w.name}, {w.department}; {reason}") for w in cs.new_workers]
    _insert(session, RecordContract, [_contract_values(c, actor, at) for c in cs.new_contracts])
    _insert(session, ContractTerms, [_terms_values(c, c.start, actor, reason, at) for c in cs.new_contracts])
    audit_rows += [audit_values(at, actor, "record.contract_add", c.contract_id, f"{cs.source}: {c.worker_id} {c.start} ~ {c.end or ''} {c.business}; {reason}")
                   for c in cs.new_contracts]
    audit_record_all(session, audit_rows)
    changed_workers = sorted({c.target for c in cs.worker_changes})
    for wid in changed_workers:
        _new_worker_version(session, cs.workers[wid], eff, actor, reason, at, allow_closed)
        shown = "; ".join(f"{c.label} {_fmt(c.old)} → {_fmt(c.new)}" for c in cs.worker_changes if c.target == wid)
        audit_record(session, actor, "record.worker_change", wid, f"{cs.source}: {eff} 부터 {shown}; {reason}", clock=clock)
    for cid in sorted({c.target for c in cs.contract_changes}):
        fields = {c.field: c for c in cs.contract_changes if c.target == cid}
        _change_contract(session, cs.contracts[cid], fields, eff, actor, reason, at, allow_closed, cs.source)
        shown = "; ".join(f"{c.label} {_fmt(c.old)} → {_fmt(c.new)}" for c in fields.values())
        audit_record(session, actor, "record.contract_change", cid, f"{cs.source}: {max(eff, cs.contracts[cid].start)} 부터 {shown}; {reason}", clock=clock)
    session.flush()
    return cs.counts()


def _fmt(v: Any) -> str:
    return "—" if v is None or v == "" else str(v)


def _new_worker_version(session: Session, w: Worker, effective: dt.date, actor: str, reason: str, at: dt.datetime, allow_closed: bool) -> None:
    identity = session.get(RecordWorker, w.worker_id)
    for f in IDENTITY_FIELDS:
        if f == "rrn_masked" and not w.rrn_masked:
            continue
        setattr(identity, f, getattr(w, f))
    session.add(identity)
    versions = session.exec(select(WorkerVersion).where(WorkerVersion.worker_id == w.worker_id).order_by(WorkerVersion.effective)).all()
    if any(getattr(version_on(list(versions), effective), f) != getattr(w, f) for f in VERSION_FIELDS):
        check_open(session, effective, None, f"근로자 {w.worker_id}", allow_closed)
        same_day = next((v for v in versions if v.effective == effective), None)
        row = same_day or WorkerVersion(worker_id=w.worker_id, effective=effective)
        for f, v in _values(w, VERSION_FIELDS).items():
            setattr(row, f, v)
        row.recorded_at, row.recorded_by, row.reason = at, actor, reason
        session.add(row)


def _insert(session: Session, model, rows: list[dict]) -> None:
    """Insert ``rows`` into ``model``'s table in one executemany (the column defaults of the table apply)."""
    if rows:
        session.execute(insert(model.__table__), rows)


def _contract_values(c: Contract, actor: str, at: dt.datetime) -> dict:
    return {"contract_id": c.contract_id, "worker_id": c.worker_id, "start": c.start, "end": c.end, "business": c.business, "recorded_at": at, "recorded_by": actor}


def _terms_values(c: Contract, effective: dt.date, actor: str, reason: str, at: dt.datetime) -> dict:
    values = _values(c, TERM_FIELDS)
    values["start_time"], values["end_time"] = c.start_time.strftime("%H:%M"), c.end_time.strftime("%H:%M")
    values["break_start"] = c.break_start.strftime("%H:%M") if c.break_start is not None else None
    return {"contract_id": c.contract_id, "effective": effective, "recorded_at": at, "recorded_by": actor, "reason": reason, **values}


def _terms_row(c: Contract, effective: dt.date, actor: str, reason: str, at: dt.datetime) -> ContractTerms:
    return ContractTerms(**_terms_values(c, effective, actor, reason, at))


def _change_contract(session: Session, c: Contract, fields: dict[str, FieldChange], effective: dt.date, actor: str, reason: str,
                     at: dt.datetime, allow_closed: bool, source: str) -> None:
    row = session.get(RecordContract, c.contract_id)
    what = f"{source}: 계약 {c.contract_id}"
    if "start" in fields or "end" in fields or "business" in fields:
        if "business" in fields:  # the 사업 of months already paid would move: only for months still open
            check_open(session, row.start, row.end, what, allow_closed)
        for f in ("start", "end"):  # the months between the old and the new date change
            if f in fields:
                old, new = fields[f].old, fields[f].new
                lo = min(d for d in (old, new) if d is not None)
                check_open(session, lo, None if old is None or new is None else max(old, new), what, allow_closed)
        row.start, row.end, row.business = c.start, c.end, c.business
        session.add(row)
        if "start" in fields:  # the first terms version follows the contract's start
            first = session.exec(select(ContractTerms).where(ContractTerms.contract_id == c.contract_id).order_by(ContractTerms.effective)).first()
            first.effective = c.start
            session.add(first)
    if any(f in TERM_FIELDS for f in fields):
        day = max(effective, c.start)
        check_open(session, day, c.end, what, allow_closed)
        terms = session.exec(select(ContractTerms).where(ContractTerms.contract_id == c.contract_id, ContractTerms.effective == day)).first()
        new = _terms_row(c, day, actor, reason, at)
        if terms is None:
            session.add(new)
        else:
            for f in TERM_FIELDS + ("recorded_at", "recorded_by", "reason"):
                setattr(terms, f, getattr(new, f))
            session.add(terms)
