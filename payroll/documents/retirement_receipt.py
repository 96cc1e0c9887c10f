"""퇴직소득 원천징수영수증 (소득세법 시행규칙 별지 제24호서식(2)) from a severance computation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from payroll.documents.office import korean_date
from payroll.employer import Employer
from payroll.documents.pdf import Doc, render
from payroll.roster import Worker
from payroll.severance.calc import Severance


def retirement_data(worker: Worker, s: Severance, office: Employer, issued: dt.date) -> dict[str, Any]:
    t = s.tax_steps
    return {
        "document": "퇴직소득 원천징수영수증",
        "form": "소득세법 시행규칙 별지 제24호서식(2)",
        "issued_on": issued.isoformat(),
        "withholder": {"name": office.agent.name, "business_number": office.agent.business_number, "representative": office.agent.representative, "address": office.agent.address},
        "earner": {"worker_id": worker.worker_id, "name": worker.name, "rrn": worker.rrn_masked or "(미기재)"},
        "service": {"start": s.service_start.isoformat() if s.service_start else None, "last_working_day": s.last_working_day.isoformat(),
                    "leaving_date": s.leaving_date.isoformat(), "days": s.service_days, "years": s.years},
        "average_wage": {"window": [s.window[0].isoformat(), s.window[1].isoformat()] if s.window else None, "window_days": s.window_days,
                         "window_wages": s.window_wages, "daily_average": f"{s.daily_average.numerator}/{s.daily_average.denominator}",
                         "daily_ordinary": f"{s.daily_ordinary.numerator}/{s.daily_ordinary.denominator}",
                         "daily_wage": f"{s.daily_wage.numerator}/{s.daily_wage.denominator}"},
        "severance_pay": s.severance_pay,
        "tax_steps": t,
        "trace": s.trace,  # every step with its reference (퇴직급여법 §8①, 근로기준법 §2, 소득세법 §48, §55②, §146)
        "tax": {"income_tax": s.retirement_income_tax, "local_income_tax": s.retirement_local_income_tax},
        "to_pension_account": s.to_pension_account,
    }


def retirement_pdf(worker: Worker, s: Severance, office: Employer, issued: dt.date) -> bytes:
    d = retirement_data(worker, s, office, issued)
    t = s.tax_steps

    def build(doc: Doc) -> None:
        doc.title("퇴직소득 원천징수영수증", "[별지 제24호서식(2)] 소득자 보관용")
        doc.heading("징수의무자")
        agent = office.agent  # 원천징수의무자 (employer.toml: the employer unless [withholding_agent] names another)
        doc.kv([("법인명(상호)", agent.name), ("대표자(성명)", agent.representative), ("사업자등록번호", agent.business_number), ("소재지(주소)", agent.address)])
        doc.heading("소득자")
        doc.kv([("성명", worker.name), ("주민등록번호", d["earner"]["rrn"]), ("사원번호", worker.worker_id), ("퇴직사유", "자발적 퇴직 / 계약만료")])
        doc.heading("근속연수")
        doc.kv([("입사일", korean_date(s.service_start)), ("퇴사일", korean_date(s.last_working_day)),
                ("재직일수", f"{s.service_days}일"), ("근속연수", f"{s.years}년 (1년 미만은 1년)")])
        doc.heading("퇴직급여 및 세액 계산")
        doc.table(["항목", "금액"], [
            ["퇴직급여 (퇴직소득금액)", s.severance_pay], ["근속연수공제", t.get("service_years_deduction", 0)],
            ["환산급여", t.get("converted_pay", 0)], ["환산급여별공제", t.get("converted_pay_deduction", 0)],
            ["퇴직소득과세표준", t.get("tax_base", 0)], ["환산산출세액", t.get("converted_tax", 0)], ["퇴직소득 산출세액", t.get("computed_tax", 0)],
        ], widths=[3, 1], amount_cols={1})
        doc.heading("납부명세")
        doc.table(["구분", "소득세", "지방소득세", "농어촌특별세", "계"], [
            ["신고대상세액", t.get("computed_tax", 0), t.get("computed_tax", 0) // 10, 0, t.get("computed_tax", 0) + t.get("computed_tax", 0) // 10],
            ["차감원천징수세액", s.retirement_income_tax, s.retirement_local_income_tax, 0, s.retirement_income_tax + s.retirement_local_income_tax],
        ], widths=[2, 1, 1, 1, 1], amount_cols={1, 2, 3, 4})
        if s.to_pension_account:
            doc.paragraph("연금계좌로 이체되어 원천징수하지 않음 (소득세법 §146②).", size="small")
        doc.paragraph("위의 원천징수세액(퇴직소득)을 정히 영수(지급)합니다.", size="small")
        doc.paragraph(korean_date(issued), size="small")
        doc.signature(f"징수(보고)의무자 {agent.name} {agent.representative}   (서명 또는 인)", office.seal_png if office.withholding_agent is None else None)

    return render(build, title=f"퇴직소득 원천징수영수증 {worker.worker_id}", author=office.name, footer=f"{office.name} · 퇴직소득 원천징수영수증 {worker.worker_id}")
