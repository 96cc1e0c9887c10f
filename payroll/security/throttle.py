"""Failed console logins slow the next attempt down, by account name and by client address.

No hard lock: anyone could otherwise lock any colleague out with five wrong passwords. After
``FREE_FAILURES`` failures in a row for an account name (known or not: an unknown name is
counted the same way, so the answers never tell whether an account exists), each further failure
makes the next attempt wait twice as long as the last — 2 s, 4 s, 8 s … up to ``MAX_DELAY`` — and
the same for a client address after ``FREE_FAILURES_ADDRESS``, to ``MAX_DELAY_ADDRESS``. An
attempt inside the wait is refused without looking at the password. A successful login clears the
account's count; an approver (console, 사용자 화면) or ``payroll user unlock NAME`` clears it by
hand; failures older than ``FORGET_AFTER`` no longer count.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from payroll.security.models import LoginThrottle

FREE_FAILURES = 5
FREE_FAILURES_ADDRESS = 20
FIRST_DELAY = dt.timedelta(seconds=2)
MAX_DELAY = dt.timedelta(minutes=5)
MAX_DELAY_ADDRESS = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=24)


def _keys(name: str, address: str) -> list[tuple[str, int, dt.timedelta]]:
    keys = [(f"account:{name.strip().lower()[:64]}", FREE_FAILURES, MAX_DELAY)]
    if address:
        keys.append((f"address:{address[:64]}", FREE_FAILURES_ADDRESS, MAX_DELAY_ADDRESS))
    return keys


def delay_after(failures: int, free: int, cap: dt.timedelta) -> dt.timedelta | None:
    """How long the next attempt waits after ``failures`` failures in a row (None: not at all)."""
    if failures < free:
        return None
    steps = min(failures - free, 20)  # 2^20 × 2 s is far beyond any cap
    return min(FIRST_DELAY * (1 << steps), cap)


def wait_seconds(db: Session, name: str, address: str, now: dt.datetime) -> int:
    """Whole seconds the next attempt for ``name`` from ``address`` must still wait (0: none)."""
    wait = dt.timedelta(0)
    for key, _, _ in _keys(name, address):
        row = db.get(LoginThrottle, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            wait = max(wait, row.blocked_until - now)
    return int(-(-wait.total_seconds() // 1))  # float ok: rounded up to whole seconds for the message


def failed(db: Session, name: str, address: str, now: dt.datetime) -> None:
    """Count a failed attempt (the caller commits)."""
    for key, free, cap in _keys(name, address):
        row = db.get(LoginThrottle, key)
        if row is None or now - row.last_failure_at > FORGET_AFTER:
            row = row or LoginThrottle(key=key, failures=0, last_failure_at=now)
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        delay = delay_after(row.failures, free, cap)
        row.blocked_until = now + delay if delay is not None else None
        db.add(row)


def clear(db: Session, name: str) -> None:
    """Forget the failures of account ``name`` (a successful login, an approver's unlock)."""
    row = db.get(LoginThrottle, f"account:{name.strip().lower()[:64]}")
    if row is not None:
        db.delete(row)


def state(db: Session, name: str, now: dt.datetime) -> tuple[int, int]:
    """(failures counted, seconds still to wait) of account ``name``."""
    row = db.get(LoginThrottle, f"account:{name.strip().lower()[:64]}")
    if row is None or now - row.last_failure_at > FORGET_AFTER:
        return 0, 0
    wait = row.blocked_until - now if row.blocked_until is not None and row.blocked_until > now else dt.timedelta(0)
    return row.failures, int(-(-wait.total_seconds() // 1))  # float ok: whole seconds for display
