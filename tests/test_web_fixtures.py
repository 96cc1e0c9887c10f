"""Shared fixtures of the console tests (imported by tests/test_web*.py; holds no tests itself)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

PASSWORDS = {"clerk": "clerk-pass-1234", "approver": "approver-pass-1234", "auditor": "auditor-pass-1234", "worker": "worker-pass-1234"}
WORKER_LOGIN = "w-W0001"
START = dt.datetime(2026, 10, 15, 0, 0, 0)  # frozen: tests never read the wall clock


class FrozenClock:
    def __init__(self, now: dt.datetime = START):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


def make_store(tmp_path):
    from payroll.store import open_store

    return open_store(f"sqlite:///{tmp_path / 'console.db'}")


class _HashedOnce:
    """The password hasher with the fixture accounts' hashes made once per test process: an argon2
    hash costs ~0.3 s (more on a busy machine) and every console test adds the same three accounts.
    Each stored hash is a real argon2 hash of that password (``add_user`` still validates and stores
    it, a login still verifies it); only its salt is shared by the test databases of one process."""

    made: dict[str, str] = {}

    def __init__(self, hasher):
        self._hasher = hasher

    def hash(self, password: str) -> str:
        if password not in self.made:
            self.made[password] = self._hasher.hash(password)
        return self.made[password]

    def __getattr__(self, name):
        return getattr(self._hasher, name)


def add_users(store, clock):
    from payroll.record import users

    real = users._hasher
    users._hasher = _HashedOnce(real)
    try:
        with store.session() as s:
            for role, password in PASSWORDS.items():
                if role != "worker":  # a worker account belongs to a worker of the record: add_worker_account
                    users.add_user(s, role, role, password, clock=clock)
    finally:
        users._hasher = real


def add_worker_account(store, clock, worker_id: str = "W0001", login: str = WORKER_LOGIN) -> None:
    """A worker of the record (hired through the change set) with a login that has changed its first password."""
    from payroll.record import changes
    from payroll.record.models import SINCE_ALWAYS, ConsoleUser
    from payroll.record.users import add_user
    from payroll.roster import Worker
    from sqlmodel import select

    w = Worker(worker_id=worker_id, name="김근로", birth_date=dt.date(1990, 1, 1), department="총무과", employment="fixed_term")
    with store.session() as s:
        changes.apply(s, changes.roster_changes(s, [w], SINCE_ALWAYS, "test"), "test", "test")
    with store.session() as s:
        add_user(s, login, "worker", PASSWORDS["worker"], clock=clock, worker_id=worker_id)
    with store.session() as s:
        user = s.exec(select(ConsoleUser).where(ConsoleUser.name == login)).one()
        user.must_change_password = False
        s.add(user)


def make_client(store, clock, tmp_path):
    from fastapi.testclient import TestClient

    from payroll.web.app import create_app

    app = create_app(store=store, clock=clock, data_dir=tmp_path / "data")
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, follow_redirects=False)


def csrf_from(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(client, name: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_from(page.text)})


def role_clients(tmp_path, roles):
    """(store, {role: a logged-in client with its ``csrf``}) on a fresh store; a generator a fixture yields from."""
    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    clients = {}
    for role in roles:
        c = make_client(store, clock, tmp_path)
        c.__enter__()
        assert login(c, role, PASSWORDS[role]).status_code == 303
        c.csrf = csrf_from(c.get("/months").text)
        clients[role] = c
    yield store, clients
    for c in clients.values():
        c.__exit__(None, None, None)
    store.dispose()


def session_csrf(client) -> str:
    page = client.get("/months")
    return csrf_from(page.text)


@pytest.fixture
def clock():
    return FrozenClock()


@pytest.fixture
def store(tmp_path, clock):
    st = make_store(tmp_path)
    add_users(st, clock)
    yield st
    st.dispose()


@pytest.fixture
def client(store, clock, tmp_path):
    with make_client(store, clock, tmp_path) as c:
        yield c


def upload_file(c, month: str, kind: str, name: str, data: bytes, csrf: str):
    """One file through the console's import: the upload starts a job (303 to its page); the job's page
    once it has ended — the file read (``data-ok="yes"``) or refused with the importer's message
    (``data-ok="no"``) — or the upload's own answer when it started no job."""
    r = c.post(f"/months/{month}/uploads", data={"kind": kind, "csrf_token": csrf}, files=[("files", (name, data, "application/octet-stream"))])
    if r.status_code != 303:
        return r
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    c.app.state.jobs.wait(job_id)
    return c.get(f"/jobs/{job_id}")
