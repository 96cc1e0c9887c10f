"""Who the four social insurances cover this month: 국민연금, 건강보험, 고용보험 (실업급여, 고용안정·직능).

Looked up on the first day of the month the premium covers (``coverage_date``). Each test the law
makes (too young, too old, too few hours, hired mid-month, …) is computed once as a column of the
frame; the applies-flags and the notes that explain an exclusion are read off those columns, so a
month of a million rows evaluates each date and comparison once.
"""

from __future__ import annotations

import polars as pl

from payroll.engine.params import param_columns, with_params
from payroll.engine.step import Context, Output, Step

HOUR = 60  # minutes


def age_at(birth: pl.Expr, day: pl.Expr) -> pl.Expr:
    """만 나이 on ``day`` (민법 §158: the birthday counts)."""
    before_birthday = (day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)) < (
        birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    )
    return day.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)


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
    "np_casual_days": "national_pension.casual_min_days",
    "np_casual_hours": "national_pension.casual_min_hours",
    "np_casual_income": "national_pension.casual_min_income",
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


def _months(day: pl.Expr) -> pl.Expr:
    """year · 12 + month: whole months compare as integers."""
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32)


def _tests() -> dict[str, pl.Expr]:
    """Each test of the law as a boolean column (``_t_<name>``), in the order they build on each other."""
    c = pl.col
    month_start = c("coverage_date")
    minutes, week_minutes = c("monthly_minutes"), c("weekly_minutes")
    # hire_date + k months ≤ the first day of next month (offset_by clamps to month end, so only a
    # hire on the 1st lands exactly on that day): compare year·12 + month, then the day.
    hire_ym = _months(c("hire_date")) + c("ei_exception_months").cast(pl.Int32)

    def long_enough(day: pl.Expr) -> pl.Expr:
        next_ym = _months(day) + 1
        return (hire_ym < next_ym) | ((hire_ym == next_ym) & (c("hire_date").dt.day() == 1))

    # employment lasting one month (민법 §160) by the month's last day, or by the contract's end inside it
    seen_to = pl.coalesce(c("leave_date"), month_start.dt.month_end())
    lasted = seen_to >= c("hire_date").dt.offset_by("1mo") - pl.duration(days=1)
    return {
        # 일용근로자 and a contract ending under one month from the hire (국민연금법 시행령 §2 1호,
        # 국민건강보험법 §6②1): not yet one month of continuous work
        "lasted_month": lasted,
        "short_term": c("leave_date").is_not_null() & ~lasted,
        "casual_threshold": (c("work_days").fill_null(0) >= c("np_casual_days")) | (c("worked_minutes").fill_null(0) >= c("np_casual_hours") * HOUR)
                            | (c("taxable_pay") >= c("np_casual_income")),
        # 국민연금법 §17① and 국민건강보험법 §69②: charged from the month after the month of acquisition,
        # unless acquired on the 1st. Not modelled: §17① 3호 (a worker who asks to pay for the hiring month)
        # and §17① 1호's same-month-loss exception; both need a declaration the inputs do not carry.
        "hired_mid_month": c("hire_date") > month_start,
        "daily": c("income_type") == "daily",
        "np_short": minutes < c("np_min_hours") * HOUR,
        "np_young": age_at(c("birth_date"), month_start) < c("np_min_age"),
        "np_old": age_at(c("birth_date"), month_start.dt.offset_by("-1d")) >= c("np_max_age"),
        "hi_short": minutes < c("hi_min_hours") * HOUR,
        # 고용보험: until 2026-12-31 (and under switch employment_insurance.coverage = hours_test) a
        # worker under 월 60 h / 주 15 h is excluded unless in a 3rd month of work or a 일용근로자
        # (시행령 §3). From 2027-01-01 the hours test is gone (§10①2, 법률 제21473호): a worker whose
        # 보수 is under the 시행령's 소득기준 is excluded instead, but the amount is not fixed (D15:
        # covered until it is entered), and anyone insured before 2027-01-01 stays covered (부칙 제2조).
        "hours_test": c("ei_min_month_hours").is_not_null(),
        "old_short": (minutes < c("ei_old_month_hours") * HOUR) | (week_minutes < c("ei_old_week_hours") * HOUR),
        "ei_long_enough": long_enough(month_start),
        "long_enough_before_end": long_enough(c("ei_hours_test_end").dt.truncate("1mo")),
        "hired_at_65": age_at(c("birth_date"), c("hire_date")) >= c("ei_hire_age_limit"),
    }


