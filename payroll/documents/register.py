"""급여대장 (임금대장) of a month as XLSX: one row per worker, subtotals by department.

근로기준법 §48① and 시행령 §27① ask the register to carry, for each worker: 성명; 생년월일·사원번호
(who the worker is); 고용 연월일; 종사하는 업무; 임금 및 가족수당의 계산기초가 되는 사항;
근로일수; 근로시간수; 연장·야간·휴일근로의 시간수; 기본급·각종 수당 … 임금의 내역별 금액; and
the deductions (§43① 단서). Columns, in that order:

    부서, 사원번호, 성명, 생년월일, 고용 연월일, 종사 업무, 임금 계산기초, 공제대상가족,
    근로일수, 근로시간수, 연장·야간·휴일 근로시간수 (hours, 2 decimals),
    one column per pay item of the month (catalogue order), 임금 총액, 비과세, 과세,
    each deduction, 공제 합계, 실지급액, 퇴직금 (when paid: not 임금, after the 임금 총액),
    the employer's shares, 지급 상태 (지급 / 보류), 비고 (the month's attendance decision).

Rows are sorted by department and worker id; after each department a 소계 row of its own, at the
end a 합계 row, then — when a worker's pay is held (지급 보류) — a 보류 row and the 지급 합계 (what
the bank file transfers). Totals are computed values (not formulas). Print setup: A3 landscape,
the title and header rows repeated on every page, fitted to one page wide, page numbers in the
footer. A second sheet (``사업별``) has the days, hours and money subtotalled by 사업 (the budget
line of each worker's contract in the month), for the 인건비 accounts; a third (``항목``) lists
each column's code for machines.

Deterministic: no clock — the workbook's dates are the month's pay date (see ``xlsx``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from payroll import pay_items as pay_items_module
from payroll.documents.xlsx import BOLD, BORDER, CENTER, HEADER_FILL, SUBTOTAL_FILL, TOTAL_FILL, WON_FORMAT, SheetCells, stamp_for, workbook_bytes

NO_DEPARTMENT = "(부서 미지정)"
NO_BUSINESS = "(사업 미지정)"
TITLE_FONT = Font(bold=True, size=14)
PAY_TYPES = {"hourly": "시급", "daily": "일급", "monthly": "월급"}
#: the identity columns (text): who the worker is and how the pay is computed (시행령 §27① 1–5호)
IDENTITY_COLUMNS = (
    ("department", "부서"), ("worker_id", "사원번호"), ("name", "성명"), ("birth_date", "생년월일"), ("hire_date", "고용 연월일"),
    ("job", "종사 업무"), ("pay_basis", "임금 계산기초"), ("family", "공제대상가족"),
)
#: days and hours (시행령 §27① 6–8호): (column, header, result column of minutes or None for days)
TIME_COLUMNS = (
    ("work_days", "근로일수", None), ("worked_hours", "근로시간수", "worked_minutes"), ("overtime_hours", "연장근로시간수", "overtime_minutes"),
    ("night_hours", "야간근로시간수", "night_minutes"), ("holiday_hours", "휴일근로시간수", "holiday_work_minutes"),
)
SUMMARY_COLUMNS = (("wages_total", "임금 총액"), ("non_taxable_pay", "비과세"), ("taxable_pay", "과세"))
EMPLOYER_COLUMNS = (
    ("employer_national_pension", "사용자 국민연금"),
    ("employer_health_insurance", "사용자 건강보험"),
    ("employer_long_term_care", "사용자 장기요양"),
    ("employer_employment_insurance", "사용자 고용보험"),
    ("employer_industrial_accident", "사용자 산재보험"),
    ("employer_total", "사용자 부담 합계"),
)
STATE_COLUMNS = (("pay_state_label", "지급 상태"), ("note", "비고"))
HOURS_FORMAT = "#,##0.00"
DAYS_FORMAT = "#,##0"
HUNDREDTH = Decimal("0.01")


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


def hours(minutes: int) -> Decimal:
    """Minutes as hours to the hundredth (a register shows hours; minutes are the timesheet's unit)."""
    return (Decimal(int(minutes)) / 60).quantize(HUNDREDTH)


def _with_identity(frame: pl.DataFrame) -> pl.DataFrame:
    for col, dtype in (("name", pl.Utf8), ("department", pl.Utf8), ("job", pl.Utf8), ("pay_type", pl.Utf8), ("wage", pl.Int64),
                       ("birth_date", pl.Utf8), ("hire_date", pl.Utf8), ("family", pl.Int64), ("pay_state", pl.Utf8), ("attendance_note", pl.Utf8),
                       ("work_days", pl.Int64), ("separate_pay", pl.Int64)):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(col))
    for _, _, minutes in TIME_COLUMNS:
        if minutes and minutes not in frame.columns:
            frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(minutes))
    basis = pl.format("{} {}원", pl.col("pay_type").replace_strict(PAY_TYPES, default=pl.col("pay_type")),
                      pl.col("wage").map_elements(lambda w: f"{w:,}", return_dtype=pl.Utf8))
    return frame.with_columns(
        pl.col("department").fill_null(NO_DEPARTMENT), pl.col("name").fill_null(""), pl.col("job").fill_null(""),
        pl.col("birth_date").cast(pl.Utf8).fill_null(""), pl.col("hire_date").cast(pl.Utf8).fill_null(""),
        pl.when(pl.col("pay_type").is_not_null() & pl.col("wage").is_not_null()).then(basis).otherwise(pl.lit("")).alias("pay_basis"),
        pl.when(pl.col("pay_state") == "held").then(pl.lit("보류")).otherwise(pl.lit("지급")).alias("pay_state_label"),
        pl.col("attendance_note").fill_null("").alias("note"),
        pl.col("work_days").fill_null(0).cast(pl.Int64),
        (pl.col("gross_pay").fill_null(0) - pl.col("separate_pay").fill_null(0)).cast(pl.Int64).alias("wages_total"),
        *[pl.col(m).fill_null(0).cast(pl.Int64) for _, _, m in TIME_COLUMNS if m],
    )


