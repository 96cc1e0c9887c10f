"""Hypothesis: whatever the punches, minutes are never negative, 정규 + 연장 + 휴일 = worked, 야간 ≤ worked,
and money lines are whole won ≥ 0."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payroll.attendance.checks import check
from payroll.attendance.readers import read_export
from payroll.timesheet.days import build_days, build_weeks
from payroll.timesheet.inputs import APPROVAL_SCHEMA, LEAVE_SCHEMA
from payroll.timesheet.wages import pay_lines
from tests.test_attendance_support import contract, roster, worker, write_punches

FIRST, LAST = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
schedules = st.sampled_from([("12345", "09:00", "18:00", 60), ("1245", "09:00", "14:00", 0), ("35", "09:00", "16:00", 0), ("12345", "22:00", "06:00", 60), ("34567", "22:00", "06:00", 60), ("12345", "06:00", "15:00", 60)])
punch = st.tuples(st.integers(-1, 31), st.integers(0, 1439))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedules, st.lists(punch, max_size=50), st.sampled_from(["hourly", "daily", "monthly"]))
def test_minutes_add_up_whatever_the_punches(tmp_path, schedule, punches, pay_type):
    days_, begin, finish, brk = schedule
    wage = {"hourly": 12_121, "daily": 100_000, "monthly": 2_650_000}[pay_type]
    staff = roster((worker("A", employment="public_service" if pay_type == "monthly" else "fixed_term"), contract("A", days=days_, begin=begin, finish=finish, brk=brk, pay_type=pay_type, wage=wage)))
    rows = [("A", (dt.datetime(2026, 5, 1) + dt.timedelta(days=d, minutes=m)).strftime("%Y-%m-%d %H:%M"), "") for d, m in punches]
    path = write_punches(tmp_path / "p.csv", rows)
    r = check([read_export(path)], staff, dup_window=3, month=(FIRST, LAST))
    assert r.rows.filter(~pl.col("used") & ~pl.col("reported")).height == 0
    days = build_days(staff, r.shifts, pl.DataFrame(schema=LEAVE_SCHEMA), pl.DataFrame(schema=APPROVAL_SCHEMA), FIRST, LAST)
    for col in ("worked", "regular", "overtime", "night", "holiday_work", "holiday_over8", "late", "early_leave", "paid_leave"):
        assert (days.get_column(col) >= 0).all(), col
    assert (days["regular"] + days["overtime"] + days["holiday_work"] == days["worked"]).all()
    assert (days["night"] <= days["worked"]).all()
    assert (days["holiday_over8"] <= days["holiday_work"]).all()
    weeks = build_weeks(days, FIRST, LAST)
    assert (weeks["weekly_holiday_minutes"] <= 480).all() and (weeks["weekly_holiday_minutes"] >= 0).all()
    lines, _, _ = pay_lines(days, weeks, staff, FIRST, LAST)
    assert lines.schema["amount"] == pl.Int64 and (lines["amount"] > 0).all()
    # worked minutes of used shifts never exceed their punched span
    span = (r.shifts["out_ts"] - r.shifts["in_ts"]).dt.total_minutes().sum()
    assert days.filter(pl.col("in_month"))["worked"].sum() <= span


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedules, st.lists(st.tuples(st.integers(-3, 33), st.integers(0, 1439)), max_size=40), st.sampled_from(["calendar", "shift"]))
def test_every_minute_is_paid_in_exactly_one_month(tmp_path, schedule, punches, attribution):
    """Whatever the punches around the edges of May, the minutes paid in April, May and June add up to the
    minutes worked: the adjacent months' days in the edge weeks are never paid twice (both attributions)."""
    import os

    from payroll import law as law_module

    days_, begin, finish, brk = schedule
    staff = roster((worker("A"), contract("A", days=days_, begin=begin, finish=finish, brk=brk)))
    rows = [("A", (dt.datetime(2026, 5, 1) + dt.timedelta(days=d, minutes=m)).strftime("%Y-%m-%d %H:%M"), "") for d, m in punches]
    path = write_punches(tmp_path / "p.csv", rows)
    os.environ["PAYROLL_SWITCH_TIMESHEET_MONTH_ATTRIBUTION"] = attribution
    try:
        the_law = law_module.load()
    finally:
        del os.environ["PAYROLL_SWITCH_TIMESHEET_MONTH_ATTRIBUTION"]
    r = check([read_export(path)], staff, dup_window=3)
    empty = pl.DataFrame(schema=LEAVE_SCHEMA), pl.DataFrame(schema=APPROVAL_SCHEMA)
    paid = 0
    for first, last in ((dt.date(2026, 4, 1), dt.date(2026, 4, 30)), (dt.date(2026, 5, 1), dt.date(2026, 5, 31)), (dt.date(2026, 6, 1), dt.date(2026, 6, 30))):
        days = build_days(staff, r.shifts, *empty, first, last, the_law)
        paid += days["worked_paid"].sum()
        assert (days["regular_paid"] + days["overtime_paid"] + days["holiday_work_paid"] == days["worked_paid"]).all()
    # every shift lies in one of the three months' spans; its minutes are paid once
    whole = build_days(staff, r.shifts, *empty, dt.date(2026, 4, 1), dt.date(2026, 6, 30), the_law)
    assert paid == whole["worked_paid"].sum() == whole["worked"].sum()