def _derived() -> list[dict[str, pl.Expr]]:
    """Tests made of other tests, in stages (each stage reads only the columns of the stages before)."""
    t = _t
    return [
        {
            # 시행령 §2 1호: 일용 or hired for under a month, unless one month of continuous work with 8 days,
            # 60 hours or the 고시 income in the month (단서)
            "np_casual_out": (t("daily") | t("short_term")) & ~(t("lasted_month") & t("casual_threshold")),
            # 국민건강보험법 §6②1: a 일용근로자 employed for under one month
            "hi_casual_out": t("daily") & ~t("lasted_month"),
            "ei_short": t("hours_test") & ((pl.col("monthly_minutes") < pl.col("ei_min_month_hours") * HOUR)
                                           | (pl.col("weekly_minutes") < pl.col("ei_min_week_hours") * HOUR)),
            "insured_before": (pl.col("hire_date") <= pl.col("ei_hours_test_end")) & (~t("old_short") | t("long_enough_before_end") | t("daily")),
            # the month's 보수 as the contract gives it (D11's 보수월액), not a first or last month's part of it:
            # a full-time worker hired on the 25th is not under a monthly 소득기준 (shared/reference 2027 §4)
            "below_threshold": ~t("hours_test") & pl.col("ei_income_threshold").is_not_null()
                               & (pl.coalesce(pl.col("insurance_base"), pl.col("taxable_pay")) < pl.col("ei_income_threshold")),
        },
        {"ei_excluded_by_pay": t("below_threshold") & ~t("ei_long_enough") & ~t("daily") & ~t("insured_before")},
        {"ei_covered": pl.when(t("hours_test")).then(~t("ei_short") | t("ei_long_enough") | t("daily")).otherwise(~t("ei_excluded_by_pay"))},
    ]


def _t(name: str) -> pl.Expr:
    return pl.col(f"_t_{name}")


#: a worker who acquires 국민연금·건강보험 after the 1st owes no premium that month but is insured (the 취득신고 is due)
NP_MID_MONTH_NOTE = "월 중 자격취득: 취득일이 속하는 달의 다음 달부터 (국민연금법 §17①, §88②)"
HI_MID_MONTH_NOTE = "월 중 자격취득: 취득일이 속하는 달의 다음 달부터 징수 (국민건강보험법 §69②)"


#: what a month's run adds to the engine's columns and a lone computation (``payroll calc``) may lack
RUN_COLUMNS = {"leave_date": pl.Date, "worked_minutes": pl.Int64}


NP_CASUAL_NOTE = "일용근로자 또는 1개월 미만 기한의 근로자, 1개월 계속 근로 전: 적용 제외 (국민연금법 시행령 §2 1호)"
NP_CASUAL_MONTH_NOTE = ("일용·단기 근로자: 1개월 이상 계속 근로이나 이달 근로일수 8일·근로시간 60시간·소득 220만원에 못 미침: 적용 제외 "
                        "(국민연금법 시행령 §2 1호 단서)")


