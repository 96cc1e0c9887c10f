"""급여대장 (payroll register) of a month as XLSX: one row per worker, subtotals by department.

Columns: 부서, 사원번호, 성명, then one column per pay item that occurs in the month (in the
catalogue's order; label from the catalogue), 임금 총액, 비과세, 과세, each deduction, 공제 합계,
실지급액, then the employer's shares (국민연금, 건강보험, 장기요양, 고용보험, 산재보험, 합계).
Rows are sorted by department and worker id; after each department a 소계 row, at the end a
합계 row. A second sheet (``사업별``) has the same money columns subtotalled by 사업 (the budget line
of each worker's contract in the month), for the 인건비 accounts. Totals are computed values (not formulas), so the file reads the same without
recalculation; a second sheet (``항목``) lists each column's code for machines.

Deterministic: no clock — the workbook's dates are the month's pay date (see ``xlsx``).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from payroll import pay_items as pay_items_module
from payroll.documents.xlsx import BOLD, BORDER, CENTER, HEADER_FILL, SUBTOTAL_FILL, TOTAL_FILL, WON_FORMAT, SheetCells, stamp_for, workbook_bytes

NO_DEPARTMENT = "(부서 미지정)"
NO_BUSINESS = "(사업 미지정)"
TITLE_FONT = Font(bold=True, size=14)
SUMMARY_COLUMNS = (("gross_pay", "임금 총액"), ("non_taxable_pay", "비과세"), ("taxable_pay", "과세"))
EMPLOYER_COLUMNS = (
    ("employer_national_pension", "사용자 국민연금"),
    ("employer_health_insurance", "사용자 건강보험"),
    ("employer_long_term_care", "사용자 장기요양"),
    ("employer_employment_insurance", "사용자 고용보험"),
    ("employer_industrial_accident", "사용자 산재보험"),
    ("employer_total", "사용자 부담 합계"),
)


def _deduction_columns(results: pl.DataFrame) -> list[tuple[str, str]]:
    from payroll.engine import pipeline

    regular = [(c, pipeline.DEDUCTION_LABELS[c]) for c in pipeline.DEDUCTIONS]
    carried = [
        (c, pipeline.DEDUCTION_LABELS.get(c, c))
        for c in pipeline.CARRIED_DEDUCTIONS
        if c in results.columns and results.get_column(c).fill_null(0).abs().sum() > 0
    ]
    return regular + carried + [("deductions_total", "공제 합계"), ("net_pay", "실지급액")]


def item_key(results: pl.DataFrame, items: pl.DataFrame) -> str:
    """The column joining pay items to results: ``row`` when both have it, else ``worker_id``."""
    for key in ("row", "worker_id"):
        if key in results.columns and key in items.columns:
            return key
    raise ValueError("pay items need a 'row' or 'worker_id' column shared with the results")


def register_table(results: pl.DataFrame, items: pl.DataFrame) -> tuple[list[tuple[str, str]], pl.DataFrame]:
    """The register as a frame: ([(column, header)], one row per worker, sorted). Money is Int64."""
    catalogue = pay_items_module.current()
    key = item_key(results, items)
    present = set(items.get_column("code").unique().to_list())
    order = [c for c in catalogue.items if c in present] + sorted(present - set(catalogue.items))
    item_cols = [(f"item:{c}", catalogue.label(c)) for c in order]
    if items.height:
        wide = (
            items.group_by([key, "code"]).agg(pl.col("amount").sum())
            .with_columns(("item:" + pl.col("code")).alias("code"))
            .pivot(on="code", index=key, values="amount")
        )
    else:
        wide = pl.DataFrame(schema={key: results.schema[key]})
    frame = results
    for col, dtype in (("name", pl.Utf8), ("department", pl.Utf8)):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(col))
    frame = frame.with_columns(pl.col("department").fill_null(NO_DEPARTMENT), pl.col("name").fill_null(""))
    frame = frame.join(wide, on=key, how="left")
    money = [c for c, _ in item_cols] + [c for c, _ in SUMMARY_COLUMNS] + [c for c, _ in _deduction_columns(results)] + [c for c, _ in EMPLOYER_COLUMNS]
    for c in money:
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(c))
    frame = frame.with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in money])
    columns = [("department", "부서"), ("worker_id", "사원번호"), ("name", "성명")] + item_cols + list(SUMMARY_COLUMNS) + _deduction_columns(results) + list(EMPLOYER_COLUMNS)
    frame = frame.sort(["department", "worker_id"]).select([c for c, _ in columns])
    return columns, frame


def register_xlsx(results: pl.DataFrame, items: pl.DataFrame) -> bytes:
    """The month's 급여대장 as XLSX bytes (deterministic)."""
    columns, frame = register_table(results, items)
    money = [c for c, _ in columns[3:]]
    months = sorted(set(results.get_column("month").drop_nulls().to_list())) if "month" in results.columns else []
    pay_dates = sorted(set(results.get_column("pay_date").drop_nulls().to_list())) if "pay_date" in results.columns else []
    last_pay = pay_dates[-1] if pay_dates else None
    if isinstance(last_pay, str):
        last_pay = dt.date.fromisoformat(last_pay)

    wb = Workbook()
    ws = wb.active
    ws.title = "급여대장"
    cells = SheetCells(ws)
    # registered in the order the cells first use them, which keeps the workbook's style table as it was
    title_style = cells.style(font=TITLE_FONT)
    header_style = cells.style(font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=CENTER)
    text_style = cells.style(border=BORDER)
    money_style = cells.style(border=BORDER, number_format=WON_FORMAT)
    subtotal_text = cells.style(border=BORDER, fill=SUBTOTAL_FILL, font=BOLD)
    subtotal_money = cells.style(border=BORDER, number_format=WON_FORMAT, fill=SUBTOTAL_FILL, font=BOLD)
    total_text = cells.style(border=BORDER, fill=TOTAL_FILL, font=BOLD)
    total_money = cells.style(border=BORDER, number_format=WON_FORMAT, fill=TOTAL_FILL, font=BOLD)
    worker_styles = [text_style] * 3 + [money_style] * len(money)
    subtotal_styles = [subtotal_text] * 3 + [subtotal_money] * len(money)
    total_styles = [total_text] * 3 + [total_money] * len(money)

    notes = sorted(set(results.get_column("rules_note").drop_nulls().to_list())) if "rules_note" in results.columns else []
    provisional = any(n.startswith("잠정") for n in notes)
    title = f"급여대장 {', '.join(months)}" + (f" (지급일 {', '.join(str(d) for d in pay_dates)})" if pay_dates else "") + (" — 잠정" if provisional else "")
    cells.append([title], [title_style])
    cells.append(["규칙 상태: " + " / ".join(notes)] if notes else [])  # decision D14: provisional and unconfirmed figures
    header_row = 3
    cells.append([header for _, header in columns], [header_style] * len(columns))

    sums = frame.group_by("department").agg([pl.len().alias("_n")] + [pl.col(c).sum() for c in money]).sort("department")
    by_dept = {row[0]: row[1:] for row in sums.iter_rows()}
    for (dept,), part in frame.group_by(["department"], maintain_order=True):
        for row in part.iter_rows():
            cells.append(row, worker_styles)
        count, *totals = by_dept[dept]
        cells.append([dept, f"소계 {count}명", ""] + [int(v) for v in totals], subtotal_styles)
    grand = frame.select([pl.col(c).sum() for c in money]).row(0) if frame.height else [0] * len(money)
    cells.append(["합계", f"{frame.height}명", ""] + [int(v) for v in grand], total_styles)

    ws.freeze_panes = f"D{header_row + 1}"  # a string: ws.cell() would put a cell into the sheet SheetCells writes
    for j, (col, header) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = 16 if j == 1 else (11 if j <= 3 else max(12, min(18, len(header) * 2)))

    by_business = wb.create_sheet("사업별")
    business_cells = SheetCells(by_business)
    business_cells.append(["사업", "인원"] + [header for _, header in columns[3:]], [header_style] * (len(columns) - 1))
    tagged = frame.with_columns(_business_column(results, frame))
    for row in (tagged.group_by("business").agg([pl.len().alias("_n")] + [pl.col(c).sum() for c in money]).sort("business").iter_rows()):
        business_cells.append([row[0], f"{row[1]}명"] + [int(v) for v in row[2:]], [subtotal_text] * 2 + [subtotal_money] * len(money))
    business_cells.append(["합계", f"{frame.height}명"] + [int(v) for v in grand], [total_text] * 2 + [total_money] * len(money))
    by_business.column_dimensions["A"].width = 22

    codes = wb.create_sheet("항목")
    codes.append(["column", "header"])
    for col, header in columns:
        codes.append([col, header])
    return workbook_bytes(wb, stamp_for(last_pay), [cells, business_cells])


def _business_column(results: pl.DataFrame, frame: pl.DataFrame) -> pl.Series:
    """Each register row's 사업 (the frame is sorted; the results carry ``business`` by worker)."""
    if "business" not in results.columns:
        return pl.Series("business", [NO_BUSINESS] * frame.height, dtype=pl.Utf8)
    by_worker = dict(zip(results.get_column("worker_id").to_list(), results.get_column("business").to_list()))
    return pl.Series("business", [by_worker.get(w) or NO_BUSINESS for w in frame.get_column("worker_id").to_list()], dtype=pl.Utf8)
