"""Workers and their contracts: the HR master data every module reads.

Two CSV files (UTF-8), one row per worker and one row per contract (a worker renewed three times
has three contract rows). Dates are ISO. Loading validates every row and names file, row and
field on error; nothing is dropped.

roster.csv    worker_id, name, birth_date, department, job, employment, income_type, family,
              children_8_20, children_under_6, withholding_ratio, first_hire_date,
              insurance_base, bank, account, rrn_masked (optional: pension_base, email)
contracts.csv contract_id, worker_id, start, end, pay_type, wage, work_days, start_time,
              end_time, break_minutes, break_start, workplace, duties, meal_allowance, pay_grade (optional: business)

These files are an import format (``payroll import roster|contracts``, payroll/record); a run reads
the record and stores the roster it read in this format as its snapshot.

- employment: fixed_term (기간제) | public_service (공무직)
- income_type: regular | daily (일용근로자 for tax: paid by the day, not employed 3 months on)
- pay_type: hourly (시급; wage = 시급) | daily (일급; wage = 일급) | monthly (월급; wage = 월 기본급)
- work_days: scheduled weekdays as digits, Monday=1 … Sunday=7, e.g. "12345"
- first_hire_date: first hired by this employer (고용보험법 §10②: the 65 rule looks at it)
- end: empty for a contract without a fixed term (무기계약 공무직)
- break_start: optional HH:MM where the contract puts its break (e.g. 12:00, a night shift's 02:00);
  the break is ``break_minutes`` long from there and must lie inside the scheduled span. Empty: the
  break sits in the middle of the shift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from payroll.case import InputError, _field_path
from payroll.csvfile import read_rows
from payroll.field_errors import describe
from payroll.security.identifiers import CONTRACT_PART, WORKER_ID

MINUTES_PER_HOUR = 60
#: weeks per month for scheduled hours: 365 ÷ 7 ÷ 12 (근로기준법 시행령 §6③, the 209-hour month)
WEEKS_PER_MONTH_NUM, WEEKS_PER_MONTH_DEN = 365, 84


class Worker(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)  # shared read-only (a run loads a roster once)

    worker_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    birth_date: dt.date
    department: str = Field(min_length=1)
    job: str = ""
    employment: Literal["fixed_term", "public_service"]
    income_type: Literal["regular", "daily"] = "regular"
    family: int = Field(default=1, ge=1, le=99)
    children_8_20: int = Field(default=0, ge=0)
    children_under_6: int | None = Field(default=None, ge=0)
    withholding_ratio: Literal[80, 100, 120] = 100
    first_hire_date: dt.date | None = None
    insurance_base: int | None = Field(default=None, ge=0)  # 보수월액 declared (건강·고용)
    pension_base: int | None = Field(default=None, ge=0)  # 기준소득월액 declared (국민연금)
    bank: str = ""
    account: str = ""
    rrn_masked: str = ""
    email: str = Field(default="", max_length=200)

    @field_validator("worker_id")
    @classmethod
    def _safe_worker_id(cls, v: str) -> str:
        if not WORKER_ID.valid(v):  # it names the worker's payslip file
            raise ValueError(WORKER_ID.problem(v))
        return v

    @field_validator("withholding_ratio", mode="before")
    @classmethod
    def _ratio_from_text(cls, v: object) -> object:
        # CSV cells arrive as text; the allowed values are the integers 80, 100, 120.
        return int(v) if isinstance(v, str) and v.strip().isdigit() else v

    @field_validator("rrn_masked")
    @classmethod
    def _masked_only(cls, v: str) -> str:
        digits = [c for c in v if c.isdigit()]
        if len(digits) > 7:
            raise ValueError("여기에는 가린 주민등록번호만 둘 수 있습니다 (예: 900101-1******)")
        return v

    @model_validator(mode="after")
    def _children(self) -> "Worker":
        if self.children_8_20 > self.family - 1:
            raise ValueError(f"자녀 수 children_8_20 ({self.children_8_20})은(는) 가족 수 family ({self.family}) 안에 세어야 합니다 (본인 포함)")
        return self


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)  # shared read-only (a run loads a roster once)

    contract_id: str = Field(min_length=1)
    worker_id: str = Field(min_length=1)
    start: dt.date
    end: dt.date | None = None
    pay_type: Literal["hourly", "daily", "monthly"]
    wage: int = Field(ge=0)
    work_days: str = Field(pattern=r"^[1-7]{1,7}$")
    start_time: dt.time
    end_time: dt.time
    break_minutes: int = Field(default=0, ge=0, le=600)
    break_start: dt.time | None = None
    workplace: str = ""
    duties: str = ""
    meal_allowance: int = Field(default=0, ge=0)
    pay_grade: str = ""
    business: str = ""  # 사업: the budget line that funds the post

    @field_validator("worker_id", "contract_id")
    @classmethod
    def _safe_ids(cls, v: str, info) -> str:
        ident = WORKER_ID if info.field_name == "worker_id" else CONTRACT_PART
        if not ident.valid(v):  # they name document files (contract-<contract_id>.pdf)
            raise ValueError(ident.problem(v))
        return v

    @model_validator(mode="after")
    def _period(self) -> "Contract":
        if self.end is not None and self.end < self.start:
            raise ValueError(f"종료일 end {self.end}이(가) 시작일 start {self.start}보다 앞섭니다")
        if self.daily_minutes <= 0:
            raise ValueError("휴게시간을 빼면 소정근로시간이 남지 않습니다")
        if self.break_start is not None:
            if self.break_minutes == 0:
                raise ValueError("break_start가 있는데 break_minutes가 0입니다")
            if self.break_offset + self.break_minutes > self.daily_minutes + self.break_minutes:
                raise ValueError(f"휴게 {self.break_start.strftime('%H:%M')} + {self.break_minutes}분이 소정근로시간 "
                                 f"{self.start_time.strftime('%H:%M')}–{self.end_time.strftime('%H:%M')} 밖에 있습니다")
        return self

    @property
    def weekdays(self) -> frozenset[int]:
        """Scheduled ISO weekdays (Monday=1)."""
        return frozenset(int(c) for c in self.work_days)

    @property
    def daily_minutes(self) -> int:
        """Scheduled minutes of one working day, break excluded (a night shift wraps midnight)."""
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        span = end - start if end > start else end + 24 * 60 - start
        return span - self.break_minutes

    @property
    def break_offset(self) -> int:
        """Minutes from the scheduled start to the break: the contract's break_start, else the middle of the shift."""
        if self.break_start is None:
            return self.daily_minutes // 2
        start = self.start_time.hour * 60 + self.start_time.minute
        return (self.break_start.hour * 60 + self.break_start.minute - start) % (24 * 60)

    @property
    def weekly_minutes(self) -> int:
        return self.daily_minutes * len(self.weekdays)

    @property
    def monthly_minutes(self) -> int:
        """Scheduled (소정) minutes in an average month, 주휴 excluded: weekly × 365/7/12."""
        return self.weekly_minutes * WEEKS_PER_MONTH_NUM // WEEKS_PER_MONTH_DEN

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Roster:
    workers: dict[str, Worker]
    contracts: tuple[Contract, ...]

    @cached_property
    def contracts_by_worker(self) -> dict[str, tuple[Contract, ...]]:
        """Each worker's contracts by start date (the roster's order among equal starts), gathered once."""
        by_worker: dict[str, list[Contract]] = {}
        for c in sorted(self.contracts, key=lambda c: c.start):
            by_worker.setdefault(c.worker_id, []).append(c)
        return {wid: tuple(cs) for wid, cs in by_worker.items()}

    def contracts_of(self, worker_id: str) -> list[Contract]:
        """The worker's contracts by start date (a new list: callers may sort or filter it)."""
        return list(self.contracts_by_worker.get(worker_id, ()))

    def contract_on(self, worker_id: str, day: dt.date) -> Contract | None:
        return next((c for c in self.contracts_by_worker.get(worker_id, ()) if c.covers(day)), None)

    def contracts_in_month(self, worker_id: str, first: dt.date, last: dt.date) -> list[Contract]:
        return [c for c in self.contracts_by_worker.get(worker_id, ()) if c.start <= last and (c.end is None or c.end >= first)]

    def only(self, worker_ids) -> Roster:
        """The roster of these workers alone (their contracts in the roster's order)."""
        ids = set(worker_ids)
        return Roster(workers={w: self.workers[w] for w in self.workers if w in ids}, contracts=tuple(c for c in self.contracts if c.worker_id in ids))


