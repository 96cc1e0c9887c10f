"""Properties: the ledger never goes negative, and accrued − used − paid out − lapsed = remaining
(the sum of the open grants) for every worker at every month end."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payroll.leave.inputs import LeaveDay, Notice
from payroll.leave.roster_ledgers import build_ledgers
from tests.leave_helpers import contract, roster

D = dt.date
START = D(2025, 1, 1)
LAST = D(2026, 12, 31)  # the employer settings in rules/ end here


@st.composite
def cases(draw):
    n = draw(st.integers(1, 3))
    day = START + dt.timedelta(days=draw(st.integers(0, 60)))
    days = draw(st.sampled_from(["12345", "135", "12", "1234567", "24"]))
    hours = draw(st.sampled_from([(9, 18), (9, 13), (9, 16), (13, 18)]))
    brk = 60 if hours[1] - hours[0] > 4 else 0
    contracts = []
    for i in range(n):
        length = draw(st.integers(60, 400))
        end = day + dt.timedelta(days=length)
        contracts.append(contract(f"k{i}", "W", day, end, days=days, hours=hours, brk=brk,
                                  pay=draw(st.sampled_from(["hourly", "monthly", "daily"])), wage=draw(st.integers(10_000, 3_000_000))))
        day = end + dt.timedelta(days=draw(st.integers(1, 45)))
    r = roster(*contracts)
    leave = []
    taken = set()
    for _ in range(draw(st.integers(0, 25))):
        d = START + dt.timedelta(days=draw(st.integers(0, 900)))
        c = r.contract_on("W", d)
        if c is None or d.isoweekday() not in c.weekdays or d in taken:
            continue
        taken.add(d)
        kind = draw(st.sampled_from(["연차", "반차", "무급", "병가"]))
        minutes = c.daily_minutes // 2 if kind == "반차" else c.daily_minutes
        leave.append(LeaveDay("W", d, kind, minutes, "gen", 0))
    notices = []
    if draw(st.booleans()):
        notices = [Notice("W", contracts[0].start + dt.timedelta(days=364), "first", contracts[0].start + dt.timedelta(days=draw(st.integers(250, 300))), None),
                   Notice("W", contracts[0].start + dt.timedelta(days=364), "second", contracts[0].start + dt.timedelta(days=draw(st.integers(300, 340))), None)]
    return r, sorted(leave, key=lambda x: x.date), notices


def month_ends(first, last):
    d = first
    while d <= last:
        nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        yield nxt - dt.timedelta(days=1)
        d = nxt


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_never_negative_and_balanced_every_month(law, case):
    r, leave, notices = case
    final = build_ledgers(r, leave, LAST, notices=notices, law=law)["W"]
    assert min((e.balance for e in final.entries), default=0) >= 0
    for end in month_ends(START, LAST):
        ledger = build_ledgers(r, leave, end, notices=notices, law=law)["W"]
        t = ledger.totals()
        assert t["accrued"] - t["used"] - t["paid_out"] - t["lapsed"] == t["remaining"] >= 0
        assert t["remaining"] == sum(g.remaining for g in ledger.grants)
        assert t["remaining"] == (ledger.entries[-1].balance if ledger.entries else 0)
        # the month-end view agrees with the full ledger read up to that day
        assert t == final.totals(end)
        # every payout has an amount and a method
        assert all(e.amount is not None and e.amount >= 0 and e.method for e in ledger.entries if e.kind == "payout")
