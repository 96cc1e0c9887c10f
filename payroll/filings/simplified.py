"""근로소득 간이지급명세서 (소득세법 §164의3) records from the stored runs.

For pay of 2026 the return is half-yearly (상반기 pay by 31 July, 하반기 by 31 January); from pay of
2027-01-01 it is monthly (소득세법 §164의3 as amended; kr-payroll-facts-2027.md). The only layout found
is the 190-byte one of the 2021 상반기 제출요령 (payroll/filings/layouts/simplified_2021.tsv; no 2024–
2026 edition, no monthly layout): the records here follow it, with the 근무기간 (C12–C13) clipped to the
period and B10 the half-year the period falls in — for a monthly file that is our assumption. The file
is a pre-check either way (홈택스 변환 제출 needs the NTS encryption module).

Amounts: C14 총급여 = the 과세 근로소득 paid in the period (the runs whose 지급일 falls in it, 인정상여 and
비과세 excluded, as the 2021 layout defines it); C15 인정상여 = 0 (not paid by this employer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from sqlmodel import Session

from payroll.filings.annual import masked13
from payroll.filings.config import FilingConfig
from payroll.filings.fixed import encode, load_layout
from payroll.filings.monthly import results_frame, runs_paid_in
from payroll.runs.history import month_add, month_range
from payroll.security.rrn import is_foreign_number

LAYOUT = "simplified_2021"
DATA_KIND = 77


@dataclass
class SimplifiedFile:
    name: str
    data: bytes
    period: tuple[str, str]
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    masked: int = 0


def periods_due(month: str) -> list[tuple[str, str]]:
    """The (first, last) pay months whose return the pack of ``month`` carries: the month itself from
    2027; for 2026 pay the half-year ending in June or December."""
    if month >= "2027-01":
        return [(month, month)]
    if month[5:] in ("06", "12"):
        return [(month_add(month, -5), month)]
    return []


def simplified_file(session: Session, period: tuple[str, str], cfg: FilingConfig, submitted: dt.date, rrn_of=None) -> SimplifiedFile:
    first_m, last_m = period
    months, m = [], first_m
    while m <= last_m:
        months.append(m)
        m = month_add(m, 1)
    runs = [r for mm in months for r in runs_paid_in(session, mm)]
    frame = results_frame(session, runs, paid_only=True)  # 지급 기준: a held month is filed when it is paid
    start, end = month_range(first_m)[0], month_range(last_m)[1]
    layout = load_layout(LAYOUT)
    biz = cfg.business_number
    out = SimplifiedFile(name=f"SC{biz[:7]}.{biz[7:]}", data=b"", period=period)
    cuts: list[str] = []
    recs: list[bytes] = []
    total = 0
    earlier = 0  # records of an employment that ended before the period
    if frame.height:
        regular = frame.filter(pl.col("income_type").fill_null("regular") != "daily")
        spans = service_spans(session, runs)
        per = regular.group_by("worker_id", "month").agg(pl.col("taxable_pay").sum(), pl.col("name").last(), pl.col("hire_date").min(),
                                                         pl.col("leave_date").max()).sort("worker_id", "month")
        periods = []  # one per continuous employment in the period (a worker who leaves and is rehired has two: §2.4)
        for (wid,), months_of in per.group_by("worker_id", maintain_order=True):
            rows = months_of.to_dicts()
            mine = spans.get(wid)
            if not mine:  # no contract known: one record, as the rows say
                periods.append((wid, rows[-1]["name"], rows[0]["hire_date"] or start, rows[-1]["leave_date"], sum(int(r["taxable_pay"] or 0) for r in rows)))
                continue
            paid: dict[tuple[dt.date, dt.date | None], int] = {}
            for r in rows:
                span = _span_of(mine, r["month"])
                paid[span] = paid.get(span, 0) + int(r["taxable_pay"] or 0)
            periods += [(wid, rows[-1]["name"], span_start, span_end, amount) for (span_start, span_end), amount in sorted(paid.items())]
        # pay of work months before the period (a month paid in the next: December's pay on 8 January) is filed with
        # the period it is paid in (§164의3: 지급일); an employment that ended before the period then keeps the dates
        # it was earned in, never a start after its end (an employment that goes on is clipped to the period as before)
        earned_from = min(start, month_range(regular.get_column("month").min())[0]) if regular.height else start
        for seq, (wid, name, span_start, span_end, amount) in enumerate(periods, start=1):
            full = rrn_of(wid) if rrn_of else None
            out.masked += full is None
            w_start = max(start, span_start)
            w_end = min(end, span_end) if span_end else end
            if w_end < w_start:
                w_start = max(earned_from, span_start)
                earlier += 1
            number = full or masked13(_masked(session, wid))
            c = {"C01": "C", "C02": DATA_KIND, "C03": cfg.tax_office_code, "C04": seq, "C05": biz, "C06": number,
                 "C07": name, "C09": 9 if is_foreign_number(number) else 1, "C10": 1, "C11": "KR", "C12": w_start.strftime("%Y%m%d"), "C13": w_end.strftime("%Y%m%d"),
                 "C14": amount, "C15": 0}
            recs.append(encode(layout, "C", c, f"C record {seq} ({wid})", cuts))
            out.rows.append({"worker_id": wid, **c, "C06": c["C06"] if full is None else masked13(_masked(session, wid))})
            total += c["C14"]
    half = 1 if int(last_m[5:]) <= 6 else 2
    a = {"A01": "A", "A02": DATA_KIND, "A03": cfg.tax_office_code, "A04": int(submitted.strftime("%Y%m%d")), "A05": cfg.submitter_kind,
         "A06": cfg.tax_agent_number, "A07": cfg.hometax_id, "A08": cfg.program_code, "A09": biz, "A10": cfg.office.name,
         "A11": cfg.contact_department, "A12": cfg.contact_name, "A13": cfg.contact_phone, "A14": 1}
    b = {"B01": "B", "B02": DATA_KIND, "B03": cfg.tax_office_code, "B04": 1, "B05": cfg.office.name, "B06": cfg.office.representative,
         "B07": biz, "B08": cfg.corporate_number, "B09": int(first_m[:4]), "B10": half, "B11": len(recs), "B12": total, "B13": 0}
    all_recs = [encode(layout, "A", a, "A record", cuts), encode(layout, "B", b, "B record", cuts), *recs]
    out.data = b"".join(r + b"\r\n" for r in all_recs)
    out.notes = cuts + ([f"{earlier:,}건: 이 기간 전에 끝난 근무의 급여를 이 기간에 지급함 (예: 12월분을 다음 해 1월에 지급) — 근무기간(C12~C13)은 "
                         f"{start:%Y-%m-%d} 전의 그 근무 기간; 제출요령의 기준(지급일/근무시기)을 확인하세요"] if earlier else [])
    return out


def service_spans(session: Session, runs) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    """Each worker's continuous employment (contracts that follow each other without a day's gap, merged),
    from the rosters the period's runs paid with; an open end is None."""
    from payroll.yearend.stored import roster_of_run

    contracts = {}
    for run in runs:
        for c in roster_of_run(session, run).contracts:
            contracts[(c.worker_id, c.contract_id)] = c
    return merged_spans(contracts.values())


def merged_spans(contracts) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    """Contracts (``worker_id``, ``start``, ``end``) merged per worker where one follows another without a day's gap."""
    out: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for c in sorted(contracts, key=lambda c: (c.worker_id, c.start)):
        mine = out.setdefault(c.worker_id, [])
        if mine and (mine[-1][1] is None or c.start <= mine[-1][1] + dt.timedelta(days=1)):
            last_start, last_end = mine[-1]
            mine[-1] = (last_start, None if last_end is None or c.end is None else max(last_end, c.end))
        else:
            mine.append((c.start, c.end))
    return out


def _span_of(spans: list[tuple[dt.date, dt.date | None]], month: str) -> tuple[dt.date, dt.date | None]:
    """The employment a month's pay belongs to: the latest that began by the month's end (a month with a
    leaving and a rehiring pays both in one run; it goes with the later, the one still running)."""
    month_end = month_range(month)[1]
    begun = [s for s in spans if s[0] <= month_end]
    return begun[-1] if begun else spans[0]


def _masked(session: Session, worker_id: str) -> str:
    from payroll.store.models import PersonalData

    rec = session.get(PersonalData, worker_id)
    return rec.masked if rec else ""
