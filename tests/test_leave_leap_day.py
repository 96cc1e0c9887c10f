"""연차 of a service begun on 29 February: its months and its year end as the 민법 counts them (§160②③),
with the same arithmetic as 퇴직금 and 근속연수 (payroll.periods)."""

import datetime as dt

from payroll.leave.roster_ledgers import build_ledgers
from tests.leave_helpers import contract, roster

D = dt.date


def test_a_service_from_29_february_completes_its_first_year_on_28_february(law):
    # months end the day before the corresponding day (03-28, 04-28 …) or, in a month without it, on its
    # last day; the year ends 2025-02-28 (2025 has no 29 February), so the 15 days (§60①) come on 2025-03-01.
    r = roster(contract("lp", "L", D(2024, 2, 29), None))
    (ledger,) = build_ledgers(r, [], D(2025, 3, 1), law=law).values()
    dates = [e.date for e in ledger.entries if e.kind == "accrual"]
    assert dates[:3] == [D(2024, 3, 29), D(2024, 4, 29), D(2024, 5, 29)]
    assert dates[-1] == D(2025, 3, 1)
    annual = [e for e in ledger.entries if e.kind == "accrual" and e.date == D(2025, 3, 1)]
    assert len(annual) == 1 and annual[0].minutes == 15 * 480
    # the day before, the year is not complete: no 15 days yet
    (before,) = build_ledgers(r, [], D(2025, 2, 28), law=law).values()
    assert all(e.date < D(2025, 3, 1) for e in before.entries if e.kind == "accrual")