def _read_rows(path: Path) -> list[dict[str, str]]:
    return [row for _, row in read_rows(path)]


def _parse(model: type[BaseModel], path: Path, rows: list[dict[str, str]]) -> list:
    out = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        cleaned = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k is not None}
        cleaned = {k: v for k, v in cleaned.items() if v not in ("", None)}
        if None in row:
            raise InputError(f"{path}: {line}행: 머리글보다 칸이 많습니다")
        try:
            out.append(model.model_validate(cleaned))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = _field_path(tuple(err["loc"])) or "(행)"
            msg = describe(err)
            raise InputError(f"{path}: {line}행: {where}: {msg}") from None
    return out


def load_workers(roster_csv: Path) -> dict[str, Worker]:
    """The rows of roster.csv alone, every one validated (the console checks an upload before its pair is there)."""
    roster_csv = Path(roster_csv)
    workers: dict[str, Worker] = {}
    for line, w in enumerate(_parse(Worker, roster_csv, _read_rows(roster_csv)), start=2):
        if w.worker_id in workers:
            raise InputError(f"{roster_csv}: {line}행: worker_id: {w.worker_id!r}이(가) 두 번 있습니다")
        workers[w.worker_id] = w
    return workers


def load_contracts(contracts_csv: Path) -> list[Contract]:
    """The rows of contracts.csv alone, every one validated, contract ids unique."""
    contracts_csv = Path(contracts_csv)
    contracts = _parse(Contract, contracts_csv, _read_rows(contracts_csv))
    seen: set[str] = set()
    for line, c in enumerate(contracts, start=2):
        if c.contract_id in seen:
            raise InputError(f"{contracts_csv}: {line}행: contract_id: {c.contract_id!r}이(가) 두 번 있습니다")
        seen.add(c.contract_id)
    return contracts


