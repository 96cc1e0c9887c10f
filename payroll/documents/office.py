"""The employer block of every HR document, read from rules/employer/office.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from payroll.case import InputError
from payroll.law import default_rules_dir

REQUIRED = ("name", "address", "representative", "business_number")


@dataclass(frozen=True)
class Office:
    name: str
    address: str
    representative: str
    business_number: str
    phone: str = ""
    pay_day: int = 20
    pay_method: str = "근로자 명의 예금통장에 입금"
    issuer_department: str = ""


def read_employer_toml(name: str, rules_dir: Path | None = None) -> tuple[Path, dict]:
    """(path, table) of ``rules/employer/NAME`` — employer data, not statute; a clear error naming the file."""
    path = Path(rules_dir or default_rules_dir()) / "employer" / name
    try:
        with path.open("rb") as fh:
            return path, tomllib.load(fh)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None


def load_office(rules_dir: Path | None = None) -> Office:
    path, raw = read_employer_toml("office.toml", rules_dir)
    missing = [k for k in REQUIRED if not str(raw.get(k, "")).strip()]
    if missing:
        raise InputError(f"{path}: missing {', '.join(missing)}")
    known = set(Office.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(f"{path}: unknown key(s): {', '.join(unknown)}")
    return Office(**raw)


def korean_date(day) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일" if day else "—"


WEEKDAYS = "월화수목금토일"


def weekday_names(digits: str) -> str:
    return "·".join(WEEKDAYS[int(d) - 1] for d in sorted(digits))
