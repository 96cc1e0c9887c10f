"""Calendar arithmetic of the 연차 rules: months counted as the 민법 counts them, and the §61 windows.

A period of n months that starts on day S ends the day before the corresponding day of the n-th
month, or on that month's last day when it has no corresponding day (민법 §160②③; the first day
counts, since work starts on it). Deadlines "n months before the end" count back the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from payroll.law import LawOnDate
# the 민법 period arithmetic lives in payroll.periods (one function for every service length)
from payroll.periods import ONE_DAY, months_end, shift_months, years_end  # noqa: F401  (re-exported)


def months_before(base: dt.date, months: int) -> dt.date:
    """The day ``months`` before ``base`` (clipped to the month's last day)."""
    return shift_months(base, -months)[0]


@dataclass(frozen=True)
class Window:
    """When one 사용촉진 step must happen: ``start`` … ``end`` inclusive (``start`` None: any time before)."""

    stage: str
    start: dt.date | None
    end: dt.date
    article: str

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end


STAGE_LABELS = {
    "first": "1차 사용촉진 (미사용 일수 통지·사용시기 지정 요청)",
    "second": "2차 사용촉진 (사용시기 지정 통보)",
    "first_late": "1차 촉구 후 발생한 휴가의 촉구",
    "second_late": "1차 촉구 후 발생한 휴가의 사용시기 지정 통보",
}


def promotion_windows(period_end: dt.date, first_year: bool, on: LawOnDate) -> dict[str, Window]:
    """The §61 windows for a use period that ends on ``period_end`` (its last day).

    §61① (a use period of a year): "기간이 끝나기 6개월 전을 기준으로 10일 이내에 … 서면으로 촉구",
    then "기간이 끝나기 2개월 전까지 … 사용 시기를 정하여 … 서면으로 통보".
    §61② (the first-year monthly days): 3 months before / 10 days, then 1 month before; for days
    that arise after the first notice, 1 month before / 5 days, then 10 days before.
    """
    base = period_end + ONE_DAY  # the moment the period is over
    if first_year:
        first_from = months_before(base, on["annual_leave.first_year_first_months_before"])
        late_from = months_before(base, on["annual_leave.first_year_late_first_months_before"])
        return {
            "first": Window("first", first_from, first_from + dt.timedelta(days=on["annual_leave.first_year_first_window_days"] - 1), "근로기준법 §61②1호 본문"),
            "second": Window("second", None, months_before(base, on["annual_leave.first_year_second_months_before"]) - ONE_DAY, "근로기준법 §61②2호 본문"),
            "first_late": Window("first_late", late_from, late_from + dt.timedelta(days=on["annual_leave.first_year_late_first_window_days"] - 1), "근로기준법 §61②1호 단서"),
            "second_late": Window("second_late", None, base - dt.timedelta(days=on["annual_leave.first_year_late_second_days_before"]) - ONE_DAY, "근로기준법 §61②2호 단서"),
        }
    first_from = months_before(base, on["annual_leave.promotion_first_months_before"])
    return {
        "first": Window("first", first_from, first_from + dt.timedelta(days=on["annual_leave.promotion_first_window_days"] - 1), "근로기준법 §61①1호"),
        "second": Window("second", None, months_before(base, on["annual_leave.promotion_second_months_before"]) - ONE_DAY, "근로기준법 §61①2호"),
    }
