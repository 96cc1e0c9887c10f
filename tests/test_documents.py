"""Documents of the monthly run: payslip PDF, register XLSX, bank CSV, filing summaries.

Inputs are computed by the real engine (``documents_fixtures.computed``), so the documents read
the engine's own columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from pypdf import PdfReader

from documents_fixtures import EMPLOYER, METHODS, computed, payslip_items
from payroll.case import InputError
from payroll.documents import filings
from payroll.documents.bank_transfer import bank_transfer_csv
from payroll.documents.fonts import font_path, register_fonts
from payroll.documents.pdf import page_count, render
from payroll.documents.payslip import parse_reference, payslip_pdf, percent_text
from payroll.documents.register import register_table, register_xlsx
from payroll.trace import trace_of

GOLDEN = Path(__file__).parent / "golden"
RRN = re.compile(r"\d{6}-?[1-8]\d{6}")


@pytest.fixture(scope="module")
def month():
    return computed()


@pytest.fixture(scope="module")
def rows(month):
    results, _ = month
    return list(results.iter_rows(named=True))


def _payslip(month, law, index):
    results, items = month
    row = results.row(index, named=True)
    return row, payslip_pdf(row, payslip_items(items, index), trace_of(row, law), EMPLOYER)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- payslip --------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(5))
def test_payslip_shows_every_mandatory_item(month, law, index):
    results, items = month
    row, pdf = _payslip(month, law, index)
    text = _text(pdf)
    flat = _flat(text)
    assert page_count(pdf) == 1
    # 1. 성명, 생년월일, 사원번호, 부서
    assert row["name"] in text
    b = row["birth_date"]
    assert f"{b.year}년{b.month}월{b.day}일" in flat
    assert row["worker_id"] in text
    assert (row["department"] or "—") in text
    # 2. 임금지급일
    p = row["pay_date"]
    assert "임금지급일" in flat and f"{p.year}년{p.month}월{p.day}일" in flat
    # 3. 임금 총액
    assert "임금총액" in flat and f"{row['gross_pay']:,}" in flat
    # 임금 산정기간: the month, to the last day of work of a leaver inside it (W004 left 04-15; was the whole month)
    end = row["leave_date"].isoformat() if row["leave_date"] else "2026-04-30"
    assert f"임금산정기간2026-04-01~{end}" in flat
    # 4. each pay item and its amount
    for item in payslip_items(items, index):
        assert _flat(item["label"]) in flat
        assert f"{item['amount']:,}" in flat
        # 5. 계산방법 of each hour-based item
        if item["method"]:
            assert _flat(item["method"]) in flat
    # 5. 연장·야간·휴일 hours, always shown
    for label, column in (("연장근로", "overtime_minutes"), ("야간근로", "night_minutes"), ("휴일근로", "holiday_work_minutes")):
        minutes = row[column]
        hours = f"{minutes // 60}시간" + (f"{minutes % 60}분" if minutes % 60 else "")
        assert re.search(label + r"(\S*?)" + re.escape(hours), flat), (label, hours)
    # 6. each deduction and the total
    for label, column in (("국민연금", "national_pension"), ("건강보험", "health_insurance"), ("장기요양보험", "long_term_care"), ("고용보험", "employment_insurance"), ("소득세", "income_tax"), ("지방소득세", "local_income_tax")):
        assert label in flat
        assert f"{row[column]:,}" in flat
    assert "공제합계" in flat and f"{row['deductions_total']:,}" in flat
    # 실지급액, 비과세, employer, and the basis section
    assert "실지급액" in flat and f"{row['net_pay']:,}" in flat
    assert "비과세" in flat and f"{row['non_taxable_pay']:,}" in flat
    assert _flat(EMPLOYER["name"]) in flat
    assert "계산근거" in flat and "국민연금법" in flat and "소득세법" in flat


def test_payslip_hour_values_match_the_fixture(month, law):
    _, pdf = _payslip(month, law, 0)
    flat = _flat(_text(pdf))
    assert "연장근로10시간" in flat and "야간근로2시간" in flat and "휴일근로0시간" in flat
    assert _flat(METHODS["overtime_pay"][0]) in flat


def test_payslip_never_shows_a_resident_number(month, law, rows):
    for index, row in enumerate(rows):
        assert row["rrn"]  # the fixture carries one, to prove it is not printed
        _, pdf = _payslip(month, law, index)
        text = _text(pdf)
        assert not RRN.search(_flat(text))
        assert row["rrn"].encode() not in pdf


def test_payslip_net_arithmetic_and_noncash_line(month, law, rows):
    row, pdf = _payslip(month, law, 0)
    flat = _flat(_text(pdf))
    assert row["noncash_pay"] == 10_000
    assert "현금지급아닌과세분10,000" in flat
    assert row["gross_pay"] - row["noncash_pay"] - row["deductions_total"] == row["net_pay"]


def test_payslip_refuses_unknown_hours(month, law):
    results, items = month
    row = dict(results.row(0, named=True))
    row["overtime_minutes"] = None
    pi = payslip_items(items, 0)
    for item in pi:
        if item["code"] == "overtime_pay":
            item["minutes"] = None
    with pytest.raises(InputError, match="overtime_pay"):
        payslip_pdf(row, pi, trace_of(row, law), EMPLOYER)
    # with the item's minutes the row column is not needed
    pi = payslip_items(items, 0)
    assert _flat("연장근로10시간") in _flat(_text(payslip_pdf(row, pi, trace_of(row, law), EMPLOYER)))


def test_payslip_refuses_items_that_do_not_add_up(month, law):
    results, items = month
    row = results.row(0, named=True)
    pi = payslip_items(items, 0)[:-1]
    with pytest.raises(InputError, match="gross_pay"):
        payslip_pdf(row, pi, trace_of(row, law), EMPLOYER)


def test_payslip_requires_name_and_employer(month, law):
    results, items = month
    row = dict(results.row(0, named=True))
    row["name"] = None
    with pytest.raises(InputError, match="name"):
        payslip_pdf(row, payslip_items(items, 0), trace_of(row, law), EMPLOYER)
    row = results.row(0, named=True)
    with pytest.raises(InputError, match="employer"):
        payslip_pdf(row, payslip_items(items, 0), trace_of(row, law), {})


def test_payslip_is_deterministic_in_process(month, law):
    _, a = _payslip(month, law, 1)
    _, b = _payslip(month, law, 1)
    assert a == b
    assert b"CreationDate" not in a or b"D:20000101000000" in a  # invariant: no clock in the PDF


def test_payslip_embeds_only_the_noto_subset(month, law):
    """Text is set only in the embedded Noto subsets. (ReportLab always lists Helvetica as /F1 in
    its font dictionary; no text operator uses it, which is what this checks.)"""
    _, pdf = _payslip(month, law, 0)
    names = dict(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)[^>]*?/Name\s*/(F[0-9+]+)", pdf))
    embedded = {n for n in names if b"+NotoSansKR-" in n}
    assert {n.split(b"+")[1] for n in embedded} == {b"NotoSansKR-Regular", b"NotoSansKR-Bold"}
    assert b"/FontFile2" in pdf  # embedded TrueType
    reader = PdfReader(io.BytesIO(pdf))
    used = set()
    for page in reader.pages:
        used |= set(re.findall(rb"/(F[0-9+]+) [0-9.]+ Tf", page.get_contents().get_data()))
    allowed = {names[n] for n in embedded}
    assert used and used <= allowed, (used, names)


def test_one_page_with_many_items(month, law):
    results, items = month
    row = dict(results.row(1, named=True))
    pi = payslip_items(items, 1)
    extra = [("family_allowance", 40_000), ("risk_allowance", 50_000), ("holiday_bonus", 300_000), ("bonus", 100_000), ("retroactive_pay", 12_345), ("car_allowance", 200_000)]
    for code, amount in extra:
        pi.append({"code": code, "label": code, "amount": amount, "method": "정액", "minutes": None})
    row["gross_pay"] += sum(a for _, a in extra)
    row["net_pay"] += sum(a for _, a in extra)
    assert page_count(payslip_pdf(row, pi, trace_of(row, law), EMPLOYER)) == 1


def test_a_long_table_flows_onto_new_pages_with_its_header():
    def build(doc):
        doc.title("긴 표", "여러 쪽")
        doc.table(["번호", "내용", "금액 (원)"], [[f"행{i:03d}", "가나다라 " * (1 + i % 7), i * 1_000] for i in range(120)],
                  widths=[1, 4, 1], amount_cols={2}, total=["합계", "", sum(i * 1_000 for i in range(120))])
        doc.paragraph("표 다음 문단 " * 60, size="small")

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render(build, title="t", footer="꼬리말"))).pages]
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        assert "꼬리말" in text and f"{n}쪽" in text
        if n < len(pages):
            assert "번호" in text and "금액 (원)" in text  # the header row starts every page of the table
    shown = [m for text in pages for m in re.findall(r"행\d{3}", text)]
    assert shown == [f"행{i:03d}" for i in range(120)]  # every row once, in order
    assert f"{sum(i * 1_000 for i in range(120)):,}" in pages[-1] and "표 다음 문단" in pages[-1]


def test_a_long_kv_label_keeps_one_line_and_a_long_value_wraps():
    long_value = "근로자와 사용자는 " * 30

    def build(doc):
        doc.kv([("8. 사회보험 적용여부", long_value.strip())], columns=1)

    text = PdfReader(io.BytesIO(render(build, title="t"))).pages[0].extract_text()
    assert "8. 사회보험 적용여부" in text.splitlines()[0]
    assert text.replace("\n", " ").count("근로자와 사용자는") == 30


# --- golden bytes: the same input gives the same PDF in every process ------------------------


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def golden_input(month, law) -> dict:
    results, items = month
    row = results.row(0, named=True)
    return {
        "result": {k: _jsonable(v) for k, v in row.items() if k != "rrn"},
        "items": payslip_items(items, 0),
        "trace": [{**t, "value": _jsonable(t["value"])} for t in trace_of(row, law)],
        "employer": EMPLOYER,
    }


RENDER_GOLDEN = """
import json, sys, hashlib
from payroll.documents.payslip import payslip_pdf
doc = json.load(open(sys.argv[1], encoding="utf-8"))
pdf = payslip_pdf(doc["result"], doc["items"], doc["trace"], doc["employer"])
sys.stdout.write(hashlib.sha256(pdf).hexdigest())
"""


def test_golden_payslip_bytes_are_stable(month, law, tmp_path):
    """The committed input renders to the committed PDF, here and in a fresh process.

    Regenerate after a deliberate layout change: PAYROLL_UPDATE_GOLDEN=1 pytest tests/test_documents.py
    (then review the new PDF). The input is frozen JSON, so engine changes do not move it.
    """
    input_path = GOLDEN / "payslip_W001.json"
    pdf_path = GOLDEN / "payslip_W001.pdf"
    if os.environ.get("PAYROLL_UPDATE_GOLDEN") or not input_path.exists():
        input_path.write_text(json.dumps(golden_input(month, law), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    doc = json.loads(input_path.read_text(encoding="utf-8"))
    first = payslip_pdf(doc["result"], doc["items"], doc["trace"], doc["employer"])
    second = payslip_pdf(doc["result"], doc["items"], doc["trace"], doc["employer"])
    assert first == second
    if os.environ.get("PAYROLL_UPDATE_GOLDEN") or not pdf_path.exists():
        pdf_path.write_bytes(first)
    assert first == pdf_path.read_bytes(), "payslip bytes changed: review, then PAYROLL_UPDATE_GOLDEN=1"
    for _ in range(2):  # two fresh processes
        out = subprocess.run([sys.executable, "-c", RENDER_GOLDEN, str(input_path)], capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
        assert out.stdout == hashlib.sha256(first).hexdigest()


# --- register -------------------------------------------------------------------------------


def _sheet_rows(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["급여대장"]
    values = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    return values[0], values[1:]


#: the register's text columns: who the worker is (시행령 §27① 1–5호), then its state and note at the end
REGISTER_TEXT = {"부서", "사원번호", "성명", "생년월일", "고용 연월일", "종사 업무", "임금 계산기초", "공제대상가족", "지급 상태", "비고"}


def test_register_totals_equal_the_sum_of_rows(month):
    results, items = month
    data = register_xlsx(results, items)
    header, body = _sheet_rows(data)
    workers = [r for r in body if r[1] and not str(r[1]).startswith("소계") and r[0] != "합계"]
    subtotals = [r for r in body if r[1] and str(r[1]).startswith("소계")]
    grand = [r for r in body if r[0] == "합계"]
    assert len(workers) == results.height == 5
    assert len(grand) == 1
    assert {r[0] for r in subtotals} == {"청소행정과", "공원녹지과", "(부서 미지정)"}
    numeric = [j for j, h in enumerate(header) if h not in REGISTER_TEXT]
    for j in numeric:
        assert grand[0][j] == sum(r[j] for r in workers), header[j]
        for sub in subtotals:
            assert sub[j] == sum(r[j] for r in workers if r[0] == sub[0]), (header[j], sub[0])
    col = {h: j for j, h in enumerate(header)}
    assert grand[0][col["임금 총액"]] == results.get_column("gross_pay").sum()
    assert grand[0][col["실지급액"]] == results.get_column("net_pay").sum()
    assert grand[0][col["소득세"]] == results.get_column("income_tax").sum()
    # the register equals the payslips: each worker's items add up to the 임금 총액 column
    item_cols = [j for j, h in enumerate(header) if col["휴일근로시간수"] < j < col["임금 총액"]]
    for r in workers:
        assert sum(r[j] or 0 for j in item_cols) == r[col["임금 총액"]]
        assert r[col["임금 총액"]] - r[col["공제 합계"]] - (results.filter(pl.col("worker_id") == r[1]).item(0, "noncash_pay")) == r[col["실지급액"]]


def test_register_bytes_are_deterministic_and_hold_no_rrn(month):
    results, items = month
    a = register_xlsx(results, items)
    b = register_xlsx(results, items)
    assert a == b
    wb = openpyxl.load_workbook(io.BytesIO(a))
    assert wb.properties.created == dt.datetime(2026, 4, 24)
    for ws in wb.worksheets:
        for r in ws.iter_rows(values_only=True):
            for v in r:
                assert not (isinstance(v, str) and RRN.search(v))


def test_register_table_orders_items_by_catalogue(month):
    results, items = month
    columns, frame = register_table(results, items)
    codes = [c.removeprefix("item:") for c, _ in columns if c.startswith("item:")]
    from payroll import pay_items

    order = list(pay_items.current().items)
    assert codes == sorted(codes, key=order.index)
    assert frame.get_column("worker_id").to_list() == ["W005", "W003", "W004", "W001", "W002"]  # by department, then id


# --- bank transfer --------------------------------------------------------------------------


def test_bank_transfer_csv(month):
    results, _ = month
    data = bank_transfer_csv(results)
    assert data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["worker_id", "name", "bank", "account", "net_pay"]
    assert len(lines) == 1 + results.height
    assert sum(int(r[4]) for r in lines[1:]) == results.get_column("net_pay").sum()
    assert lines[1][3] == "123-456-789012"
    with_total = list(csv.reader(io.StringIO(bank_transfer_csv(results, total=True).decode("utf-8-sig"))))
    assert with_total[-1][0] == "TOTAL" and int(with_total[-1][4]) == results.get_column("net_pay").sum()
    assert b"\r\n" in data
    assert not RRN.search(data.decode("utf-8-sig"))


def test_bank_transfer_refuses_bad_rows(month):
    results, _ = month
    with pytest.raises(InputError, match="account: 근로자 W002"):
        bank_transfer_csv(results.with_columns(pl.when(pl.col("worker_id") == "W002").then(None).otherwise(pl.col("account")).alias("account")))
    with pytest.raises(InputError, match="net_pay: 근로자 W003의 실지급액 -10이\\(가\\) 음수입니다"):
        bank_transfer_csv(results.with_columns(pl.when(pl.col("worker_id") == "W003").then(-10).otherwise(pl.col("net_pay")).alias("net_pay")))
    with pytest.raises(InputError, match="bank"):
        bank_transfer_csv(results.drop("bank"))


# --- filings --------------------------------------------------------------------------------


def test_withholding_lines_equal_the_workers_taxes(month):
    results, _ = month
    lines = {l["code"]: l for l in filings.withholding_lines(results)}
    daily = results.filter(pl.col("income_type") == "daily")
    leavers = results.filter(pl.col("leave_date").is_between(dt.date(2026, 4, 1), dt.date(2026, 4, 30)) & (pl.col("income_type") != "daily"))
    regular = results.filter((pl.col("income_type") != "daily") & ~pl.col("worker_id").is_in(leavers.get_column("worker_id").to_list()))
    assert lines["A01"]["persons"] == regular.height == 3
    assert lines["A01"]["income_tax"] == regular.get_column("income_tax").sum()
    assert lines["A01"]["local_income_tax"] == regular.get_column("local_income_tax").sum()
    assert lines["A01"]["total_paid"] == (regular.get_column("taxable_pay") + regular.get_column("non_taxable_pay")).sum()
    assert lines["A02"]["persons"] == 1 and lines["A02"]["income_tax"] == leavers.get_column("income_tax").sum()
    assert lines["A03"]["persons"] == daily.height == 1
    assert lines["A03"]["income_tax"] == daily.get_column("income_tax").sum() > 0
    assert lines["A03"]["total_paid"] == daily.get_column("gross_pay").sum()
    assert lines["A10"]["income_tax"] == results.get_column("income_tax").sum()
    assert lines["A10"]["local_income_tax"] == results.get_column("local_income_tax").sum()
    assert lines["A10"]["persons"] == results.height
    assert "A20" not in lines


def test_withholding_adds_settlement_and_retirement(month):
    results, _ = month
    adjusted = results.with_columns(
        pl.when(pl.col("worker_id") == "W004").then(-50_000).otherwise(0).alias("settlement_income_tax"),
        pl.when(pl.col("worker_id") == "W004").then(-5_000).otherwise(0).alias("settlement_local_income_tax"),
        pl.when(pl.col("worker_id") == "W004").then(9_000_000).otherwise(0).alias("separate_pay"),
        pl.when(pl.col("worker_id") == "W004").then(120_000).otherwise(0).alias("retirement_income_tax"),
        pl.when(pl.col("worker_id") == "W004").then(12_000).otherwise(0).alias("retirement_local_income_tax"),
        pl.when(pl.col("worker_id") == "W004").then(18_000_000).otherwise(None).alias("ytd_gross_pay"),
    )
    lines = {l["code"]: l for l in filings.withholding_lines(adjusted)}
    w4 = results.filter(pl.col("worker_id") == "W004").row(0, named=True)
    assert lines["A02"]["income_tax"] == w4["income_tax"] - 50_000
    assert lines["A02"]["local_income_tax"] == w4["local_income_tax"] - 5_000
    assert lines["A02"]["total_paid"] == 18_000_000
    assert lines["A20"] == {**lines["A20"], "persons": 1, "total_paid": 9_000_000, "income_tax": 120_000, "local_income_tax": 12_000}


def test_insurance_summary_matches_columns(month):
    results, _ = month
    summary = {r["insurance"]: r for r in filings.insurance_summary(results)}
    assert summary["national_pension"]["employee"] == results.get_column("national_pension").sum()
    assert summary["national_pension"]["employer"] == results.get_column("employer_national_pension").sum()
    assert summary["long_term_care"]["employee"] == results.get_column("long_term_care").sum()
    assert summary["industrial_accident"]["employee"] == 0
    assert summary["industrial_accident"]["employer"] == results.get_column("employer_industrial_accident").sum() > 0
    assert summary["employment_insurance"]["employer"] + summary["employment_stability"]["employer"] == results.get_column("employer_employment_insurance").sum()
    emp = sum(results.get_column(c).sum() for c in ("national_pension", "health_insurance", "long_term_care", "employment_insurance"))
    assert summary["total"]["employee"] == emp
    assert summary["total"]["employer"] == results.get_column("employer_total").sum()


def test_filing_outputs_are_deterministic(month):
    results, _ = month
    assert filings.filings_xlsx(results) == filings.filings_xlsx(results)
    doc = json.loads(filings.filings_json(results))
    assert doc["months"] == ["2026-04"] and [l["code"] for l in doc["withholding"]] == ["A01", "A02", "A03", "A10"]
    rows = list(csv.reader(io.StringIO(filings.withholding_csv(results).decode("utf-8-sig"))))
    assert rows[0][:3] == ["code", "label", "persons"] and rows[1][0] == "A01"
    wb = openpyxl.load_workbook(io.BytesIO(filings.filings_xlsx(results)))
    assert wb.sheetnames == ["원천징수이행상황", "4대보험"]


# --- helpers --------------------------------------------------------------------------------


def test_percent_text_is_exact():
    assert percent_text("19/400") == "4.75%"
    assert percent_text("719/20000") == "3.595%"
    assert percent_text("1181/125000") == "0.9448%"
    assert percent_text("2362/17975").startswith("2362/17975 (≈13.14")


def test_parse_reference_keeps_semicolons_inside_parentheses():
    article, params = parse_reference(
        "보험료징수법 §13, decision D2; 고용안정 보험료율 (사용자; 국가·지방자치단체): 17/2000 — 시행령 §12①1라목 (대통령령 (2025 개정; 위원회), 시행 2013-01-01)"
    )
    assert article == "보험료징수법 §13"
    assert params == [("고용안정 보험료율 (사용자; 국가·지방자치단체)", "0.85%", "시행령 §12①1라목")]


def test_fonts_are_static_truetype_instances_outside_the_repo():
    from fontTools.ttLib import TTFont

    regular, bold = register_fonts()
    assert (regular, bold) == ("NotoSansKR-Regular", "NotoSansKR-Bold")
    repo = Path(__file__).resolve().parent.parent
    for weight, wght in (("regular", 400), ("bold", 700)):
        path = font_path(weight)
        assert repo not in path.resolve().parents
        font = TTFont(str(path), lazy=True)
        assert "fvar" not in font and "glyf" in font
        assert font["OS/2"].usWeightClass == wght


def test_payslip_refuses_an_hour_based_item_without_method(month, law):
    results, items = month
    row = results.row(0, named=True)
    pi = payslip_items(items, 0)
    for item in pi:
        if item["code"] == "overtime_pay":
            item["method"] = None
    with pytest.raises(InputError, match="overtime_pay.*계산방법"):
        payslip_pdf(row, pi, trace_of(row, law), EMPLOYER)


def test_payslip_of_a_leaver_shows_settlement_and_severance(law):
    """A leaver's last pay: the settlement refund and the 퇴직금 with its tax, all on one page."""
    import json as _json

    from payroll.case import case_frames, parse_case
    from payroll.engine.pipeline import compute, default_context

    doc = {
        "pay_date": "2026-04-24", "month": "2026-04",
        "worker": {"id": "W009", "birth_date": "1970-02-03", "hire_date": "2019-01-01", "employment": "public_service",
                   "income_type": "regular", "family": 2, "monthly_hours": 209},
        "pay_items": [{"code": "base_pay", "amount": 3_000_000}, {"code": "severance_pay", "amount": 21_000_000}],
    }
    workers, items = case_frames([parse_case(_json.dumps(doc))])
    workers = workers.with_columns(
        pl.lit(-84_000).alias("settlement_income_tax"), pl.lit(-8_400).alias("settlement_local_income_tax"),
        pl.lit(310_000).alias("retirement_income_tax"), pl.lit(31_000).alias("retirement_local_income_tax"),
    )
    row = compute(workers, items, default_context()).row(0, named=True)
    row.update(name="정다운", department="총무과", overtime_minutes=0, night_minutes=0, holiday_work_minutes=0)
    pi = [
        {"code": "base_pay", "label": "기본급", "amount": 3_000_000, "method": "월 209시간 × 14,354원", "minutes": 209 * 60},
        {"code": "severance_pay", "label": "퇴직금", "amount": 21_000_000, "method": "평균임금 × 30일 × 재직일수/365", "minutes": None},
    ]
    pdf = payslip_pdf(row, pi, trace_of(row, law), EMPLOYER)
    flat = _flat(_text(pdf))
    assert page_count(pdf) == 1
    for label, amount in (("중도퇴사정산소득세", "-84,000"), ("중도퇴사정산지방소득세", "-8,400"), ("퇴직소득세", "310,000"), ("퇴직소득지방소득세", "31,000")):
        assert re.search(re.escape(label) + r".{0,60}?(?<![0-9,])" + re.escape(amount), flat), label
    # 퇴직금 is not 임금: its own section after the 임금 총액, which is the wages alone
    assert "임금총액3,000,000" in flat and "퇴직금계21,000,000" in flat
    assert flat.index("임금총액3,000,000") < flat.index("퇴직금(임금총액에들지않음") < flat.index("퇴직금계21,000,000")
    assert "임금총액3,000,000+퇴직금21,000,000" in flat  # the 실지급액 arithmetic adds it back
    assert f"{row['net_pay']:,}" in flat
    assert row["deductions_total"] == sum(row[c] for c in ("national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax")) - 84_000 - 8_400 + 310_000 + 31_000


