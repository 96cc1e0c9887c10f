"""The month's filing summaries: 원천징수이행상황신고서 근로소득 lines and a 4대보험 summary.

원천징수이행상황신고서 (소득세법 시행규칙 별지 제21호서식), 근로소득 lines as this module reads them:

* **A01 간이세액** — regular (non-daily) workers who did not leave in the month: persons, 총지급액,
  소득세 withheld by the 간이세액표.
* **A02 중도퇴사** — regular workers whose ``leave_date`` falls in the month (only when the results
  have that column): persons, 총지급액, 소득세 = the month's withholding plus the leaver's
  settlement (``settlement_income_tax``; negative = refund). When the results carry the leaver's
  year-to-date pay (``ytd_gross_pay``, from the settlement) it is the 총지급액, as the form asks
  for the 1월 1일–퇴사일 total; otherwise the month's pay is shown and the line says so.
* **A03 일용근로** — ``income_type == "daily"``: persons, 총지급액, 소득세.
* **A04 연말정산, A05 분납신청, A06 납부금액** — from the previous year's 연말정산 lines the
  February–April runs carry (payroll.yearend.installments; see :func:`year_end_lines`).
* **A10 가감계** — persons and 총지급액 of A01–A04; 소득세 of A01 + A02 + A03 + A06.
* **A20 퇴직소득** — only when a 퇴직금 (``separate_pay``) was paid: persons, 총지급액, 퇴직소득세.

Each worker is in exactly one of A01/A02/A03, so A10's tax equals the sum of all workers' 소득세
(and 연말정산 lines) withheld this month, and the 지방소득세 column the sum of their 지방소득세
(filed on the separate 특별징수 return).

총지급액 — our reading (the fact sheet does not settle it): the form's instructions count pay
*including* 비과세 and amounts below the tax threshold; so 총지급액 = 과세 + 비과세 근로소득
(``taxable_pay + non_taxable_pay``, i.e. 임금 총액 less any 퇴직소득). The form excludes the
비과세 items that need no 지급명세서 (미제출비과세); the pay-item catalogue does not yet mark which
items those are, so each line also gives ``taxable_pay`` and ``non_taxable_pay`` separately and the
clerk can subtract them. This is listed as an open point in docs/documents.md.

4대보험 summary: per insurance, persons charged, the base, the employee's share, the employer's
share, and the total; 고용보험's employer share is split into 실업급여 and 고용안정·직업능력개발;
산재보험 has an employer share only.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import polars as pl
from openpyxl import Workbook

from payroll.security.cells import csv_writer, set_cell
from payroll.documents.xlsx import BOLD, BORDER, CENTER, HEADER_FILL, TOTAL_FILL, WON_FORMAT, stamp_for, workbook_bytes

WITHHOLDING_FIELDS = ("code", "label", "persons", "total_paid", "taxable_pay", "non_taxable_pay", "income_tax", "local_income_tax", "note")
WITHHOLDING_HEADERS = ("코드", "구분", "인원", "총지급액", "과세", "비과세", "소득세", "지방소득세", "비고")
INSURANCE_FIELDS = ("insurance", "label", "persons", "base", "employee", "employer", "total")
INSURANCE_HEADERS = ("보험", "구분", "인원", "보수 합계", "근로자 부담", "사용자 부담", "합계")


def _col(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).fill_null(0).cast(pl.Int64) if name in frame.columns else pl.lit(0, dtype=pl.Int64)


def _month_bounds(frame: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    start = pl.col("month").str.strptime(pl.Date, "%Y-%m")
    return start, start.dt.month_end()


def _classified(results: pl.DataFrame) -> pl.DataFrame:
    f = results
    daily = pl.col("income_type").fill_null("regular") == "daily" if "income_type" in f.columns else pl.lit(False)
    if "leave_date" in f.columns:
        start, end = _month_bounds(f)
        leave = pl.col("leave_date").cast(pl.Date)
        left = leave.is_not_null() & (leave >= start) & (leave <= end)
    else:
        left = pl.lit(False)
    return f.with_columns(
        pl.when(daily).then(pl.lit("A03")).when(left).then(pl.lit("A02")).otherwise(pl.lit("A01")).alias("_line"),
        (_col(f, "taxable_pay") + _col(f, "non_taxable_pay")).alias("_paid"),
        (_col(f, "income_tax") + _col(f, "settlement_income_tax")).alias("_tax"),
        (_col(f, "local_income_tax") + _col(f, "settlement_local_income_tax")).alias("_local"),
        _col(f, "taxable_pay").alias("_taxable"),
        _col(f, "non_taxable_pay").alias("_nontax"),
        (_col(f, "ytd_gross_pay") if "ytd_gross_pay" in f.columns else pl.lit(None, dtype=pl.Int64)).alias("_ytd"),
    )


LINE_LABELS = {"A01": "근로소득 간이세액", "A02": "근로소득 중도퇴사", "A03": "근로소득 일용근로", "A04": "근로소득 연말정산",
               "A05": "연말정산 분납신청", "A06": "연말정산 납부금액", "A10": "근로소득 가감계", "A20": "퇴직소득"}


def year_end_lines(f: pl.DataFrame) -> list[dict[str, Any]]:
    """A04 연말정산, A05 분납신청, A06 납부금액 from the carried 연말정산 lines (payroll.yearend.installments).

    Our reading of the form (별지 제21호서식 작성방법; not confirmed against the current 작성요령): in the
    February return A04 holds the persons settled, their year's pay (총급여 + 비과세) and the whole 차감징수세액 (additional
    tax less refunds, signed), A05 the part left to March and April (§137④), A06 = A04 − A05; the March
    and April returns put that month's 분납 part on A04 (no persons, no pay) and A06."""
    ye, local, pay, deferred = (_col(f, k) for k in ("year_end_income_tax", "year_end_local_income_tax", "year_end_total_pay", "year_end_deferred"))
    t = f.select((pay > 0).sum().alias("persons"), pay.sum().alias("pay"), (ye + deferred).sum().alias("tax"), ye.sum().alias("now"),
                 deferred.sum().alias("deferred"), (deferred > 0).sum().alias("spread"), local.sum().alias("local"),
                 ((ye != 0) | (deferred != 0)).sum().alias("lines")).row(0, named=True)
    if not t["lines"] and not t["persons"]:
        return []  # a month without 연말정산 lines: the lines are not shown (as before February)
    local_deferred = 0  # 지방소득세 is split like the 소득세 (installments.split): its deferred part is not on this return
    base = {"taxable_pay": 0, "non_taxable_pay": 0}
    return [
        {"code": "A04", "label": LINE_LABELS["A04"], "persons": int(t["persons"] or 0), "total_paid": int(t["pay"] or 0), **base,
         "income_tax": int(t["tax"] or 0), "local_income_tax": int(t["local"] or 0) + local_deferred,
         "note": "연간 총지급액 (총급여 + 비과세, 2월분) · 차감징수세액 (추가납부 − 환급; 3·4월은 분납분)" if t["lines"] else ""},
        {"code": "A05", "label": LINE_LABELS["A05"], "persons": int(t["spread"] or 0), "total_paid": 0, **base,
         "income_tax": int(t["deferred"] or 0), "local_income_tax": 0, "note": "§137④: 3월분·4월분으로 나누어 징수할 금액" if t["deferred"] else ""},
        {"code": "A06", "label": LINE_LABELS["A06"], "persons": 0, "total_paid": 0, **base,
         "income_tax": int(t["now"] or 0), "local_income_tax": int(t["local"] or 0), "note": "A04 − A05 (이달 징수·환급하는 연말정산 세액)" if t["lines"] else ""},
    ]


