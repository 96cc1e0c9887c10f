"""Decision D11: the declared 보수월액 defaults to the contract's scheduled monthly taxable pay."""

import datetime as dt
from pathlib import Path

import polars as pl

from payroll.roster import load_roster
from payroll.timesheet.monthly import MonthInputs, build_month

SMALL = Path(__file__).resolve().parent.parent / "samples" / "small"


def test_default_base_is_the_scheduled_month_not_the_worked_month():
    roster = load_roster(SMALL / "roster.csv", SMALL / "contracts.csv")
    exports = (SMALL / "punch.xlsx",)  # the base does not depend on the hours worked
    build = build_month(MonthInputs(month="2026-06", pay_date=dt.date(2026, 7, 10), roster=roster, attendance=exports))
    workers = build.workers
    contracts = {c.contract_id: c for c in roster.contracts}
    checked = 0
    for row in workers.iter_rows(named=True):
        c = contracts[row["contract_id"]]
        declared = roster.workers[row["worker_id"]].insurance_base
        if declared is not None:
            assert row["insurance_base"] == declared
        elif c.pay_type == "hourly" and c.weekly_minutes == 40 * 60:
            assert row["insurance_base"] == c.wage * 209  # 209 h: (40 + 8) × 365 ÷ 7 ÷ 12
            checked += 1
    assert checked > 0
    assert workers.get_column("insurance_base").null_count() == 0


def test_a_declared_pension_base_is_the_national_pensions_base_and_the_health_insurance_keeps_the_salary():
    """국민연금법 §3①5: the 기준소득월액 declared for the pension may differ from the 보수월액 of 건강보험."""
    from payroll.engine.pipeline import compute, default_context

    rows = [{"row": 0, "worker_id": "A", "month": "2026-06", "pay_date": dt.date(2026, 7, 10), "birth_date": dt.date(1980, 1, 1),
             "hire_date": dt.date(2020, 1, 1), "employment": "fixed_term", "income_type": "regular", "family": 1, "children_8_20": 0,
             "withholding_ratio": 100, "monthly_minutes": 209 * 60, "insurance_base": 2_000_000, "pension_base": pension}
            for pension in (3_000_000, None)]
    rows[1]["row"], rows[1]["worker_id"] = 1, "B"
    items = pl.DataFrame({"row": [0, 1], "code": ["base_pay", "base_pay"], "amount": [2_000_000, 2_000_000], "method": [None, None], "minutes": [None, None]},
                         schema={"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64})
    out = compute(pl.DataFrame(rows), items, default_context()).sort("row")
    a, b = out.row(0, named=True), out.row(1, named=True)
    assert a["np_base"] == 3_000_000 and b["np_base"] == 2_000_000
    assert a["national_pension"] == 3_000_000 * 475 // 10_000 // 10 * 10 == 142_500  # 4.75% in 2026
    assert a["hi_base"] == b["hi_base"] == 2_000_000 and a["health_insurance"] == b["health_insurance"]