def register_table(results: pl.DataFrame, items: pl.DataFrame) -> tuple[list[tuple[str, str]], pl.DataFrame]:
    """The register as a frame: ([(column, header)], one row per worker, sorted). Money is Int64; the
    hours columns hold minutes here (the workbook shows them as hours)."""
    catalogue = pay_items_module.current()
    key = item_key(results, items)
    present = set(items.get_column("code").unique().to_list())
    order = [c for c in catalogue.items if c in present] + sorted(present - set(catalogue.items))
    separate = [c for c in order if c in catalogue.items and catalogue.items[c].tax == "separate"]
    item_cols = [(f"item:{c}", catalogue.label(c)) for c in order if c not in separate]
    separate_cols = [(f"item:{c}", f"{catalogue.label(c)} (임금 외)") for c in separate]
    if items.height:
        wide = (
            items.group_by([key, "code"]).agg(pl.col("amount").sum())
            .with_columns(("item:" + pl.col("code")).alias("code"))
            .pivot(on="code", index=key, values="amount")
        )
    else:
        wide = pl.DataFrame(schema={key: results.schema[key]})
    frame = _with_identity(results).join(wide, on=key, how="left")
    money = ([c for c, _ in item_cols] + [c for c, _ in SUMMARY_COLUMNS] + [c for c, _ in _deduction_columns(results)]
             + [c for c, _ in separate_cols] + [c for c, _ in EMPLOYER_COLUMNS])
    for c in money:
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(c))
    frame = frame.with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in money])
    frame = frame.with_columns([pl.col(m).alias(c) for c, _, m in TIME_COLUMNS if m])
    columns = (list(IDENTITY_COLUMNS) + [(c, h) for c, h, _ in TIME_COLUMNS] + item_cols + list(SUMMARY_COLUMNS) + _deduction_columns(results)
               + separate_cols + list(EMPLOYER_COLUMNS) + list(STATE_COLUMNS))
    frame = frame.sort(["department", "worker_id"]).select([c for c, _ in columns] + ["pay_state"])
    return columns, frame


def _shown(column: str, value):
    """A cell's value as the workbook shows it: hours from minutes."""
    if column in HOURS_COLUMNS:
        return hours(value or 0)
    return value


HOURS_COLUMNS = {c for c, _, m in TIME_COLUMNS if m}
NUMBER_COLUMNS = {c for c, _, _ in TIME_COLUMNS}


