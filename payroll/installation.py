"""The installation's own folder: what a district adds beside the bundled package.

The package ships the law as it stood at the release (``rules/``). What the district itself
enters lives beside its database, never inside the package, so an upgrade of the package never
overwrites it: figures entered the day a 고시 appears (``rules/announced.toml``, see
:mod:`payroll.announced`), and other local data of an installation.

Which folder (the first that applies):

1. the folder given to :func:`activate` (the CLI and the console activate the folder of the
   database they open, ``--db``);
2. ``$PAYROLL_HOME``;
3. beside an SQLite database file ``X/name.db``: the folder ``X/name-installation/``
   (``$PAYROLL_DB``, else ``payroll.db`` in the working directory).

A PostgreSQL database has no folder beside it: set ``PAYROLL_HOME``.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "PAYROLL_HOME"
DB_ENV = "PAYROLL_DB"
DEFAULT_DB = "payroll.db"
RULES_FILE = Path("rules") / "announced.toml"

_active: Path | None = None
_activated = False  # activated for a database: its folder (None for a server database without PAYROLL_HOME)


def folder_for_database(url: str | None) -> Path | None:
    """The installation folder of a database URL or path (None for a server database)."""
    text = (url or os.environ.get(DB_ENV) or DEFAULT_DB).strip()
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if not scheme.startswith("sqlite"):
            return None
        path = rest[1:] if rest.startswith("/") else rest  # sqlite:///relative.db, sqlite:////abs.db
        if not path or path == ":memory:":
            return None
        text = path
    db = Path(text)
    return db.parent / f"{db.stem}-installation"


def activate(folder: Path | None) -> None:
    """Make ``folder`` the installation of this process (None: it has none)."""
    global _active, _activated
    _active = Path(folder) if folder is not None else None
    _activated = True


def deactivate() -> None:
    """Back to the environment's installation (``$PAYROLL_HOME`` or beside ``$PAYROLL_DB``)."""
    global _active, _activated
    _active, _activated = None, False


def activate_for_database(url: str | None) -> Path | None:
    """Activate the installation of the database a command opens: ``$PAYROLL_HOME`` wins."""
    folder = Path(os.environ[HOME_ENV]) if os.environ.get(HOME_ENV) else folder_for_database(url)
    activate(folder)
    return folder


def directory() -> Path | None:
    if _activated:
        return _active
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV])
    return folder_for_database(None)


def rules_path() -> Path | None:
    folder = directory()
    return folder / RULES_FILE if folder is not None else None


def rules_key() -> tuple:
    """What identifies the installation's rules file as it is now: its path, size and time (or ())."""
    path = rules_path()
    if path is None:
        return ()
    try:
        st = path.stat()
    except OSError:
        return ()
    return (str(path), st.st_size, st.st_mtime_ns)


def rules_text(key: tuple) -> str | None:
    """The text of the installation's rules file named by :func:`rules_key` (None when there is none)."""
    if not key:
        return None
    return Path(key[0]).read_text(encoding="utf-8")
