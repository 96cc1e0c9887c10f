"""The settlement's amounts that do not depend on the path chosen (표준세액공제 or itemising).

Every function returns polars expressions over the settlement frame; each amount is exact until
the one truncation to the won that the statute implies (원 미만 절사), done with integer arithmetic
on scaled amounts, never a float.

- 신용카드 등 소득공제 (조특법 §126의2, 2026 사용분: ②⑥⑩⑪).
- 주택청약종합저축 소득공제 (조특법 §87②) and the 주택자금 amounts before the limits (§52④⑤).
- 세액공제 before §61's limits: 연금계좌 (§59의3), 보험료·의료비·교육비·기부금 (§59의4①–④),
  정치자금 (조특법 §76), 월세 (조특법 §95의2), 혼인 (조특법 §92).
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import polars as pl

c = pl.col
ZERO = pl.lit(0, dtype=pl.Int64)


def pct(r: Fraction) -> int:
    """A rate given in whole percent (15% → 15); the card and medical rates all are."""
    p = r * 100
    if p.denominator != 1:
        raise ValueError(f"요율 {r}이(가) 정수 퍼센트가 아닙니다")
    return int(p)


def times(x: pl.Expr, r: Fraction) -> pl.Expr:
    """floor(x × r) for x ≥ 0 (원 미만 절사)."""
    return (x * r.numerator // r.denominator).cast(pl.Int64)


def floor_sum(terms: list[tuple[pl.Expr, Fraction]]) -> pl.Expr:
    """floor(Σ xᵢ × rᵢ): one truncation for a sum of exact products."""
    d = lcm(*(r.denominator for _, r in terms))
    total = ZERO
    for x, r in terms:
        total = total + x * (r.numerator * (d // r.denominator))
    return (total // d).cast(pl.Int64)


# --- 신용카드 등 (조특법 §126의2) ---------------------------------------------------------------


def card_columns(on) -> list[list[pl.Expr]]:
    """Stages of ``card_*`` columns. Amounts are worked in units of 1/400 won: 최저사용금액 = 총급여 × 25%
    is then whole (× 4), and so is every amount × whole-percent rate (× 100)."""
    t = on["year_end_claims.card_threshold_rate"]
    if t != Fraction(1, 4):
        raise ValueError("신용카드 공제 문턱은 총급여의 25%로 계산합니다")
    rc, rd, rcu, rm, rt = (pct(on[f"year_end_claims.card_rate_{k}"]) for k in ("credit", "debit", "culture", "market", "transit"))
    low = c("total_pay") <= on["year_end_claims.card_culture_pay_limit"]
    # 총급여 7천만원 초과: 문화체육사용분 is not a class of its own (②3 only ≤ 7천만); taken as 신용카드사용분
    # (the lowest rate) — the 신고서 asks such a worker to put it by means of payment; the exception list says so.
    credit = c("card_credit") + pl.when(low).then(0).otherwise(c("card_culture"))
    culture = pl.when(low).then(c("card_culture")).otherwise(0)
    th = c("total_pay") * 100  # 최저사용금액 × 400
    q = lambda x: x * 400  # noqa: E731  won → 1/400 won
    sub = (pl.when(th <= q(c("_card_c"))).then(th * rc // 100)
           .when(th <= q(c("_card_c") + c("card_debit") + c("_card_cu"))).then(q(c("_card_c")) * rc // 100 + (th - q(c("_card_c"))) * rd // 100)
           .otherwise(q(c("_card_c")) * rc // 100 + q(c("card_debit") + c("_card_cu")) * rd // 100
                      + (th - q(c("_card_c") + c("card_debit") + c("_card_cu"))) * rm // 100))
    # 다목 2) (총급여 7천만원 초과) has no 문화체육 term: _card_cu is 0 there, so one expression serves both
    gross = q(c("card_market")) * rm // 100 + q(c("card_transit")) * rt // 100 + q(c("_card_cu")) * rcu // 100 + q(c("card_debit")) * rd // 100 + q(c("_card_c")) * rc // 100
    kids = c("card_children")
    base_limit = (pl.when(low).then(pl.when(kids >= 2).then(on["year_end_claims.card_limit_low_children"])
                                    .when(kids == 1).then(on["year_end_claims.card_limit_low_one_child"])
                                    .otherwise(on["year_end_claims.card_limit_low"]))
                  .otherwise(pl.when(kids >= 2).then(on["year_end_claims.card_limit_high_children"])
                             .when(kids == 1).then(on["year_end_claims.card_limit_high_one_child"])
                             .otherwise(on["year_end_claims.card_limit_high"])))
    extra_limit = pl.when(low).then(on["year_end_claims.card_extra_limit_low"]).otherwise(on["year_end_claims.card_extra_limit_high"])
    extra_items = (q(c("card_market")) * rm // 100 + q(c("card_transit")) * rt // 100 + q(c("_card_cu")) * rcu // 100) // 400
    return [
        [credit.alias("_card_c"), culture.alias("_card_cu")],
        [(c("_card_c") + c("card_debit") + c("_card_cu") + c("card_market") + c("card_transit")).cast(pl.Int64).alias("card_used"),
         (c("total_pay") // 4).alias("card_minimum"),  # shown on the form in won (floor)
         ((gross - sub).clip(lower_bound=0) // 400).cast(pl.Int64).alias("card_deduction_raw"),
         base_limit.cast(pl.Int64).alias("card_base_limit"),
         pl.min_horizontal(extra_items, extra_limit).cast(pl.Int64).alias("card_extra_allowed")],
        [(pl.min_horizontal(c("card_deduction_raw"), c("card_base_limit"))
          + pl.min_horizontal((c("card_deduction_raw") - c("card_base_limit")).clip(lower_bound=0), c("card_extra_allowed"))).cast(pl.Int64)
         .alias("card_deduction")],
    ]


# --- 주택자금 (§52④⑤⑥) and 주택청약종합저축 (조특법 §87②) ------------------------------------------------


def housing_columns(on) -> list[pl.Expr]:
    """The amounts before the path: 임차 원리금 × 40%, 청약 납입액 (≤ 300만, 총급여 ≤ 7천만) × 40%, 이자 상환액."""
    lease = times(c("housing_lease_lender") + c("housing_lease_private"), on["year_end_claims.housing_lease_rate"])
    sub_ok = c("total_pay") <= on["year_end_claims.subscription_savings_pay_limit"]
    sub = pl.when(sub_ok).then(times(pl.min_horizontal(c("housing_subscription"), pl.lit(on["year_end_claims.subscription_savings_limit"])),
                                     on["year_end_claims.subscription_savings_rate"])).otherwise(0)
    return [lease.alias("housing_lease_amount"), sub.cast(pl.Int64).alias("subscription_amount")]


# --- 세액공제 before §61 ------------------------------------------------------------------------


def credit_columns(on) -> list[list[pl.Expr]]:
    """``credit_<name>`` columns: each credit as the statute computes it, before §61's limits."""
    ins_rate, dis_rate = on["year_end.insurance_credit_rate"], on["year_end.disabled_insurance_credit_rate"]
    pay = c("total_pay")
    # 연금계좌 (§59의3①): 연금저축 ≤ 600만, 합계 ≤ 900만; 15% (총급여 5,500만원 이하) or 12%
    pension_base = pl.min_horizontal(pl.min_horizontal(c("pension_savings"), pl.lit(on["year_end_claims.pension_savings_limit"])) + c("pension_retirement"),
                                     pl.lit(on["year_end_claims.pension_account_limit"]))
    low, high = on["year_end_claims.pension_credit_rate_low"], on["year_end_claims.pension_credit_rate"]
    pension = pl.when(pay <= on["year_end_claims.pension_credit_pay_limit"]).then(times(c("pension_base"), low)).otherwise(times(c("pension_base"), high))
    # 의료비 (§59의4②): amounts in 1/100 won so that 총급여 × 3% is whole
    thr_rate = on["year_end_claims.medical_threshold_rate"]
    s = thr_rate.denominator
    thr = pay * thr_rate.numerator  # 문턱 × s
    g, sp, pr, inf = (c(k) * s for k in ("medical_general", "medical_special", "medical_premature", "medical_infertility"))
    cap = on["year_end_claims.medical_general_limit"] * s
    short1 = (thr - g).clip(lower_bound=0)
    short2 = (short1 - sp).clip(lower_bound=0)
    short3 = (short2 - pr).clip(lower_bound=0)
    med = [((g - thr).clip(lower_bound=0).clip(upper_bound=cap)).alias("_med_g"), (sp - short1).clip(lower_bound=0).alias("_med_s"),
           (pr - short2).clip(lower_bound=0).alias("_med_p"), (inf - short3).clip(lower_bound=0).alias("_med_i")]
    mr, mp, mi = on["year_end_claims.medical_rate"], on["year_end_claims.medical_premature_rate"], on["year_end_claims.medical_infertility_rate"]
    # 기부금 (§59의4④): 소득금액 = 근로소득금액; 특례 first (≤ 소득금액), then 일반 within its limit
    inc = c("earned_income")
    special = pl.min_horizontal(c("donation_special"), inc)
    base = (inc - c("_don_special")).clip(lower_bound=0)
    r10, r20, r30 = (on[f"year_end_claims.donation_{k}"] for k in ("religious_limit_rate", "religious_other_rate", "general_limit_rate"))
    d = lcm(r10.denominator, r20.denominator, r30.denominator)
    scaled = lambda x, r: x * (r.numerator * (d // r.denominator))  # noqa: E731  x × r × d, whole
    lim_num = pl.when(c("donation_religious") > 0).then(
        scaled(base, r10) + pl.min_horizontal(scaled(base, r20), c("donation_general") * d)  # ④2가: 10% + min(20%, 종교단체 외)
    ).otherwise(scaled(base, r30))  # ④2나: 30%
    limit = (lim_num // d).cast(pl.Int64)
    gen_total = pl.min_horizontal(c("donation_general") + c("donation_religious"), c("_don_limit"))
    dr, dh, dth = on["year_end_claims.donation_rate"], on["year_end_claims.donation_high_rate"], on["year_end_claims.donation_high_threshold"]
    dsum = c("_don_special") + c("_don_general_total")
    donation = floor_sum([(pl.min_horizontal(dsum, pl.lit(dth)), dr), ((dsum - dth).clip(lower_bound=0), dh)])
    # 정치자금 (조특법 §76①): 10만원까지 100/110; 초과분 15% (그 초과분 중 3천만원 초과 25%)
    full = on["year_end_claims.political_full_limit"]
    fr = Fraction(on["year_end_claims.political_full_rate"])
    pr15, pr25, pth = on["year_end_claims.political_rate"], on["year_end_claims.political_high_rate"], on["year_end_claims.political_high_threshold"]
    pol = c("donation_political")
    political = floor_sum([(pl.min_horizontal(pol, pl.lit(full)), fr), (((pol - full).clip(lower_bound=0)).clip(upper_bound=pth), pr15),
                           ((pol - full - pth).clip(lower_bound=0), pr25)])
    # 월세 (조특법 §95의2①): 총급여 ≤ 8천만 and 종합소득금액 ≤ 7천만; 17% (≤ 5,500만 and ≤ 4,500만) or 15%; ≤ 1천만
    rent_base = pl.min_horizontal(c("rent_paid"), pl.lit(on["year_end_claims.rent_limit"]))
    rent_ok = (pay <= on["year_end_claims.rent_pay_limit"]) & (inc <= on["year_end_claims.rent_income_limit"])
    rent_low = (pay <= on["year_end_claims.rent_low_pay_limit"]) & (inc <= on["year_end_claims.rent_low_income_limit"])
    rent = pl.when(~rent_ok).then(0).when(rent_low).then(times(rent_base, on["year_end_claims.rent_rate_low"])).otherwise(
        times(rent_base, on["year_end_claims.rent_rate"]))
    return [
        [pension_base.cast(pl.Int64).alias("pension_base"), *med, special.cast(pl.Int64).alias("_don_special"),
         rent_base.cast(pl.Int64).alias("rent_base"), rent_ok.alias("rent_eligible")],
        [pension.cast(pl.Int64).alias("credit_pension_account"),
         ((c("_med_g") + c("_med_s") + c("_med_p") + c("_med_i")) // s).cast(pl.Int64).alias("medical_base"),
         (floor_sum([(c("_med_g") + c("_med_s"), mr), (c("_med_p"), mp), (c("_med_i"), mi)]) // s).cast(pl.Int64).alias("credit_medical"),
         limit.alias("_don_limit"),
         (times(c("insurance_base"), ins_rate) + times(c("disabled_insurance_base"), dis_rate)).cast(pl.Int64).alias("credit_insurance"),
         times(c("education_base"), on["year_end_claims.education_rate"]).alias("credit_education"),
         political.alias("credit_political"), rent.cast(pl.Int64).alias("credit_rent"),
         (c("marriage") * on["year_end_claims.marriage_credit"]).cast(pl.Int64).alias("credit_marriage")],
        [gen_total.cast(pl.Int64).alias("_don_general_total")],
        [pl.min_horizontal(c("donation_general"), c("_don_general_total")).cast(pl.Int64).alias("donation_general_allowed"),
         (c("_don_general_total") - pl.min_horizontal(c("donation_general"), c("_don_general_total"))).cast(pl.Int64).alias("donation_religious_allowed"),
         c("_don_special").alias("donation_special_allowed"), donation.alias("credit_donation")],
    ]
