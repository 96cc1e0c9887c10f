"""일용근로소득 지급명세 (소득세법 §164①; 시행규칙 별지 제24호서식(4) 의 내용), per worker per month.

Input rows (from the runs, or a CSV: worker_id, month, work_days, taxable_pay, non_taxable,
income_tax, local_income_tax) for the daily workers (``income_type = daily``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from payroll.case import InputError
from payroll.csvfile import read_rows
from payroll.documents.office import korean_date
from payroll.employer import Employer
from payroll.documents.pdf import Doc, render
from payroll.roster import Worker

COLUMNS = ("worker_id", "month", "work_days", "taxable_pay", "non_taxable", "income_tax", "local_income_tax")


def load_daily_csv(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    out = []
    for line, row in read_rows(path, COLUMNS):
        rec: dict[str, Any] = {"worker_id": row["worker_id"].strip(), "month": row["month"].strip()}
        try:
            dt.date.fromisoformat(rec["month"] + "-01")
        except ValueError:
            raise InputError(f"{path}: {line}행: month: YYYY-MM이 아닙니다: {rec['month']!r}") from None
        for c in COLUMNS[2:]:
            try:
                rec[c] = int(row[c])
            except (TypeError, ValueError):
                raise InputError(f"{path}: {line}행: {c}: 정수가 아닙니다: {row[c]!r}") from None
            if rec[c] < 0:
                raise InputError(f"{path}: {line}행: {c}: 0 이상이어야 합니다")
        out.append(rec)
    return out


def daily_data(worker: Worker, month: str, rows: list[dict[str, Any]], office: Employer, issued: dt.date) -> dict[str, Any]:
    mine = [r for r in rows if r["worker_id"] == worker.worker_id and r["month"] == month]
    total = {c: sum(r[c] for r in mine) for c in COLUMNS[2:]}
    return {"document": "일용근로소득 지급명세", "month": month, "issued_on": issued.isoformat(),
            "payer": {"name": office.agent.name, "business_number": office.agent.business_number, "address": office.agent.address},
            "earner": {"worker_id": worker.worker_id, "name": worker.name, "rrn": worker.rrn_masked or "(미기재)"},
            **total}


def daily_pdf(worker: Worker, month: str, rows: list[dict[str, Any]], office: Employer, issued: dt.date) -> bytes:
    d = daily_data(worker, month, rows, office, issued)

    def build(doc: Doc) -> None:
        doc.title("일용근로소득 지급명세서", f"{month} 귀속 · 소득자 보관용")
        agent = office.agent
        doc.kv([("지급자", agent.name), ("사업자등록번호", agent.business_number), ("소재지", agent.address), ("대표자", agent.representative)])
        doc.kv([("성명", worker.name), ("주민등록번호", d["earner"]["rrn"]), ("사원번호", worker.worker_id), ("소속", worker.department)])
        doc.table(["귀속월", "근무일수", "과세소득", "비과세소득", "소득세", "지방소득세"],
                  [[month, d["work_days"], d["taxable_pay"], d["non_taxable"], d["income_tax"], d["local_income_tax"]]],
                  amount_cols={1, 2, 3, 4, 5})
        doc.paragraph("소득세 = (일급 − 150,000원) × 6% × (1 − 55%), 1,000원 미만 소액부징수 (소득세법 §47②, §59③, §86, §134③).", size="small")
        doc.paragraph(korean_date(issued), size="small")
        doc.signature(f"지급자 {agent.name}   (서명 또는 인)", office.seal_png if office.withholding_agent is None else None)

    return render(build, title=f"일용근로소득 지급명세 {worker.worker_id} {month}", author=office.name,
                  footer=f"{office.name} · 일용근로소득 지급명세 {month} {worker.worker_id}")
