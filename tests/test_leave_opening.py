"""연차 ledger for long services: where the ledger starts (the rules' coverage, or an opening balance
from leave_opening.csv), years of service counted from the real start (§60①④), leaving pays the
unused days (§36), the 2026-12 month, and the opening-balance file's errors."""

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payroll import law as law_module
from payroll.case import InputError
from payroll.leave.inputs import LeaveDay, Opening, load_opening
from payroll.leave.accrual import annual_days
from payroll.leave.ledger import coverage_start
from payroll.leave.roster_ledgers import build_ledgers
from payroll.leave.pay import leave_pay_items, leave_payouts
from payroll.leave.report import ledger_json, render_ledger_text
from tests.leave_helpers import contract, roster

D = dt.date
DAY = 8 * 10_320  # one full-time day at 시급 10,320원


def one(r, as_of, **kw):
    (ledger,) = build_ledgers(r, kw.pop("leave", []), as_of, **kw).values()
    return ledger


def kinds(ledger, kind):
    return [e for e in ledger.entries if e.kind == kind]


def yearly_chain(wid, first_year, last_end):
    """1-year contracts renewed every 1 March from ``first_year``, the last one ending ``last_end``."""
    out, year = [], first_year
    while True:
        end = min(D(year + 1, 3, 1) - dt.timedelta(days=1), last_end)
        out.append(contract(f"{wid}{year}", wid, D(year, 3, 1), end))
        if end == last_end:
            return out
        year += 1


def use(wid, day, line, kind="연차", minutes=480):
    return LeaveDay(wid, day, kind, minutes, "leave.csv", line)


def test_the_rules_cover_from_the_first_year_regime(law):
    # 법률 제15108호 (시행 2018-05-29): the first-year days on top of the 15 (§60③ deleted)
    assert coverage_start(law) == D(2018, 5, 29)
    # §60①④ reach back unchanged: 15 + 1 per 2 years beyond the first, at most 25
    assert [annual_days(k, law.on(D(2012, 8, 2))) for k in (1, 3, 11, 21)] == [15, 16, 20, 25]
    assert law.on(D(2008, 4, 12))["annual_leave.max_days"] == 25
    assert law.on(D(2008, 4, 12)).citation("annual_leave.max_days").promulgation.startswith("법률 제8372호")
    assert law.on(D(2018, 5, 28)).citation("annual_leave.first_year_days_per_month").effective == D(2012, 8, 2)
    with pytest.raises(Exception):
        law.on(D(2018, 5, 28))["annual_leave.first_year_max_days"]


