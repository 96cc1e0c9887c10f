"""The month's 연차 report (XLSX) and the ledger as JSON-ready data.

Sheets: 연차현황 (per worker: accrued, used, paid out, lapsed, remaining, expiring within 3 months,
notices due), 원장 (the month's entries), 예외 (uses beyond the balance), 설정 (continuity setting,
attendance source). Amounts are in hours (a number, to the hundredth) with days and hours beside
them as text (8시간 = 1일; payroll.leave.units) — never in minutes; the JSON data keeps the exact minutes.
The file is byte-identical for the same inputs (fixed document dates and zip timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

from payroll.law import Law
from payroll.leave.inputs import Notice
from payroll.leave.amounts import leave_day_minutes
from payroll.leave.ledger import WorkerLedger
from payroll.leave.notices import notices_for
from payroll.leave.timing import STAGE_LABELS, shift_months
from payroll.leave.units import amount_text, hour_based, hours_text, leave_text
from payroll.roster import Roster

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


def hours(minutes: int) -> Decimal:
    """Minutes as a number of hours (to the hundredth) for a spreadsheet cell."""
    return (Decimal(int(minutes)) / 60).quantize(Decimal("0.01"))


def ledger_json(ledger: WorkerLedger, roster: Roster, law: Law, notices: list[Notice]) -> dict:
    worker = roster.workers[ledger.worker_id]
    due = notices_for(ledger, ledger.as_of, law, notices, horizon_days=92)
    return {
        "worker_id": ledger.worker_id,
        "name": worker.name,
        "as_of": ledger.as_of.isoformat(),
        "attendance": ledger.attendance_note,
        "services": [
            {
                "start": s.start.isoformat(),
                "end": s.end.isoformat() if s.end else None,
                "contracts": [c.contract_id for c in s.contracts],
                # the first day the ledger evaluates; null: the service start; "settled": none of it
                "ledger_start": None if s.ledger_start is None else "settled" if s.ledger_start == dt.date.max else s.ledger_start.isoformat(),
                "gaps": [{"after": g.after, "before": g.before, "days": g.days, "limit_days": g.limit, "continuous": g.bridged, "reason": g.reason} for g in s.gaps],
            }
            for s in ledger.services
        ],
        "totals_minutes": ledger.totals(),
        **_balance_texts(ledger, roster, law),
        "entries": [
            {
                "date": e.date.isoformat(), "kind": e.kind, "minutes": e.minutes, "balance": e.balance, "grants": e.grant_id,
                "article": e.article, "note": e.note,
                **({"reason": e.reason, "amount": e.amount, "pay_month": e.pay_month, "method": e.method} if e.kind == "payout" else {}),
            }
            for e in ledger.entries
        ],
        "open_grants": [
            {"grant": g.grant_id, "date": g.date.isoformat(), "expires": g.expiry.isoformat(), "minutes": g.minutes, "remaining": g.remaining}
            for g in ledger.grants if g.remaining > 0
        ],
        "exceptions": [{"date": x.date.isoformat(), "minutes": x.minutes, "kind": x.kind, "note": x.note, "source": x.source} for x in ledger.exceptions],
        "notices": [
            {"period_end": n.period_end.isoformat(), "stage": n.stage, "label": n.label, "from": n.start.isoformat(), "by": n.end.isoformat(),
             "status": n.status, "minutes": n.minutes, "ends_with_contract": n.ends_with_service, "article": n.article}
            for n in due
        ],
        "notes": ledger.notes,
    }


def _balance_texts(ledger: WorkerLedger, roster: Roster, law: Law) -> dict:
    """The balance in days and hours of the worker's day; from 2027-06-10 (§60⑤) in hours first."""
    contracts = roster.contracts_of(ledger.worker_id)
    contract = roster.contract_on(ledger.worker_id, ledger.as_of) or contracts[-1]
    day = min(ledger.as_of, contract.end or ledger.as_of)
    unit = leave_day_minutes(contract, law, day)
    in_hours = hour_based(law, ledger.as_of)
    t = ledger.totals()
    return {"day_minutes": unit, "hour_based": in_hours,
            "totals_text": {k: amount_text(v, unit, in_hours) for k, v in t.items()}}