def test_bank_transfer_lists_a_shortfall_as_zero_when_the_run_asks(month):
    results, _ = month
    short = results.with_columns(pl.when(pl.col("worker_id") == "W003").then(-10).otherwise(pl.col("net_pay")).alias("net_pay"))
    rows = list(csv.reader(io.StringIO(bank_transfer_csv(short, shortfall_as_zero=True, total=True).decode("utf-8-sig"))))
    assert next(r for r in rows if r[0] == "W003")[4] == "0"
    assert int(rows[-1][4]) == short.get_column("net_pay").clip(lower_bound=0).sum()


# --- SheetCells: the register's and the exceptions workbook's cell writer -----------------------

TRICKY_VALUES = [
    "text", " padded ", "  ", "a&b<c>d\"'", "", "한글 이름", "tab\tand\nline", "=SUM(A1:A2)", "=", "#N/A", "x" * 33000,
    None, 0, -5, 2_759_044_891, 10**17, 1.5, -0.1, float("nan"), float("inf"), True, False,
    dt.date(2026, 6, 1), dt.date(1900, 2, 1), dt.datetime(2026, 6, 1, 9, 30), dt.time(9, 5), dt.timedelta(hours=3),
    __import__("decimal").Decimal("1.25"), __import__("decimal").Decimal("0.00"), __import__("decimal").Decimal("168.00"),
    __import__("decimal").Decimal("-0.5"), __import__("decimal").Decimal("1E+3"), __import__("decimal").Decimal("12345678901234567.89"),
    __import__("decimal").Decimal("NaN"), __import__("decimal").Decimal("-Infinity"),
]


