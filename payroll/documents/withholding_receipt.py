"""근로소득 원천징수영수증 (소득세법 시행규칙 별지 제24호서식(1)) from a settlement, PDF and data (JSON/XLSX).

Pages, in the form's order:

1. 징수의무자, 소득자 (주민등록번호 가림; 주소는 명부에 없어 적지 않음), 연말정산 구분; Ⅰ 근무처별 소득명세
   (주(현)·종(전)); Ⅱ 비과세 및 감면소득 명세 (코드별: P01 식사대, Q01 출산·보육수당; 계); Ⅲ 세액명세
   (결정세액, 기납부세액 종(전)·주(현), 납부특례세액, 차감징수세액 × 소득세·지방소득세·농어촌특별세), 실효세율.
2. 정산명세: 총급여 … 소득공제 (인적공제 with 인원, 연금보험료, 특별소득공제, 그 밖의 소득공제, 종합한도 초과액)
   … 과세표준, 산출세액.
3. 정산명세 (계속): 세액감면, 세액공제 (근로소득, 자녀, 연금계좌, 특별세액공제 by kind with the 공제대상금액,
   표준, 월세, 혼인), 결정세액; 인적공제 명세 (the 신고서's dependants), 연금계좌·월세 명세.
4. 계산 근거: every step of the settlement with its rule and article (the trace).

The lines are those of :func:`payroll.yearend.statement.statement` — the same the 지급명세서 C record
carries. 종(전) 근무지 and 감면 are not modelled (this employer's pay only) and print as 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from payroll import law as law_module
from payroll.documents.office import Office, korean_date
from payroll.documents.pdf import Doc, render
from payroll.roster import Worker
from payroll.settlement.declaration import RELATIONSHIPS, ClaimsIn
from payroll.settlement.engine import Settlement, law_date
from payroll.yearend.statement import SECTIONS, by_key, effective_rate_per_mille, statement


def _effective_rate(determined: int, total_pay: int) -> str:
    per_mille = effective_rate_per_mille(determined, total_pay)
    return f"{per_mille // 10}.{per_mille % 10}%"


def withholding_data(worker: Worker, s: Settlement, office: Office, period: tuple[dt.date, dt.date], issued: dt.date, *,
                     claims: ClaimsIn | None = None, non_taxable: dict[str, int] | None = None, leaving: bool | None = None) -> dict[str, Any]:
    """The receipt as data. ``non_taxable``: 비과세 by code (P01, Q01) when the runs give them (else the total);
    ``leaving``: 중도퇴사 (default: the period ends before 31 December)."""
    r = s.row
    on = law_module.current().on(law_date(s.year))
    lines = statement(r, on, claims, non_taxable)
    k = by_key(lines)
    amount = lambda key: k[key].amount  # noqa: E731
    leaving = period[1] < dt.date(s.year, 12, 31) if leaving is None else leaving
    return {
        "document": "근로소득 원천징수영수증",
        "form": "소득세법 시행규칙 별지 제24호서식(1)",
        "year": s.year,
        "issued_on": issued.isoformat(),
        "settlement_kind": "중도퇴사" if leaving else "계속근무",
        "withholder": {"name": office.name, "business_number": office.business_number, "representative": office.representative, "address": office.address},
        "earner": {"worker_id": worker.worker_id, "name": worker.name, "rrn": worker.rrn_masked or "(미기재)", "department": worker.department,
                   "residence": "거주자", "nationality": "대한민국"},
        "workplace_income": {"kind": "주(현)", "workplace": office.name, "business_number": office.business_number,
                             "period": [period[0].isoformat(), period[1].isoformat()], "reduction_period": None,
                             "pay": amount("pay"), "bonus": 0, "recognized_bonus": 0, "stock_option_gain": 0,
                             "employee_stock_withdrawal": 0, "executive_retirement_excess": 0, "invention_reward": 0,
                             "total": amount("income_total")},
        "previous_workplaces": [],  # 종(전) 근무지: not modelled (only this employer's pay is settled)
        "non_taxable": {"P01": amount("nt_P01"), "Q01": amount("nt_Q01"), "total": amount("nt_total"), "reduced": 0},
        "settlement": {
            "total_pay": r["total_pay"], "earned_income_deduction": r["earned_income_deduction"], "earned_income": r["earned_income"],
            "basic_deduction": r["basic_deduction"], "basic_deduction_self": amount("basic_self"),
            "basic_deduction_dependants": amount("basic_spouse") + amount("basic_dependants"),
            "dependants_count": r["dependants_basic"], "additional_deduction": r["additional_deduction"],
            "personal_deduction": r["applied_personal_deduction"], "pension_deduction": r["applied_pension_deduction"],
            "insurance_deduction": r["applied_insurance_deduction"], "insurance_deduction_health": amount("health"),
            "insurance_deduction_employment": amount("employment"), "housing_deduction": r["applied_housing_deduction"],
            "income_after_deductions": amount("income_after"), "other_deductions": amount("other_deductions"),
            "deduction_limit_excess": amount("comprehensive_excess"), "tax_base": r["applied_tax_base"], "computed_tax": r["applied_computed_tax"],
            "tax_reduction": 0, "earned_income_tax_credit": r["applied_cr_earned_income"], "child_and_birth_credit": r["applied_family_credits"],
            "child_credit": r["applied_cr_child"], "birth_credit": r["applied_cr_birth"], "pension_account_credit": r["applied_cr_pension_account"],
            "insurance_tax_credit": r["applied_cr_insurance"], "medical_credit": r["applied_cr_medical"], "education_credit": r["applied_cr_education"],
            "donation_credit": r["applied_cr_donation"] + r["applied_cr_political"], "standard_tax_credit": r["applied_cr_standard"],
            "monthly_rent_credit": r["applied_cr_rent"], "marriage_credit": r["applied_cr_marriage"], "tax_credits_total": r["applied_credits_total"],
            "determined_tax": r["applied_determined_tax"], "effective_tax_rate": _effective_rate(r["applied_determined_tax"], r["total_pay"]),
            "path": s.path,
        },
        "lines": [{"key": x.key, "section": SECTIONS[x.section], "label": x.label, "count": x.count, "base": x.base, "amount": x.amount} for x in lines],
        "tax": {
            "income_tax": {"determined": r["applied_determined_tax"], "paid_previous": 0, "paid": r["income_tax_paid"], "special_payment": 0,
                           "due": r["settlement_income_tax"]},
            "local_income_tax": {"determined": r["determined_local_tax"], "paid_previous": 0, "paid": r["local_income_tax_paid"], "special_payment": 0,
                                 "due": r["settlement_local_income_tax"]},
            "rural_special_tax": {"determined": 0, "paid_previous": 0, "paid": 0, "special_payment": 0, "due": 0},
        },
        "dependants": _dependants(worker, claims),
        "pension_accounts": [{"kind": {"savings": "연금저축", "retirement": "퇴직연금"}[p.kind], "amount": p.amount} for p in (claims.pension_accounts if claims else [])],
        "rent": [{"landlord": x.landlord, "address": x.address, "start": x.start.isoformat() if x.start else None,
                  "end": x.end.isoformat() if x.end else None, "amount": x.amount} for x in (claims.rent if claims else [])],
        "trace": [{"step": t.get("step"), "value": t.get("value"), "reference": t.get("reference"), "note": t.get("note")} for t in s.trace],
    }


def _dependants(worker: Worker, claims: ClaimsIn | None) -> list[dict[str, Any]]:
    out = [{"relationship": "본인", "name": worker.name, "rrn": worker.rrn_masked or "(미기재)", "basic": True,
            "disabled": bool(claims and claims.self_disabled), "woman": bool(claims and claims.woman), "single_parent": bool(claims and claims.single_parent)}]
    for d in claims.dependants if claims else []:
        out.append({"relationship": RELATIONSHIPS[d.relationship], "name": d.name, "rrn": d.rrn_masked or f"{d.birth_date:%y%m%d}-*******",
                    "basic": d.basic, "disabled": d.disabled, "woman": False, "single_parent": False, "birth_order": d.birth_order or None})
    return out


def _rows(lines: list[dict], sections: set[str]) -> list[list]:
    return [[x["label"], x["count"] if x["count"] is not None else "", x["base"] if x["base"] is not None else "", x["amount"]]
            for x in lines if x["section"] in sections]


def withholding_pdf(worker: Worker, s: Settlement, office: Office, period: tuple[dt.date, dt.date], issued: dt.date, *,
                    claims: ClaimsIn | None = None, non_taxable: dict[str, int] | None = None, leaving: bool | None = None) -> bytes:
    d = withholding_data(worker, s, office, period, issued, claims=claims, non_taxable=non_taxable, leaving=leaving)
    st, tax, lines = d["settlement"], d["tax"], d["lines"]
    yn = lambda b: "○" if b else ""  # noqa: E731

    def build(doc: Doc) -> None:
        doc.title("근로소득 원천징수영수증", f"[별지 제24호서식(1)] {s.year}년 귀속 · 소득자 보관용 · 연말정산 구분: {d['settlement_kind']}")
        doc.heading("징수의무자")
        doc.kv([("법인명(상호)", office.name), ("대표자(성명)", office.representative), ("사업자등록번호", office.business_number), ("소재지(주소)", office.address)])
        doc.heading("소득자")
        doc.kv([("성명", worker.name), ("주민등록번호", d["earner"]["rrn"]), ("사원번호", worker.worker_id), ("소속", worker.department),
                ("거주구분", "거주자"), ("국적", "대한민국")])
        doc.heading("Ⅰ. 근무처별 소득명세")
        wi = d["workplace_income"]
        doc.table(["구분", "근무처명", "사업자등록번호", "근무기간", "감면기간", "급여", "상여", "인정상여", "계"],
                  [["주(현)", office.name, office.business_number, f"{period[0]} ~ {period[1]}", "—", wi["pay"], wi["bonus"], wi["recognized_bonus"], wi["total"]],
                   ["종(전)", "—", "—", "—", "—", 0, 0, 0, 0]],
                  widths=[0.6, 1.5, 1.3, 2, 0.9, 1.1, 0.7, 0.8, 1.1], amount_cols={5, 6, 7, 8})
        doc.paragraph("주식매수선택권 행사이익·우리사주조합인출금·임원 퇴직소득금액 한도초과액·직무발명보상금: 0 (해당 없음)", size="small")
        doc.heading("Ⅱ. 비과세 및 감면소득 명세")
        doc.table(["코드", "구분", "금액"], [["P01", "비과세 식사대", d["non_taxable"]["P01"]], ["Q01", "출산·보육수당", d["non_taxable"]["Q01"]],
                                         ["", "비과세소득 계", d["non_taxable"]["total"]], ["", "감면소득 계", 0]], widths=[0.6, 2.4, 1], amount_cols={2})
        doc.heading("Ⅲ. 세액명세")
        doc.table(["구분", "소득세", "지방소득세", "농어촌특별세"], [
            ["결정세액", tax["income_tax"]["determined"], tax["local_income_tax"]["determined"], 0],
            ["기납부세액 종(전)근무지", 0, 0, 0],
            ["기납부세액 주(현)근무지", tax["income_tax"]["paid"], tax["local_income_tax"]["paid"], 0],
            ["납부특례세액", 0, 0, 0],
            ["차감징수세액 (환급은 −)", tax["income_tax"]["due"], tax["local_income_tax"]["due"], 0],
        ], widths=[2, 1, 1, 1], amount_cols={1, 2, 3})
        doc.paragraph(f"실효세율 (결정세액 ÷ 총급여): {st['effective_tax_rate']}", size="small")
        doc.paragraph("위의 원천징수액(근로소득)을 정히 영수(지급)합니다.", size="small")
        doc.paragraph(f"{korean_date(issued)}   징수(보고)의무자 {office.name} {office.representative} (서명 또는 인)", size="small")
        doc.page_break()
        doc.heading("정산명세 (소득공제, 과세표준, 산출세액)")
        head = ["항목", "인원", "공제대상금액", "금액"]
        doc.table(head, _rows(lines, {SECTIONS["deduction"], SECTIONS["base"]}), widths=[3.4, 0.5, 1.1, 1.1], amount_cols={2, 3})
        doc.page_break()
        doc.heading("정산명세 (세액감면, 세액공제, 결정세액)")
        doc.table(head, _rows(lines, {SECTIONS["credit"]}) + [["결정세액", "", "", st["determined_tax"]]], widths=[3.4, 0.5, 1.1, 1.1], amount_cols={2, 3})
        doc.paragraph(f"적용한 길: {'항목별 공제 (특별소득공제·특별세액공제)' if st['path'] == 'premiums' else '표준세액공제' if st['path'] == 'standard' else st['path']}"
                      " — 더 적은 결정세액 (소득세법 §59의4⑨, decision D10)", size="small")
        doc.heading("인적공제 명세")
        doc.table(["관계", "성명", "주민등록번호", "기본", "장애인", "부녀자", "한부모", "출산·입양"],
                  [[p["relationship"], p["name"], p["rrn"], yn(p["basic"]), yn(p["disabled"]), yn(p["woman"]), yn(p["single_parent"]),
                    p.get("birth_order") or ""] for p in d["dependants"]], widths=[1.1, 1, 1.5, 0.5, 0.6, 0.6, 0.6, 0.7])
        if d["pension_accounts"]:
            doc.heading("연금계좌 납입 명세")
            doc.table(["구분", "납입금액"], [[p["kind"], p["amount"]] for p in d["pension_accounts"]], widths=[3, 1], amount_cols={1})
        if d["rent"]:
            doc.heading("월세액 세액공제 명세")
            doc.table(["임대인", "주소", "계약기간", "연간 월세액"], [[x["landlord"], x["address"], f"{x['start'] or ''} ~ {x['end'] or ''}", x["amount"]] for x in d["rent"]],
                      widths=[1, 2.4, 1.6, 1], amount_cols={3})
        doc.page_break()
        doc.heading("계산 근거 (단계별 금액과 적용 법령)")
        doc.table(["단계", "금액", "근거"], [[t["note"] or t["step"], t["value"] if isinstance(t["value"], int) else str(t["value"]), t["reference"] or ""]
                                         for t in d["trace"]], widths=[2.2, 1, 3.2], amount_cols={1}, size="small")

    return render(build, title=f"근로소득 원천징수영수증 {worker.worker_id} {s.year}", author=office.name,
                  footer=f"{office.name} · 근로소득 원천징수영수증 {s.year} {worker.worker_id}")
