"""The monthly returns from the stored runs: 원천징수이행상황신고서 values, 근로내용확인신고, 4대보험 취득·상실.

Which runs: the 원천징수이행상황신고서 is filed for the month the pay was **paid** (지급월; 소득세법 §128,
시행규칙 별지 제21호서식), so it takes the paid runs whose 지급일 falls in the month; the
근로내용확인신고 and the 취득·상실 lists are for the month **worked** (the run of that month).

원천징수이행상황신고서 (홈택스 화면의 칸): lines A01, A02, A03, A04, A05, A06, A10 (and A20 퇴직소득) with
④인원 ⑤총지급액 ⑥소득세 등 ⑦농어촌특별세 ⑧가산세 ⑨당월조정환급세액 ⑩납부세액 ⑪농어촌특별세; then Ⅱ 환급세액
조정 ⑫전월미환급 ⑬기환급신청 ⑭차감잔액 ⑮일반환급 ⑯신탁재산 ⑰그 밖의 환급 ⑱조정대상환급 ⑲당월조정환급세액계
⑳차월이월환급세액 ㉑환급신청액. Our reading of the form's 작성방법 (조정환급): the 근로소득 lines net in A10
(a 연말정산 refund in A04/A06 offsets the month's 간이세액); when A10 ⑥ is below zero the excess is this
month's 일반환급 ⑮; the 조정대상환급세액 ⑱ = ⑭ + ⑮ is set against the month's other positive lines
(⑨, A20 first after A10) and what is left is carried to the next month (⑳; ㉑ 환급신청 is left at 0 —
a refund claim is the employer's choice). 지방소득세 is filed separately (위택스 특별징수); its column is
shown for reference with the same netting.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlmodel import Session, select

from payroll.documents.filings import withholding_lines
from payroll.runs.history import month_add, month_range, paid_runs
from payroll.store.models import Run, WorkerResult, paid_rows

DATE_COLUMNS = ("pay_date", "birth_date", "hire_date", "leave_date")


def results_frame(session: Session, runs: list[Run], *, paid_only: bool = False) -> pl.DataFrame:
    """The stored result rows of ``runs`` as one frame (dates parsed); ``paid_only``: without the rows
    held back (지급 보류: nothing paid, nothing withheld — their pay is filed when it is released)."""
    if not runs:
        return pl.DataFrame()
    from payroll.runs.result_reads import Reader

    query = select(WorkerResult.run_id, WorkerResult.result_json).where(WorkerResult.run_id.in_([r.run_id for r in runs]))
    if paid_only:
        query = query.where(paid_rows())
    rows = session.exec(query).all()
    reader = Reader(session)
    frame = pl.DataFrame([reader.row(run_id, t) for run_id, t in rows], infer_schema_length=None)
    return frame.with_columns([pl.col(c).cast(pl.Utf8).str.to_date(strict=False) for c in DATE_COLUMNS if c in frame.columns])


def runs_paid_in(session: Session, month: str) -> list[Run]:
    """The paid runs whose 지급일 is in ``month`` (a month's pay may be paid in the next)."""
    first, last = month_range(month)
    candidates = paid_runs(session, [month_add(month, -2), month_add(month, -1), month])
    return sorted((r for r in candidates.values() if first <= r.pay_date <= last), key=lambda r: r.month)


def run_of_work_month(session: Session, month: str) -> Run | None:
    return paid_runs(session, [month]).get(month)


REFUND_KEYS = ("carried", "claimed_before", "balance", "general", "trust", "other", "adjustable", "applied", "next", "claim")


def _withholding_raw(session: Session, month: str) -> tuple[list[dict], list[Run]]:
    runs = runs_paid_in(session, month)
    frame = results_frame(session, runs, paid_only=True)
    return (withholding_lines(frame) if frame.height else []), runs


def withholding_return(session: Session, month: str, *, first_month: str | None = None) -> dict:
    """The month's return: lines with ⑨/⑩ and the 환급세액 조정 block, the carry-over worked out from ``first_month``
    (default: January of the year before) month by month."""
    start = first_month or f"{int(month[:4]) - 1}-01"
    carried = carried_local = 0
    m = start
    while True:
        lines, runs = _withholding_raw(session, m)
        ret = _netted(m, lines, carried, carried_local)
        ret["runs"] = [{"run_id": r.run_id, "month": r.month, "pay_date": r.pay_date.isoformat()} for r in runs]
        if m == month:
            return ret
        carried, carried_local = ret["refund"]["next"], ret["refund_local"]["next"]
        m = month_add(m, 1)


def _netted(month: str, lines: list[dict], carried: int, carried_local: int) -> dict:
    by = {x["code"]: dict(x) for x in lines}
    out_lines = []
    refund, refund_local = {k: 0 for k in REFUND_KEYS}, {k: 0 for k in REFUND_KEYS}
    for key, carry, book in (("income_tax", carried, refund), ("local_income_tax", carried_local, refund_local)):
        a10 = by.get("A10", {}).get(key, 0)
        book["carried"], book["balance"] = carry, carry
        book["general"] = max(0, -a10)
        book["adjustable"] = book["balance"] + book["general"] + book["trust"] + book["other"]
        positive = [(code, max(0, by[code][key])) for code in ("A10", "A20") if code in by]
        left = book["adjustable"]
        for code, tax in positive:
            use = min(tax, left)
            by[code][f"{key}_adjusted"] = use
            left -= use
        book["applied"] = book["adjustable"] - left
        book["next"] = left - book["claim"]
    for x in lines:
        y = by[x["code"]]
        adjusted = y.get("income_tax_adjusted", 0)
        summed = x["code"] in ("A10", "A20")
        out_lines.append({**x, "adjusted": adjusted, "payable": max(0, x["income_tax"]) - adjusted if summed else None,
                          "local_adjusted": y.get("local_income_tax_adjusted", 0),
                          "local_payable": max(0, x["local_income_tax"]) - y.get("local_income_tax_adjusted", 0) if summed else None})
    payable = sum(x["payable"] or 0 for x in out_lines)
    return {"month": month, "lines": out_lines, "refund": refund, "refund_local": refund_local, "payable": payable,
            "payable_local": sum(x["local_payable"] or 0 for x in out_lines)}


def daily_rows(session: Session, month: str) -> tuple[list[dict], Run | None]:
    """The 일용 workers of the work month with their days (근로내용확인신고 / 일용근로소득 지급명세서)."""
    run = run_of_work_month(session, month)
    if run is None:
        return [], None
    f = results_frame(session, [run])
    if not f.height or "income_type" not in f.columns:
        return [], run
    from payroll.yearend.stored import roster_of_run

    daily = f.filter(pl.col("income_type") == "daily").sort("worker_id").to_dicts()
    if daily:
        roster = roster_of_run(session, run)
        for r in daily:
            w = roster.workers.get(r["worker_id"])
            r["rrn_masked"] = w.rrn_masked if w else ""
    return daily, run


def movements(session: Session, month: str):
    """(hires, leavers, run) of the work month from the run's roster: a hire's service starts in the month (no
    contract the day before), a leaver's ends in it (no contract the day after); a leaver is
    (worker, last day, contract, resigned: a 중도포기서 ended the contract before its term)."""
    from payroll.yearend.stored import roster_of_run

    run = run_of_work_month(session, month)
    if run is None:
        return [], [], None
    roster = roster_of_run(session, run)
    signed = {c.contract_id: c.end for c in roster_of_run(session, run, apply_resignations=False).contracts}
    first, last = month_range(month)
    hires, leavers = [], []
    for wid, contracts in sorted(roster.contracts_by_worker.items()):
        covers = lambda d: any(c.start <= d and (c.end is None or c.end >= d) for c in contracts)  # noqa: E731
        for c in contracts:
            if first <= c.start <= last and not covers(c.start - dt.timedelta(days=1)):
                hires.append((roster.workers[wid], c.start, c))
            if c.end is not None and first <= c.end <= last and not covers(c.end + dt.timedelta(days=1)):
                leavers.append((roster.workers[wid], c.end, c, signed.get(c.contract_id) != c.end))
    return hires, leavers, run


def insured_in_run(session: Session, run: Run | None) -> dict[str, dict]:
    """Per worker of ``run``: whether 국민연금, 건강보험 and 고용보험 insure them that month (a hire after the
    1st owes no premium for the month but is insured from the day: 국민연금법 §17①, 국민건강보험법 §69②),
    whether they are a 일용근로자 (고용·산재 through the 근로내용확인신고, 국민연금·건강 not at hire), and
    the 기준소득월액 and 보수월액 the run used (decision D11)."""
    from payroll.engine.eligibility import HI_MID_MONTH_NOTE, NP_MID_MONTH_NOTE

    frame = results_frame(session, [run]) if run is not None else pl.DataFrame()
    out = {}
    for r in frame.to_dicts():
        out[r["worker_id"]] = {
            "daily": r.get("income_type") == "daily",
            "np": bool(r.get("np_applies")) or r.get("np_note") == NP_MID_MONTH_NOTE,
            "hi": bool(r.get("hi_applies")) or r.get("hi_note") == HI_MID_MONTH_NOTE,
            "ei": bool(r.get("ei_stability_applies")),
            "np_base": r.get("np_base"), "hi_base": r.get("hi_base"),
        }
    return out
