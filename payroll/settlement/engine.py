"""근로소득 연말정산: a leaver's settlement (소득세법 §137) and the year-end one (§137의2), vectorised.

One function, :func:`settle_frame`, takes one row per worker (year-to-date figures plus the
numbers read off the worker's 소득·세액공제신고서, if any) and adds every step as a column, for
one worker or for every worker of the year-end run alike. :func:`settle` wraps it for one worker
and returns the figures with their trace.

The steps (§15 order):
  총급여 − 근로소득공제 (§47) = 근로소득금액
  − 인적공제 (기본 §50, 추가 §51; together at most 근로소득금액, §51④)
  − 연금보험료공제 (국민연금 withheld; §51의3, needs no claim; cut first when the deductions
    exceed the income, §51의3③)
  − 보험료 특별소득공제 (건강·장기요양·고용, §52①; only on the itemising path, §52⑧)
  = 과세표준 → 기본세율 (§55①) = 산출세액
  − 근로소득세액공제 (§59①, limited by §59②) − 자녀세액공제 (§59의2, claims only)
  − 보험료 세액공제 (§59의4①, itemising path) or 표준세액공제 13만원 (§59의4⑨1, the other path)
  = 결정세액 (never below 0: credits beyond 산출세액 lapse, §61)
  − 기납부세액 = 차감징수세액 (negative: a refund).

Two paths (decision D10). The 표준세액공제 is for a worker who claimed no §52 premium deduction
and no §59의4 special credit (§59의4⑨1), so the premiums and the 13만원 never combine:
  standard path — 13만원, no §52 premiums, no insurance credit;
  itemising path — §52① premiums and the §59의4① insurance credit, no 13만원.
Without a 신고서 the switch ``settlement.no_claim_path`` chooses: ``better_of`` (default: the
lower 결정세액, a tie goes to the 표준 path), ``standard``, ``premiums``, or ``literal_137_3``
(§137③ read literally: 근로소득공제, 본인 기본공제, 근로소득세액공제 and 13만원 only; the
근로소득세액공제 is kept because it needs no claim). With a 신고서 the claim's ``itemise`` field
chooses (auto = the better of the two).

Rounding, and why:
  * every deduction, 산출세액 and credit is truncated to the whole won (원 미만 절사): the statute
    computes in won and a fraction of a won is never collected or refunded;
  * 지방소득세 결정세액 = 소득세 결정세액 × 10% (지방세법 §103의13 rate, the same
    ``income_tax.local_income_tax_rate`` as the monthly withholding), truncated to the won;
  * 차감징수세액 = 결정세액 − 기납부세액, then the part below 10원 is dropped toward zero, for a
    collection and for a refund alike (국고금관리법 §47: "수입 또는 지출"), for 소득세 and, by the
    same rule (decision D7), 지방소득세;
  * 소득세법 §86 1호: an additional 소득세 under 1,000원 is not collected (and then neither is the
    지방소득세 that rides on it); refunds are paid whatever their size.

Not modelled (said here, as the design asks): 의료비·교육비·기부금 credits, 연금계좌, 월세,
주택자금 and 신용카드 deductions, and income from a previous employer (종전 근무지).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from payroll import law as law_module
from payroll.law import Law
from payroll.settlement.brackets import bracket_expr, limit_expr, limit_rows
from payroll.settlement.claims import Claims, YearToDate

PATHS = ("better_of", "standard", "premiums", "literal_137_3")

INPUT_SCHEMA: dict[str, pl.DataType] = {
    "worker_id": pl.Utf8,
    "year": pl.Int64,
    "total_pay": pl.Int64,
    "non_taxable": pl.Int64,
    "national_pension": pl.Int64,
    "health_insurance": pl.Int64,
    "long_term_care": pl.Int64,
    "employment_insurance": pl.Int64,
    "income_tax_paid": pl.Int64,
    "local_income_tax_paid": pl.Int64,
    # from the 신고서 (zeros / false without one)
    "claims_filed": pl.Boolean,
    "itemise": pl.Utf8,
    "dependants_basic": pl.Int64,  # 기본공제대상자 besides the worker
    "additional_fixed": pl.Int64,  # 경로우대 + 장애인 (§51①1·2), won
    "woman": pl.Boolean,
    "single_parent": pl.Boolean,
    "children": pl.Int64,  # 자녀세액공제 대상 자녀 수
    "birth_credit": pl.Int64,
    "insurance_base": pl.Int64,  # 보장성보험료, capped
    "disabled_insurance_base": pl.Int64,
}


def law_date(year: int) -> dt.date:
    """A settlement of year Y applies the annual figures in force on 31 December of Y."""
    return dt.date(year, 12, 31)


def _age(year: int, birth: dt.date) -> int:
    """The age reached during the tax year; §53⑤: a day of the year at that age is enough."""
    return year - birth.year


def claim_columns(claims: Claims | None, year: int, law: Law, birth_date: dt.date | None = None) -> dict[str, Any]:
    """The 신고서 reduced to numbers with the law of ``year`` (eligibility tests of §50, §51, §59의2)."""
    on = law.on(law_date(year))
    if claims is None:
        return {"claims_filed": False, "itemise": "", "dependants_basic": 0, "additional_fixed": 0, "woman": False,
                "single_parent": False, "children": 0, "birth_credit": 0, "insurance_base": 0, "disabled_insurance_base": 0}
    income_limit = on["year_end.dependant_income_limit"]
    wage_limit = on["year_end.dependant_wage_only_limit"]
    young, old, elderly = on["year_end.descendant_max_age"], on["year_end.ascendant_min_age"], on["year_end.elderly_age"]
    child_min = on["year_end.child_tax_credit_min_age"]
    # 부칙 <제21548호> 제2조③: a birth-year cohort with its own minimum age (2017년생: 13세 in 2026)
    cohort_min = {int(born): int(age) for born, age in on["year_end.child_tax_credit_cohort_min_age"]}
    basic = children = 0
    additional = on["year_end.disabled_deduction"] if claims.self_disabled else 0
    if birth_date is not None and _age(year, birth_date) >= elderly:
        additional += on["year_end.elderly_deduction"]
    for d in claims.dependants:
        age = _age(year, d.birth_date)
        earns_little = d.income <= (wage_limit if d.wage_only else income_limit)
        if not earns_little:
            continue
        if d.relationship == "spouse" or d.relationship == "recipient":
            ok = True
        elif d.relationship == "ascendant":
            ok = age >= old or d.disabled
        elif d.relationship in ("descendant", "foster"):
            ok = age <= young or d.disabled
        else:  # sibling
            ok = age <= young or age >= old or d.disabled
        if not ok:
            continue
        basic += 1
        if age >= elderly:
            additional += on["year_end.elderly_deduction"]
        if d.disabled:
            additional += on["year_end.disabled_deduction"]
        if d.relationship in ("descendant", "foster") and age >= cohort_min.get(d.birth_date.year, child_min):
            children += 1
    births = 0
    for order in claims.births:
        births += on["year_end.birth_credit_first"] if order == 1 else on["year_end.birth_credit_second"] if order == 2 else on["year_end.birth_credit_third"]
    cap = on["year_end.insurance_credit_base_limit"]
    return {
        "claims_filed": True,
        "itemise": claims.itemise,
        "dependants_basic": basic,
        "additional_fixed": additional,
        "woman": claims.woman,
        "single_parent": claims.single_parent,
        "children": children,
        "birth_credit": births,
        "insurance_base": min(claims.insurance_premiums, cap),
        "disabled_insurance_base": min(claims.disabled_insurance_premiums, cap),
    }


def input_row(ytd: YearToDate, claims: Claims | None, law: Law) -> dict[str, Any]:
    if claims is not None and (claims.worker_id != ytd.worker_id or claims.year != ytd.year):
        raise ValueError(f"claims of {claims.worker_id}/{claims.year} given for {ytd.worker_id}/{ytd.year}")
    return {
        "worker_id": ytd.worker_id,
        "year": ytd.year,
        "total_pay": ytd.total_pay,
        "non_taxable": ytd.non_taxable,
        "national_pension": ytd.national_pension,
        "health_insurance": ytd.health_insurance,
        "long_term_care": ytd.long_term_care,
        "employment_insurance": ytd.employment_insurance,
        "income_tax_paid": ytd.income_tax,
        "local_income_tax_paid": ytd.local_income_tax,
        **claim_columns(claims, ytd.year, law, ytd.birth_date),
    }


def input_frame(rows: list[YearToDate], claims: dict[tuple[str, int], Claims] | None = None, law: Law | None = None) -> pl.DataFrame:
    law = law or law_module.current()
    claims = claims or {}
    data = [input_row(y, claims.get((y.worker_id, y.year)), law) for y in rows]
    return pl.DataFrame(data, schema=INPUT_SCHEMA)


def _trunc10(x: pl.Expr, unit: int) -> pl.Expr:
    """Drop the part below ``unit`` won toward zero (a refund is truncated like a collection)."""
    return (pl.when(x >= 0).then(x // unit * unit).otherwise(-((-x) // unit * unit))).cast(pl.Int64)


def _settle_year(frame: pl.DataFrame, law: Law, no_claim_path: str) -> pl.DataFrame:
    year = int(frame.get_column("year")[0])
    on = law.on(law_date(year))
    c = pl.col
    local = on["income_tax.local_income_tax_rate"]
    small = on["income_tax.small_amount_limit"]
    unit = on["year_end.settlement_rounding_unit"]
    ins_rate, dis_rate = on["year_end.insurance_credit_rate"], on["year_end.disabled_insurance_credit_rate"]
    kids = c("children")
    f = frame.with_columns(
        (c("health_insurance") + c("long_term_care") + c("employment_insurance")).alias("premiums_paid"),
        pl.min_horizontal(bracket_expr(c("total_pay"), on["year_end.earned_income_deduction"]),
                          pl.lit(on["year_end.earned_income_deduction_cap"]), c("total_pay").clip(lower_bound=0)).alias("earned_income_deduction"),
    ).with_columns((c("total_pay") - c("earned_income_deduction")).alias("earned_income"))
    basic_all = on["year_end.basic_deduction"] * (1 + c("dependants_basic"))
    woman_ok = c("woman") & ~c("single_parent") & (c("earned_income") <= on["year_end.woman_income_limit"])
    additional = (c("additional_fixed") + pl.when(woman_ok).then(on["year_end.woman_deduction"]).otherwise(0)
                  + pl.when(c("single_parent")).then(on["year_end.single_parent_deduction"]).otherwise(0))
    f = f.with_columns(
        basic_all.cast(pl.Int64).alias("basic_deduction"),
        additional.cast(pl.Int64).alias("additional_deduction"),
        pl.min_horizontal(c("earned_income"), pl.lit(on["year_end.basic_deduction"])).alias("_self_only"),
    ).with_columns(
        pl.min_horizontal(c("basic_deduction") + c("additional_deduction"), c("earned_income")).alias("personal_deduction"),
    ).with_columns(
        pl.min_horizontal(c("national_pension"), c("earned_income") - c("personal_deduction")).clip(lower_bound=0).alias("pension_deduction"),
    )
    child_credit = (pl.when(kids <= 0).then(0).when(kids == 1).then(on["year_end.child_tax_credit_one"])
                    .otherwise(on["year_end.child_tax_credit_two"] + on["year_end.child_tax_credit_each_extra"] * (kids - 2)))
    f = f.with_columns(child_credit.cast(pl.Int64).alias("child_tax_credit"))
    credit_rows = on["year_end.earned_income_tax_credit"]
    limit = limit_rows(on["year_end.earned_income_tax_credit_limit"])
    rates = on["year_end.basic_rate"]

    steps = ("personal_deduction", "pension_deduction", "insurance_deduction", "tax_base", "computed_tax",
             "earned_income_tax_credit", "family_credits", "insurance_tax_credit", "standard_tax_credit", "determined_tax")

    def path(prefix: str, personal: pl.Expr, pension: pl.Expr, premiums: bool, standard: bool, family_credits: bool) -> list[list[pl.Expr]]:
        """The columns of one path, each named ``<prefix>_<step>``, in stages: each stage reads the
        columns of the stages before it. (As one nested expression, a progressive table repeats its
        input in every bracket, and polars took a tenth of a second to resolve the tree.)"""
        col = lambda step: c(f"{prefix}_{step}")  # noqa: E731
        after_personal = c(f"_{prefix}_after_personal")
        ins = ((c("insurance_base") * ins_rate.numerator // ins_rate.denominator)
               + (c("disabled_insurance_base") * dis_rate.numerator // dis_rate.denominator)) if premiums else pl.lit(0, dtype=pl.Int64)
        # §51의3③: when 인적공제 + 연금보험료공제 + 특별소득공제 exceed the income, the excess is
        # 연금보험료공제 not taken — so the §52 premiums come first and the pension takes what is left.
        return [
            [personal.cast(pl.Int64).alias(f"{prefix}_personal_deduction"),
             (c("earned_income") - personal).clip(lower_bound=0).cast(pl.Int64).alias(f"_{prefix}_after_personal")],
            [(pl.min_horizontal(c("premiums_paid"), after_personal) if premiums else pl.lit(0, dtype=pl.Int64)).cast(pl.Int64)
             .alias(f"{prefix}_insurance_deduction")],
            [pl.min_horizontal(pension, after_personal - col("insurance_deduction")).cast(pl.Int64).alias(f"{prefix}_pension_deduction")],
            [(after_personal - col("insurance_deduction") - col("pension_deduction")).clip(lower_bound=0).cast(pl.Int64).alias(f"{prefix}_tax_base")],
            [bracket_expr(col("tax_base"), rates).cast(pl.Int64).alias(f"{prefix}_computed_tax"),
             ((c("child_tax_credit") + c("birth_credit")) if family_credits else pl.lit(0, dtype=pl.Int64)).cast(pl.Int64).alias(f"{prefix}_family_credits"),
             ins.cast(pl.Int64).alias(f"{prefix}_insurance_tax_credit"),
             pl.lit(on["year_end.standard_tax_credit"] if standard else 0, dtype=pl.Int64).alias(f"{prefix}_standard_tax_credit")],
            [pl.min_horizontal(bracket_expr(col("computed_tax"), credit_rows), limit_expr(c("total_pay"), limit)).cast(pl.Int64)
             .alias(f"{prefix}_earned_income_tax_credit")],
            [(col("computed_tax") - col("earned_income_tax_credit") - col("family_credits") - col("insurance_tax_credit") - col("standard_tax_credit"))
             .clip(lower_bound=0).cast(pl.Int64).alias(f"{prefix}_determined_tax")],
        ]

    filed = c("claims_filed")
    paths = {
        "std": path("std", c("personal_deduction"), c("pension_deduction"), premiums=False, standard=True, family_credits=True),
        "itm": path("itm", c("personal_deduction"), c("pension_deduction"), premiums=True, standard=False, family_credits=True),
        "lit": path("lit", c("_self_only"), pl.lit(0, dtype=pl.Int64), premiums=False, standard=True, family_credits=False),
    }
    before = f.columns
    for stage in zip(*paths.values()):
        f = f.with_columns(*(e for exprs in stage for e in exprs))
    f = f.select(*before, *(f"{prefix}_{step}" for prefix in paths for step in steps))
    # Without a 신고서 the dependants, children and insurance columns are zero, so the std/itm paths
    # are exactly D10's 표준 and premiums paths.
    choice_no_claim = {
        "better_of": pl.when(c("itm_determined_tax") < c("std_determined_tax")).then(pl.lit("premiums")).otherwise(pl.lit("standard")),
        "standard": pl.lit("standard"),
        "premiums": pl.lit("premiums"),
        "literal_137_3": pl.lit("literal_137_3"),
    }[no_claim_path]
    choice_claim = (pl.when(c("itemise") == "itemised").then(pl.lit("premiums"))
                    .when(c("itemise") == "standard").then(pl.lit("standard"))
                    .when(c("itm_determined_tax") < c("std_determined_tax")).then(pl.lit("premiums"))
                    .otherwise(pl.lit("standard")))
    f = f.with_columns(pl.when(filed).then(choice_claim).otherwise(choice_no_claim).alias("path"))
    prefix_of = {"standard": "std", "premiums": "itm", "literal_137_3": "lit"}
    chosen = []
    for step in steps:
        expr = pl.lit(None, dtype=pl.Int64)
        for name, prefix in prefix_of.items():
            expr = pl.when(c("path") == name).then(c(f"{prefix}_{step}")).otherwise(expr)
        chosen.append(expr.alias(f"applied_{step}"))
    f = f.with_columns(chosen)
    f = f.with_columns(
        (c("applied_determined_tax") * local.numerator // local.denominator).cast(pl.Int64).alias("determined_local_tax"),
    )
    raw_income = c("applied_determined_tax") - c("income_tax_paid")
    income_due = _trunc10(raw_income, unit)
    exempt = (income_due > 0) & (income_due < small)
    f = f.with_columns(
        pl.when(exempt).then(0).otherwise(income_due).cast(pl.Int64).alias("settlement_income_tax"),
        exempt.alias("small_amount_exempt"),
    )
    local_due = _trunc10(c("determined_local_tax") - c("local_income_tax_paid"), unit)
    f = f.with_columns(
        pl.when(c("small_amount_exempt") & (local_due > 0)).then(0).otherwise(local_due).cast(pl.Int64).alias("settlement_local_income_tax"),
    )
    return f.drop("_self_only")


def settle_frame(frame: pl.DataFrame, law: Law | None = None, no_claim_path: str | None = None) -> pl.DataFrame:
    """Every worker's settlement in one pass per tax year (see the module docstring)."""
    law = law or law_module.current()
    no_claim_path = no_claim_path or law.switch("settlement.no_claim_path")
    if no_claim_path not in PATHS:
        raise ValueError(f"unknown settlement path {no_claim_path!r}; choices: {', '.join(PATHS)}")
    frame = frame.select([pl.col(k).cast(t) if k in frame.columns else pl.lit(None, dtype=t).alias(k) for k, t in INPUT_SCHEMA.items()])
    frame = frame.with_columns(
        *[pl.col(k).fill_null(0) for k, t in INPUT_SCHEMA.items() if t == pl.Int64],
        *[pl.col(k).fill_null(False) for k, t in INPUT_SCHEMA.items() if t == pl.Boolean],
        pl.col("itemise").fill_null(""),
    ).with_row_index("_order")
    parts = [_settle_year(part, law, no_claim_path) for _, part in frame.group_by("year", maintain_order=True)]
    if not parts:
        return frame
    return pl.concat(parts).sort("_order").drop("_order")


