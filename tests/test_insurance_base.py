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
