"""The month's timesheet and pay items for every worker — the door the monthly batch run uses.

    build = build_month(MonthInputs(month="2026-06", pay_date=date(2026, 7, 10), roster=roster,
                                    attendance=(Path("punches.csv"),), leave=Path("leave.csv")))
    result = payroll.engine.pipeline.compute(build.workers, build.items)

``workers`` has the engine's ``WORKER_SCHEMA`` columns plus name, department, job, contract_id,
pay_type, wage, leave_date, overtime_minutes, night_minutes, holiday_work_minutes and
worked_minutes; ``items`` has row, code, amount, method (계산방법) and minutes. One worker row per
worker with a contract in the month; where two contracts touch the month, the later one gives
the contract columns and the lines of both are kept (each with its own method).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from payroll import law as law_module
from payroll.attendance.checks import CheckedExports, CheckResult, check_exports_of_files, with_corrections
from payroll.attendance.profile_files import Catalog
from payroll.case import InputError
from payroll.engine.pipeline import WORKER_SCHEMA
from payroll.periods import add_months
from payroll.roster import Roster
from payroll.timesheet.breaks import rest_break_warnings
from payroll.timesheet.days import build_days, build_weeks, week_span
from payroll.timesheet.inputs import load_approvals, load_leave
from payroll.timesheet.wages import below_minimum, day_pay, minimum_test_hourly, pay_lines

EXTRA_WORKER_SCHEMA = {
    "name": pl.Utf8, "department": pl.Utf8, "job": pl.Utf8, "contract_id": pl.Utf8, "pay_type": pl.Utf8, "wage": pl.Int64,
    "leave_date": pl.Date, "overtime_minutes": pl.Int64, "night_minutes": pl.Int64, "holiday_work_minutes": pl.Int64, "worked_minutes": pl.Int64,
    "work_day_numbers": pl.List(pl.Int64),  # the days of the month worked (1–31): the 근로내용확인신고 marks them (payroll.filings)
}
ITEM_SCHEMA = {"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}
CODE_ORDER = ["base_pay", "weekly_holiday_pay", "public_holiday_pay", "overtime_pay", "off_day_pay", "night_pay", "holiday_work_pay", "position_allowance", "risk_allowance", "meal"]
TIMESHEET_COLUMNS = [
    "worker_id", "contract_id", "date", "weekday", "week", "scheduled", "workday", "public_holiday", "holiday_name", "holiday",
    "first_in", "last_out", "shifts", "worked", "regular", "overtime", "night", "holiday_work", "holiday_over8",
    "late", "early_leave", "absent", "leave_kinds", "paid_leave", "unpaid_leave", "public_holiday_minutes", "daily_min",
]
#: the timesheet's columns a run reads: the 연차 ledger's attendance (payroll.runs.extras.attendance_of)
RUN_TIMESHEET_COLUMNS = ["worker_id", "date", "workday", "worked", "paid_leave"]


@dataclass(frozen=True)
class MonthInputs:
    month: str
    pay_date: dt.date
    roster: Roster
    attendance: tuple[Path, ...]
    corrections: Path | None = None
    leave: Path | None = None
    overtime: Path | None = None
    profile: str | None = None
    profiles: Catalog | None = None  # where profile names are looked up (default: the installation's, then the bundled)
    #: corrections that come from elsewhere than the corrections file (a run's ``scheduled`` decisions)
    extra_corrections: pl.DataFrame | None = None
    #: whether the exports read stay cached for a later check of the same files (payroll.attendance.guarded):
    #: a run reads them once and lets them go
    keep_exports: bool = True


@dataclass(frozen=True)
class MonthBuild:
    workers: pl.DataFrame
    items: pl.DataFrame
    exceptions: pl.DataFrame
    timesheet: pl.DataFrame
    warnings: tuple[str, ...]
    #: contracts paid below 최저임금 this month (a run refuses them: 최저임금법 §6①)
    minimum_wage_shortfalls: tuple[dict, ...] = ()


@dataclass(frozen=True)
class MonthDetail:
    """Everything behind a MonthBuild (for the 근무상황부 and the attendance report)."""

    build: MonthBuild
    check: CheckResult
    days: pl.DataFrame
    weeks: pl.DataFrame
    lines: pl.DataFrame


#: the workers one slice of the build holds. Every step of the build is per worker, so a month of
#: more workers is built slice after slice and only what the run keeps is gathered: the days frame
#: (57 columns a worker-day) and its intermediates never grow past a slice (issue 20).
SLICE_WORKERS = 1000


def minimum_wage_shortfalls(summary: pl.DataFrame, minimum: int) -> tuple[dict, ...]:
    """Each contract whose 시간급 (통상임금 per hour of the month's paid hours) is below 최저임금.

    The figure compared is the timesheet's 통상임금 per minute × 60 (최저임금법 §6①, §5의2: a
    monthly wage ÷ the month's hours incl. 주휴, 시행령 §5②: ``wages.below_minimum``); the shortfall is
    per hour and for the month."""
    low = summary.filter(below_minimum(minimum))
    out = []
    for r in low.select("worker_id", "contract_id", "pay_type", "ord_num", "ord_den", "pm", "mw_min84").iter_rows(named=True):
        hourly = minimum_test_hourly(r)
        # minimum × hours − what the month pays for those hours, rounded up to the won
        if r["pay_type"] == "monthly":
            month_short = -((r["ord_num"] * 84 * 60 - minimum * r["mw_min84"]) // (84 * 60))
            minutes = r["mw_min84"] // 84
        else:
            month_short = -((r["ord_num"] * r["pm"] * 60 - minimum * r["pm"] * r["ord_den"]) // (60 * r["ord_den"]))
            minutes = r["pm"]
        out.append({"worker_id": r["worker_id"], "contract_id": r["contract_id"], "pay_type": r["pay_type"], "hourly": hourly,
                    "minimum": minimum, "per_hour": minimum - hourly, "paid_minutes": minutes, "month": month_short})
    return tuple(out)


def daily_for_three_months(roster: Roster, first: dt.date, last: dt.date) -> list[str]:
    """A worker the roster calls 일용근로자 who, by the month's end, has been employed three months or more
    without a break: 소득세법 시행령 §20①3 makes 일용 only one not employed that long, so the daily
    formula and the 일용 filings may no longer fit (from which month the 간이세액표 applies is a 국세청
    reading not settled here: shared/reference 2026, open question 12) — named, for a person to decide."""
    out = []
    for wid, contracts in sorted(roster.contracts_by_worker.items()):
        w = roster.workers[wid]
        if w.income_type != "daily" or not roster.contracts_in_month(wid, first, last):
            continue
        ordered = sorted(contracts, key=lambda c: c.start)
        start, end = ordered[0].start, ordered[0].end
        for c in ordered[1:]:
            if c.start > last:
                break
            if end is not None and c.start > end + dt.timedelta(days=1):
                start = c.start  # a break in the employment: it starts again
            end = None if end is None or c.end is None else max(end, c.end)
        if start == ordered[0].start and w.first_hire_date:
            start = min(start, w.first_hire_date)
        three = add_months(start, 3)
        if three <= last + dt.timedelta(days=1):
            out.append(f"{wid}: 일용근로자(income_type=daily)로 {start.isoformat()}부터 3개월 이상 계속 고용 — 소득세법 시행령 §20①3의 일용근로자가 아닐 수 있음: "
                       "명부의 income_type과 원천징수 방식(간이세액표·연말정산)을 확인하세요")
    return out


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month or ""):
        raise InputError(f"month: YYYY-MM 형식이어야 합니다: {month!r}")
    year, mon = int(month[:4]), int(month[5:])
    return dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])


def build_month(inputs: MonthInputs, checked: CheckResult | None = None) -> MonthBuild:
    """The run's build: the days and weeks behind it are not kept (see :data:`SLICE_WORKERS`), and its
    timesheet has only the columns the run reads (:data:`RUN_TIMESHEET_COLUMNS`: 5 of 27, at 20,000
    workers 70 MiB less held from the build to the 연차 ledgers). ``checked``: the month's attendance
    check when the caller has made it (:func:`check_month_attendance`)."""
    return build_month_detail(inputs, for_run=True, checked=checked).build


def month_exports(inputs: MonthInputs, law: law_module.Law | None = None) -> CheckedExports:
    """The month's exports read and checked before any correction (the part of
    :func:`check_month_attendance` a second check with other corrections can take again)."""
    law = law or law_module.current()
    first, last = month_bounds(inputs.month)
    dup = int(law.on(first)["timesheet.duplicate_window_minutes"])
    # the whole weeks around the month: their days of the adjacent months decide the 40-hour week and the 주휴
    return check_exports_of_files([Path(p) for p in inputs.attendance], inputs.roster, inputs.profile, dup, (first, last), week_span(first, last),
                                  profiles=inputs.profiles, keep_exports=inputs.keep_exports)


def check_month_attendance(inputs: MonthInputs, law: law_module.Law | None = None, exports: CheckedExports | None = None) -> CheckResult:
    """The attendance check of the month, as the build makes it; ``exports``: :func:`month_exports` of
    these inputs when the caller has it already."""
    return with_corrections(exports or month_exports(inputs, law), inputs.corrections, month_bounds(inputs.month), inputs.extra_corrections)


@dataclass(frozen=True)
class _Slice:
    """What one slice of workers gives the month."""

    lines: pl.DataFrame
    summary: pl.DataFrame
    warnings: list[str]
    timesheet: pl.DataFrame
    day_numbers: pl.DataFrame
    #: each 일용근로자's pay day by day (``wages.day_pay``)
    day_wages: pl.DataFrame
    days: pl.DataFrame | None
    weeks: pl.DataFrame | None


def _build_slice(roster: Roster, shifts: pl.DataFrame, leave: pl.DataFrame, approvals: pl.DataFrame, first: dt.date, last: dt.date,
                 law: law_module.Law, for_run: bool) -> _Slice:
    days = build_days(roster, shifts, leave, approvals, first, last, law)
    weeks = build_weeks(days, first, last, law)
    lines, summary, warnings = pay_lines(days, weeks, roster, first, last, law)
    day_numbers = (days.filter(pl.col("in_month") & (pl.col("worked") > 0)).group_by("worker_id")
                   .agg(pl.col("date").dt.day().cast(pl.Int64).unique().sort().alias("work_day_numbers")))
    timesheet = days.filter(pl.col("in_month")).select(RUN_TIMESHEET_COLUMNS if for_run else TIMESHEET_COLUMNS).sort(["worker_id", "date"])
    daily_workers = sorted(wid for wid, w in roster.workers.items() if w.income_type == "daily")
    day_wages = day_pay(days, summary, daily_workers, law, first)
    return _Slice(lines, summary, warnings, timesheet, day_numbers, day_wages, None if for_run else days, None if for_run else weeks)


def _slices(inputs: MonthInputs, checked: CheckResult, leave: pl.DataFrame, approvals: pl.DataFrame, first: dt.date, last: dt.date,
            law: law_module.Law, for_run: bool):
    """The month's slices, one at a time (a month of at most SLICE_WORKERS workers is one slice: the roster as it is)."""
    roster = inputs.roster
    ids = sorted({c.worker_id for c in roster.contracts})
    if len(ids) <= SLICE_WORKERS:
        yield _build_slice(roster, checked.shifts, leave, approvals, first, last, law, for_run)
        return
    for at in range(0, len(ids), SLICE_WORKERS):
        part = ids[at:at + SLICE_WORKERS]
        mine = pl.col("worker_id").is_in(part)
        yield _build_slice(roster.only(part), checked.shifts.filter(mine), leave.filter(mine), approvals.filter(mine), first, last, law, for_run)


