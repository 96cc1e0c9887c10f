"""Every HR document from the record and the stored runs: one function per kind, behind the CLI and the console.

``payroll doc <kind>`` and the console's worker page call these functions with the same arguments,
so they give the same numbers and the same bytes. Nothing but the database is read:

- 근로계약서: the contract record (each contract whole, its latest terms);
- 경력증명서: every contract of the worker (renewals and earlier service), numbered in the register;
- 근로소득 원천징수영수증: the settlement of the leaving month's stored run (checked against what it
  withheld); for a year the worker finished here without leaving, the year's stored pay and opening
  balance once December is paid;
- 퇴직소득 원천징수영수증: the 퇴직금 the leaving month's run paid (the last 3 months of stored pay);
- 일용근로소득 지급명세: the stored run of the month;
- 중도포기서: recorded in the record, then drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from payroll.case import InputError, NotApplicable
from payroll.documents.office import Office
from payroll.record import people
from payroll.record.registers import issue_numbered, record_resignation
from payroll.store.models import WorkerResult

KINDS = ("contract", "resignation", "career", "withholding", "severance", "daily")


@dataclass(frozen=True)
class Paper:
    kind: str
    worker_id: str
    stem: str  # the file name without suffix, e.g. withholding-P00001-2026
    pdf: bytes
    data: dict
    document_id: int | None = None  # the register's row, for a numbered document


def _stamp_date(data: dict) -> dt.date | None:
    """The document's own date (issue or submission), which stamps its XLSX; None → the zip epoch."""
    for key in ("issued_on", "submitted_on"):
        if data.get(key):
            return dt.date.fromisoformat(data[key])
    return None


def write(out: Path, paper: Paper) -> list[Path]:
    """``<stem>.pdf`` and its data twice: ``<stem>.json`` and ``<stem>.xlsx`` (payroll/documents/data_xlsx.py)."""
    from payroll.case import dumps
    from payroll.documents.data_xlsx import data_workbook

    from payroll.security.identifiers import contained

    out.mkdir(parents=True, exist_ok=True)
    p, j, x = (contained(out, f"{paper.stem}{suffix}") for suffix in (".pdf", ".json", ".xlsx"))
    p.write_bytes(paper.pdf)
    j.write_text(dumps(paper.data) + "\n", encoding="utf-8")
    x.write_bytes(data_workbook(paper.data, _stamp_date(paper.data)))
    return [p, j, x]


def _worker(session: Session, worker_id: str, day: dt.date):
    w = people.worker_as_of(session, worker_id, day)
    if w is None:
        raise InputError(f"기록에 근로자 {worker_id!r}이(가) 없습니다")
    return w


def contract_papers(session: Session, worker_id: str, office: Office, contract_id: str | None = None) -> list[Paper]:
    from payroll.documents.contract import contract_data, contract_pdf

    out = []
    for c in people.contracts_of(session, worker_id):
        if contract_id is not None and c.contract_id != contract_id:
            continue
        w = _worker(session, worker_id, c.start)
        out.append(Paper("contract", worker_id, f"contract-{c.contract_id}", contract_pdf(w, c, office), contract_data(w, c, office)))
    return out


def career_paper(session: Session, worker_id: str, office: Office, issued: dt.date, actor: str, purpose: str = "") -> Paper:
    """Issue a numbered 경력증명서 from every contract of the worker, entered in the register (the caller commits)."""
    from payroll.documents import career

    w = _worker(session, worker_id, issued)
    contracts = people.contracts_of(session, worker_id)
    if not [c for c in contracts if c.start <= issued]:
        raise InputError(f"{worker_id}: {issued} 이전에 시작한 계약이 없어 경력증명서를 발급할 수 없습니다")
    numbered: dict = {}

    def make(number: str) -> bytes:
        numbered["number"] = number
        return career.career_pdf(w, contracts, office, issued, number, purpose)

    pdf, row = issue_numbered(session, "career", worker_id, issued, make, actor, purpose)
    number = numbered["number"]
    return Paper("career", worker_id, f"career-{worker_id}-{number}", pdf, career.career_data(w, contracts, office, issued, number, purpose), row.id)


