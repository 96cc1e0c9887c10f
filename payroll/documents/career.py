"""경력증명서: every service period of the worker, summed across gaps, and the issue register.

Each contract is one period, up to the issue date (a contract still running counts to the issue
date). The total is the sum of the periods — a gap between contracts is not service — in days,
and as years, months and days: each period's length counted in calendar months from its start
(plus remaining days), the parts added and carried (30 days → 1 month, 12 months → 1 year).
Every certificate gets a number ``<year>-<nnnn>`` recorded in ``<data>/career_issues.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from payroll.documents.office import korean_date
from payroll.employer import Employer
from payroll.security.cells import csv_writer
from payroll.documents.pdf import Doc, render
from payroll.roster import Contract, Worker
from payroll.periods import length_ymd

REGISTER = "career_issues.csv"
DAYS_PER_MONTH_CARRY = 30


def period_length(start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """(years, months, days) from ``start`` to ``end`` inclusive, by calendar months (민법 §160)."""
    return length_ymd(start, end)


def periods(contracts: list[Contract], issued: dt.date) -> list[dict[str, Any]]:
    out = []
    for c in sorted(contracts, key=lambda c: c.start):
        if c.start > issued:
            continue
        end = min(c.end, issued) if c.end else issued
        y, m, d = period_length(c.start, end)
        out.append({"contract_id": c.contract_id, "start": c.start, "end": end, "days": (end - c.start).days + 1,
                    "years": y, "months": m, "day_part": d, "duties": c.duties, "workplace": c.workplace})
    return out


def total_length(ps: list[dict[str, Any]]) -> tuple[int, int, int, int]:
    y = sum(p["years"] for p in ps)
    m = sum(p["months"] for p in ps)
    d = sum(p["day_part"] for p in ps)
    m += d // DAYS_PER_MONTH_CARRY
    d %= DAYS_PER_MONTH_CARRY
    y += m // 12
    m %= 12
    return y, m, d, sum(p["days"] for p in ps)


def next_issue_number(data_dir: Path, issued: dt.date) -> str:
    path = Path(data_dir) / REGISTER
    count = 0
    if path.exists():
        with path.open(newline="", encoding="utf-8") as fh:
            count = sum(1 for r in csv.DictReader(fh) if r["issue_number"].startswith(f"{issued.year}-"))
    return f"{issued.year}-{count + 1:04d}"


def record_issue(data_dir: Path, number: str, worker_id: str, issued: dt.date, purpose: str) -> Path:
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / REGISTER
    new = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as fh:
        w = csv_writer(fh)
        if new:
            w.writerow(["issue_number", "worker_id", "issued_on", "purpose"])
        w.writerow([number, worker_id, issued.isoformat(), purpose])
    return path


def career_data(worker: Worker, contracts: list[Contract], office: Employer, issued: dt.date, number: str, purpose: str = "") -> dict[str, Any]:
    ps = periods(contracts, issued)
    y, m, d, days = total_length(ps)
    return {
        "document": "경력증명서",
        "issue_number": number,
        "issued_on": issued.isoformat(),
        "purpose": purpose,
        "worker": {"worker_id": worker.worker_id, "name": worker.name, "birth_date": worker.birth_date.isoformat(),
                   "department": worker.department, "job": worker.job},
        "periods": [{**p, "start": p["start"].isoformat(), "end": p["end"].isoformat()} for p in ps],
        "total": {"years": y, "months": m, "days": d, "calendar_days": days},
        "issuer": {"name": office.name, "address": office.address, "representative": office.representative, "department": office.issuer_department},
    }


def career_pdf(worker: Worker, contracts: list[Contract], office: Employer, issued: dt.date, number: str, purpose: str = "") -> bytes:
    data = career_data(worker, contracts, office, issued, number, purpose)
    t = data["total"]

    def build(doc: Doc) -> None:
        doc.title("경 력 증 명 서", f"발급번호 제{number}호")
        doc.kv([("성명", worker.name), ("생년월일", worker.birth_date.isoformat()), ("소속 (부서)", worker.department), ("직종", worker.job or "—")], columns=2)
        doc.heading("근무 경력")
        rows = [[p["contract_id"], f"{p['start']} ~ {p['end']}", f"{p['years']}년 {p['months']}개월 {p['day_part']}일", p["days"],
                 worker.department, p["duties"] or worker.job or "—"] for p in data["periods"]]
        doc.table(["계약", "근무기간", "기간", "일수", "부서", "담당업무"], rows, widths=[1.1, 2.2, 1.4, 0.7, 1.3, 2.2], amount_cols={3},
                  total=["합계", "", f"{t['years']}년 {t['months']}개월 {t['days']}일", t["calendar_days"], "", ""])
        doc.paragraph("근무기간 합계는 각 기간의 합이며 계약 사이의 공백 기간은 포함하지 않습니다.", size="small")
        if purpose:
            doc.kv([("용도", purpose)], columns=1)
        doc.spacer(5)
        doc.paragraph("위와 같이 근무하였음을 증명합니다.")
        doc.spacer(3)
        doc.paragraph(korean_date(issued))
        doc.spacer(3)
        doc.kv([("발급기관", office.name), ("주소", office.address), ("발급부서", office.issuer_department or "—"),
                ("대표자", office.representative)], columns=2)
        doc.signature(f"{office.name} {office.representative}   (직인)", office.seal_png)

    return render(build, title=f"경력증명서 {number}", author=office.name, footer=f"{office.name} · 경력증명서 제{number}호")
