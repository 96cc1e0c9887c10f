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

HOUR = 60  # minutes


def age_at(birth: pl.Expr, day: pl.Expr) -> pl.Expr:
    """만 나이 on ``day`` (민법 §158: the birthday counts)."""
    before_birthday = (day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)) < (
        birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    )
    return day.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)


def _base_expr(ctx: Context) -> pl.Expr:
    if ctx.law.switch("insurance.base") == "declared":
        return pl.coalesce(pl.col("insurance_base"), pl.col("taxable_pay").clip(lower_bound=0))
    return pl.col("taxable_pay").clip(lower_bound=0)


# --- eligibility -----------------------------------------------------------------------------

EI_HOURS_TEST = ("employment_insurance.min_monthly_hours", "employment_insurance.min_weekly_hours")
EI_THRESHOLD = "employment_insurance.coverage_income_threshold"


def _hours_test(name: str):
    """The 고용보험 hours test on the row's date: null once the law ended it (법률 제21473호, from
    2027-01-01), unless switch ``employment_insurance.coverage`` keeps it (D15's alternative)."""
    def source(on):
        p = on.law.parameter(name)
        if p.state_on(on.day) != "ended":
            return on[name]
        return p.periods[-1].value if on.law.switch("employment_insurance.coverage") == "hours_test" else None
    return source


def _last_hours(name: str):
    """The hours test as it stood on its last day: who was insured before it ended (부칙 제2조)."""
    return lambda on: on.law.parameter(name).periods[-1].value


def _hours_test_end(on):
    return on.law.parameter(EI_HOURS_TEST[0]).periods[-1].end


def _income_threshold(on):
    """고용보험법 §10①2 (2027-01-01): the 시행령's 소득기준, null until HR enters it (D15)."""
    p = on.law.parameter(EI_THRESHOLD)
    return on[EI_THRESHOLD] if p.state_on(on.day) in ("in_force", "announced", "unconfirmed", "provisional") else None


ELIGIBILITY_PARAMS = {
    "np_min_age": "national_pension.min_age",
    "np_max_age": "national_pension.max_age",
    "np_min_hours": "national_pension.min_monthly_hours",
    "hi_min_hours": "health_insurance.min_monthly_hours",
    "ei_min_month_hours": _hours_test(EI_HOURS_TEST[0]),
    "ei_min_week_hours": _hours_test(EI_HOURS_TEST[1]),
    "ei_old_month_hours": _last_hours(EI_HOURS_TEST[0]),
    "ei_old_week_hours": _last_hours(EI_HOURS_TEST[1]),
    "ei_hours_test_end": _hours_test_end,
    "ei_income_threshold": _income_threshold,
    "ei_exception_months": "employment_insurance.short_hours_exception_months",
    "ei_hire_age_limit": "employment_insurance.first_hire_age_limit",
}


