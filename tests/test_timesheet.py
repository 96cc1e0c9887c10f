"""Hand-worked timesheets and wages (every figure below is worked out by hand in the comments)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from payroll.engine.pipeline import WORKER_SCHEMA, compute
from payroll.timesheet.monthly import MonthInputs, build_month, build_month_detail
from tests.test_attendance_support import contract, roster, weekdays, worker, write_daily, write_punches

W = 12_121  # 생활임금 2026


def run(tmp_path: Path, staff, rows, month="2026-06", leave=None, overtime=None, punches=None):
    files = []
    if rows is not None:
        files.append(write_daily(tmp_path / f"d{month}.csv", rows))
    if punches is not None:
        files.append(write_punches(tmp_path / f"p{month}.csv", punches))
    lv = ot = None
    if leave is not None:
        lv = tmp_path / "leave.csv"
        lv.write_text("worker_id,date,kind,minutes\n" + "".join(",".join(r) + "\n" for r in leave), encoding="utf-8")
    if overtime is not None:
        ot = tmp_path / "overtime.csv"
        ot.write_text("worker_id,date,start,end,reason\n" + "".join(",".join(r) + "\n" for r in overtime), encoding="utf-8")
    y, m = int(month[:4]), int(month[5:])
    pay_date = dt.date(y + (m == 12), m % 12 + 1, 10)
    return build_month_detail(MonthInputs(month=month, pay_date=pay_date, roster=staff, attendance=tuple(files), leave=lv, overtime=ot))


def lines(detail, wid):
    b = detail.build
    row = b.workers.filter(pl.col("worker_id") == wid).get_column("row").item()
    it = b.items.filter(pl.col("row") == row)
    return [(r["code"], r["amount"], r["minutes"]) for r in it.iter_rows(named=True)]


def full_days(wid, first, last, days="12345", begin="09:00", finish="18:00", skip=()):
    from payroll.holidays import holidays_between

    hol = holidays_between(first, last)
    return [(wid, d.isoformat(), begin, finish) for d in weekdays(first, last, days) if d not in hol and d not in skip]


def test_40h_worker_may_2026_labour_day_and_substitute_holiday(tmp_path):
    """May 2026: 21 weekdays, of which 05-01 (노동절), 05-05 (어린이날), 05-25 (대체공휴일) are paid holidays.
    18 days × 8 h = 144 h base; 3 × 8 h = 24 h 유급휴일수당; 5 weeks whose Sunday is in May × 8 h = 40 h 주휴."""
    staff = roster((worker("A"), contract("A")))
    d = run(tmp_path, staff, full_days("A", dt.date(2026, 5, 1), dt.date(2026, 5, 31)), month="2026-05")
    assert lines(d, "A") == [
        ("base_pay", W * 144, 144 * 60),
        ("weekly_holiday_pay", W * 40, 40 * 60),
        ("public_holiday_pay", W * 24, 24 * 60),
    ]
    assert W * 144 == 1_745_424 and W * 40 == 484_840 and W * 24 == 290_904
    items = d.build.items
    assert items.get_column("method").to_list() == ["12,121원 × 144시간", "12,121원 × 40시간", "12,121원 × 24시간"]
    weeks = d.weeks.select("rest_date", "weekly_holiday_minutes", "weekly_holiday_note").rows()
    assert [w[0].day for w in weeks] == [3, 10, 17, 24, 31] and all(w[1] == 480 for w in weeks)
    # the holiday weeks (Sundays 05-03 with 05-01, 05-10 with 05-05, 05-31 with 05-25) keep their 주휴:
    # a paid holiday is not a missed 소정근로일
    assert all(w[2] == "개근" for w in weeks)
    ts = d.build.timesheet
    hol = ts.filter(pl.col("public_holiday_minutes") > 0)
    assert hol.get_column("date").to_list() == [dt.date(2026, 5, 1), dt.date(2026, 5, 5), dt.date(2026, 5, 25)]
    assert not ts.get_column("absent").any()


def test_20h_part_timer_whose_off_day_is_the_holiday(tmp_path):
    """Mon/Tue/Thu/Fri 09–14 (5 h, 20 h a week). 06-03 (Wed) is her day off: no 유급휴일수당.
    June: 18 scheduled days × 5 h = 90 h; 주휴 = 20/40 × 8 = 4 h × 4 weeks (Sundays 7, 14, 21, 28)."""
    staff = roster((worker("P"), contract("P", days="1245", finish="14:00", brk=0)))
    d = run(tmp_path, staff, full_days("P", dt.date(2026, 6, 1), dt.date(2026, 6, 30), days="1245", finish="14:00"))
    assert lines(d, "P") == [("base_pay", W * 90, 90 * 60), ("weekly_holiday_pay", W * 16, 16 * 60)]


def test_14h_worker_gets_no_holiday_pay_and_no_weekly_holiday(tmp_path):
    """Wed/Fri 09–16 (7 h, 14 h a week: under 15 h, 근로기준법 §18③). 06-03 (Wed) is a scheduled day and a
    holiday: not paid, not an absence. Worked: Wed 10, 17, 24 and Fri 5, 12, 19, 26 = 7 days × 7 h = 49 h."""
    staff = roster((worker("S"), contract("S", days="35", finish="16:00", brk=0)))
    d = run(tmp_path, staff, full_days("S", dt.date(2026, 6, 1), dt.date(2026, 6, 30), days="35", finish="16:00"))
    assert lines(d, "S") == [("base_pay", W * 49, 49 * 60)]
    day = d.build.timesheet.filter(pl.col("date") == dt.date(2026, 6, 3)).row(0, named=True)
    assert not day["absent"] and day["public_holiday_minutes"] == 0
    assert set(d.weeks.get_column("weekly_holiday_note")) == {"1주 소정근로 15시간 미만 (근로기준법 §18③)"}
    w = d.build.workers.row(0, named=True)
    assert w["weekly_minutes"] == 840 and w["monthly_minutes"] == 840 * 365 // 84


@pytest.mark.parametrize("approved", [True, False])
def test_ten_hours_on_election_day(tmp_path, approved):
    """06-03 (지방선거일, a scheduled Wednesday): 08:00–19:00 less the 1 h break = 10 h with an approval.
    유급휴일수당 8 h (the scheduled day) + 휴일근로 8 h × 1.5 + 2 h × 2.0. Without the approval only the
    scheduled 09–18 counts (8 h × 1.5)."""
    staff = roster((worker("A"), contract("A")))
    rows = full_days("A", dt.date(2026, 6, 1), dt.date(2026, 6, 30)) + [("A", "2026-06-03", "08:00", "19:00")]
    ot = [("A", "2026-06-03", "08:00", "19:00", "투표소 지원")] if approved else []
    d = run(tmp_path, staff, rows, overtime=ot)
    got = {(c, m): a for c, a, m in lines(d, "A")}
    assert got[("public_holiday_pay", 480)] == W * 8 == 96_968
    assert got[("holiday_work_pay", 480)] == W * 8 * 3 // 2 == 145_452
    if approved:
        assert got[("holiday_work_pay", 120)] == W * 2 * 2 == 48_484
    else:
        assert ("holiday_work_pay", 120) not in got
    # June: 21 working days (22 weekdays less 06-03) × 8 h; 4 weeks of 주휴; 06-06 (현충일) is a Saturday
    assert got[("base_pay", 21 * 480)] == W * 168
    assert got[("weekly_holiday_pay", 4 * 480)] == W * 32
    methods = d.build.items.filter(pl.col("code") == "holiday_work_pay").get_column("method").to_list()
    # the clerk sees the holiday itself and each premium band on its own line
    assert methods == (["12,121원 × 8시간 × 1.5", "12,121원 × 2시간 × 2"] if approved else ["12,121원 × 8시간 × 1.5"])
    assert d.build.items.filter(pl.col("code") == "public_holiday_pay").get_column("method").to_list() == ["12,121원 × 8시간"]
    # total for the day: 96,968 + 145,452 + 48,484 = 290,904 = 12,121 × 24 (8 × 1 + 8 × 1.5 + 2 × 2)
    if approved:
        assert got[("public_holiday_pay", 480)] + got[("holiday_work_pay", 480)] + got[("holiday_work_pay", 120)] == W * 24


def test_holiday_work_on_labour_day_night_shift_across_the_month_boundary(tmp_path):
    """CCTV 관제, Mon–Fri 22:00–06:00 with a 1 h break (in the middle: 02:00–03:00), 35 h a week.
    The shift of Thu 04-30 ends on Fri 05-01 (노동절): 22:00–24:00 = 2 h 정규 on 04-30;
    00:00–06:00 less the break = 5 h 휴일근로 on 05-01; 야간 = 7 h. The shift belongs to April."""
    staff = roster((worker("N", job="CCTV관제"), contract("N", begin="22:00", finish="06:00")))
    punches = [("N", "2026-04-30 22:00", "in"), ("N", "2026-05-01 06:00", "out")]
    april = run(tmp_path, staff, None, month="2026-04", punches=punches)
    day = april.build.timesheet.filter(pl.col("date") == dt.date(2026, 4, 30)).row(0, named=True)
    assert (day["worked"], day["regular"], day["holiday_work"], day["night"], day["overtime"]) == (420, 120, 300, 420, 0)
    got = {(c, m): a for c, a, m in lines(april, "N")}
    assert got[("base_pay", 120)] == W * 2
    assert got[("holiday_work_pay", 300)] == W * 300 * 3 // (60 * 2) == 90_907  # 90,907.5 rounded down
    assert got[("night_pay", 420)] == W * 420 // (60 * 2) == 42_423  # 42,423.5 rounded down
    # May: the same punches belong to April's shift — reported as other_month, not counted again
    may = run(tmp_path, staff, None, month="2026-05", punches=punches)
    assert set(may.build.exceptions.get_column("code")) == {"other_month"}
    first = may.build.timesheet.filter(pl.col("date") == dt.date(2026, 5, 1)).row(0, named=True)
    assert first["worked"] == 0 and first["public_holiday_minutes"] == 420  # Friday's own shift: a paid holiday


def test_holiday_work_on_june_3_and_labour_day_for_a_monthly_worker(tmp_path):
    """공무직 on the pay table (공무직1-1 = 2,560,000) with 식대 140,000 and the all-jobs 직무수당 30,000
    (환경미화 also 위험근무수당 60,000): 통상임금 = 2,560,000 + 30,000 + 60,000 + 140,000 = 2,790,000 ÷ 209 h.
    Work on 06-03 06:00–15:00 (the schedule) = 8 h × 1.5; no 유급휴일수당 line (inside the monthly pay)."""
    staff = roster((worker("M", employment="public_service", job="환경미화"), contract("M", start="2015-03-01", end=None, pay_type="monthly", wage=2_560_000, begin="06:00", finish="15:00", meal=140_000, grade="공무직1-1")))
    rows = full_days("M", dt.date(2026, 6, 1), dt.date(2026, 6, 30), begin="06:00", finish="15:00") + [("M", "2026-06-03", "05:50", "15:05")]
    d = run(tmp_path, staff, rows)
    got = {c: (a, m) for c, a, m in lines(d, "M")}
    ordinary = 2_560_000 + 30_000 + 60_000 + 140_000
    assert got["base_pay"] == (2_560_000, None)
    assert got["holiday_work_pay"] == (ordinary * 480 * 3 // (209 * 60 * 2), 480)
    assert got["meal"] == (140_000, None) and got["position_allowance"] == (30_000, None) and got["risk_allowance"] == (60_000, None)
    assert "public_holiday_pay" not in got and "weekly_holiday_pay" not in got
    assert d.build.items.filter(pl.col("code") == "holiday_work_pay").get_column("method").item() == "통상임금 2,790,000원 ÷ 209시간 × 8시간 × 1.5"


def test_monthly_worker_joining_inside_the_month_is_paid_by_calendar_days(tmp_path):
    """Joins 06-10: 21 of 30 days. 2,650,000 × 21 ÷ 30 = 1,855,000; 직무수당 30,000 → 21,000; 식대 140,000 → 98,000."""
    staff = roster((worker("J", employment="public_service", job="시설관리"), contract("J", start="2026-06-10", end=None, pay_type="monthly", wage=2_650_000, meal=140_000, grade="공무직2-1")))
    d = run(tmp_path, staff, full_days("J", dt.date(2026, 6, 10), dt.date(2026, 6, 30)))
    got = {c: a for c, a, m in lines(d, "J")}
    assert got == {"base_pay": 1_855_000, "position_allowance": 21_000, "meal": 98_000}
    assert d.build.items.filter(pl.col("code") == "base_pay").get_column("method").item() == "월 기본급 2,650,000원 × 21일 ÷ 30일 (일할계산)"
    w = d.build.workers.row(0, named=True)
    assert w["hire_date"] == dt.date(2026, 6, 10) and w["leave_date"] is None


def test_week_by_week_weekly_holiday_table(tmp_path):
    """June, Mon–Fri 40 h: week 1 has the 06-03 holiday (not a missed day); week 2 an absence on 06-10;
    week 3 a 연차 on 06-16 (paid leave counts as attended); week 4 a 무급 day on 06-24 (not attended);
    the week of 06-29 has its Sunday in July (paid then)."""
    staff = roster((worker("A"), contract("A")))
    rows = full_days("A", dt.date(2026, 6, 1), dt.date(2026, 6, 30), skip={dt.date(2026, 6, 10), dt.date(2026, 6, 16), dt.date(2026, 6, 24)})
    d = run(tmp_path, staff, rows, leave=[("A", "2026-06-16", "연차", ""), ("A", "2026-06-24", "무급", "")])
    table = d.weeks.select("week", "weekly_holiday_minutes", "weekly_holiday_note").rows()
    assert table == [
        (dt.date(2026, 6, 1), 480, "개근"),
        (dt.date(2026, 6, 8), 0, "소정근로일 결근 1일"),
        (dt.date(2026, 6, 15), 480, "개근"),
        (dt.date(2026, 6, 22), 0, "소정근로일 결근 1일"),
    ]
    got = {c: (a, m) for c, a, m in lines(d, "A")}
    # worked 21 − 3 = 18 days + 1 day 연차 = 19 × 8 h
    assert got["base_pay"] == (W * 152, 152 * 60)
    assert d.build.items.filter(pl.col("code") == "base_pay").get_column("method").item() == "12,121원 × 152시간"
    ts = d.build.timesheet
    assert ts.filter(pl.col("absent")).get_column("date").to_list() == [dt.date(2026, 6, 10), dt.date(2026, 6, 24)]


def test_weekly_overtime_lateness_and_approval_rules(tmp_path):
    """Early arrival without approval is not work; a late arrival is lateness; work after the end needs an
    approval (the district's default). Saturday 06-13 work of 5 h for a 40 h worker is 연장 once the week has
    40 h (§56①)."""
    staff = roster((worker("A"), contract("A")))
    rows = full_days("A", dt.date(2026, 6, 8), dt.date(2026, 6, 12))
    rows[0] = ("A", "2026-06-08", "07:30", "18:00")   # early, not approved
    rows[1] = ("A", "2026-06-09", "09:40", "18:00")   # 40 min late
    rows[2] = ("A", "2026-06-10", "09:00", "20:30")   # approved until 20:00
    rows.append(("A", "2026-06-13", "10:00", "15:00"))  # Saturday: unscheduled, every minute counts but the break
    d = run(tmp_path, staff, rows, overtime=[("A", "2026-06-10", "18:00", "20:00", "민원")])
    ts = {r["date"].day: r for r in d.build.timesheet.iter_rows(named=True)}
    assert (ts[8]["worked"], ts[8]["regular"], ts[8]["late"]) == (480, 480, 0)
    assert (ts[9]["worked"], ts[9]["late"]) == (440, 40)
    assert (ts[10]["worked"], ts[10]["regular"], ts[10]["overtime"]) == (600, 480, 120)
    # week: 480 + 440 + 480 + 480 + 480 = 2,360 regular by Friday; Saturday 10–15 less the contract's
    # 13–14 break = 4 h, of which the first 40 min fill the 40 h and 3 h 20 min are 연장
    assert (ts[13]["worked"], ts[13]["regular"], ts[13]["overtime"]) == (240, 40, 200)
    got = {(c, m): a for c, a, m in lines(d, "A")}
    assert got[("overtime_pay", 320)] == W * 320 * 3 // 120


def test_minimum_wage_warning_and_meal_in_the_ordinary_wage(tmp_path):
    staff = roster(
        (worker("L"), contract("L", wage=10_000)),
        (worker("H"), contract("H", meal=100_000)),
    )
    rows = full_days("L", dt.date(2026, 6, 1), dt.date(2026, 6, 30)) + full_days("H", dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    rows.append(("H", "2026-06-06", "09:00", "13:00"))  # 현충일 (Saturday): 4 h 휴일근로
    d = run(tmp_path, staff, rows)
    assert any(w.startswith("L: ") and "최저임금 10,320원" in w for w in d.build.warnings)
    assert not any(w.startswith("H: ") for w in d.build.warnings)
    got = {(c, m): a for c, a, m in lines(d, "H")}
    # 통상시급 = 12,121 + 100,000 ÷ 209 h, per minute (12,121 × 12,540 + 100,000 × 60) ÷ (60 × 12,540)
    assert got[("holiday_work_pay", 240)] == (W * 12_540 + 100_000 * 60) * 240 * 3 // (60 * 12_540 * 2)
    assert got[("meal", None)] == 100_000


def test_daily_worker_and_contract_ending_inside_the_month(tmp_path):
    """일급 96,968 (8 h) from 06-08 to 06-19: 10 days; 주휴 for the week of 06-08 only (the contract ends
    Friday 06-19, before that week's Sunday). leave_date = 06-19."""
    staff = roster((worker("D", income_type="daily"), contract("D", start="2026-06-08", end="2026-06-19", pay_type="daily", wage=96_968)))
    d = run(tmp_path, staff, full_days("D", dt.date(2026, 6, 8), dt.date(2026, 6, 19)))
    got = {c: (a, m) for c, a, m in lines(d, "D")}
    assert got["base_pay"] == (96_968 * 10, 80 * 60)
    assert got["weekly_holiday_pay"] == (96_968, 480)
    w = d.build.workers.row(0, named=True)
    assert w["leave_date"] == dt.date(2026, 6, 19) and w["work_days"] == 10 and w["income_type"] == "daily"
    assert d.build.items.filter(pl.col("code") == "base_pay").get_column("method").item() == "일급 96,968원 ÷ 8시간 × 80시간"


def test_build_month_interface_feeds_the_engine_unchanged(tmp_path):
    staff = roster((worker("A"), contract("A")), (worker("B", birth="1960-02-02"), contract("B", days="1245", finish="14:00", brk=0)))
    rows = full_days("A", dt.date(2026, 6, 1), dt.date(2026, 6, 30)) + full_days("B", dt.date(2026, 6, 1), dt.date(2026, 6, 30), days="1245", finish="14:00")
    path = write_daily(tmp_path / "d.csv", rows)
    build = build_month(MonthInputs(month="2026-06", pay_date=dt.date(2026, 7, 10), roster=staff, attendance=(path,)))
    assert list(build.workers.columns[: len(WORKER_SCHEMA)]) == list(WORKER_SCHEMA)
    for extra in ("name", "department", "job", "contract_id", "pay_type", "wage", "leave_date", "overtime_minutes", "night_minutes", "holiday_work_minutes", "worked_minutes"):
        assert extra in build.workers.columns
    assert build.items.columns == ["row", "code", "amount", "method", "minutes"]
    out = compute(build.workers, build.items)
    assert out.height == 2
    gross = dict(zip(out.get_column("worker_id"), out.get_column("gross_pay")))
    assert gross["A"] == W * (168 + 32 + 8)  # base + 주휴 + 06-03
    assert gross["B"] == W * (90 + 16)
    from payroll import pay_items

    assert set(build.items.get_column("code")) <= set(pay_items.current().items)


def test_same_inputs_same_bytes(tmp_path):
    from payroll.timesheet.sheet import worker_xlsx

    staff = roster((worker("A"), contract("A")))
    rows = full_days("A", dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    a = run(tmp_path, staff, rows)
    b = run(tmp_path, staff, rows)
    assert a.build.items.equals(b.build.items) and a.build.workers.equals(b.build.workers)
    assert worker_xlsx(a, "A") == worker_xlsx(b, "A")


@pytest.mark.parametrize("body,match", [
    ("worker_id,date,kind,minutes\nA,2026-06-02,출장,\n", "unknown leave kind '출장'"),
    ("worker_id,date,kind,minutes\nA,2027-06-02,연차,\n", "outside every contract"),
    ("worker_id,date,kind,minutes\nA,2026-06-02,반차,half\n", "row 2: minutes"),
    ("worker_id,date,kind,minutes\nA,2026-06-02,연차,\nA,2026-06-02,연차,\n", "twice"),
    # a full day of 연차 and a 병가 on the same day: overlapping (the 연차 ledger rejects the same file)
    ("worker_id,date,kind,minutes\nA,2026-06-02,연차,\nA,2026-06-02,병가,\n", "row 3: date: leave of worker A on 2026-06-02 overlaps row 2"),
    ("worker_id,date,kind,minutes\nA,2026-06-02,반차,\nA,2026-06-02,병가,300\n", "row 3: date: .* overlaps row 2 \\(540 minutes"),
])
def test_bad_leave_file_is_an_input_error(tmp_path, body, match):
    from payroll.case import InputError
    from payroll.timesheet.inputs import load_leave

    staff = roster((worker("A"), contract("A")))
    path = tmp_path / "leave.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_leave(path, staff)


def test_two_half_days_on_one_day_are_not_an_overlap(tmp_path):
    from payroll.timesheet.inputs import load_leave

    staff = roster((worker("A"), contract("A")))
    path = tmp_path / "leave.csv"
    path.write_text("worker_id,date,kind,minutes\nA,2026-06-02,반차,\nA,2026-06-02,병가,240\n", encoding="utf-8")
    assert load_leave(path, staff).get_column("line").to_list() == [2, 3]


def test_half_day_leave_and_explicit_minutes(tmp_path):
    staff = roster((worker("A"), contract("A")))
    rows = [r for r in full_days("A", dt.date(2026, 6, 1), dt.date(2026, 6, 30)) if r[1] not in ("2026-06-15", "2026-06-16")]
    rows.append(("A", "2026-06-15", "14:00", "18:00"))  # 반차 in the morning: 4 h worked
    d = run(tmp_path, staff, rows, leave=[("A", "2026-06-15", "반차", ""), ("A", "2026-06-16", "병가", "480")])
    day15 = d.build.timesheet.filter(pl.col("date") == dt.date(2026, 6, 15)).row(0, named=True)
    assert (day15["worked"], day15["paid_leave"], day15["absent"]) == (240, 240, False)
    got = {c: (a, m) for c, a, m in lines(d, "A")}
    assert got["base_pay"] == (W * 168, 168 * 60) and got["weekly_holiday_pay"] == (W * 32, 32 * 60)


def test_cli_timesheet_writes_the_worker_sheets(tmp_path):
    from click.testing import CliRunner

    from payroll.cli import cli

    small = Path(__file__).resolve().parent.parent / "samples" / "small"
    exports = [str(small / n) for n in ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")]
    out = tmp_path / "sheets"
    result = CliRunner().invoke(cli, [
        "attendance", "timesheet", *exports, "--month", "2026-06", "--pay-date", "2026-07-10",
        "--roster", str(small / "roster.csv"), "--contracts", str(small / "contracts.csv"),
        "--leave", str(small / "leave.csv"), "--overtime", str(small / "overtime.csv"), "--corrections", str(small / "corrections.csv"),
        "--worker", "T00009", "--out", str(out),
    ])
    assert result.exit_code == 0, result.output + result.stderr
    assert "T00009" in result.output and "기본급" in result.output and "야간근로수당" in result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["근무상황부_2026-06_T00009.xlsx"]
    import fastexcel

    sheet = fastexcel.read_excel((out / files[0]).read_bytes()).load_sheet(0, header_row=None, dtypes="string").to_polars()
    first_col = sheet.to_series(0).to_list()
    assert "월 합계" in first_col and sum(1 for v in first_col if v and v.endswith("주 합계")) == 5
    bad = CliRunner().invoke(cli, ["attendance", "timesheet", exports[0], "--month", "2026-13", "--pay-date", "2026-07-10", "--roster", str(small / "roster.csv"), "--contracts", str(small / "contracts.csv")])
    assert bad.exit_code == 2 and "month: expected YYYY-MM" in bad.stderr


def test_punch_rounding_is_configurable(tmp_path):
    """With 10-minute 'inward' rounding (출근 up, 퇴근 down), 09:03–18:17 counts as 09:10–18:10; the default
    (1 minute) keeps the punches. Applied to a Saturday so no schedule clamps the times."""
    import shutil

    from payroll import law as law_module
    from payroll.attendance.checks import check
    from payroll.attendance.readers import read_export
    from payroll.law import default_rules_dir
    from payroll.timesheet.days import build_days
    from payroll.timesheet.inputs import APPROVAL_SCHEMA, LEAVE_SCHEMA

    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    toml = rules / "employer" / "timesheet.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("from = 2025-01-01\nvalue = 1\n", "from = 2025-01-01\nvalue = 10\n", 1).replace('value = "nearest"', 'value = "inward"', 1)
    toml.write_text(text, encoding="utf-8")
    rounded = law_module.load(rules)
    assert rounded.on(dt.date(2026, 6, 1))["timesheet.rounding_minutes"] == 10
    staff = roster((worker("A"), contract("A", brk=0)))
    path = write_daily(tmp_path / "d.csv", [("A", "2026-06-13", "09:03", "18:17")])
    r = check([read_export(path)], staff)
    empty_leave, empty_ot = pl.DataFrame(schema=LEAVE_SCHEMA), pl.DataFrame(schema=APPROVAL_SCHEMA)
    first, last = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
    day = lambda law: build_days(staff, r.shifts, empty_leave, empty_ot, first, last, law).filter(pl.col("date") == dt.date(2026, 6, 13)).row(0, named=True)  # noqa: E731
    assert day(rounded)["worked"] == 540
    assert day(law_module.current())["worked"] == 554
