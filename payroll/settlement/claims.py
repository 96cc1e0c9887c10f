"""Year-to-date figures and the 소득·세액공제신고서 claims: the inputs of a settlement.

YTD CSV (``--ytd FILE``), UTF-8 (or CP949), one row per worker and tax year::

    worker_id, year, total_pay, non_taxable, national_pension, health_insurance,
    long_term_care, employment_insurance, income_tax, local_income_tax[, leaving_date, birth_date]

- total_pay: 총급여 from 1 January (비과세 excluded), won
- non_taxable: 비과세 소득 of the same period (shown on the certificate; not taxed)
- national_pension … employment_insurance: the worker's own premiums withheld in the year
- income_tax, local_income_tax: tax already withheld in the year (기납부세액)
- leaving_date: empty for a worker still employed (year-end settlement)

Claims file (JSON; one object or a list of objects), the 소득·세액공제신고서 of a worker::

    {"worker_id": "W001", "year": 2026,
     "dependants": [{"name": "배우자", "relationship": "spouse", "birth_date": "1990-01-01",
                     "income": 0, "wage_only": false, "disabled": false}],
     "self_disabled": false, "woman": false, "single_parent": false,
     "insurance_premiums": 600000, "disabled_insurance_premiums": 0,
     "births": [2], "itemise": "auto"}

- relationship: spouse | ascendant (직계존속) | descendant (직계비속·입양자) | sibling | foster (위탁아동)
  | recipient (기초생활수급자)
- income: the dependant's 소득금액 for the year; ``wage_only`` true means ``income`` is 총급여 of
  wages only (the 500만원 test of §50①)
- births: the birth order (1, 2, 3…) of each child born or adopted in the year (§59의2③)
- itemise: auto (the lower tax of itemising and the 표준세액공제) | itemised | standard
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from pydantic import ValidationError

from payroll.case import InputError, _field_path
from payroll.csvfile import read_rows, read_text
from payroll.field_errors import describe
from payroll.settlement.declaration import (
    CardIn, ClaimsIn, DependantIn, DonationIn, EducationIn, HousingIn, InsuranceIn, MedicalIn, PensionAccountIn, RentIn,
)

YTD_COLUMNS = (
    "worker_id", "year", "total_pay", "non_taxable", "national_pension", "health_insurance",
    "long_term_care", "employment_insurance", "income_tax", "local_income_tax",
)
YTD_OPTIONAL = ("leaving_date", "birth_date")


@dataclass(frozen=True)
class YearToDate:
    """A worker's figures from 1 January to the settlement date (all integer won)."""

    worker_id: str
    year: int
    total_pay: int
    non_taxable: int = 0
    national_pension: int = 0
    health_insurance: int = 0
    long_term_care: int = 0
    employment_insurance: int = 0
    income_tax: int = 0
    local_income_tax: int = 0
    leaving_date: dt.date | None = None
    birth_date: dt.date | None = None

    @property
    def premiums(self) -> int:
        """§52① premiums: 건강 + 장기요양 + 고용 (the worker's share)."""
        return self.health_insurance + self.long_term_care + self.employment_insurance


@dataclass(frozen=True)
class Claims:
    """A worker's 신고서 for one tax year (the fields of :class:`payroll.settlement.declaration.ClaimsIn`)."""

    worker_id: str
    year: int
    dependants: tuple[DependantIn, ...] = ()
    self_disabled: bool = False
    woman: bool = False
    single_parent: bool = False
    insurance_premiums: int = 0
    disabled_insurance_premiums: int = 0
    births: tuple[int, ...] = field(default=())
    itemise: str = "auto"
    insurance: tuple[InsuranceIn, ...] = ()
    medical: tuple[MedicalIn, ...] = ()
    education: tuple[EducationIn, ...] = ()
    donations: tuple[DonationIn, ...] = ()
    cards: tuple[CardIn, ...] = ()
    pension_accounts: tuple[PensionAccountIn, ...] = ()
    rent: tuple[RentIn, ...] = ()
    housing: tuple[HousingIn, ...] = ()
    marriage_date: dt.date | None = None
    head_of_household: bool | None = None

    @classmethod
    def from_model(cls, m: ClaimsIn) -> "Claims":
        values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in m}
        return cls(**values)

    def model(self) -> ClaimsIn:
        """The validated model of these claims (validation again: a Claims built in code is checked too)."""
        return ClaimsIn.model_validate({k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()})


def _int_cell(path: Path, line: int, name: str, value: str, *, minimum: int = 0) -> int:
    text = value.replace(",", "").strip()
    try:
        number = int(text)
    except ValueError:
        raise InputError(f"{path}: {line}행: {name}: 원 단위 정수가 아닙니다: {value!r}") from None
    if number < minimum:
        raise InputError(f"{path}: {line}행: {name}: {minimum} 이상이어야 합니다 (받은 값 {number})")
    return number


def _date_cell(path: Path, line: int, name: str, value: str | None) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{path}: {line}행: {name}: 날짜(YYYY-MM-DD)가 아닙니다: {value!r}") from None


def load_ytd_csv(path: str | Path) -> list[YearToDate]:
    """Read a YTD CSV (module docstring); every row is validated, none dropped."""
    path = Path(path)
    rows = read_rows(path, YTD_COLUMNS, YTD_OPTIONAL)
    out: list[YearToDate] = []
    seen: set[tuple[str, int]] = set()
    for line, row in rows:
        wid = row["worker_id"].strip()
        if not wid:
            raise InputError(f"{path}: {line}행: worker_id: 비어 있습니다")
        year = _int_cell(path, line, "year", row["year"], minimum=2000)
        key = (wid, year)
        if key in seen:
            raise InputError(f"{path}: {line}행: worker_id: {wid!r}의 {year}년 행이 두 번 있습니다")
        seen.add(key)
        values = {c: _int_cell(path, line, c, row[c]) for c in YTD_COLUMNS[2:]}
        leaving = _date_cell(path, line, "leaving_date", row.get("leaving_date"))
        if leaving is not None and leaving.year != year:
            raise InputError(f"{path}: {line}행: leaving_date: {leaving}이(가) {year}년이 아닙니다")
        out.append(YearToDate(worker_id=wid, year=year, leaving_date=leaving,
                              birth_date=_date_cell(path, line, "birth_date", row.get("birth_date")), **values))
    return out


def parse_claims(text: str, source: str) -> list[Claims]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: {exc.lineno}행: 올바른 JSON이 아닙니다 ({exc.msg})") from None
    items = doc if isinstance(doc, list) else [doc]
    out = []
    for i, item in enumerate(items):
        where = f"{source}[{i}]" if isinstance(doc, list) else source
        try:
            model = ClaimsIn.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = _field_path(tuple(err["loc"])) or "(문서)"
            msg = describe(err, extra="알 수 없는 필드입니다")
            raise InputError(f"{where}: {loc}: {msg}") from None
        out.append(Claims.from_model(model))
    return out


def load_claims(path: str | Path) -> dict[tuple[str, int], Claims]:
    path = Path(path)
    claims = parse_claims(read_text(path), str(path))
    out: dict[tuple[str, int], Claims] = {}
    for c in claims:
        if (c.worker_id, c.year) in out:
            raise InputError(f"{path}: 근로자 {c.worker_id}의 {c.year}년 신고서가 두 개입니다")
        out[(c.worker_id, c.year)] = c
    return out