def render_ledger_text(data: dict) -> str:
    lines = [f"연차 원장 {data['worker_id']} {data['name']} — {data['as_of']} 현재", f"  {data['attendance']}"]
    for s in data["services"]:
        lines.append(f"  근속 {s['start']} ~ {s['end'] or '(기간 없음)'}: 계약 {', '.join(s['contracts'])}")
        if s.get("ledger_start") == "settled":
            lines.append("    원장 시작 전에 끝난 근속 — 정산된 것으로 봄")
        elif s.get("ledger_start"):
            lines.append(f"    원장 시작 {s['ledger_start']}: 그 전의 연차는 정산된 것(또는 이월 잔여)으로 봄 — 근속연수는 {s['start']}부터 셈")
        for g in s["gaps"]:
            verdict = "계속근로로 통산" if g["continuous"] else "근속 단절 (새 근속)"
            lines.append(f"    공백 {g['after']} → {g['before']}: {g['days']}일 (기준 {g['limit_days']}일 이하 통산) — {verdict}. 사유: {g['reason']}")
    lines.append(f"  {'날짜':<10} {'구분':<8} {'연차':>16} {'잔여':>18}  근거 / 내용")
    names = {"accrual": "발생", "use": "사용", "payout": "수당지급", "lapse": "소멸"}
    for e in data["entries"]:
        day = dt.date.fromisoformat(e["date"])
        amount, balance = (leave_text(e[k], day, day_minutes=data["day_minutes"]) for k in ("minutes", "balance"))
        text = f"  {e['date']:<10} {names[e['kind']]:<8} {amount:>16} {balance:>18}  {e['article']} — {e['note']}"
        if e["kind"] == "payout":
            text += f" [{e['pay_month']} 지급 {e['amount']:,}원: {e['method']}]"
        lines.append(text)
    t = data["totals_text"]
    unit = f"1일 = {hours_text(data['day_minutes'])}" + (", 시간 단위 사용 (근로기준법 §60⑤)" if data["hour_based"] else "")
    lines.append(f"  합계 ({unit}): 발생 {t['accrued']} − 사용 {t['used']} − 수당 {t['paid_out']} − 소멸 {t['lapsed']} = 잔여 {t['remaining']}")
    for x in data["exceptions"]:
        lines.append(f"  예외 {x['date']}: {x['note']} ({x['source']})")
    for n in data["notices"]:
        lines.append(f"  사용촉진 {n['label']} ({n['status']}): {n['from']} ~ {n['by']}, 미사용 {amount_text(n['minutes'], data['day_minutes'], data['hour_based'])}, 사용기간 {n['period_end']} [{n['article']}]")
    for note in data["notes"]:
        lines.append(f"  참고: {note}")
    return "\n".join(lines)