def eligibility(frame: pl.DataFrame, items: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    t = _t
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in RUN_COLUMNS.items() if name not in frame.columns]
    f = with_params(frame.with_columns(missing) if missing else frame, ctx.law, "coverage_date", ELIGIBILITY_PARAMS).lazy()
    stages = [_tests(), *_derived()]
    for stage in stages:
        f = f.with_columns(e.alias(f"_t_{name}") for name, e in stage.items())
    f = f.with_columns(
        # a worker under 18 is deemed a 사업장가입자 (§8② 본문); the opt-out of its 단서 has no input yet (README)
        (~t("np_short") & ~t("np_old") & ~t("hired_mid_month") & ~t("np_casual_out")).alias("np_applies"),
        pl.when(t("np_old")).then(pl.lit("60세 이상: 사업장가입자 아님 (국민연금법 §8①, §12①4)"))
        .when(t("np_casual_out") & ~t("lasted_month")).then(pl.lit(NP_CASUAL_NOTE))
        .when(t("np_casual_out")).then(pl.lit(NP_CASUAL_MONTH_NOTE))
        .when(t("np_short")).then(pl.lit("1개월 소정근로시간 60시간 미만: 적용 제외 (국민연금법 시행령 §2 4호)"))
        .when(t("hired_mid_month")).then(pl.lit(NP_MID_MONTH_NOTE))
        .when(t("np_young")).then(pl.lit("18세 미만: 사업장가입자로 봄 (국민연금법 §8② 본문; 본인이 원하지 않으면 가입 제외 — 단서: 그 신청은 아직 입력할 수 없음)"))
        .otherwise(None).alias("np_note"),
        (~t("hi_short") & ~t("hired_mid_month") & ~t("hi_casual_out")).alias("hi_applies"),
        pl.when(t("hi_casual_out")).then(pl.lit("고용 기간 1개월 미만 일용근로자: 직장가입자 제외 (국민건강보험법 §6②1)"))
        .when(t("hi_short")).then(pl.lit("1개월 소정근로시간 60시간 미만: 직장가입자 제외 (국민건강보험법 시행령 §9 1호)"))
        .when(t("hired_mid_month")).then(pl.lit(HI_MID_MONTH_NOTE))
        .otherwise(None).alias("hi_note"),
        (t("ei_covered") & ~t("hired_at_65")).alias("ei_unemployment_applies"),
        t("ei_covered").alias("ei_stability_applies"),
        pl.when(t("ei_excluded_by_pay")).then(pl.lit("보수가 소득기준 미만, 3개월 미만·일용 아님: 적용 제외 (고용보험법 §10①2, 법률 제21473호)"))
        .when(~t("ei_covered")).then(pl.lit("월 60시간 또는 주 15시간 미만, 3개월 미만·일용 아님: 적용 제외 (고용보험법 시행령 §3)"))
        .when(t("hired_at_65")).then(pl.lit("65세 이후 고용: 실업급여 보험료 없음, 고용안정·직업능력개발 보험료만 사용자 부담 (고용보험법 §10②)"))
        .when(t("ei_short") & t("daily")).then(pl.lit("단시간이지만 일용근로자: 적용 (고용보험법 시행령 §3②)"))
        .when(t("ei_short")).then(pl.lit("단시간이지만 3개월 이상 계속 근로: 적용 (고용보험법 시행령 §3②)"))
        .when(t("below_threshold") & t("insured_before")).then(pl.lit("보수가 소득기준 미만이나 2027-01-01 전 피보험자: 이직 전까지 적용 (법률 제21473호 부칙 제2조)"))
        .when(~t("hours_test") & t("old_short") & pl.col("ei_income_threshold").is_null() & ~t("ei_long_enough") & ~t("daily") & ~t("insured_before"))
        .then(pl.lit("2027-01-01부터 소정근로시간 기준 폐지, 소득기준 미정: 적용 (고용보험법 §10①2, 법률 제21473호; decision D15)"))
        .otherwise(None).alias("ei_note"),
    )
    tests = [f"_t_{name}" for stage in stages for name in stage]
    out = f.drop(tests).collect()
    return out.drop(*param_columns(ELIGIBILITY_PARAMS, out), *(c.meta.output_name() for c in missing))


ELIGIBILITY = Step(
    name="eligibility",
    article="국민연금법 §8·§12·§17①·§88②·시행령 §2, 국민건강보험법 §6②·§69②·시행령 §9, 고용보험법 §10·시행령 §3 (2027-01-01부터 §10①2 소득기준, 법률 제21473호, decision D15)",
    writes=(
        Output("np_applies", "국민연금 적용", "np_note"),
        Output("hi_applies", "건강보험 적용", "hi_note"),
        Output("ei_unemployment_applies", "고용보험(실업급여) 적용", "ei_note"),
        Output("ei_stability_applies", "고용보험(고용안정·직능) 적용"),
    ),
    run=eligibility,
    params=("national_pension.min_age", "national_pension.max_age", "national_pension.min_monthly_hours",
            "national_pension.casual_min_days", "national_pension.casual_min_hours", "national_pension.casual_min_income", "health_insurance.min_monthly_hours",
            *EI_HOURS_TEST, EI_THRESHOLD, "employment_insurance.short_hours_exception_months", "employment_insurance.first_hire_age_limit"),
)
