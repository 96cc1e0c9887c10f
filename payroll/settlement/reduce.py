"""The 신고서 of every worker reduced to the numbers a settlement needs, in polars columns.

Each section of the claims becomes one long frame (one row per dependant, per receipt, per card
holder …); the eligibility tests of the statute are column expressions over those rows, and a
``group_by(worker_id)`` gives one row per worker. Nothing here depends on the pay of the year: the
tests that do (의료비 3% 문턱, 월세 총급여 요건, 한도 by 총급여) are made by the settlement.

Tests, with their articles:
- 기본공제대상자 (§50①): 소득금액 100만원 이하 (근로소득만 있으면 총급여 500만원 이하); 배우자; 직계존속
  60세 이상; 직계비속·입양자·위탁아동 20세 이하; 형제자매 20세 이하 또는 60세 이상; 수급자; 장애인은
  나이 제한 없음. Ages are the tax year minus the birth year (§53⑤: a day of the year at that age suffices).
- 추가공제 (§51①): 70세 이상 100만, 장애인 200만 (본인 포함), 부녀자 50만, 한부모 100만 (배우자가 없고
  기본공제대상자인 직계비속·입양자가 있는 경우).
- 자녀세액공제 (§59의2): 기본공제대상자인 자녀·손자녀 (입양자·위탁아동 포함) of the minimum age of the year;
  출산·입양 by birth order.
- 보험료 (§59의4①): 피보험자가 기본공제대상자 (본인 포함); 장애인전용은 장애인인 기본공제대상자.
- 의료비 (§59의4②): 기본공제대상자 (나이·소득 제한 없음 — every listed dependant); 본인, 과세기간
  개시일 현재 6세 이하 (born on or after 1 January of year − 6), 종료일 현재 65세 이상, 장애인, 중증질환자
  등은 한도 없는 의료비 (②2).
- 교육비 (§59의4③): 취학 전·초중고·대학은 기본공제대상자인 배우자·직계비속·형제자매·입양자·위탁아동
  (③1; 나이·소득 제한 없음), 1명당 300만원 / 900만원; 본인 (③2) 한도 없음; 장애인 특수교육비 (③3).
- 신용카드 등 (조특법 §126의2③): 본인, 배우자, 직계존비속 (배우자의 직계존속 포함) 중 시행령이 정하는
  자 — the 시행령 was not read; this engine takes those whose 소득금액 passes the §50 test (형제자매 no).
A row that fails a test is left out of the figures and reported as an exception, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from payroll.law import Law
from payroll.settlement.declaration import MORTGAGE_CATEGORIES, SECTION_LABELS, SELF, used_sections

#: one row per worker: the columns :func:`reduce_claims` gives (zeros for a worker without a 신고서)
REDUCED_SCHEMA: dict[str, pl.DataType] = {
    "worker_id": pl.Utf8, "claims_filed": pl.Boolean, "itemise": pl.Utf8,
    "dependants_basic": pl.Int64, "spouse_basic": pl.Int64, "elderly_count": pl.Int64, "disabled_count": pl.Int64,
    "additional_fixed": pl.Int64, "woman": pl.Boolean, "single_parent": pl.Boolean,
    "children": pl.Int64, "births_count": pl.Int64, "birth_credit": pl.Int64, "card_children": pl.Int64,
    "insurance_paid": pl.Int64, "disabled_insurance_paid": pl.Int64, "insurance_base": pl.Int64, "disabled_insurance_base": pl.Int64,
    "medical_general": pl.Int64, "medical_special": pl.Int64, "medical_premature": pl.Int64, "medical_infertility": pl.Int64,
    "education_base": pl.Int64, "donation_political": pl.Int64, "donation_special": pl.Int64, "donation_general": pl.Int64,
    "donation_religious": pl.Int64, "card_credit": pl.Int64, "card_debit": pl.Int64, "card_culture": pl.Int64,
    "card_market": pl.Int64, "card_transit": pl.Int64, "pension_savings": pl.Int64, "pension_retirement": pl.Int64,
    "rent_paid": pl.Int64, "housing_lease_lender": pl.Int64, "housing_lease_private": pl.Int64, "housing_mortgage": pl.Int64,
    "housing_mortgage_limit": pl.Int64, "housing_subscription": pl.Int64, "marriage": pl.Int64,
}
INT_COLUMNS = [k for k, t in REDUCED_SCHEMA.items() if t == pl.Int64]


@dataclass(frozen=True)
class Issue:
    """A claim row left out of the figures (or capped), with the reason, for the exceptions list."""

    worker_id: str
    code: str
    message: str


def empty_reduced() -> pl.DataFrame:
    return pl.DataFrame(schema=REDUCED_SCHEMA)


def _frame(rows: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


REFUSED_DONATIONS = {"hometown": "고향사랑기부금 (조특법 §58, 개정 2025.12.23)", "esop": "우리사주조합기부금 (조특법 §88의4⑬)"}


def refusal(c, year: int, law: Law) -> str | None:
    """Why this 신고서 cannot be settled by this program (a section the rules of ``year`` do not cover, a
    기부금 whose article was not read) — or None. Said, never guessed."""
    supported = set(law.on(dt.date(year, 12, 31))["year_end_claims.claim_sections"])
    missing = used_sections(c) - supported
    if missing:
        names = ", ".join(SECTION_LABELS[s] for s in sorted(missing))
        return (f"{c.worker_id}: {year}년 귀속 신고서의 {names} 항목은 이 프로그램의 {year}년 규칙에 없음 "
                f"(그 해 조문과 수치를 확인하지 않음: rules/statute/year_end_claims.toml claim_sections) — 수기로 정산하세요")
    for d in c.donations:
        if d.kind in REFUSED_DONATIONS:
            return (f"{c.worker_id}: 기부금 {REFUSED_DONATIONS[d.kind]}: 이 프로그램은 그 조문을 확인하지 않아 계산하지 않음 — "
                    f"해당 기부금을 빼고 제출하거나 수기로 정산하세요")
    return None


def refuse_unsupported(claims, year: int, law: Law) -> None:
    """A 신고서 this program cannot settle is refused with the reason (:func:`refusal`)."""
    from payroll.case import InputError

    for c in claims:
        reason = refusal(c, year, law)
        if reason:
            raise InputError(reason)


def reduce_claims(claims: list, year: int, law: Law, self_birth: dict[str, dt.date | None] | None = None) -> tuple[pl.DataFrame, list[Issue]]:
    """(one row per worker with a 신고서, the issues found) for ``claims`` of tax year ``year``."""
    if not claims:
        return empty_reduced(), []
    refuse_unsupported(claims, year, law)
    on = law.on(dt.date(year, 12, 31))
    self_birth = self_birth or {}
    issues: list[Issue] = []
    c = pl.col

    workers = pl.DataFrame({
        "worker_id": [x.worker_id for x in claims], "itemise": [x.itemise for x in claims],
        "woman": [x.woman for x in claims], "single_parent_claimed": [x.single_parent for x in claims],
        "self_disabled": [x.self_disabled for x in claims],
        "self_birth_year": [(self_birth.get(x.worker_id).year if self_birth.get(x.worker_id) else None) for x in claims],
        "marriage": [int(x.marriage_date is not None and x.marriage_date.year == year) for x in claims],
        "legacy_births": [list(x.births) for x in claims],
    }, schema={"worker_id": pl.Utf8, "itemise": pl.Utf8, "woman": pl.Boolean, "single_parent_claimed": pl.Boolean,
               "self_disabled": pl.Boolean, "self_birth_year": pl.Int64, "marriage": pl.Int64, "legacy_births": pl.List(pl.Int64)})

    # --- dependants -------------------------------------------------------------------------
    dep = _frame([{"worker_id": x.worker_id, "name": d.name, "relationship": d.relationship, "birth_date": d.birth_date,
                   "income": d.income, "wage_only": d.wage_only, "disabled": d.disabled, "basic": d.basic, "birth_order": d.birth_order,
                   "rrn_masked": d.rrn_masked}
                  for x in claims for d in x.dependants],
                 {"worker_id": pl.Utf8, "name": pl.Utf8, "relationship": pl.Utf8, "birth_date": pl.Date, "income": pl.Int64,
                  "wage_only": pl.Boolean, "disabled": pl.Boolean, "basic": pl.Boolean, "birth_order": pl.Int64, "rrn_masked": pl.Utf8})
    young, old, elderly = on["year_end.descendant_max_age"], on["year_end.ascendant_min_age"], on["year_end.elderly_age"]
    child_min = on["year_end.child_tax_credit_min_age"]
    cohort = {int(born): int(age) for born, age in on["year_end.child_tax_credit_cohort_min_age"]}
    age = pl.lit(year) - c("birth_date").dt.year()
    rel = c("relationship")
    earns_little = pl.when(c("wage_only")).then(c("income") <= on["year_end.dependant_wage_only_limit"]).otherwise(
        c("income") <= on["year_end.dependant_income_limit"])
    rel_ok = (pl.when(rel.is_in(["spouse", "recipient"])).then(True)
              .when(rel == "ascendant").then((age >= old) | c("disabled"))
              .when(rel.is_in(["descendant", "foster"])).then((age <= young) | c("disabled"))
              .otherwise((age <= young) | (age >= old) | c("disabled")))
    child_min_expr = c("birth_date").dt.year().replace_strict(list(cohort), list(cohort.values()), default=child_min, return_dtype=pl.Int64) if cohort else pl.lit(child_min)
    dep = dep.with_columns(age.alias("age"), (earns_little & rel_ok).alias("qualifies")).with_columns(
        (c("basic") & c("qualifies")).alias("eligible"),
        (c("basic") & ~c("qualifies")).alias("refused"),
    ).with_columns(
        (c("eligible") & rel.is_in(["descendant", "foster"]) & (c("age") >= child_min_expr)).alias("child"),
        (c("eligible") & rel.is_in(["descendant", "foster"])).alias("card_child"),
    )
    for r in dep.filter(c("refused")).select("worker_id", "name", "relationship", "age", "income").to_dicts():
        issues.append(Issue(r["worker_id"], "dependant_not_eligible",
                            f"부양가족 {r['name'] or r['relationship']} ({r['age']}세, 소득금액 {r['income']:,}원): 기본공제 요건 (§50①) 불충족 — 공제하지 않음"))
    first, second, third = on["year_end.birth_credit_first"], on["year_end.birth_credit_second"], on["year_end.birth_credit_third"]
    birth_amount = lambda o: pl.when(o == 1).then(first).when(o == 2).then(second).when(o >= 3).then(third).otherwise(0)  # noqa: E731
    dep_agg = dep.group_by("worker_id").agg(
        c("eligible").sum().cast(pl.Int64).alias("dependants_basic"),
        (c("eligible") & (rel == "spouse")).sum().cast(pl.Int64).alias("spouse_basic"),
        (c("eligible") & (c("age") >= elderly)).sum().cast(pl.Int64).alias("dep_elderly"),
        (c("eligible") & c("disabled")).sum().cast(pl.Int64).alias("dep_disabled"),
        c("child").sum().cast(pl.Int64).alias("children"),
        c("card_child").sum().cast(pl.Int64).alias("card_children"),
        (c("eligible") & (rel == "descendant")).any().alias("has_descendant"),  # §51①6: 직계비속 또는 입양자 — a 위탁아동 (§50①3마) is neither
        (rel == "spouse").any().alias("has_spouse"),
        pl.when(c("eligible") & rel.is_in(["descendant", "foster"]) & (c("birth_order") > 0)).then(birth_amount(c("birth_order"))).otherwise(0).sum().cast(pl.Int64).alias("dep_birth_credit"),
        (c("eligible") & rel.is_in(["descendant", "foster"]) & (c("birth_order") > 0)).sum().cast(pl.Int64).alias("dep_births"),
    )
    legacy = workers.select("worker_id", "legacy_births").explode("legacy_births").drop_nulls().group_by("worker_id").agg(
        birth_amount(c("legacy_births")).sum().cast(pl.Int64).alias("legacy_birth_credit"), pl.len().cast(pl.Int64).alias("legacy_births_n"))

    # people a receipt may name: 본인 and each dependant, with what the tests need
    people = pl.concat([
        workers.select("worker_id", pl.lit(SELF).alias("name"), pl.lit("self").alias("relationship"), pl.lit(True).alias("eligible"),
                       c("self_disabled").alias("disabled"), (pl.lit(year) - c("self_birth_year")).alias("age_end"),
                       pl.lit(False).alias("young"), pl.lit(True).alias("earns_little")),
        dep.select("worker_id", "name", "relationship", "eligible", "disabled", c("age").alias("age_end"),
                   (c("birth_date") >= dt.date(year - on["year_end_claims.medical_young_age"], 1, 1)).alias("young") if "medical" in set(on["year_end_claims.claim_sections"]) else pl.lit(False).alias("young"),
                   earns_little.alias("earns_little")),
    ], how="vertical_relaxed")
    supported = set(on["year_end_claims.claim_sections"])
    out = workers.join(dep_agg, on="worker_id", how="left").join(legacy, on="worker_id", how="left")
    out = _personal(out, on, issues)
    out = out.join(_insurance(claims, people, on, issues), on="worker_id", how="left")
    for name, fn in (("medical", _medical), ("education", _education), ("donations", _donations), ("cards", _cards),
                     ("pension_accounts", _pension), ("rent", _rent), ("housing", _housing)):
        if name in supported:
            out = out.join(fn(claims, people, on, issues), on="worker_id", how="left")
    out = out.with_columns(pl.lit(True).alias("claims_filed"))
    out = out.select([(c(k).fill_null(0) if t == pl.Int64 else c(k)).cast(t).alias(k) if k in out.columns
                      else pl.lit(0 if t == pl.Int64 else None, dtype=t).alias(k) for k, t in REDUCED_SCHEMA.items()])
    return out, issues


def _personal(out: pl.DataFrame, on, issues: list[Issue]) -> pl.DataFrame:
    c = pl.col
    out = out.with_columns([c(k).fill_null(0) for k in ("dependants_basic", "spouse_basic", "dep_elderly", "dep_disabled", "children",
                                                        "card_children", "dep_birth_credit", "dep_births", "legacy_birth_credit", "legacy_births_n")]
                           + [c("has_descendant").fill_null(False), c("has_spouse").fill_null(False)])
    self_elderly = (c("self_birth_year").is_not_null() & ((on.day.year - c("self_birth_year")) >= on["year_end.elderly_age"])).fill_null(False).cast(pl.Int64)
    sp_ok = c("single_parent_claimed") & ~c("has_spouse") & c("has_descendant")
    for r in out.filter(c("single_parent_claimed") & ~sp_ok).select("worker_id").to_dicts():
        issues.append(Issue(r["worker_id"], "single_parent_not_eligible", "한부모 추가공제 (§51①6): 배우자가 없고 기본공제대상자인 직계비속·입양자가 있어야 함 — 공제하지 않음"))
    return out.with_columns(
        (c("dep_elderly") + self_elderly).alias("elderly_count"),
        (c("dep_disabled") + c("self_disabled").cast(pl.Int64)).alias("disabled_count"),
        sp_ok.alias("single_parent"),
        (c("dep_birth_credit") + c("legacy_birth_credit")).alias("birth_credit"),
        (c("dep_births") + c("legacy_births_n")).alias("births_count"),
    ).with_columns(
        (c("elderly_count") * on["year_end.elderly_deduction"] + c("disabled_count") * on["year_end.disabled_deduction"]).alias("additional_fixed"),
    )


def _rows(claims, section: str, fields: tuple[str, ...], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return _frame([{"worker_id": x.worker_id, **{f: getattr(r, f) for f in fields}} for x in claims for r in getattr(x, section)],
                  {"worker_id": pl.Utf8, **schema})


def _with_person(rows: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    return rows.join(people, left_on=["worker_id", "person"], right_on=["worker_id", "name"], how="left")


def _report(frame: pl.DataFrame, condition: pl.Expr, code: str, message, issues: list[Issue]) -> None:
    for r in frame.filter(condition).to_dicts():
        issues.append(Issue(r["worker_id"], code, message(r)))


def _insurance(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    rows = _rows(claims, "insurance", ("person", "kind", "amount"), {"person": pl.Utf8, "kind": pl.Utf8, "amount": pl.Int64})
    legacy = _frame([{"worker_id": x.worker_id, "person": SELF, "kind": kind, "amount": amount}
                     for x in claims for kind, amount in (("general", x.insurance_premiums), ("disabled", x.disabled_insurance_premiums)) if amount],
                    {"worker_id": pl.Utf8, "person": pl.Utf8, "kind": pl.Utf8, "amount": pl.Int64})
    rows = _with_person(pl.concat([rows, legacy]), people)
    ok = c("eligible") & ((c("kind") != "disabled") | c("disabled"))
    _report(rows, ~ok, "insurance_not_eligible", lambda r: f"보험료 {r['amount']:,}원 ({r['person']}): 피보험자가 기본공제대상자{'인 장애인' if r['kind'] == 'disabled' else ''}가 아님 (§59의4①) — 공제하지 않음", issues)
    cap = on["year_end.insurance_credit_base_limit"]
    agg = rows.filter(ok).group_by("worker_id").agg(
        c("amount").filter(c("kind") == "general").sum().alias("insurance_paid"),
        c("amount").filter(c("kind") == "disabled").sum().alias("disabled_insurance_paid"))
    return agg.with_columns(c("insurance_paid").clip(upper_bound=cap).alias("insurance_base"),
                            c("disabled_insurance_paid").clip(upper_bound=cap).alias("disabled_insurance_base"))


def _medical(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    rows = _with_person(_rows(claims, "medical", ("person", "kind", "severe", "amount", "reimbursed"),
                              {"person": pl.Utf8, "kind": pl.Utf8, "severe": pl.Boolean, "amount": pl.Int64, "reimbursed": pl.Int64}), people)
    net = (c("amount") - c("reimbursed"))
    special = (c("relationship") == "self") | c("young") | (c("age_end") >= on["year_end_claims.medical_old_age"]) | c("disabled") | c("severe")
    return rows.group_by("worker_id").agg(
        net.filter((c("kind") == "general") & ~special).sum().alias("medical_general"),
        net.filter((c("kind") == "general") & special).sum().alias("medical_special"),
        net.filter(c("kind") == "premature").sum().alias("medical_premature"),
        net.filter(c("kind") == "infertility").sum().alias("medical_infertility"),
    )


def _education(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    rows = _with_person(_rows(claims, "education", ("person", "kind", "amount"), {"person": pl.Utf8, "kind": pl.Utf8, "amount": pl.Int64}), people)
    kind = c("kind")
    family = kind.is_in(["preschool", "school", "university"])
    ok = (pl.when(family).then(c("relationship").is_in(["spouse", "descendant", "sibling", "foster"]))
          .when(kind == "self").then(c("relationship") == "self")
          .otherwise(c("disabled")))
    _report(rows, ~ok, "education_not_eligible", lambda r: f"교육비 {r['amount']:,}원 ({r['person']}, {r['kind']}): §59의4③ 대상이 아님 — 공제하지 않음", issues)
    rows = rows.filter(ok)
    school, uni = on["year_end_claims.education_limit_school"], on["year_end_claims.education_limit_university"]
    per = rows.group_by("worker_id", "person", "kind").agg(c("amount").sum())
    cap = pl.when(kind.is_in(["preschool", "school"])).then(school).when(kind == "university").then(uni).otherwise(None)
    per = per.with_columns(cap.alias("cap"))
    _report(per, c("cap").is_not_null() & (c("amount") > c("cap")), "education_over_limit",
            lambda r: f"교육비 {r['person']} {r['amount']:,}원 중 1명당 한도 {r['cap']:,}원만 공제 (§59의4③1)", issues)
    return per.group_by("worker_id").agg(pl.min_horizontal(c("amount"), c("cap").fill_null(c("amount"))).sum().alias("education_base"))


def _donations(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    rows = _rows(claims, "donations", ("kind", "amount"), {"kind": pl.Utf8, "amount": pl.Int64})
    return rows.group_by("worker_id").agg(*(c("amount").filter(c("kind") == k).sum().alias(f"donation_{k}")
                                              for k in ("political", "special", "general", "religious")))


def _cards(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    fields = ("credit", "debit", "cash_receipt", "culture", "market", "transit")
    rows = _with_person(_rows(claims, "cards", ("person", *fields), {"person": pl.Utf8, **{f: pl.Int64 for f in fields}}), people)
    ok = (c("relationship") == "self") | (c("relationship").is_in(["spouse", "ascendant", "descendant"]) & c("earns_little"))
    _report(rows, ~ok, "card_not_eligible", lambda r: f"신용카드 등 ({r['person']}): 본인·배우자·직계존비속 중 소득금액 요건 (§50①)을 채운 사람만 합산 (조특법 §126의2③) — 합산하지 않음", issues)
    return rows.filter(ok).group_by("worker_id").agg(
        c("credit").sum().alias("card_credit"), (c("debit") + c("cash_receipt")).sum().alias("card_debit"),
        c("culture").sum().alias("card_culture"), c("market").sum().alias("card_market"), c("transit").sum().alias("card_transit"))


def _pension(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    rows = _rows(claims, "pension_accounts", ("kind", "amount"), {"kind": pl.Utf8, "amount": pl.Int64})
    return rows.group_by("worker_id").agg(c("amount").filter(c("kind") == "savings").sum().alias("pension_savings"),
                                          c("amount").filter(c("kind") == "retirement").sum().alias("pension_retirement"))


def _rent(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    rows = _rows(claims, "rent", ("amount", "homeless_head"), {"amount": pl.Int64, "homeless_head": pl.Boolean})
    _report(rows, ~c("homeless_head"), "rent_not_eligible", lambda r: f"월세 {r['amount']:,}원: 무주택 세대주 요건 (조특법 §95의2①)을 확인하지 않음 — 공제하지 않음", issues)
    return rows.filter(c("homeless_head")).group_by("worker_id").agg(c("amount").sum().alias("rent_paid"))


def _housing(claims, people, on, issues) -> pl.DataFrame:
    c = pl.col
    rows = _rows(claims, "housing", ("kind", "amount", "category", "eligible"),
                 {"kind": pl.Utf8, "amount": pl.Int64, "category": pl.Utf8, "eligible": pl.Boolean})
    _report(rows, ~c("eligible"), "housing_not_eligible", lambda r: f"주택자금 {r['kind']} {r['amount']:,}원: 요건 확인 표시 없음 (§52④⑤, 조특법 §87②) — 공제하지 않음", issues)
    limits = dict(on["year_end_claims.housing_mortgage_limits"])
    assert set(limits) == set(MORTGAGE_CATEGORIES), "housing_mortgage_limits must name every category"
    rows = rows.filter(c("eligible")).with_columns(
        c("category").replace_strict(list(limits), list(limits.values()), default=None, return_dtype=pl.Int64).alias("limit"))
    return rows.group_by("worker_id").agg(
        c("amount").filter(c("kind") == "lease_lender").sum().alias("housing_lease_lender"),
        c("amount").filter(c("kind") == "lease_private").sum().alias("housing_lease_private"),
        c("amount").filter(c("kind") == "mortgage").sum().alias("housing_mortgage"),
        c("limit").max().fill_null(0).alias("housing_mortgage_limit"),
        c("amount").filter(c("kind") == "subscription").sum().alias("housing_subscription"),
    )
