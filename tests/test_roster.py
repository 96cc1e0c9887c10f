"""The HR master data loader."""

import pytest

from payroll.case import InputError
from payroll.roster import load_roster

HEADER_R = "worker_id,name,birth_date,department,employment,withholding_ratio\n"
HEADER_C = "contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes\n"


def write(tmp_path, roster, contracts):
    r, c = tmp_path / "roster.csv", tmp_path / "contracts.csv"
    r.write_text(HEADER_R + roster, encoding="utf-8")
    c.write_text(HEADER_C + contracts, encoding="utf-8")
    return r, c


def test_loads_text_cells_and_scheduled_hours(tmp_path):
    roster = load_roster(*write(tmp_path, "W1,홍길동,1980-01-01,총무과,fixed_term,120\n", "C1,W1,2026-01-01,2026-12-31,hourly,12121,12345,09:00,18:00,60\n"))
    assert roster.workers["W1"].withholding_ratio == 120
    contract = roster.contracts[0]
    assert contract.weekly_minutes == 40 * 60
    assert contract.monthly_minutes == 40 * 60 * 365 // 84  # 173.8 h of 소정근로 a month


def test_night_shift_wraps_midnight(tmp_path):
    roster = load_roster(*write(tmp_path, "W1,홍길동,1980-01-01,관제,fixed_term,100\n", "C1,W1,2026-01-01,,hourly,12121,1234567,22:00,06:00,60\n"))
    assert roster.contracts[0].daily_minutes == 7 * 60


@pytest.mark.parametrize(
    "roster_row,contract_row,needle",
    [
        ("W1,홍길동,1980-01-01,총무과,fixed_term,90\n", "C1,W1,2026-01-01,,hourly,1,12345,09:00,18:00,60\n", "roster.csv: 2행: withholding_ratio: 허용 값이 아닙니다"),
        ("W1,홍길동,1980-13-01,총무과,fixed_term,100\n", "C1,W1,2026-01-01,,hourly,1,12345,09:00,18:00,60\n", "roster.csv: 2행: birth_date: 날짜"),
        ("W1,홍길동,1980-01-01,총무과,fixed_term,100\n", "C1,W9,2026-01-01,,hourly,1,12345,09:00,18:00,60\n", "contracts.csv: 2행: worker_id: 'W9'이\\(가\\) roster.csv에 없습니다"),
        ("W1,홍길동,1980-01-01,총무과,fixed_term,100\n", "C1,W1,2026-01-01,2025-01-01,hourly,1,12345,09:00,18:00,60\n", "contracts.csv: 2행: \\(행\\): 종료일 end 2025-01-01이\\(가\\) 시작일 start 2026-01-01보다 앞섭니다"),
        ("W1,홍길동,1980-01-01,총무과,fixed_term,100\n", "C1,W1,2026-01-01,,hourly,-5,12345,09:00,18:00,60\n", "contracts.csv: 2행: wage: 0 이상이어야 합니다"),
        ("W1,홍길동,1980-01-01,총무과,fixed_term,100\n", "C1,W1,2026-01-01,,hourly,1,12345,09:00,18:00,60\nC2,W1,2026-06-01,,hourly,1,12345,09:00,18:00,60\n", "근로자 W1의 계약 C1과\\(와\\) C2의 기간이 겹칩니다"),
    ],
)
def test_bad_rows_name_file_row_and_field(tmp_path, roster_row, contract_row, needle):
    with pytest.raises(InputError, match=needle):
        load_roster(*write(tmp_path, roster_row, contract_row))


def test_a_recorded_resignation_ends_the_contract_on_the_last_working_day(tmp_path):
    import datetime as dt

    from payroll.roster import with_resignations

    roster = load_roster(*write(tmp_path, "W1,홍길동,1980-01-01,총무과,fixed_term,100\n", "C1,W1,2026-01-01,2026-12-31,hourly,12121,12345,09:00,18:00,60\n"))
    after = with_resignations(roster, [("W1", "C1", dt.date(2026, 6, 19))])
    assert after.contracts[0].end == dt.date(2026, 6, 19)
    assert roster.contracts[0].end == dt.date(2026, 12, 31)  # the roster itself is not edited
    with pytest.raises(InputError, match="2행: contract_id: .*의 계약이 아닙니다"):
        with_resignations(roster, [("W1", "C9", dt.date(2026, 6, 19))])
    with pytest.raises(InputError, match="2행: last_working_day: .*의 기간 밖입니다"):
        with_resignations(roster, [("W1", "C1", dt.date(2027, 1, 5))])
