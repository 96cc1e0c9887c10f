"""Helpers the HR documents share: Korean dates and weekday names.

The employer block of every document (name, 사업자등록번호, 대표자, 소재지, 임금지급일, 직인) is
:class:`payroll.employer.Employer`, read from the one ``employer.toml`` of the inputs directory.
"""

from __future__ import annotations


def korean_date(day) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일" if day else "—"


WEEKDAYS = "월화수목금토일"


def weekday_names(digits: str) -> str:
    return "·".join(WEEKDAYS[int(d) - 1] for d in sorted(digits))
