"""Console users: add, list, disable, unlock, authenticate — the functions both the CLI and the web call.

Passwords are hashed with argon2id (argon2-cffi's defaults). A password never comes from a
command-line argument (it would sit in the shell history and in ``ps``): the CLI reads standard
input or a file. Failed logins slow the next attempt down — by account name and by client
address, with growing delays, never a hard lock (:mod:`payroll.security.throttle`); a successful
login, ``payroll user unlock`` or an approver's unlock in the console clears an account's delay.
Every outcome is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from payroll.case import InputError
from payroll.record.audit import record
from payroll.record.models import ROLES, ConsoleUser
from payroll.store.db import now as db_now

MIN_PASSWORD_LENGTH = 8
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

_hasher = PasswordHasher()
# A hash to verify against when the name is unknown, so the answer takes the same time either way.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return db_now()


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    disabled: bool
    locked: bool
    failed_logins: int
    worker_id: str | None = None


def _view(u: ConsoleUser) -> UserView:
    return UserView(u.name, u.role, u.disabled, u.locked, u.failed_logins, u.worker_id)


def change_password(db: Session, user_id: int, current: str, new: str, *, clock: Clock = utc_now) -> None:
    """The account's own password change (the first login of a worker account requires it)."""
    user = db.get(ConsoleUser, user_id)
    try:
        ok = user is not None and _hasher.verify(user.password_hash, current or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise InputError("현재 비밀번호가 맞지 않습니다")
    new = validate_password(new)
    if new == current:
        raise InputError("새 비밀번호는 지금 비밀번호와 달라야 합니다")
    user.password_hash = _hasher.hash(new)
    user.must_change_password = False
    db.add(user)
    record(db, user.name, "password_change", user.name, clock=clock)
    db.commit()


def validate_password(password: str) -> str:
    password = password.rstrip("\r\n")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"비밀번호: {MIN_PASSWORD_LENGTH}자 이상이어야 합니다")
    if "\n" in password or "\r" in password:
        raise InputError("비밀번호: 한 줄이어야 합니다")
    return password


def add_user(db: Session, name: str, role: str, password: str, *, clock: Clock = utc_now, actor: str = "cli", worker_id: str | None = None) -> UserView:
    """Add an account. A ``worker`` account belongs to one worker of the record and must change its
    password at the first login (HR made it and knows the first one)."""
    if not NAME_PATTERN.match(name):
        raise InputError(f"사용자 이름 {name!r}: 영문자, 숫자, '.', '_', '-'만 쓸 수 있고 64자 이하여야 합니다")
    if role not in ROLES:
        raise InputError(f"--role: {role!r}은(는) 다음 중 하나가 아닙니다: {', '.join(ROLES)}")
    if (role == "worker") != (worker_id is not None):
        raise InputError("근로자(worker) 계정에는 --worker WORKER_ID가 필요합니다 (근로자 계정만 가집니다)")
    if worker_id is not None:
        from payroll.record.models import RecordWorker

        if db.get(RecordWorker, worker_id) is None:
            raise InputError(f"--worker: 기록에 근로자 {worker_id!r}이(가) 없습니다")
        if db.exec(select(ConsoleUser).where(ConsoleUser.worker_id == worker_id, ConsoleUser.disabled == False)).first() is not None:  # noqa: E712
            raise InputError(f"근로자 {worker_id}의 계정이 이미 있습니다")
    password = validate_password(password)
    if db.exec(select(ConsoleUser).where(ConsoleUser.name == name)).first() is not None:
        raise InputError(f"사용자 {name!r}이(가) 이미 있습니다")
    user = ConsoleUser(name=name, role=role, password_hash=_hasher.hash(password), created_at=clock(), worker_id=worker_id,
                       must_change_password=role == "worker", disabled=False, failed_logins=0, locked=False)
    db.add(user)
    record(db, actor, "user_add", name, f"role={role}" + (f" worker={worker_id}" if worker_id else ""), clock=clock)
    db.commit()
    db.refresh(user)
    return _view(user)


