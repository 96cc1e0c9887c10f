"""A settled row as a trace: every figure with the step that wrote it, its article and parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from payroll.law import Law, RuleError
from payroll.settlement.paths import CREDITS

Y, C = "year_end", "year_end_claims"

#: (column, label, parameters whose citation is the reference, article when no parameter); a line whose
#: value is 0 and that only concerns a 신고서 section is left out of the trace of a worker without it
TRACE_STEPS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("total_pay", "총급여 (1월 1일부터, 비과세 제외)", (), "소득세법 §20②, §137①1"),
    ("non_taxable", "비과세 소득", (), "소득세법 §12 3호"),
    ("earned_income_deduction", "근로소득공제", (f"{Y}.earned_income_deduction", f"{Y}.earned_income_deduction_cap"), ""),
    ("earned_income", "근로소득금액", (), "소득세법 §20② (총급여 − 근로소득공제)"),
    ("basic_deduction", "기본공제 (본인 + 신고한 부양가족)", (f"{Y}.basic_deduction",), ""),
    ("additional_deduction", "추가공제 (경로우대·장애인·부녀자·한부모)", (f"{Y}.elderly_deduction", f"{Y}.disabled_deduction"), "소득세법 §51"),
    ("personal_deduction", "인적공제 (근로소득금액 한도)", (), "소득세법 §51④"),
    ("premiums_paid", "건강·장기요양·고용보험료 (근로자 부담분)", (), "소득세법 §52①"),
    ("card_used", "신용카드 등 사용금액 (합산 대상)", (), "조세특례제한법 §126의2①③"),
    ("card_minimum", "신용카드 등 최저사용금액 (총급여의 25%)", (f"{C}.card_threshold_rate",), ""),
    ("card_deduction_raw", "신용카드 등 공제액 (한도 전)", (f"{C}.card_rate_credit", f"{C}.card_rate_debit", f"{C}.card_rate_culture", f"{C}.card_rate_market", f"{C}.card_rate_transit"), "조세특례제한법 §126의2②"),
    ("card_base_limit", "신용카드 등 기본한도 (총급여·자녀등 수)", (f"{C}.card_limit_low", f"{C}.card_limit_high"), "조세특례제한법 §126의2⑩"),
    ("card_deduction", "신용카드 등 소득공제 (한도·추가한도 적용)", (f"{C}.card_extra_limit_low", f"{C}.card_extra_limit_high"), "조세특례제한법 §126의2⑪"),
    ("std_tax_base", "[표준 경로] 과세표준", (), "소득세법 §14② (특별소득공제 없음, §59의4⑨1)"),
    ("std_computed_tax", "[표준 경로] 산출세액", (f"{Y}.basic_rate",), ""),
    ("std_determined_tax", "[표준 경로] 결정세액", (f"{Y}.standard_tax_credit",), "소득세법 §15 2호, §61"),
    ("itm_insurance_deduction", "[항목별 경로] 보험료 특별소득공제", (), "소득세법 §52①·⑧"),
    ("itm_housing_deduction", "[항목별 경로] 주택자금 특별소득공제", (f"{C}.housing_lease_rate", f"{C}.housing_lease_limit", f"{C}.housing_mortgage_limits"), "소득세법 §52④⑤⑥·⑧"),
    ("itm_tax_base", "[항목별 경로] 과세표준", (), "소득세법 §14②"),
    ("itm_computed_tax", "[항목별 경로] 산출세액", (f"{Y}.basic_rate",), ""),
    ("itm_determined_tax", "[항목별 경로] 결정세액", (), "소득세법 §15 2호, §61"),
    ("lit_determined_tax", "[§137③ 문언 경로] 결정세액 (본인공제·표준세액공제만)", (), "소득세법 §137③"),
    ("applied_personal_deduction", "인적공제 (적용)", (), "소득세법 §50, §51"),
    ("applied_insurance_deduction", "보험료 특별소득공제 (적용)", (), "소득세법 §52①"),
    ("applied_housing_deduction", "주택자금 특별소득공제 (적용)", (), "소득세법 §52④⑤⑥"),
    ("applied_subscription_deduction", "주택청약종합저축 소득공제 (적용)", (f"{C}.subscription_savings_rate", f"{C}.subscription_savings_limit"), "조세특례제한법 §87②⑤"),
    ("applied_card_deduction", "신용카드 등 소득공제 (적용)", (), "조세특례제한법 §126의2"),
    ("applied_comprehensive_excess", "소득공제 종합한도 초과액 (과세표준에 더함)", (f"{C}.comprehensive_limit",), ""),
    ("applied_pension_deduction", "연금보험료공제 (국민연금 기여금)", (), "소득세법 §51의3 (신청 불요; ③ 초과분 불공제)"),
    ("applied_tax_base", "과세표준 (적용)", (), "소득세법 §14②"),
    ("applied_computed_tax", "산출세액 (적용)", (f"{Y}.basic_rate",), ""),
    ("child_tax_credit", "자녀세액공제 (한도 전)", (f"{Y}.child_tax_credit_one", f"{Y}.child_tax_credit_min_age"), ""),
    ("birth_credit", "출산·입양 세액공제 (한도 전)", (f"{Y}.birth_credit_first",), ""),
    ("credit_pension_account", "연금계좌 세액공제 (한도 전)", (f"{C}.pension_credit_rate", f"{C}.pension_credit_rate_low", f"{C}.pension_account_limit"), "소득세법 §59의3"),
    ("credit_insurance", "보험료 세액공제 (한도 전)", (f"{Y}.insurance_credit_rate", f"{Y}.insurance_credit_base_limit"), ""),
    ("medical_base", "의료비 공제대상금액 (총급여 3% 초과분)", (f"{C}.medical_threshold_rate", f"{C}.medical_general_limit"), "소득세법 §59의4②"),
    ("credit_medical", "의료비 세액공제 (한도 전)", (f"{C}.medical_rate", f"{C}.medical_premature_rate", f"{C}.medical_infertility_rate"), ""),
    ("education_base", "교육비 공제대상금액", (f"{C}.education_limit_school", f"{C}.education_limit_university"), "소득세법 §59의4③"),
    ("credit_education", "교육비 세액공제 (한도 전)", (f"{C}.education_rate",), ""),
    ("credit_political", "정치자금 기부금 세액공제 (한도 전)", (f"{C}.political_full_rate", f"{C}.political_rate"), "조세특례제한법 §76①"),
    ("credit_donation", "기부금 세액공제 (한도 전)", (f"{C}.donation_rate", f"{C}.donation_high_rate", f"{C}.donation_general_limit_rate"), "소득세법 §59의4④"),
    ("credit_rent", "월세 세액공제 (한도 전)", (f"{C}.rent_rate", f"{C}.rent_rate_low", f"{C}.rent_limit"), "조세특례제한법 §95의2"),
    ("credit_marriage", "혼인세액공제 (한도 전)", (f"{C}.marriage_credit",), ""),
    *((f"applied_cr_{name}", f"{label} (적용)", (), "소득세법 §61 (산출세액 한도; 연금계좌세액공제가 마지막)") for name, label in CREDITS),
    ("applied_determined_tax", "결정세액 소득세", (), "소득세법 §15 2호; decision D10"),
    # the rate's citation notes decision D7's 10원 floor, which is the monthly withholding's: a 결정세액 keeps its won
    # and only the 차감징수세액 is cut to 10원 (국고금관리법 §47, the line below)
    ("determined_local_tax", "결정세액 지방소득세 (소득세 결정세액의 10%, 원 미만 절사)",
     ("income_tax.local_income_tax_rate",), "지방세법 §103의13; 10원 미만 끝수는 결정세액이 아니라 차감징수세액에서 버림 (국고금관리법 §47①)"),
    ("income_tax_paid", "기납부세액 소득세", (), "소득세법 §137①3"),
    ("local_income_tax_paid", "기납부세액 지방소득세", (), "지방세법 §103의13"),
    ("settlement_income_tax", "차감징수세액 소득세 (음수는 환급)", (f"{Y}.settlement_rounding_unit", "income_tax.small_amount_limit"), ""),
    ("settlement_local_income_tax", "차감징수세액 지방소득세 (음수는 환급)", (f"{Y}.settlement_rounding_unit",), ""),
)
#: lines always in the trace (the D10 path comparison of a worker without a 신고서 among them)
ALWAYS = {"total_pay", "non_taxable", "earned_income_deduction", "earned_income", "basic_deduction", "additional_deduction", "personal_deduction",
          "premiums_paid", "std_tax_base", "std_computed_tax", "std_determined_tax", "itm_insurance_deduction", "itm_tax_base", "itm_computed_tax",
          "itm_determined_tax", "lit_determined_tax", "applied_personal_deduction", "applied_insurance_deduction", "applied_pension_deduction",
          "applied_tax_base", "applied_computed_tax", "applied_cr_earned_income", "applied_cr_standard", "applied_determined_tax",
          "determined_local_tax", "income_tax_paid", "local_income_tax_paid", "settlement_income_tax", "settlement_local_income_tax"}


_REFERENCES: dict[tuple[str, int], dict[str, str]] = {}


def references(law: Law, year: int) -> dict[str, str]:
    """column → its reference text for a tax year (the same for every worker: worked out once)."""
    key = (law.content_hash, year)
    if key not in _REFERENCES:
        on = law.on(dt.date(year, 12, 31))
        out = {}
        for column, _, params, article in TRACE_STEPS:
            refs = []
            for p in params:
                try:
                    refs.append(str(on.citation(p)))
                except RuleError:  # a parameter the year's rules do not have (a 2025 settlement)
                    continue
            out[column] = "; ".join(([article] if article else []) + refs)
        if len(_REFERENCES) > 8:
            _REFERENCES.clear()
        _REFERENCES[key] = out
    return _REFERENCES[key]


def trace_of(row: dict[str, Any], law: Law) -> list[dict[str, Any]]:
    """Every figure of one settled row as {step, value, reference, note}."""
    refs_of = references(law, int(row["year"]))
    out = []
    for column, label, params, article in TRACE_STEPS:
        value = int(row.get(column) or 0)
        if column not in ALWAYS and value == 0:
            continue
        note = label
        if column == "applied_determined_tax":
            filed = "신고서 제출" if row["claims_filed"] else f"신고서 없음, 설정 settlement.no_claim_path={law.switch('settlement.no_claim_path')}"
            chosen = {"standard": "표준세액공제", "itemized": "항목별 공제", "premiums": "보험료 공제"}.get(row["path"], row["path"])
            note = f"{label}: {chosen} 경로 적용 ({filed}; 표준 {row['std_determined_tax']:,} / 항목별 {row['itm_determined_tax']:,}, 같으면 표준)"
        if column == "settlement_income_tax" and row["small_amount_exempt"]:
            note += " — 1,000원 미만 소액부징수 (§86 1호)"
        out.append({"step": f"settlement.{column}", "value": value, "reference": refs_of[column], "note": note})
    return out
