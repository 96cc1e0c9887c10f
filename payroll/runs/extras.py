"""The area modules a month's run pays without extra steps: 연차수당, welfare items, and a leaver's
settlement (중도퇴사자 연말정산) and 퇴직금.

Everything here is a function of the staged input files (the month's files and the ones the run
wrote from the database: ``_payroll/welfare.json``, ``_payroll/history.json``,
``_payroll/leave_history.csv``), so a replay computes the same.

- 연차수당 (payroll.leave.pay): the ledger's payouts due in the month — on leaving (§36) and on
  lapse without 사용촉진 — as ``annual_leave_pay`` items. The ledger reads the leave taken so far
  (``leave_history`` when earlier runs or an opening file exist, else the month's ``leave.csv``),
  the build's timesheet as attendance for the month, and the notice register when given.
- Welfare (payroll.welfare.service): the month's items as the run read them from the store.
- Leavers (employment ends in the month, no contract continues it): year to date from the stored
  runs of the tax year plus this month (plus ``ytd.csv`` for months before the first run here)
  → ``settlement_income_tax`` / ``settlement_local_income_tax`` (signed; payroll.settlement,
  vectorised over the month's leavers); 퇴직금 when eligible (payroll.severance) from the wages of
  the 3 months before the 퇴직일 (stored runs, this month, ``wages.csv``) → a ``severance_pay`` item
  and ``retirement_income_tax`` / ``retirement_local_income_tax``. A figure that cannot be computed
  because earlier months are missing is a warning of the run naming the file that would supply
  them; it is never guessed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from fractions import Fraction

import polars as pl

from payroll.engine.step import Context
from payroll.roster import Roster
from payroll.runs.history import (BONUS_CODES, LEAVE_PAY_CODE, NOT_AVERAGE_WAGE, YTD_FIELDS, last_twelve_pay_months, leavers_of, month_add,
                                  month_range, uncovered_months, year_to_date)

ITEM_SCHEMA = {"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}
SEVERANCE_CODE = "severance_pay"


def _empty_items() -> pl.DataFrame:
    return pl.DataFrame(schema=ITEM_SCHEMA)


def attach(lines: pl.DataFrame, row_of: dict[str, int], warnings: list[str], message) -> pl.DataFrame:
    """(worker_id, code, amount, method, minutes) → item rows on the worker's first row this month;
    a line of a worker without a row this month becomes a warning, ``message(line)`` (never silently dropped)."""
    if lines.height == 0:
        return _empty_items()
    for r in lines.filter(~pl.col("worker_id").is_in(list(row_of))).to_dicts():
        warnings.append(message(r))
    rows = pl.DataFrame({"worker_id": list(row_of), "row": list(row_of.values())}, schema={"worker_id": pl.Utf8, "row": pl.Int64})
    return lines.join(rows, on="worker_id", how="inner").select([pl.col(c).cast(t) for c, t in ITEM_SCHEMA.items()])


def severance_method(s) -> str:
    """The 계산방법 of a 퇴직금: which daily wage was used — the 평균임금, or the 통상임금 when the
    평균임금 is lower (근로기준법 §2②) — and the formula of 근로자퇴직급여 보장법 §8①."""
    window = (f"산정기간 {s.window[0]} … {s.window[1]} {s.window_days}일의 임금 {s.window_wages:,}원 ÷ {s.window_days}일")
    average, ordinary = _won_text(s.daily_average), _won_text(s.daily_ordinary)
    if s.daily_ordinary > s.daily_average:
        basis = (f"통상임금 적용: 1일 평균임금 {average}원 ({window})이 1일 통상임금 {ordinary}원보다 적어 "
                 f"통상임금을 평균임금으로 함 (근로기준법 §2②)")
    else:
        basis = f"평균임금 적용: 1일 평균임금 {average}원 ({window}; 근로기준법 §2①6)이 1일 통상임금 {ordinary}원 이상"
    return f"{basis}. 퇴직금 = {_won_text(s.daily_wage)}원 × 30일 × 재직일수 {s.service_days:,}일 ÷ 365 [근로자퇴직급여 보장법 §8①]"


# --- 연차수당 -----------------------------------------------------------------------------------


def attendance_of(timesheet: pl.DataFrame | None) -> pl.DataFrame | None:
    """The build's timesheet (one row per worker-day of the month) as the ledger's attendance."""
    if timesheet is None or timesheet.height == 0 or "workday" not in timesheet.columns:
        return None
    f = timesheet
    if "attended" not in f.columns:
        # payroll.timesheet.days: a working day counts as attended when worked or on paid leave
        f = f.with_columns((~pl.col("workday") | (pl.col("worked") > 0) | (pl.col("paid_leave") > 0)).alias("attended"))
    return f.select("worker_id", "date", "workday", "attended")


def leave_payouts(staged, roster: Roster, timesheet: pl.DataFrame | None, ctx: Context, warnings: list[str]) -> pl.DataFrame:
    """The 연차수당 payouts due in the month (payroll.leave.pay.leave_payouts): worker_id, date, reason, …

    The ledger starts each service where the rules reach (or at an opening balance from
    ``leave_opening.csv``); a rule missing for a date the month needs is an error of the run, with
    the rule's own message, never a silently skipped worker.
    """
    from payroll.leave.pay import leave_payouts as payouts

    leave = staged.leave_history or staged.leave
    return payouts(
        roster, staged.month, leave=leave, attendance=attendance_of(timesheet), notices=staged.notices, law=ctx.law,
        opening=staged.leave_opening,
    )


def leave_lines(payouts: pl.DataFrame) -> pl.DataFrame:
    """The payouts as pay lines, as payroll.leave.pay.leave_pay_items gives them."""
    from payroll.leave.pay import ITEM_SCHEMA as LEAVE_ITEMS, PAY_CODE

    return payouts.select(
        "worker_id", pl.lit(PAY_CODE).alias("code"), "amount",
        pl.concat_str([pl.col("method"), pl.lit(" ["), pl.col("article"), pl.lit("]")]).alias("method"), "minutes",
    ).cast(LEAVE_ITEMS)


# --- welfare ------------------------------------------------------------------------------------

WELFARE_SCHEMA = {"worker_id": pl.Utf8, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}


def welfare_rows(frame: pl.DataFrame) -> list[dict]:
    return [{k: r[k] for k in WELFARE_SCHEMA} for r in frame.select(list(WELFARE_SCHEMA)).to_dicts()]


def welfare_bytes(rows: list[dict]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def welfare_lines(staged) -> pl.DataFrame:
    if staged.welfare is None:
        return pl.DataFrame(schema=WELFARE_SCHEMA)
    rows = json.loads(staged.welfare.read_text(encoding="utf-8"))
    return pl.DataFrame(rows, schema=WELFARE_SCHEMA)


# --- leavers ----------------------------------------------------------------------------------


@dataclass
class LeaverResult:
    columns: pl.DataFrame  # row + the carried columns (and ytd_gross_pay) for the leavers' rows
    items: pl.DataFrame  # severance_pay items
    traces: dict[int, list[dict]] = field(default_factory=dict)  # row → extra trace entries


def _history(staged) -> dict:
    if staged.history is None:
        return {"workers": {}}
    return json.loads(staged.history.read_text(encoding="utf-8"))


def _opening_ytd(staged, year: int) -> dict:
    if staged.opening_ytd is None:
        return {}
    from payroll.settlement import load_ytd_csv

    return {y.worker_id: y for y in load_ytd_csv(staged.opening_ytd) if y.year == year}


def _opening_wages(staged) -> dict[str, dict[str, int]]:
    if staged.opening_wages is None:
        return {}
    from payroll.record.opening import load_wages_csv

    return load_wages_csv(staged.opening_wages)


def _claims(staged) -> dict:
    if staged.claims is None:
        return {}
    from payroll.settlement import load_claims

    return load_claims(staged.claims)


def _month_figures(frame: pl.DataFrame, items: pl.DataFrame, rows: list[int], leaving_pay: dict[int, int]) -> dict[int, dict[str, int]]:
    """This month's figures of the given rows, in the history's terms."""
    cols = [c for c in YTD_FIELDS if c in frame.columns]
    base = {r["row"]: {c: int(r.get(c) or 0) for c in YTD_FIELDS} for r in frame.filter(pl.col("row").is_in(rows)).select("row", *cols).to_dicts()}
    for it in items.filter(pl.col("row").is_in(rows)).select("row", "code", "amount").to_dicts():
        fig = base[it["row"]]
        code, amount = it["code"], int(it["amount"])
        key = "bonus" if code in BONUS_CODES else "annual_leave_pay" if code == LEAVE_PAY_CODE else None if code in NOT_AVERAGE_WAGE else "wages"
        if key:
            fig[key] = fig.get(key, 0) + amount
    for r, fig in base.items():
        for k in ("wages", "bonus", "annual_leave_pay"):
            fig.setdefault(k, 0)
        # the 연차수당 paid because the worker leaves is not in the 평균임금 (it arises only by leaving)
        fig["leaving_leave_pay"] = leaving_pay.get(r, 0)
    return base


#: 근로자퇴직급여 보장법 §9①: 퇴직금 within 14 days of the 퇴직 (extendable by agreement)
SEVERANCE_DUE = dt.timedelta(days=14)


def settle_leavers(staged, roster: Roster, frame: pl.DataFrame, items: pl.DataFrame, leaving_pay: dict[str, int], ctx: Context,
                   warnings: list[str]) -> LeaverResult | None:
    """The settlement and 퇴직금 of the month's leavers (None when nobody leaves)."""
    month = staged.month
    ends = leavers_of(roster, month)
    first_rows = frame.group_by("worker_id").agg(pl.col("row").min()).filter(pl.col("worker_id").is_in(list(ends)))
    if first_rows.height == 0:
        return None
    row_of = dict(zip(first_rows["worker_id"].to_list(), first_rows["row"].to_list()))
    year = int(month[:4])
    law = ctx.law
    hist = _history(staged)["workers"]
    opening = _opening_ytd(staged, year)
    opening_wages = _opening_wages(staged)
    claims = _claims(staged)
    info = {r["worker_id"]: r for r in frame.filter(pl.col("row").is_in(list(row_of.values()))).select("worker_id", "income_type", "birth_date").to_dicts()}
    now = _month_figures(frame, items, list(row_of.values()), {row_of[w]: a for w, a in leaving_pay.items() if w in row_of})

    from payroll.settlement import YearToDate, input_frame, settle_frame
    from payroll.settlement.engine import trace_of as settlement_trace
    from payroll.severance import compute_severance

    ytds: list[YearToDate] = []
    ytd_gross: dict[str, int] = {}
    traces: dict[int, list[dict]] = {}
    sev_rows: list[dict] = []
    retirement: dict[str, tuple[int, int]] = {}
    first_of_year = f"{year:04d}-01"
    for wid in sorted(row_of):
        row = row_of[wid]
        last_day = ends[wid]
        months = {m: f for m, f in hist.get(wid, {}).items()}
        months[month] = now[row]
        # --- settlement (not for 일용근로소득: taxed separately, §73①4) ---
        if (info[wid]["income_type"] or "regular") != "daily":
            before = [m for m in _months(first_of_year, month_add(month, -1)) if _employed(roster, wid, m)]
            missing = uncovered_months([m for m in before if m not in months], [m for m in months if m >= first_of_year], wid in opening)
            if missing:
                warnings.append(
                    f"{wid} leaves on {last_day}: no stored pay for {', '.join(missing)} (employed then); the 중도퇴사 settlement is not computed — "
                    f"give the earlier pay of {year} in ytd.csv (payroll.settlement.claims format) and run again"
                )
            else:
                ytd = year_to_date(wid, year, months, opening.get(wid), leaving_date=last_day, leaving_month=month,
                                   birth_date=_date(info[wid]["birth_date"]))
                ytds.append(ytd)
                ytd_gross[wid] = ytd.total_pay + ytd.non_taxable
        # --- 퇴직금 ---
        wages = dict(opening_wages.get(wid, {}))
        wages.update({m: f["wages"] for m, f in months.items()})
        year_back = last_twelve_pay_months(months, month)
        bonus_12m = sum(f["bonus"] for f in year_back)
        leave_12m = sum(f["annual_leave_pay"] - f.get("leaving_leave_pay", 0) for f in year_back)
        try:
            s = compute_severance(wid, roster.contracts_of(wid), last_day, wages, bonus_12m=bonus_12m, annual_leave_pay_12m=leave_12m, job=roster.workers[wid].job, law=law)
        except ValueError as exc:
            warnings.append(f"{wid} leaves on {last_day}: 퇴직금 not computed — {exc}; give them in wages.csv (worker_id, month, wages) and run again")
            continue
        traces.setdefault(row, [])
        if s.eligible and s.severance_pay > 0:
            method = severance_method(s)
            sev_rows.append({"row": row, "code": SEVERANCE_CODE, "amount": s.severance_pay, "method": method, "minutes": None})
            retirement[wid] = (s.retirement_income_tax, s.retirement_local_income_tax)
            if staged.pay_date > s.leaving_date + SEVERANCE_DUE:
                warnings.append(f"{wid}: 퇴직금 {s.severance_pay:,}원을 {staged.pay_date}에 지급 — 퇴직일 {s.leaving_date}로부터 14일이 지남 "
                                "(근로자퇴직급여 보장법 §9①: 특별한 사정이 있으면 당사자 합의로 연장) — 합의가 없으면 기한 안에 따로 지급하세요")
        traces[row] += [_plain(t) for t in s.trace]

    settled: dict[str, dict] = {}
    if ytds:
        out = settle_frame(input_frame(ytds, claims, law), law)
        for r in out.to_dicts():
            settled[r["worker_id"]] = r
            traces.setdefault(row_of[r["worker_id"]], [])
            traces[row_of[r["worker_id"]]] = [_plain(t) for t in settlement_trace(r, law)] + traces[row_of[r["worker_id"]]]
    cols = {"row": [], "settlement_income_tax": [], "settlement_local_income_tax": [], "retirement_income_tax": [],
            "retirement_local_income_tax": [], "ytd_gross_pay": []}
    for wid in sorted(row_of):
        if wid not in settled and wid not in retirement:
            continue
        cols["row"].append(row_of[wid])
        st = settled.get(wid)
        cols["settlement_income_tax"].append(int(st["settlement_income_tax"]) if st else 0)
        cols["settlement_local_income_tax"].append(int(st["settlement_local_income_tax"]) if st else 0)
        rt = retirement.get(wid, (0, 0))
        cols["retirement_income_tax"].append(rt[0])
        cols["retirement_local_income_tax"].append(rt[1])
        cols["ytd_gross_pay"].append(ytd_gross.get(wid))
    columns = pl.DataFrame(cols, schema={k: pl.Int64 for k in cols})
    sev = pl.DataFrame(sev_rows, schema=ITEM_SCHEMA) if sev_rows else _empty_items()
    return LeaverResult(columns=columns, items=sev, traces={r: t for r, t in traces.items() if t})


