"""임금명세서 (payslip): one worker's month as a one-page PDF, read from the engine row and its trace.

근로기준법 §48②: at each payment the employer gives a written or electronic 임금명세서 showing
"임금의 구성항목·계산방법, 제43조제1항 단서에 따라 임금의 일부를 공제한 경우의 내역 등
대통령령으로 정하는 사항". 시행령 §27의2 lists them; each is on this page:

1. 성명, 생년월일, 사원번호 등 근로자를 특정할 수 있는 정보 → 성명, 생년월일, 사원번호, 부서
   (never the 주민등록번호: the row's birth date only).
2. 임금지급일 → 임금지급일.
3. 임금 총액 → the 지급 table's total (``gross_pay``).
4. 기본급, 각종 수당, 상여금, 성과금, 그 밖의 임금의 구성항목별 금액 → one line per pay item;
   an item not paid in cash (a taxable benefit) says so.
5. 출근일수·근로시간 수 등에 따라 달라지는 항목의 계산방법, 연장·야간·휴일근로의 시간 수 →
   the 계산방법 column of each hour- or day-based item, and the 근로시간 block that always shows
   the 연장·야간·휴일 hours (0 when there were none).
6. 공제 항목별 금액과 총액 → the 공제 table and its total.

Beyond the decree: 비과세 and 과세 totals, the 실지급액 with its arithmetic, the employer, and a
계산 근거 section read from the trace (the articles and the rates in force on the row's dates).
A deduction that is 0 because the worker is not covered says why instead of a formula ("60세 이상
— 국민연금 제외"). 퇴직금 is not 임금 (근로자퇴직급여 보장법 §2): it has its own section after the
임금 총액, whose 계산방법 says whether the 평균임금 or the 통상임금 was used and why (근로기준법 §2②).
The clerk's attendance decision for the month (payroll.runs.decisions) is printed under the hours;
a held worker's payslip says that nothing is paid this month.

Not modelled: 시행령 §27의2 4호 단서 (pay in kind: 품명·수량·평가총액) — the district pays no
wages in kind; a non-cash taxable benefit (the employer-paid excess of a group insurance
premium) is listed with its 평가액 and marked as not paid out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any

from payroll import pay_items as pay_items_module
from payroll.case import InputError
from payroll.documents.pdf import Doc, minutes_text, render, won_text
from payroll.documents.trace_text import _int, _parsed_reference, _trace_by_step, deduction_method, exemption_text, parse_reference, percent_text  # noqa: F401 - the console and tests read them here too
from payroll.engine.pipeline import CARRIED_DEDUCTIONS, DEDUCTION_LABELS, DEDUCTIONS

# Hour-based pay items whose hours the decree requires: code → (label, result column of minutes).
HOURS_ITEMS = {
    "overtime_pay": ("연장근로", "overtime_minutes"),
    "night_pay": ("야간근로", "night_minutes"),
    "holiday_work_pay": ("휴일근로", "holiday_work_minutes"),
}

#: shown even when zero (the monthly deductions); the others only when not zero
ALWAYS_SHOWN = ("national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax")

TAX_TEXT = {
    "taxable": "과세",
    "non_taxable_limited": "비과세(한도)",
    "non_taxable": "비과세",
    "separate": "퇴직소득",
}
EMPLOYMENT_TEXT = {"public_service": "공무직", "fixed_term": "기간제"}

# Steps whose trace explains a deduction, in payslip order: step → heading.
BASIS_STEPS = {
    "national_pension": "국민연금",
    "health_insurance": "건강보험",
    "long_term_care": "장기요양보험",
    "employment_insurance": "고용보험",
    "income_tax": "소득세·지방소득세",
}


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _pay_period(result: dict, year: int, mon: int) -> tuple[dt.date, dt.date]:
    """The days of the month the pay is for (시행령 §27의2 3호 임금 산정기간): from a hire inside the
    month, to a last day of work inside it."""
    first, last = dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])
    hired, left = (as_date(result[k]) if result.get(k) else None for k in ("hire_date", "leave_date"))
    start = hired if hired is not None and first < hired <= last else first
    end = left if left is not None and start <= left < last else last
    return start, end


def _korean_date(day: dt.date | None) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일" if day else "—"


# --- the document --------------------------------------------------------------------------


def _hours(result: dict, items: Sequence[dict]) -> dict[str, int]:
    """연장·야간·휴일 minutes: from the row's columns, else from the hour-based items."""
    out = {}
    by_code: dict[str, list[dict]] = {}
    for item in items:
        by_code.setdefault(item["code"], []).append(item)
    for code, (label, column) in HOURS_ITEMS.items():
        if result.get(column) is not None:
            out[label] = int(result[column])
            continue
        paid = [i for i in by_code.get(code, []) if _int(i.get("amount"))]
        if any(i.get("minutes") is None for i in paid):
            raise InputError(
                f"임금명세서 {result.get('worker_id')}: 지급 항목 {code}을(를) 지급했는데 그 시간을 모릅니다 "
                f"(결과 열 {column}도 항목의 분도 없음): 근로기준법 시행령 §27의2 5호가 요구합니다"
            )
        out[label] = sum(int(i["minutes"]) for i in paid)
    return out


