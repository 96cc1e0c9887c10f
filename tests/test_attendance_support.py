"""Builders shared by the attendance and timesheet tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from payroll.roster import Contract, Roster, Worker


def worker(wid: str, birth: str = "1980-01-01", employment: str = "fixed_term", job: str = "행정보조", **kw) -> Worker:
    return Worker(worker_id=wid, name=f"이름{wid}", birth_date=dt.date.fromisoformat(birth), department="총무과", job=job, employment=employment, **kw)


def contract(wid: str, cid: str | None = None, start: str = "2026-01-01", end: str | None = "2026-12-31", pay_type: str = "hourly",
             wage: int = 12_121, days: str = "12345", begin: str = "09:00", finish: str = "18:00", brk: int = 60, meal: int = 0, grade: str = "") -> Contract:
    return Contract(
        contract_id=cid or f"C-{wid}", worker_id=wid, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end) if end else None,
        pay_type=pay_type, wage=wage, work_days=days, start_time=dt.time.fromisoformat(begin), end_time=dt.time.fromisoformat(finish),
        break_minutes=brk, meal_allowance=meal, pay_grade=grade,
    )


def roster(*pairs: tuple[Worker, Contract] | tuple[Worker, list[Contract]]) -> Roster:
    workers, contracts = {}, []
    for w, cs in pairs:
        workers[w.worker_id] = w
        contracts.extend(cs if isinstance(cs, list) else [cs])
    return Roster(workers=workers, contracts=tuple(contracts))


def write_daily(path: Path, rows: list[tuple[str, str, str, str]], encoding: str = "utf-8") -> Path:
    """rows: (worker_id, date, in, out)."""
    lines = ["worker_id,date,in,out"] + [",".join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_punches(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """rows: (worker_id, 'YYYY-MM-DD HH:MM', direction or '')."""
    lines = ["worker_id,timestamp,direction"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def weekdays(first: dt.date, last: dt.date, days: str = "12345"):
    d = first
    while d <= last:
        if str(d.isoweekday()) in days:
            yield d
        d += dt.timedelta(days=1)