def _deterministic(xlsx: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and in a fixed member order."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            body = src.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps the save time into dcterms:modified
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", body)
            dst.writestr(info, body)
    return out.getvalue()


def month_report(ledgers: dict[str, WorkerLedger], roster: Roster, month: str, law: Law, notices: list[Notice]) -> bytes:
    from openpyxl import Workbook

    from payroll.security.cells import append_row

    year, mon = (int(x) for x in month.split("-"))
    first = dt.date(year, mon, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    horizon = shift_months(last, 3)[0]
    wb = Workbook()
    ws = wb.active
    ws.title = "연차현황"
    append_row(ws, ["사번", "성명", "소속", "1일 (시간)", "발생 (시간)", "사용 (시간)", "수당지급 (시간)", "소멸 (시간)", "잔여 (시간)", "잔여",
               "이달 발생 (시간)", "이달 사용 (시간)", "3개월 내 소멸 예정 (시간)", "소멸 예정일", "사용촉진 (이달)", "예외", "이달 연차수당(원)"])
    entries_ws = wb.create_sheet("원장")
    append_row(entries_ws, ["사번", "날짜", "구분", "연차 (시간)", "잔여 (시간)", "연차", "잔여", "근거", "내용", "지급월", "금액(원)", "계산방법", "발생 건"])
    exc_ws = wb.create_sheet("예외")
    append_row(exc_ws, ["사번", "날짜", "연차 (시간)", "연차", "내용", "출처"])
    names = {"accrual": "발생", "use": "사용", "payout": "수당지급", "lapse": "소멸"}
    for wid in sorted(ledgers):
        ledger = ledgers[wid]
        worker = roster.workers[wid]
        t = ledger.totals(last)
        month_acc = sum(e.minutes for e in ledger.entries if e.kind == "accrual" and first <= e.date <= last)
        month_use = sum(e.minutes for e in ledger.entries if e.kind == "use" and first <= e.date <= last)
        expiring = [g for g in ledger.grants if g.remaining > 0 and last < g.expiry <= horizon]
        due = [n for n in notices_for(ledger, last, law, notices, horizon_days=0) if n.status in ("due", "missed")]
        due += [n for n in notices_for(ledger, first, law, notices, horizon_days=(last - first).days) if n.status == "upcoming"]
        due_text = "; ".join(sorted({f"{STAGE_LABELS[n.stage]} {n.start}~{n.end} ({n.status})" for n in due}))
        pay = sum(e.amount or 0 for e in ledger.entries if e.kind == "payout" and e.pay_month == month)
        contract = roster.contract_on(wid, last) or roster.contracts_of(wid)[-1]
        unit = leave_day_minutes(contract, law, min(last, contract.end or last))
        append_row(ws, [wid, worker.name, worker.department, hours(unit), hours(t["accrued"]), hours(t["used"]), hours(t["paid_out"]), hours(t["lapsed"]),
                   hours(t["remaining"]), leave_text(t["remaining"], last, law, unit),
                   hours(month_acc), hours(month_use), hours(sum(g.remaining for g in expiring)), ", ".join(sorted({g.expiry.isoformat() for g in expiring})),
                   due_text, len([x for x in ledger.exceptions if first <= x.date <= last]), pay])
        for e in ledger.entries:
            if first <= e.date <= last or (e.kind == "payout" and e.pay_month == month):
                append_row(entries_ws, [wid, e.date.isoformat(), names[e.kind], hours(e.minutes), hours(e.balance), leave_text(e.minutes, e.date, law, unit), leave_text(e.balance, e.date, law, unit),
                                   e.article, e.note, e.pay_month or "", e.amount if e.amount is not None else "", e.method, e.grant_id])
        for x in ledger.exceptions:
            if first <= x.date <= last:
                append_row(exc_ws, [wid, x.date.isoformat(), hours(x.minutes), leave_text(x.minutes, x.date, law, unit), x.note, x.source])
    settings = wb.create_sheet("설정")
    on = law.on(last)
    append_row(settings, ["항목", "값", "근거"])
    append_row(settings, ["기준일", last.isoformat(), ""])
    append_row(settings, ["계속근로 공백 한도(일)", on["leave.continuity_max_gap_days"], str(on.citation("leave.continuity_max_gap_days"))])
    append_row(settings, ["공백 기준의 사유", on["leave.continuity_reason"], ""])
    append_row(settings, ["통상임금 기준", on["leave.ordinary_wage_basis"], str(on.citation("leave.ordinary_wage_basis"))])
    notes = sorted({ledger.attendance_note for ledger in ledgers.values()})
    for note in notes:
        append_row(settings, ["출근 자료", note, "근로기준법 §60①②⑥"])
    wb.properties.creator = "payroll"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(buf.getvalue())