def _months(first: str, last: str) -> list[str]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = month_add(m, 1)
    return out


def _employed(roster: Roster, wid: str, month: str) -> bool:
    first, last = month_range(month)
    return any(c.start <= last and (c.end is None or c.end >= first) for c in roster.contracts_of(wid))


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _won_text(x: Fraction) -> str:
    whole = x.numerator // x.denominator
    return f"{whole:,}"


def _plain(entry: dict) -> dict:
    """A trace entry with JSON-safe values (Fractions as 'n/d', dates as ISO text)."""
    v = entry.get("value")
    if isinstance(v, Fraction):
        v = f"{v.numerator}/{v.denominator}"
    elif isinstance(v, (dt.date, dt.datetime)):
        v = v.isoformat()
    elif isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        pass
    else:
        v = str(v)
    return {**entry, "value": v}


# --- 연말정산 lines (February–April) -------------------------------------------------------------

YEAR_END_COLUMNS = ("year_end_income_tax", "year_end_local_income_tax", "year_end_total_pay", "year_end_deferred")


def apply_year_end(staged, workers: pl.DataFrame, row_of: dict[str, int], warnings: list[str]) -> tuple[pl.DataFrame, dict[int, list[dict]]]:
    """The previous year's 연말정산 lines due this month (``_payroll/yearend.json``) on each worker's
    first row, with a trace entry; a line of a worker without pay this month is a warning (never dropped)."""
    if staged.yearend is None:
        return workers, {}
    doc = json.loads(staged.yearend.read_text(encoding="utf-8"))
    rows, traces = {c: [] for c in ("row", *YEAR_END_COLUMNS)}, {}
    for line in doc["lines"]:
        wid = line["worker_id"]
        if wid not in row_of:
            warnings.append(f"{wid}: {line['year']}년 귀속 연말정산 {line['part']}/{line['parts']} 소득세 {line['income_tax']:,}원, 지방소득세 "
                            f"{line['local_income_tax']:,}원 (음수는 환급)이 이달 급여가 없어 반영되지 않음 — 따로 지급·징수하세요 (소득세법 §137, §139)")
            continue
        r = row_of[wid]
        rows["row"].append(r)
        rows["year_end_income_tax"].append(int(line["income_tax"]))
        rows["year_end_local_income_tax"].append(int(line["local_income_tax"]))
        rows["year_end_total_pay"].append(int(line["total_pay"]))
        rows["year_end_deferred"].append(int(line.get("deferred", 0)))
        part = f", 분납 {line['part']}/{line['parts']} (§137④)" if line["parts"] > 1 else ""
        traces[r] = [{"step": "yearend.line", "value": int(line["income_tax"]), "reference": "소득세법 §137①②④; 지방세법 §103의13",
                      "note": f"{line['year']}년 귀속 연말정산 차감징수세액 {line['settlement_income_tax']:,}원 (결정세액 {line['determined_tax']:,}원, "
                              f"batch {line['batch_id']}{part}); 이달 소득세 {line['income_tax']:,}원, 지방소득세 {line['local_income_tax']:,}원 (음수는 환급)"}]
    if not rows["row"]:
        return workers, {}
    lines = pl.DataFrame(rows, schema={"row": pl.Int64, **{c: pl.Int64 for c in YEAR_END_COLUMNS}})
    w = workers.drop([c for c in YEAR_END_COLUMNS if c in workers.columns]).join(lines, on="row", how="left")
    return w.with_columns([pl.col(c).fill_null(0) for c in YEAR_END_COLUMNS]), traces


def apply_leavers(workers: pl.DataFrame, result: LeaverResult) -> pl.DataFrame:
    """The worker frame with the leavers' carried columns set (other rows: 0 / null)."""
    carried = [c for c in result.columns.columns if c != "row"]
    w = workers.drop([c for c in carried if c in workers.columns])
    w = w.join(result.columns, on="row", how="left")
    return w.with_columns([pl.col(c).fill_null(0) for c in carried if c != "ytd_gross_pay"])

