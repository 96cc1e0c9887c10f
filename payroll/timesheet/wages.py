"""Minutes → pay lines (integer won), each with its 계산방법 and the minutes it pays.

Rounding: every line is rounded down to the won on its own — ``amount = ⌊rate × minutes ÷ 60 ×
multiplier⌋`` computed in integers with the exact fractions (no float). Lines are per worker
*and contract*, so a renewal inside the month at another wage shows both.

시급·일급 (hourly, daily):
- base_pay            시급 × (정규 + 유급휴가 minutes); 일급 ÷ 소정 1일 minutes for 일급
- weekly_holiday_pay  주휴 minutes (see ``days.build_weeks``) at the same rate
- public_holiday_pay  a scheduled day that is a paid public holiday: its scheduled minutes
                      (근로기준법 §55②; nothing for a day not scheduled or under 15 h a week, §18③)
월급 (monthly, 공무직): the pay table (``timesheet.public_service_pay_table`` by pay_grade, else the
contract's wage) and the fixed allowances, × calendar days covered ÷ days of the month when the
contract starts or ends inside it (일할계산). Paid holidays are inside the monthly pay.
All: premiums on 통상시급 = 통상임금 (rate + the ``ordinary`` fixed allowances, 식대 included) ÷ the
month's paid hours (209 h for 40 h a week; (weekly + 주휴) × 365/7/12 rounded to the hour for a
part-timer): off_day_pay ×1 for a 월급 worker's hours on a 휴무일 within the week's 40 h (the
monthly pay covers the scheduled days only; §56 adds nothing under 40 h), overtime_pay ×1.5, night_pay +0.5 on every night minute (it stacks), holiday_work_pay
×1.5 up to 8 h a day and ×2.0 beyond (two lines). 식대 ``meal`` = the contract's meal_allowance,
prorated by calendar days like the monthly pay.

Not modelled here (stated so a clerk knows): a 월급 worker's 결근 is not deducted automatically
(a warning names the days); the 통상시급 of a worker with two contracts in one month is each
contract's own.
"""

from __future__ import annotations

import calendar
import math
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import polars as pl

from payroll import law as law_module
from payroll import pay_items
from payroll.case import InputError
from payroll.law import RuleError
from payroll.money import won
from payroll.roster import Roster
from payroll.timesheet.days import PAID, Policy

LINE_SCHEMA = {"worker_id": pl.Utf8, "contract_id": pl.Utf8, "code": pl.Utf8, "amount": pl.Int64, "minutes": pl.Int64, "method": pl.Utf8, "seq": pl.Int64}


