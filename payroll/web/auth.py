"""Sessions, CSRF and roles: every route declares the roles it admits with a :class:`Guard`.

- The session cookie carries 32 random bytes; the database keeps only their sha256. The cookie
  is HttpOnly and SameSite=Strict (Secure behind HTTPS), and the session ends after
  ``IDLE_TIMEOUT`` without a request or ``ABSOLUTE_TIMEOUT`` after login, whichever is first.
- Every state-changing request (POST) must carry the session's CSRF token, as the form field
  ``csrf_token`` or the header ``X-CSRF-Token`` (htmx sends it from ``hx-headers``). The login
  form, which has no session yet, uses a double-submit cookie.
- ``Guard(roles)`` is a FastAPI dependency: no session → redirect to the login page; a role
  not admitted → 403; a POST without the right token → 403. The security test reads the Guard
  of every route to know what to expect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from payroll.record.models import ROLES, ConsoleSession, ConsoleUser

SESSION_COOKIE = "payroll_session"
LOGIN_CSRF_COOKIE = "payroll_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
IDLE_TIMEOUT = dt.timedelta(minutes=30)
#: ``last_seen`` is moved on when it is this old: a session idles out at most this much before 30
#: minutes after its last request, and a busy console does not write the database on every request
TOUCH_EVERY = dt.timedelta(minutes=1)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=8)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ALL_ROLES = frozenset(ROLES)


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: str
    csrf_token: str
    worker_id: str | None = None  # a worker account: the one worker whose papers it sees
    must_change_password: bool = False


class NotAuthenticated(Exception):
    """No valid session: the app redirects to the login page."""


class PasswordChangeRequired(Exception):
    """The account must change its password first (a worker's first login): the app redirects to /password."""


class Forbidden(Exception):
    """Authenticated but not admitted (role or CSRF): the app answers 403."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def new_session(db: Session, user: ConsoleUser, now: dt.datetime) -> str:
    """Create a session row for ``user``; returns the cookie value (only its hash is stored).

    Sessions that have expired (anyone's) are deleted on the way.
    """
    from sqlalchemy import delete, or_

    db.execute(delete(ConsoleSession).where(or_(ConsoleSession.expires_at <= now, ConsoleSession.last_seen <= now - IDLE_TIMEOUT)))
    token = secrets.token_urlsafe(32)
    db.add(ConsoleSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen=now, expires_at=now + ABSOLUTE_TIMEOUT))
    return token


def end_session(db: Session, token: str | None) -> None:
    if token:
        row = db.get(ConsoleSession, _digest(token))
        if row is not None:
            db.delete(row)


def load_principal(db: Session, token: str | None, now: dt.datetime) -> Principal | None:
    """The session's user if the token is live and the account usable; touches ``last_seen`` (at most once a minute)."""
    if not token or len(token) > 128:
        return None
    row = db.get(ConsoleSession, _digest(token))
    if row is None:
        return None
    if now >= row.expires_at or now - row.last_seen >= IDLE_TIMEOUT:
        db.delete(row)
        db.commit()
        return None
    user = db.get(ConsoleUser, row.user_id)
    if user is None or user.disabled or user.locked:
        db.delete(row)
        db.commit()
        return None
    if now - row.last_seen >= TOUCH_EVERY:  # a write per minute of activity, not per request
        row.last_seen = now
        db.add(row)
        db.commit()
    return Principal(user.id, user.name, user.role, row.csrf_token, user.worker_id, bool(user.must_change_password))


def _principal_of(app, token: str | None) -> Principal | None:
    with Session(app.state.store.engine, expire_on_commit=False) as db:
        return load_principal(db, token, app.state.clock())


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class Guard:
    """A dependency admitting the listed roles; the route receives the :class:`Principal`."""

    def __init__(self, *roles: str, password_change: bool = False):
        unknown = set(roles) - ALL_ROLES
        if unknown or not roles:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        self.roles = frozenset(roles)
        self.password_change = password_change  # the route is where a pending password change is made

    def __repr__(self) -> str:
        return f"Guard({', '.join(sorted(self.roles))})"

    async def __call__(self, request: Request) -> Principal:
        principal = await run_in_threadpool(_principal_of, request.app, request.cookies.get(SESSION_COOKIE))  # a database write: off the event loop
        if principal is None:
            raise NotAuthenticated()
        request.state.principal = principal
        if principal.must_change_password and not self.password_change:
            raise PasswordChangeRequired()
        if principal.role not in self.roles:
            raise Forbidden("이 화면은 권한이 없습니다.")
        if request.method in UNSAFE_METHODS:
            given = request.headers.get(CSRF_HEADER)
            if given is None and request.headers.get("content-type", "").split(";")[0].strip() in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.form()
                value = form.get(CSRF_FIELD)
                given = value if isinstance(value, str) else None
            if not tokens_match(principal.csrf_token, given):
                raise Forbidden("요청 확인 토큰(CSRF)이 없거나 맞지 않습니다. 화면을 새로 고친 뒤 다시 시도하세요.")
        return principal


# The guards the routes use (one instance per combination, so the test can read them back).
# ANYONE is the HR office (every page of the payroll); a ``worker`` account passes only WORKER.
ANYONE = Guard("clerk", "approver", "auditor")
WORKER = Guard("worker")
SIGNED_IN = Guard("clerk", "approver", "auditor", "worker", password_change=True)
CLERK = Guard("clerk")
APPROVER = Guard("approver")
AUDITOR = Guard("auditor")
CLERK_OR_APPROVER = Guard("clerk", "approver")