def _check(result: dict, items: Sequence[dict], catalogue) -> None:
    wid = result.get("worker_id")
    for field in ("worker_id", "name", "birth_date", "pay_date", "month"):
        if result.get(field) in (None, ""):
            raise InputError(f"임금명세서 {wid}: 결과 필드 {field!r}이(가) 없습니다; 임금명세서에 반드시 보여야 합니다 (근로기준법 시행령 §27의2)")
    for item in items:
        known = catalogue.items.get(item["code"])
        if known is not None and known.hour_based and int(item["amount"]) != 0 and not item.get("method"):
            raise InputError(
                f"임금명세서 {wid}: 지급 항목 {item['code']} ({known.label})은(는) 근로 시간이나 일수에 따르는데 계산방법이 없습니다 "
                "(근로기준법 시행령 §27의2 5호)"
            )
    total = sum(int(i["amount"]) for i in items)
    if total != int(result["gross_pay"]):
        raise InputError(f"임금명세서 {wid}: 지급 항목 합계 {total:,}이(가) 임금 총액 gross_pay {int(result['gross_pay']):,}와 다릅니다")


def payslip_pdf(result: dict, items: list[dict], trace: list[dict], employer: dict, *, password: str | None = None) -> bytes:
    """The 임금명세서 of one worker-month as PDF bytes (deterministic).

    ``result``: the worker's engine row (``compute()`` columns) plus ``name`` and ``department``
    (and, when the timesheet knows them, ``overtime_minutes``, ``night_minutes``,
    ``holiday_work_minutes``). ``items``: ``{code, label, amount, method, minutes}`` per pay item,
    in display order. ``trace``: ``payroll.trace.trace_of(row, law)``. ``employer``: ``{name}``
    and optionally ``business_number``, ``address``, ``contact``. ``password``: an encrypted copy
    (the e-mailed payslip, payroll/runs/mail.py).
    """
    catalogue = pay_items_module.current()
    _check(result, items, catalogue)
    if not employer or not employer.get("name"):
        raise InputError(f"임금명세서 {result.get('worker_id')}: 사업장 이름이 없습니다 (employer.toml의 name)")
    hours = _hours(result, items)
    steps = _trace_by_step(trace)
    month = str(result["month"])
    year, mon = (int(x) for x in month.split("-"))
    pay_date = as_date(result["pay_date"])
    birth = as_date(result["birth_date"])
    period = _pay_period(result, year, mon)
    gross = int(result["gross_pay"])
    noncash = _int(result.get("noncash_pay"))
    separate = _int(result.get("separate_pay"))
    deductions_total = int(result["deductions_total"])
    net = int(result["net_pay"])
    if gross - noncash - deductions_total != net:
        raise InputError(f"임금명세서 {result['worker_id']}: 임금 총액 {gross:,} − 비현금 {noncash:,} − 공제 {deductions_total:,} ≠ 실지급액 {net:,}")

    separate_codes = {code for code, known in catalogue.items.items() if known.tax == "separate"}
    severance_items = [i for i in items if (i.get("tax") or ("separate" if i["code"] in separate_codes else None)) == "separate"]
    wage_items = [i for i in items if i not in severance_items]
    wages_total = gross - separate  # 임금 총액: 퇴직금 is not 임금
    held = result.get("pay_state") == "held"
    employment = EMPLOYMENT_TEXT.get(str(result.get("employment")), str(result.get("employment") or "—"))
    if result.get("income_type") == "daily":
        employment = f"{employment} (일용근로소득)"

    def build(doc: Doc) -> None:
        rules_note = str(result.get("rules_note") or "")
        doc.title("임금명세서" + (" (잠정)" if rules_note.startswith("잠정") else ""), f"{year}년 {mon}월분")
        doc.kv(
            [
                ("성명", str(result["name"])),
                ("사원번호", str(result["worker_id"])),
                ("생년월일", _korean_date(birth)),
                ("부서", str(result.get("department") or "—")),
                ("임금지급일", _korean_date(pay_date)),
                ("임금 산정기간", f"{period[0].isoformat()} ~ {period[1].isoformat()}"),
                ("고용형태", employment),
                ("사업장", str(employer["name"])),
            ]
        )
        doc.heading("근로시간")
        doc.kv(
            [
                ("소정근로시간", f"월 {minutes_text(result.get('monthly_minutes'))}"),
                ("연장근로", minutes_text(hours["연장근로"])),
                ("야간근로", minutes_text(hours["야간근로"])),
                ("휴일근로", minutes_text(hours["휴일근로"])),
            ],
            columns=2,
        )

        if result.get("attendance_note"):
            doc.paragraph(str(result["attendance_note"]), size="small")
        if held:
            doc.paragraph("지급 보류: 이 달에는 지급하지 않습니다 (이체 없음, 원천징수 없음 — 아래 공제 내역과 실지급액은 지급할 때의 계산이며 이 달에 "
                          "공제하지 않음). 보류가 풀리면 다시 계산해 지급합니다 — "
                          "마감 전이면 이 달을 다시 실행하고, 마감 후이면 정정 실행의 소급분으로 다음 지급일에 지급합니다.", size="small")

        doc.heading("지급 내역")
        rows = []
        for item in wage_items:
            code = item["code"]
            known = catalogue.items.get(code)
            tax = item.get("tax") or (known.tax if known else None)
            kind = TAX_TEXT.get(tax, "") if tax else ""
            if known is not None and not known.cash:
                kind = "과세 (현금 지급 아님)"
            method = item.get("method") or ""
            rows.append(
                [
                    item.get("label") or catalogue.label(code),
                    minutes_text(item["minutes"]) if item.get("minutes") is not None else "",
                    method,
                    kind,
                    int(item["amount"]),
                ]
            )
        doc.table(
            ["항목", "시간", "계산방법", "구분", "금액 (원)"],
            rows,
            widths=[24, 13, 55, 13, 18],
            amount_cols={4},
            total=["임금 총액", "", "", "", wages_total],
        )
        summary = [
            ["과세 근로소득 (월급여액)", _int(result.get("taxable_pay"))],
            ["비과세 근로소득", _int(result.get("non_taxable_pay"))],
        ]
        if noncash:
            summary.append(["현금으로 지급하지 않는 과세분", noncash])
        doc.table(["임금 총액의 구성", "금액 (원)"], summary, widths=[105, 18], amount_cols={1}, size="small")

        if severance_items:
            doc.heading("퇴직금 (임금 총액에 들지 않음 — 근로자퇴직급여 보장법 §8, 퇴직소득)")
            doc.table(["항목", "계산방법", "금액 (원)"], [[i.get("label") or catalogue.label(i["code"]), i.get("method") or "", int(i["amount"])] for i in severance_items],
                      widths=[24, 81, 18], amount_cols={2}, total=["퇴직금 계", "", separate])

        doc.heading("공제 내역")
        drows = []
        for column in DEDUCTIONS + CARRIED_DEDUCTIONS:
            amount = _int(result.get(column))
            if column not in ALWAYS_SHOWN and amount == 0:
                continue
            drows.append([DEDUCTION_LABELS.get(column, column), deduction_method(column, result, steps), amount])
        doc.table(["항목", "계산방법", "금액 (원)"], drows, widths=[24, 81, 18], amount_cols={2}, total=["공제 합계", "", deductions_total])

        doc.spacer(2)
        arithmetic = f"임금 총액 {won_text(wages_total)}"
        if separate:
            arithmetic += f" + 퇴직금 {won_text(separate)}"
        if noncash:
            arithmetic += f" − 현금 지급 아닌 과세분 {won_text(noncash)}"
        arithmetic += f" − 공제 합계 {won_text(deductions_total)}"
        if held:
            arithmetic += " — 지급 보류: 이 달 이체하지 않음"
        doc.table(["실지급액", "", "금액 (원)"], [["", arithmetic, ""]], widths=[24, 81, 18], amount_cols={2},
                  total=["실지급액 (보류)" if held else "실지급액", "", net])

        doc.heading("계산 근거 (적용 법령과 요율)")
        for step, heading in BASIS_STEPS.items():
            entries = steps.get(step)
            if not entries:
                continue
            article, params = _parsed_reference(next(iter(entries.values()))["reference"])
            if step == "income_tax":
                values = []
                for column, label in (("table_tax", "간이세액표 세액"), ("child_tax_deduction", "자녀 공제")):
                    if column in entries and entries[column]["value"] is not None:
                        values.append(f"{label} {won_text(int(entries[column]['value']))}원")
                text = f"{heading}: {article}. " + ", ".join(values)
            else:
                shown = [f"{label} {value} ({citation})" for label, value, citation in params if "(사용자" not in label]
                text = f"{heading}: {article}. " + "; ".join(shown)
            doc.paragraph(text, size="tiny")
        if rules_note:  # decision D14: figures carried forward before their 고시, or rates not yet confirmed for the year
            doc.paragraph(f"규칙 상태 — {rules_note}", size="tiny")
        notes = [e["note"] for e in steps.get("eligibility", {}).values() if ":" in str(e.get("note", ""))]
        for note in notes:
            doc.paragraph(f"적용 제외·특례 — {note}", size="tiny")
        if _int(result.get("non_taxable_pay")):
            cls = steps.get("classify_pay", {})
            if cls:
                article, params = _parsed_reference(next(iter(cls.values()))["reference"])
                limits = "; ".join(f"{label} {value}원 ({citation})" for label, value, citation in params)
                doc.paragraph(f"비과세: {article}. {limits}", size="tiny")
        doc.spacer(2)
        issuer = [str(employer["name"])]
        for key in ("business_number", "address", "contact"):
            if employer.get(key):
                issuer.append(str(employer[key]))
        doc.paragraph("발행: " + " · ".join(issuer) + " — 근로기준법 §48② 및 시행령 §27의2에 따른 임금명세서", size="small")

    return render(
        build,
        title=f"임금명세서 {result['worker_id']} {month}",
        author=str(employer["name"]),
        subject=f"{month} 임금명세서",
        footer=f"{employer['name']} · {result['worker_id']} · {month} 임금명세서 (지급일 {pay_date.isoformat() if pay_date else '—'})",
        personal=[str(result["name"]), str(result["worker_id"]), str(result.get("department") or "")],
        password=password,
    )