def _styles():
    from payroll.documents.xlsx import BOLD, BORDER, CENTER, HEADER_FILL, TOTAL_FILL, WON_FORMAT

    return [
        {},
        {"font": BOLD, "fill": HEADER_FILL, "border": BORDER, "alignment": CENTER},
        {"border": BORDER, "number_format": WON_FORMAT},
        {"number_format": "yyyy-mm-dd", "fill": TOTAL_FILL},
    ]


def _openpyxl_reference(write_only: bool) -> bytes:
    """The tricky values written cell by cell by openpyxl itself, one row per style."""
    from openpyxl.cell import WriteOnlyCell

    from payroll.documents.xlsx import workbook_bytes
    from payroll.security.cells import put_value

    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    for r, style in enumerate(_styles(), start=1):
        values = ["first", *TRICKY_VALUES]
        row = []
        for j, v in enumerate(values, start=1):
            cell = WriteOnlyCell(ws) if write_only else ws.cell(row=r, column=j)
            for name, attr in style.items():
                setattr(cell, name, attr)
            put_value(cell, v)  # text stays text (payroll.security.cells): =SUM(…) and #N/A are strings
            row.append(cell)
        if write_only:
            ws.append(row)
    if write_only:
        ws.append([])
        ws.append(["after an empty row"])
    return workbook_bytes(wb, dt.datetime(2026, 7, 10))


