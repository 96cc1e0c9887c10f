"""Support for the run tests (no tests here): a small month of inputs and a build that reads them.

The build stands in for the timesheet (``payroll.timesheet.monthly.build_month``): it reads the
real roster and contracts (``payroll.roster``) and takes the month's pay items from a plain CSV in
the attendance folder (``worker_id,code,amount,method,minutes``), so the run, replay, lock and
correction mechanics are tested on their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl

from payroll.case import InputError
from payroll.roster import load_roster
from payroll.runs.inputs import StagedInputs

MONTH = "2026-05"
NEXT = "2026-06"
PAY_DATE = dt.date(2026, 6, 10)

ROSTER = [
    # worker_id, name, birth_date, department, employment, income_type, family, children_8_20, bank, account
    ("W001", "김민준", "1980-03-15", "총무과", "public_service", "regular", 3, 1, "국민은행", "123-45-678901"),
    ("W002", "이서연", "1992-07-01", "총무과", "fixed_term", "regular", 1, 0, "신한은행", "110-222-333444"),
    ("W003", "박지호", "1965-11-30", "환경과", "public_service", "regular", 2, 0, "우리은행", "1002-333-444555"),
    ("W004", "최수아", "1999-01-20", "환경과", "fixed_term", "daily", 1, 0, "농협은행", "302-1111-2222-33"),
    ("W005", "정도윤", "1975-05-05", "복지과", "public_service", "regular", 4, 2, "하나은행", "123-456789-01234"),
    ("W006", "강하은", "1988-09-09", "복지과", "fixed_term", "regular", 1, 0, "기업은행", "010-1234-5678"),
]

ITEMS = [
    ("W001", "base_pay", 2_500_000, "209시간 × 11,962원", 12540),
    ("W001", "overtime_pay", 179_430, "10시간 × 11,962원 × 1.5", 600),
    ("W001", "meal", 200_000, "", ""),
    ("W002", "base_pay", 2_156_880, "209시간 × 10,320원", 12540),
    ("W002", "meal", 140_000, "", ""),
    ("W003", "base_pay", 3_100_000, "209시간 × 14,833원", 12540),
    ("W003", "night_pay", 74_165, "10시간 × 14,833원 × 0.5", 600),
    ("W003", "family_allowance", 40_000, "", ""),
    ("W004", "base_pay", 1_600_000, "10일 × 160,000원", 4800),
    ("W005", "base_pay", 2_800_000, "209시간 × 13,397원", 12540),
    ("W005", "childcare_allowance", 200_000, "", ""),
    ("W005", "meal", 200_000, "", ""),
    ("W006", "base_pay", 1_078_440, "104.5시간 × 10,320원", 6270),
]

EMPLOYER = (
    'name = "○○구청 (시험)"\nbusiness_number = "305-83-00005"\nrepresentative = "○○구청장"\n'
    'address = "서울특별시 ○○구 ○○로 1"\npay_day = 10\n'
)


def write_inputs(root: Path, month: str = MONTH, items=ITEMS, pay_date: dt.date = PAY_DATE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "roster.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["worker_id", "name", "birth_date", "department", "employment", "income_type", "family", "children_8_20", "first_hire_date", "bank", "account"])
        for wid, name, birth, dept, emp, inc, fam, kids, bank, acct in ROSTER:
            w.writerow([wid, name, birth, dept, emp, inc, fam, kids, "2020-01-01", bank, acct])
    with open(root / "contracts.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["contract_id", "worker_id", "start", "end", "pay_type", "wage", "work_days", "start_time", "end_time", "break_minutes"])
        for i, (wid, *_rest) in enumerate(ROSTER, start=1):
            half = wid == "W006"
            w.writerow([f"C{i:03d}", wid, "2026-01-01", "", "hourly", 10320, "12345", "09:00", "13:00" if half else "18:00", 0 if half else 60])
    (root / "employer.toml").write_text(EMPLOYER, encoding="utf-8")
    write_items(root, month, items)
    (root / month / "run.toml").write_text(f"pay_date = {pay_date.isoformat()}\n", encoding="utf-8")
    return root


def write_items(root: Path, month: str, items) -> None:
    adir = root / month / "attendance"
    adir.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["worker_id", "code", "amount", "method", "minutes"])
    for row in items:
        w.writerow(row)
    (adir / "items.csv").write_text(out.getvalue(), encoding="utf-8")


def fake_build(staged: StagedInputs):
    """Workers from the roster and contracts; pay items from attendance/items.csv."""
    roster = load_roster(staged.roster, staged.contracts)
    first = dt.date.fromisoformat(f"{staged.month}-01")
    rows = []
    for i, (wid, w) in enumerate(sorted(roster.workers.items())):
        c = roster.contract_on(wid, first)
        if c is None:
            continue
        rows.append({
            "row": i, "worker_id": wid, "month": staged.month, "pay_date": staged.pay_date, "birth_date": w.birth_date,
            "hire_date": w.first_hire_date or c.start, "employment": w.employment, "income_type": w.income_type, "family": w.family,
            "children_8_20": w.children_8_20, "children_under_6": 1 if wid == "W005" else None, "withholding_ratio": w.withholding_ratio,
            "monthly_minutes": c.monthly_minutes, "weekly_minutes": c.weekly_minutes, "work_days": 10 if w.income_type == "daily" else None,
            "name": w.name, "department": w.department, "contract_id": c.contract_id,
            "overtime_minutes": 0, "night_minutes": 0, "holiday_work_minutes": 0,
        })
    workers = pl.DataFrame(rows, schema_overrides={"children_under_6": pl.Int64, "work_days": pl.Int64})
    row_of = dict(zip(workers["worker_id"], workers["row"]))
    text = staged.attendance[0].read_text(encoding="utf-8")
    items = {"row": [], "code": [], "amount": [], "method": [], "minutes": []}
    for line, rec in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        if rec["worker_id"] not in row_of:
            raise InputError(f"{staged.attendance[0]}: row {line}: worker_id: unknown {rec['worker_id']!r}")
        items["row"].append(row_of[rec["worker_id"]])
        items["code"].append(rec["code"])
        items["amount"].append(int(rec["amount"]))
        items["method"].append(rec["method"] or None)
        items["minutes"].append(int(rec["minutes"]) if rec["minutes"] else None)
        mins = {"overtime_pay": "overtime_minutes", "night_pay": "night_minutes", "holiday_work_pay": "holiday_work_minutes"}.get(rec["code"])
        if mins:
            workers = workers.with_columns(pl.when(pl.col("worker_id") == rec["worker_id"]).then(int(rec["minutes"])).otherwise(pl.col(mins)).alias(mins))
    items = pl.DataFrame(items, schema={"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64})

    class Built:
        pass

    b = Built()
    b.workers, b.items, b.warnings = workers, items, ()
    return b


def approve_correction(store, month: str = MONTH, approver: str = "approver") -> int:
    """An approver's recorded approval of one correction run of ``month`` (the console and the CLI both need one)."""
    from sqlmodel import select

    from payroll.record import users
    from payroll.runs.approvals import record_approval
    from payroll.record.models import ConsoleUser

    with store.session() as s:
        if s.exec(select(ConsoleUser).where(ConsoleUser.name == approver)).first() is None:
            users.add_user(s, approver, "approver", "approver-pass-1234")
    return record_approval(store, month, approver, "근태 자료 정정").id
