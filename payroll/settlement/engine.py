"""근로소득 연말정산: a leaver's settlement (소득세법 §137) and the year-end one (§137의2), vectorised.

:func:`settle_frame` takes one row per worker — year-to-date figures plus the 신고서 reduced to
numbers (payroll.settlement.reduce) — and adds every step as a column, for one worker or for all
the workers of the year-end alike. :func:`settle` wraps it for one worker with its trace.

The steps (§15 order), each in its module:
  총급여 − 근로소득공제 (§47) = 근로소득금액
  − 인적공제 (§50, §51; at most the 근로소득금액, §51④)
  − 특별소득공제 (§52① 보험료, §52④⑤⑥ 주택자금) − 조특법 소득공제 (§87② 청약, §126의2 신용카드 등)
  + 종합한도 초과액 (조특법 §132의2) − 연금보험료공제 (§51의3; cut first, §51의3③)
  = 과세표준 → 기본세율 (§55①) = 산출세액
  − 세액공제 (근로소득 §59, 자녀·출산 §59의2, 혼인 조특법 §92, 특별세액공제 §59의4①–④, 정치자금 조특법 §76,
    월세 조특법 §95의2, 표준 §59의4⑨, 연금계좌 §59의3; within §61) = 결정세액
  − 기납부세액 = 차감징수세액 (negative: a refund).
Amounts common to the paths: payroll.settlement.stages; a path: payroll.settlement.paths.

Paths (decision D10, §59의4⑨1): see payroll.settlement.paths. Without a 신고서 the switch
``settlement.no_claim_path`` chooses: ``better_of`` (default: the lower 결정세액, a tie goes to the
표준 path), ``standard``, ``premiums`` (the itemising path), or ``literal_137_3``. With a 신고서 the
claim's ``itemise`` chooses (auto = the lower of the two).

Rounding: every amount is truncated to the won once (원 미만 절사); 지방소득세 결정세액 = 소득세
결정세액 × 10% (지방세법 §103의13), truncated; 차감징수세액 drops the part below 10원 toward zero, for a
collection and a refund alike (국고금관리법 §47), 지방소득세 too (D7); an additional 소득세 under
1,000원 is not collected (§86 1호), nor the 지방소득세 riding on it; refunds are paid whatever their size.

Not modelled (said here, as the design asks): income from a previous employer (종전 근무지),
세액감면, 외국납부, 고향사랑·우리사주 기부금 (refused with a message), 기부금 이월공제, the
시행령's finer eligibility tests (the 신고서 states them; payroll.settlement.reduce lists the readings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from payroll import law as law_module
from payroll.law import Law
from payroll.settlement.brackets import bracket_expr
from payroll.settlement.claims import Claims, YearToDate
from payroll.settlement.paths import PATH_CREDITS, STEPS, path_stages
from payroll.settlement.reduce import INT_COLUMNS, REDUCED_SCHEMA, Issue, reduce_claims
from payroll.settlement.stages import card_columns, credit_columns, housing_columns, times

PATHS = ("better_of", "standard", "premiums", "literal_137_3")
PREFIX_OF = {"standard": "std", "premiums": "itm", "literal_137_3": "lit"}

YTD_SCHEMA: dict[str, pl.DataType] = {
    "worker_id": pl.Utf8, "year": pl.Int64, "total_pay": pl.Int64, "non_taxable": pl.Int64, "national_pension": pl.Int64,
    "health_insurance": pl.Int64, "long_term_care": pl.Int64, "employment_insurance": pl.Int64,
    "income_tax_paid": pl.Int64, "local_income_tax_paid": pl.Int64,
}
INPUT_SCHEMA: dict[str, pl.DataType] = {**YTD_SCHEMA, **{k: t for k, t in REDUCED_SCHEMA.items() if k != "worker_id"}}


def law_date(year: int) -> dt.date:
    """A settlement of year Y applies the annual figures in force on 31 December of Y."""
    return dt.date(year, 12, 31)


def ytd_row(ytd: YearToDate) -> dict[str, Any]:
    return {"worker_id": ytd.worker_id, "year": ytd.year, "total_pay": ytd.total_pay, "non_taxable": ytd.non_taxable,
            "national_pension": ytd.national_pension, "health_insurance": ytd.health_insurance, "long_term_care": ytd.long_term_care,
            "employment_insurance": ytd.employment_insurance, "income_tax_paid": ytd.income_tax, "local_income_tax_paid": ytd.local_income_tax}


def build_inputs(rows: list[YearToDate], claims: dict[tuple[str, int], Claims] | None = None, law: Law | None = None) -> tuple[pl.DataFrame, list[Issue]]:
    """(the settlement's input frame, the claim rows left out or capped) for ``rows``."""
    law = law or law_module.current()
    claims = claims or {}
    for y in rows:
        cl = claims.get((y.worker_id, y.year))
        if cl is not None and (cl.worker_id != y.worker_id or cl.year != y.year):
            raise ValueError(f"claims of {cl.worker_id}/{cl.year} given for {y.worker_id}/{y.year}")
    ytd = pl.DataFrame([ytd_row(y) for y in rows], schema=YTD_SCHEMA)
    issues: list[Issue] = []
    parts = []
    for year in sorted({y.year for y in rows}):
        chosen = [claims[(y.worker_id, year)] for y in rows if y.year == year and (y.worker_id, year) in claims]
        births = {y.worker_id: y.birth_date for y in rows if y.year == year}
        reduced, found = reduce_claims(chosen, year, law, births)
        issues += found
        parts.append(reduced.with_columns(pl.lit(year, dtype=pl.Int64).alias("year")))
    reduced = pl.concat(parts) if parts else pl.DataFrame(schema={**REDUCED_SCHEMA, "year": pl.Int64})
    frame = ytd.join(reduced, on=["worker_id", "year"], how="left", maintain_order="left")
    return frame.with_columns(*(pl.col(k).fill_null(0) for k in INT_COLUMNS), pl.col("claims_filed").fill_null(False), pl.col("itemise").fill_null(""),
                              pl.col("woman").fill_null(False), pl.col("single_parent").fill_null(False)).select(list(INPUT_SCHEMA)), issues


def input_row(ytd: YearToDate, claims: Claims | None, law: Law) -> dict[str, Any]:
    frame, _ = build_inputs([ytd], {(ytd.worker_id, ytd.year): claims} if claims is not None else None, law)
    return frame.row(0, named=True)


def input_frame(rows: list[YearToDate], claims: dict[tuple[str, int], Claims] | None = None, law: Law | None = None) -> pl.DataFrame:
    return build_inputs(rows, claims, law)[0]


def _trunc(x: pl.Expr, unit: int) -> pl.Expr:
    """Drop the part below ``unit`` won toward zero (a refund is truncated like a collection)."""
    return (pl.when(x >= 0).then(x // unit * unit).otherwise(-((-x) // unit * unit))).cast(pl.Int64)


def _common_stages(on, sections: set[str]) -> list[list[pl.Expr]]:
    """The columns shared by the paths, in stages; a section the year's rules lack is all zeros."""
    c = pl.col
    woman_ok = c("woman") & ~c("single_parent") & (c("earned_income") <= on["year_end.woman_income_limit"])
    kids = c("children")
    child = (pl.when(kids <= 0).then(0).when(kids == 1).then(on["year_end.child_tax_credit_one"])
             .otherwise(on["year_end.child_tax_credit_two"] + on["year_end.child_tax_credit_each_extra"] * (kids - 2)))
    stages = [
        [(c("health_insurance") + c("long_term_care") + c("employment_insurance")).alias("premiums_paid"),
         pl.min_horizontal(bracket_expr(c("total_pay"), on["year_end.earned_income_deduction"]),
                           pl.lit(on["year_end.earned_income_deduction_cap"]), c("total_pay").clip(lower_bound=0)).alias("earned_income_deduction")],
        [(c("total_pay") - c("earned_income_deduction")).alias("earned_income")],
        [(on["year_end.basic_deduction"] * (1 + c("dependants_basic"))).cast(pl.Int64).alias("basic_deduction"),
         (c("additional_fixed") + pl.when(woman_ok).then(on["year_end.woman_deduction"]).otherwise(0)
          + pl.when(c("single_parent")).then(on["year_end.single_parent_deduction"]).otherwise(0)).cast(pl.Int64).alias("additional_deduction"),
         pl.min_horizontal(c("earned_income"), pl.lit(on["year_end.basic_deduction"])).alias("_self_only"),
         child.cast(pl.Int64).alias("child_tax_credit"), child.cast(pl.Int64).alias("credit_child"),
         c("birth_credit").alias("credit_birth")],
        [pl.min_horizontal(c("basic_deduction") + c("additional_deduction"), c("earned_income")).alias("personal_deduction")],
    ]
    full = {"cards", "housing", "medical", "education", "donations", "rent", "pension_accounts", "marriage"} <= sections
    if full:
        stages += card_columns(on)
        stages.append(housing_columns(on))
        stages += credit_columns(on)
    else:  # a year whose rules cover only 인적공제·보험료 (2025): the other sections are refused upstream
        ins_rate, dis_rate = on["year_end.insurance_credit_rate"], on["year_end.disabled_insurance_credit_rate"]
        zero = pl.lit(0, dtype=pl.Int64)
        stages.append([zero.alias(k) for k in ("card_used", "card_minimum", "card_deduction_raw", "card_base_limit", "card_extra_allowed",
                                                "card_deduction", "housing_lease_amount", "subscription_amount", "pension_base", "medical_base",
                                                "rent_base", "credit_pension_account", "credit_medical", "credit_education", "credit_political",
                                                "credit_rent", "credit_marriage", "credit_donation", "donation_general_allowed",
                                                "donation_religious_allowed", "donation_special_allowed")]
                      + [pl.lit(False).alias("rent_eligible"),
                         (times(c("insurance_base"), ins_rate) + times(c("disabled_insurance_base"), dis_rate)).cast(pl.Int64).alias("credit_insurance")])
    return stages


def _settle_year(frame: pl.DataFrame, law: Law, no_claim_path: str) -> pl.DataFrame:
    year = int(frame.get_column("year")[0])
    on = law.on(law_date(year))
    c = pl.col
    sections = set(on["year_end_claims.claim_sections"])
    f = frame
    for stage in _common_stages(on, sections):
        f = f.with_columns(stage)
    paths = {p: path_stages(p, on) for p in ("std", "itm", "lit")}
    depth = max(len(v) for v in paths.values())
    for i in range(depth):
        f = f.with_columns([e for stages in paths.values() if i < len(stages) for e in stages[i]])
    f = f.drop([k for k in f.columns if k.startswith("_") and k != "_order"])
    choice_no_claim = {
        "better_of": pl.when(c("itm_determined_tax") < c("std_determined_tax")).then(pl.lit("premiums")).otherwise(pl.lit("standard")),
        "standard": pl.lit("standard"), "premiums": pl.lit("premiums"), "literal_137_3": pl.lit("literal_137_3"),
    }[no_claim_path]
    choice_claim = (pl.when(c("itemise") == "itemised").then(pl.lit("premiums")).when(c("itemise") == "standard").then(pl.lit("standard"))
                    .when(c("itm_determined_tax") < c("std_determined_tax")).then(pl.lit("premiums")).otherwise(pl.lit("standard")))
    f = f.with_columns(pl.when(c("claims_filed")).then(choice_claim).otherwise(choice_no_claim).alias("path"))
    chosen = []
    for step in STEPS:
        expr = pl.lit(None, dtype=pl.Int64)
        for name, prefix in PREFIX_OF.items():
            expr = pl.when(c("path") == name).then(c(f"{prefix}_{step}")).otherwise(expr)
        chosen.append(expr.alias(f"applied_{step}"))
    f = f.with_columns(chosen)
    f = f.with_columns((c("applied_cr_child") + c("applied_cr_birth")).alias("applied_family_credits"),
                       c("applied_cr_earned_income").alias("applied_earned_income_tax_credit"),
                       c("applied_cr_insurance").alias("applied_insurance_tax_credit"),
                       c("applied_cr_standard").alias("applied_standard_tax_credit"),
                       (c("applied_insurance_deduction") + c("applied_housing_deduction")).alias("applied_special_deduction"),
                       (c("applied_subscription_deduction") + c("applied_card_deduction")).alias("applied_other_deduction"))
    local, small, unit = on["income_tax.local_income_tax_rate"], on["income_tax.small_amount_limit"], on["year_end.settlement_rounding_unit"]
    f = f.with_columns(times(c("applied_determined_tax"), local).alias("determined_local_tax"))
    income_due = _trunc(c("applied_determined_tax") - c("income_tax_paid"), unit)
    exempt = (income_due > 0) & (income_due < small)
    f = f.with_columns(pl.when(exempt).then(0).otherwise(income_due).cast(pl.Int64).alias("settlement_income_tax"), exempt.alias("small_amount_exempt"))
    local_due = _trunc(c("determined_local_tax") - c("local_income_tax_paid"), unit)
    return f.with_columns(pl.when(c("small_amount_exempt") & (local_due > 0)).then(0).otherwise(local_due).cast(pl.Int64).alias("settlement_local_income_tax"))


def settle_frame(frame: pl.DataFrame, law: Law | None = None, no_claim_path: str | None = None, empty_year: int | None = None) -> pl.DataFrame:
    """Every worker's settlement in one pass per tax year (see the module docstring).

    With no row, the result has no row either; ``empty_year`` gives it that year's settled columns."""
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
        if empty_year is None:
            return frame
        probe = frame.clear(1).with_columns(pl.lit(empty_year, dtype=frame.schema["year"]).alias("year"))
        return _settle_year(probe, law, no_claim_path).clear().drop("_order")
    return pl.concat(parts, how="diagonal_relaxed").sort("_order").drop("_order")


@dataclass(frozen=True)
class Settlement:
    worker_id: str
    year: int
    path: str
    row: dict[str, Any]
    trace: list[dict[str, Any]]
    issues: tuple[Issue, ...] = ()

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
                "trace": self.trace, "issues": [{"code": i.code, "message": i.message} for i in self.issues]}


def settle(ytd: YearToDate, claims: Claims | None = None, law: Law | None = None, no_claim_path: str | None = None) -> Settlement:
    """One worker's settlement with its trace."""
    from payroll.settlement.trace import trace_of

    law = law or law_module.current()
    frame, issues = build_inputs([ytd], {(ytd.worker_id, ytd.year): claims} if claims is not None else None, law)
    row = settle_frame(frame, law, no_claim_path).row(0, named=True)
    return Settlement(ytd.worker_id, ytd.year, row["path"], row, trace_of(row, law), tuple(issues))


def leaver_carried_columns(ytd: YearToDate, claims: Claims | None = None, law: Law | None = None) -> dict[str, int]:
    """The two signed numbers the last payslip carries (engine ``CARRIED_DEDUCTIONS``)."""
    s = settle(ytd, claims, law)
    return {"settlement_income_tax": s.income_tax, "settlement_local_income_tax": s.local_income_tax}


def trace_of(row: dict[str, Any], law: Law) -> list[dict[str, Any]]:
    """Re-exported for the run (payroll.runs.extras): every figure of one settled row with its article."""
    from payroll.settlement.trace import trace_of as _trace_of

    return _trace_of(row, law)


__all__ = ["PATHS", "PATH_CREDITS", "Settlement", "build_inputs", "input_frame", "input_row", "leaver_carried_columns", "settle", "settle_frame", "trace_of"]