# --- one worker, with its trace ------------------------------------------------------------

#: (column, label, parameters whose citation is the reference, article when no parameter)
TRACE_STEPS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("total_pay", "총급여 (1월 1일부터, 비과세 제외)", (), "소득세법 §20②, §137①1"),
    ("non_taxable", "비과세 소득", (), "소득세법 §12 3호"),
    ("earned_income_deduction", "근로소득공제", ("year_end.earned_income_deduction", "year_end.earned_income_deduction_cap"), ""),
    ("earned_income", "근로소득금액", (), "소득세법 §20② (총급여 − 근로소득공제)"),
    ("basic_deduction", "기본공제 (본인 + 신고한 부양가족)", ("year_end.basic_deduction",), ""),
    ("additional_deduction", "추가공제 (경로우대·장애인·부녀자·한부모)", ("year_end.elderly_deduction", "year_end.disabled_deduction"), "소득세법 §51"),
    ("personal_deduction", "인적공제 (근로소득금액 한도)", (), "소득세법 §51④"),
    ("pension_deduction", "연금보험료공제 (국민연금 기여금)", (), "소득세법 §51의3 (신청 불요; ③ 초과분 불공제)"),
    ("premiums_paid", "건강·장기요양·고용보험료 (근로자 부담분)", (), "소득세법 §52①"),
    ("std_tax_base", "[표준 경로] 과세표준", (), "소득세법 §14② (보험료공제 없음, §59의4⑨1)"),
    ("std_computed_tax", "[표준 경로] 산출세액", ("year_end.basic_rate",), ""),
    ("std_earned_income_tax_credit", "[표준 경로] 근로소득세액공제 (한도 적용)", ("year_end.earned_income_tax_credit", "year_end.earned_income_tax_credit_limit"), ""),
    ("std_standard_tax_credit", "[표준 경로] 표준세액공제", ("year_end.standard_tax_credit",), ""),
    ("std_determined_tax", "[표준 경로] 결정세액", (), "소득세법 §15 2호, §61"),
    ("itm_insurance_deduction", "[보험료 경로] 보험료 특별소득공제", (), "소득세법 §52①·⑧"),
    ("itm_tax_base", "[보험료 경로] 과세표준", (), "소득세법 §14②"),
    ("itm_computed_tax", "[보험료 경로] 산출세액", ("year_end.basic_rate",), ""),
    ("itm_earned_income_tax_credit", "[보험료 경로] 근로소득세액공제 (한도 적용)", ("year_end.earned_income_tax_credit", "year_end.earned_income_tax_credit_limit"), ""),
    ("itm_insurance_tax_credit", "[보험료 경로] 보험료 세액공제 (보장성)", ("year_end.insurance_credit_rate", "year_end.insurance_credit_base_limit"), ""),
    ("itm_determined_tax", "[보험료 경로] 결정세액", (), "소득세법 §15 2호, §61"),
    ("lit_determined_tax", "[§137③ 문언 경로] 결정세액 (본인공제·표준세액공제만)", (), "소득세법 §137③"),
    ("child_tax_credit", "자녀세액공제", ("year_end.child_tax_credit_one", "year_end.child_tax_credit_min_age"), ""),
    ("birth_credit", "출산·입양 세액공제", ("year_end.birth_credit_first",), ""),
    ("applied_tax_base", "과세표준 (적용)", (), "소득세법 §14②"),
    ("applied_computed_tax", "산출세액 (적용)", ("year_end.basic_rate",), ""),
    ("applied_earned_income_tax_credit", "근로소득세액공제 (적용)", ("year_end.earned_income_tax_credit_limit",), ""),
    ("applied_standard_tax_credit", "표준세액공제 (적용)", ("year_end.standard_tax_credit",), ""),
    ("applied_determined_tax", "결정세액 소득세", (), "소득세법 §15 2호; decision D10"),
    ("determined_local_tax", "결정세액 지방소득세 (소득세의 10%)", ("income_tax.local_income_tax_rate",), ""),
    ("income_tax_paid", "기납부세액 소득세", (), "소득세법 §137①3"),
    ("local_income_tax_paid", "기납부세액 지방소득세", (), "지방세법 §103의13"),
    ("settlement_income_tax", "차감징수세액 소득세 (음수는 환급)", ("year_end.settlement_rounding_unit", "income_tax.small_amount_limit"), ""),
    ("settlement_local_income_tax", "차감징수세액 지방소득세 (음수는 환급)", ("year_end.settlement_rounding_unit",), ""),
)


