"""A worker account: first-login password change, only its own payslips and papers, a 경력증명서 request
that goes to the clerk's queue and comes back issued (on the register)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from payroll.record.models import ConsoleUser, IssuedDocument
from payroll.record.users import add_user
from payroll.runs.batch import execute_run
from payroll.runs.hashing import sha256_bytes
from test_runs_support import MONTH, fake_build, write_inputs
from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("worker-role")
    clock = FrozenClock()
    store = make_store(tmp)
    add_users(store, clock)
    run = execute_run(store, MONTH, inputs_dir=write_inputs(tmp / "inputs"), out_root=tmp / "out", build=fake_build, jobs=1)
    with store.session() as s:
        add_user(s, "w-W001", "worker", "first-pass-1234", clock=clock, worker_id="W001")
    clerk = make_client(store, clock, tmp)
    clerk.__enter__()
    login(clerk, "clerk", PASSWORDS["clerk"])
    clerk.csrf = csrf_from(clerk.get("/months").text)
    worker = make_client(store, clock, tmp)
    worker.__enter__()
    yield {"store": store, "run": run, "clerk": clerk, "worker": worker, "tmp": tmp}
    worker.__exit__(None, None, None)
    clerk.__exit__(None, None, None)
    store.dispose()


def test_first_login_must_change_the_password(env):
    c = env["worker"]
    r = login(c, "w-W001", "first-pass-1234")
    assert r.status_code == 303 and r.headers["location"] == "/password"
    assert c.get("/me").headers["location"] == "/password"  # nothing else until it is changed
    csrf = csrf_from(c.get("/password").text)
    r = c.post("/password", data={"csrf_token": csrf, "current": "first-pass-1234", "new": "first-pass-1234", "again": "first-pass-1234"})
    assert r.status_code == 400 and "달라야" in r.text
    r = c.post("/password", data={"csrf_token": csrf, "current": "first-pass-1234", "new": "mine-pass-5678", "again": "mine-pass-5678"})
    assert r.status_code == 303 and r.headers["location"] == "/me"
    with env["store"].session() as s:
        assert not s.exec(select(ConsoleUser).where(ConsoleUser.name == "w-W001")).one().must_change_password
    c.csrf = csrf


def test_the_worker_sees_only_its_own_papers(env):
    c, run = env["worker"], env["run"]
    page = c.get("/me")
    assert page.status_code == 200
    assert "김민준" in page.text and "이서연" not in page.text and "W002" not in page.text
    assert f"/me/payslips/{run['run_id']}.pdf" in page.text
    own = c.get(f"/me/payslips/{run['run_id']}.pdf")
    assert own.status_code == 200 and own.content == (env["tmp"] / "out" / MONTH / run["run_id"] / "payslips" / "W001.pdf").read_bytes()
    # the HR pages and another worker's paper: refused, whatever the URL says
    for url in ("/workers", "/workers/W002", f"/runs/{run['run_id']}", f"/runs/{run['run_id']}/payslips/W002.pdf", "/months", "/budgets", "/requests",
                "/workers/W002/withholding/2026.pdf", "/audit"):
        assert c.get(url).status_code == 403, url
    assert c.get(f"/me/payslips/{'0' * 16}.pdf").status_code == 404


def test_a_career_request_goes_to_the_clerk_and_comes_back_issued(env):
    c, clerk = env["worker"], env["clerk"]
    assert c.post("/me/career-requests", data={"csrf_token": c.csrf, "purpose": "취업 제출용"}).status_code == 303
    queue = clerk.get("/requests")
    assert "W001" in queue.text and "취업 제출용" in queue.text
    request_id = int(queue.text.split('/requests/')[1].split('/')[0])
    # a document of another worker, issued by the clerk: not reachable by W001
    other = clerk.post("/workers/W002/career", data={"csrf_token": clerk.csrf, "purpose": "x"})
    assert other.status_code == 200
    assert clerk.post(f"/requests/{request_id}/issue", data={"csrf_token": clerk.csrf}).status_code == 303
    with env["store"].session() as s:
        docs = {d.worker_id: d for d in s.exec(select(IssuedDocument).where(IssuedDocument.kind == "career")).all()}
    assert set(docs) == {"W001", "W002"}
    page = c.get("/me")
    assert "발급됨" in page.text and f"/me/career/{docs['W001'].id}.pdf" in page.text
    mine = c.get(f"/me/career/{docs['W001'].id}.pdf")
    assert mine.status_code == 200 and sha256_bytes(mine.content) == docs["W001"].sha256
    assert c.get(f"/me/career/{docs['W002'].id}.pdf").status_code == 404