def withholding_lines(results: pl.DataFrame) -> list[dict[str, Any]]:
    """The 근로소득 (and 퇴직소득) lines of the month's 원천징수이행상황신고서, as plain dicts."""
    f = _classified(results)
    agg = (
        f.group_by("_line")
        .agg(
            pl.col("worker_id").n_unique().alias("persons"),
            pl.col("_paid").sum().alias("total_paid"),
            pl.col("_taxable").sum().alias("taxable_pay"),
            pl.col("_nontax").sum().alias("non_taxable_pay"),
            pl.col("_tax").sum().alias("income_tax"),
            pl.col("_local").sum().alias("local_income_tax"),
            pl.col("_ytd").is_not_null().all().alias("has_ytd"),
            pl.col("_ytd").sum().alias("ytd"),
        )
    )
    by_line = {row["_line"]: row for row in agg.iter_rows(named=True)}
    lines = []
    for code in ("A01", "A02", "A03"):
        row = by_line.get(code)
        line = {
            "code": code,
            "label": LINE_LABELS[code],
            "persons": int(row["persons"]) if row else 0,
            "total_paid": int(row["total_paid"]) if row else 0,
            "taxable_pay": int(row["taxable_pay"]) if row else 0,
            "non_taxable_pay": int(row["non_taxable_pay"]) if row else 0,
            "income_tax": int(row["income_tax"]) if row else 0,
            "local_income_tax": int(row["local_income_tax"]) if row else 0,
            "note": "",
        }
        if code == "A02" and row:
            if row["has_ytd"]:
                line["total_paid"] = int(row["ytd"])
                line["note"] = "총지급액: 1월 1일부터 퇴사일까지 (ytd_gross_pay); 소득세: 이달 원천징수 + 정산세액"
            else:
                line["note"] = "총지급액: 이달 지급분 (연간 누계 없음); 소득세: 이달 원천징수 + 정산세액"
        lines.append(line)
    lines += year_end_lines(f)
    by_code = {line["code"]: line for line in lines}
    total = {
        "code": "A10",
        "label": LINE_LABELS["A10"],
        **{k: sum(by_code[c][k] for c in ("A01", "A02", "A03", "A04") if c in by_code) for k in ("persons", "total_paid", "taxable_pay", "non_taxable_pay")},
        **{k: sum(by_code[c][k] for c in ("A01", "A02", "A03", "A06") if c in by_code) for k in ("income_tax", "local_income_tax")},
        "note": "인원·총지급액: A01~A04; 세액: A01 + A02 + A03 + A06 (A04 중 분납신청 A05는 이달 세액에서 뺌)",
    }
    lines.append(total)
    retirement = f.filter(_col(f, "separate_pay") != 0)
    if retirement.height:
        lines.append(
            {
                "code": "A20",
                "label": LINE_LABELS["A20"],
                "persons": retirement.get_column("worker_id").n_unique(),
                "total_paid": int(retirement.select(_col(retirement, "separate_pay").sum()).item()),
                "taxable_pay": 0,
                "non_taxable_pay": 0,
                "income_tax": int(retirement.select(_col(retirement, "retirement_income_tax").sum()).item()),
                "local_income_tax": int(retirement.select(_col(retirement, "retirement_local_income_tax").sum()).item()),
                "note": "퇴직금 (소득세법 §146)",
            }
        )
    return lines


