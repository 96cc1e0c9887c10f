"""Paid public holidays (근로기준법 §55②) for these workers — decision D12.

The 관공서 공휴일 other than Sundays (관공서의 공휴일에 관한 규정 §2, 제1호 제외) and 대체공휴일 come from
the pinned ``holidays`` package (≥0.109: 노동절, 제헌절 and the 2026-06-03 지방선거 included), plus
노동절 (5월 1일, a paid holiday under the 노동절법 even in years the package omits it) and the
employer's 임시공휴일 list ``timesheet.temporary_holidays`` in ``rules/employer/timesheet.toml``.

Whether a worker is *paid* for one is the timesheet's business: only on a scheduled day, and
never for a worker under 15 hours a week (근로기준법 §18③).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays as holidays_pkg
import polars as pl

from payroll import law as law_module

LABOUR_DAY = (5, 1)
ARTICLE = "근로기준법 §55② (관공서 공휴일 유급), 관공서의 공휴일에 관한 규정 §2·§3"


@lru_cache(maxsize=16)
def _package_year(year: int) -> tuple[tuple[dt.date, str], ...]:
    kr = holidays_pkg.country_holidays("KR", years=year, language="ko")
    return tuple(sorted((d, str(n)) for d, n in kr.items() if d.year == year))


def paid_holidays(year: int, law: law_module.Law | None = None) -> dict[dt.date, str]:
    """Every paid public holiday of ``year`` → its name (노동절 and the employer list included)."""
    law = law or law_module.current()
    out = dict(_package_year(year))
    labour = dt.date(year, *LABOUR_DAY)
    out.setdefault(labour, "노동절")
    first = dt.date(year, 1, 1)
    try:
        extra = law.on(first)["timesheet.temporary_holidays"]
    except law_module.RuleError:
        extra = ()
    for day in extra:
        if day.year == year:
            out.setdefault(day, "임시공휴일")
    return dict(sorted(out.items()))


def holidays_between(first: dt.date, last: dt.date, law: law_module.Law | None = None) -> dict[dt.date, str]:
    out: dict[dt.date, str] = {}
    for year in range(first.year, last.year + 1):
        out.update({d: n for d, n in paid_holidays(year, law).items() if first <= d <= last})
    return out


def holiday_frame(first: dt.date, last: dt.date, law: law_module.Law | None = None) -> pl.DataFrame:
    """(date, holiday_name) for every paid public holiday in [first, last]."""
    days = holidays_between(first, last, law)
    return pl.DataFrame({"date": list(days), "holiday_name": list(days.values())}, schema={"date": pl.Date, "holiday_name": pl.Utf8})


def is_paid_holiday(day: dt.date, law: law_module.Law | None = None) -> bool:
    return day in paid_holidays(day.year, law)
