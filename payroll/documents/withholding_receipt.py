"""근로소득 원천징수영수증 (소득세법 시행규칙 별지 제24호서식(1)) from a settlement.

Sections, in the form's order: 징수의무자, 소득자, Ⅰ 근무처별 소득명세, Ⅱ 비과세 및 감면소득 명세,
Ⅲ 세액명세 (결정세액, 기납부세액, 차감징수세액 for 소득세, 지방소득세, 농어촌특별세), and the
정산명세 (총급여 … 결정세액). Only the lines this engine computes are filled; the form's other lines
(의료비, 교육비, 기부금, 연금계좌, 월세, 종전 근무지 …) are not modelled and print as 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from payroll.documents.office import Office, korean_date
from payroll.documents.pdf import Doc, render
from payroll.roster import Worker
from payroll.settlement.engine import Settlement


def withholding_data(worker: Worker, s: Settlement, office: Office, period: tuple[dt.date, dt.date], issued: dt.date) -> dict[str, Any]:
    r = s.row
    return {
        "document": "근로소득 원천징수영수증",
        "form": "소득세법 시행규칙 별지 제24호서식(1)",
        "year": s.year,
        "issued_on": issued.isoformat(),
        "withholder": {"name": office.name, "business_number": office.business_number, "representative": office.representative, "address": office.address},
        "earner": {"worker_id": worker.worker_id, "name": worker.name, "rrn": worker.rrn_masked or "(미기재)", "department": worker.department},
        "workplace_income": {"workplace": office.name, "business_number": office.business_number, "period": [period[0].isoformat(), period[1].isoformat()],
                             "pay": r["total_pay"], "bonus": 0, "total": r["total_pay"]},
        "non_taxable": {"total": r["non_taxable"]},
        "settlement": {
            "total_pay": r["total_pay"], "earned_income_deduction": r["earned_income_deduction"], "earned_income": r["earned_income"],
            "basic_deduction": r["basic_deduction"], "additional_deduction": r["additional_deduction"], "pension_deduction": r["applied_pension_deduction"],
            "insurance_deduction": r["applied_insurance_deduction"], "tax_base": r["applied_tax_base"], "computed_tax": r["applied_computed_tax"],
            "earned_income_tax_credit": r["applied_earned_income_tax_credit"], "child_and_birth_credit": r["applied_family_credits"],
            "insurance_tax_credit": r["applied_insurance_tax_credit"], "standard_tax_credit": r["applied_standard_tax_credit"],
            "determined_tax": r["applied_determined_tax"], "path": s.path,
        },
        "tax": {
            "income_tax": {"determined": r["applied_determined_tax"], "paid": r["income_tax_paid"], "due": r["settlement_income_tax"]},
            "local_income_tax": {"determined": r["determined_local_tax"], "paid": r["local_income_tax_paid"], "due": r["settlement_local_income_tax"]},
            "rural_special_tax": {"determined": 0, "paid": 0, "due": 0},
        },
    }


def withholding_pdf(worker: Worker, s: Settlement, office: Office, period: tuple[dt.date, dt.date], issued: dt.date) -> bytes:
    d = withholding_data(worker, s, office, period, issued)
    st, tax = d["settlement"], d["tax"]

    def build(doc: Doc) -> None:
        doc.title("근로소득 원천징수영수증", f"[별지 제24호서식(1)] {s.year}년 귀속 · 소득자 보관용")
        doc.heading("징수의무자")
        doc.kv([("법인명(상호)", office.name), ("대표자(성명)", office.representative), ("사업자등록번호", office.business_number), ("소재지(주소)", office.address)])
        doc.heading("소득자")
        doc.kv([("성명", worker.name), ("주민등록번호", d["earner"]["rrn"]), ("사원번호", worker.worker_id), ("소속", worker.department)])
        doc.heading("Ⅰ. 근무처별 소득명세")
        doc.table(["구분", "근무처명", "사업자등록번호", "근무기간", "급여", "상여", "계"],
                  [["주(현)", office.name, office.business_number, f"{period[0]} ~ {period[1]}", st["total_pay"], 0, st["total_pay"]]],
                  widths=[0.7, 2, 1.4, 2, 1.2, 0.8, 1.2], amount_cols={4, 5, 6})
        doc.heading("Ⅱ. 비과세 및 감면소득 명세")
        doc.table(["구분", "금액"], [["비과세소득 계", d["non_taxable"]["total"]], ["감면소득 계", 0]], widths=[3, 1], amount_cols={1})
        doc.heading("Ⅲ. 세액명세")
        doc.table(["구분", "소득세", "지방소득세", "농어촌특별세"], [
            ["결정세액", tax["income_tax"]["determined"], tax["local_income_tax"]["determined"], 0],
            ["기납부세액 (주(현)근무지)", tax["income_tax"]["paid"], tax["local_income_tax"]["paid"], 0],
            ["차감징수세액 (환급은 −)", tax["income_tax"]["due"], tax["local_income_tax"]["due"], 0],
        ], widths=[2, 1, 1, 1], amount_cols={1, 2, 3})
        doc.heading("정산명세")
        doc.table(["항목", "금액"], [
            ["총급여", st["total_pay"]], ["근로소득공제", st["earned_income_deduction"]], ["근로소득금액", st["earned_income"]],
            ["기본공제", st["basic_deduction"]], ["추가공제", st["additional_deduction"]], ["연금보험료공제 (국민연금)", st["pension_deduction"]],
            ["특별소득공제 (건강·장기요양·고용보험료)", st["insurance_deduction"]], ["종합소득 과세표준", st["tax_base"]], ["산출세액", st["computed_tax"]],
            ["세액공제: 근로소득", st["earned_income_tax_credit"]], ["세액공제: 자녀 (출산·입양 포함)", st["child_and_birth_credit"]],
            ["특별세액공제: 보장성보험료", st["insurance_tax_credit"]], ["표준세액공제", st["standard_tax_credit"]], ["결정세액", st["determined_tax"]],
        ], widths=[3, 1], amount_cols={1})
        doc.paragraph("위의 원천징수액(근로소득)을 정히 영수(지급)합니다.", size="small")
        doc.paragraph(f"{korean_date(issued)}   징수(보고)의무자 {office.name} {office.representative} (서명 또는 인)", size="small")

    return render(build, title=f"근로소득 원천징수영수증 {worker.worker_id} {s.year}", author=office.name,
                  footer=f"{office.name} · 근로소득 원천징수영수증 {s.year} {worker.worker_id}")
