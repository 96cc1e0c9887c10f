"""What a run needs from earlier runs, written down as inputs so that a replay sees the same.

A leaver's settlement needs the year's pay, premiums and tax already withheld; the 퇴직금 needs
the wages of the last 3 months (and 상여금·연차수당 of the last 12); the 연차 ledger needs the
leave taken in earlier months. All of it is in the stored runs. The run reads it once, before it
computes, and stores it like any input file (``_payroll/history.json``,
``_payroll/leave_history.csv``): the computation is then a function of files only, and a replay
years later, with more runs in the database, recomputes the same bytes.

The run *paid* for a month is the one whose amounts reached the worker: for a closed month the
closing run (a later correction's differences are paid as 소급분 in a later month, so they are in
that month's figures), for an open month its latest regular run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable

from sqlmodel import Session, select

from payroll.security.cells import csv_writer
from payroll.roster import Roster
from payroll.runs.inputs import blob_bytes
from payroll.runs.result_reads import Reader
from payroll.store.models import MonthLock, Run, WorkerResult, paid_rows

#: row columns summed per worker-month for the settlement (year to date)
YTD_FIELDS = (
    "taxable_pay", "non_taxable_pay", "national_pension", "health_insurance", "long_term_care", "employment_insurance",
    "income_tax", "local_income_tax", "settlement_income_tax", "settlement_local_income_tax",
)
#: pay items that are not wages for the 평균임금 (근로기준법 §2①6): 퇴직금, welfare benefits given at the
#: employer's discretion, a non-cash taxable premium; 상여금 and 연차수당 are added at 3/12 instead
NOT_AVERAGE_WAGE = ("severance_pay", "fertility_support", "fertility_support_non_taxable", "group_insurance_taxable", "childbirth_support")
BONUS_CODES = ("bonus", "holiday_bonus")
LEAVE_PAY_CODE = "annual_leave_pay"
HISTORY_MONTHS = 12
LEAVE_COLUMNS = ("worker_id", "date", "kind", "minutes")


def month_add(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7])
    k = y * 12 + (m - 1) + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def month_range(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{month}-01")
    nxt = dt.date.fromisoformat(f"{month_add(month, 1)}-01")
    return first, nxt - dt.timedelta(days=1)


def service_end_in(roster: Roster, worker_id: str, month: str) -> dt.date | None:
    """The last day of the worker's employment when it falls in ``month`` (no contract continues it)."""
    first, last = month_range(month)
    contracts = sorted(roster.contracts_of(worker_id), key=lambda c: c.start)
    ends = [c.end for c in contracts if c.end is not None and first <= c.end <= last]
    for end in sorted(ends, reverse=True):
        continued = any(c.start <= end + dt.timedelta(days=1) and (c.end is None or c.end > end) for c in contracts)
        if not continued:
            return end
    return None


def leavers_of(roster: Roster, month: str) -> dict[str, dt.date]:
    """worker_id → last working day, for every worker whose employment ends in ``month``."""
    out = {}
    for wid in sorted(roster.workers):
        end = service_end_in(roster, wid, month)
        if end is not None:
            out[wid] = end
    return out


def uncovered_months(missing: Iterable[str], paid: Iterable[str], has_opening: bool) -> list[str]:
    """Months employed without a stored pay that an opening balance (ytd.csv, ``payroll import opening``)
    does not stand for: it gives the pay before the first month run here, never a gap after it."""
    paid = sorted(paid)
    if not has_opening:
        return sorted(missing)
    return sorted(m for m in missing if paid and m > paid[0])


def paid_runs(session: Session, months: Iterable[str]) -> dict[str, Run]:
    """month → the run paid for it (closing run of a closed month, else the latest regular run); two queries."""
    months = sorted(set(months))
    if not months:
        return {}
    locks = {m: r for m, r in session.exec(select(MonthLock.month, MonthLock.run_id).where(MonthLock.month.in_(months))).all()}
    out: dict[str, Run] = {}
    runs = session.exec(select(Run).where(Run.month.in_(months)).order_by(Run.created_at, Run.run_id)).all()
    for run in runs:  # oldest first: the latest regular run of an open month is the last one seen
        if run.month in locks:
            if run.run_id == locks[run.month]:
                out[run.month] = run
        elif run.kind == "regular":
            out[run.month] = run
    return out


def _figures(result: dict) -> dict[str, int]:
    row = result["row"]
    out = {f: int(row.get(f) or 0) for f in YTD_FIELDS}
    wages = bonus = leave_pay = 0
    for it in result["items"]:
        code, amount = it["code"], int(it["amount"])
        if code in BONUS_CODES:
            bonus += amount
        elif code == LEAVE_PAY_CODE:
            leave_pay += amount
        elif code not in NOT_AVERAGE_WAGE:
            wages += amount
    out.update(wages=wages, bonus=bonus, annual_leave_pay=leave_pay)
    return out


