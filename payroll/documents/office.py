"""Helpers the HR documents share: Korean dates and weekday names; the employer block of a document
made without an inputs directory of its own; and the employer's other data files in rules/employer/.

The employer's settings (name, 사업자등록번호, 대표자, 소재지, 임금지급일, 원천징수의무자, 직인) are
:class:`payroll.employer.Employer`, read from the one ``employer.toml`` (payroll/employer.py).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from payroll.case import InputError
from payroll.employer import Employer, find_employer
from payroll.law import default_rules_dir

Office = Employer  # the documents' name for the employer block


def load_office(rules_dir: Path | None = None, session=None) -> Employer:
    """The employer's settings for a document made outside a run (year-end, filings, the CLI's HR
    documents): ``employer.toml`` as :func:`payroll.employer.find_employer` finds it."""
    return find_employer(session)


def read_employer_toml(name: str, rules_dir: Path | None = None) -> tuple[Path, dict]:
    """(path, table) of ``rules/employer/NAME`` — employer data, not statute; a clear error naming the file."""
    path = Path(rules_dir or default_rules_dir()) / "employer" / name
    try:
        with path.open("rb") as fh:
            return path, tomllib.load(fh)
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: TOML 형식이 아닙니다: {exc}") from None


def korean_date(day) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일" if day else "—"


WEEKDAYS = "월화수목금토일"


def weekday_names(digits: str) -> str:
    return "·".join(WEEKDAYS[int(d) - 1] for d in sorted(digits))