def _service_span(contracts, year: int, end: dt.date) -> tuple[dt.date, dt.date]:
    starts = [c.start for c in contracts if c.start.year <= year and (c.end is None or c.end.year >= year)]
    start = max(dt.date(year, 1, 1), min(starts)) if starts else dt.date(year, 1, 1)
    return start, end


def withholding_settlement(session: Session, worker_id: str, year: int):
    """(Settlement, worker, (start, end), source) of the worker's 근로소득 of ``year`` from the record."""
    from payroll.runs.receipts import leaver_settlement, leaving_years

    record = people.roster_as_of(session, dt.date(year, 12, 31), [worker_id])
    if worker_id not in record.workers:
        raise InputError(f"기록에 근로자 {worker_id!r}이(가) 없습니다")
    if (record.workers[worker_id].income_type or "regular") == "daily":
        raise InputError(f"{worker_id}: 일용근로소득은 지급할 때 원천징수로 끝나고 정산하지 않습니다 (소득세법 §73①4): 일용근로소득 지급명세를 발급하세요")
    if year in leaving_years(record, worker_id):
        ends = [c.end for c in record.contracts_of(worker_id) if c.end is not None and c.end.year == year]
        month = f"{max(ends):%Y-%m}"
        roster = people.roster_for_month(session, month)
        s, leaving = leaver_settlement(session, roster, worker_id, year)
        return s, roster.workers[worker_id], _service_span(record.contracts_of(worker_id), year, leaving.last_day), f"run={leaving.run_id}"
    return _full_year(session, record, worker_id, year)


def _full_year(session: Session, record, worker_id: str, year: int):
    """A year the worker worked to its end here: the stored pay of every month (opening balance before them)."""
    from payroll.record.opening import opening_pay
    from payroll.runs.history import history, month_add, year_to_date
    from payroll.settlement import YearToDate, settle

    december = f"{year}-12"
    months = history(session, month_add(december, 1), [worker_id])["workers"][worker_id]
    if december not in months:
        raise NotApplicable(f"{worker_id}: {year}년은 아직 끝나지 않았습니다 — 근로소득 원천징수영수증은 연말정산 뒤에, 퇴사자는 퇴사한 달의 급여 실행 뒤에 발급합니다")
    first_run = min(months)
    opening = opening_pay(session, worker_id, year)
    employed = [m for m in (f"{year}-{k:02d}" for k in range(1, 13)) if _employed(record, worker_id, m)]
    missing = [m for m in employed if m not in months and not (opening is not None and m < first_run)]
    if missing:
        raise InputError(f"{worker_id}: {', '.join(missing)}의 급여가 기록에 없습니다 (재직 중) — 기초 자료를 가져오세요: payroll import opening ytd.csv")
    base = YearToDate(worker_id=worker_id, year=year, **{k: getattr(opening, k) for k in ("total_pay", "non_taxable", "national_pension", "health_insurance",
                      "long_term_care", "employment_insurance", "income_tax", "local_income_tax")}) if opening else None
    w = record.workers[worker_id]
    ytd = year_to_date(worker_id, year, months, base, leaving_date=None, leaving_month=december, birth_date=w.birth_date)
    return settle(ytd, None), w, _service_span(record.contracts_of(worker_id), year, dt.date(year, 12, 31)), "runs"


def _employed(roster, worker_id: str, month: str) -> bool:
    first, last = people.month_bounds(month)
    return any(c.start <= last and (c.end is None or c.end >= first) for c in roster.contracts_of(worker_id))