def _sheet_cells_version(write_only: bool) -> bytes:
    from payroll.documents.xlsx import SheetCells, workbook_bytes

    wb = openpyxl.Workbook(write_only=write_only)
    cells = SheetCells(wb.create_sheet("s") if write_only else wb.active)
    for style in _styles():
        s = cells.style(**style)
        values = ["first", *TRICKY_VALUES]
        cells.append(values, [s] * len(values))
    if write_only:
        cells.append([])
        cells.append(["after an empty row"])
    return workbook_bytes(wb, dt.datetime(2026, 7, 10), [cells])


@pytest.mark.parametrize("write_only", [False, True])
def test_sheet_cells_write_the_bytes_openpyxl_writes(write_only):
    # every kind of value (texts openpyxl makes formulas or errors of, dates that get a number format, NaN…)
    # under every kind of style: the whole package is byte for byte what openpyxl's own cell writer gives
    assert _sheet_cells_version(write_only) == _openpyxl_reference(write_only)


def test_sheet_cells_of_many_rows_are_written_in_blocks_as_openpyxl_writes_them():
    # more rows than one write of SheetCells.write_spliced holds: the package's bytes do not change
    from payroll.documents import xlsx
    from payroll.security.cells import put_value

    rows = [[f"W{r:05d}", "한글 이름", r * 1_000, None if r % 7 else "=not a formula"] for r in range(2 * xlsx._ROWS_PER_WRITE + 5)]
    wb = openpyxl.Workbook()
    for r, values in enumerate(rows, start=1):
        for j, v in enumerate(values, start=1):
            if v is not None:
                put_value(wb.active.cell(row=r, column=j), v)
    reference = xlsx.workbook_bytes(wb, dt.datetime(2026, 7, 10))
    wb = openpyxl.Workbook()
    cells = xlsx.SheetCells(wb.active)
    for values in rows:
        cells.append(values)
    assert xlsx.workbook_bytes(wb, dt.datetime(2026, 7, 10), [cells]) == reference


