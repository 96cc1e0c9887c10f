"""The payroll store: SQLModel tables, sessions, migrations (SQLite by default, PostgreSQL by URL)."""

from payroll.store.db import DB_ENV, Store, database_url, migrate, open_store

__all__ = ["DB_ENV", "Store", "database_url", "migrate", "open_store"]
