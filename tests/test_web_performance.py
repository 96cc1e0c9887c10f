"""The console's performance mechanics, checked by order and by count (never by time): a fast request
is answered while a slow one is still being served; the month's attendance check runs once per change
of its inputs and its exceptions report is laid out once per check, filter and viewer; a worker's page reads
that worker's stored row alone; the run page expands no result."""

from __future__ import annotations

import asyncio
import re
import threading

import httpx
import pytest
from sqlalchemy import event

from payroll.runs import results as results_module
from payroll.web import month_check as web_check
from payroll.web import services
from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store
from test_web_month_data import BROKEN_DAY, MONTH
from test_web_pages import fix_month, run_month, upload_month


async def _login(client: httpx.AsyncClient, role: str) -> None:
    page = await client.get("/login")
    r = await client.post("/login", data={"name": role, "password": PASSWORDS[role], "csrf_token": csrf_from(page.text)})
    assert r.status_code == 303


def test_a_fast_request_is_answered_while_a_slow_one_is_served(tmp_path, monkeypatch):
    from payroll.web.app import create_app

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    app = create_app(store=store, clock=clock, data_dir=tmp_path / "data")
    inside, release = threading.Event(), threading.Event()
    overview = services.month_overview

    def slow_overview(*args, **kwargs):  # /months stays inside its handler until the fast request is done
        inside.set()
        assert release.wait(120), "the fast request never came back"
        return overview(*args, **kwargs)

    monkeypatch.setattr(services, "month_overview", slow_overview)

    async def scenario() -> list[str]:
        order: list[str] = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", follow_redirects=False) as client:
            await _login(client, "auditor")

            async def slow() -> None:
                r = await client.get("/months")
                assert r.status_code == 200
                order.append("slow done")

            task = asyncio.create_task(slow())
            while not inside.is_set():  # the slow request is in its handler
                await asyncio.sleep(0.01)
            fast = await client.get("/audit")
            assert fast.status_code == 200
            order.append("fast done")
            release.set()
            await task
        return order

    try:
        assert asyncio.run(scenario()) == ["fast done", "slow done"]
    finally:
        release.set()
        store.dispose()


@pytest.fixture
def clerk(tmp_path):
    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    c = make_client(store, clock, tmp_path)
    c.__enter__()
    assert login(c, "clerk", PASSWORDS["clerk"]).status_code == 303
    c.csrf = csrf_from(c.get("/months").text)
    yield c
    c.__exit__(None, None, None)
    store.dispose()


