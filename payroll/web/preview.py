"""A correction's effect before it is saved: the worker's day as the timesheet builds it, now and with
the correction (the same build the run uses: payroll.timesheet.monthly.build_month_detail)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from payroll.case import InputError
from payroll.leave.units import hours_text
from payroll.security.cells import csv_writer

from payroll.attendance.small_files import CORRECTION_FIELDS

CORRECTION_HEADER = tuple(CORRECTION_FIELDS)


def _only(path: Path, worker_id: str, header: tuple[str, ...], what: str, into: Path, drop_day: str | None = None, extra: dict | None = None) -> Path | None:
    """``path``'s rows of ``worker_id`` (less the row of ``drop_day``), plus ``extra``, written to ``into``."""
    from payroll.attendance.checks import read_small_csv

    rows = [r for _, r in read_small_csv(path, header, what)] if path is not None and path.is_file() else []
    rows = [r for r in rows if r["worker_id"] == worker_id and (drop_day is None or r.get("date") != drop_day)]
    if extra:
        rows.append(extra)
    if not rows:
        return None
    buf = io.StringIO(newline="")
    columns = list(header) + sorted(set(rows[0]) - set(header))
    w = csv_writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows([[r.get(c, "") for c in columns] for r in rows])
    into.write_text(buf.getvalue(), encoding="utf-8")
    return into


def _day(root: Path, month: str, worker_id: str, day: dt.date, roster, corrections: Path | None, leave: Path | None, overtime: Path | None) -> dict:
    from payroll.timesheet.monthly import MonthInputs, build_month_detail, month_bounds

    alone = roster.only([worker_id])
    adir = root / month / "attendance"
    exports = tuple(sorted(p for p in adir.iterdir() if p.is_file() and not p.name.startswith("."))) if adir.is_dir() else ()
    first, _ = month_bounds(month)
    detail = build_month_detail(MonthInputs(month=month, pay_date=first, roster=alone, attendance=exports, corrections=corrections, leave=leave, overtime=overtime))
    rows = detail.days.filter((detail.days["worker_id"] == worker_id) & (detail.days["date"] == day)).to_dicts()
    if not rows:
        raise InputError(f"{worker_id}의 {day}은(는) 계약 기간이 아닙니다")
    r = rows[0]
    clock = lambda ts: ts.strftime("%H:%M") + (" (다음 날)" if ts.date() > day else "") if ts else "—"  # noqa: E731
    return {
        "in": clock(r["first_in"]), "out": clock(r["last_out"]), "worked": hours_text(r["worked"] or 0),
        "regular": hours_text(r["regular"] or 0), "overtime": hours_text(r["overtime"] or 0), "night": hours_text(r["night"] or 0),
        "holiday_work": hours_text(r["holiday_work"] or 0), "late": hours_text(r["late"] or 0), "early_leave": hours_text(r["early_leave"] or 0),
        "absent": bool(r["absent"]), "scheduled": bool(r["scheduled"]),
    }


def preview_correction(root: Path, engine, month: str, worker_id: str, day_text: str, time_in: str, time_out: str, reason: str) -> dict:
    """{"before": day, "after": day} for one proposed correction (nothing is saved). Bad input: the
    corrections loader's message, naming the field."""
    from payroll.attendance.checks import parse_iso_date
    from payroll.web.inputs import roster_of

    roster = roster_of(root, engine)
    if roster is None:
        raise InputError("근로자 명부(roster.csv)와 근로계약(contracts.csv)을 먼저 올리세요")
    if worker_id not in roster.workers:
        raise InputError(f"사번: {worker_id}은(는) 명부에 없습니다")
    day = parse_iso_date(day_text, "일자")
    if not (time_in or time_out):
        raise InputError("출근이나 퇴근 중 하나는 적으세요 (둘 다 비우면 그날은 근무 없음으로 정정됩니다: 사유에 그렇게 적고 저장하세요)")
    mdir = root / month
    with tempfile.TemporaryDirectory(prefix="payroll-preview-") as tmp:
        t = Path(tmp)
        before = _only(mdir / "corrections.csv", worker_id, CORRECTION_HEADER, "근태 정정", t / "before.csv")
        proposed = {"worker_id": worker_id, "date": day.isoformat(), "in": time_in, "out": time_out, "reason": reason or "미리 보기"}
        after = _only(mdir / "corrections.csv", worker_id, CORRECTION_HEADER, "근태 정정", t / "after.csv", drop_day=day.isoformat(), extra=proposed)
        leave = _only(mdir / "leave.csv", worker_id, ("worker_id", "date", "kind", "minutes"), "휴가", t / "leave.csv")
        overtime = _only(mdir / "overtime.csv", worker_id, ("worker_id", "date", "start", "end", "reason"), "연장근로 승인", t / "overtime.csv")
        try:
            now = _day(root, month, worker_id, day, roster, before, leave, overtime)
            then = _day(root, month, worker_id, day, roster, after, leave, overtime)
        except InputError as exc:
            raise InputError(str(exc).replace(str(t / "after.csv"), "정정").replace(str(t / "before.csv"), "corrections.csv")) from None
    return {"worker_id": worker_id, "date": day.isoformat(), "before": now, "after": then}
