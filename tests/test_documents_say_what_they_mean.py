"""What the payslip and the register say: why a 0 is a 0, 퇴직금 apart from the 임금 총액 with its
basis (근로기준법 §2②), the attendance decision and a held month, and the register's §27 columns."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from fractions import Fraction
from types import SimpleNamespace

import openpyxl
import polars as pl
import pytest
from pypdf import PdfReader

from payroll.case import case_frames, parse_case
from payroll.documents.payslip import exemption_text, payslip_pdf
from payroll.documents.register import register_xlsx
from payroll.engine.pipeline import compute, default_context
from payroll.runs.extras import severance_method
from payroll.trace import trace_of

EMPLOYER = {"name": "서울특별시 ○○구청", "business_number": "305-83-00005"}


def _row(birth="1980-05-01", hours=209, hire="2020-03-01", items=(("base_pay", 2_500_000),), **extra):
    doc = {"pay_date": "2026-07-10", "month": "2026-06",
           "worker": {"id": "W1", "birth_date": birth, "hire_date": hire, "employment": "fixed_term", "income_type": "regular", "family": 1, "monthly_hours": hours},
           "pay_items": [{"code": c, "amount": a} for c, a in items]}
    workers, frame_items = case_frames([parse_case(json.dumps(doc))])
    row = compute(workers, frame_items, default_context()).row(0, named=True)
    row.update(name="가나다", department="총무과", overtime_minutes=0, night_minutes=0, holiday_work_minutes=0, **extra)
    return row


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


def _slip(row, items=None):
    items = items or [{"code": "base_pay", "label": "기본급", "amount": 2_500_000, "method": "월급", "minutes": None}]
    return _text(payslip_pdf(row, items, trace_of(row, default_context().law), EMPLOYER))


def test_an_exempt_deduction_says_why_instead_of_a_formula():
    old = _row(birth="1961-03-02")  # 65 in 2026-06: past the 국민연금 age, hired before 65
    assert old["national_pension"] == 0 and old["np_applies"] is False
    assert exemption_text("national_pension", old) == "60세 이상 — 국민연금 제외 (국민연금법 §8①, §12①4)"
    text = _slip(old)
    assert "60세이상—국민연금제외(국민연금법§8①,§12①4)0" in text
    assert "기준소득월액" not in text.split("국민연금60세")[0][-40:]  # no formula before the reason
    short = _row(hours=50)  # under 60 hours a month: no 건강보험, no 장기요양, no 국민연금
    assert exemption_text("health_insurance", short).startswith("1개월 소정근로시간 60시간 미만 — 건강보험 제외")
    assert exemption_text("long_term_care", short).startswith("1개월 소정근로시간 60시간 미만 — 장기요양보험 제외")
    covered = _row()
    assert covered["national_pension"] > 0 and exemption_text("national_pension", covered) is None
    assert re.search(r"국민연금기준소득월액2,500,000원×4\.75%", _slip(covered))


def test_severance_is_not_part_of_the_wages_and_names_its_daily_wage():
    row = _row(items=(("base_pay", 2_500_000), ("severance_pay", 9_000_000)))
    items = [{"code": "base_pay", "label": "기본급", "amount": 2_500_000, "method": "월급", "minutes": None},
             {"code": "severance_pay", "label": "퇴직금", "amount": 9_000_000, "method": "통상임금 적용: …", "minutes": None}]
    text = _slip(row, items)
    assert "임금총액2,500,000" in text and "퇴직금계9,000,000" in text
    assert text.index("임금총액2,500,000") < text.index("퇴직금(임금총액에들지않음")
    low = SimpleNamespace(window=(dt.date(2026, 3, 20), dt.date(2026, 6, 19)), window_days=92, window_wages=6_968_402,
                          daily_average=Fraction(6_968_402, 92), daily_ordinary=Fraction(96_968), daily_wage=Fraction(96_968), service_days=535)
    text = severance_method(low)
    assert text.startswith("통상임금 적용: 1일 평균임금 75,743원") and "1일 통상임금 96,968원보다 적어 통상임금을 평균임금으로 함 (근로기준법 §2②)" in text
    assert "96,968원 × 30일 × 재직일수 535일 ÷ 365" in text
    high = SimpleNamespace(**{**low.__dict__, "daily_ordinary": Fraction(60_000), "daily_wage": Fraction(6_968_402, 92)})
    assert severance_method(high).startswith("평균임금 적용: 1일 평균임금 75,743원") and "근로기준법 §2①6" in severance_method(high)


def test_a_held_payslip_and_a_decided_one_say_so():
    note = "근태 결정 — 지급 보류 (06-09 퇴근 기록 없음): 확인 중"
    text = _slip(_row(pay_state="held", attendance_note=note))
    assert note.replace(" ", "") in text and "지급보류:이달에는지급하지않습니다" in text and "실지급액(보류)" in text
    assert "이달에공제하지않음" in text  # the deductions shown are what paying would withhold (it said only "원천징수 없음")
    text = _slip(_row(pay_state="paid", attendance_note="근태 결정 — 소정근로시간대로 지급 (06-09 퇴근 기록 없음): 부서장 확인"))
    assert "소정근로시간대로지급(06-09퇴근기록없음):부서장확인" in text and "실지급액(보류)" not in text


@pytest.fixture
def month():
    rows = [
        _row(items=(("base_pay", 2_000_000), ("overtime_pay", 90_000))) | {"row": 0, "worker_id": "W1", "job": "환경미화", "pay_type": "hourly", "wage": 10_320,
                                                                            "work_days": 21, "worked_minutes": 10_110, "overtime_minutes": 390, "night_minutes": 45,
                                                                            "holiday_work_minutes": 480, "pay_state": "paid"},
        _row(items=(("base_pay", 1_500_000),)) | {"row": 1, "worker_id": "W2", "name": "라마바", "job": "행정보조", "pay_type": "monthly", "wage": 1_500_000,
                                                 "work_days": 20, "worked_minutes": 9_600, "pay_state": "held", "attendance_note": "근태 결정 — 지급 보류: 확인 중"},
    ]
    results = pl.DataFrame(rows, infer_schema_length=None)
    items = pl.DataFrame({"row": [0, 0, 1], "code": ["base_pay", "overtime_pay", "base_pay"], "amount": [2_000_000, 90_000, 1_500_000]})
    return results, items


def test_the_register_carries_the_items_of_article_27(month):
    results, items = month
    wb = openpyxl.load_workbook(io.BytesIO(register_xlsx(results, items)))
    ws = wb["급여대장"]
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    header, body = rows[0], rows[1:]
    for needed in ("성명", "생년월일", "사원번호", "고용 연월일", "종사 업무", "임금 계산기초", "근로일수", "근로시간수", "연장근로시간수",
                   "야간근로시간수", "휴일근로시간수", "기본급", "연장근로수당", "임금 총액", "국민연금", "소득세", "공제 합계", "실지급액", "지급 상태", "비고"):
        assert needed in header, needed
    col = {h: j for j, h in enumerate(header)}
    w1 = next(r for r in body if r[col["사원번호"]] == "W1")
    assert w1[col["임금 계산기초"]] == "시급 10,320원" and w1[col["종사 업무"]] == "환경미화" and w1[col["고용 연월일"]] == "2020-03-01"
    assert w1[col["근로일수"]] == 21 and w1[col["근로시간수"]] == 168.5 and w1[col["연장근로시간수"]] == 6.5
    assert w1[col["야간근로시간수"]] == 0.75 and w1[col["휴일근로시간수"]] == 8
    assert w1[col["지급 상태"]] == "지급"
    w2 = next(r for r in body if r[col["사원번호"]] == "W2")
    assert w2[col["지급 상태"]] == "보류" and w2[col["비고"]].startswith("근태 결정 — 지급 보류")
    # 합계, then what is held and what is transferred
    total = next(r for r in body if r[0] == "합계")
    held = next(r for r in body if r[0] == "지급 보류")
    paid = next(r for r in body if r[0] == "지급 합계")
    assert total[col["실지급액"]] == held[col["실지급액"]] + paid[col["실지급액"]]
    assert paid[col["실지급액"]] == w1[col["실지급액"]] and held[col["근로일수"]] == 20
    assert total[col["근로시간수"]] == 328.5  # summed in minutes, shown in hours
