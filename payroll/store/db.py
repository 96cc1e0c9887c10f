"""Open the payroll database: SQLite file by default, PostgreSQL by URL; migrate on open.

Which database (first that is set):
1. the ``--db`` option of a command (passed here as ``url``),
2. the environment variable ``PAYROLL_DB``,
3. ``sqlite:///payroll.db`` — a file in the working directory.

A bare path (``--db /data/pay.db``) means an SQLite file. PostgreSQL:
``postgresql+psycopg://user:password@host:5432/dbname`` (``postgresql://`` is taken to mean psycopg 3).

On open the schema is brought to ``alembic upgrade heads``: the store's own revisions in
``payroll/store/migrations/versions`` plus every other area's branch in
``payroll/<area>/migrations/`` (see ``README-migrations.md``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, create_engine

from payroll.case import InputError
from payroll.store.models import AuditLog

DB_ENV = "PAYROLL_DB"
DEFAULT_URL = "sqlite:///payroll.db"
STORE_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = STORE_DIR.parent

_migrate_lock = threading.Lock()


def database_url(url: str | None = None) -> str:
    """The URL to open: ``url`` (``--db``), else ``$PAYROLL_DB``, else the SQLite file ``payroll.db``."""
    text = (url or os.environ.get(DB_ENV) or DEFAULT_URL).strip()
    if "://" not in text:  # a plain path is an SQLite file
        text = f"sqlite:///{Path(text)}"
    if text.startswith("postgresql://") or text.startswith("postgres://"):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def version_locations() -> list[str]:
    """The store's revisions and every other area's ``payroll/<area>/migrations`` branch directory."""
    dirs = [str(STORE_DIR / "migrations" / "versions")]
    for area in sorted(p for p in PACKAGE_DIR.iterdir() if p.is_dir() and p.name != "store"):
        mig = area / "migrations"
        if mig.is_dir() and any(mig.glob("*.py")):
            dirs.append(str(mig))
    return dirs


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(STORE_DIR / "migrations"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(version_locations()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """``alembic upgrade heads`` on ``engine`` (every branch: the store's and each area's)."""
    from alembic import command

    with _migrate_lock, engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one migrator at a time across processes
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(724172001)")
        command.upgrade(alembic_config(conn), "heads")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@dataclass
class Store:
    url: str
    engine: Engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any error."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def audit(self, actor: str, action: str, target: str, detail: dict | str = "", session: Session | None = None) -> None:
        entry = AuditLog(at=now(), actor=actor, action=action, target=target, detail=detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False, sort_keys=True))
        if session is not None:
            session.add(entry)
            return
        with self.session() as s:
            s.add(entry)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def now() -> dt.datetime:
    """Wall-clock UTC time for created_at/closed_at/audit (never part of any hash)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # clock ok: the one wall clock of records (never hashed)


def open_store(url: str | None = None, *, migrate_schema: bool = True) -> Store:
    """Open (and migrate) the database named by ``url``/``$PAYROLL_DB``/default."""
    full = database_url(url)
    try:
        parsed = make_url(full)
    except ArgumentError:
        raise InputError(f"--db/{DB_ENV}: 데이터베이스 URL이 아닙니다: {full!r}") from None
    kwargs: dict = {}
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            parent = Path(parsed.database).expanduser().resolve().parent
            if not parent.is_dir():
                raise InputError(f"--db/{DB_ENV}: 폴더 {parent}이(가) 없습니다")
        kwargs["connect_args"] = {"timeout": 30}
    try:
        engine = create_engine(full, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise InputError(f"--db/{DB_ENV}: {parsed.render_as_string(hide_password=True)}을(를) 쓸 수 없습니다: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate_schema:
        try:
            migrate(engine)
        except OperationalError as exc:
            raise InputError(f"--db/{DB_ENV}: {parsed.render_as_string(hide_password=True)}을(를) 열 수 없습니다: {str(exc.orig).strip().splitlines()[0]}") from None
    from payroll import installation

    installation.activate_for_database(full)  # the law this process uses includes the figures entered beside this database
    return Store(url=full, engine=engine)
