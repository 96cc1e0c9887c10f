"""Periods in months and years as the 민법 counts them (§157 단서: the hire day counts; §160②③)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payroll.case import InputError
from payroll.periods import completed_months, completed_years, length_ymd, months_end, require_not_before, service_years_rounded_up, years_end

D = dt.date


def test_a_year_from_29_february():
    # §160③: 2025 has no 29 February, so the year from 2024-02-29 ends on 2025-02-28 (the month's last day)
    assert years_end(D(2024, 2, 29), 1) == D(2025, 2, 28)
    # §160②: into a leap year the day before the corresponding day: 2023-03-01 + 1 year ends on 2024-02-29
    assert years_end(D(2023, 3, 1), 1) == D(2024, 2, 29)
    # four years from 2024-02-29 reach 2028-02-29, which exists: the day before
    assert years_end(D(2024, 2, 29), 4) == D(2028, 2, 28)
    assert completed_years(D(2024, 2, 29), D(2025, 2, 27)) == 0
    assert completed_years(D(2024, 2, 29), D(2025, 2, 28)) == 1


def test_months_into_shorter_months():
    # a month from 01-31: February has no 31st → its last day (§160③)
    assert months_end(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert months_end(D(2025, 3, 1), 1) == D(2025, 3, 31)
    assert completed_months(D(2025, 1, 31), D(2025, 2, 27)) == 0
    assert completed_months(D(2025, 1, 31), D(2025, 2, 28)) == 1


def test_service_years_rounded_up():
    # 근속연수 (소득세법 §48①): a part year is a year, at least one
    assert service_years_rounded_up(D(2024, 2, 29), D(2026, 2, 28)) == 2
    assert service_years_rounded_up(D(2024, 2, 29), D(2026, 3, 1)) == 3
    assert service_years_rounded_up(D(2026, 3, 1), D(2026, 3, 1)) == 1


def test_length_in_years_months_days():
    assert length_ymd(D(2024, 2, 29), D(2025, 2, 28)) == (1, 0, 0)
    assert length_ymd(D(2025, 3, 1), D(2025, 4, 15)) == (0, 1, 15)
    assert length_ymd(D(2025, 3, 1), D(2025, 3, 1)) == (0, 0, 1)


def test_an_end_before_the_start_is_an_input_error():
    require_not_before(D(2025, 3, 1), D(2025, 3, 1), "last_working_day")
    with pytest.raises(InputError, match="last_working_day: 2025-02-28이\\(가\\) 입사일 2025-03-01보다 앞섭니다"):
        require_not_before(D(2025, 2, 28), D(2025, 3, 1), "last_working_day")


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(min_value=0, max_value=400))
def test_completed_months_is_the_largest_period_that_has_ended(start, months):
    end = months_end(start, months)
    assert completed_months(start, end) == months
    assert completed_months(start, end - dt.timedelta(days=1)) == max(0, months - 1) or months == 0