def withholding_paper(session: Session, worker_id: str, year: int, office: Office, issued: dt.date) -> Paper:
    from payroll.documents.withholding_receipt import withholding_data, withholding_pdf

    s, w, period, _ = withholding_settlement(session, worker_id, year)
    return Paper("withholding", worker_id, f"withholding-{worker_id}-{year}", withholding_pdf(w, s, office, period, issued),
                 withholding_data(w, s, office, period, issued))


def severance_paper(session: Session, worker_id: str, year: int, office: Office, issued: dt.date) -> Paper:
    from payroll.documents.retirement_receipt import retirement_data, retirement_pdf
    from payroll.runs.receipts import leaver_severance, leaving_of

    record = people.roster_as_of(session, dt.date(year, 12, 31), [worker_id])
    leaving = leaving_of(session, record, worker_id, year)
    roster = people.roster_for_month(session, leaving.month)
    s, _ = leaver_severance(session, roster, worker_id, year)
    w = roster.workers[worker_id]
    return Paper("severance", worker_id, f"severance-{worker_id}", retirement_pdf(w, s, office, issued), retirement_data(w, s, office, issued))


def daily_rows(session: Session, worker_id: str, month: str) -> list[dict]:
    from payroll.runs.history import paid_runs

    run = paid_runs(session, [month]).get(month)
    if run is None:
        raise InputError(f"{month}의 급여 실행이 없습니다 — 먼저 실행하세요: payroll run {month}")
    rows = session.exec(select(WorkerResult).where(WorkerResult.run_id == run.run_id, WorkerResult.worker_id == worker_id)).all()
    from payroll.runs.result_reads import Reader

    reader = Reader(session)
    out = []
    for r in rows:
        row = reader.row(r.run_id, r.result_json)
        out.append({"worker_id": worker_id, "month": month, "work_days": int(row.get("work_days") or 0), "taxable_pay": int(row.get("taxable_pay") or 0),
                    "non_taxable": int(row.get("non_taxable_pay") or 0), "income_tax": int(row.get("income_tax") or 0),
                    "local_income_tax": int(row.get("local_income_tax") or 0)})
    if not out:
        raise InputError(f"{worker_id}: {month} 실행 {run.run_id}에 이 근로자의 급여가 없습니다")
    return out


def daily_paper(session: Session, worker_id: str, month: str, office: Office, issued: dt.date) -> Paper:
    from payroll.documents.daily_statement import daily_data, daily_pdf

    w = _worker(session, worker_id, people.month_bounds(month)[1])
    if w.income_type != "daily":
        raise InputError(f"{worker_id}: 일용근로자가 아닙니다 (소득 구분 {w.income_type})")
    rows = daily_rows(session, worker_id, month)
    return Paper("daily", worker_id, f"daily-{worker_id}-{month}", daily_pdf(w, month, rows, office, issued), daily_data(w, month, rows, office, issued))


def resignation_paper(session: Session, worker_id: str, last_day: dt.date, reason: str, submitted: dt.date, office: Office, actor: str) -> Paper:
    """Record a 중도포기서 (its last working day ends the contract) and draw it (the caller commits)."""
    from payroll.documents import resignation as rs

    w = _worker(session, worker_id, last_day)
    c = next((c for c in people.contracts_of(session, worker_id) if c.covers(last_day)), None)
    if c is None:
        raise InputError(f"최종 근무일: {worker_id}은(는) {last_day}에 계약이 없습니다")
    res = rs.validate(w, c, last_day, reason, submitted)
    record_resignation(session, worker_id, c.contract_id, last_day, res.reason, submitted, actor)
    return Paper("resignation", worker_id, f"resignation-{worker_id}-{c.contract_id}", rs.resignation_pdf(w, c, res, office), rs.resignation_data(w, c, res, office))


def leavers(session: Session, year: int) -> list[str]:
    """Workers whose service ends in ``year`` (a contract end not continued by another, 중도포기서 included)."""
    from payroll.runs.receipts import leaving_years

    roster = people.roster_as_of(session, dt.date(year, 12, 31))
    return [wid for wid in sorted(roster.workers) if year in leaving_years(roster, wid)]
