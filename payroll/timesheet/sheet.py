"""근무상황부 (monthly attendance record) per worker as XLSX: a row per day, weekly and monthly totals,
then the month's pay lines with their 계산방법."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from payroll.attendance.xlsx import write_xlsx, xlsx_bytes
from payroll.pay_items import current as catalogue
from payroll.timesheet.days import PAID
from payroll.timesheet.monthly import MonthDetail

WEEKDAYS = "월화수목금토일"
HEADER = ["일자", "요일", "구분", "출근", "퇴근", "근무", "정규", "연장", "야간", "휴일근로", "지각", "조퇴", "결근", "휴가", "유급휴가", "유급휴일"]


def _hm(minutes: int | None) -> str:
    if not minutes:
        return ""
    h, m = divmod(int(minutes), 60)
    return f"{h}:{m:02d}"


def _kind(r: dict) -> str:
    if r["public_holiday"]:
        return r["holiday_name"] or "공휴일"
    if r["holiday"]:
        return "주휴일"
    return "근무일" if r["scheduled"] else "휴무일"


def worker_rows(detail: MonthDetail, worker_id: str) -> list[list[object]]:
    days = detail.days.filter((pl.col("worker_id") == worker_id) & pl.col("in_month")).sort("date")
    weeks = detail.weeks.filter(pl.col("worker_id") == worker_id)
    w = detail.build.workers.filter(pl.col("worker_id") == worker_id)
    if not w.height:
        raise KeyError(worker_id)
    info = w.row(0, named=True)
    rows: list[list[object]] = [
        ["근무상황부", info["month"], info["worker_id"], info["name"], info["department"], info["job"], f"계약 {info['contract_id']}"],
        HEADER,
    ]
    keys = ("worked", "regular", "overtime", "night", "holiday_work", "late", "early_leave")
    total = dict.fromkeys(keys + ("paid_leave", "public_holiday_minutes", "absent"), 0)
    week_tot = dict(total)
    records = days.to_dicts()
    for i, r in enumerate(records):
        rows.append([
            r["date"].isoformat(), WEEKDAYS[r["weekday"] - 1], _kind(r),
            r["first_in"].strftime("%H:%M") if r["first_in"] else "", r["last_out"].strftime("%m-%d %H:%M") if r["last_out"] and r["last_out"].date() != r["date"] else (r["last_out"].strftime("%H:%M") if r["last_out"] else ""),
            *(_hm(r[k]) for k in keys), "결근" if r["absent"] else "", r["leave_kinds"] or "", _hm(r["paid_leave"]), _hm(r["public_holiday_minutes"]),
        ])
        for k in total:
            week_tot[k] += int(r[k])
            total[k] += int(r[k])
        last_of_week = i == len(records) - 1 or records[i + 1]["week"] != r["week"]
        if last_of_week:
            wk = weeks.filter(pl.col("week") == r["week"])
            note = ""
            if wk.height:
                x = wk.row(0, named=True)
                note = f"주휴 {_hm(x['weekly_holiday_minutes']) or '0:00'} ({x['weekly_holiday_note']})"
            rows.append([f"{r['week'].isoformat()} 주 합계", "", note, "", "", *(_hm(week_tot[k]) for k in keys), f"{week_tot['absent']}일" if week_tot["absent"] else "", "", _hm(week_tot["paid_leave"]), _hm(week_tot["public_holiday_minutes"])])
            week_tot = dict.fromkeys(week_tot, 0)
    wh = int(weeks.get_column("weekly_holiday_minutes").sum() or 0)
    rows.append(["월 합계", "", f"주휴 {_hm(wh) or '0:00'}", "", "", *(_hm(total[k]) for k in keys), f"{total['absent']}일" if total["absent"] else "", "", _hm(total["paid_leave"]), _hm(total["public_holiday_minutes"])])
    # the minutes this month pays can differ from its days' totals: a night shift's minutes after midnight
    # belong to the month of their calendar day (timesheet.month_attribution), a previous evening's to this one
    paid_days = detail.days.filter(pl.col("worker_id") == worker_id)
    paid = {k: int(paid_days.get_column(PAID[k]).sum() or 0) for k in keys if k in PAID}
    if any(paid[k] != total[k] for k in paid):
        rows.append(["이달 지급 분", "", "월 경계 근무: 자정 이후는 그 날의 달에 지급", "", "",
                     *(_hm(paid[k]) if k in paid else "" for k in keys), "", "", "", ""])
    rows.append([])
    rows.append(["지급항목", "금액 (원)", "계산방법"])
    cat = catalogue()
    items = detail.build.items.filter(pl.col("row") == info["row"])
    for it in items.iter_rows(named=True):
        rows.append([cat.label(it["code"]), it["amount"], it["method"]])
    rows.append(["합계", int(items.get_column("amount").sum() or 0), ""])
    return rows


def worker_xlsx(detail: MonthDetail, worker_id: str) -> bytes:
    return xlsx_bytes({"근무상황부": worker_rows(detail, worker_id)})


def write_worker_sheets(detail: MonthDetail, out_dir: Path | str, worker_ids: list[str] | None = None) -> list[Path]:
    out_dir = Path(out_dir)
    ids = worker_ids or detail.build.workers.get_column("worker_id").to_list()
    from payroll.security.identifiers import contained

    month = detail.build.workers.row(0, named=True)["month"]
    return [write_xlsx(contained(out_dir, f"근무상황부_{month}_{wid}.xlsx"), {"근무상황부": worker_rows(detail, wid)}) for wid in ids]
