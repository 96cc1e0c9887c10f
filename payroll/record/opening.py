"""Opening balances: what happened before the first run in this system, entered once.

``payroll import opening FILE`` takes any of four CSV files, told apart by their header:

| header | what | table |
|---|---|---|
| worker_id, year, total_pay, … (the ytd.csv format) | pay, premiums and tax of the year so far | record_opening_pay |
| worker_id, month, wages | wages of the months before (평균임금 of a 퇴직금: the last 3 months) | record_opening_wages |
| worker_id, as_of, minutes[, note] | 연차 left at the end of ``as_of`` (minutes) | record_opening_leave (kind opening) |
| worker_id, date, kind, minutes | 연차 and other leave taken before (the leave.csv format) | record_opening_leave |

Earlier service (contracts before the system) is imported with ``payroll import contracts``: a
contract is history like any other. Each file is validated with the reader the run uses (every
worker must be in the record) and then replaces the rows with the same key. A run writes these rows
back in the same formats (:func:`opening_files`) and stores them as its inputs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from sqlmodel import Session, select

from payroll.case import InputError
from payroll.csvfile import read_rows, read_text
from payroll.record.audit import record as audit_record
from payroll.record.models import OpeningLeave, OpeningPay, OpeningWages
from payroll.roster import Roster
from payroll.store.db import now

YTD_MONEY = ("total_pay", "non_taxable", "national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax")
KINDS = {
    "ytd": ("worker_id", "year", "total_pay"),
    "wages": ("worker_id", "month", "wages"),
    "leave_opening": ("worker_id", "as_of", "minutes"),
    "leave_history": ("worker_id", "date", "kind"),
}
KIND_LABELS = {"ytd": "연초부터의 급여·세액", "wages": "이전 달 임금", "leave_opening": "연차 이월 잔여", "leave_history": "이전 휴가 사용"}


def load_wages_csv(path: str | Path) -> dict[str, dict[str, int]]:
    """worker_id, month (YYYY-MM), wages → {worker: {month: wages}} for the 평균임금."""
    path = Path(path)
    out: dict[str, dict[str, int]] = {}
    for line, row in read_rows(path, ("worker_id", "month", "wages")):
        try:
            dt.date.fromisoformat(row["month"].strip() + "-01")
            amount = int(row["wages"])
        except ValueError:
            raise InputError(f"{path}: {line}행: month 또는 wages: YYYY-MM이나 정수가 아닙니다") from None
        if amount < 0:
            raise InputError(f"{path}: {line}행: wages: 0 이상이어야 합니다")
        month = row["month"].strip()
        if month in out.setdefault(row["worker_id"].strip(), {}):
            raise InputError(f"{path}: {line}행: month: {row['worker_id']}의 {month}이(가) 두 번 있습니다")
        out[row["worker_id"].strip()][month] = amount
    return out


def kind_of(path: Path) -> str:
    try:
        header = next(csv.reader(io.StringIO(read_text(path), newline="")), [])
    except csv.Error as exc:
        raise InputError(f"{path}: 1행: CSV 행이 아닙니다 ({exc})") from None
    names = {h.strip().lstrip("\ufeff") for h in header}
    for kind, needed in KINDS.items():
        if set(needed) <= names:
            return kind
    raise InputError(f"{path}: 1행: 어떤 기초 자료인지 알 수 없는 머리글입니다 (ytd.csv, wages.csv, leave_opening.csv, leave_history.csv 형식 중 하나)")


def _known(path: Path, roster: Roster, worker_ids) -> None:
    unknown = sorted(set(worker_ids) - set(roster.workers))
    if unknown:
        raise InputError(f"{path}: 기록에 없는 근로자: {', '.join(unknown[:10])}{' …' if len(unknown) > 10 else ''} — 근로자 명부를 먼저 가져오세요")


def import_opening(session: Session, path: Path, roster: Roster, actor: str, reason: str = "") -> tuple[str, int]:
    """Validate the file against the record's ``roster`` and store it (the caller commits). Returns (kind, rows)."""
    from payroll.leave.inputs import load_leave, load_opening
    from payroll.settlement import load_ytd_csv

    path = Path(path)
    kind = kind_of(path)
    at = now()
    if kind == "ytd":
        from payroll.periods import require_not_before

        rows = load_ytd_csv(path)
        _known(path, roster, (r.worker_id for r in rows))
        for r in rows:  # a leaving date before the hire would draw a 근무기간 that runs backwards
            w, cs = roster.workers[r.worker_id], roster.contracts_of(r.worker_id)
            starts = [c.start for c in cs] + ([w.first_hire_date] if w.first_hire_date else [])
            if r.leaving_date is not None and starts:
                require_not_before(r.leaving_date, min(starts), f"{path}: worker {r.worker_id} {r.year}: leaving_date")
        for r in rows:
            session.merge(OpeningPay(worker_id=r.worker_id, year=r.year, recorded_at=at, recorded_by=actor, **{k: getattr(r, k) for k in YTD_MONEY}))
        count = len(rows)
    elif kind == "wages":
        wages = load_wages_csv(path)
        _known(path, roster, wages)
        for wid, months in wages.items():
            for month, amount in months.items():
                session.merge(OpeningWages(worker_id=wid, month=month, wages=amount, recorded_at=at, recorded_by=actor))
        count = sum(len(m) for m in wages.values())
    elif kind == "leave_opening":
        rows = load_opening(path, roster)
        for r in rows:
            for old in session.exec(select(OpeningLeave).where(OpeningLeave.worker_id == r.worker_id, OpeningLeave.kind == "opening")).all():
                session.delete(old)
            session.add(OpeningLeave(worker_id=r.worker_id, day=r.as_of, kind="opening", minutes=r.minutes, note=r.note, recorded_at=at, recorded_by=actor))
        count = len(rows)
    else:
        load_leave(path, roster)  # every row checked against the contracts (a day off must be a working day)
        raw = read_rows(path, ("worker_id", "date", "kind", "minutes"))
        for _, row in raw:
            day = dt.date.fromisoformat(row["date"])
            for old in session.exec(select(OpeningLeave).where(OpeningLeave.worker_id == row["worker_id"], OpeningLeave.day == day, OpeningLeave.kind == row["kind"])).all():
                session.delete(old)
            session.add(OpeningLeave(worker_id=row["worker_id"], day=day, kind=row["kind"], minutes=int(row["minutes"]) if row["minutes"] else None,
                                     note="", recorded_at=at, recorded_by=actor))
        count = len(raw)
    audit_record(session, actor, "record.opening", kind, f"{path.name}: {count}행 ({KIND_LABELS[kind]}) {reason}".strip(), clock=lambda: at)
    session.flush()
    return kind, count