def register_xlsx(results: pl.DataFrame, items: pl.DataFrame) -> bytes:
    """The month's 급여대장 as XLSX bytes (deterministic), set up to print on A3 landscape."""
    columns, frame = register_table(results, items)
    names = [c for c, _ in columns]
    identity = len(IDENTITY_COLUMNS)
    summed = [c for c in names[identity:] if c not in dict(STATE_COLUMNS)]  # days, hours (as minutes) and money
    months = sorted(set(results.get_column("month").drop_nulls().to_list())) if "month" in results.columns else []
    pay_dates = sorted(set(results.get_column("pay_date").drop_nulls().to_list())) if "pay_date" in results.columns else []
    last_pay = pay_dates[-1] if pay_dates else None
    if isinstance(last_pay, str):
        last_pay = dt.date.fromisoformat(last_pay)

    wb = Workbook()
    ws = wb.active
    ws.title = "급여대장"
    cells = SheetCells(ws)
    # registered in the order the cells first use them, which keeps the workbook's style table stable
    title_style = cells.style(font=TITLE_FONT)
    header_style = cells.style(font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=CENTER)
    text_style = cells.style(border=BORDER)
    money_style = cells.style(border=BORDER, number_format=WON_FORMAT)
    hours_style = cells.style(border=BORDER, number_format=HOURS_FORMAT)
    days_style = cells.style(border=BORDER, number_format=DAYS_FORMAT)
    styles_by_kind = {}
    for kind, fill in (("worker", None), ("subtotal", SUBTOTAL_FILL), ("total", TOTAL_FILL)):
        if kind == "worker":
            text, money_s, hours_s, days_s = text_style, money_style, hours_style, days_style
        else:
            text = cells.style(border=BORDER, fill=fill, font=BOLD)
            money_s = cells.style(border=BORDER, number_format=WON_FORMAT, fill=fill, font=BOLD)
            hours_s = cells.style(border=BORDER, number_format=HOURS_FORMAT, fill=fill, font=BOLD)
            days_s = cells.style(border=BORDER, number_format=DAYS_FORMAT, fill=fill, font=BOLD)
        styles_by_kind[kind] = [
            hours_s if c in HOURS_COLUMNS else days_s if c in NUMBER_COLUMNS else money_s if c in summed else text for c in names
        ]

    notes = sorted(set(results.get_column("rules_note").drop_nulls().to_list())) if "rules_note" in results.columns else []
    provisional = any(n.startswith("잠정") for n in notes)
    title = (f"급여대장 (임금대장) {', '.join(months)}" + (f" (지급일 {', '.join(str(d) for d in pay_dates)})" if pay_dates else "")
             + (" — 잠정" if provisional else ""))
    cells.append([title], [title_style])
    subtitle = "근로기준법 §48① · 시행령 §27: 근로일수, 근로시간수, 연장·야간·휴일 근로시간수, 임금 내역별 금액, 공제 내역"
    cells.append([subtitle + (" — 규칙 상태: " + " / ".join(notes) if notes else "")])  # decision D14: provisional and unconfirmed figures
    header_row = 3
    cells.append([header for _, header in columns], [header_style] * len(columns))

    def line(label: str, count_text: str, sums: dict, kind: str, state: str = "", note: str = "") -> None:
        values = [label, count_text] + [""] * (identity - 2) + [_shown(c, sums[c]) for c in summed] + [state, note]
        cells.append(values, styles_by_kind[kind])

    def totals(part: pl.DataFrame) -> dict:
        row = part.select([pl.col(c).sum() for c in summed]).row(0) if part.height else [0] * len(summed)
        return {c: int(v or 0) for c, v in zip(summed, row)}

    for (dept,), part in frame.group_by(["department"], maintain_order=True):
        for row in part.select(names).iter_rows():
            cells.append([_shown(c, v) for c, v in zip(names, row)], styles_by_kind["worker"])
        line(dept, f"소계 {part.height}명", totals(part), "subtotal")
    line("합계", f"{frame.height}명", totals(frame), "total")
    held = frame.filter(pl.col("pay_state") == "held")
    if held.height:
        line("지급 보류", f"{held.height}명", totals(held), "subtotal", "보류", "이 달 이체하지 않음 (실행 기록에 남음)")
        line("지급 합계", f"{frame.height - held.height}명", totals(frame.filter(pl.col("pay_state") != "held")), "total", "지급", "이체 파일의 합계")

    ws.freeze_panes = f"D{header_row + 1}"  # a string: ws.cell() would put a cell into the sheet SheetCells writes
    for j, (col, header) in enumerate(columns, start=1):
        width = 16 if j == 1 else 11 if j <= 3 else 40 if col == "note" else max(10, min(18, len(header) * 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    _print_setup(ws, header_row, title)

    by_business = wb.create_sheet("사업별")
    business_cells = SheetCells(by_business)
    headers = dict(columns)
    business_cells.append(["사업", "인원"] + [headers[c] for c in summed], [header_style] * (len(summed) + 2))
    summed_styles = {kind: [styles[names.index(c)] for c in summed] for kind, styles in styles_by_kind.items()}
    tagged = frame.with_columns(_business_column(results, frame))
    for (business,), part in tagged.sort("business").group_by(["business"], maintain_order=True):
        sums = totals(part)
        business_cells.append([business, f"{part.height}명"] + [_shown(c, sums[c]) for c in summed], [styles_by_kind["subtotal"][0]] * 2 + summed_styles["subtotal"])
    sums = totals(frame)
    business_cells.append(["합계", f"{frame.height}명"] + [_shown(c, sums[c]) for c in summed], [styles_by_kind["total"][0]] * 2 + summed_styles["total"])
    by_business.column_dimensions["A"].width = 22

    codes = wb.create_sheet("항목")
    codes.append(["column", "header"])
    for col, header in columns:
        codes.append([col, header])
    return workbook_bytes(wb, stamp_for(last_pay), [cells, business_cells])


def _print_setup(ws, header_row: int, title: str) -> None:
    """A3 landscape, one page wide, the title and header rows on every page, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"1:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddHeader.left.text = title
    ws.oddHeader.left.size = 9
    ws.oddFooter.center.text = "&P / &N 쪽"
    ws.oddFooter.center.size = 9


def _business_column(results: pl.DataFrame, frame: pl.DataFrame) -> pl.Series:
    """Each register row's 사업 (the frame is sorted; the results carry ``business`` by worker)."""
    if "business" not in results.columns:
        return pl.Series("business", [NO_BUSINESS] * frame.height, dtype=pl.Utf8)
    by_worker = dict(zip(results.get_column("worker_id").to_list(), results.get_column("business").to_list()))
    return pl.Series("business", [by_worker.get(w) or NO_BUSINESS for w in frame.get_column("worker_id").to_list()], dtype=pl.Utf8)