def trace_of(row: dict[str, Any], law: Law) -> list[dict[str, Any]]:
    """Every figure of one settled row as {step, value, reference, note}."""
    on = law.on(law_date(int(row["year"])))
    out = []
    for column, label, params, article in TRACE_STEPS:
        refs = [str(on.citation(p)) for p in params]
        reference = "; ".join(([article] if article else []) + refs)
        note = label
        if column == "applied_determined_tax":
            chosen = {"standard": "표준세액공제", "premiums": "보험료 공제"}.get(row["path"], row["path"])
            filed = "신고서 제출" if row["claims_filed"] else f"신고서 없음, 설정 settlement.no_claim_path={law.switch('settlement.no_claim_path')}"
            note = f"{label}: {chosen} 경로 적용 ({filed}; 표준 {row['std_determined_tax']:,} / 보험료 {row['itm_determined_tax']:,}, 같으면 표준)"
        if column == "settlement_income_tax" and row["small_amount_exempt"]:
            note += " — 1,000원 미만 소액부징수 (§86 1호)"
        out.append({"step": f"settlement.{column}", "value": int(row[column]), "reference": reference, "note": note})
    return out


@dataclass(frozen=True)
class Settlement:
    worker_id: str
    year: int
    path: str
    row: dict[str, Any]
    trace: list[dict[str, Any]]

    @property
    def determined_tax(self) -> int:
        return int(self.row["applied_determined_tax"])

    @property
    def determined_local_tax(self) -> int:
        return int(self.row["determined_local_tax"])

    @property
    def income_tax(self) -> int:
        """차감징수세액 소득세 (negative: refund) — the ``settlement_income_tax`` carried column."""
        return int(self.row["settlement_income_tax"])

    @property
    def local_income_tax(self) -> int:
        return int(self.row["settlement_local_income_tax"])

    def as_dict(self) -> dict[str, Any]:
        return {"worker_id": self.worker_id, "year": self.year, "path": self.path,
                "figures": {k: (v if not isinstance(v, bool) else bool(v)) for k, v in self.row.items()},
                "trace": self.trace}


def settle(ytd: YearToDate, claims: Claims | None = None, law: Law | None = None, no_claim_path: str | None = None) -> Settlement:
    """One worker's settlement with its trace."""
    law = law or law_module.current()
    frame = pl.DataFrame([input_row(ytd, claims, law)], schema=INPUT_SCHEMA)
    row = settle_frame(frame, law, no_claim_path).row(0, named=True)
    return Settlement(ytd.worker_id, ytd.year, row["path"], row, trace_of(row, law))


def leaver_carried_columns(ytd: YearToDate, claims: Claims | None = None, law: Law | None = None) -> dict[str, int]:
    """The two signed numbers the last payslip carries (engine ``CARRIED_DEDUCTIONS``)."""
    s = settle(ytd, claims, law)
    return {"settlement_income_tax": s.income_tax, "settlement_local_income_tax": s.local_income_tax}