def history(session: Session, month: str, workers: Iterable[str]) -> dict:
    """The figures of ``workers`` in the runs paid for the 12 months before ``month`` (JSON-ready)."""
    workers = sorted(set(workers))
    months = [month_add(month, -k) for k in range(HISTORY_MONTHS, 0, -1)]
    runs = paid_runs(session, months)
    per_worker: dict[str, dict[str, dict[str, int]]] = {w: {} for w in workers}
    if workers and runs:
        by_run = {r.run_id: m for m, r in runs.items()}
        rows = session.exec(
            # a row held back (지급 보류) was not paid: its month is paid, and counted, as the 소급분 that releases it
            select(WorkerResult).where(WorkerResult.run_id.in_(list(by_run)), WorkerResult.worker_id.in_(workers),
                                       paid_rows())
            .order_by(WorkerResult.run_id, WorkerResult.row)
        ).all()
        reader = Reader(session)
        for r in rows:
            m = by_run[r.run_id]
            fig = _figures(reader.expand(r.run_id, r.result_json))
            have = per_worker[r.worker_id].get(m)
            per_worker[r.worker_id][m] = fig if have is None else {k: have[k] + fig[k] for k in fig}
    return {
        "month": month,
        "runs": {m: runs[m].run_id for m in sorted(runs)},
        "workers": {w: dict(sorted(per_worker[w].items())) for w in workers},
    }


def history_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _leave_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig", errors="strict") if data[:3] == b"\xef\xbb\xbf" else None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp949")
    reader = csv.DictReader(io.StringIO(text))
    out = []
    for row in reader:
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if any(cleaned.values()):
            out.append({c: cleaned.get(c, "") for c in LEAVE_COLUMNS})
    return out


def leave_history(session: Session, month: str, opening: bytes | None, current: bytes | None, workers: Iterable[str] | None = None) -> bytes | None:
    """연차 taken up to ``month``: the opening file, each earlier month's paid run's leave file (its own
    month's rows), and this month's file; the later source wins for the same worker, date and kind.
    Only the rows of ``workers`` (the month's roster) when given. None when there is nothing beyond
    this month's own file (the ledger then reads that file)."""
    keep = None if workers is None else set(workers)
    first_run = session.exec(select(Run.month).where(Run.month < month).order_by(Run.month)).first()
    sources: list[tuple[str | None, bytes]] = []
    if opening is not None:
        sources.append((None, opening))
    if first_run is not None:
        months = []
        m = first_run
        while m < month:
            months.append(m)
            m = month_add(m, 1)
        for m, run in sorted(paid_runs(session, months).items()):
            entry = next((e for e in json.loads(run.inputs_manifest) if e["role"] == "leave"), None)
            data = blob_bytes(session, entry["sha256"]) if entry else None
            if data is not None:
                sources.append((m, data))
    if not sources:
        return None
    if current is not None:
        sources.append((None, current))
    merged: dict[tuple[str, str, str], dict[str, str]] = {}
    for m, data in sources:
        for row in _leave_rows(data):
            if m is not None and not row["date"].startswith(m):
                continue  # an earlier run's file speaks for its own month
            if keep is not None and row["worker_id"] not in keep:
                continue  # a worker who left before this month
            merged[(row["worker_id"], row["date"], row["kind"])] = row
    out = io.StringIO()
    w = csv_writer(out, lineterminator="\n")
    w.writerow(LEAVE_COLUMNS)
    for key in sorted(merged):
        w.writerow([merged[key][c] for c in LEAVE_COLUMNS])
    return out.getvalue().encode()


def last_twelve_pay_months(months: dict[str, dict], month: str) -> list[dict]:
    """The pay months among the 12 that end with ``month`` — the window of the 3/12 additions
    (상여금, 연차수당) to the 평균임금 of a 퇴직금 (고용노동부 평균임금 산정 practice)."""
    start = month_add(month, -11)
    return [figures for m, figures in sorted(months.items()) if start <= m <= month]


def year_to_date(worker_id: str, year: int, months: dict[str, dict], opening, *, leaving_date: dt.date,
                 leaving_month: str, birth_date: dt.date | None):
    """A leaver's 총급여, premiums and tax already withheld for ``year``: the stored pay months of the
    year (``months``, as :func:`history` gives them) plus the ``ytd.csv`` row (``opening``) for months
    before the first run here. Tax already withheld counts the settlement taxes of earlier months, never
    the leaving month's own settlement (that is what is being computed)."""
    from payroll.settlement import YearToDate

    in_year = [f for m, f in sorted(months.items()) if m.startswith(f"{year:04d}-")]
    tot = {k: sum(f[k] for f in in_year) for k in YTD_FIELDS}
    last = months.get(leaving_month, {})
    settled = tot["settlement_income_tax"] - last.get("settlement_income_tax", 0)
    settled_local = tot["settlement_local_income_tax"] - last.get("settlement_local_income_tax", 0)

    def plus(name: str) -> int:
        return getattr(opening, name) if opening is not None else 0

    return YearToDate(
        worker_id=worker_id, year=year,
        total_pay=tot["taxable_pay"] + plus("total_pay"),
        non_taxable=tot["non_taxable_pay"] + plus("non_taxable"),
        national_pension=tot["national_pension"] + plus("national_pension"),
        health_insurance=tot["health_insurance"] + plus("health_insurance"),
        long_term_care=tot["long_term_care"] + plus("long_term_care"),
        employment_insurance=tot["employment_insurance"] + plus("employment_insurance"),
        income_tax=tot["income_tax"] + settled + plus("income_tax"),
        local_income_tax=tot["local_income_tax"] + settled_local + plus("local_income_tax"),
        leaving_date=leaving_date, birth_date=birth_date,
    )
