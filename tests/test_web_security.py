"""Every route, every role: the expected allow or 403; unauthenticated → the login page.

The expectation is read from each route's :class:`payroll.web.auth.Guard`, and the test fails on a
route that has no Guard and is not in the public list, so a new route cannot slip past it.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from payroll.web.auth import Guard
from payroll.web.pages.session import PUBLIC_ROUTES
from test_web_fixtures import PASSWORDS, WORKER_LOGIN, FrozenClock, add_users, add_worker_account, csrf_from, login, make_client, make_store

#: a value for every path parameter the console uses (nonexistent objects: 404 is an allow, not a 403)
SAMPLE_PARAMS = {"document_id": "1", "request_id": "1", "decision": "issue", "month": "2026-06", "run_id": "0" * 16, "other_run_id": "1" * 16, "worker_id": "W0001", "weight": "regular", "upload_id": "1", "job_id": "nojob", "name": "contract", "kind": "attendance", "slip": "W0001", "contract_id": "C001", "year": "2026", "ext": "pdf", "period": "2026"}


def _guard_of(route: APIRoute) -> Guard | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Guard):
            return dep.call
        stack.extend(dep.dependencies)
    return None


def _api_routes(routes):
    """APIRoutes, also inside included routers (FastAPI ≥0.160 keeps them in ``original_router``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)


def _routes(app):
    out = []
    for route in _api_routes(app.routes):
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, route.path, _guard_of(route)))
    return out


def _url(path: str) -> str:
    def sub(m):
        name = m.group(1).split(":")[0]
        assert name in SAMPLE_PARAMS, f"add a sample value for path parameter {name!r} to SAMPLE_PARAMS"
        return SAMPLE_PARAMS[name]

    return re.sub(r"\{([^}]+)\}", sub, path)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sec")
    clock = FrozenClock()
    store = make_store(tmp)
    add_users(store, clock)
    add_worker_account(store, clock)
    clients = {}
    for role in (None, "clerk", "approver", "auditor", "worker"):
        c = make_client(store, clock, tmp)
        c.__enter__()
        if role:
            assert login(c, WORKER_LOGIN if role == "worker" else role, PASSWORDS[role]).status_code == 303
            c.csrf = csrf_from(c.get("/password" if role == "worker" else "/months").text)
        clients[role] = c
    yield clients
    for c in clients.values():
        c.__exit__(None, None, None)
    store.dispose()


def test_every_route_is_guarded_or_public(env):
    app = env[None].app
    routes = _routes(app)
    assert len(routes) >= 5
    for method, path, guard in routes:
        if guard is None:
            assert (method, path) in PUBLIC_ROUTES, f"{method} {path} has no Guard and is not public"
        else:
            assert (method, path) not in PUBLIC_ROUTES


def _call(client, method, url, csrf):
    if method == "GET":
        return client.get(url)
    return client.request(method, url, data={"csrf_token": csrf} if csrf else {})


def test_walk_every_route_with_every_role(env):
    app = env[None].app
    checked = 0
    for method, path, guard in _routes(app):
        url = _url(path)
        if guard is None:
            continue
        r = _call(env[None], method, url, None)
        assert r.status_code == 303 and r.headers["location"] == "/login", f"unauthenticated {method} {url}: {r.status_code}"
        for role in ("clerk", "approver", "auditor", "worker"):
            client = env[role]
            r = _call(client, method, url, client.csrf)
            if role in guard.roles:
                assert r.status_code != 403, f"{role} {method} {url} should be allowed: {r.status_code} {r.text[:200]}"
                assert r.status_code < 500, f"{role} {method} {url}: server error {r.status_code}"
                if method != "GET":  # allowed role, but no CSRF token → refused
                    assert _call(client, method, url, None).status_code == 403, f"{method} {url} accepted without CSRF"
            else:
                assert r.status_code == 403, f"{role} {method} {url} should be 403, got {r.status_code}"
            checked += 1
    assert checked >= 3


def test_public_routes_answer_without_a_session(env):
    c = env[None]
    assert c.get("/login").status_code == 200
    assert c.get("/").status_code == 303
    assert c.get("/fonts/regular.ttf").status_code == 200