def test_sheet_cells_refuse_what_openpyxl_refuses_and_replace_what_xml_cannot_hold():
    from payroll.documents.xlsx import SheetCells

    cells = SheetCells(openpyxl.Workbook().active)
    cells.append(["bell\x07"])  # a control character from an input never stops a run: it becomes U+FFFD
    assert "bell\ufffd" in cells.parts[-1]
    with pytest.raises(ValueError):
        cells.append([{"a": 1}])


def test_sheet_cells_need_a_sheet_without_openpyxl_cells():
    from payroll.documents.xlsx import SheetCells, workbook_bytes

    wb = openpyxl.Workbook()
    cells = SheetCells(wb.active)
    cells.append(["mine"])
    wb.active.cell(row=5, column=1, value="openpyxl's")
    with pytest.raises(RuntimeError, match="SheetCells"):
        workbook_bytes(wb, dt.datetime(2026, 7, 10), [cells])


def test_register_styles_widths_and_frozen_header(month):
    results, items = month
    columns, _ = register_table(results, items)
    wb = openpyxl.load_workbook(io.BytesIO(register_xlsx(results, items)))
    assert wb.sheetnames == ["급여대장", "사업별", "항목"]
    by_business = list(wb["사업별"].iter_rows(values_only=True))
    assert by_business[0][:2] == ("사업", "인원") and by_business[-1][:2] == ("합계", f"{results.height}명")
    # days, hours and money by 사업 (no identity or state columns); the subtotals add up to the grand
    # total, column for column (hours shown to the hundredth: within a hundredth per 사업)
    summed = len(by_business[0]) - 2
    assert summed == len(columns) - 8 - 2 and by_business[0][2] == "근로일수"
    groups = len(by_business) - 2
    for k in range(summed):
        total = sum(r[2 + k] for r in by_business[1:-1])
        assert total == pytest.approx(by_business[-1][2 + k], abs=0.01 * groups), by_business[0][2 + k]
    ws = wb["급여대장"]
    assert ws.freeze_panes == "D4"
    assert ws.dimensions == f"A1:{openpyxl.utils.get_column_letter(len(columns))}{3 + results.height + 3 + 1}"  # 3 departments, 합계
    # print setup: A3 landscape, one page wide, the title and header rows on every page, page numbers
    assert int(ws.page_setup.paperSize) == 8 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$3"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws["A1"].font.bold and ws["A1"].font.size == 14
    assert ws.column_dimensions["A"].width == 16 and ws.column_dimensions["B"].width == 11
    rows = list(ws.iter_rows(min_row=3))
    header, body = rows[0], rows[1:]
    assert all(c.font.bold and c.fill.fgColor.rgb == "00E8EDF2" and c.alignment.horizontal == "center" for c in header)
    for row in body:
        kind = "합계" if row[0].value == "합계" else ("소계" if str(row[1].value).startswith("소계") else "worker")
        fill = {"합계": "00DDE3EA", "소계": "00F4F6F8", "worker": None}[kind]
        for j, c in enumerate(row):
            assert c.border.left.style == "thin"
            assert c.font.bold == (kind != "worker")
            assert (c.fill.fgColor.rgb if c.fill.fill_type else None) == fill
            name = header[j].value
            expected = ("General" if name in REGISTER_TEXT else "#,##0" if name == "근로일수" else "#,##0.00" if name.endswith("시간수")
                        else "#,##0;-#,##0;0")
            assert c.number_format == expected, name
