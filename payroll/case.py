"""One worker-month as JSON (``payroll calc CASE.json``): the validated input and its frames."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from payroll import pay_items
from payroll.errors import InputError, NotApplicable, dumps  # noqa: F401  (their home was here; every area imports them from here)
from payroll.field_errors import describe

MINUTES_PER_HOUR = 60


class WorkerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(min_length=1)
    birth_date: dt.date
    hire_date: dt.date
    employment: Literal["fixed_term", "public_service"]
    income_type: Literal["regular", "daily"]
    family: int = Field(ge=1, le=99)
    children_8_20: int = Field(default=0, ge=0)
    withholding_ratio: Literal[80, 100, 120] = 100
    monthly_hours: Decimal = Field(ge=0, le=744, allow_inf_nan=False)
    weekly_hours: Decimal | None = Field(default=None, ge=0, le=168, allow_inf_nan=False)
    insurance_base: int | None = Field(default=None, ge=0)
    work_days: int | None = Field(default=None, ge=1, le=31)
    daily_wages: list[int] | None = None
    children_under_6: int | None = Field(default=None, ge=0)
    #: the last day of the employment when it is fixed (국민연금법 시행령 §2 1호: hired for under a month)
    contract_end: dt.date | None = None

    @field_validator("daily_wages")
    @classmethod
    def _non_negative_days(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and any(w < 0 for w in v):
            raise ValueError("일급은 모두 0 이상이어야 합니다")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "WorkerIn":
        if self.children_8_20 > self.family - 1:
            raise ValueError(f"자녀 수 children_8_20 ({self.children_8_20})은(는) 가족 수 family ({self.family}, 본인 포함) 안에 세어야 합니다")
        if self.hire_date < self.birth_date:
            raise ValueError("입사일 hire_date가 생년월일 birth_date보다 앞섭니다")
        if self.contract_end is not None and self.contract_end < self.hire_date:
            raise ValueError("계약 종료일 contract_end가 입사일 hire_date보다 앞섭니다")
        return self


class PayItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    code: str
    amount: int = Field(ge=0)


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    pay_date: dt.date
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    worker: WorkerIn
    pay_items: list[PayItemIn]

    @model_validator(mode="after")
    def _dates(self) -> "CaseIn":
        year, mon = (int(x) for x in self.month.split("-"))
        start = dt.date(year, mon, 1)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if self.worker.hire_date > end:
            raise ValueError(f"worker.hire_date {self.worker.hire_date}이(가) 그 달 {self.month}보다 뒤입니다")
        if self.worker.income_type == "daily" and self.worker.work_days is None and self.worker.daily_wages is None:
            raise ValueError("income_type \"daily\"에는 worker.work_days(또는 worker.daily_wages)가 필요합니다")
        return self


def _field_path(loc: tuple) -> str:
    parts = []
    for p in loc:
        if isinstance(p, int):
            parts[-1] = f"{parts[-1]}[{p}]" if parts else f"[{p}]"
        else:
            parts.append(str(p))
    return ".".join(parts)


def parse_case(text: str, source: str = "input") -> CaseIn:
    try:
        case = CaseIn.model_validate_json(text)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _field_path(tuple(err["loc"])) or "(문서)"
        if err["type"] == "json_invalid":
            raise InputError(f"{source}: 올바른 JSON이 아닙니다: {err.get('ctx', {}).get('error', err['msg'])}") from None
        raise InputError(f"{source}: {where}: {describe(err, extra='알 수 없는 필드입니다')}") from None
    catalogue = pay_items.current()
    for i, item in enumerate(case.pay_items):
        if item.code not in catalogue:
            raise InputError(f"{source}: pay_items[{i}].code: 알 수 없는 지급 코드 {item.code!r} (있는 코드: {', '.join(sorted(catalogue.items))})")
    return case


def hours_to_minutes(hours: Decimal) -> int:
    return int((hours * MINUTES_PER_HOUR).to_integral_value(rounding="ROUND_HALF_UP"))


def case_frames(cases: list[CaseIn]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Worker-month frame and pay-item frame for :func:`payroll.engine.pipeline.compute`."""
    workers = pl.DataFrame(
        {
            "row": list(range(len(cases))),
            "worker_id": [c.worker.id for c in cases],
            "month": [c.month for c in cases],
            "pay_date": [c.pay_date for c in cases],
            "birth_date": [c.worker.birth_date for c in cases],
            "hire_date": [c.worker.hire_date for c in cases],
            "employment": [c.worker.employment for c in cases],
            "income_type": [c.worker.income_type for c in cases],
            "family": [c.worker.family for c in cases],
            "children_8_20": [c.worker.children_8_20 for c in cases],
            "children_under_6": [c.worker.children_under_6 for c in cases],
            "withholding_ratio": [c.worker.withholding_ratio for c in cases],
            "monthly_minutes": [hours_to_minutes(c.worker.monthly_hours) for c in cases],
            "weekly_minutes": [hours_to_minutes(c.worker.weekly_hours) if c.worker.weekly_hours is not None else None for c in cases],
            "insurance_base": [c.worker.insurance_base for c in cases],
            "work_days": [c.worker.work_days for c in cases],
            "daily_wages": [c.worker.daily_wages for c in cases],
        },
        schema_overrides={"children_under_6": pl.Int64, "weekly_minutes": pl.Int64, "insurance_base": pl.Int64, "work_days": pl.Int64, "daily_wages": pl.List(pl.Int64)},
    )
    if any(c.worker.contract_end is not None for c in cases):
        # as a month's run gives it (payroll.engine.eligibility): the contract's end when it falls inside the month
        ends = [c.worker.contract_end if c.worker.contract_end is not None and c.worker.contract_end.strftime("%Y-%m") == c.month else None for c in cases]
        workers = workers.with_columns(pl.Series("leave_date", ends, dtype=pl.Date))
    rows, codes, amounts = [], [], []
    for i, c in enumerate(cases):
        for item in c.pay_items:
            rows.append(i)
            codes.append(item.code)
            amounts.append(item.amount)
    items = pl.DataFrame({"row": rows, "code": codes, "amount": amounts}, schema={"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64})
    return workers, items


def load_case_file(path: str) -> CaseIn:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: UTF-8 텍스트가 아닙니다") from None
    return parse_case(text, source=path)