def load_roster(roster_csv: Path, contracts_csv: Path) -> Roster:
    roster_csv, contracts_csv = Path(roster_csv), Path(contracts_csv)
    workers = load_workers(roster_csv)
    contracts = load_contracts(contracts_csv)
    for line, c in enumerate(contracts, start=2):
        if c.worker_id not in workers:
            raise InputError(f"{contracts_csv}: {line}행: worker_id: {c.worker_id!r}이(가) {roster_csv.name}에 없습니다 (명부에 먼저 넣으세요)")
    by_worker: dict[str, list[Contract]] = {}
    for c in contracts:
        by_worker.setdefault(c.worker_id, []).append(c)
    for wid, cs in by_worker.items():
        cs.sort(key=lambda c: c.start)
        for a, b in zip(cs, cs[1:]):
            if a.end is None or b.start <= a.end:
                raise InputError(f"{contracts_csv}: 근로자 {wid}의 계약 {a.contract_id}과(와) {b.contract_id}의 기간이 겹칩니다")
    return Roster(workers=workers, contracts=tuple(contracts))


def with_resignations(roster: Roster, resignations: list[tuple[str, str, dt.date]], source: str = "resignations") -> Roster:
    """The roster after recorded 중도포기서: each (worker_id, contract_id, last working day) ends that
    contract on that day, so the timesheet, the leaver's settlement, 연차수당 and 퇴직금 all follow it."""
    by_id = {c.contract_id: c for c in roster.contracts}
    ends: dict[str, dt.date] = {}
    for line, (worker_id, contract_id, last_day) in enumerate(resignations, start=2):
        contract = by_id.get(contract_id)
        if contract is None or contract.worker_id != worker_id:
            raise InputError(f"{source}: {line}행: contract_id: {contract_id!r}은(는) 근로자 {worker_id!r}의 계약이 아닙니다")
        if not contract.covers(last_day):
            raise InputError(f"{source}: {line}행: last_working_day: {last_day}이(가) 계약 {contract_id}의 기간 밖입니다")
        ends[contract_id] = min(last_day, ends.get(contract_id, last_day))
    contracts = tuple(c.model_copy(update={"end": ends[c.contract_id]}) if c.contract_id in ends else c for c in roster.contracts)
    return Roster(workers=roster.workers, contracts=contracts)
