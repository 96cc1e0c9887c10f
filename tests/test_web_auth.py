"""Console accounts and sessions: argon2, login throttling, cookies, CSRF, expiry, the CLI."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from sqlmodel import select

from payroll.record import users
from payroll.case import InputError
from payroll.store.models import AuditLog
from payroll.web.auth import SESSION_COOKIE
from payroll.record.models import ConsoleSession, ConsoleUser
from test_web_fixtures import PASSWORDS, client, clock, csrf_from, login, store  # noqa: F401


def test_password_is_an_argon2_hash(store):
    with store.session() as s:
        u = s.exec(select(ConsoleUser).where(ConsoleUser.name == "clerk")).one()
    assert u.password_hash.startswith("$argon2id$")
    assert PASSWORDS["clerk"] not in u.password_hash


def test_add_user_refuses_bad_input(store, clock):
    with store.session() as s:
        with pytest.raises(InputError, match="이미 있습니다"):
            users.add_user(s, "clerk", "clerk", "long-enough-pw", clock=clock)
        with pytest.raises(InputError, match="role"):
            users.add_user(s, "x", "admin", "long-enough-pw", clock=clock)
        with pytest.raises(InputError, match="8자 이상"):
            users.add_user(s, "y", "clerk", "short", clock=clock)
        with pytest.raises(InputError, match="사용자 이름"):
            users.add_user(s, "../etc", "clerk", "long-enough-pw", clock=clock)


def test_login_sets_a_strict_httponly_cookie_and_logs_it(client, store):
    r = login(client, "clerk", PASSWORDS["clerk"])
    assert r.status_code == 303 and r.headers["location"] == "/months"
    cookie = [h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "=")][0].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie
    token = client.cookies.get(SESSION_COOKIE)
    with store.session() as s:
        rows = s.exec(select(ConsoleSession)).all()
        assert len(rows) == 1 and rows[0].token_hash != token  # only the hash is stored
        actions = [a.action for a in s.exec(select(AuditLog).where(AuditLog.actor == "clerk")).all()]
    assert "login" in actions
    assert client.get("/months").status_code == 200


def test_wrong_password_and_unknown_user_give_the_same_answer(client):
    a = login(client, "clerk", "wrong-password")
    b = login(client, "nobody", "wrong-password")
    assert a.status_code == b.status_code == 401
    assert "아이디 또는 비밀번호가 맞지 않습니다" in a.text and "아이디 또는 비밀번호가 맞지 않습니다" in b.text


def test_failures_slow_the_next_attempt_down_instead_of_locking_the_account(client, store, clock):
    """Before: five wrong passwords (from anyone) locked the account until an administrator unlocked it."""
    for i in range(5):
        assert "맞지 않습니다" in login(client, "clerk", f"wrong-{i}-xxxx").text
    r = login(client, "clerk", PASSWORDS["clerk"])  # inside the delay: refused before the password is looked at
    assert r.status_code == 429 and "2초 뒤에 다시 시도하세요" in r.text and r.headers["Retry-After"] == "2"
    assert SESSION_COOKIE not in client.cookies
    clock.advance(seconds=2)
    assert login(client, "clerk", PASSWORDS["clerk"]).status_code == 303  # the owner gets in once the delay is over


def test_delays_grow_and_stop_at_five_minutes(client, store, clock):
    from payroll.security import throttle

    waits = []
    for i in range(12):
        assert login(client, "clerk", f"wrong-{i}-xxxx").status_code == 401
        with store.session() as s:
            waits.append(throttle.state(s, "clerk", clock())[1])
        if waits[-1]:
            r = login(client, "clerk", PASSWORDS["clerk"])
            assert r.status_code == 429 and r.headers["Retry-After"] == str(waits[-1])
        clock.advance(seconds=waits[-1])
    assert waits == [0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256]
    assert throttle.delay_after(30, throttle.FREE_FAILURES, throttle.MAX_DELAY).total_seconds() == 300


def test_an_unknown_name_is_answered_and_counted_exactly_like_a_known_one(client, clock, monkeypatch):
    from payroll.record import users as users_module

    verified = []

    class Counting:
        def __init__(self, real):
            self.real = real

        def verify(self, h, p):
            verified.append(h)
            return self.real.verify(h, p)

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(users_module, "_hasher", Counting(users_module._hasher))

    def answers(name):
        out = []
        for i in range(7):
            r = login(client, name, f"wrong-{i}-xxxx")
            out.append((r.status_code, r.headers.get("Retry-After"), re.sub(r"<input[^>]*>", "", r.text).replace(name, "NAME")))
        clock.advance(hours=25)  # forgotten
        return out

    assert answers("clerk") == answers("nobody-here")
    assert len(verified) == 14  # one argon2 verification per attempt either way (a throttled one included)


def test_one_address_trying_many_names_is_slowed_down_too(client, clock):
    for i in range(20):
        assert login(client, f"guess{i}", "wrong-password-x").status_code == 401
    r = login(client, "clerk", PASSWORDS["clerk"])
    assert r.status_code == 429 and "기다려야" in r.text


def test_the_approver_clears_a_delay_in_the_console_and_the_cli_does_too(store, clock, tmp_path):
    from test_web_fixtures import make_client

    with make_client(store, clock, tmp_path) as victim, make_client(store, clock, tmp_path) as approver:
        for i in range(9):
            login(victim, "clerk", f"wrong-{i}-xxxx")
            clock.advance(seconds=20)
        assert login(victim, "clerk", PASSWORDS["clerk"]).status_code == 429
        assert login(approver, "approver", PASSWORDS["approver"]).status_code == 303
        page = approver.get("/accounts")
        assert page.status_code == 200 and "제한 풀기" in page.text
        r = approver.post("/accounts/clerk/unlock", data={"csrf_token": csrf_from(page.text)})
        assert r.status_code == 200 and "제한을 풀었습니다" in r.text
        assert login(victim, "clerk", PASSWORDS["clerk"]).status_code == 303
    with store.session() as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "user_unlock", AuditLog.actor == "approver")).first() is not None
    for i in range(9):
        with store.session() as s, pytest.raises(users.LoginRefused):
            users.authenticate(s, "auditor", "wrong-password-x", clock=clock)
        clock.advance(seconds=20)
    with store.session() as s, pytest.raises(users.LoginRefused, match="throttled"):
        users.authenticate(s, "auditor", PASSWORDS["auditor"], clock=clock)
    with store.session() as s:
        users.unlock_user(s, "auditor", clock=clock)
        assert users.authenticate(s, "auditor", PASSWORDS["auditor"], clock=clock).name == "auditor"


def test_success_resets_the_failure_count(client, store, clock):
    from payroll.security import throttle

    for i in range(4):
        login(client, "clerk", f"wrong-{i}-xxxx")
    assert login(client, "clerk", PASSWORDS["clerk"]).status_code == 303
    with store.session() as s:
        assert throttle.state(s, "clerk", clock()) == (0, 0)


def test_login_form_needs_its_csrf_token(client):
    client.get("/login")
    r = client.post("/login", data={"name": "clerk", "password": PASSWORDS["clerk"], "csrf_token": "forged"})
    assert r.status_code == 403 and SESSION_COOKIE not in client.cookies


def test_unauthenticated_is_sent_to_login(client):
    r = client.get("/months")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    r = client.get("/months", headers={"HX-Request": "true"})
    assert r.status_code == 401 and r.headers["HX-Redirect"] == "/login"


def test_session_expires_when_idle_and_after_eight_hours(client, clock):
    login(client, "clerk", PASSWORDS["clerk"])
    clock.advance(minutes=29)
    assert client.get("/months").status_code == 200
    clock.advance(minutes=30)
    assert client.get("/months").status_code == 303
    login(client, "clerk", PASSWORDS["clerk"])
    for _ in range(16):  # 7 h 44 min of activity
        clock.advance(minutes=29)
        assert client.get("/months").status_code == 200
    clock.advance(minutes=29)  # 8 h 13 min after login
    assert client.get("/months").status_code == 303


def test_a_session_is_touched_once_a_minute_not_on_every_request(client, store, clock):
    login(client, "clerk", PASSWORDS["clerk"])

    def last_seen():
        with store.session() as s:
            return s.exec(select(ConsoleSession.last_seen)).one()

    signed_in = last_seen()
    for _ in range(3):
        clock.advance(seconds=15)
        assert client.get("/months").status_code == 200
    assert last_seen() == signed_in  # requests within the minute write nothing
    clock.advance(seconds=15)
    assert client.get("/months").status_code == 200
    assert last_seen() == clock()  # a minute on: moved to this request


def test_forged_session_cookie_is_refused(client):
    client.cookies.set(SESSION_COOKIE, "x" * 43)
    assert client.get("/months").status_code == 303


def test_disable_ends_sessions(client, store, clock):
    login(client, "clerk", PASSWORDS["clerk"])
    with store.session() as s:
        users.disable_user(s, "clerk", clock=clock)
    assert client.get("/months").status_code == 303
    r = login(client, "clerk", PASSWORDS["clerk"])
    assert r.status_code == 401 and "사용이 중지된" in r.text


def test_logout_needs_csrf_and_ends_the_session(client):
    login(client, "clerk", PASSWORDS["clerk"])
    token = csrf_from(client.get("/months").text)
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/months").status_code == 303


def test_security_headers_and_no_stack_trace(client):
    login(client, "clerk", PASSWORDS["clerk"])
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Traceback" not in r.text
    r = client.get("/months")
    assert r.headers["x-frame-options"] == "SAMEORIGIN" and "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"


def test_korean_font_is_served(client):
    r = client.get("/fonts/regular.ttf")
    assert r.status_code == 200 and r.headers["content-type"] == "font/ttf"
    assert r.content[:4] == b"\x00\x01\x00\x00"  # TrueType outlines
    assert client.get("/fonts/..%2Fetc.ttf").status_code == 404
    css = client.get("/static/console.css").text
    assert "@font-face" in css and "/fonts/regular.ttf" in css


def _cli(args, tmp_path, stdin=""):
    return subprocess.run([sys.executable, "-c", "from payroll.cli import main; main()", *args],
                          input=stdin, capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_cli_user_commands(tmp_path):
    db = f"sqlite:///{tmp_path / 'u.db'}"
    r = _cli(["user", "add", "lee", "--role", "approver", "--db", db], tmp_path, stdin="a-good-password\n")
    assert r.returncode == 0, r.stderr
    assert "a-good-password" not in r.stdout + r.stderr
    pwfile = tmp_path / "pw.txt"
    pwfile.write_text("another-password\n")
    r = _cli(["user", "add", "park", "--role", "auditor", "--password-file", str(pwfile), "--db", db], tmp_path)
    assert r.returncode == 0, r.stderr
    r = _cli(["user", "add", "choi", "--role", "clerk", "--password", "x", "--db", db], tmp_path)
    assert r.returncode == 2  # there is no --password option
    r = _cli(["user", "add", "choi", "--role", "clerk", "--db", db], tmp_path, stdin="short\n")
    assert r.returncode == 2 and "8자 이상" in r.stderr and "Traceback" not in r.stderr
    r = _cli(["user", "disable", "park", "--db", db], tmp_path)
    assert r.returncode == 0
    r = _cli(["user", "list", "--db", db], tmp_path)
    lines = r.stdout.splitlines()
    assert lines == ["lee                      approver  활성", "park                     auditor   비활성"]
    r = _cli(["user", "disable", "ghost", "--db", db], tmp_path)
    assert r.returncode == 2 and "사용자 'ghost'이(가) 없습니다" in r.stderr


def test_expired_sessions_are_removed_at_the_next_login(client, store, clock):
    login(client, "clerk", PASSWORDS["clerk"])
    clock.advance(hours=9)
    login(client, "approver", PASSWORDS["approver"])
    with store.session() as s:
        assert len(s.exec(select(ConsoleSession)).all()) == 1


def test_web_migration_makes_every_column_of_the_models(store):
    import sqlalchemy as sa

    from payroll.web.models import ConsoleUpload

    insp = sa.inspect(store.engine)
    for model in (ConsoleUser, ConsoleSession, ConsoleUpload):
        table = model.__table__
        columns = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} == columns, table.name


def test_csrf_on_multipart_and_htmx_header_and_across_sessions(store, clock, tmp_path):
    from test_web_fixtures import make_client

    with make_client(store, clock, tmp_path) as a, make_client(store, clock, tmp_path) as b:
        login(a, "clerk", PASSWORDS["clerk"])
        login(b, "clerk", PASSWORDS["clerk"])
        token_a = csrf_from(a.get("/months").text)
        token_b = csrf_from(b.get("/months").text)
        assert token_a != token_b
        files = [("files", ("x.csv", b"a,b\n", "text/csv"))]
        assert a.post("/months/2026-06/uploads", data={"kind": "attendance"}, files=files).status_code == 403
        assert a.post("/months/2026-06/uploads", data={"kind": "attendance", "csrf_token": token_b}, files=files).status_code == 403
        r = a.post("/months/2026-06/uploads", data={"kind": "attendance"}, files=files, headers={"X-CSRF-Token": token_a})
        assert r.status_code == 303  # past the guard: an import job, whose page gives the importer's message
        job = a.app.state.jobs.wait(r.headers["location"].rsplit("/", 1)[-1])
        assert job.result["files"][0]["ok"] is False and "x.csv" in job.result["files"][0]["summary"]
