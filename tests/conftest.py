import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa

from payroll import law as law_module
from payroll.store import database_url, open_store


@pytest.fixture(scope="session")
def law():
    return law_module.current()


FROZEN_TODAY = dt.date(2026, 10, 15)  # tests never read today's date


PG_URL = os.environ.get("PAYROLL_TEST_PG_URL")


def _fresh_pg(url: str) -> str:
    """A new empty schema on the test server, reached through the search_path."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    eng = sa.create_engine(database_url(url))
    with eng.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    eng.dispose()
    sep = "&" if "?" in url else "?"
    return f"{database_url(url)}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """A fresh store on SQLite, and on the PostgreSQL test server when PAYROLL_TEST_PG_URL names one (.ci/run starts it)."""
    if request.param == "postgres":
        if not PG_URL:
            pytest.skip("PAYROLL_TEST_PG_URL is not set")
        s = open_store(_fresh_pg(PG_URL))
    else:
        s = open_store(str(tmp_path / "store.db"))
    yield s
    s.dispose()


@pytest.fixture(autouse=True)
def _installation_per_test():
    """Each test starts from the environment's installation (a store opened by an earlier test activated its own)."""
    from payroll import installation

    installation.deactivate()
    yield
    installation.deactivate()
