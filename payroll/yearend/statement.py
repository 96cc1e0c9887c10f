"""The 정산명세 of one worker: every line of the 근로소득 원천징수영수증 (별지 제24호서식(1)) in the form's order.

One list serves the receipt (PDF, XLSX), the 근로소득 지급명세서 C record (payroll.filings.annual, whose
fields are the same lines: each line names its field of the record layout) and ``payroll filing check``
(which re-derives the record from these lines). A line is (key, section, label, amount) with, where
the form has them, a person count and a 공제대상금액 (the amount before the rate).

The settled row (payroll.settlement) holds the totals the statute computes; the form splits some of
them into sub-lines (본인 / 배우자 / 부양가족, 건강보험료 / 고용보험료, 연금저축 / 퇴직연금, 보장성 /
장애인전용, 정치자금 10만원 이하 / 초과, 기부금 by kind). A split follows the order the credits are
taken within §61 and never changes a total: each sub-line's amount is what its part computes, the last
one takes the rest, so the parts add up to the settled total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from payroll.law import RuleError

SECTIONS = {
    "income": "Ⅰ. 근무처별 소득명세", "non_taxable": "Ⅱ. 비과세 및 감면소득 명세", "deduction": "정산명세 — 소득공제",
    "base": "정산명세 — 과세표준과 산출세액", "credit": "정산명세 — 세액감면·세액공제", "tax": "Ⅲ. 세액명세",
}


@dataclass(frozen=True)
class Line:
    key: str
    section: str
    label: str
    amount: int
    count: int | None = None  # 인원 where the form asks for it
    base: int | None = None  # 공제대상금액 where the form asks for it
    field: str | None = None  # the C-record field of the amount (2023 귀속 layout, payroll.filings.layout)
    base_field: str | None = None
    count_field: str | None = None


def _floor(x: int, r: Fraction) -> int:
    return x * r.numerator // r.denominator


def _take(amounts: list[int], total: int) -> list[int]:
    """Split ``total`` over parts in order, each at most its own amount; what is left (a won lost to
    one part's truncation) goes to the last part that has an amount, so the parts add up to ``total``."""
    out, left = [], total
    for a in amounts:
        part = max(0, min(a, left))
        out.append(part)
        left -= part
    if left:
        last = max((i for i, a in enumerate(amounts) if a), default=len(amounts) - 1)
        out[last] += left
    return out


def _param(on, name: str, default: Any = 0) -> Any:
    """A parameter in force, or ``default`` for a year before it was introduced (a 2025 settlement)."""
    try:
        return on[name]
    except RuleError:
        return default


def effective_rate_per_mille(determined: int, total_pay: int) -> int:
    """실효세율 (결정세액 ÷ 총급여) in tenths of a percent, truncated."""
    return determined * 1000 // total_pay if total_pay > 0 else 0


def statement(r: dict[str, Any], on, claims=None, non_taxable: dict[str, int] | None = None) -> list[Line]:
    """The lines of the 정산명세 of a settled row ``r`` (``on``: the rules in force on 31 December of the year)."""
    nt = dict(non_taxable or {})
    g = lambda k: int(r.get(k) or 0)  # noqa: E731
    basic = on["year_end.basic_deduction"]
    spouse = g("spouse_basic")
    others = g("dependants_basic") - spouse
    single = on["year_end.single_parent_deduction"] if r.get("single_parent") else 0
    woman = g("additional_deduction") - g("additional_fixed") - single
    health_base, employ_base = g("health_insurance") + g("long_term_care"), g("employment_insurance")
    health, employ = _take([health_base, employ_base], g("applied_insurance_deduction"))
    # 주택자금 (§52④⑤): the 임차 원리금 part is taken first, within its limit; the 이자 part is the rest
    lease = min(g("housing_lease_amount"), _param(on, "year_end_claims.housing_lease_limit"), g("applied_housing_deduction"))
    lender, private = _take([_floor(g("housing_lease_lender"), _param(on, "year_end_claims.housing_lease_rate", Fraction(0))), lease], lease)
    mortgage = g("applied_housing_deduction") - lease
    categories = {c.category for c in (claims.housing if claims else []) if c.kind == "mortgage"}
    mortgage_field = {"fixed_and_non_deferred_15y": "C092A", "fixed_or_non_deferred_15y": "C092B", "other_15y": "C092C",
                      "fixed_or_non_deferred_10y": "C092D"}.get(next(iter(categories)) if len(categories) == 1 else "", "C092C")
    # 연금계좌 (§59의3): 연금저축 first within its limit, then 퇴직연금
    savings_target = min(g("pension_savings"), _param(on, "year_end_claims.pension_savings_limit"), g("pension_base"))
    retire_target = g("pension_base") - savings_target
    rate = (on["year_end_claims.pension_credit_rate_low"] if g("total_pay") <= on["year_end_claims.pension_credit_pay_limit"]
            else on["year_end_claims.pension_credit_rate"]) if g("pension_base") else Fraction(0)
    pen_savings, pen_retire = _take([_floor(savings_target, rate), _floor(retire_target, rate)], g("applied_cr_pension_account"))
    ins_general, ins_disabled = _take([_floor(g("insurance_base"), on["year_end.insurance_credit_rate"]), g("applied_cr_insurance")], g("applied_cr_insurance"))
    pol = g("donation_political")
    pol_low_base = min(pol, _param(on, "year_end_claims.political_full_limit"))
    pol_low, pol_high = _take([_floor(pol_low_base, Fraction(on["year_end_claims.political_full_rate"])) if pol else 0, g("applied_cr_political")],
                              g("applied_cr_political"))
    don = [g("donation_special_allowed"), g("donation_general_allowed"), g("donation_religious_allowed")]
    don_credit = _donation_parts(don, on) if any(don) else [0, 0, 0]
    d_special, d_general, d_religious = _take(don_credit, g("applied_cr_donation"))
    special_total = g("applied_cr_insurance") + g("applied_cr_medical") + g("applied_cr_education") + g("applied_cr_political") + g("applied_cr_donation")
    deductions_special = g("applied_insurance_deduction") + g("applied_housing_deduction")
    after = g("earned_income") - g("applied_personal_deduction") - g("applied_pension_deduction") - deductions_special
    other = g("applied_subscription_deduction") + g("applied_card_deduction")
    nt_total = sum(nt.values()) if non_taxable is not None else g("non_taxable")  # by code when the runs give them
    L = Line
    return [
        L("pay", "income", "급여", g("total_pay"), field="C026"), L("bonus", "income", "상여", 0, field="C027"),
        L("recognized_bonus", "income", "인정상여", 0, field="C028"), L("income_total", "income", "계", g("total_pay"), field="C035"),
        L("nt_P01", "non_taxable", "비과세 식사대 (P01)", nt.get("P01", 0), field="C056"),
        L("nt_Q01", "non_taxable", "출산·보육수당 (Q01)", nt.get("Q01", 0), field="C057"),
        L("nt_total", "non_taxable", "비과세소득 계", nt_total, field="C070"), L("reduced_total", "non_taxable", "감면소득 계", 0, field="C071"),
        L("total_pay", "deduction", "총급여", g("total_pay"), field="C072"),
        L("earned_income_deduction", "deduction", "근로소득공제", g("earned_income_deduction"), field="C073"),
        L("earned_income", "deduction", "근로소득금액", g("earned_income"), field="C074"),
        L("basic_self", "deduction", "기본공제 — 본인", basic if g("basic_deduction") else 0, field="C075"),
        L("basic_spouse", "deduction", "기본공제 — 배우자", basic * spouse, field="C076"),
        L("basic_dependants", "deduction", "기본공제 — 부양가족", basic * others, count=others, field="C077B", count_field="C077A"),
        L("elderly", "deduction", "추가공제 — 경로우대", g("elderly_count") * on["year_end.elderly_deduction"], count=g("elderly_count"), field="C078B", count_field="C078A"),
        L("disabled", "deduction", "추가공제 — 장애인", g("disabled_count") * on["year_end.disabled_deduction"], count=g("disabled_count"), field="C079B", count_field="C079A"),
        L("woman", "deduction", "추가공제 — 부녀자", woman, field="C080"), L("single_parent", "deduction", "추가공제 — 한부모가족", single, field="C081"),
        L("personal_applied", "deduction", "인적공제 적용액 (근로소득금액 한도, §51④)", g("applied_personal_deduction")),
        L("pension", "deduction", "연금보험료공제 — 국민연금보험료", g("applied_pension_deduction"), base=g("national_pension"), field="C082B", base_field="C082A"),
        L("health", "deduction", "특별소득공제 — 건강보험료 (노인장기요양보험료 포함)", health, base=health_base, field="C087B", base_field="C087A"),
        L("employment", "deduction", "특별소득공제 — 고용보험료", employ, base=employ_base, field="C088B", base_field="C088A"),
        L("lease_lender", "deduction", "특별소득공제 — 주택임차차입금 원리금상환액 (대출기관)", lender, field="C089A"),
        L("lease_private", "deduction", "특별소득공제 — 주택임차차입금 원리금상환액 (거주자)", private, field="C089B"),
        L("mortgage", "deduction", "특별소득공제 — 장기주택저당차입금 이자상환액", mortgage, field=mortgage_field),
        L("special_deductions", "deduction", "특별소득공제 계", deductions_special, field="C096"),
        L("income_after", "deduction", "차감소득금액", after, field="C097"),
        L("subscription", "deduction", "그 밖의 소득공제 — 주택청약종합저축", g("applied_subscription_deduction"), field="C101"),
        L("cards", "deduction", "그 밖의 소득공제 — 신용카드 등 사용액", g("applied_card_deduction"), base=g("card_used"), field="C104"),
        L("other_deductions", "deduction", "그 밖의 소득공제 계", other, field="C110"),
        L("comprehensive_excess", "deduction", "소득공제 종합한도 초과액", g("applied_comprehensive_excess"), field="C111"),
        L("tax_base", "base", "종합소득 과세표준", g("applied_tax_base"), field="C112"),
        L("computed_tax", "base", "산출세액", g("applied_computed_tax"), field="C113"),
        L("reductions", "credit", "세액감면 계", 0, field="C120"),
        L("cr_earned_income", "credit", "세액공제 — 근로소득", g("applied_cr_earned_income"), field="C121"),
        L("cr_child", "credit", "세액공제 — 자녀 (공제대상자녀)", g("applied_cr_child"), count=g("children") if g("applied_cr_child") else 0, field="C122B", count_field="C122A"),
        L("cr_birth", "credit", "세액공제 — 자녀 (출산·입양)", g("applied_cr_birth"), count=g("births_count") if g("applied_cr_birth") else 0, field="C123B", count_field="C123A"),
        L("cr_pension_retirement", "credit", "연금계좌 — 퇴직연금", pen_retire, base=retire_target, field="C125B", base_field="C125A"),
        L("cr_pension_savings", "credit", "연금계좌 — 연금저축", pen_savings, base=savings_target, field="C126B", base_field="C126A"),
        L("cr_insurance", "credit", "특별세액공제 — 보장성보험료", ins_general, base=g("insurance_base"), field="C128B", base_field="C128A"),
        L("cr_insurance_disabled", "credit", "특별세액공제 — 장애인전용 보장성보험료", ins_disabled, base=g("disabled_insurance_base"), field="C129B", base_field="C129A"),
        L("cr_medical", "credit", "특별세액공제 — 의료비", g("applied_cr_medical"), base=g("medical_base"), field="C130B", base_field="C130A"),
        L("cr_education", "credit", "특별세액공제 — 교육비", g("applied_cr_education"), base=g("education_base"), field="C131B", base_field="C131A"),
        L("cr_political_low", "credit", "기부금 — 정치자금 (10만원 이하)", pol_low, base=pol_low_base, field="C132B", base_field="C132A"),
        L("cr_political_high", "credit", "기부금 — 정치자금 (10만원 초과)", pol_high, base=pol - pol_low_base, field="C133B", base_field="C133A"),
        L("cr_donation_special", "credit", "기부금 — 특례기부금", d_special, base=don[0], field="C136B", base_field="C136A"),
        L("cr_donation_general", "credit", "기부금 — 일반기부금 (종교단체 외)", d_general, base=don[1], field="C138B", base_field="C138A"),
        L("cr_donation_religious", "credit", "기부금 — 일반기부금 (종교단체)", d_religious, base=don[2], field="C139B", base_field="C139A"),
        L("cr_special_total", "credit", "특별세액공제 계", special_total, field="C140"),
        L("cr_standard", "credit", "표준세액공제", g("applied_cr_standard"), field="C141"),
        L("cr_rent", "credit", "월세액 세액공제", g("applied_cr_rent"), base=g("rent_base") if g("applied_cr_rent") else 0, field="C145B", base_field="C145A"),
        L("cr_marriage", "credit", "혼인세액공제 (조특법 §92)", g("applied_cr_marriage")),  # no field in the 2023 귀속 layout
        L("credits_total", "credit", "세액공제 계", g("applied_credits_total"), field="C146"),
        L("determined_tax", "tax", "결정세액 — 소득세", g("applied_determined_tax"), field="C147A"),
        L("determined_local_tax", "tax", "결정세액 — 지방소득세", g("determined_local_tax"), field="C147B"),
        L("paid_previous", "tax", "기납부세액 종(전)근무지 — 소득세", 0, field="C149A"),
        L("paid_tax", "tax", "기납부세액 주(현)근무지 — 소득세", g("income_tax_paid"), field="C150A"),
        L("paid_local_tax", "tax", "기납부세액 주(현)근무지 — 지방소득세", g("local_income_tax_paid"), field="C150B"),
        L("due_tax", "tax", "차감징수세액 — 소득세 (환급은 −)", g("settlement_income_tax"), field="C151A"),
        L("due_local_tax", "tax", "차감징수세액 — 지방소득세 (환급은 −)", g("settlement_local_income_tax"), field="C151B"),
    ]


def _donation_parts(amounts: list[int], on) -> list[int]:
    """The 기부금 세액공제 of 특례, 일반 (종교단체 외), 일반 (종교단체) in that order: 15% of the first
    1천만원 of their sum and 30% beyond (§59의4④), each part the credit of its slice."""
    rate, high, threshold = on["year_end_claims.donation_rate"], on["year_end_claims.donation_high_rate"], on["year_end_claims.donation_high_threshold"]
    out, before = [], 0
    for a in amounts:
        credit_before = _floor(min(before, threshold), rate) + _floor(max(0, before - threshold), high)
        after = before + a
        credit_after = _floor(min(after, threshold), rate) + _floor(max(0, after - threshold), high)
        out.append(credit_after - credit_before)
        before = after
    return out


def by_key(lines: list[Line]) -> dict[str, Line]:
    return {x.key: x for x in lines}