def build_month_detail(inputs: MonthInputs, law: law_module.Law | None = None, for_run: bool = False, checked: CheckResult | None = None) -> MonthDetail:
    """The month's build and what is behind it; ``for_run``: the run's build, whose detail has no days
    or weeks and whose timesheet has the run's columns (the run needs no more, and at a large head
    count the rest is most of the build's memory); ``checked``: the month's attendance check of
    ``inputs``, when the caller has made it."""
    law = law or law_module.current()
    first, last = month_bounds(inputs.month)
    roster = inputs.roster
    checked = checked or check_month_attendance(inputs, law)
    leave = load_leave(inputs.leave, roster)
    approvals = load_approvals(inputs.overtime, roster)
    parts, seq_from = [], 0
    for part in _slices(inputs, checked, leave, approvals, first, last, law, for_run):
        # a line's seq orders the lines of one worker: the slices' ranges follow each other
        parts.append(dataclasses.replace(part, lines=part.lines.with_columns(pl.col("seq") + seq_from)))
        seq_from += int(part.lines.get_column("seq").max() or 0) + 1
    lines = pl.concat([p.lines for p in parts])
    summary = pl.concat([p.summary for p in parts], how="diagonal_relaxed")
    warnings = [w for p in parts for w in p.warnings]
    warnings = [*warnings, *rest_break_warnings(roster, first, last, law), *daily_for_three_months(roster, first, last)]

    # one worker row per worker with a contract in the month; the later contract gives the columns
    rows = []
    for wid, contracts in sorted(roster.contracts_by_worker.items()):
        cs = roster.contracts_in_month(wid, first, last)
        if not cs:
            continue
        w, c = roster.workers[wid], cs[-1]
        first_start = contracts[0].start
        leave_date = c.end if c.end is not None and first <= c.end <= last else None
        rows.append({
            "worker_id": wid, "month": inputs.month, "pay_date": inputs.pay_date, "birth_date": w.birth_date,
            "hire_date": w.first_hire_date or first_start, "employment": w.employment, "income_type": w.income_type,
            "family": w.family, "children_8_20": w.children_8_20, "children_under_6": w.children_under_6,
            "withholding_ratio": w.withholding_ratio, "monthly_minutes": c.monthly_minutes, "weekly_minutes": c.weekly_minutes,
            "insurance_base": w.insurance_base, "pension_base": w.pension_base,
            "name": w.name, "department": w.department, "job": w.job, "contract_id": c.contract_id, "pay_type": c.pay_type,
            "wage": c.wage, "leave_date": leave_date,
        })
    schema = {k: v for k, v in WORKER_SCHEMA.items() if k not in ("row", "work_days")}
    schema.update({k: v for k, v in EXTRA_WORKER_SCHEMA.items() if k in ("name", "department", "job", "contract_id", "pay_type", "wage", "leave_date")})
    workers = pl.DataFrame(rows, schema=schema)
    scheduled = summary.select("contract_id", "scheduled_taxable_pay")
    workers = workers.join(scheduled, on="contract_id", how="left").with_columns(
        pl.coalesce(pl.col("insurance_base"), pl.col("scheduled_taxable_pay")).alias("insurance_base")
    ).drop("scheduled_taxable_pay")
    workers = workers.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
    totals = summary.group_by("worker_id").agg(
        pl.col("overtime").sum().alias("overtime_minutes"), pl.col("night").sum().alias("night_minutes"),
        pl.col("holiday_work").sum().alias("holiday_work_minutes"), pl.col("worked").sum().alias("worked_minutes"),
        pl.col("days_worked").sum().alias("_days"),
    )
    workers = workers.join(totals, on="worker_id", how="left").with_columns(
        [pl.col(c).fill_null(0).cast(pl.Int64) for c in ("overtime_minutes", "night_minutes", "holiday_work_minutes", "worked_minutes")]
    ).with_columns(pl.when(pl.col("_days") > 0).then(pl.col("_days")).otherwise(None).cast(pl.Int64).alias("work_days")).drop("_days")
    workers = workers.join(pl.concat([p.day_numbers for p in parts]), on="worker_id", how="left")
    workers = workers.drop("daily_wages").join(pl.concat([p.day_wages for p in parts]), on="worker_id", how="left")
    workers = workers.select([*WORKER_SCHEMA, *EXTRA_WORKER_SCHEMA]).sort("row")
    workers = workers.with_columns([pl.col(c).cast(t) for c, t in {**WORKER_SCHEMA, **EXTRA_WORKER_SCHEMA}.items()])

    order = {c: i for i, c in enumerate(CODE_ORDER)}
    items = lines.join(workers.select("worker_id", "row"), on="worker_id", how="inner").with_columns(
        pl.col("code").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_o")
    ).sort(["row", "_o", "contract_id", "seq"], nulls_last=True).select([pl.col(c).cast(t) for c, t in ITEM_SCHEMA.items()])

    # each slice is sorted and the slices follow the workers' order: together they are sorted (not copied again)
    timesheet = pl.concat([p.timesheet for p in parts], rechunk=False)
    build = MonthBuild(workers=workers, items=items, exceptions=checked.exceptions, timesheet=timesheet, warnings=tuple(sorted(set(warnings))),
                       minimum_wage_shortfalls=minimum_wage_shortfalls(summary, int(law.on(first)["minimum_wage.hourly"])))
    days = pl.DataFrame() if for_run else pl.concat([p.days for p in parts])
    weeks = pl.DataFrame() if for_run else pl.concat([p.weeks for p in parts])
    return MonthDetail(build=build, check=checked, days=days, weeks=weeks, lines=lines)
