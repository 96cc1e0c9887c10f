"""Heavy console work does not hold other requests up, and the month's check is made once per change.

Before: every route was an ``async def`` doing its work on the event loop, so a month page re-running
the whole attendance check (or an upload read in a child process) held every other request of every
clerk until it ended; the check ran again on every view. Nothing here is timed: a request that waits
on a gate shows whether another one can pass meanwhile.
"""

from __future__ import annotations

import threading

import pytest

from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store
from test_web_month_data import MONTH, attendance_csv, contracts_csv, roster_csv


@pytest.fixture
def month_client(tmp_path):
    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    with make_client(store, clock, tmp_path) as c:
        assert login(c, "clerk", PASSWORDS["clerk"]).status_code == 303
        token = csrf_from(c.get("/months").text)
        for kind, name, data in (("roster", "roster.csv", roster_csv()), ("contracts", "contracts.csv", contracts_csv()),
                                 ("attendance", "근태.csv", attendance_csv())):
            r = c.post(f"/months/{MONTH}/uploads", data={"kind": kind, "csrf_token": token}, files={"file": (name, data, "text/csv")})
            assert r.status_code == 200, r.text[:300]
        c.csrf = token
        yield c
    store.dispose()


def test_the_month_check_is_made_once_per_change_of_its_inputs(month_client, monkeypatch):
    from payroll.attendance import checks

    calls = []
    real = checks.check_files
    monkeypatch.setattr(checks, "check_files", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        assert month_client.get(f"/months/{MONTH}").status_code == 200
        assert month_client.get(f"/months/{MONTH}/exceptions?code=missing_out").status_code == 200
    assert len(calls) <= 1  # made once (or already made by the upload's page)
    before = len(calls)
    r = month_client.post(f"/months/{MONTH}/uploads", data={"kind": "corrections", "csrf_token": month_client.csrf},
                          files={"file": ("corrections.csv", b"worker_id,date,in,out,reason\n", "text/csv")})
    assert r.status_code == 200, r.text[:300]
    month_client.get(f"/months/{MONTH}")
    assert len(calls) == before + 1  # a new input: checked again, once


def test_a_long_month_check_does_not_hold_other_pages(month_client, monkeypatch):
    from payroll.attendance import checks
    from payroll.web import inputs as web_inputs

    web_inputs._CHECKS.clear()
    entered, release = threading.Event(), threading.Event()
    real = checks.check_files

    def slow_check(*a, **k):
        entered.set()
        release.wait(60)
        return real(*a, **k)

    monkeypatch.setattr(checks, "check_files", slow_check)
    outcome = {}
    heavy = threading.Thread(target=lambda: outcome.setdefault("month", month_client.get(f"/months/{MONTH}").status_code))
    heavy.start()
    try:
        assert entered.wait(60), "the month page never started its check"
        # while the check is held: another page answers (it would wait for the check on the event loop)
        other = threading.Thread(target=lambda: outcome.setdefault("workers", month_client.get("/workers").status_code))
        other.start()
        other.join(60)
        assert outcome.get("workers") == 200 and "month" not in outcome
    finally:
        release.set()
        heavy.join(60)
    assert outcome["month"] == 200
