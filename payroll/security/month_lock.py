"""One run, correction or close of a month at a time, across processes, in the database.

:func:`hold` takes the month for the length of a ``with`` block, or refuses at once with
:class:`MonthBusy` (exit code 2) naming what holds it: "2026-06: run 2026-06-1a2b3c4d is in
progress (started … by …)". A second run of a month in progress is refused; ``payroll close``
refuses while a run of the month is in progress; a run refuses while the month is being closed.

- PostgreSQL: a session advisory lock on the month, held on a connection of its own, decides;
  the row in ``month_activity`` only names the holder. When the holding process dies, its
  connection closes and the server releases the lock: a killed run never blocks the month.
- SQLite: the row in ``month_activity`` is the lock, taken in an ``IMMEDIATE`` transaction (the
  database's write lock, so two processes never both see the month free). The row names the
  holding process (host, pid, start time); a row whose process is gone is taken over.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text

from payroll.errors import InputError
from payroll.security.models import MonthActivity
from payroll.security.sandbox import process_alive
from payroll.store.db import Store, now

#: first key of the advisory lock (the second is a hash of the schema and the month): a number no other lock uses
ADVISORY_NAMESPACE = 15_2606
KIND_LABELS = {"run": "실행", "correction": "정정 실행", "close": "마감"}


class MonthBusy(InputError):
    """The month is held by another run or close (exit code 2)."""


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (with the pid: which process it is)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "?"


def this_process() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _gone(process: str) -> bool:
    """Is the process named by ``host:pid:start`` certainly no longer running (on this host)?"""
    host, _, rest = process.partition(":")
    pid_text, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine: it cannot be checked from here
    pid = int(pid_text)
    if not process_alive(pid):
        return True
    return start not in ("?", "") and _start_time(pid) not in ("?", start)  # the pid now names another process


def busy_message(month: str, row: MonthActivity | None) -> str:
    if row is None:
        return f"{month}: 다른 실행이나 마감이 진행 중입니다; 끝난 뒤 다시 하세요"
    what = KIND_LABELS.get(row.kind, row.kind)
    name = "" if row.kind == "close" else f" {row.holder}"
    return (f"{month}: {what}{name}이(가) 진행 중입니다 (시작 {row.started_at:%Y-%m-%d %H:%M:%S} UTC, {row.actor}); "
            f"그 작업이 끝난 뒤 다시 하세요")


@contextmanager
def hold(store: Store, month: str, *, holder: str, kind: str, actor: str) -> Iterator[None]:
    """Hold ``month`` for this block (see the module docstring), or raise :class:`MonthBusy`."""
    if store.dialect == "postgresql":
        with _hold_postgres(store, month, holder, kind, actor):
            yield
    else:
        with _hold_sqlite(store, month, holder, kind, actor):
            yield


def current(store: Store, month: str) -> MonthActivity | None:
    with store.session() as s:
        return s.get(MonthActivity, month)


def _row(month: str, holder: str, kind: str, actor: str) -> dict:
    return {"month": month, "holder": holder, "kind": kind, "actor": actor[:120], "process": this_process()[:200], "started_at": now()}


_INSERT = text("INSERT INTO month_activity (month, holder, kind, actor, process, started_at) VALUES (:month, :holder, :kind, :actor, :process, :started_at)")
_DELETE = text("DELETE FROM month_activity WHERE month = :month")
_RELEASE = text("DELETE FROM month_activity WHERE month = :month AND holder = :holder")


@contextmanager
def _hold_postgres(store: Store, month: str, holder: str, kind: str, actor: str) -> Iterator[None]:
    conn = store.engine.connect()
    key = {"ns": ADVISORY_NAMESPACE, "month": month}
    try:
        # the lock is the database's; its schema is part of the key (one database may hold several stores)
        got = conn.execute(text("SELECT pg_try_advisory_lock(:ns, hashtext(current_schema() || '/' || :month))"), key).scalar()
        conn.commit()
        if not got:
            raise MonthBusy(busy_message(month, current(store, month)))
        try:
            conn.execute(_DELETE, {"month": month})  # a row left by a process that died: the lock says it is gone
            conn.execute(_INSERT, _row(month, holder, kind, actor))
            conn.commit()
            yield
        finally:
            conn.rollback()
            conn.execute(_RELEASE, {"month": month, "holder": holder})
            conn.execute(text("SELECT pg_advisory_unlock(:ns, hashtext(current_schema() || '/' || :month))"), key)
            conn.commit()
    except BaseException:
        conn.invalidate()  # never give a connection that may still hold the lock back to the pool
        raise
    finally:
        conn.close()


@contextmanager
def _hold_sqlite(store: Store, month: str, holder: str, kind: str, actor: str) -> Iterator[None]:
    raw = store.engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        previous = dbapi.isolation_level
        dbapi.isolation_level = None  # we say BEGIN ourselves
        try:
            cur = dbapi.cursor()
            cur.execute("BEGIN IMMEDIATE")  # the write lock: one process at a time sees and takes the month
            try:
                cur.execute("SELECT holder, kind, actor, process, started_at FROM month_activity WHERE month = ?", (month,))
                found = cur.fetchone()
                if found is not None and not _gone(found[3]):
                    row = MonthActivity(month=month, holder=found[0], kind=found[1], actor=found[2], process=found[3],
                                        started_at=_as_datetime(found[4]))
                    raise MonthBusy(busy_message(month, row))
                values = _row(month, holder, kind, actor)
                cur.execute("DELETE FROM month_activity WHERE month = ?", (month,))
                cur.execute("INSERT INTO month_activity (month, holder, kind, actor, process, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                            (values["month"], values["holder"], values["kind"], values["actor"], values["process"], values["started_at"].isoformat(sep=" ")))
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        finally:
            dbapi.isolation_level = previous
    finally:
        raw.close()
    try:
        yield
    finally:
        with store.engine.begin() as conn:
            conn.execute(_RELEASE, {"month": month, "holder": holder})


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return dt.datetime(1970, 1, 1)
