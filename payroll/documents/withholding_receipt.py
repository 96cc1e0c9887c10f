"""근로소득 원천징수영수증 (소득세법 시행규칙 별지 제24호서식(1)) from a settlement.

Sections, in the form's order: 징수의무자, 소득자, Ⅰ 근무처별 소득명세, Ⅱ 비과세 및 감면소득 명세,
Ⅲ 세액명세 (결정세액, 기납부세액, 차감징수세액 for 소득세, 지방소득세, 농어촌특별세), and the
정산명세 (총급여 … 결정세액, with the sub-lines 기본공제 본인/배우자·부양가족, 특별소득공제
건강/고용, 자녀 공제대상자녀/출산·입양, 차감소득금액, 세액공제 계, 실효세율). Only the lines this
engine computes are filled; the form's other lines (의료비, 교육비, 기부금, 연금계좌, 월세, 종전
근무지, 감면 …) are not modelled and print as 0 — in the PDF and in the data alike. The 소득자 주소
is not in the roster and is left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from payroll.documents.office import korean_date
from payroll.employer import Employer
from payroll.documents.pdf import Doc, render
from payroll.roster import Worker
from payroll.settlement.engine import Settlement


def _split(r: dict[str, Any]) -> dict[str, int]:
    """The form's sub-lines the engine's totals hide: 기본공제 본인 / 배우자·부양가족, 특별소득공제
    건강보험료 (노인장기요양보험료 포함) / 고용보험료, 자녀 / 출산·입양, 세액공제 계, 차감소득금액."""
    basic, dependants = r["basic_deduction"], r["dependants_basic"]
    self_part = basic // (1 + dependants) if basic else 0
    special = r["applied_insurance_deduction"]
    health = min(special, r["health_insurance"] + r["long_term_care"])
    family = r["applied_family_credits"]
    child = r["child_tax_credit"] if family else 0
    return {
        "basic_self": self_part, "basic_dependants": basic - self_part,
        "insurance_health": health, "insurance_employment": special - health,
        "child_credit": child, "birth_credit": family - child,
        "credits_total": r["applied_computed_tax"] - r["applied_determined_tax"],
        "income_after_deductions": r["earned_income"] - r["applied_personal_deduction"] - r["applied_pension_deduction"] - special,
    }


def _effective_rate(determined: int, total_pay: int) -> str:
    """실효세율 = 결정세액 ÷ 총급여, in % to one decimal (truncated); integer arithmetic."""
    if total_pay <= 0:
        return "0.0%"
    per_mille = determined * 1000 // total_pay
    return f"{per_mille // 10}.{per_mille % 10}%"


def withholding_data(worker: Worker, s: Settlement, office: Employer, period: tuple[dt.date, dt.date], issued: dt.date) -> dict[str, Any]:
    r = s.row
    x = _split(r)
    return {
        "document": "근로소득 원천징수영수증",
        "form": "소득세법 시행규칙 별지 제24호서식(1)",
        "year": s.year,
        "issued_on": issued.isoformat(),
        "withholder": {"name": office.agent.name, "business_number": office.agent.business_number, "representative": office.agent.representative, "address": office.agent.address},
        "earner": {"worker_id": worker.worker_id, "name": worker.name, "rrn": worker.rrn_masked or "(미기재)", "department": worker.department},
        "workplace_income": {"kind": "주(현)", "workplace": office.name, "business_number": office.business_number,
                             "period": [period[0].isoformat(), period[1].isoformat()], "reduction_period": None,
                             "pay": r["total_pay"], "bonus": 0, "recognized_bonus": 0, "stock_option_gain": 0,
                             "employee_stock_withdrawal": 0, "executive_retirement_excess": 0, "invention_reward": 0,
                             "total": r["total_pay"]},
        "previous_workplaces": [],  # 종(전) 근무지: not modelled (only this employer's pay is settled)
        "non_taxable": {"total": r["non_taxable"], "reduced": 0},
        "settlement": {
            "total_pay": r["total_pay"], "earned_income_deduction": r["earned_income_deduction"], "earned_income": r["earned_income"],
            "basic_deduction": r["basic_deduction"], "basic_deduction_self": x["basic_self"], "basic_deduction_dependants": x["basic_dependants"],
            "dependants_count": r["dependants_basic"], "additional_deduction": r["additional_deduction"],
            "personal_deduction": r["applied_personal_deduction"], "pension_deduction": r["applied_pension_deduction"],
            "insurance_deduction": r["applied_insurance_deduction"], "insurance_deduction_health": x["insurance_health"],
            "insurance_deduction_employment": x["insurance_employment"], "income_after_deductions": x["income_after_deductions"],
            "other_deductions": 0, "deduction_limit_excess": 0,
            "tax_base": r["applied_tax_base"], "computed_tax": r["applied_computed_tax"], "tax_reduction": 0,
            "earned_income_tax_credit": r["applied_earned_income_tax_credit"], "child_and_birth_credit": r["applied_family_credits"],
            "child_credit": x["child_credit"], "birth_credit": x["birth_credit"], "pension_account_credit": 0,
            "insurance_tax_credit": r["applied_insurance_tax_credit"], "medical_credit": 0, "education_credit": 0, "donation_credit": 0,
            "standard_tax_credit": r["applied_standard_tax_credit"], "monthly_rent_credit": 0, "tax_credits_total": x["credits_total"],
            "determined_tax": r["applied_determined_tax"], "effective_tax_rate": _effective_rate(r["applied_determined_tax"], r["total_pay"]),
            "path": s.path,
        },
        "tax": {
            "income_tax": {"determined": r["applied_determined_tax"], "paid_previous": 0, "paid": r["income_tax_paid"], "special_payment": 0,
                           "due": r["settlement_income_tax"]},
            "local_income_tax": {"determined": r["determined_local_tax"], "paid_previous": 0, "paid": r["local_income_tax_paid"], "special_payment": 0,
                                 "due": r["settlement_local_income_tax"]},
            "rural_special_tax": {"determined": 0, "paid_previous": 0, "paid": 0, "special_payment": 0, "due": 0},
        },
    }


def withholding_pdf(worker: Worker, s: Settlement, office: Employer, period: tuple[dt.date, dt.date], issued: dt.date) -> bytes:
    d = withholding_data(worker, s, office, period, issued)
    st, tax = d["settlement"], d["tax"]

    def build(doc: Doc) -> None:
        doc.title("근로소득 원천징수영수증", f"[별지 제24호서식(1)] {s.year}년 귀속 · 소득자 보관용")
        doc.heading("징수의무자")
        agent = office.agent  # 원천징수의무자 (employer.toml: the employer unless [withholding_agent] names another)
        doc.kv([("법인명(상호)", agent.name), ("대표자(성명)", agent.representative), ("사업자등록번호", agent.business_number), ("소재지(주소)", agent.address)])
        doc.heading("소득자")
        doc.kv([("성명", worker.name), ("주민등록번호", d["earner"]["rrn"]), ("사원번호", worker.worker_id), ("소속", worker.department)])
        doc.heading("Ⅰ. 근무처별 소득명세")
        wi = d["workplace_income"]
        doc.table(["구분", "근무처명", "사업자등록번호", "근무기간", "감면기간", "급여", "상여", "인정상여", "계"],
                  [["주(현)", office.name, office.business_number, f"{period[0]} ~ {period[1]}", "—", wi["pay"], wi["bonus"], wi["recognized_bonus"], wi["total"]],
                   ["종(전)", "—", "—", "—", "—", 0, 0, 0, 0]],
                  widths=[0.6, 1.5, 1.3, 2, 0.9, 1.1, 0.7, 0.8, 1.1], amount_cols={5, 6, 7, 8})
        doc.paragraph("주식매수선택권 행사이익·우리사주조합인출금·임원 퇴직소득금액 한도초과액·직무발명보상금: 0 (해당 없음)", size="small")
        doc.heading("Ⅱ. 비과세 및 감면소득 명세")
        doc.table(["구분", "금액"], [["비과세소득 계", d["non_taxable"]["total"]], ["감면소득 계", 0]], widths=[3, 1], amount_cols={1})
        doc.heading("Ⅲ. 세액명세")
        doc.table(["구분", "소득세", "지방소득세", "농어촌특별세"], [
            ["결정세액", tax["income_tax"]["determined"], tax["local_income_tax"]["determined"], 0],
            ["기납부세액 종(전)근무지", 0, 0, 0],
            ["기납부세액 주(현)근무지", tax["income_tax"]["paid"], tax["local_income_tax"]["paid"], 0],
            ["납부특례세액", 0, 0, 0],
            ["차감징수세액 (환급은 −)", tax["income_tax"]["due"], tax["local_income_tax"]["due"], 0],
        ], widths=[2, 1, 1, 1], amount_cols={1, 2, 3})
        doc.paragraph(f"실효세율 (결정세액 ÷ 총급여): {st['effective_tax_rate']}", size="small")
        doc.heading("정산명세")
        doc.table(["항목", "금액"], [
            ["총급여", st["total_pay"]], ["근로소득공제", st["earned_income_deduction"]], ["근로소득금액", st["earned_income"]],
            ["기본공제: 본인", st["basic_deduction_self"]], [f"기본공제: 배우자·부양가족 ({st['dependants_count']}명)", st["basic_deduction_dependants"]],
            ["추가공제 (경로우대·장애인·부녀자·한부모)", st["additional_deduction"]], ["연금보험료공제: 국민연금보험료", st["pension_deduction"]],
            ["특별소득공제: 건강보험료 (노인장기요양보험료 포함)", st["insurance_deduction_health"]],
            ["특별소득공제: 고용보험료", st["insurance_deduction_employment"]], ["차감소득금액", st["income_after_deductions"]],
            ["그 밖의 소득공제", 0], ["소득공제 종합한도 초과액", 0], ["종합소득 과세표준", st["tax_base"]], ["산출세액", st["computed_tax"]],
            ["세액감면", 0],
            ["세액공제: 근로소득", st["earned_income_tax_credit"]], ["세액공제: 자녀 (공제대상자녀)", st["child_credit"]],
            ["세액공제: 자녀 (출산·입양)", st["birth_credit"]], ["세액공제: 연금계좌", 0],
            ["특별세액공제: 보장성보험료", st["insurance_tax_credit"]], ["특별세액공제: 의료비·교육비·기부금", 0],
            ["표준세액공제", st["standard_tax_credit"]], ["세액공제: 월세액", 0], ["세액공제 계", st["tax_credits_total"]],
            ["결정세액", st["determined_tax"]],
        ], widths=[3, 1], amount_cols={1})
        doc.paragraph("위의 원천징수액(근로소득)을 정히 영수(지급)합니다.", size="small")
        doc.paragraph(korean_date(issued), size="small")
        doc.signature(f"징수(보고)의무자 {agent.name} {agent.representative}   (서명 또는 인)", office.seal_png if office.withholding_agent is None else None)

    return render(build, title=f"근로소득 원천징수영수증 {worker.worker_id} {s.year}", author=office.name,
                  footer=f"{office.name} · 근로소득 원천징수영수증 {s.year} {worker.worker_id}")
