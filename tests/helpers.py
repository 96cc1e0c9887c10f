"""Builders for engine inputs in tests."""

from __future__ import annotations

import datetime as dt
import json

from payroll.case import CaseIn, parse_case
from payroll.result import calculate


def case_dict(pay=3_000_000, month="2026-04", pay_date="2026-04-10", items=None, **worker) -> dict:
    w = {
        "id": "T1",
        "birth_date": "1980-03-15",
        "hire_date": "2020-01-01",
        "employment": "fixed_term",
        "income_type": "regular",
        "family": 1,
        "children_8_20": 0,
        "withholding_ratio": 100,
        "monthly_hours": 209,
    }
    w.update(worker)
    return {"pay_date": pay_date, "month": month, "worker": w, "pay_items": items if items is not None else [{"code": "base_pay", "amount": pay}]}


def case(**kw) -> CaseIn:
    return parse_case(json.dumps(case_dict(**kw)))


def calc(**kw) -> dict:
    return calculate(case(**kw))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