INSURANCES = (
    # key, label, applies column, base column, employee column, employer column
    ("national_pension", "국민연금", "np_base", "national_pension", "employer_national_pension"),
    ("health_insurance", "건강보험", "hi_base", "health_insurance", "employer_health_insurance"),
    ("long_term_care", "장기요양보험", None, "long_term_care", "employer_long_term_care"),
    ("employment_insurance", "고용보험 (실업급여)", "ei_base", "employment_insurance", "employer_ei_unemployment"),
    ("employment_stability", "고용보험 (고용안정·직업능력개발)", "ei_base", None, "employer_ei_stability"),
    ("industrial_accident", "산재보험 (사용자만)", "taxable_pay", None, "employer_industrial_accident"),
)


def insurance_summary(results: pl.DataFrame) -> list[dict[str, Any]]:
    """Employee and employer shares by insurance for the month, plus a total line."""
    f = results
    rows = []
    for key, label, base, employee, employer in INSURANCES:
        emp = _col(f, employee) if employee else pl.lit(0, dtype=pl.Int64)
        er = _col(f, employer)
        charged = (emp != 0) | (er != 0)
        base_expr = pl.when(charged).then(_col(f, base)).otherwise(0) if base else pl.lit(0, dtype=pl.Int64)
        out = f.select(
            charged.sum().alias("persons"),
            base_expr.sum().alias("base"),
            emp.sum().alias("employee"),
            er.sum().alias("employer"),
        ).row(0, named=True)
        employee_total = int(out["employee"] or 0)
        employer_total = int(out["employer"] or 0)
        rows.append(
            {
                "insurance": key,
                "label": label,
                "persons": int(out["persons"] or 0),
                "base": int(out["base"] or 0) if base else None,
                "employee": employee_total,
                "employer": employer_total,
                "total": employee_total + employer_total,
            }
        )
    rows.append(
        {
            "insurance": "total",
            "label": "합계",
            "persons": f.height,
            "base": None,
            "employee": sum(r["employee"] for r in rows),
            "employer": sum(r["employer"] for r in rows),
            "total": sum(r["total"] for r in rows),
        }
    )
    return rows


