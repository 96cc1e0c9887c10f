"""Worker-months for the document tests, computed by the real engine (payroll.engine.pipeline)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from payroll.case import case_frames, parse_case
from payroll.engine.pipeline import compute, default_context

PAY_DATE = "2026-04-24"
MONTH = "2026-04"


def _case(worker_id, pay_items, *, income_type="regular", employment="public_service", family=1, children=0, hours=209, birth="1980-05-01", hire="2020-03-01", **extra):
    worker = {
        "id": worker_id,
        "birth_date": birth,
        "hire_date": hire,
        "employment": employment,
        "income_type": income_type,
        "family": family,
        "children_8_20": children,
        "monthly_hours": hours,
        **extra,
    }
    doc = {"pay_date": PAY_DATE, "month": MONTH, "worker": worker, "pay_items": [{"code": c, "amount": a} for c, a in pay_items]}
    return parse_case(json.dumps(doc), source=f"fixture {worker_id}")


#: (case, name, department, bank, account, leave_date, overtime/night/holiday minutes)
WORKERS = [
    (_case("W001", [("base_pay", 2_500_000), ("overtime_pay", 180_000), ("night_pay", 24_000), ("meal", 200_000), ("group_insurance_taxable", 10_000)], family=3, children=1),
     "홍길동", "청소행정과", "국민은행", "123-456-789012", None, (600, 120, 0)),
    (_case("W002", [("base_pay", 3_600_000), ("holiday_work_pay", 150_000), ("position_allowance", 200_000), ("meal", 200_000)], employment="fixed_term", family=2),
     "김영희", "청소행정과", "신한은행", "110-222-333444", None, (0, 0, 480)),
    (_case("W003", [("base_pay", 2_000_000)], income_type="daily", employment="fixed_term", hours=80, work_days=10, daily_wages=[200_000] * 10),
     "이철수", "공원녹지과", "우리은행", "1002-333-444555", None, (0, 0, 0)),
    (_case("W004", [("base_pay", 4_200_000), ("annual_leave_pay", 300_000)], family=1),
     "박민수", "공원녹지과", "농협은행", "301-0000-1111-21", "2026-04-15", (0, 0, 0)),
    (_case("W005", [("base_pay", 2_156_880), ("meal", 150_000)], employment="fixed_term", hours=209),
     "최지은", None, "하나은행", "555-666666-77777", None, (0, 0, 0)),
]

EMPLOYER = {"name": "서울특별시 ○○구청", "business_number": "123-45-67890"}


def computed() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(results, items): the engine's result frame with the run's extra columns, and its pay items."""
    cases = [w[0] for w in WORKERS]
    workers, items = case_frames(cases)
    results = compute(workers, items, default_context())
    extra = pl.DataFrame(
        {
            "row": list(range(len(WORKERS))),
            "name": [w[1] for w in WORKERS],
            "department": [w[2] for w in WORKERS],
            "bank": [w[3] for w in WORKERS],
            "account": [w[4] for w in WORKERS],
            "leave_date": [dt.date.fromisoformat(w[5]) if w[5] else None for w in WORKERS],
            "overtime_minutes": [w[6][0] for w in WORKERS],
            "night_minutes": [w[6][1] for w in WORKERS],
            "holiday_work_minutes": [w[6][2] for w in WORKERS],
            "rrn": ["800501-1234567", "850101-2345678", "900101-1111111", "750101-1222222", "950505-2333333"],
        },
        schema_overrides={"department": pl.Utf8, "leave_date": pl.Date},
    )
    return results.join(extra, on="row", how="left"), items


METHODS = {
    "base_pay": ("209시간 × 시급 11,962원", 209 * 60),
    "overtime_pay": ("10시간 × 통상시급 12,000원 × 1.5", 600),
    "night_pay": ("2시간 × 통상시급 12,000원 × 0.5 (가산분)", 120),
    "holiday_work_pay": ("8시간 × 통상시급 12,500원 × 1.5", 480),
    "annual_leave_pay": ("미사용 연차 3일 × 8시간 × 12,500원", 24 * 60),
}


def payslip_items(items: pl.DataFrame, row: int) -> list[dict]:
    from payroll import pay_items

    catalogue = pay_items.current()
    out = []
    for code, amount in items.filter(pl.col("row") == row).select("code", "amount").iter_rows():
        method, minutes = METHODS.get(code, (None, None))
        out.append({"code": code, "label": catalogue.label(code), "amount": amount, "method": method, "minutes": minutes})
    return out
