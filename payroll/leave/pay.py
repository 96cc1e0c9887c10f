"""연차수당 for the monthly run: the ledger's payouts that fall due in a pay month.

- On leaving (§36 금품청산): every unused minute, paid with the last pay — due in the month that
  holds the last day of the service.
- On lapse without a recorded 사용촉진 (§60⑦, §61): the unused minutes of the period, due in the
  month after the month the use period ends in.

Each payout is one ``annual_leave_pay`` item (rules/employer/pay_items.toml: 연차수당, taxable, part
of 보수) with its 계산방법 "days × hours × rate".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law
from payroll.leave.inputs import LeaveDay, Notice, Opening, load_attendance, load_leave, load_opening, load_register
from payroll.leave.roster_ledgers import iter_ledgers
from payroll.roster import Roster

PAY_CODE = "annual_leave_pay"
ITEM_SCHEMA = {"worker_id": pl.Utf8, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}
PAYOUT_SCHEMA = {
    "worker_id": pl.Utf8, "date": pl.Date, "reason": pl.Utf8, "pay_month": pl.Utf8, "minutes": pl.Int64,
    "amount": pl.Int64, "method": pl.Utf8, "article": pl.Utf8, "grants": pl.Utf8,
}


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = dt.date(year, mon, 1)
    except ValueError:
        raise InputError(f"month: 달(YYYY-MM)이 아닙니다: {month!r}") from None
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _leave(leave: list[LeaveDay] | Path | str | None, roster: Roster) -> list[LeaveDay]:
    if leave is None or isinstance(leave, list):
        return leave or []
    return load_leave(Path(leave), roster)


def _attendance(attendance: pl.DataFrame | Path | str | None) -> pl.DataFrame | None:
    if attendance is None or isinstance(attendance, pl.DataFrame):
        return attendance
    return load_attendance(Path(attendance))


def _notices(notices: list[Notice] | Path | str | None) -> list[Notice]:
    if notices is None or isinstance(notices, list):
        return notices or []
    return load_register(Path(notices))


def _opening(opening: list[Opening] | Path | str | None, roster: Roster) -> list[Opening]:
    if opening is None or isinstance(opening, list):
        return opening or []
    return load_opening(Path(opening), roster)


def leave_payouts(
    roster: Roster,
    month: str,
    *,
    leave: list[LeaveDay] | Path | str | None = None,
    attendance: pl.DataFrame | Path | str | None = None,
    notices: list[Notice] | Path | str | None = None,
    law: Law | None = None,
    workers: list[str] | None = None,
    opening: list[Opening] | Path | str | None = None,
) -> pl.DataFrame:
    """Every 연차수당 payout due in ``month`` with its date, reason, article and the grants it settles.
    ``opening``: the opening balances (leave_opening.csv or its rows), if any."""
    law = law or law_module.current()
    _, last = month_bounds(month)
    ledgers = iter_ledgers(roster, _leave(leave, roster), last, attendance=_attendance(attendance), notices=_notices(notices), law=law, workers=workers,
                           opening=_opening(opening, roster))
    rows = []
    for wid, ledger in ledgers:
        for e in ledger.entries:
            if e.kind == "payout" and e.pay_month == month:
                rows.append((wid, e.date, e.reason, e.pay_month, e.minutes, e.amount, e.method, e.article, e.grant_id))
    return pl.DataFrame(rows, schema=PAYOUT_SCHEMA, orient="row").sort("worker_id", "date")


def leave_pay_items(
    roster: Roster,
    month: str,
    pay_date: dt.date,
    *,
    leave: list[LeaveDay] | Path | str | None = None,
    attendance: pl.DataFrame | Path | str | None = None,
    notices: list[Notice] | Path | str | None = None,
    law: Law | None = None,
    workers: list[str] | None = None,
    opening: list[Opening] | Path | str | None = None,
) -> pl.DataFrame:
    """The month's ``annual_leave_pay`` items: worker_id, code, amount, method, minutes (one row per payout).

    ``pay_date`` is checked against the month (a leaver's 연차수당 goes with the last pay, within
    the 14 days of §36); the amounts do not depend on it.
    """
    first, _ = month_bounds(month)
    if pay_date < first:
        raise InputError(f"pay_date: 지급일 {pay_date.isoformat()}이(가) {month}보다 앞섭니다")
    payouts = leave_payouts(roster, month, leave=leave, attendance=attendance, notices=notices, law=law, workers=workers, opening=opening)
    items = payouts.select(
        "worker_id",
        pl.lit(PAY_CODE).alias("code"),
        "amount",
        pl.concat_str([pl.col("method"), pl.lit(" ["), pl.col("article"), pl.lit("]")]).alias("method"),
        "minutes",
    )
    return items.cast(ITEM_SCHEMA)
