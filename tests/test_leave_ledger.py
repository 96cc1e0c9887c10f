"""연차 ledger: hand-worked cases (근로기준법 §60, §61, §18③, 시행령 별표2, 대법원 2021다227100)."""

import datetime as dt

import polars as pl
import pytest

from payroll.case import InputError
from payroll.leave.inputs import LeaveDay, Notice, load_leave
from payroll.leave.accrual import annual_days
from payroll.leave.amounts import hourly_ordinary_wage
from payroll.leave.roster_ledgers import build_ledgers
from payroll.leave.notices import notices_for
from payroll.leave.pay import leave_pay_items, leave_payouts
from payroll.leave.timing import promotion_windows
from tests.leave_helpers import contract, roster

D = dt.date


def one(r, as_of, **kw):
    (ledger,) = build_ledgers(r, kw.pop("leave", []), as_of, **kw).values()
    return ledger


def kinds(ledger, kind):
    return [e for e in ledger.entries if e.kind == kind]


def test_one_year_contract_earns_eleven_days_paid_with_the_last_pay(law):
    r = roster(contract("a1", "A", D(2026, 1, 1), D(2026, 12, 31)))
    ledger = one(r, D(2027, 1, 31), law=law)
    accruals = kinds(ledger, "accrual")
    assert [e.date for e in accruals] == [D(2026, m, 1) for m in range(2, 13)]
    assert sum(e.minutes for e in accruals) == 11 * 480  # never 26 days (2021다227100)
    (paid,) = kinds(ledger, "payout")
    assert (paid.date, paid.reason, paid.pay_month, paid.minutes) == (D(2026, 12, 31), "leaving", "2026-12", 11 * 480)
    assert paid.amount == 11 * 8 * 10_320 == 908_160
    assert paid.method.startswith("11일 × 8시간 × 10,320원 = 908,160원")
    items = leave_pay_items(r, "2026-12", D(2026, 12, 31), law=law)
    assert items.to_dicts() == [{"worker_id": "A", "code": "annual_leave_pay", "amount": 908_160, "method": items["method"][0], "minutes": 5280}]
    assert leave_pay_items(r, "2026-11", D(2026, 11, 25), law=law).height == 0


def test_two_year_renewed_contract_earns_eleven_then_fifteen(law):
    r = roster(contract("b1", "B", D(2025, 1, 1), D(2025, 12, 31)), contract("b2", "B", D(2026, 1, 1), D(2026, 12, 31)))
    ledger = one(r, D(2026, 12, 31), law=law)
    accruals = kinds(ledger, "accrual")
    assert [e.minutes for e in accruals] == [480] * 11 + [15 * 480]
    assert accruals[-1].date == D(2026, 1, 1) and accruals[-1].article == "근로기준법 §60①④"
    assert len(ledger.services) == 1 and ledger.services[0].gaps[0].bridged
    lapse_paid, leaving = kinds(ledger, "payout")
    # first-year days lapse at the end of the first year; no 사용촉진 recorded → paid next month
    assert (lapse_paid.date, lapse_paid.reason, lapse_paid.pay_month, lapse_paid.amount) == (D(2025, 12, 31), "lapse", "2026-01", 908_160)
    assert (leaving.reason, leaving.minutes, leaving.amount) == ("leaving", 7200, 15 * 8 * 10_320)
    jan = leave_pay_items(r, "2026-01", D(2026, 1, 20), law=law)
    assert jan["amount"].to_list() == [908_160]