def eligibility(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    f = with_params(frame, ctx.law, "coverage_date", ELIGIBILITY_PARAMS)
    month_start = pl.col("coverage_date")
    minutes = pl.col("monthly_minutes")
    week_minutes = pl.col("weekly_minutes")
    age_at_start = age_at(pl.col("birth_date"), month_start)
    age_day_before = age_at(pl.col("birth_date"), month_start.dt.offset_by("-1d"))
    # 국민연금법 §17① and 국민건강보험법 §69②: charged from the month after the month of acquisition,
    # unless acquired on the 1st. Not modelled: §17① 3호 (a worker who asks to pay for the hiring month)
    # and §17① 1호's same-month-loss exception; both need a declaration the inputs do not carry.
    hired_mid_month = pl.col("hire_date") > month_start
    daily = pl.col("income_type") == "daily"

    np_short = minutes < pl.col("np_min_hours") * HOUR
    np_young = age_at_start < pl.col("np_min_age")
    np_old = age_day_before >= pl.col("np_max_age")
    hi_short = minutes < pl.col("hi_min_hours") * HOUR
    # 고용보험: until 2026-12-31 (and under switch employment_insurance.coverage = hours_test) a
    # worker under 월 60 h / 주 15 h is excluded unless in a 3rd month of work or a 일용근로자
    # (시행령 §3). From 2027-01-01 the hours test is gone (§10①2, 법률 제21473호): a worker whose
    # 보수 is under the 시행령's 소득기준 is excluded instead, but the amount is not fixed (D15:
    # covered until it is entered), and anyone insured before 2027-01-01 stays covered (부칙 제2조).
    hours_test = pl.col("ei_min_month_hours").is_not_null()
    ei_short = hours_test & ((minutes < pl.col("ei_min_month_hours") * HOUR) | (week_minutes < pl.col("ei_min_week_hours") * HOUR))
    old_short = (minutes < pl.col("ei_old_month_hours") * HOUR) | (week_minutes < pl.col("ei_old_week_hours") * HOUR)
    # hire_date + k months ≤ the first day of next month (offset_by clamps to month end, so only a
    # hire on the 1st lands exactly on that day): compare year·12 + month, then the day.
    hire_ym = pl.col("hire_date").dt.year().cast(pl.Int32) * 12 + pl.col("hire_date").dt.month().cast(pl.Int32) + pl.col("ei_exception_months").cast(pl.Int32)

    def long_enough(day: pl.Expr) -> pl.Expr:
        next_ym = day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) + 1
        return (hire_ym < next_ym) | ((hire_ym == next_ym) & (pl.col("hire_date").dt.day() == 1))

    ei_long_enough = long_enough(month_start)
    last_hours_month = pl.col("ei_hours_test_end").dt.truncate("1mo")
    insured_before = (pl.col("hire_date") <= pl.col("ei_hours_test_end")) & (~old_short | long_enough(last_hours_month) | daily)
    below_threshold = ~hours_test & pl.col("ei_income_threshold").is_not_null() & (pl.col("taxable_pay") < pl.col("ei_income_threshold"))
    ei_excluded_by_pay = below_threshold & ~ei_long_enough & ~daily & ~insured_before
    ei_covered = pl.when(hours_test).then(~ei_short | ei_long_enough | daily).otherwise(~ei_excluded_by_pay)
    hired_at_65 = age_at(pl.col("birth_date"), pl.col("hire_date")) >= pl.col("ei_hire_age_limit")

    f = f.with_columns(
        (~np_short & ~np_young & ~np_old & ~hired_mid_month).alias("np_applies"),
        pl.when(np_old).then(pl.lit("60세 이상: 사업장가입자 아님 (국민연금법 §8①, §12①4)"))
        .when(np_young).then(pl.lit("18세 미만: 사업장가입자 아님 (국민연금법 §8①)"))
        .when(np_short).then(pl.lit("1개월 소정근로시간 60시간 미만: 적용 제외 (국민연금법 시행령 §2 4호)"))
        .when(hired_mid_month).then(pl.lit("월 중 자격취득: 취득일이 속하는 달의 다음 달부터 (국민연금법 §17①, §88②)"))
        .otherwise(None).alias("np_note"),
        (~hi_short & ~hired_mid_month).alias("hi_applies"),
        pl.when(hi_short).then(pl.lit("1개월 소정근로시간 60시간 미만: 직장가입자 제외 (국민건강보험법 시행령 §9 1호)"))
        .when(hired_mid_month).then(pl.lit("월 중 자격취득: 취득일이 속하는 달의 다음 달부터 징수 (국민건강보험법 §69②)"))
        .otherwise(None).alias("hi_note"),
        (ei_covered & ~hired_at_65).alias("ei_unemployment_applies"),
        ei_covered.alias("ei_stability_applies"),
        pl.when(ei_excluded_by_pay).then(pl.lit("보수가 소득기준 미만, 3개월 미만·일용 아님: 적용 제외 (고용보험법 §10①2, 법률 제21473호)"))
        .when(~ei_covered).then(pl.lit("월 60시간 또는 주 15시간 미만, 3개월 미만·일용 아님: 적용 제외 (고용보험법 시행령 §3)"))
        .when(hired_at_65).then(pl.lit("65세 이후 고용: 실업급여 보험료 없음, 고용안정·직업능력개발 보험료만 사용자 부담 (고용보험법 §10②)"))
        .when(ei_short & daily).then(pl.lit("단시간이지만 일용근로자: 적용 (고용보험법 시행령 §3②)"))
        .when(ei_short).then(pl.lit("단시간이지만 3개월 이상 계속 근로: 적용 (고용보험법 시행령 §3②)"))
        .when(below_threshold & insured_before).then(pl.lit("보수가 소득기준 미만이나 2027-01-01 전 피보험자: 이직 전까지 적용 (법률 제21473호 부칙 제2조)"))
        .when(~hours_test & old_short & pl.col("ei_income_threshold").is_null() & ~ei_long_enough & ~daily & ~insured_before)
        .then(pl.lit("2027-01-01부터 소정근로시간 기준 폐지, 소득기준 미정: 적용 (고용보험법 §10①2, 법률 제21473호; decision D15)"))
        .otherwise(None).alias("ei_note"),
    )
    return f.drop(param_columns(ELIGIBILITY_PARAMS, f))


ELIGIBILITY = Step(
    name="eligibility",
    article="국민연금법 §8·§12·§17①·§88②, 국민건강보험법 §69②·시행령 §9, 고용보험법 §10·시행령 §3 (2027-01-01부터 §10①2 소득기준, 법률 제21473호, decision D15)",
    writes=(
        Output("np_applies", "국민연금 적용", "np_note"),
        Output("hi_applies", "건강보험 적용", "hi_note"),
        Output("ei_unemployment_applies", "고용보험(실업급여) 적용", "ei_note"),
        Output("ei_stability_applies", "고용보험(고용안정·직능) 적용"),
    ),
    run=eligibility,
    params=("national_pension.min_age", "national_pension.max_age", "national_pension.min_monthly_hours", "health_insurance.min_monthly_hours",
            *EI_HOURS_TEST, EI_THRESHOLD, "employment_insurance.short_hours_exception_months", "employment_insurance.first_hire_age_limit"),
)

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
