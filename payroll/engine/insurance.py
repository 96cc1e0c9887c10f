"""The four social insurances (employee and employer shares) and 산재 (employer only).

Looked up on the first day of the month the premium covers (``coverage_date``). Bases follow
decision D11: 국민연금 and 건강보험 on the declared 보수월액 (``insurance_base``; the month's
taxable pay when none is declared) — 국민연금 on the 기준소득월액 (``pension_base``) where one is
declared apart (국민연금법 §3①5), 고용보험 and 산재 on the month's taxable pay (보수 excludes
비과세 근로소득: 국민건강보험법 시행령 §33①, 보험료징수법 §2 3호).
"""

from __future__ import annotations

import polars as pl

from payroll.engine.params import param_columns, rate_on, with_params
from payroll.engine.step import Context, Output, Step
from payroll.money import floor10_expr, floor1000_expr


def _base_expr(ctx: Context) -> pl.Expr:
    if ctx.law.switch("insurance.base") == "declared":
        return pl.coalesce(pl.col("insurance_base"), pl.col("taxable_pay").clip(lower_bound=0))
    return pl.col("taxable_pay").clip(lower_bound=0)


# --- 국민연금 ---------------------------------------------------------------------------------

PENSION_PARAMS = {
    "np_ee": "national_pension.employee_rate",
    "np_er": "national_pension.employer_rate",
    "np_floor": "national_pension.base_floor",
    "np_cap": "national_pension.base_cap",
}