@pytest.mark.parametrize("chain", [True, False], ids=["renewed-yearly", "open-ended"])
def test_hired_2015_gets_twenty_days_on_2026_03_01(law, chain):
    contracts = yearly_chain("H", 2015, D(2027, 2, 28)) if chain else [contract("h", "H", D(2015, 3, 1), None)]
    r = roster(*contracts)
    ledger = one(r, D(2026, 3, 31), law=law)
    (service,) = ledger.services
    assert service.start == D(2015, 3, 1)
    # walked from the first anniversary on or after 2018-05-29; nothing before it
    assert service.ledger_start == D(2019, 3, 1)
    accruals = kinds(ledger, "accrual")
    assert [e.date for e in accruals] == [D(y, 3, 1) for y in range(2019, 2027)]
    # years counted from 2015-03-01: year 4 → 16, …, year 11 → 15 + (11 − 1) // 2 = 20
    assert [e.minutes // 480 for e in accruals] == [16, 17, 17, 18, 18, 19, 19, 20]
    assert accruals[-1].article == "근로기준법 §60①④" and "11년차" in accruals[-1].note
    assert not any(e.kind == "payout" and e.reason == "leaving" for e in ledger.entries)
    # the ledger says where it starts and why
    text = render_ledger_text(ledger_json(ledger, r, law, []))
    assert "원장 시작 2019-03-01" in text and "정산된 것으로 봄" in text and "근속연수는 2015-03-01부터" in text
    # no rule is missing for any of it: the run's payouts compute
    assert leave_pay_items(r, "2026-03", D(2026, 4, 10), law=law)["amount"].to_list() == [19 * DAY]  # 2025 grant, no 사용촉진


def test_leaving_in_2026_06_pays_the_unused_days(law):
    r = roster(*yearly_chain("H", 2015, D(2026, 6, 19)))
    leave = [use("H", D(2026, 4, 6), 2), use("H", D(2026, 4, 7), 3), use("H", D(2026, 5, 11), 4, "반차", 240)]
    ledger = one(r, D(2026, 6, 30), leave=leave, law=law)
    (leaving,) = [e for e in kinds(ledger, "payout") if e.reason == "leaving"]
    assert (leaving.date, leaving.pay_month, leaving.minutes) == (D(2026, 6, 19), "2026-06", 20 * 480 - 2 * 480 - 240)
    assert leaving.amount == 17 * DAY + 4 * 10_320 == 1_444_800
    assert leaving.method.startswith("140시간 (17.50일 × 8시간) × 10,320원 = 1,444,800원")
    items = leave_pay_items(r, "2026-06", D(2026, 7, 10), leave=leave, law=law)
    assert items.select("worker_id", "amount", "minutes").rows() == [("H", 1_444_800, 8400)]
    payouts = leave_payouts(r, "2026-06", leave=leave, law=law)
    assert payouts["reason"].to_list() == ["leaving"] and "2026-03-01:Y11" in payouts["grants"][0]


def test_opening_balance_starts_the_ledger(law):
    r = roster(*yearly_chain("H", 2015, D(2026, 6, 19)))
    opening = [Opening("H", D(2025, 12, 31), 5 * 480, "2025 연차관리대장 이월", "leave_opening.csv", 2)]
    leave = [use("H", D(2025, 12, 15), 2),  # in the opening balance already
             use("H", D(2026, 1, 12), 3), use("H", D(2026, 1, 13), 4),  # from the opening balance
             use("H", D(2026, 4, 6), 5)]  # from the 2026-03-01 grant
    ledger = one(r, D(2026, 6, 30), leave=leave, law=law, opening=opening)
    assert ledger.services[0].ledger_start == D(2026, 1, 1)
    first = ledger.entries[0]
    assert (first.date, first.kind, first.minutes, first.article) == (D(2025, 12, 31), "accrual", 2400, "이월 잔여 (leave_opening.csv)")
    assert "2025 연차관리대장 이월" in first.note
    assert [e.date for e in kinds(ledger, "use")] == [D(2026, 1, 12), D(2026, 1, 13), D(2026, 4, 6)]
    # the opening balance belongs to the leave year 2025-03-01 … 2026-02-28: 3 days left then, no 사용촉진 → paid in March
    lapse, leaving = kinds(ledger, "payout")
    assert (lapse.date, lapse.reason, lapse.pay_month, lapse.minutes, lapse.amount) == (D(2026, 2, 28), "lapse", "2026-03", 1440, 3 * DAY)
    (grant,) = [e for e in kinds(ledger, "accrual") if e.date == D(2026, 3, 1)]
    assert grant.minutes == 20 * 480
    assert (leaving.reason, leaving.minutes, leaving.amount) == ("leaving", 19 * 480, 19 * DAY)
    t = ledger.totals()
    assert t == {"accrued": 2400 + 9600, "used": 1440, "paid_out": 1440 + 9120, "lapsed": 0, "remaining": 0}
    assert any("이월 잔여" in n and "2025-12-31까지" in n for n in ledger.notes)
    assert any("원장 시작 전의 연차 사용 1건" in n and "2행" in n for n in ledger.notes)
    # the JSON says where the ledger starts
    assert ledger_json(ledger, r, law, [])["services"][0]["ledger_start"] == "2026-01-01"
    # a ledger asked for before the opening date holds nothing
    assert one(r, D(2025, 11, 30), leave=leave, law=law, opening=opening).entries == []


def test_opening_in_the_first_year_equals_the_walked_ledger(law):
    r = roster(contract("a1", "A", D(2026, 1, 1), D(2026, 12, 31)))
    walked = one(r, D(2026, 12, 31), law=law)
    opened = one(r, D(2026, 12, 31), law=law, opening=[Opening("A", D(2026, 3, 31), 2 * 480, "", "leave_opening.csv", 2)])
    assert opened.grants[0].first_year and opened.grants[0].expiry == D(2026, 12, 31)
    assert [e.date for e in kinds(opened, "accrual")] == [D(2026, 3, 31)] + [D(2026, m, 1) for m in range(4, 13)]
    assert kinds(opened, "payout")[0].amount == kinds(walked, "payout")[0].amount == 11 * DAY


def test_part_time_first_year_cut_by_an_opening_rounds_on_the_running_total_from_the_start(law):
    # 28 h a week: a day is 5.6 h (별표2 4호 나목); the first year's hours are rounded up on the running
    # total from the service start: 11 days = 61.6 h → 62 h. An opening balance after month 7
    # (7 days = 39.2 h → 40 h) must continue that total (month 8: ⌈44.8⌉ − 40 = 5 h), not restart it (6 h)
    r = roster(contract("k0", "P", D(2018, 5, 29), None, days="1234567", hours=(9, 13), brk=0))
    walked = one(r, D(2019, 6, 30), law=law)
    at_cut = walked.totals(D(2019, 1, 1))["remaining"]
    assert at_cut == 40 * 60
    opened = one(r, D(2019, 6, 30), law=law, opening=[Opening("P", D(2019, 1, 1), at_cut, "", "leave_opening.csv", 2)])
    first_year = [e.minutes // 60 for e in kinds(opened, "accrual") if e.date <= D(2019, 5, 28)]
    assert first_year == [40, 5, 6, 5, 6]
    lapse = [e for e in kinds(opened, "payout") if e.date == D(2019, 5, 28)]
    assert [e.minutes for e in lapse] == [e.minutes for e in kinds(walked, "payout") if e.date == D(2019, 5, 28)] == [62 * 60]


def test_a_service_that_ended_before_the_rules_is_settled(law):
    r = roster(contract("o1", "O", D(2016, 1, 1), D(2017, 12, 31)), contract("o2", "O", D(2026, 1, 1), D(2026, 12, 31)))
    ledger = one(r, D(2026, 12, 31), law=law)
    old, new = ledger.services
    assert old.ledger_start == dt.date.max and new.ledger_start is None
    assert all(e.date.year == 2026 for e in ledger.entries) and sum(e.minutes for e in kinds(ledger, "accrual")) == 11 * 480
    assert ledger_json(ledger, r, law, [])["services"][0]["ledger_start"] == "settled"


def test_a_month_of_december_2026(law):
    # the employer settings end 2026-12-31: leaving on the 31st, renewed on 1 January, running into 2027
    r = roster(contract("x1", "X", D(2025, 1, 1), D(2026, 12, 31)),
               contract("y1", "Y", D(2025, 1, 1), D(2026, 12, 31)), contract("y2", "Y", D(2027, 1, 1), D(2027, 12, 31)),
               contract("z1", "Z", D(2015, 3, 1), D(2027, 6, 30)))
    items = leave_pay_items(r, "2026-12", D(2027, 1, 10), law=law)
    assert items.select("worker_id", "amount").rows() == [("X", 15 * DAY)]  # Y continues; Z's year runs to 2027-02-28
    ledgers = build_ledgers(r, [], D(2026, 12, 31), law=law)
    assert ledgers["Y"].services[0].end == D(2027, 12, 31)
    # Y continues: the first-year days' lapse (paid 2026-01) and the 2026 grant's lapse on 12-31 (paid 2027-01)
    assert [(e.reason, e.pay_month) for e in kinds(ledgers["Y"], "payout")] == [("lapse", "2026-01"), ("lapse", "2027-01")]
    assert [e.minutes // 480 for e in kinds(ledgers["Z"], "accrual")][-1] == 20
    from payroll.leave.report import month_report

    assert month_report(ledgers, r, "2026-12", law, [])[:2] == b"PK"


def test_opening_file_errors_name_file_row_and_field(tmp_path, law):
    r = roster(contract("h", "H", D(2015, 3, 1), None), contract("k", "K", D(2024, 1, 1), D(2024, 12, 31)))
    path = tmp_path / "leave_opening.csv"

    def load(body):
        path.write_text("worker_id,as_of,minutes,note\n" + body, encoding="utf-8")
        return load_opening(path, r)

    assert load("H,2025-12-31,2400,이월\n") == [Opening("H", D(2025, 12, 31), 2400, "이월", str(path), 2)]
    for body, message in [
        ("Q,2025-12-31,2400,\n", "2행: worker_id: 'Q'은(는) 명부(roster)에 없습니다"),
        ("H,2025-13-01,2400,\n", "2행: as_of: 날짜(YYYY-MM-DD)가 아닙니다"),
        ("H,2025-12-31,5일,\n", "2행: minutes: 분 단위 정수가 아닙니다"),
        ("H,2025-12-31,-60,\n", "2행: minutes: 0 이상이어야 합니다"),
        ("H,2025-12-31,60,\nH,2026-01-31,60,\n", "3행: worker_id: 근로자 H의 이월 잔여가 이미 있습니다 (2행)"),
    ]:
        with pytest.raises(InputError, match=re.escape(f"{path}: {message}")):
            load(body)
    path.write_text("worker_id,minutes\nH,60\n", encoding="utf-8")
    with pytest.raises(InputError, match="1행: 없는 열"):
        load_opening(path, r)
    # checked against the services and the rules' coverage by the ledger
    for body, message in [
        ("K,2025-06-30,480,\n", "2행: as_of: 2025-06-30은(는) 근로자 K의 어느 근속"),
        ("H,2017-12-31,480,\n", "2행: as_of: 2017-12-31은(는) 규칙이 다루는 기간 전입니다"),
    ]:
        opening = load(body)
        with pytest.raises(InputError, match=re.escape(f"{path}: {message}")):
            build_ledgers(r, [], D(2026, 6, 30), law=law, opening=opening)


def test_cli_reads_the_opening_file(tmp_path):
    from click.testing import CliRunner

    from payroll.cli import cli

    (tmp_path / "roster.csv").write_text("worker_id,name,birth_date,department,employment\nH,박공무,1970-01-01,총무과,public_service\n", encoding="utf-8")
    (tmp_path / "contracts.csv").write_text(
        "contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes,meal_allowance\n"
        "h1,H,2015-03-01,,hourly,10320,12345,09:00,18:00,60,0\n", encoding="utf-8")
    (tmp_path / "leave_opening.csv").write_text("worker_id,as_of,minutes,note\nH,2025-12-31,960,이월\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["leave", "ledger", "H", "--as-of", "2026-03-31", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "원장 시작 2026-01-01" in result.output and "이월 잔여 16시간" in result.output
    bad = CliRunner().invoke(cli, ["leave", "ledger", "H", "--opening", str(tmp_path / "none.csv"), "--data-dir", str(tmp_path)])
    assert bad.exit_code == 2 and "none.csv: 읽을 수 없습니다" in bad.output


# --- properties ----------------------------------------------------------------------------------

LAST = D(2026, 12, 31)


@st.composite
def long_cases(draw):
    """A full-time (whole-hour days) worker whose service may begin years before the rules, with
    renewals, gaps and 연차 use; a cut date inside a service for an opening balance."""
    day = D(2012, 9, 1) + dt.timedelta(days=draw(st.integers(0, 365 * 13)))
    days = draw(st.sampled_from(["12345", "1234567"]))
    hours = draw(st.sampled_from([(9, 18), (9, 13), (13, 18)]))
    brk = 60 if hours[1] - hours[0] > 4 else 0
    contracts = []
    for i in range(draw(st.integers(1, 4))):
        if day > LAST:
            break
        end = day + dt.timedelta(days=draw(st.integers(200, 1500))) if draw(st.integers(0, 4)) else None
        contracts.append(contract(f"k{i}", "W", day, end, days=days, hours=hours, brk=brk))
        if end is None:
            break
        day = end + dt.timedelta(days=draw(st.integers(1, 45)))
    r = roster(*contracts)
    leave, taken = [], set()
    for _ in range(draw(st.integers(0, 30))):
        d = D(2018, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3300)))
        c = r.contract_on("W", d)
        if c is None or d.isoweekday() not in c.weekdays or d in taken or d > LAST:
            continue
        taken.add(d)
        kind = draw(st.sampled_from(["연차", "반차"]))
        leave.append(LeaveDay("W", d, kind, c.daily_minutes // 2 if kind == "반차" else c.daily_minutes, "gen", 0))
    cut = D(2019, 1, 1) + dt.timedelta(days=draw(st.integers(0, 2900)))
    return r, sorted(leave, key=lambda x: x.date), cut


def _after(ledger, cut):
    """The entries after ``cut`` per day and kind (a use may draw on one grant or on two), with the day's closing balance."""
    out: dict[tuple, list[int]] = {}
    for e in ledger.entries:
        if e.date > cut:
            row = out.setdefault((e.date, e.kind, e.reason, e.pay_month), [0, 0, 0])
            row[0] += e.minutes
            row[1] += e.amount or 0
    closing = {e.date: e.balance for e in ledger.entries if e.date > cut}
    return out, closing


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_cases())
def test_long_services_balance_and_an_opening_balance_changes_nothing_after_it(case):
    law = law_module.current()
    r, leave, cut = case
    final = build_ledgers(r, leave, LAST, law=law)["W"]
    for s in final.services:
        assert s.ledger_start is None or s.ledger_start == dt.date.max or s.ledger_start >= coverage_start(law)
    assert all(e.date >= coverage_start(law) for e in final.entries)
    assert min((e.balance for e in final.entries), default=0) >= 0
    t = final.totals()
    assert t["accrued"] - t["used"] - t["paid_out"] - t["lapsed"] == t["remaining"] == sum(g.remaining for g in final.grants) >= 0
    for k in range(1, 30):
        assert annual_days(k, law.on(LAST)) == min(15 + (k - 1) // 2, 25)
    # the ledger's own balance at the end of ``cut``, carried in as an opening balance, gives the same
    # future — when the walked ledger had started by then (a service begun before the rules is walked
    # from an anniversary; an opening date inside its first year walks the first-year days after it)
    home = next((s for s in final.services if s.runs_on(cut)), None)
    if cut < LAST and home is not None:
        at_cut = final.totals(cut)["remaining"]
        opened = build_ledgers(r, leave, LAST, law=law, opening=[Opening("W", cut, at_cut, "", "leave_opening.csv", 2)])["W"]
        o = opened.totals()
        assert o["accrued"] - o["used"] - o["paid_out"] - o["lapsed"] == o["remaining"] == sum(g.remaining for g in opened.grants) >= 0
        if home.ledger_start is None or home.ledger_start <= cut + dt.timedelta(days=1):
            assert _after(opened, cut) == _after(final, cut)
            assert o["remaining"] == t["remaining"]