def _period(results: pl.DataFrame) -> dict[str, Any]:
    months = sorted(set(results.get_column("month").drop_nulls().to_list())) if "month" in results.columns else []
    dates = sorted(set(results.get_column("pay_date").drop_nulls().to_list())) if "pay_date" in results.columns else []
    return {"months": months, "pay_dates": [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in dates]}


def filings(results: pl.DataFrame) -> dict[str, Any]:
    """Both summaries as one JSON-able dict."""
    return {**_period(results), "withholding": withholding_lines(results), "insurance": insurance_summary(results)}


def filings_json(results: pl.DataFrame) -> bytes:
    return (json.dumps(filings(results), ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _csv(fields: tuple[str, ...], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow(["" if row[k] is None else row[k] for k in fields])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def withholding_csv(results: pl.DataFrame) -> bytes:
    """The withholding lines as CSV (UTF-8 with BOM, machine field names in the header)."""
    return _csv(WITHHOLDING_FIELDS, withholding_lines(results))


def insurance_csv(results: pl.DataFrame) -> bytes:
    return _csv(INSURANCE_FIELDS, insurance_summary(results))


def filings_xlsx(results: pl.DataFrame) -> bytes:
    """Both summaries in one workbook (sheets 원천징수이행상황, 4대보험), deterministic bytes."""
    period = _period(results)
    wb = Workbook()
    sheets = (
        ("원천징수이행상황", WITHHOLDING_FIELDS, WITHHOLDING_HEADERS, withholding_lines(results), {"A10"}),
        ("4대보험", INSURANCE_FIELDS, INSURANCE_HEADERS, insurance_summary(results), {"total"}),
    )
    for index, (title, fields, headers, rows, total_keys) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        set_cell(ws, 1, 1, f"{title} {', '.join(period['months'])} (지급일 {', '.join(period['pay_dates'])})").font = BOLD
        for j, h in enumerate(headers, start=1):
            c = set_cell(ws, 3, j, h)
            c.font, c.fill, c.alignment, c.border = BOLD, HEADER_FILL, CENTER, BORDER
        for i, row in enumerate(rows, start=4):
            for j, k in enumerate(fields, start=1):
                c = set_cell(ws, i, j, row[k])
                c.border = BORDER
                if isinstance(row[k], int) and k not in ("persons",):
                    c.number_format = WON_FORMAT
                if row[fields[0]] in total_keys:
                    c.font, c.fill = BOLD, TOTAL_FILL
        for j in range(1, len(fields) + 1):
            ws.column_dimensions[chr(64 + j)].width = 30 if j == 2 else 14
    last = period["pay_dates"][-1] if period["pay_dates"] else None
    return workbook_bytes(wb, stamp_for(dt.date.fromisoformat(last) if last else None))
