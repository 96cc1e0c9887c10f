"""The console's database is the payroll store: its migrations (ours in ``payroll/web/migrations``) make every table."""

from __future__ import annotations

from payroll.store import Store, open_store


def open_db(url: str | None = None) -> Store:
    """The store at ``url`` (``--db``, else ``$PAYROLL_DB``, else ``payroll.db``), migrated to the newest heads."""
    return open_store(url)
