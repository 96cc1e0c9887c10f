"""휴게 (근로기준법 §54①) checked against each contract's schedule for the month.

A contract whose scheduled day gives less break than §54① asks for is named on the run's warnings:
the pay does not change (휴게 is unpaid, the timesheet deducts the contract's break), but the
contract, and the 근로계약서 printed from it, has to be put right. From 2026-12-10 (법률 제21784호,
§54① 단서) a day of exactly 4 hours may go without its 30 minutes when the worker expressly asks;
the run then only reminds that the request is kept on paper.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from payroll import law as law_module
from payroll.roster import Roster

FOUR_HOURS, EIGHT_HOURS = 4 * 60, 8 * 60


def _hm(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}시간" + (f" {m}분" if m else "")


def rest_break_warnings(roster: Roster, first: dt.date, last: dt.date, law: law_module.Law) -> list[str]:
    """One line per contract in force in the month whose scheduled break falls short of §54①."""
    rows = [(wid, c.contract_id, c.daily_minutes, c.break_minutes)
            for wid in sorted(roster.contracts_by_worker) for c in roster.contracts_in_month(wid, first, last)]
    if not rows:
        return []
    frame = pl.DataFrame(rows, schema={"worker_id": pl.Utf8, "contract_id": pl.Utf8, "work": pl.Int64, "rest": pl.Int64}, orient="row")
    at_start, at_end = law.on(first), law.on(last)
    after_4h, after_8h = int(at_end["working_time.rest_break_4h"]), int(at_end["working_time.rest_break_8h"])
    needed = (pl.when(pl.col("work") >= EIGHT_HOURS).then(after_8h)
              .when(pl.col("work") >= FOUR_HOURS).then(after_4h).otherwise(0))
    short = frame.with_columns(needed.alias("needed")).filter(pl.col("rest") < pl.col("needed"))
    waivable_from_start = bool(at_start["working_time.rest_break_4h_waivable"])
    waivable_by_end = bool(at_end["working_time.rest_break_4h_waivable"])
    out = []
    for r in short.iter_rows(named=True):
        head = f"{r['worker_id']}: 계약 {r['contract_id']} 1일 근로 {_hm(r['work'])}에 휴게 {r['rest']}분"
        if r["work"] == FOUR_HOURS and waivable_by_end:
            since = "" if waivable_from_start else " — 그 전 날들은 30분 휴게 필요"
            out.append(f"{head}: 근로자가 명시적으로 요청한 경우에만 휴게 생략 가능 — 요청서 보관 (근로기준법 §54① 단서, 2026-12-10 시행{since})")
        else:
            out.append(f"{head} < {r['needed']}분 (근로기준법 §54①) — 계약의 휴게시간을 고쳐야 함 (임금은 계약대로 계산)")
    return out