def hm(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    if m and h:
        return f"{h:,}시간 {m}분"
    return f"{m}분" if m else f"{h:,}시간"


def _mult(f: Fraction) -> str:
    return format(Decimal(f.numerator) / Decimal(f.denominator), "f").rstrip("0").rstrip(".")


def _weekly_holiday(weekly: pl.Expr, covered: pl.Expr, pol: Policy) -> pl.Expr:
    return pl.when(covered).then(pl.min_horizontal(weekly * pol.weekly_holiday_max // pol.weekly_cap, pl.lit(pol.weekly_holiday_max))).otherwise(0)


def paid_month_minutes_expr(weekly: pl.Expr, covered: pl.Expr, pol: Policy, full_hours: int) -> pl.Expr:
    # (weekly + 주휴) × 365 / 7 / 12 minutes, rounded half up to the hour
    hours = ((weekly + _weekly_holiday(weekly, covered, pol)) * 365 * 2 + 84 * 60) // (2 * 84 * 60)
    return pl.when(weekly >= pol.weekly_cap).then(full_hours * 60).otherwise(pl.max_horizontal(hours, pl.lit(1)) * 60)


def minimum_wage_minutes84_expr(weekly: pl.Expr, covered: pl.Expr, pol: Policy, pm: pl.Expr) -> pl.Expr:
    """84 × the month's minutes a 월급's 최저임금 test divides by (최저임금법 시행령 §5①3·②: (주 소정 + 유급 주휴)
    × 365/7 ÷ 12, not rounded): the larger of it and the month's paid hours (209 h for 40 h a week, a
    part-timer's rounded to the hour) — a part-timer's 104.29 h is not rounded down to 104 in the worker's
    disfavour."""
    exact = (weekly + _weekly_holiday(weekly, covered, pol)) * 365
    return pl.max_horizontal(pm * 84, exact)


def pay_lines(
    days: pl.DataFrame,
    weeks: pl.DataFrame,
    roster: Roster,
    first: dt.date,
    last: dt.date,
    law: law_module.Law | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """(lines, per-contract summary, warnings)."""
    law = law or law_module.current()
    on = law.on(first)
    pol = Policy.on(first, law)
    catalogue = pay_items.current(law.rules_dir)
    dim = calendar.monthrange(first.year, first.month)[1]
    op, np_, hp, hp2 = (on[f"working_time.{n}"] for n in ("overtime_premium", "night_premium", "holiday_premium", "holiday_premium_over8"))
    full_hours = int(on["working_time.full_time_monthly_hours"])
    table = on["timesheet.public_service_pay_table"]
    allowance_table = on["timesheet.public_service_allowances"]
    minimum = int(on["minimum_wage.hourly"])
    living = int(on["living_wage.hourly"])  # employer policy (decision D13): an hourly contract below it is named
    for job, codes in allowance_table.items():
        for code, amount in codes.items():
            if code not in catalogue:
                raise RuleError(f"timesheet.public_service_allowances[{job!r}]: 알 수 없는 지급 코드 {code!r}")
            if not isinstance(amount, int) or amount < 0:
                raise RuleError(f"timesheet.public_service_allowances[{job!r}].{code}: 0 이상의 원 단위 정수여야 합니다")
    meal_ordinary = catalogue["meal"].ordinary

    # the month's own days, and a day of another month whose minutes this month pays (a night shift
    # from the last evening of the previous month, month_attribution = calendar)
    month_days = days.filter(pl.col("in_month") | (pl.col("worked_paid") > 0)).sort(["worker_id", "date"])
    im = pl.col("in_month")
    s = month_days.group_by(["worker_id", "contract_id"], maintain_order=True).agg(
        im.sum().alias("days_covered"),
        *(pl.col(PAID[c]).sum().alias(c) for c in ("regular", "overtime", "night", "holiday_base", "holiday_over8", "holiday_work", "worked")),
        *(pl.col(c).filter(im).sum() for c in ("paid_leave", "public_holiday_minutes", "late", "early_leave")),
        ((pl.col("worked") > 0) & im).sum().alias("days_worked"),
        (pl.col("absent") & (pl.col("unpaid_leave") == 0)).sum().alias("absent_days"),
        pl.col("date").filter(pl.col("absent") & (pl.col("unpaid_leave") == 0)).alias("absent_dates"),
        pl.col("date").filter(pl.col("absent") & (pl.col("unpaid_leave") > 0)).alias("unpaid_dates"),
        pl.col("leave_off_schedule").filter(im).sum().alias("leave_off_schedule"),
        pl.col(PAID["regular"]).filter(~pl.col("workday")).sum().alias("off_day_regular"),
        pl.first("pay_type"), pl.first("wage"), pl.first("daily_min"), pl.first("weekly_min"), pl.first("monthly_min"),
        pl.first("meal"), pl.first("pay_grade"), pl.first("covered_by_55"), pl.first("c_start"), pl.first("c_end"),
    )
    wk = weeks.group_by(["worker_id", "contract_id"]).agg(pl.col("weekly_holiday_minutes").sum())
    s = s.join(wk, on=["worker_id", "contract_id"], how="left").with_columns(pl.col("weekly_holiday_minutes").fill_null(0))
    s = s.with_columns(paid_month_minutes_expr(pl.col("weekly_min"), pl.col("covered_by_55"), pol, full_hours).alias("pm"))
    s = s.with_columns(minimum_wage_minutes84_expr(pl.col("weekly_min"), pl.col("covered_by_55"), pol, pl.col("pm")).alias("mw_min84"))

    warnings: list[str] = []
    # monthly pay table and fixed allowances (a few hundred contracts: plain Python is fine here)
    base_full, allow_rows = [], []
    for r in s.select("worker_id", "contract_id", "pay_type", "wage", "pay_grade").iter_rows(named=True):
        if r["pay_type"] != "monthly":
            base_full.append(0)
            continue
        amount = r["wage"]
        if r["pay_grade"]:
            if r["pay_grade"] not in table:
                raise InputError(f"contracts: 계약 {r['contract_id']}: pay_grade {r['pay_grade']!r}이(가) timesheet.public_service_pay_table에 없습니다 ({', '.join(table)})")
            amount = int(table[r["pay_grade"]])
            if r["wage"] not in (0, amount):
                warnings.append(f"{r['worker_id']}: 계약 {r['contract_id']} 월급 {won(r['wage'])}원 ≠ 보수표 {r['pay_grade']} {won(amount)}원 — 보수표 적용")
        base_full.append(amount)
        job = roster.workers[r["worker_id"]].job
        merged = {**allowance_table.get("*", {}), **allowance_table.get(job, {})}
        for code, amt in sorted(merged.items()):
            allow_rows.append((r["worker_id"], r["contract_id"], code, int(amt), catalogue[code].ordinary))
    s = s.with_columns(pl.Series("base_full", base_full, dtype=pl.Int64))
    allow = pl.DataFrame(allow_rows, schema={"worker_id": pl.Utf8, "contract_id": pl.Utf8, "code": pl.Utf8, "full": pl.Int64, "ordinary": pl.Boolean}, orient="row")
    ord_allow = allow.filter("ordinary").group_by(["worker_id", "contract_id"]).agg(pl.col("full").sum().alias("ord_allow"))
    s = s.join(ord_allow, on=["worker_id", "contract_id"], how="left").with_columns(pl.col("ord_allow").fill_null(0))

    taxable_codes = [c for c, item in catalogue.items.items() if item.tax == "taxable"]
    tax_allow = allow.filter(pl.col("code").is_in(taxable_codes)).group_by(["worker_id", "contract_id"]).agg(pl.col("full").sum().alias("tax_allow"))
    s = s.join(tax_allow, on=["worker_id", "contract_id"], how="left").with_columns(pl.col("tax_allow").fill_null(0))

    meal_ord = pl.col("meal") if meal_ordinary else pl.lit(0)
    pt = pl.col("pay_type")
    # Decision D11: the declared 보수월액 defaults to the contract's scheduled monthly taxable pay — a full
    # month at the scheduled hours with 주휴 (hourly, daily) or the pay table with taxable allowances (monthly).
    s = s.with_columns(
        pl.when(pt == "hourly").then(pl.col("wage") * pl.col("pm") // 60)
        .when(pt == "daily").then(pl.col("wage") * pl.col("pm") // pl.col("daily_min"))
        .otherwise(pl.col("base_full") + pl.col("tax_allow")).cast(pl.Int64).alias("scheduled_taxable_pay")
    )
    # 통상임금 per minute = ord_num / ord_den; base rate per minute = base_num / base_den
    s = s.with_columns(
        pl.when(pt == "hourly").then(pl.col("wage") * pl.col("pm") + meal_ord * 60)
        .when(pt == "daily").then(pl.col("wage") * pl.col("pm") + meal_ord * pl.col("daily_min"))
        .otherwise(pl.col("base_full") + pl.col("ord_allow") + meal_ord).alias("ord_num"),
        pl.when(pt == "hourly").then(60 * pl.col("pm")).when(pt == "daily").then(pl.col("daily_min") * pl.col("pm")).otherwise(pl.col("pm")).alias("ord_den"),
        pl.when(pt == "daily").then(pl.col("daily_min")).otherwise(60).alias("base_den"),
    )
    def premium(minutes: str, mult: Fraction) -> pl.Expr:
        return pl.col("ord_num") * pl.col(minutes) * mult.numerator // (pl.col("ord_den") * mult.denominator)

    hourly_like = pt != "monthly"
    keys = ["worker_id", "contract_id"]
    parts = []

    def add(code: str, amount: pl.Expr, minutes: pl.Expr | None, cond: pl.Expr = pl.lit(True), kind: str = "") -> None:
        parts.append(s.filter(cond).select(*keys, pl.lit(code).alias("code"), amount.cast(pl.Int64).alias("amount"),
                                           (minutes if minutes is not None else pl.lit(None)).cast(pl.Int64).alias("minutes"), pl.lit(kind).alias("_kind")))

    add("base_pay", pl.col("wage") * (pl.col("regular") + pl.col("paid_leave")) // pl.col("base_den"), pl.col("regular") + pl.col("paid_leave"), hourly_like, "base")
    add("weekly_holiday_pay", pl.col("wage") * pl.col("weekly_holiday_minutes") // pl.col("base_den"), pl.col("weekly_holiday_minutes"), hourly_like, "rate")
    add("public_holiday_pay", pl.col("wage") * pl.col("public_holiday_minutes") // pl.col("base_den"), pl.col("public_holiday_minutes"), hourly_like, "rate")
    add("overtime_pay", premium("overtime", 1 + op), pl.col("overtime"), kind=f"ord:{_mult(1 + op)}")
    # a 월급 worker's 정규 minutes on a 휴무일 (within the week's 40 h): outside the monthly pay, at 통상시급 × 1
    add("off_day_pay", premium("off_day_regular", Fraction(1)), pl.col("off_day_regular"), pt == "monthly", kind="ord:1")
    add("night_pay", premium("night", np_), pl.col("night"), kind=f"ord:{_mult(np_)}")
    add("holiday_work_pay", premium("holiday_base", 1 + hp), pl.col("holiday_base"), kind=f"ord:{_mult(1 + hp)}")
    add("holiday_work_pay", premium("holiday_over8", 1 + hp2), pl.col("holiday_over8"), kind=f"ord:{_mult(1 + hp2)}")
    lines = pl.concat([pl.concat(parts).with_columns(pl.lit(None, dtype=pl.Int64).alias("full"), pl.lit(None, dtype=pl.Int64).alias("days")),
                       _prorated(s, allow, dim)], how="vertical_relaxed")
    lines = lines.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("seq")).filter(pl.col("amount") > 0)
    info = s.select(*keys, "pay_type", "wage", "meal", "pm", "daily_min", "ord_num", "ord_den", "ord_allow")
    lines = lines.join(info, on=keys, how="left")
    methods = [_method(r, dim, meal_ordinary) for r in lines.iter_rows(named=True)]
    lines = lines.with_columns(pl.Series("method", methods, dtype=pl.Utf8)).select(list(LINE_SCHEMA))

    # warnings: 최저임금 and what the monthly pay does not do by itself
    low = s.filter(below_minimum(minimum))
    for r in low.iter_rows(named=True):
        warnings.append(f"{r['worker_id']}: 계약 {r['contract_id']} 통상시급 {won(minimum_test_hourly(r))}원 < 최저임금 {won(minimum)}원 (최저임금법 §6)")
    below_living = s.filter((pl.col("pay_type") == "hourly") & (pl.col("wage") < living) & ~below_minimum(minimum))
    for r in below_living.iter_rows(named=True):
        warnings.append(f"{r['worker_id']}: 계약 {r['contract_id']} 시급 {won(r['wage'])}원 < 생활임금 {won(living)}원 ({on.citation('living_wage.hourly')}) "
                        "— 사업장 정책 (결정 D13): 계약대로 계산함, 계약을 확인하세요")
    for r in s.filter((pl.col("pay_type") == "monthly") & ((pl.col("absent_days") > 0) | (pl.col("unpaid_dates").list.len() > 0))).iter_rows(named=True):
        parts = []
        if r["absent_days"]:
            parts.append(f"결근 {r['absent_days']}일 ({', '.join(d.isoformat() for d in r['absent_dates'])})")
        if r["unpaid_dates"]:
            parts.append(f"무급휴가 {len(r['unpaid_dates'])}일 ({', '.join(d.isoformat() for d in r['unpaid_dates'])})")
        warnings.append(f"{r['worker_id']}: 월급 근로자 {', '.join(parts)} — 월급에서 자동 공제하지 않음 (공제 방식은 사업장이 정할 일: "
                        "소급분·공제로 처리하거나 그대로 지급), 확인 필요")
    # a day off counts the approved span whole (no contract break: there is no schedule that day); over 8 hours
    # that is 휴일근로 at ×2.0 — if the worker took the §54 break, the approval should leave it out
    long_off = days.filter(~pl.col("workday") & pl.col("in_month") & (pl.col("worked") > pol.daily_cap))
    for r in long_off.group_by("worker_id", maintain_order=True).agg(pl.col("date"), pl.col("worked")).sort("worker_id").iter_rows(named=True):
        shown = ", ".join(f"{d.isoformat()} {hm(m)}" for d, m in zip(r["date"], r["worked"]))
        warnings.append(f"{r['worker_id']}: 휴일·휴무일 근로를 휴게 없이 계산 ({shown}) — 휴게(근로기준법 §54①: 8시간이면 1시간 이상)를 했다면 "
                        "연장·휴일근로 승인 시간대를 휴게 전후로 나눠 적으세요")
    for r in s.filter(pl.col("leave_off_schedule") > 0).iter_rows(named=True):
        warnings.append(f"{r['worker_id']}: 소정근로일이 아닌 날의 휴가 {r['leave_off_schedule']}건 — 반영하지 않음")
    for r in weeks.filter(pl.col("edge_missing").list.len() > 0).iter_rows(named=True):
        dates = ", ".join(d.isoformat() for d in r["edge_missing"])
        warnings.append(f"{r['worker_id']}: {r['rest_date'].isoformat()} 주휴 — 다른 달 소정근로일 {dates} 출퇴근 기록 없음: 결근으로 보아 주휴 없음 "
                        "(그 날들의 기록을 이달 파일과 함께 넣으면 다시 계산)")
    return lines, s, warnings


def day_pay(days: pl.DataFrame, summary: pl.DataFrame, daily_workers: list[str], law: law_module.Law, first: dt.date) -> pl.DataFrame:
    """Each 일용근로자's pay day by day (worker_id → ``daily_wages``, the days in order): what the
    month's lines pay for the minutes of that day — 정규 and 유급휴가 at the contract's rate, 연장·야간·
    휴일근로 at 통상시급 × their multipliers — each day rounded down to the won. The withholding
    takes its 150,000원 공제 day by day from these (소득세법 §47②, decision D9), so a day paid below
    150,000 does not use up another day's excess; pay not earned on a worked day (주휴, 유급휴일)
    has no 공제 of its own (payroll.engine.income_tax)."""
    schema = {"worker_id": pl.Utf8, "daily_wages": pl.List(pl.Int64)}
    if not daily_workers:
        return pl.DataFrame(schema=schema)
    on = law.on(first)
    mults = {"overtime": 1 + on["working_time.overtime_premium"], "night": on["working_time.night_premium"],
             "holiday_base": 1 + on["working_time.holiday_premium"], "holiday_over8": 1 + on["working_time.holiday_premium_over8"]}
    den = 1
    for m in mults.values():
        den = den * m.denominator // math.gcd(den, m.denominator)
    premium_minutes = sum(pl.col(PAID[c]) * (m.numerator * (den // m.denominator)) for c, m in mults.items())
    rates = summary.filter(pl.col("pay_type") != "monthly").select("worker_id", "contract_id", "wage", "base_den", "ord_num", "ord_den")
    d = days.filter(pl.col("worker_id").is_in(daily_workers)).join(rates, on=["worker_id", "contract_id"], how="inner")
    d = d.with_columns(pl.when(pl.col("in_month")).then(pl.col("paid_leave")).otherwise(0).alias("_leave"))
    d = d.filter((pl.col(PAID["worked"]) > 0) | (pl.col("_leave") > 0)).sort(["worker_id", "date"])
    amount = (pl.col("wage") * (pl.col(PAID["regular"]) + pl.col("_leave")) // pl.col("base_den")
              + pl.col("ord_num") * premium_minutes // (pl.col("ord_den") * den))
    return d.group_by("worker_id", maintain_order=True).agg(amount.cast(pl.Int64).alias("daily_wages")).select(list(schema)).cast(schema)


def below_minimum(minimum: int) -> pl.Expr:
    """A contract paid below 최저임금: its pay per hour of the month (a 월급: ÷ ``mw_min84`` ÷ 84; hourly and daily:
    the 통상임금 per minute, ``ord_num`` ÷ ``ord_den``) under ``minimum``."""
    monthly = pl.col("pay_type") == "monthly"
    return pl.when(monthly).then(pl.col("ord_num") * 60 * 84 < minimum * pl.col("mw_min84")).otherwise(pl.col("ord_num") * 60 < minimum * pl.col("ord_den"))


def minimum_test_hourly(r: dict) -> int:
    """The hourly figure :func:`below_minimum` compares, rounded down to the won."""
    if r["pay_type"] == "monthly":
        return r["ord_num"] * 60 * 84 // r["mw_min84"]
    return r["ord_num"] * 60 // r["ord_den"]


def _prorated(s: pl.DataFrame, allow: pl.DataFrame, dim: int) -> pl.DataFrame:
    """The month's fixed amounts (the 월급 pay table or wage, 식대, the fixed allowances) × calendar days
    covered ÷ days of the month (일할계산). Contracts of one worker carrying the same monthly amount of
    an item are one line over their days together: a renewal at the same terms inside the month pays
    the full amount, not two shares each rounded down (1원 short a line)."""
    keys = ["worker_id", "contract_id"]
    amounts = [s.filter(pl.col("pay_type") == "monthly").select(*keys, pl.lit("base_pay").alias("code"), pl.col("base_full").alias("full"), pl.lit("monthly").alias("_kind"),
                                                                pl.lit(0, dtype=pl.Int64).alias("_o")),
               s.select(*keys, pl.lit("meal").alias("code"), pl.col("meal").alias("full"), pl.lit("prorate").alias("_kind"), pl.lit(1, dtype=pl.Int64).alias("_o"))]
    if allow.height:
        amounts.append(allow.select(*keys, "code", "full", pl.lit("prorate").alias("_kind"), pl.lit(2, dtype=pl.Int64).alias("_o")))
    days = s.select(*keys, pl.col("days_covered").alias("days"), pl.int_range(pl.len(), dtype=pl.Int64).alias("_c"))
    p = pl.concat(amounts, how="vertical_relaxed").join(days, on=keys, how="inner").sort(["_o", "_c", "code"])
    p = p.group_by(["worker_id", "code", "full", "_kind"], maintain_order=True).agg(pl.col("contract_id").last(), pl.col("days").sum())
    return p.select(
        *keys, "code", pl.when(pl.col("days") == dim).then(pl.col("full")).otherwise(pl.col("full") * pl.col("days") // dim).cast(pl.Int64).alias("amount"),
        pl.lit(None, dtype=pl.Int64).alias("minutes"), "_kind", pl.col("full").cast(pl.Int64), pl.col("days").cast(pl.Int64),
    )


def _method(r: dict, dim: int, meal_ordinary: bool) -> str:
    kind, code, minutes = r["_kind"], r["code"], r["minutes"]
    pt = r["pay_type"]
    rate_text = f"일급 {won(r['wage'])}원 ÷ {hm(r['daily_min'])}" if pt == "daily" else f"{won(r['wage'])}원"
    if code in ("base_pay", "weekly_holiday_pay", "public_holiday_pay") and minutes is not None:
        return f"{rate_text} × {hm(minutes)}"
    if code == "base_pay":
        full = r["full"]
        if r["days"] == dim:
            return f"월 기본급 {won(full)}원"
        return f"월 기본급 {won(full)}원 × {r['days']}일 ÷ {dim}일 (일할계산)"
    if minutes is not None:  # premiums on 통상시급
        mult = kind.split(":", 1)[1]
        if pt == "monthly":
            ordinary = f"통상임금 {won(r['ord_num'])}원 ÷ {r['pm'] // 60}시간"
        else:
            ordinary = rate_text
            if meal_ordinary and r["meal"]:
                ordinary = f"({rate_text} + 식대 {won(r['meal'])}원 ÷ {r['pm'] // 60}시간)"
        return f"{ordinary} × {hm(minutes)} × {mult}"
    full = r["full"]
    if r["days"] == dim:
        return f"월 {won(full)}원"
    return f"월 {won(full)}원 × {r['days']}일 ÷ {dim}일 (일할계산)"
