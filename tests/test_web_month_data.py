"""A small real month for the console tests (no tests here): master files and a daily attendance sheet.

The run goes through the real build (``payroll.timesheet.monthly.build_month``), so the month is
made like a device export: a daily sheet (사번, 성명, 일자, 출근, 퇴근) for June 2026, with one
day of W002 lacking its 퇴근 (a ``missing_out`` exception the clerk corrects in the console).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

MONTH = "2026-06"
PAY_DATE = "2026-07-10"
ROSTER = [
    ("W001", "김민준", "1980-03-15", "총무과", "public_service", 3, 1),
    ("W002", "이서연", "1992-07-01", "총무과", "fixed_term", 1, 0),
    ("W003", "박지호", "1965-11-30", "환경과", "public_service", 2, 0),
]
BROKEN_DAY = "2026-06-10"
HOLIDAYS = {dt.date(2026, 6, 3)}  # 지방선거


def _csv(rows) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for r in rows:
        w.writerow(r)
    return out.getvalue().encode("utf-8")


def roster_csv() -> bytes:
    rows = [["worker_id", "name", "birth_date", "department", "employment", "income_type", "family", "children_8_20", "first_hire_date", "bank", "account"]]
    rows += [[wid, name, birth, dept, emp, "regular", fam, kids, "2020-01-01", "국민은행", f"123-45-6789{i}"] for i, (wid, name, birth, dept, emp, fam, kids) in enumerate(ROSTER)]
    return _csv(rows)


def contracts_csv() -> bytes:
    rows = [["contract_id", "worker_id", "start", "end", "pay_type", "wage", "work_days", "start_time", "end_time", "break_minutes"]]
    rows += [[f"C{i:03d}", wid, "2026-01-01", "", "hourly", 10320 + 1000 * i, "12345", "09:00", "18:00", 60] for i, (wid, *_r) in enumerate(ROSTER, start=1)]
    return _csv(rows)


def employer_toml() -> bytes:
    from test_runs_support import EMPLOYER

    return EMPLOYER.encode("utf-8")


def attendance_csv() -> bytes:
    rows = [["사번", "성명", "일자", "출근", "퇴근"]]
    day = dt.date(2026, 6, 1)
    while day.month == 6:
        if day.weekday() < 5 and day not in HOLIDAYS:
            for wid, name, *_r in ROSTER:
                out = "" if (wid == "W002" and day.isoformat() == BROKEN_DAY) else "18:00"
                rows.append([wid, name, day.isoformat(), "09:00", out])
        day += dt.timedelta(days=1)
    return _csv(rows)