def test_seniority_days_and_the_cap(law):
    r = roster(contract("c1", "C", D(2020, 4, 1), None))
    ledger = one(r, D(2026, 4, 1), law=law)
    annual = [e.minutes // 480 for e in kinds(ledger, "accrual") if e.article == "근로기준법 §60①④"]
    # years 1..6: 1 more per 2 years beyond the first
    assert annual == [15, 15, 16, 16, 17, 17]
    on = law.on(D(2026, 1, 1))
    assert [annual_days(k, on) for k in (19, 20, 21, 22, 23, 30)] == [24, 24, 25, 25, 25, 25]


def test_a_gap_longer_than_the_setting_starts_a_new_first_year(law):
    gap_limit = law.on(D(2026, 1, 1))["leave.continuity_max_gap_days"]
    start2 = D(2025, 12, 31) + dt.timedelta(days=gap_limit + 2)
    r = roster(contract("g1", "G", D(2025, 1, 1), D(2025, 12, 31)), contract("g2", "G", start2, D(2026, 12, 31)))
    ledger = one(r, D(2026, 12, 31), law=law)
    assert len(ledger.services) == 2
    gap = ledger.services[1].gaps[0]
    assert (gap.days, gap.limit, gap.bridged) == (gap_limit + 1, gap_limit, False) and gap.reason
    first_paid = kinds(ledger, "payout")[0]
    assert (first_paid.reason, first_paid.minutes) == ("leaving", 11 * 480)
    assert all(e.minutes == 480 for e in kinds(ledger, "accrual"))  # no 15-day grant


def test_part_timer_in_hours(law):
    # 3 days × 6 h = 18 h a week: a day of 연차 is 18/40 × 8 = 3.6 h; 11 months → 39.6 h → 40 h (별표2: 1시간 미만은 1시간)
    r = roster(contract("p1", "P", D(2025, 1, 1), D(2025, 12, 31), days="135", hours=(9, 16)),
               contract("p2", "P", D(2026, 1, 1), D(2026, 12, 31), days="135", hours=(9, 16)))
    ledger = one(r, D(2026, 1, 1), law=law)
    monthly = [e.minutes for e in kinds(ledger, "accrual") if e.date.year == 2025]
    assert sum(monthly) == 40 * 60 and all(m in (180, 240) for m in monthly)
    yearly = [e for e in kinds(ledger, "accrual") if e.date == D(2026, 1, 1)]
    assert yearly[0].minutes == 54 * 60  # 15 × 3.6 h
    # a 20 h worker (5 × 4 h): 1 day = 4 h exactly
    r20 = roster(contract("q1", "Q", D(2026, 1, 1), D(2026, 12, 31), hours=(9, 13), brk=0))
    assert [e.minutes for e in kinds(one(r20, D(2026, 12, 31), law=law), "accrual")] == [240] * 11


def test_a_month_earns_its_day_under_the_contract_it_was_worked_under(law):
    """§60②: 1개월 개근 earns the day, and §18③ and a part-timer's hours are those of the month worked — not of the
    contract the grant day (the day after the month) falls in. An outside oracle found June granted at the July hours."""
    # 40 h to June, then 20 h without a gap: months 1–6 at 8 h, months 7–11 at 4 h = 68 h (was 64: June at 4 h)
    down = roster(contract("d1", "D", D(2026, 1, 1), D(2026, 6, 30)), contract("d2", "D", D(2026, 7, 1), D(2026, 12, 31), hours=(9, 13), brk=0))
    ledger = one(down, D(2026, 12, 31), law=law)
    first_year = kinds(ledger, "accrual")
    assert [e.minutes for e in first_year] == [480] * 6 + [240] * 5 and first_year[5].date == D(2026, 7, 1)
    # paid on leaving at the last contract's rate; the 계산방법 counts each kind of day (it said "17일 × 4시간")
    (paid,) = kinds(ledger, "payout")
    assert paid.amount == 68 * 10_320 and paid.method.startswith("68시간 (6일 × 8시간 + 5일 × 4시간: 부여 때 계약의 하루 시간) × 10,320원")
    # 12 h to June (§18③: no leave), then 20 h: June earns nothing although its day would fall on 07-01 (was 4 h)
    up = roster(contract("u1", "U", D(2026, 1, 1), D(2026, 6, 30), days="12", hours=(9, 15), brk=0),
                contract("u2", "U", D(2026, 7, 1), D(2027, 6, 30), hours=(9, 13), brk=0))
    grants = kinds(one(up, D(2026, 12, 31), law=law), "accrual")
    assert [(e.date, e.minutes) for e in grants] == [(D(2026, m, 1), 240) for m in range(8, 13)]


def test_fourteen_hour_worker_gets_no_leave(law):
    r = roster(contract("s1", "S", D(2026, 1, 1), D(2026, 12, 31), days="12", hours=(9, 17), brk=60))  # 2 × 7 h
    ledger = one(r, D(2026, 12, 31), law=law)
    assert ledger.entries == [] and any("§18③" in n for n in ledger.notes)
    assert leave_pay_items(r, "2026-12", D(2026, 12, 31), law=law).height == 0


def _first_year_worker():
    # hired 2025-01-01, renewed: the first-year days lapse on 2025-12-31 unless paid
    return roster(contract("n1", "N", D(2025, 1, 1), D(2025, 12, 31)), contract("n2", "N", D(2026, 1, 1), D(2026, 12, 31)))


def test_first_year_windows(law):
    w = promotion_windows(D(2025, 12, 31), True, law.on(D(2025, 2, 1)))
    assert (w["first"].start, w["first"].end) == (D(2025, 10, 1), D(2025, 10, 10))
    assert w["second"].end == D(2025, 11, 30)
    assert (w["first_late"].start, w["first_late"].end) == (D(2025, 12, 1), D(2025, 12, 5))
    assert w["second_late"].end == D(2025, 12, 21)
    y = promotion_windows(D(2026, 12, 31), False, law.on(D(2026, 1, 1)))
    assert (y["first"].start, y["first"].end, y["second"].end) == (D(2026, 7, 1), D(2026, 7, 10), D(2026, 10, 31))


def test_lapse_with_and_without_notices(law):
    r = _first_year_worker()
    use = [LeaveDay("N", D(2025, 6, 2), "연차", 480, "leave.csv", 2)]
    as_of = D(2026, 1, 31)
    # without notices: the 10 unused days are paid in January
    bare = one(r, as_of, leave=use, law=law)
    (paid,) = [e for e in kinds(bare, "payout") if e.reason == "lapse"]
    assert (paid.minutes, paid.amount, paid.pay_month) == (10 * 480, 10 * 8 * 10_320, "2026-01")
    # first and second notices in time: the days granted before the first notice lapse unpaid;
    # the two granted after it (11-01, 12-01) need the late notices of §61② 단서, so they are paid
    partial = [Notice("N", D(2025, 12, 31), "first", D(2025, 10, 2), None), Notice("N", D(2025, 12, 31), "second", D(2025, 11, 20), None)]
    ledger = one(r, as_of, leave=use, law=law, notices=partial)
    (lapsed,) = kinds(ledger, "lapse")
    (paid,) = [e for e in kinds(ledger, "payout") if e.reason == "lapse"]
    assert (lapsed.minutes, paid.minutes) == (8 * 480, 2 * 480)
    full = partial + [Notice("N", D(2025, 12, 31), "first_late", D(2025, 12, 2), None), Notice("N", D(2025, 12, 31), "second_late", D(2025, 12, 15), None)]
    ledger = one(r, as_of, leave=use, law=law, notices=full)
    assert [e.minutes for e in kinds(ledger, "lapse")] == [10 * 480]
    assert [e for e in kinds(ledger, "payout") if e.reason == "lapse"] == []
    assert leave_pay_items(r, "2026-01", D(2026, 1, 20), notices=full, law=law).height == 0
    # a first notice outside its window spares nothing
    late = [Notice("N", D(2025, 12, 31), "first", D(2025, 10, 20), None), Notice("N", D(2025, 12, 31), "second", D(2025, 11, 25), None)]
    assert kinds(one(r, as_of, leave=use, law=law, notices=late), "lapse") == []


def test_notices_due_list_the_first_year_stages(law):
    r = _first_year_worker()
    (ledger,) = build_ledgers(r, [], D(2025, 10, 1), law=law).values()
    (due,) = notices_for(ledger, D(2025, 10, 1), law, [])
    assert (due.stage, due.status, due.start, due.end, due.minutes) == ("first", "due", D(2025, 10, 1), D(2025, 10, 10), 9 * 480)
    recorded = [Notice("N", D(2025, 12, 31), "first", D(2025, 10, 1), 9 * 480)]
    (ledger,) = build_ledgers(r, [], D(2025, 12, 1), law=law, notices=recorded).values()
    stages = {(n.stage, n.status) for n in notices_for(ledger, D(2025, 12, 1), law, recorded)}
    # 12-01: the second notice's deadline (11-30) has passed; the days granted after the first notice
    # (11-01, 12-01) now need the late first notice, whose window 12-01…12-05 is open
    assert stages == {("second", "missed"), ("first_late", "due")}


def test_use_beyond_the_balance_is_an_exception_not_a_negative_balance(law):
    r = roster(contract("x1", "X", D(2026, 1, 1), D(2026, 12, 31)))
    use = [LeaveDay("X", D(2026, 1, 15), "연차", 480, "leave.csv", 2), LeaveDay("X", D(2026, 2, 2), "연차", 480, "leave.csv", 3),
           LeaveDay("X", D(2026, 2, 3), "반차", 240, "leave.csv", 4)]
    ledger = one(r, D(2026, 2, 28), leave=use, law=law)
    assert [(x.date, x.minutes) for x in ledger.exceptions] == [(D(2026, 1, 15), 480), (D(2026, 2, 3), 240)]
    assert min(e.balance for e in ledger.entries) >= 0
    assert ledger.totals() == {"accrued": 480, "used": 480, "paid_out": 0, "lapsed": 0, "remaining": 0}


def test_attendance_below_eighty_percent_gives_a_day_per_full_month(law):
    r = roster(contract("y1", "Y", D(2025, 1, 1), D(2026, 12, 31)))
    days = pl.date_range(D(2025, 1, 1), D(2025, 12, 31), eager=True)
    frame = pl.DataFrame({"worker_id": "Y", "date": days}).with_columns(
        scheduled=pl.col("date").dt.weekday() <= 5,
        # absent every scheduled day of March … July: 5 months missed, attendance < 80%
        attended=~pl.col("date").dt.month().is_between(3, 7),
        counted_as_attended=pl.lit(False),
    )
    ledger = one(r, D(2026, 1, 1), law=law, attendance=frame)
    yearly = [e for e in kinds(ledger, "accrual") if e.date == D(2026, 1, 1)]
    assert yearly[0].minutes == 7 * 480 and "< 80%" in yearly[0].note
    assert sum(1 for e in kinds(ledger, "accrual") if e.date.year == 2025) == 6  # months 1, 2, 8, 9, 10, 11 (the 12th ends on the anniversary)
    assert "attendance summary" in ledger.attendance_note
    # the same absences counted as attended (§60⑥, e.g. 업무상 재해 휴업) keep the 15 days
    counted = frame.with_columns(counted_as_attended=~pl.col("attended"))
    assert kinds(one(r, D(2026, 1, 1), law=law, attendance=counted), "accrual")[-1].minutes == 15 * 480


def test_fallback_attendance_is_stated_and_unpaid_days_break_the_month(law):
    r = roster(contract("z1", "Z", D(2026, 1, 1), D(2026, 12, 31)))
    use = [LeaveDay("Z", D(2026, 3, 3), "무급", 480, "leave.csv", 2)]
    ledger = one(r, D(2026, 5, 1), leave=use, law=law)
    assert "attendance summary not given" in ledger.attendance_note
    assert [e.date for e in kinds(ledger, "accrual")] == [D(2026, 2, 1), D(2026, 3, 1), D(2026, 5, 1)]


def test_monthly_worker_ordinary_hourly_wage(law):
    """월급 ÷ 209 × 8: the 통상임금 is the monthly pay the timesheet pays — the contract's wage (no
    pay_grade) + the all-jobs 직무수당 30,000 (rules/employer/timesheet.toml, ordinary in pay_items.toml)
    + 식대 200,000 (house basis wage_and_meal): (2,156,880 + 30,000 + 200,000) ÷ 209 h."""
    c = contract("m1", "M", D(2026, 1, 1), None, pay="monthly", wage=2_156_880, meal=200_000)
    rate, how = hourly_ordinary_wage(c, law, D(2026, 6, 1))
    assert rate * 209 == 2_156_880 + 30_000 + 200_000
    assert how == "(월급 2,156,880원 + 직무수당 30,000원) ÷ 209시간 + 식대 200,000원 ÷ 209시간"


def test_monthly_leaver_is_paid_on_the_pay_table_and_ordinary_allowances(law):
    """공무직 환경미화 on 공무직1-1 (2,560,000 in 2026) whose contract carries wage 0 (the table pays it):
    통상임금 = 2,560,000 + 직무수당 30,000 + 위험근무수당 60,000 + 식대 140,000 = 2,790,000 a month.
    Hired 2025-01-01, renewed, leaves 2026-06-30 with the 15 days of 2026-01-01 unused (the first-year
    11 lapsed on 2025-12-31 and were paid in 2026-01):
    15 × 8 h × 2,790,000 ÷ 209 h = 120 × 13,349.282… = 1,601,913.8… → 1,601,913원 (floored)."""
    from payroll.roster import Roster, Worker

    kw = dict(pay="monthly", wage=0, meal=140_000, hours=(6, 15))
    c1 = contract("e1", "E", D(2025, 1, 1), D(2025, 12, 31), **kw)
    c2 = contract("e2", "E", D(2026, 1, 1), D(2026, 6, 30), **kw)
    c1, c2 = (c.model_copy(update={"pay_grade": "공무직1-1"}) for c in (c1, c2))
    w = Worker(worker_id="E", name="근로자E", birth_date=D(1970, 1, 1), department="청소행정과", employment="public_service", job="환경미화")
    r = Roster({"E": w}, (c1, c2))
    (paid,) = leave_payouts(r, "2026-06", law=law).to_dicts()
    assert (paid["reason"], paid["minutes"]) == ("leaving", 15 * 480)
    assert paid["amount"] == 15 * 8 * 2_790_000 // 209 == 1_601_913
    assert paid["method"] == ("15일 × 8시간 × 13,349.28원 = 1,601,913원 (통상시급: (월급 보수표 공무직1-1 2,560,000원 + 직무수당 30,000원 "
                              "+ 위험근무수당 60,000원) ÷ 209시간 + 식대 140,000원 ÷ 209시간)")
    # the lapse of the first-year days in 2025 is paid on the 2025 table (공무직1-1 = 2,470,000):
    # 11 × 8 h × (2,470,000 + 90,000 + 140,000) ÷ 209 h = 88 × 2,700,000 ÷ 209 = 1,136,842.1 → 1,136,842
    (jan,) = leave_payouts(r, "2026-01", law=law).to_dicts()
    assert (jan["reason"], jan["amount"]) == ("lapse", 88 * 2_700_000 // 209) and jan["amount"] == 1_136_842


def test_monthly_part_timer_month_rounds_half_up(law):
    """20 h a week on a monthly wage: (20 + 4 주휴) × 365 ÷ 7 ÷ 12 = 104.29 → 104 h (rounded as the
    timesheet and working_time.full_time_monthly_hours round; never up to 105, which would lower the rate).
    30 h: (30 + 6) × 365/84 = 156.43 → 156 h; 35 h: (35 + 7) × 365/84 = 182.5 → 183 h (half up)."""
    from payroll.leave.amounts import monthly_paid_minutes

    on = D(2026, 6, 1)
    c20 = contract("h1", "H", D(2026, 1, 1), None, pay="monthly", wage=1_100_000, hours=(9, 13), brk=0)
    assert monthly_paid_minutes(c20, law, on) == 104 * 60
    c30 = contract("h2", "H", D(2026, 1, 1), None, pay="monthly", wage=1_100_000, hours=(9, 15), brk=0)
    assert monthly_paid_minutes(c30, law, on) == 156 * 60
    c35 = contract("h3", "H", D(2026, 1, 1), None, pay="monthly", wage=1_100_000, hours=(9, 16), brk=0)
    assert monthly_paid_minutes(c35, law, on) == 183 * 60
    assert monthly_paid_minutes(contract("h4", "H", D(2026, 1, 1), None), law, on) == 209 * 60
    rate, _ = hourly_ordinary_wage(c20, law, on)
    assert rate * 104 == 1_100_000 + 30_000


def test_leave_file_errors_name_file_row_and_field(tmp_path, law):
    r = roster(contract("a1", "A", D(2026, 1, 1), D(2026, 12, 31)))
    cases = {
        "A,2027-01-04,연차,\n": "2행: date: 2027-01-04은(는) 근로자 A의 어느 계약 기간에도 들지 않습니다",
        "A,2026-03-03,휴가,\n": "2행: kind: 알 수 없는 휴가 종류",
        "A,2026-03-03,연차,\nA,2026-03-03,반차,\n": "3행: date: 근로자 A의 2026-03-03 휴가가 2행과 겹칩니다",
        "A,2026-03-07,연차,\n": "2행: date: 2026-03-07은(는) 계약 a1의 소정근로일이 아닙니다 (work_days 12345)",
        "A,2026-03-03,연차,abc\n": "2행: minutes: 분 단위 정수가 아닙니다",
        "B,2026-03-03,연차,\n": "2행: worker_id: 'B'은(는) 명부(roster)에 없습니다",
    }
    for body, message in cases.items():
        path = tmp_path / "leave.csv"
        path.write_text("worker_id,date,kind,minutes\n" + body, encoding="utf-8")
        with pytest.raises(InputError) as exc:
            load_leave(path, r)
        assert str(path) in str(exc.value) and message in str(exc.value)
    path.write_text("worker_id,date,kind,minutes\nA,2026-03-03,반차,\nA,2026-03-03,반차,\n", encoding="utf-8")
    assert [d.minutes for d in load_leave(path, r)] == [240, 240]  # two half days fill the day


def test_payouts_frame_explains_each_amount(law):
    r = roster(contract("a1", "A", D(2026, 1, 1), D(2026, 6, 30), days="135", hours=(9, 16)))
    frame = leave_payouts(r, "2026-06", law=law)
    (row,) = frame.to_dicts()
    assert row["reason"] == "leaving" and row["minutes"] == 5 * 216 + (-(5 * 216) % 60)  # 5 × 3.6 h → 18 h
    assert row["amount"] == 18 * 10_320


def _scheduled_day_by_day(contracts, leave, first, last, law):
    """The fallback's definition, walked one calendar day at a time (the ledger's own is cached per week pattern and year)."""
    from payroll.holidays import paid_holidays

    unpaid = {}
    for d in leave:
        if d.kind == "무급":
            unpaid[d.date] = unpaid.get(d.date, 0) + d.minutes
    scheduled, absent = [], []
    for c in contracts:
        day, end = max(c.start, first), min(c.end or last, last)
        while day <= end:
            if day.isoweekday() in c.weekdays and day not in paid_holidays(day.year, law):
                scheduled.append(day)
                if unpaid.get(day, 0) >= c.daily_minutes:
                    absent.append(day)
            day += dt.timedelta(days=1)
    return scheduled, absent


def test_fallback_days_match_the_calendar_walk_across_years_and_contracts(law):
    from payroll.leave.attended import _fallback_days

    contracts = [contract("f1", "F", D(2024, 12, 20), D(2025, 6, 30)), contract("f2", "F", D(2025, 7, 1), None, days="246", hours=(9, 13), brk=0)]
    leave = [
        LeaveDay("F", D(2025, 1, 2), "무급", 480, "leave.csv", 2),  # a full scheduled day: absent
        LeaveDay("F", D(2025, 1, 1), "무급", 480, "leave.csv", 3),  # 신정: not a scheduled day
        LeaveDay("F", D(2025, 2, 3), "무급", 240, "leave.csv", 4),  # half a day: not absent
        LeaveDay("F", D(2025, 2, 4), "무급", 240, "leave.csv", 5),  # two halves of one day: absent
        LeaveDay("F", D(2025, 2, 4), "무급", 240, "leave.csv", 6),
        LeaveDay("F", D(2025, 7, 3), "무급", 240, "leave.csv", 7),  # the 4-hour contract's whole Thursday
        LeaveDay("F", D(2025, 7, 4), "무급", 240, "leave.csv", 8),  # a Friday the second contract does not schedule
        LeaveDay("F", D(2025, 7, 8), "연차", 240, "leave.csv", 9),  # not 무급
    ]
    for first, last in [(D(2024, 1, 1), D(2026, 3, 31)), (D(2025, 1, 2), D(2025, 1, 2)), (D(2025, 6, 30), D(2025, 7, 3)), (D(2026, 1, 1), D(2025, 12, 31))]:
        assert _fallback_days(contracts, leave, first, last, law) == _scheduled_day_by_day(contracts, leave, first, last, law)
    _, absent = _fallback_days(contracts, leave, D(2024, 1, 1), D(2026, 3, 31), law)
    assert absent == [D(2025, 1, 2), D(2025, 2, 4), D(2025, 7, 3)]


def test_the_roster_and_one_worker_read_the_summary_alike(law):
    from payroll.leave.ledger import build_worker_ledger

    r = roster(contract("p1", "P", D(2025, 1, 1), None), contract("q1", "Q", D(2025, 3, 10), None, days="135"))
    days = pl.date_range(D(2025, 6, 1), D(2025, 12, 31), eager=True)
    frame = pl.concat([
        pl.DataFrame({"worker_id": wid, "date": days}).with_columns(
            scheduled=pl.col("date").dt.weekday() <= 5,
            attended=~pl.col("date").dt.month().is_between(7 if wid == "P" else 8, 9 if wid == "P" else 8),
            counted_as_attended=pl.lit(False),
        )
        for wid in ("P", "Q")
    ])
    as_of = D(2026, 4, 1)
    ledgers = build_ledgers(r, [], as_of, law=law, attendance=frame)
    coverage = (D(2025, 6, 1), D(2025, 12, 31))
    for wid in ("P", "Q"):
        alone = build_worker_ledger(wid, list(r.contracts_of(wid)), [], as_of, law, frame.filter(pl.col("worker_id") == wid), coverage=coverage)
        assert alone == ledgers[wid]
    assert "< 80%" in next(e.note for e in ledgers["P"].entries if e.date == D(2026, 1, 1))
    assert "≥ 80%" in next(e.note for e in ledgers["Q"].entries if e.date == D(2026, 3, 10))


def test_the_ledger_cites_article_60_as_numbered_on_the_day(law):
    """법률 제21784호 inserts §60⑤ (hour-based 연차) from 2027-06-10 and renumbers: the use ⑤ → ⑥, the lapse ⑦ → ⑧
    (kr-payroll-facts-2027 §8). An outside oracle found the old numbers cited after that day."""
    r = roster(contract("n1", "N", D(2025, 1, 1), D(2025, 12, 31)), contract("n2", "N", D(2026, 1, 1), D(2028, 12, 31)))
    use = [LeaveDay("N", D(2026, 3, 16), "연차", 480, "leave.csv", 2), LeaveDay("N", D(2027, 6, 21), "연차", 480, "leave.csv", 3)]
    ledger = one(r, D(2028, 1, 31), leave=use, law=law)
    uses = {e.date: e.article for e in kinds(ledger, "use")}
    assert uses == {D(2026, 3, 16): "근로기준법 §60⑤", D(2027, 6, 21): "근로기준법 §60⑥"}
    ends = {e.date: e.article for e in ledger.entries if e.kind in ("lapse", "payout") and e.reason == "lapse"}
    assert ends[D(2025, 12, 31)].startswith("근로기준법 §60⑦") and ends[D(2026, 12, 31)].startswith("근로기준법 §60⑦")
    assert ends[D(2027, 12, 31)].startswith("근로기준법 §60⑧")