def _csv(header: tuple[str, ...], rows: list[list]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return out.getvalue().encode("utf-8")


def opening_files(session: Session, roster: Roster) -> list[tuple[str, str, bytes]]:
    """The opening rows of the roster's workers as the run's input files (role, name, bytes); none when empty."""
    ids = sorted(roster.workers)
    if not ids:
        return []
    out = []
    pay = session.exec(select(OpeningPay).where(OpeningPay.worker_id.in_(ids)).order_by(OpeningPay.worker_id, OpeningPay.year)).all()
    if pay:
        out.append(("opening_ytd", "_payroll/ytd.csv", _csv(("worker_id", "year") + YTD_MONEY, [[p.worker_id, p.year, *(getattr(p, k) for k in YTD_MONEY)] for p in pay])))
    wages = session.exec(select(OpeningWages).where(OpeningWages.worker_id.in_(ids)).order_by(OpeningWages.worker_id, OpeningWages.month)).all()
    if wages:
        out.append(("opening_wages", "_payroll/wages.csv", _csv(("worker_id", "month", "wages"), [[w.worker_id, w.month, w.wages] for w in wages])))
    leave = session.exec(select(OpeningLeave).where(OpeningLeave.worker_id.in_(ids)).order_by(OpeningLeave.worker_id, OpeningLeave.day, OpeningLeave.kind)).all()
    opening = [r for r in leave if r.kind == "opening"]
    taken = [r for r in leave if r.kind != "opening"]
    if taken:
        out.append(("opening_leave", "_payroll/leave_history.csv", _csv(("worker_id", "date", "kind", "minutes"), [[r.worker_id, r.day.isoformat(), r.kind, r.minutes] for r in taken])))
    if opening:
        out.append(("leave_opening", "_payroll/leave_opening.csv", _csv(("worker_id", "as_of", "minutes", "note"), [[r.worker_id, r.day.isoformat(), r.minutes, r.note] for r in opening])))
    return out


def opening_pay(session: Session, worker_id: str, year: int) -> OpeningPay | None:
    return session.get(OpeningPay, (worker_id, year))


def opening_wages(session: Session, worker_id: str) -> dict[str, int]:
    return {w.month: w.wages for w in session.exec(select(OpeningWages).where(OpeningWages.worker_id == worker_id)).all()}
