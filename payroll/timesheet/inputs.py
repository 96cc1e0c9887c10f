"""HR's small input files for the timesheet: leave days and overtime approvals (CSV, UTF-8 or CP949).

leave.csv     worker_id,date,kind,minutes   kind: 연차 | 반차 | 병가 | 공가 | 무급;
              minutes empty = the scheduled day (반차: half of it). All kinds but 무급 are paid.
overtime.csv  worker_id,date,start,end,reason   approved work outside the schedule (start/end HH:MM;
              end ≤ start = the next day). Time before the scheduled start counts only when approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl

from payroll.attendance.checks import (
    parse_clock,
    parse_iso_date,
    read_small_csv,
)
from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law
from payroll.leave.units import check_use
from payroll.roster import Contract, Roster

LEAVE_KINDS = {"연차": True, "반차": True, "병가": True, "공가": True, "무급": False}
LEAVE_SCHEMA = {"worker_id": pl.Utf8, "date": pl.Date, "kind": pl.Utf8, "minutes": pl.Int64, "paid": pl.Boolean, "line": pl.Int64}
APPROVAL_SCHEMA = {"worker_id": pl.Utf8, "date": pl.Date, "appr_start": pl.Datetime("us"), "appr_end": pl.Datetime("us"), "reason": pl.Utf8}


def load_leave(path: Path | None, roster: Roster, law: Law | None = None) -> pl.DataFrame:
    if path is None:
        return pl.DataFrame(schema=LEAVE_SCHEMA)
    law = law or law_module.current()
    path = Path(path)
    contract_on = roster.contract_on
    rows = []
    seen: set[tuple[str, dt.date, str]] = set()
    for line, r in read_small_csv(path, ("worker_id", "date", "kind", "minutes"), "휴가"):
        where = f"{path}: {line}행"
        wid = r["worker_id"]
        if wid not in roster.workers:
            raise InputError(f"{where}: worker_id: {wid!r}은(는) 명부(roster)에 없습니다")
        day = parse_iso_date(r["date"], f"{where}: date")
        if contract_on(wid, day) is None:
            raise InputError(f"{where}: date: {day}은(는) 근로자 {wid}의 어느 계약 기간에도 들지 않습니다")
        kind = r["kind"]
        if kind not in LEAVE_KINDS:
            raise InputError(f"{where}: kind: 알 수 없는 휴가 종류 {kind!r} (쓸 수 있는 값: {', '.join(LEAVE_KINDS)})")
        minutes = None
        if r["minutes"]:
            try:
                minutes = int(r["minutes"])
            except ValueError:
                raise InputError(f"{where}: minutes: 분 단위 정수가 아닙니다: {r['minutes']!r}") from None
            if not 0 < minutes <= 1440:
                raise InputError(f"{where}: minutes: 1에서 1440 사이여야 합니다 (받은 값 {minutes})")
        check_use(kind, minutes, contract_on(wid, day).daily_minutes, day, law, where)
        if (wid, day, kind) in seen:
            raise InputError(f"{where}: 근로자 {wid}의 {day} {kind}이(가) 두 번 있습니다")
        seen.add((wid, day, kind))
        rows.append((wid, day, kind, minutes, LEAVE_KINDS[kind], line))
    _check_overlap(path, rows, contract_on)
    return pl.DataFrame(rows, schema=LEAVE_SCHEMA, orient="row")


def _check_overlap(path: Path, rows: list[tuple], contract_on: Callable[[str, dt.date], Contract | None]) -> None:
    """Overlapping leave (the rule payroll.leave.inputs applies, so the month's timesheet and the 연차
    ledger reject the same file): one worker-day may hold several part-day rows, never a full day
    beside another row and never more than the scheduled day."""
    by_day: dict[tuple[str, dt.date], list[tuple]] = {}
    for r in rows:
        by_day.setdefault((r[0], r[1]), []).append(r)
    for (wid, day), group in by_day.items():
        if len(group) < 2:
            continue
        daily = contract_on(wid, day).daily_minutes
        spans = [(m if m is not None else daily // 2 if kind == "반차" else daily) for _, _, kind, m, _, _ in group]
        if sum(spans) > daily or daily in spans:
            raise InputError(f"{path}: {group[1][5]}행: date: 근로자 {wid}의 {day} 휴가가 {group[0][5]}행과 겹칩니다 "
                             f"(합계 {sum(spans)}분, 1일 소정근로시간 {daily}분)")


def load_approvals(path: Path | None, roster: Roster) -> pl.DataFrame:
    if path is None:
        return pl.DataFrame(schema=APPROVAL_SCHEMA)
    path = Path(path)
    rows = []
    for line, r in read_small_csv(path, ("worker_id", "date", "start", "end", "reason"), "연장근로 승인"):
        where = f"{path}: {line}행"
        wid = r["worker_id"]
        if wid not in roster.workers:
            raise InputError(f"{where}: worker_id: {wid!r}은(는) 명부(roster)에 없습니다")
        day = parse_iso_date(r["date"], f"{where}: date")
        a, b = parse_clock(r["start"], f"{where}: start"), parse_clock(r["end"], f"{where}: end")
        if a is None or b is None:
            raise InputError(f"{where}: start/end: 둘 다 필요합니다")
        base = dt.datetime.combine(day, dt.time())
        rows.append((wid, day, base + dt.timedelta(minutes=a), base + dt.timedelta(minutes=b + (1440 if b <= a else 0)), r["reason"]))
    frame = pl.DataFrame(rows, schema=APPROVAL_SCHEMA, orient="row")
    # several approvals on one day: the earliest start and the latest end
    return frame.group_by(["worker_id", "date"], maintain_order=True).agg(
        pl.col("appr_start").min(), pl.col("appr_end").max(), pl.col("reason").str.join("; ")
    )
