"""The sample generator: deterministic, the committed small set is its output, the full set has the
workforce the issue describes, and the month builds from it with every row accounted for."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from payroll.attendance.checks import check_files
from payroll.engine.pipeline import compute
from payroll.roster import load_roster
from payroll.timesheet.monthly import MonthInputs, build_month_detail
from samples.generate import write_set

SMALL = Path(__file__).resolve().parent.parent / "samples" / "small"
EXPORTS = ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")
JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


def test_committed_small_set_is_the_generators_output(tmp_path):
    write_set(tmp_path, "2026-06", small=True)
    committed = sorted(p.name for p in SMALL.iterdir() if p.is_file())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (SMALL / name).read_bytes(), name


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    out = tmp_path_factory.mktemp("full")
    stats = write_set(out, "2026-06", small=False)
    return out, stats


def test_full_workforce(full):
    out, stats = full
    staff = load_roster(out / "roster.csv", out / "contracts.csv")
    ws = list(staff.workers.values())
    assert len(ws) == 1165
    assert sum(w.employment == "public_service" for w in ws) == 186
    assert sum(w.employment == "fixed_term" for w in ws) == 979
    cs = {c.worker_id: c for c in staff.contracts}
    assert all(cs[w.worker_id].pay_type == "monthly" for w in ws if w.employment == "public_service")
    fixed = [cs[w.worker_id] for w in ws if w.employment == "fixed_term"]
    assert sum(c.pay_type == "hourly" and c.wage == 12_121 for c in fixed) > 900
    assert sum(c.pay_type == "daily" for c in fixed) >= 10
    assert any(w.income_type == "daily" for w in ws)
    june = dt.date(2026, 6, 1)

    def age(b, on):
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    assert sum(age(w.birth_date, june) >= 60 for w in ws) >= 20
    assert any(age(w.birth_date, w.first_hire_date) >= 65 for w in ws)
    assert any(c.monthly_minutes < 60 * 60 for c in staff.contracts)
    assert any(c.weekly_minutes < 15 * 60 for c in staff.contracts)
    assert any(c.start_time == dt.time(22) and c.end_time == dt.time(6) for c in staff.contracts)
    for w in ws:
        assert re.fullmatch(r"\d{6}-\d\*{6}", w.rrn_masked)
    assert stats["faults"] > 0.01 * stats["shifts"]


def test_full_month_check_and_build(full):
    out, _ = full
    staff = load_roster(out / "roster.csv", out / "contracts.csv")
    files = tuple(out / n for n in EXPORTS)
    r = check_files(list(files), staff, out / "corrections.csv", month=JUNE)
    assert r.rows.filter(~pl.col("used") & ~pl.col("reported")).height == 0
    assert r.rows.height == sum(f[4] for f in r.files) > 30_000
    d = build_month_detail(MonthInputs("2026-06", dt.date(2026, 7, 10), staff, files, out / "corrections.csv", out / "leave.csv", out / "overtime.csv"))
    assert d.build.workers.height == 1165
    result = compute(d.build.workers, d.build.items)
    assert result.height == 1165 and (result["net_pay"] > 0).all()
    # work on 2026-06-03 is paid as 휴일근로 for the 환경미화 crews and the CCTV night shifts
    on_election = d.build.timesheet.filter((pl.col("date") == dt.date(2026, 6, 3)) & (pl.col("holiday_work") > 0))
    assert on_election.height > 100
    chosen = clean_full_timers(d, staff)
    assert len(chosen) > 50
    assert_hand_count(d, chosen)


def test_small_month_matches_a_hand_count_for_clean_full_timers():
    """For every 40 h 기간제 with a clean June (no lateness, early leave, absence, leave, overtime or holiday
    duty): 21 working days × 8 h, 4 weeks of 주휴 × 8 h and 06-03 as 8 h of 유급휴일수당."""
    staff = load_roster(SMALL / "roster.csv", SMALL / "contracts.csv")
    inputs = MonthInputs("2026-06", dt.date(2026, 7, 10), staff, tuple(SMALL / n for n in EXPORTS), SMALL / "corrections.csv", SMALL / "leave.csv", SMALL / "overtime.csv")
    d = build_month_detail(inputs)
    ts = d.build.timesheet
    busy = set(ts.filter((pl.col("late") > 0) | (pl.col("early_leave") > 0) | pl.col("absent") | pl.col("leave_kinds").is_not_null() | (pl.col("overtime") > 0) | (pl.col("holiday_work") > 0)).get_column("worker_id"))
    full_june = [c for c in staff.contracts if c.pay_type == "hourly" and c.weekly_minutes == 2400 and c.start <= JUNE[0] and (c.end is None or c.end >= JUNE[1]) and c.start_time == dt.time(9)]
    chosen = [c.worker_id for c in full_june if c.worker_id not in busy]
    assert len(chosen) >= 3
    assert_hand_count(d, chosen)


def assert_hand_count(d, chosen):
    for wid in chosen:
        row = d.build.workers.filter(pl.col("worker_id") == wid).get_column("row").item()
        got = [(r["code"], r["amount"]) for r in d.build.items.filter(pl.col("row") == row).iter_rows(named=True)]
        assert got == [("base_pay", 12_121 * 168), ("weekly_holiday_pay", 12_121 * 32), ("public_holiday_pay", 12_121 * 8)], wid


def clean_full_timers(d, staff):
    ts = d.build.timesheet
    busy = set(ts.filter((pl.col("late") > 0) | (pl.col("early_leave") > 0) | pl.col("absent") | pl.col("leave_kinds").is_not_null() | (pl.col("overtime") > 0) | (pl.col("holiday_work") > 0)).get_column("worker_id"))
    full_june = [c for c in staff.contracts if c.pay_type == "hourly" and c.weekly_minutes == 2400 and c.start <= JUNE[0] and (c.end is None or c.end >= JUNE[1]) and c.start_time == dt.time(9)]
    return [c.worker_id for c in full_june if c.worker_id not in busy]