def list_users(db: Session) -> list[UserView]:
    return [_view(u) for u in db.exec(select(ConsoleUser).order_by(ConsoleUser.name)).all()]


def _get(db: Session, name: str) -> ConsoleUser:
    user = db.exec(select(ConsoleUser).where(ConsoleUser.name == name)).first()
    if user is None:
        raise InputError(f"사용자 {name!r}이(가) 없습니다")
    return user


def disable_user(db: Session, name: str, *, clock: Clock = utc_now, actor: str = "cli") -> UserView:
    """Disable an account and end its sessions at once."""
    from payroll.record.models import ConsoleSession

    user = _get(db, name)
    user.disabled = True
    db.add(user)
    for s in db.exec(select(ConsoleSession).where(ConsoleSession.user_id == user.id)).all():
        db.delete(s)
    record(db, actor, "user_disable", name, clock=clock)
    db.commit()
    return _view(user)


def unlock_user(db: Session, name: str, *, clock: Clock = utc_now, actor: str = "cli") -> UserView:
    """Clear the account's failed logins (its login delay) at once: an approver's hand on the throttle."""
    from payroll.security import throttle

    user = _get(db, name)
    throttle.clear(db, user.name)
    user.locked = False
    user.failed_logins = 0
    db.add(user)
    record(db, actor, "user_unlock", name, clock=clock)
    db.commit()
    return _view(user)


#: what a refused login is told (the same for a wrong password and an unknown name)
REFUSAL_MESSAGES = {
    "invalid": "아이디 또는 비밀번호가 맞지 않습니다.",
    "throttled": "로그인 실패가 많아 잠시 기다려야 합니다. {wait}초 뒤에 다시 시도하세요.",
    "disabled": "사용이 중지된 계정입니다.",
}


class LoginRefused(Exception):
    """The login failed; ``reason`` is one of "invalid", "throttled", "disabled" (``wait``: seconds, when throttled)."""

    def __init__(self, reason: str, wait: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait

    @property
    def message(self) -> str:
        return REFUSAL_MESSAGES[self.reason].format(wait=self.wait)


def _dummy_verify(password: str) -> None:
    try:
        _hasher.verify(_DUMMY_HASH, password or "")
    except VerificationError:
        pass


def authenticate(db: Session, name: str, password: str, *, clock: Clock = utc_now, source: str = "") -> ConsoleUser:
    """The user when ``password`` is right and the account usable; else :class:`LoginRefused`.

    Failures are throttled by account name and by ``source`` (the client address) with growing
    delays (:mod:`payroll.security.throttle`); an attempt inside a delay is refused before the
    password is looked at. An unknown name is answered exactly like a wrong password: the same
    message, the same argon2 work, the same counting.
    """
    from payroll.security import throttle

    now = clock()
    wait = throttle.wait_seconds(db, name, source, now)
    if wait > 0:
        _dummy_verify(password)
        record(db, name[:64] or "?", "login_throttled", "", f"wait {wait}s {source}".strip(), clock=clock)
        db.commit()
        raise LoginRefused("throttled", wait)
    user = db.exec(select(ConsoleUser).where(ConsoleUser.name == name)).first() if name else None
    if user is None:
        _dummy_verify(password)
        ok = False
    else:
        try:
            ok = _hasher.verify(user.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    if not ok:
        throttle.failed(db, name, source, now)
        record(db, name[:64] or "?", "login_failed", "", f"{'unknown user ' if user is None else ''}{source}".strip(), clock=clock)
        db.commit()
        raise LoginRefused("invalid")
    if user.disabled:
        record(db, user.name, "login_refused", "", f"disabled {source}".strip(), clock=clock)
        db.commit()
        raise LoginRefused("disabled")
    throttle.clear(db, user.name)
    user.failed_logins = 0
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.add(user)
    record(db, user.name, "login", "", source, clock=clock)
    db.commit()
    db.refresh(user)
    return user
