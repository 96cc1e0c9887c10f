"""단체보험 선택보장: plans (employer data), enrolment checks, premiums and the taxable excess.

The employer pays the whole premium. 소득세법 시행령 §17의4 3호 가목: the employer-paid premium
of a 단체순수보장성보험 is non-taxable up to 70만원 per worker per year
(``non_taxable.group_insurance_yearly``); the excess is 근로소득 in the month it is paid and goes
into that month's run as the non-cash taxable pay item ``group_insurance_taxable``.

Premiums (house reading, docs/welfare.md):
- A worker's cover under an enrolment runs from the enrolment start to the earliest of the
  enrolment end and the end of the employment (contiguous contracts, payroll/roster.py) that holds
  the start: a leaver's cover ends with the contract.
- A month counts as covered when the cover includes any day of it.
- ``monthly`` billing: month k of cover in the year is billed floor(P·k/12) − floor(P·(k−1)/12),
  so twelve months bill exactly the annual premium P; ``yearly`` billing: floor(P·n/12) for the n
  covered months of the calendar year, billed in the first covered month of that year.
- The premium counts as paid in the month it is billed; the yearly limit is per calendar year.

Everything over many workers is a polars computation (no per-worker loop).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from payroll.case import InputError
from payroll.law import Law, RuleError
from payroll.money import won
from payroll.periods import months_end

TAXABLE_CODE = "group_insurance_taxable"
LIMIT_PARAM = "non_taxable.group_insurance_yearly"
EMPLOYMENT_TYPES = ("fixed_term", "public_service")


@dataclass(frozen=True)
class Plan:
    code: str
    label: str
    covers: tuple[str, ...]
    premium_yearly: int
    billing: str
    employment: tuple[str, ...]
    min_contract_months: int


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in str(text).split(",") if p.strip())


def plans_on(law: Law, day: dt.date) -> dict[str, Plan]:
    on = law.on(day)
    out = {}
    for code in _split(on["group_insurance.plans"]):
        p = f"group_insurance.{code}_"
        out[code] = Plan(
            code=code,
            label=str(on[p + "label"]),
            covers=_split(on[p + "covers"]),
            premium_yearly=int(on[p + "premium_yearly"]),
            billing=str(on[p + "billing"]),
            employment=_split(on[p + "employment"]),
            min_contract_months=int(on[p + "min_contract_months"]),
        )
    return out


def plan_on(law: Law, code: str, day: dt.date) -> Plan:
    try:
        plans = plans_on(law, day)
    except RuleError as exc:
        raise InputError(f"plan: 플랜 {code!r}: {day}에 시행 중인 단체보험 규칙이 없습니다: {exc}") from None
    if code not in plans:
        raise InputError(f"plan: 플랜 {code!r}은(는) {day}에 제공되지 않습니다 (제공 플랜: {', '.join(plans)})")
    return plans[code]


@dataclass(frozen=True)
class Enrolment:
    enrolment_id: str
    worker_id: str
    plan: str
    start: dt.date
    end: dt.date | None = None


def employment_span(roster, worker_id: str, day: dt.date) -> tuple[dt.date, dt.date | None] | None:
    """The employment (contiguous contracts, no day between them) that holds ``day``."""
    spans = _spans_of(roster.contracts_of(worker_id))
    for start, end in spans:
        if start <= day and (end is None or day <= end):
            return start, end
    return None


def _spans_of(contracts) -> list[tuple[dt.date, dt.date | None]]:
    spans: list[list] = []
    for c in contracts:  # sorted by start
        if spans and spans[-1][1] is not None and c.start <= spans[-1][1] + dt.timedelta(days=1):
            spans[-1][1] = c.end if c.end is None or c.end > spans[-1][1] else spans[-1][1]
        else:
            spans.append([c.start, c.end])
    return [(s, e) for s, e in spans]


def check_enrolment(law: Law, roster, e: Enrolment, existing: list[Enrolment]) -> Plan:
    """Validate a new enrolment; raise InputError naming the field. Returns the plan."""
    worker = roster.workers.get(e.worker_id)
    if worker is None:
        raise InputError(f"worker_id: {e.worker_id!r}은(는) 명부(roster)에 없습니다")
    if e.end is not None and e.end < e.start:
        raise InputError(f"end: 종료일 {e.end}이(가) 시작일 {e.start}보다 앞섭니다")
    plan = plan_on(law, e.plan, e.start)
    span = employment_span(roster, e.worker_id, e.start)
    if span is None:
        raise InputError(f"start: 시작일 {e.start}에 근로자 {e.worker_id}은(는) 재직하지 않습니다 (그날을 포함하는 계약 없음)")
    if worker.employment not in plan.employment:
        raise InputError(f"plan: 플랜 {e.plan}: 근로자 {e.worker_id}의 고용 형태 {worker.employment}은(는) 가입 대상이 아닙니다 (대상: {', '.join(plan.employment)})")
    span_start, span_end = span
    if span_end is not None and plan.min_contract_months:
        needed = months_end(e.start, plan.min_contract_months)  # 민법 §160
        if span_end < needed:
            raise InputError(
                f"plan: 플랜 {e.plan}: {e.start}부터 {plan.min_contract_months}개월 이상의 계약이 필요합니다 "
                f"({needed}까지); 근로자 {e.worker_id}의 고용은 {span_end}에 끝납니다"
            )
    for other in existing:
        if other.worker_id == e.worker_id and other.plan == e.plan:
            o_end = other.end or dt.date.max
            n_end = e.end or dt.date.max
            if other.start <= n_end and e.start <= o_end:
                raise InputError(f"start: 근로자 {e.worker_id}은(는) 이미 {other.start}부터 {e.plan}에 가입되어 있습니다 ({other.enrolment_id}); 가입 기간이 겹칩니다")
    return plan


# --- premiums (vectorised) -------------------------------------------------------------------

ENROLMENT_SCHEMA = {"enrolment_id": pl.Utf8, "worker_id": pl.Utf8, "plan": pl.Utf8, "start": pl.Date, "end": pl.Date}


def enrolment_frame(enrolments: list[Enrolment]) -> pl.DataFrame:
    return pl.DataFrame(
        [(e.enrolment_id, e.worker_id, e.plan, e.start, e.end) for e in enrolments],
        schema=ENROLMENT_SCHEMA,
        orient="row",
    )


def spans_frame(roster) -> pl.DataFrame:
    """worker_id, span_start, span_end: contiguous contracts merged (vectorised)."""
    c = pl.DataFrame(
        [(k.worker_id, k.start, k.end) for k in roster.contracts],
        schema={"worker_id": pl.Utf8, "start": pl.Date, "end": pl.Date},
        orient="row",
    ).sort("worker_id", "start")
    far = dt.date(9999, 12, 31)
    c = c.with_columns(pl.col("end").fill_null(far).alias("_end"))
    c = c.with_columns(pl.col("_end").cum_max().shift(1).over("worker_id").alias("_prev_end"))
    new_span = pl.col("_prev_end").is_null() | (pl.col("start") > pl.col("_prev_end").dt.offset_by("1d"))
    c = c.with_columns(new_span.cast(pl.Int64).cum_sum().over("worker_id").alias("_span"))
    s = c.group_by("worker_id", "_span").agg(pl.col("start").min().alias("span_start"), pl.col("_end").max().alias("span_end"))
    return s.with_columns(pl.when(pl.col("span_end") == far).then(None).otherwise(pl.col("span_end")).alias("span_end")).drop("_span")


def covers_frame(enrolments: pl.DataFrame, roster) -> pl.DataFrame:
    """Each enrolment with its cover: cover_start = start, cover_end = min(end, employment end); null cover_end = open."""
    spans = spans_frame(roster)
    j = enrolments.join(spans, on="worker_id", how="left").filter(
        (pl.col("span_start") <= pl.col("start")) & (pl.col("span_end").is_null() | (pl.col("span_end") >= pl.col("start")))
    )
    j = j.with_columns(
        pl.col("start").alias("cover_start"),
        pl.min_horizontal(pl.col("end"), pl.col("span_end")).alias("cover_end"),  # nulls ignored; both null → null
    )
    base = enrolments.join(j.select("enrolment_id", "cover_start", "cover_end", "span_end"), on="enrolment_id", how="left")
    return base.with_columns(
        pl.when(pl.col("cover_start").is_null()).then(pl.lit("not employed on the start date"))
        .when(pl.col("span_end").is_not_null() & (pl.col("end").is_null() | (pl.col("span_end") < pl.col("end"))))
        .then(pl.format("cover ends with the contract on {}", pl.col("span_end")))
        .otherwise(None)
        .alias("cover_note")
    ).drop("span_end")


def _plan_table(law: Law, year: int) -> pl.DataFrame:
    rows = []
    for m in range(1, 13):
        day = dt.date(year, m, 1)
        for code, p in plans_on(law, day).items():
            rows.append((code, m, p.premium_yearly, p.billing, p.label))
    return pl.DataFrame(rows, schema={"plan": pl.Utf8, "month_no": pl.Int64, "premium_yearly": pl.Int64, "billing": pl.Utf8, "plan_label": pl.Utf8}, orient="row")


def premiums(law: Law, roster, enrolments: list[Enrolment], year: int) -> pl.DataFrame:
    """One row per enrolment and billed month of ``year``: worker_id, plan, month ("YYYY-MM"), premium."""
    out_schema = {"enrolment_id": pl.Utf8, "worker_id": pl.Utf8, "plan": pl.Utf8, "plan_label": pl.Utf8, "month": pl.Utf8, "month_no": pl.Int64, "billing": pl.Utf8, "premium": pl.Int64}
    if not enrolments:
        return pl.DataFrame(schema=out_schema)
    cov = covers_frame(enrolment_frame(enrolments), roster).filter(pl.col("cover_start").is_not_null())
    months = pl.DataFrame({"month_no": list(range(1, 13))}, schema={"month_no": pl.Int64}).with_columns(
        pl.date(year, pl.col("month_no"), 1).alias("m_start")
    ).with_columns(pl.col("m_start").dt.month_end().alias("m_end"))
    x = cov.join(months, how="cross").filter(
        (pl.col("cover_start") <= pl.col("m_end")) & (pl.col("cover_end").is_null() | (pl.col("cover_end") >= pl.col("m_start")))
    )
    x = x.join(_plan_table(law, year), on=["plan", "month_no"], how="left")
    missing = x.filter(pl.col("premium_yearly").is_null())
    if missing.height:
        r = missing.row(0, named=True)
        raise RuleError(f"단체보험 플랜 {r['plan']!r} (가입 {r['enrolment_id']})이(가) {year}-{r['month_no']:02d}에 제공되지 않습니다")
    x = x.sort("enrolment_id", "month_no").with_columns(
        pl.col("month_no").cum_count().over("enrolment_id").alias("k"),
        pl.len().over("enrolment_id").alias("n"),
    )
    p = pl.col("premium_yearly")
    monthly = p * pl.col("k") // 12 - p * (pl.col("k") - 1) // 12
    yearly = pl.when(pl.col("k") == 1).then(p * pl.col("n") // 12).otherwise(0)
    x = x.with_columns(
        pl.when(pl.col("billing") == "monthly").then(monthly).otherwise(yearly).cast(pl.Int64).alias("premium"),
        pl.format("{}-{}", pl.lit(str(year)), pl.col("month_no").cast(pl.Utf8).str.zfill(2)).alias("month"),
    )
    return x.filter(pl.col("premium") > 0).select(list(out_schema)).sort("worker_id", "month_no", "plan")


def taxable_excess(premium_rows: pl.DataFrame, limit: int, recorded: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per worker and month of one year: premium, running total, and the taxable excess of the month.

    taxable(M) = max(0, max(0, total through M − limit) − taxed before M), where "taxed before M" is
    what earlier months' runs recorded (``recorded``: worker_id, month, amount) or, for a month with
    no record, what this formula gives for it. Without records this is the plain
    max(0, total_M − limit) − max(0, total_{M−1} − limit).
    """
    schema = {"worker_id": pl.Utf8, "month": pl.Utf8, "premium": pl.Int64, "year_total": pl.Int64, "excess_total": pl.Int64, "taxed_before": pl.Int64, "taxable": pl.Int64, "limit": pl.Int64}
    if premium_rows.height == 0:
        return pl.DataFrame(schema=schema)
    m = premium_rows.group_by("worker_id", "month").agg(pl.col("premium").sum()).sort("worker_id", "month")
    m = m.with_columns(pl.col("premium").cum_sum().over("worker_id").alias("year_total"))
    m = m.with_columns((pl.col("year_total") - limit).clip(lower_bound=0).alias("excess_total"))
    formula = pl.col("excess_total") - pl.col("excess_total").shift(1).over("worker_id").fill_null(0)
    m = m.with_columns(formula.alias("_formula"))
    if recorded is not None and recorded.height:
        m = m.join(recorded.select("worker_id", "month", pl.col("amount").alias("_rec")), on=["worker_id", "month"], how="left")
    else:
        m = m.with_columns(pl.lit(None, dtype=pl.Int64).alias("_rec"))
    m = m.with_columns(pl.coalesce("_rec", "_formula").cum_sum().shift(1).over("worker_id").fill_null(0).alias("taxed_before"))
    m = m.with_columns(
        (pl.col("excess_total") - pl.col("taxed_before")).clip(lower_bound=0).alias("taxable"),
        pl.lit(limit, dtype=pl.Int64).alias("limit"),
    )
    return m.select(list(schema))


def method_text(row: dict) -> str:
    return (
        f"단체보험료(사용자 부담) {row['month'][:4]}년 누계 {won(row['year_total'])}원 (이달 {won(row['premium'])}원) "
        f"− 비과세 한도 {won(row['limit'])}원 (소득세법 시행령 §17의4 3호 가목) = 초과 {won(row['excess_total'])}원; "
        f"이전 과세 {won(row['taxed_before'])}원 → 이달 과세 {won(row['taxable'])}원"
    )