def national_pension(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = with_params(frame, ctx.law, "coverage_date", PENSION_PARAMS)
    declared = _base_expr(ctx)
    if ctx.law.switch("insurance.base") == "declared" and "pension_base" in f.columns:
        declared = pl.coalesce(pl.col("pension_base"), declared)
    base = floor1000_expr(declared).clip(lower_bound=pl.col("np_floor"), upper_bound=pl.col("np_cap"))
    f = f.with_columns(base.alias("np_base"))
    applies = pl.col("np_applies")
    f = f.with_columns(
        pl.when(applies).then(floor10_expr(rate_on(pl.col("np_base"), "np_ee"))).otherwise(0).cast(pl.Int64).alias("national_pension"),
        pl.when(applies).then(floor10_expr(rate_on(pl.col("np_base"), "np_er"))).otherwise(0).cast(pl.Int64).alias("employer_national_pension"),
    )
    return f.drop(param_columns(PENSION_PARAMS, f))


NATIONAL_PENSION = Step(
    name="national_pension",
    article="국민연금법 §88·§90 (기준소득월액 × 보험료율), 시행령 §5 (1,000원 미만 절사, 상·하한), §117 (10원 미만 절사)",
    writes=(
        Output("np_base", "기준소득월액"),
        Output("national_pension", "국민연금 (근로자 기여금)"),
        Output("employer_national_pension", "국민연금 (사용자 부담금)"),
    ),
    run=national_pension,
    params=tuple(PENSION_PARAMS.values()) + ("national_pension.base_rounding_unit",),
)

# --- 건강보험 · 장기요양 ------------------------------------------------------------------------

HEALTH_PARAMS = {
    "hi_ee": "health_insurance.employee_rate",
    "hi_er": "health_insurance.employer_rate",
    "hi_cap": "health_insurance.premium_cap_employee",
    "hi_floor": "health_insurance.premium_floor_employee",
}


def health_insurance(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = with_params(frame, ctx.law, "coverage_date", HEALTH_PARAMS)
    f = f.with_columns(_base_expr(ctx).alias("hi_base"))
    applies = pl.col("hi_applies")

    def premium(alias: str) -> pl.Expr:
        raw = floor10_expr(rate_on(pl.col("hi_base"), alias))
        return pl.when(applies).then(raw.clip(lower_bound=pl.col("hi_floor"), upper_bound=pl.col("hi_cap"))).otherwise(0).cast(pl.Int64)

    f = f.with_columns(premium("hi_ee").alias("health_insurance"), premium("hi_er").alias("employer_health_insurance"))
    return f.drop(param_columns(HEALTH_PARAMS, f))


HEALTH_INSURANCE = Step(
    name="health_insurance",
    article="국민건강보험법 §69·§76 (보수월액 × 보험료율, 각 50%), 시행령 §32 (상·하한), §44①",
    writes=(
        Output("hi_base", "보수월액"),
        Output("health_insurance", "건강보험 (근로자)"),
        Output("employer_health_insurance", "건강보험 (사용자)"),
    ),
    run=health_insurance,
    params=tuple(HEALTH_PARAMS.values()),
)

LTC_PARAMS = {"ltc_ratio": "long_term_care.ratio_to_health", "ltc_income": "long_term_care.rate_of_income", "ltc_hi": "health_insurance.employee_rate"}


def long_term_care(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = with_params(frame, ctx.law, "coverage_date", LTC_PARAMS)
    if ctx.law.switch("long_term_care.ratio") == "exact":
        # 장기요양률 ÷ (2 × the employee's half of 건강보험료율), kept as an exact fraction.
        f = f.with_columns(
            (pl.col("ltc_income_num") * pl.col("ltc_hi_den")).alias("ltc_ratio_num"),
            (pl.col("ltc_income_den") * pl.col("ltc_hi_num") * 2).alias("ltc_ratio_den"),
        )
    if ctx.law.switch("long_term_care.method") == "per_party":
        f = f.with_columns(
            floor10_expr(rate_on(pl.col("health_insurance"), "ltc_ratio")).alias("long_term_care"),
            floor10_expr(rate_on(pl.col("employer_health_insurance"), "ltc_ratio")).alias("employer_long_term_care"),
        )
    else:
        total = floor10_expr(rate_on(pl.col("health_insurance") + pl.col("employer_health_insurance"), "ltc_ratio"))
        f = f.with_columns(total.alias("_ltc_total")).with_columns(floor10_expr(pl.col("_ltc_total") // 2).alias("long_term_care"))
        f = f.with_columns((pl.col("_ltc_total") - pl.col("long_term_care")).alias("employer_long_term_care")).drop("_ltc_total")
    return f.drop(param_columns(LTC_PARAMS, f))


LONG_TERM_CARE = Step(
    name="long_term_care",
    article="노인장기요양보험법 §9① (건강보험료 × 장기요양보험료율 ÷ 건강보험료율), decision D1",
    writes=(Output("long_term_care", "장기요양보험 (근로자)"), Output("employer_long_term_care", "장기요양보험 (사용자)")),
    run=long_term_care,
    params=("long_term_care.ratio_to_health", "long_term_care.rate_of_income"),
)

# --- 고용보험 ---------------------------------------------------------------------------------

EMPLOYMENT_PARAMS = {
    "ei_ee": "employment_insurance.employee_rate",
    "ei_er_u": "employment_insurance.employer_unemployment_rate",
    "ei_er_s": "employment_insurance.employer_stability_rate",
}


def employment_insurance(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = with_params(frame, ctx.law, "coverage_date", EMPLOYMENT_PARAMS)
    f = f.with_columns(pl.col("taxable_pay").clip(lower_bound=0).alias("ei_base"))
    rounding = floor10_expr if ctx.law.switch("employment_insurance.rounding") == "floor10" else (lambda e: e)

    def part(alias: str, applies: str) -> pl.Expr:
        return pl.when(pl.col(applies)).then(rounding(rate_on(pl.col("ei_base"), alias))).otherwise(0).cast(pl.Int64)

    f = f.with_columns(
        part("ei_ee", "ei_unemployment_applies").alias("employment_insurance"),
        part("ei_er_u", "ei_unemployment_applies").alias("employer_ei_unemployment"),
        part("ei_er_s", "ei_stability_applies").alias("employer_ei_stability"),
    )
    f = f.with_columns((pl.col("employer_ei_unemployment") + pl.col("employer_ei_stability")).alias("employer_employment_insurance"))
    return f.drop(param_columns(EMPLOYMENT_PARAMS, f))


EMPLOYMENT_INSURANCE = Step(
    name="employment_insurance",
    article="보험료징수법 §13·시행령 §12 (실업급여 0.9%+0.9%, 고용안정·직능 0.85%), decision D2",
    writes=(
        Output("ei_base", "고용보험 보수"),
        Output("employment_insurance", "고용보험 (근로자, 실업급여)"),
        Output("employer_ei_unemployment", "고용보험 (사용자, 실업급여)"),
        Output("employer_ei_stability", "고용보험 (사용자, 고용안정·직업능력개발)"),
        Output("employer_employment_insurance", "고용보험 (사용자 합계)"),
    ),
    run=employment_insurance,
    params=tuple(EMPLOYMENT_PARAMS.values()),
)

# --- 산재보험 ---------------------------------------------------------------------------------

ACCIDENT_PARAMS = {"ia_business": "industrial_accident.business_rate", "ia_commute": "industrial_accident.commute_rate"}


def industrial_accident(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = with_params(frame, ctx.law, "coverage_date", ACCIDENT_PARAMS)
    base = pl.col("taxable_pay").clip(lower_bound=0).cast(pl.Int64)
    # business + commute as one exact fraction: (a/b + c/d) = (a·d + c·b) / (b·d)
    num = pl.col("ia_business_num") * pl.col("ia_commute_den") + pl.col("ia_commute_num") * pl.col("ia_business_den")
    den = pl.col("ia_business_den") * pl.col("ia_commute_den")
    f = f.with_columns(floor10_expr(base * num // den).cast(pl.Int64).alias("employer_industrial_accident"))
    return f.drop(param_columns(ACCIDENT_PARAMS, f))


INDUSTRIAL_ACCIDENT = Step(
    name="industrial_accident",
    article="보험료징수법 §13⑤·§14 (사업종류별 산재보험료율 + 출퇴근재해 요율, 사업주 전액 부담), decision D5",
    writes=(Output("employer_industrial_accident", "산재보험 (사용자)"),),
    run=industrial_accident,
    params=tuple(ACCIDENT_PARAMS.values()),
)