def test_the_attendance_check_runs_once_per_change_of_its_inputs(clerk, monkeypatch):
    upload_month(clerk)  # roster, contracts, employer, one export: the last upload checks the month (in the job's process)

    def checked_again(*args, **kwargs):
        raise AssertionError("the console checked the exports again instead of reading the upload's check")

    with monkeypatch.context() as m:  # the first view reads the check the import job kept in the data folder
        m.setattr(web_check, "check_files_of", checked_again)
        assert "missing_out" in clerk.get(f"/months/{MONTH}").text
    before = web_check.CHECKS.computed
    for _ in range(3):
        assert "missing_out" in clerk.get(f"/months/{MONTH}").text
        assert clerk.get("/months").status_code == 200
        assert clerk.get(f"/months/{MONTH}/exceptions", params={"code": "missing_out"}).status_code == 200
    assert web_check.CHECKS.computed == before  # every view read the kept check
    r = clerk.post(f"/months/{MONTH}/decisions", data={"worker_id": "W002", "decision": "hold", "reason": "확인 중", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "run-blocked" not in r.text  # the decision is an input too: checked again, once
    assert web_check.CHECKS.computed == before + 1
    r = clerk.post(f"/months/{MONTH}/decisions", data={"worker_id": "W002", "decision": "", "reason": "", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "run-blocked" in r.text  # taken back: open again
    before = web_check.CHECKS.computed
    r = clerk.post(f"/months/{MONTH}/corrections", data={"worker_id": "W002", "date": BROKEN_DAY, "time_in": "09:00", "time_out": "18:00",
                                                       "reason": "퇴근 타각 누락", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "정정됨" in r.text  # the correction changed an input: checked again, once
    assert web_check.CHECKS.computed == before + 1
    for _ in range(2):
        assert "정정됨" in clerk.get(f"/months/{MONTH}").text
    assert web_check.CHECKS.computed == before + 1


def test_the_exceptions_report_is_laid_out_once_per_check_filter_and_viewer(clerk, monkeypatch):
    from payroll.web import month_view

    upload_month(clerk)
    laid_out = []
    plain = month_view.exceptions_context
    monkeypatch.setattr(month_view, "exceptions_context", lambda *a, **kw: laid_out.append(kw) or plain(*a, **kw))
    month_view._KEPT.clear()
    first = clerk.get(f"/months/{MONTH}").text
    for _ in range(2):  # the same page again: the same report, not laid out again
        assert clerk.get(f"/months/{MONTH}").text == first
    assert len(laid_out) == 1
    alone = clerk.get(f"/months/{MONTH}/exceptions").text  # the report alone is the month page's report
    assert alone.startswith('<div id="exceptions">') and alone in first and len(laid_out) == 1
    filtered = clerk.get(f"/months/{MONTH}/exceptions", params={"code": "missing_out"}).text  # another filter: laid out for it
    assert 'data-code="missing_out"' in filtered and len(laid_out) == 2
    r = clerk.post(f"/months/{MONTH}/corrections", data={"worker_id": "W002", "date": BROKEN_DAY, "time_in": "09:00", "time_out": "18:00",
                                                       "reason": "퇴근 타각 누락", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "정정됨" in r.text  # a new check: its report is laid out anew and shows the correction
    assert len(laid_out) == 3


def test_the_precheck_is_rendered_once_per_check_and_viewer_and_follows_a_decision(clerk, monkeypatch):
    from payroll.web import month_view

    upload_month(clerk)
    grouped = []
    plain = month_view.open_by_worker
    monkeypatch.setattr(month_view, "open_by_worker", lambda *a: grouped.append(a) or plain(*a))
    month_view._KEPT.clear()
    first = clerk.get(f"/months/{MONTH}").text
    assert 'id="precheck"' in first and "run-blocked" in first
    assert clerk.get(f"/months/{MONTH}").text == first and len(grouped) == 1
    r = clerk.post(f"/months/{MONTH}/decisions", data={"worker_id": "W002", "decision": "hold", "reason": "확인 중", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "run-blocked" not in r.text and 'id="decisions"' in r.text  # a new check: laid out anew
    assert len(grouped) == 2


def test_a_restarted_console_reads_the_kept_check_instead_of_checking_again(clerk, monkeypatch):
    from payroll.attendance import checks

    upload_month(clerk)
    page = clerk.get(f"/months/{MONTH}").text
    kept = list((clerk.app.state.data_dir / "cache" / "attendance-checks").glob("*.parquet"))
    assert len(kept) == 1
    web_check.CHECKS.clear()  # a new process: nothing in memory

    def no_checking(*args, **kwargs):
        raise AssertionError("the month was checked again")

    monkeypatch.setattr(checks, "check_files", no_checking)
    again = clerk.get(f"/months/{MONTH}").text
    assert "missing_out" in again and again.count('data-code="missing_out"') == page.count('data-code="missing_out"')
    assert clerk.get("/months").status_code == 200


def test_worker_pages_read_one_stored_row_and_the_run_page_expands_none(clerk, monkeypatch):
    upload_month(clerk)
    fix_month(clerk)  # a month with an open attendance error is refused
    job, _ = run_month(clerk)
    assert job.state == "done", job.error
    run_id = job.result["run_id"]
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if "worker_results" in statement:
            statements.append(statement)

    engine = clerk.app.state.store.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        page = clerk.get(f"/runs/{run_id}/workers/W001").text
        assert "국민연금법" in page and "계산 근거" in page or "근거 조문" in page
        assert statements and all(re.search(r"worker_results\.worker_id = ", s) for s in statements), statements
        statements.clear()

        def no_expanding(*args, **kwargs):
            raise AssertionError("the run page expanded a stored result")

        monkeypatch.setattr(results_module.Dictionary, "expand", no_expanding)
        run = clerk.get(f"/runs/{run_id}")
        assert run.status_code == 200 and "W001" in run.text and "W003" in run.text
        assert statements and not any("result_json" in s for s in statements), statements  # the list and the totals from the rows' own columns
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def test_the_run_page_lists_a_page_of_workers_and_finds_one(clerk, monkeypatch):
    upload_month(clerk)
    fix_month(clerk)  # a month with an open attendance error is refused
    job, _ = run_month(clerk)
    run_id = job.result["run_id"]
    monkeypatch.setattr(services, "PAGE_ROWS", 2)

    def listed(html: str) -> list[str]:
        return re.findall(rf'<a href="/runs/{run_id}/workers/(W\d+)">', html)

    first = clerk.get(f"/runs/{run_id}").text
    assert listed(first) == ["W001", "W002"] and f"/runs/{run_id}?offset=2" in first
    assert "3명 중 1–2번째" in first
    departments = first[first.index('<table id="departments">'):first.index("</tbody>", first.index('<table id="departments">'))]
    assert sum(int(n) for n in re.findall(r'</td><td class="num">(\d+)</td>', departments)) == 3  # the totals count every worker, not the page
    second = clerk.get(f"/runs/{run_id}", params={"offset": 2}).text
    assert listed(second) == ["W003"] and "offset=0" in second
    found = clerk.get(f"/runs/{run_id}", params={"worker": "W002"}).text
    assert listed(found) == ["W002"] and "1명 중 1–1번째" in found
    assert listed(clerk.get(f"/runs/{run_id}", params={"worker": "%"}).text) == []  # a LIKE wildcard is a plain character here
