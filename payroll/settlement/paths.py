"""One settlement path: 소득공제 in the statute's order, 과세표준, 산출세액, 세액공제 within §61, 결정세액.

Three paths are computed side by side for every worker (decision D10 and §59의4⑨1):

- ``std`` 표준: no §52 특별소득공제 (보험료 §52①, 주택자금 §52④⑤), no §59의4 특별세액공제 (보험료·
  의료비·교육비·기부금), no 월세 (조특법 §95의2); 표준세액공제 13만원 instead.
- ``itm`` 항목별 (the 보험료 path of D10 when nothing is claimed): all of them, no 13만원.
- ``lit`` §137③ read literally: 본인 기본공제, 근로소득세액공제 and 13만원 only.

What both ``std`` and ``itm`` take: 인적공제, 연금보험료공제, 신용카드 등·주택청약종합저축 (조특법 소득공제),
자녀·출산입양 (§59의2), 연금계좌 (§59의3), 정치자금 (조특법 §76), 혼인 (조특법 §92).

Order of the 소득공제 (each limited to what is left of the income, so the base never goes below 0):
인적공제 (§51④: at most the 근로소득금액) → §52 특별소득공제 (§52⑧) → 조특법 소득공제 → 종합한도 초과액
added back (조특법 §132의2: §52④⑤ + §87② + §126의2 over 2,500만원) → 연금보험료공제 last: when the
deductions exceed the income, the excess is 연금보험료공제 not taken (§51의3③).

세액공제 are taken one after another from the 산출세액, each at most what is left (§61①②③: the credits
beyond the 산출세액 lapse; §61③ names 연금계좌세액공제 as the one not taken, so it comes last). The
결정세액 is the 산출세액 less the credits taken, never below 0, whatever the order.
"""

from __future__ import annotations

import polars as pl

from payroll.settlement.brackets import bracket_expr, limit_expr, limit_rows

c = pl.col
ZERO = pl.lit(0, dtype=pl.Int64)

#: (name, label) of the 세액공제 in the order they are taken; ``credit_<name>`` is the amount before §61
CREDITS: tuple[tuple[str, str], ...] = (
    ("earned_income", "근로소득세액공제"), ("child", "자녀세액공제"), ("birth", "출산·입양 세액공제"), ("marriage", "혼인세액공제"),
    ("insurance", "보험료 세액공제"), ("medical", "의료비 세액공제"), ("education", "교육비 세액공제"), ("political", "정치자금 기부금 세액공제"),
    ("donation", "기부금 세액공제"), ("rent", "월세 세액공제"), ("standard", "표준세액공제"), ("pension_account", "연금계좌 세액공제"),
)
PATH_CREDITS = {
    "std": ("earned_income", "child", "birth", "marriage", "political", "standard", "pension_account"),
    "itm": ("earned_income", "child", "birth", "marriage", "insurance", "medical", "education", "political", "donation", "rent", "pension_account"),
    "lit": ("earned_income", "standard"),
}
#: the per-path columns ``<prefix>_<step>``
STEPS = ("personal_deduction", "insurance_deduction", "housing_deduction", "subscription_deduction", "card_deduction", "comprehensive_excess",
         "pension_deduction", "tax_base", "computed_tax", *(f"cr_{n}" for n, _ in CREDITS), "credits_total", "determined_tax")


def path_stages(prefix: str, on) -> list[list[pl.Expr]]:
    """The columns of one path, in stages: each stage reads the columns of the stages before it."""
    col = lambda step: c(f"{prefix}_{step}")  # noqa: E731
    a = lambda step: f"{prefix}_{step}"  # noqa: E731
    itm, lit = prefix == "itm", prefix == "lit"
    after = c(f"_{prefix}_after_personal")
    left = c(f"_{prefix}_left")
    personal = c("_self_only") if lit else c("personal_deduction")
    lease_limit = on["year_end_claims.housing_lease_limit"] if "housing" in _sections(on) else 0
    # §52④ with §87⑤: 임차 원리금 공제 + 청약 공제 ≤ 400만 (the 청약 part cut first); §52⑤⑥: + 이자 ≤ the loan's limit
    lease = pl.min_horizontal(c("housing_lease_amount"), pl.lit(lease_limit)) if itm else ZERO
    sub = ZERO if lit else pl.min_horizontal(c("subscription_amount"), (pl.lit(lease_limit) - lease).clip(lower_bound=0))
    mortgage = pl.min_horizontal(c("housing_mortgage"), (c("housing_mortgage_limit") - lease - sub).clip(lower_bound=0)) if itm else ZERO
    stages: list[list[pl.Expr]] = [
        [personal.cast(pl.Int64).alias(a("personal_deduction")),
         (c("earned_income") - personal).clip(lower_bound=0).cast(pl.Int64).alias(f"_{prefix}_after_personal"),
         lease.cast(pl.Int64).alias(f"_{prefix}_lease"), sub.cast(pl.Int64).alias(f"_{prefix}_sub"), mortgage.cast(pl.Int64).alias(f"_{prefix}_mortgage")],
        [(pl.min_horizontal(c("premiums_paid"), after) if itm else ZERO).cast(pl.Int64).alias(a("insurance_deduction"))],
        # §52⑧: 특별소득공제 beyond the income lapse
        [pl.min_horizontal(c(f"_{prefix}_lease") + c(f"_{prefix}_mortgage"), after - col("insurance_deduction")).cast(pl.Int64).alias(a("housing_deduction"))],
        [(after - col("insurance_deduction") - col("housing_deduction")).alias(f"_{prefix}_left")],
        [pl.min_horizontal(c(f"_{prefix}_sub"), left).cast(pl.Int64).alias(a("subscription_deduction"))],
        [(ZERO if lit else pl.min_horizontal(c("card_deduction"), left - col("subscription_deduction"))).cast(pl.Int64).alias(a("card_deduction"))],
        [(col("housing_deduction") + col("subscription_deduction") + col("card_deduction") - on["year_end_claims.comprehensive_limit"]).clip(lower_bound=0)
         .cast(pl.Int64).alias(a("comprehensive_excess")) if "cards" in _sections(on) else ZERO.alias(a("comprehensive_excess"))],
        [(left - col("subscription_deduction") - col("card_deduction") + col("comprehensive_excess")).alias(f"_{prefix}_before_pension")],
        [(ZERO if lit else pl.min_horizontal(c("national_pension"), c(f"_{prefix}_before_pension"))).cast(pl.Int64).alias(a("pension_deduction"))],
        [(c(f"_{prefix}_before_pension") - col("pension_deduction")).clip(lower_bound=0).cast(pl.Int64).alias(a("tax_base"))],
        [bracket_expr(col("tax_base"), on["year_end.basic_rate"]).cast(pl.Int64).alias(a("computed_tax"))],
        [pl.min_horizontal(bracket_expr(col("computed_tax"), on["year_end.earned_income_tax_credit"]),
                           limit_expr(c("total_pay"), limit_rows(on["year_end.earned_income_tax_credit_limit"]))).cast(pl.Int64)
         .alias(f"_{prefix}_credit_earned_income")],
    ]
    remaining = col("computed_tax")
    taken = []
    for name, _ in CREDITS:
        if name not in PATH_CREDITS[prefix]:
            stages.append([ZERO.alias(a(f"cr_{name}"))])
            continue
        source = c(f"_{prefix}_credit_earned_income") if name == "earned_income" else (
            pl.lit(on["year_end.standard_tax_credit"], dtype=pl.Int64) if name == "standard" else c(f"credit_{name}"))
        stages.append([pl.min_horizontal(source, (remaining - sum(taken, ZERO)).clip(lower_bound=0)).cast(pl.Int64).alias(a(f"cr_{name}"))])
        taken.append(col(f"cr_{name}"))
    stages.append([sum(taken, ZERO).cast(pl.Int64).alias(a("credits_total"))])
    stages.append([(col("computed_tax") - col("credits_total")).clip(lower_bound=0).cast(pl.Int64).alias(a("determined_tax"))])
    return stages


def _sections(on) -> set[str]:
    return set(on["year_end_claims.claim_sections"])
